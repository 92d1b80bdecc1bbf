import type { ResponseCode } from './exchange';

/**
 * Response codes in plain words: IMAP's (RFC 3501, 5530, 4315, 7162, 9051 …) in `[…]` after OK/NO/BAD/BYE/
 * PREAUTH, and POP3's extended codes (RFC 2449, 3206) in `[…]` after +OK/-ERR. The words say what the
 * server meant and, where there is one, what to do about it.
 */
const IMAP: Readonly<Record<string, string>> = {
  ALERT: 'the server wants this text shown to the user as it is',
  AUTHENTICATIONFAILED: 'the user name or password (or other credential) was not accepted',
  AUTHORIZATIONFAILED: 'the credentials are right, but this user may not log in as the requested identity',
  EXPIRED: 'the password or account has expired; it must be renewed before logging in',
  PRIVACYREQUIRED: 'the server refuses this without an encrypted connection (use TLS or STARTTLS)',
  CONTACTADMIN: 'the user should contact the server\'s administrator (for instance to unlock the account)',
  NOPERM: 'this user has no permission for that (an access control list forbids it)',
  INUSE: 'the mailbox or resource is in use by another session; try again later',
  EXPUNGEISSUED: 'another session deleted messages meanwhile; some of the requested ones are gone',
  CORRUPTION: 'the server found its own data corrupted; the administrator should look at it',
  SERVERBUG: 'the server hit an internal error; it is the server\'s fault, not the command\'s',
  CLIENTBUG: 'the server thinks the client sent something wrong, though it carried it out',
  CANNOT: 'this can never be done (for instance a name the server cannot store), not just now',
  LIMIT: 'a server limit was reached (too many folders, messages, or a command too large)',
  OVERQUOTA: 'the quota is exceeded: delete or move mail to make room',
  ALREADYEXISTS: 'a folder with that name already exists',
  NONEXISTENT: 'the folder (or other object) named does not exist',
  TRYCREATE: 'the target folder does not exist; create it first, then try again',
  UIDVALIDITY: 'the folder\'s UID validity: if it changes, every UID known for this folder is void',
  UIDNEXT: 'the UID the next message added to the folder will get (at least)',
  UNAVAILABLE: 'a temporary failure (a backend or the storage is down); try again later',
  'READ-ONLY': 'the folder is open read-only: flags cannot change and nothing can be deleted',
  'READ-WRITE': 'the folder is open read-write',
  PERMANENTFLAGS: 'the flags the client can change permanently in this folder (\\* means new keywords too)',
  UIDNOTSTICKY: 'UIDs in this folder are not kept between sessions: do not rely on them',
  MODIFIED: 'these messages changed since the given modification sequence and were not stored',
  HIGHESTMODSEQ: 'the highest modification sequence of the folder (CONDSTORE): what changed since can be asked',
  NOMODSEQ: 'the folder does not keep modification sequences (no CONDSTORE here)',
  CLOSED: 'the previously selected folder is now closed (a new one is being opened)',
  BADCHARSET: 'the server does not support the charset of the search (it lists the ones it does)',
  PARSE: 'the server could not parse a message\'s headers or MIME structure',
  CAPABILITY: 'the server\'s capabilities, sent along so the client need not ask',
  APPENDUID: 'the UID validity and UID the appended message got',
  COPYUID: 'the UID validity of the target folder, the source UIDs and the UIDs of the copies',
  UNSEEN: 'the sequence number of the first unseen message',
  HASCHILDREN: 'the folder has subfolders, so this cannot be done to it',
  NOTSAVED: 'the search result could not be saved (SEARCHRES)',
  UNKNOWNCTE: 'the server cannot decode the part\'s content transfer encoding (BINARY)',
  COMPRESSIONACTIVE: 'compression is already active on this connection',
  USEATTR: 'the special-use attribute given is not supported for this folder',
};

const POP3: Readonly<Record<string, string>> = {
  'IN-USE': 'the maildrop is locked by another session (another client is connected); try again later',
  'LOGIN-DELAY': 'logging in again this soon is not allowed; wait the server\'s login delay first',
  'SYS/TEMP': 'a temporary server problem, not the user\'s: try again later',
  'SYS/PERM': 'a permanent server problem, not the user\'s: the administrator must fix it',
  AUTH: 'the credentials were not accepted (a wrong user name or password)',
  UTF8: 'the server talks UTF-8 on this connection',
};

/**
 * The response code of a status line, if it has one: `A5 NO [TRYCREATE] …`, `* OK [UIDVALIDITY 3857529045] …`,
 * `-ERR [IN-USE] …`. Unknown codes are kept, without an explanation.
 */
export function responseCode(line: string, protocol: 'imap' | 'pop3'): ResponseCode | undefined {
  // An untagged response with a number first (FETCH, EXISTS, EXPUNGE: a listing's thousands) has no code, nor a line without "[".
  if (protocol === 'imap' && line.charCodeAt(0) === 0x2a && line.charCodeAt(1) === 0x20 && isDigit(line.charCodeAt(2))) return undefined;
  if (!line.includes('[')) return undefined;
  const m = protocol === 'imap' ? /^(?:\S+)\s+(?:OK|NO|BAD|BYE|PREAUTH)\s+\[([^\]\s]+)(?:\s+([^\]]*))?\]/i.exec(line) : /^(?:\+OK|-ERR)\s+\[([^\]\s]+)(?:\s+([^\]]*))?\]/i.exec(line);
  if (!m) return undefined;
  const name = m[1]!.toUpperCase();
  const explanation = explainCode(name, protocol);
  return { name, ...(m[2] !== undefined && m[2] !== '' ? { args: m[2] } : {}), ...(explanation ? { explanation } : {}) };
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** What a code means, in plain words; undefined for a code we do not know. POP3 codes are hierarchical: SYS/TEMP/… falls back to SYS/TEMP. */
export function explainCode(name: string, protocol: 'imap' | 'pop3'): string | undefined {
  const table = protocol === 'imap' ? IMAP : POP3;
  const upper = name.toUpperCase();
  if (Object.hasOwn(table, upper)) return table[upper];
  if (protocol === 'pop3') {
    const parts = upper.split('/');
    for (let n = parts.length - 1; n > 0; n--) {
      const prefix = parts.slice(0, n).join('/');
      if (Object.hasOwn(table, prefix)) return table[prefix];
    }
  }
  return undefined;
}
