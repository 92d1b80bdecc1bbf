import { ImapLineFramer, LineFramer, Pop3LineFramer } from './lineFramer';
import { ImapMasker, LineMasker, Pop3Masker } from './masking';
import { MASK, TrafficCounts, TrafficLine, TrafficSink } from './trafficLine';
import { renderTrafficBytes } from './trafficText';

export interface TapOptions {
  /** Payloads (IMAP literals, POP3 multi-line bodies) longer than this are shown as their first bytes. */
  maxLiteralBytes: number;
}

/**
 * The traffic tap of one account: every byte a session sends or receives passes through a
 * ConnectionTap, which counts it, frames it into lines, masks credentials and hands the lines to the
 * sink (an output channel, a test's array). Nothing reaches the sink unmasked.
 */
export class TrafficTap {
  private next = 1;
  readonly totals: TrafficCounts = { sent: 0, received: 0 };

  constructor(private readonly sink: TrafficSink, private options: TapOptions) {}

  setOptions(options: TapOptions): void {
    this.options = options;
  }

  /**
   * `secrets` are scrubbed from every line as a last line of defence, whatever the masker did; a
   * secret known only later (a password asked for after the TLS handshake) is added with addSecret().
   */
  open(protocol: 'imap' | 'pop3', secrets: string[] = []): ConnectionTap {
    const id = `${protocol}#${this.next++}`;
    const words: string[] = [];
    const connection = new ConnectionTap(id, protocol, scrubbing(this.sink, words), this.options, this.totals, words);
    for (const secret of secrets) connection.addSecret(secret);
    return connection;
  }
}

/** The forms of a secret to scrub: lines show bytes rendered (renderTrafficBytes), so as written and as rendered. */
function scrubForms(secret: string): string[] {
  return [...new Set([secret, renderTrafficBytes(Buffer.from(secret, 'utf8'))])].filter((s) => s.length >= 3);
}

/** `words` is the connection's live list: a secret added later is scrubbed from the next line on. */
function scrubbing(sink: TrafficSink, words: readonly string[]): TrafficSink {
  return (line) => {
    if (words.length === 0) return sink(line);
    let text = line.text;
    for (const w of words) text = text.split(w).join(MASK);
    sink(text === line.text ? line : { ...line, text });
  };
}

export class ConnectionTap {
  readonly counts: TrafficCounts = { sent: 0, received: 0 };
  private readonly masker: LineMasker;
  private readonly clientFramer: LineFramer;
  private readonly serverFramer: LineFramer;
  private closed = false;
  private seq = 0;

  constructor(
    readonly id: string,
    readonly protocol: 'imap' | 'pop3',
    private readonly sink: TrafficSink,
    options: TapOptions,
    private readonly totals: TrafficCounts,
    /** The scrubbing list of this connection's sink (see TrafficTap.open). */
    private readonly secrets: string[] = [],
  ) {
    const framerOptions = { maxPayloadBytes: options.maxLiteralBytes };
    this.masker = protocol === 'imap' ? new ImapMasker() : new Pop3Masker();
    const emitClient = (text: string): void => this.event('client', this.masker.client(text));
    const emitServer = (text: string): void => {
      this.masker.server(text);
      this.event('server', text);
    };
    this.clientFramer = protocol === 'imap' ? new ImapLineFramer(framerOptions, emitClient) : new Pop3LineFramer(framerOptions, emitClient);
    this.serverFramer = protocol === 'imap' ? new ImapLineFramer(framerOptions, emitServer) : new Pop3LineFramer(framerOptions, emitServer);
  }

  /** From now on `secret` is scrubbed from every line of this connection (forms under 3 characters are not: they would mask ordinary text). */
  addSecret(secret: string): void {
    for (const form of scrubForms(secret)) if (!this.secrets.includes(form)) this.secrets.push(form);
  }

  /** Bytes the client wrote. */
  client(chunk: Buffer): void {
    this.counts.sent += chunk.length;
    this.totals.sent += chunk.length;
    this.clientFramer.push(chunk);
  }

  /**
   * A client write whose bytes the protocol library withheld from us because it carries credentials;
   * `described` is the library's own masked rendering. It is masked again here all the same.
   */
  clientWithheld(described: string, byteLength = 0): void {
    this.counts.sent += byteLength;
    this.totals.sent += byteLength;
    this.event('client', this.masker.client(described));
  }

  /** Bytes the server sent. */
  server(chunk: Buffer): void {
    this.counts.received += chunk.length;
    this.totals.received += chunk.length;
    this.serverFramer.push(chunk);
  }

  /** POP3: the next +OK reply is multi-line. */
  expectMultiline(): void {
    if (this.serverFramer instanceof Pop3LineFramer) this.serverFramer.expectMultiline();
  }

  /** A note about the connection (connected, TLS, closed), shown between the protocol lines. */
  info(text: string): void {
    this.event('info', text, 'note');
  }

  // Contract placeholder (issue 12): bytes, end, tag and command are filled in by the framers.
  private event(direction: TrafficLine['direction'], text: string, kind: TrafficLine['kind'] = 'line'): void {
    this.sink({ connection: this.id, direction, text, seq: ++this.seq, at: performance.timeOrigin + performance.now(), bytes: 0, end: 'crlf', kind });
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.clientFramer.flush();
    this.serverFramer.flush();
    this.info(`${reason} (sent ${this.counts.sent} bytes, received ${this.counts.received} bytes)`);
  }
}

/** `C: `, `S: ` or `*  ` followed by the connection id: the format of the output channel. */
export function formatTrafficLine(line: { connection: string; direction: string; text: string }): string {
  const arrow = line.direction === 'client' ? 'C:' : line.direction === 'server' ? 'S:' : '--';
  return `[${line.connection}] ${arrow} ${line.text}`;
}
