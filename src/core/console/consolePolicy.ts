import type { AccessMode } from '../write/mailWriter';

/**
 * What the protocol console may send for the user, decided before a byte leaves: in a read-write account
 * anything; in a read-only account only commands that change nothing on the server (the list is the
 * issue's, kept short on purpose: a command missing from it is refused, never guessed harmless).
 * Pure: no connection, no state but what the caller passes.
 */
export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export interface PolicyState {
  readonly access: AccessMode;
  /** Logged in: LOGIN/AUTHENTICATE/STARTTLS (USER/PASS/APOP/AUTH/STLS) are for before login only. */
  readonly authenticated: boolean;
}

const ALLOWED: Verdict = { allowed: true };

const refuse = (reason: string): Verdict => ({ allowed: false, reason });

/** IMAP commands every state allows in a read-only account. */
const IMAP_READ_ONLY = new Set(['CAPABILITY', 'NOOP', 'ID', 'NAMESPACE', 'LIST', 'LSUB', 'STATUS', 'EXAMINE', 'SEARCH', 'UID SEARCH', 'FETCH', 'UID FETCH', 'GETQUOTAROOT', 'ENABLE', 'IDLE', 'LOGOUT']);
const IMAP_BEFORE_LOGIN = new Set(['LOGIN', 'AUTHENTICATE', 'STARTTLS']);

/** Why a refused IMAP command would change something (for the few that people try first). */
const IMAP_WHY: Record<string, string> = {
  SELECT: 'SELECT opens the folder read-write (and clears \\Recent); use EXAMINE',
  STORE: 'STORE changes flags',
  'UID STORE': 'UID STORE changes flags',
  EXPUNGE: 'EXPUNGE removes messages',
  'UID EXPUNGE': 'UID EXPUNGE removes messages',
  CLOSE: 'CLOSE expunges the selected folder',
  APPEND: 'APPEND adds a message',
  COPY: 'COPY adds messages to a folder',
  'UID COPY': 'UID COPY adds messages to a folder',
  MOVE: 'MOVE moves messages',
  'UID MOVE': 'UID MOVE moves messages',
  CREATE: 'CREATE makes a folder',
  DELETE: 'DELETE removes a folder',
  RENAME: 'RENAME renames a folder',
  SUBSCRIBE: 'SUBSCRIBE changes the subscriptions',
  UNSUBSCRIBE: 'UNSUBSCRIBE changes the subscriptions',
};

/**
 * The command name of an IMAP command line without its tag, upper case: "UID FETCH" for a UID command,
 * else the first word ("" for an empty line).
 */
export function imapCommandName(untagged: string): string {
  const words = untagged.trim().split(/\s+/, 2).map((w) => w.toUpperCase());
  if (words[0] === 'UID' && words[1]) return `UID ${words[1]}`;
  return words[0] ?? '';
}

/** The decision on one IMAP command line (tag removed). */
export function imapVerdict(untagged: string, state: PolicyState): Verdict {
  const name = imapCommandName(untagged);
  if (name === '') return refuse('the line is empty');
  if (IMAP_BEFORE_LOGIN.has(name) && state.authenticated) return refuse(`${name} is for before login, and this connection is logged in already`);
  if (state.access === 'read-write') return ALLOWED;
  if (IMAP_BEFORE_LOGIN.has(name)) return ALLOWED;
  if (!IMAP_READ_ONLY.has(name)) return refuse(`${IMAP_WHY[name] ?? `${name} is not on the list of commands that change nothing`}, and this account is read-only`);
  if (name === 'FETCH' || name === 'UID FETCH') {
    const items = untagged.trim().split(/\s+/).slice(name === 'FETCH' ? 2 : 3).join(' ');
    const marking = markingFetchItem(items);
    if (marking) return refuse(`${marking} marks the message as read (\\Seen); use BODY.PEEK[…] (or BINARY.PEEK[…]), and this account is read-only`);
  }
  return ALLOWED;
}

/**
 * The first FETCH item that sets \Seen (RFC 3501 §6.4.5, RFC 3516): BODY[…], BINARY[…], RFC822 and
 * RFC822.TEXT. BODY.PEEK[…], BINARY.PEEK[…], BINARY.SIZE, RFC822.HEADER, RFC822.SIZE, BODY (the
 * structure) and the rest only read.
 */
export function markingFetchItem(items: string): string | undefined {
  const upper = items.toUpperCase();
  const bracket = /(?:^|[\s(])((?:BODY|BINARY)\[)/.exec(upper);
  if (bracket) return `${bracket[1]}…]`;
  const rfc822 = /(?:^|[\s(])(RFC822(?:\.TEXT)?)(?=$|[\s)])/.exec(upper);
  return rfc822?.[1];
}

const POP3_READ_ONLY = new Set(['CAPA', 'STAT', 'LIST', 'UIDL', 'TOP', 'RETR', 'NOOP', 'RSET', 'QUIT']);
const POP3_BEFORE_LOGIN = new Set(['USER', 'PASS', 'APOP', 'AUTH', 'STLS']);

/** The POP3 command name (first word), upper case. */
export function pop3CommandName(line: string): string {
  return (line.trim().split(/\s+/, 1)[0] ?? '').toUpperCase();
}

/** The decision on one POP3 command line. */
export function pop3Verdict(line: string, state: PolicyState): Verdict {
  const name = pop3CommandName(line);
  if (name === '') return refuse('the line is empty');
  if (POP3_BEFORE_LOGIN.has(name) && state.authenticated) return refuse(`${name} is for before login, and this connection is logged in already`);
  if (state.access === 'read-write' || POP3_BEFORE_LOGIN.has(name)) return ALLOWED;
  if (name === 'DELE') return refuse('DELE marks the message for deletion (it goes at QUIT), and this account is read-only');
  if (!POP3_READ_ONLY.has(name)) return refuse(`${name} is not on the list of commands that change nothing, and this account is read-only`);
  return ALLOWED;
}

/**
 * Read-only POP3: QUIT after a RETR is preceded by RSET, so that the server forgets what the session did
 * (Dovecot, for one, sets \Seen on retrieved messages when the session ends with QUIT; RSET clears that).
 */
export function pop3NeedsResetBeforeQuit(line: string, state: { readonly access: AccessMode; readonly retrievedSinceReset: boolean }): boolean {
  return state.access === 'read-only' && state.retrievedSinceReset && pop3CommandName(line) === 'QUIT';
}
