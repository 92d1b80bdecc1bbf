import { MailError } from '../errors';
import { MultilineBody } from './multilineBody';

/** One POP3 status line: `+OK text`, `-ERR text`, or a SASL continuation `+ text`. */
export interface Pop3Reply {
  readonly kind: 'ok' | 'err' | 'continue';
  /** The text after the status indicator (decoded as UTF-8, for people and for parsing numbers). */
  readonly text: string;
}

export interface ReplyHandler {
  /** A status line arrived. Return a byte limit when a multi-line body follows it, else undefined. */
  status(reply: Pop3Reply): number | undefined;
  /** Decoded body bytes of the current multi-line reply. */
  body(bytes: Buffer): void;
  /** The current multi-line reply is complete. */
  end(): void;
}

const LF = 0x0a;

/**
 * Splits the server's bytes into status lines and multi-line bodies, however they are split across
 * TCP reads. Why it exists: node-pop3 0.11.0 assumes a status line starts each read (`buffer[0]` is
 * '+' or '-') and decides by command name alone which replies are multi-line (CAPA is missing), so a
 * server sending one byte per read breaks it. Which replies carry a body is the handler's decision.
 */
export class Pop3ReplyReader {
  private line: Buffer[] = [];
  private lineLength = 0;
  private bodyDecoder: MultilineBody | undefined;

  /** `maxLineBytes`: the longest status line accepted; a longer one throws MailError('limit'). */
  constructor(private readonly handler: ReplyHandler, private readonly maxLineBytes: number) {}

  /** Feeds server bytes; throws MailError('protocol' | 'limit') when the stream cannot be read. */
  push(chunk: Buffer): void {
    let rest: Buffer = chunk;
    while (rest.length > 0) {
      if (this.bodyDecoder) {
        const after = this.bodyDecoder.push(rest, (bytes) => this.handler.body(bytes));
        if (after === undefined) return;
        this.bodyDecoder = undefined;
        this.handler.end();
        rest = after;
        continue;
      }
      const lf = rest.indexOf(LF);
      const piece = lf === -1 ? rest : rest.subarray(0, lf + 1);
      this.lineLength += piece.length;
      if (this.lineLength > this.maxLineBytes) {
        throw new MailError('limit', `The server sent a line longer than ${this.maxLineBytes} bytes.`);
      }
      this.line.push(piece);
      if (lf === -1) return;
      rest = rest.subarray(lf + 1);
      const text = Buffer.concat(this.line).toString('utf8').replace(/\r?\n$/, '');
      this.line = [];
      this.lineLength = 0;
      const limit = this.handler.status(parseStatusLine(text));
      if (limit !== undefined) this.bodyDecoder = new MultilineBody(limit);
    }
  }
}

/** Parses `+OK …`, `-ERR …` or `+ …` (RFC 1939 §3, RFC 5034 §4); anything else is a protocol error. */
export function parseStatusLine(line: string): Pop3Reply {
  const m = /^(\+OK|-ERR)(?:[ \t](.*))?$/i.exec(line);
  if (m) return { kind: m[1].toUpperCase() === '+OK' ? 'ok' : 'err', text: m[2] ?? '' };
  const c = /^\+(?: (.*))?$/.exec(line);
  if (c) return { kind: 'continue', text: c[1] ?? '' };
  throw new MailError('protocol', `The server sent a line that is not a POP3 status line: ${JSON.stringify(line.slice(0, 80))}`);
}
