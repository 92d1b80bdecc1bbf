import { MailError } from '../../errors';
import { FlagChange } from '../../write/mailWriter';

// Which flags a STORE may carry (RFC 3501 §2.3.2, RFC 9051 §2.3.2): the system flags \Seen \Answered \Flagged
// \Deleted \Draft, and keywords, which are IMAP atoms. \Recent is the server's alone. What a folder lets us keep
// is its PERMANENTFLAGS: the flags listed there, and any new keyword where it lists `\*`.

/** RFC 3501's system flags a client may set, in their usual spelling. */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;

/** atom-specials of RFC 3501: ( ) { SP CTL % * " \ ] — and nothing outside printable US-ASCII. */
const NOT_ATOM = /[^\x21-\x7e]|[(){%*"\\\]]/;

/**
 * The flag as it is sent: a system flag in its usual spelling (`\seen` → `\Seen`), a keyword as given. Refuses,
 * in plain words and before anything is sent, what is no flag a client may set.
 */
export function normalizeFlag(flag: string): string {
  if (flag.startsWith('\\')) {
    const lower = flag.toLowerCase();
    if (lower === '\\recent') throw new MailError('config', '\\Recent cannot be set or removed: the server alone gives it to messages new in a session (RFC 3501).');
    const system = SYSTEM_FLAGS.find((f) => f.toLowerCase() === lower);
    if (!system) throw new MailError('config', `"${printable(flag)}" is not a system flag: RFC 3501 has only ${SYSTEM_FLAGS.join(' ')}; a keyword has no backslash.`);
    return system;
  }
  if (flag === '') throw new MailError('config', 'A keyword cannot be empty.');
  const bad = NOT_ATOM.exec(flag);
  if (bad) throw new MailError('config', `The keyword "${printable(flag)}" contains ${describe(bad[0])}: a keyword is one word of printable ASCII without spaces, ( ) { } % * " \\ or ].`);
  return flag;
}

/** Both lists normalized, each flag once; a flag both added and removed is refused. */
export function normalizeChange(change: FlagChange): { add: string[]; remove: string[] } {
  const add = unique((change.add ?? []).map(normalizeFlag));
  const remove = unique((change.remove ?? []).map(normalizeFlag));
  const both = add.filter((f) => remove.some((r) => sameFlag(r, f)));
  if (both.length > 0) throw new MailError('config', `${both.join(' ')} cannot be both added and removed in one change.`);
  return { add, remove };
}

/** Flags compare case-insensitively (RFC 3501). */
export function sameFlag(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * May the folder keep this flag? Without PERMANENTFLAGS every flag may be changed (RFC 3501 §7.1); with it, the
 * flags listed, and new keywords where `\*` is listed (never a system flag that is not listed).
 */
export function allowedByFolder(flag: string, permanentFlags: ReadonlySet<string> | undefined): boolean {
  if (!permanentFlags) return true;
  for (const permanent of permanentFlags) if (sameFlag(permanent, flag)) return true;
  return !flag.startsWith('\\') && permanentFlags.has('\\*');
}

/** The change split into what the folder keeps and the flags it would not (left out of the STORE). */
export function filterByPermanentFlags(change: { add: readonly string[]; remove: readonly string[] }, permanentFlags: ReadonlySet<string> | undefined): { add: string[]; remove: string[]; refused: string[] } {
  const refused: string[] = [];
  const keep = (flags: readonly string[]): string[] =>
    flags.filter((flag) => {
      if (allowedByFolder(flag, permanentFlags)) return true;
      refused.push(flag);
      return false;
    });
  return { add: keep(change.add), remove: keep(change.remove), refused };
}

function unique(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (const flag of flags) if (!out.some((f) => sameFlag(f, flag))) out.push(flag);
  return out;
}

function describe(ch: string): string {
  if (ch === ' ') return 'a space';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (code > 0x7e) return `"${ch}" (not ASCII)`;
  return `"${ch}"`;
}

/** The flag for an error message: control characters shown as escapes, so a line break cannot split the message. */
function printable(flag: string): string {
  return [...flag].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
}
