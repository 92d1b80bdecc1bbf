import { MASK } from './trafficLine';

/**
 * Masks credentials in client lines before anything is written anywhere. Each protocol's masker
 * remembers whether an authentication exchange is under way, because SASL sends the secret on the
 * line after the command.
 */
export interface LineMasker {
  /** A client line, returned with secrets replaced by the mask. */
  client(line: string): string;
  /** A server line: lets the masker see when an authentication exchange ends. */
  server(line: string): void;
}

/** IMAP: `tag LOGIN user pass` (also as literals), `tag AUTHENTICATE MECH [initial]` and its continuation lines. */
export class ImapMasker implements LineMasker {
  private inAuthenticate = false;

  client(line: string): string {
    if (this.inAuthenticate) return MASK;
    // LOGIN with literals sends the arguments on the following lines: mask them until the tagged reply.
    if (/^\S+\s+LOGIN\s+\{\d+\+?\}$/i.test(line)) {
      this.inAuthenticate = true;
      return line;
    }
    const login = /^(\S+\s+LOGIN\s+)("(?:[^"\\]|\\.)*"|\{\d+\+?\}|\S+)(\s+).*$/i.exec(line);
    if (login) return `${login[1]}${login[2]}${login[3]}${MASK}`;
    const auth = /^(\S+\s+AUTHENTICATE\s+\S+)(\s+\S.*)?$/i.exec(line);
    if (auth) {
      this.inAuthenticate = true;
      return auth[2] ? `${auth[1]} ${MASK}` : auth[1];
    }
    return line;
  }

  server(line: string): void {
    // A tagged reply (not a "+" continuation or "*" untagged line) ends the exchange.
    if (this.inAuthenticate && !line.startsWith('+') && !line.startsWith('*')) this.inAuthenticate = false;
  }
}

/** POP3: `PASS secret`, `APOP user digest`, `AUTH MECH [initial]` and its continuation lines. */
export class Pop3Masker implements LineMasker {
  private inAuth = false;

  client(line: string): string {
    if (this.inAuth) return MASK;
    if (/^PASS(\s|$)/i.test(line)) return `PASS ${MASK}`;
    const apop = /^(APOP\s+\S+)(\s+.*)?$/i.exec(line);
    if (apop) return `${apop[1]} ${MASK}`;
    const auth = /^(AUTH\s+\S+)(\s+\S.*)?$/i.exec(line);
    if (auth) {
      this.inAuth = true;
      return auth[2] ? `${auth[1]} ${MASK}` : auth[1];
    }
    return line;
  }

  server(line: string): void {
    if (this.inAuth && !line.startsWith('+ ') && line !== '+') this.inAuth = false;
  }
}
