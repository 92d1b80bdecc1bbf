import type { FramedLine } from './lineFramer';
import { MASK } from './trafficLine';
import { renderTrafficBytes } from './trafficText';

/**
 * Masks credentials in client lines before anything is written anywhere. Each protocol's masker
 * remembers whether an authentication exchange is under way, because SASL sends the secret on the
 * line after the command, and IMAP LOGIN may send its arguments as literals on the lines after it.
 * Only the secret span is replaced: the user name, the tag and the command stay as sent.
 */
export interface LineMasker {
  /**
   * A client line, rendered (renderTrafficBytes) with secrets replaced by the mask. A string is a
   * whole line of its own (no literal), as the console's echo has it.
   */
  client(line: FramedLine | string): string;
  /** A server line as shown (`continued`: it continues a response after a literal): lets the masker see when an authentication exchange ends. */
  server(text: string, continued?: boolean): void;
}

/** A string as a framed line of its own. */
function asLine(line: FramedLine | string): FramedLine {
  if (typeof line !== 'string') return line;
  const bytes = Buffer.from(line, 'utf8');
  return { kind: 'line', bytes, end: 'crlf', wire: bytes.length + 2, cut: 0, continued: false, literalBytes: 0, literalEnds: false };
}

const LITERAL_TOKEN = /^\{\d{1,19}\+?\}$/;

/**
 * IMAP: `tag LOGIN user password` (each argument an atom, a quoted string or a literal): the password's
 * span is masked, wherever it is; `tag AUTHENTICATE MECH [initial]`: the initial response and every client
 * line until the tagged reply (the SASL responses) are masked.
 */
export class ImapMasker implements LineMasker {
  private inAuthenticate = false;
  /** In a LOGIN command: the index of the next argument (0 user, 1 password), or undefined. */
  private loginArg: number | undefined;
  /** The LOGIN argument whose literal data is being read, or -1. */
  private literalArg = -1;

  client(input: FramedLine | string): string {
    const line = asLine(input);
    if (this.inAuthenticate) return MASK;
    if (!line.continued) {
      this.loginArg = undefined;
      this.literalArg = -1;
      return this.command(line.bytes);
    }
    if (this.loginArg === undefined) return line.kind === 'elided' ? '' : renderTrafficBytes(line.bytes);
    // Continuing a LOGIN after a literal announcement.
    if (line.kind === 'elided') {
      this.endLiteral();
      return '';
    }
    let out = '';
    if (line.literalBytes > 0 || line.kind === 'payload') {
      out = this.literalArg === 1 ? MASK : renderTrafficBytes(line.bytes.subarray(0, line.literalBytes));
      if (!line.literalEnds) return out; // all literal data (the literal may go on on the next line)
      this.endLiteral();
    } else if (this.literalArg >= 0) {
      this.endLiteral(); // the literal ended with the previous line
    }
    return out + this.tokens(line.bytes.subarray(line.literalBytes));
  }

  server(line: string, continued = false): void {
    // A tagged reply (not a "+" continuation or "*" untagged line) ends the exchange.
    if (continued) return;
    if (line.startsWith('+') || line.startsWith('*')) return;
    this.inAuthenticate = false;
    this.loginArg = undefined;
    this.literalArg = -1;
  }

  private endLiteral(): void {
    if (this.literalArg >= 0 && this.loginArg !== undefined) this.loginArg = this.literalArg + 1;
    this.literalArg = -1;
  }

  /** A line that starts a command. */
  private command(bytes: Buffer): string {
    const text = bytes.toString('latin1');
    const login = /^\S+\s+LOGIN(?=\s|$)/i.exec(text);
    if (login) {
      this.loginArg = 0;
      const at = login[0].length;
      return renderTrafficBytes(bytes.subarray(0, at)) + this.tokens(bytes.subarray(at));
    }
    const auth = /^(\S+\s+AUTHENTICATE\s+\S+)(\s+\S.*)?$/is.exec(text);
    if (auth) {
      this.inAuthenticate = true;
      const head = renderTrafficBytes(bytes.subarray(0, auth[1]!.length));
      return auth[2] ? `${head} ${MASK}` : head;
    }
    return renderTrafficBytes(bytes);
  }

  /** LOGIN's arguments in protocol text: the password's token is masked; a literal announcement is remembered. */
  private tokens(bytes: Buffer): string {
    const text = bytes.toString('latin1');
    let out = '';
    let pos = 0;
    const show = (from: number, to: number): string => renderTrafficBytes(bytes.subarray(from, to));
    while (pos < text.length && this.loginArg !== undefined && this.loginArg < 2) {
      const spaces = /^\s*/.exec(text.slice(pos))![0].length;
      out += show(pos, pos + spaces);
      pos += spaces;
      if (pos >= text.length) break;
      let end: number;
      if (text[pos] === '"') {
        end = pos + 1;
        while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
        end = Math.min(end + 1, text.length);
      } else {
        const space = text.slice(pos).search(/\s/);
        end = space === -1 ? text.length : pos + space;
      }
      const token = text.slice(pos, end);
      if (end === text.length && LITERAL_TOKEN.test(token)) {
        // Its data comes on the next line(s); the announcement (a length) is shown.
        this.literalArg = this.loginArg;
        out += show(pos, end);
        return out;
      }
      out += this.loginArg === 1 ? MASK : show(pos, end);
      this.loginArg++;
      pos = end;
    }
    return out + show(pos, text.length);
  }
}

/** POP3: `PASS secret`, `APOP user digest`, `AUTH MECH [initial]` and its continuation lines. */
export class Pop3Masker implements LineMasker {
  private inAuth = false;

  client(input: FramedLine | string): string {
    const line = renderTrafficBytes(asLine(input).bytes);
    if (this.inAuth) return MASK;
    if (/^PASS(\s|$)/i.test(line)) return `${line.slice(0, 4)} ${MASK}`;
    const apop = /^(APOP\s+\S+)(\s+.*)?$/i.exec(line);
    if (apop) return `${apop[1]} ${MASK}`;
    const auth = /^(AUTH\s+\S+)(\s+\S.*)?$/i.exec(line);
    if (auth) {
      this.inAuth = true;
      return auth[2] ? `${auth[1]} ${MASK}` : auth[1]!;
    }
    return line;
  }

  server(line: string): void {
    if (this.inAuth && !line.startsWith('+ ') && line !== '+') this.inAuth = false;
  }
}
