/**
 * Reading a line the user typed into the protocol console: its IMAP tag (typed or not), a trailing
 * literal announcement, and the span that holds a secret (masked in the echo). Pure text work.
 */

/** Every IMAP command name we know (RFC 3501/9051 and the usual extensions): a first word that is one of these is no tag. */
const IMAP_COMMANDS = new Set([
  'APPEND', 'AUTHENTICATE', 'CAPABILITY', 'CHECK', 'CLOSE', 'COMPRESS', 'COPY', 'CREATE', 'DELETE', 'DELETEACL', 'DONE', 'ENABLE',
  'ESEARCH', 'EXAMINE', 'EXPUNGE', 'FETCH', 'GETACL', 'GETMETADATA', 'GETQUOTA', 'GETQUOTAROOT', 'ID', 'IDLE', 'LIST', 'LISTRIGHTS',
  'LOGIN', 'LOGOUT', 'LSUB', 'MOVE', 'MYRIGHTS', 'NAMESPACE', 'NOOP', 'NOTIFY', 'RENAME', 'REPLACE', 'SEARCH', 'SELECT', 'SETACL',
  'SETMETADATA', 'SETQUOTA', 'SORT', 'STARTTLS', 'STATUS', 'STORE', 'SUBSCRIBE', 'THREAD', 'UID', 'UNAUTHENTICATE', 'UNSELECT',
  'UNSUBSCRIBE', 'XLIST',
]);

/** A tag: ASTRING-CHAR atoms without "+" (RFC 3501 §9). */
// eslint-disable-next-line no-control-regex -- control characters are no tag characters
const TAG = /^[^\s(){%*"\\\]+\x00-\x1f\x7f]+$/;

export interface TaggedLine {
  /** The tag the user typed, if the first word is one. */
  readonly tag?: string;
  /** The line without that tag and the space after it. */
  readonly rest: string;
}

/**
 * Whether the user typed a tag: the first word is no command name we know and the second is one
 * ("a1 NOOP"); otherwise the console adds its own ("NOOP" → "C3 NOOP"). A line like "t1 XYZZY" with an
 * unknown command therefore gets a tag of ours in front; the server's BAD says so.
 */
export function splitTag(line: string): TaggedLine {
  const m = /^(\S+)\s+(\S+)/.exec(line);
  if (!m) return { rest: line };
  const [, first = '', second = ''] = m;
  if (IMAP_COMMANDS.has(first.toUpperCase()) || !IMAP_COMMANDS.has(second.toUpperCase()) || !TAG.test(first)) return { rest: line };
  return { tag: first, rest: line.slice(line.indexOf(second, first.length)) };
}

/** A literal announced at the end of a line: `{12}` (synchronizing) or `{12+}` (LITERAL+, non-synchronizing). */
export interface LiteralAnnouncement {
  readonly bytes: number;
  readonly synchronizing: boolean;
}

export function trailingLiteral(line: string): LiteralAnnouncement | undefined {
  const m = /\{(\d{1,10})(\+?)\}$/.exec(line);
  if (!m) return undefined;
  return { bytes: Number(m[1]), synchronizing: m[2] !== '+' };
}

/** Where a typed line's secret starts (it runs to the end of the line), or undefined when it holds none. */
export function secretStart(protocol: 'imap' | 'pop3', line: string): number | undefined {
  if (protocol === 'pop3') {
    const pass = /^\s*PASS\s/i.exec(line);
    if (pass) return pass[0].length;
    const apop = /^\s*APOP\s+\S+\s/i.exec(line);
    if (apop) return apop[0].length;
    const auth = /^\s*AUTH\s+\S+\s/i.exec(line);
    return auth ? auth[0].length : undefined;
  }
  const { rest } = splitTag(line);
  const offset = line.length - rest.length;
  const login = /^\s*LOGIN\s+("(?:[^"\\]|\\.)*"|[^\s"{]+)\s/i.exec(rest);
  if (login) return offset + login[0].length;
  const auth = /^\s*AUTHENTICATE\s+\S+\s/i.exec(rest);
  return auth ? offset + auth[0].length : undefined;
}

/** The line with its secret (if any) replaced by one `*` per character: the echo while typing. */
export function maskedEcho(protocol: 'imap' | 'pop3', line: string): string {
  const start = secretStart(protocol, line);
  return start === undefined ? line : line.slice(0, start) + '*'.repeat(line.length - start);
}

/** The secret a typed line carries (to scrub from the traffic log as well), if any. */
export function typedSecret(protocol: 'imap' | 'pop3', line: string): string | undefined {
  const start = secretStart(protocol, line);
  const secret = start === undefined ? '' : line.slice(start).trim();
  if (secret === '') return undefined;
  // A quoted IMAP password is scrubbed as the server sees it too: without quotes and escapes.
  return protocol === 'imap' && /^"(?:[^"\\]|\\.)*"$/.test(secret) ? secret.slice(1, -1).replace(/\\(.)/g, '$1') : secret;
}
