import type { ImapAttribute } from '../imap/write/imapCommand';
import { checkCriteria, DateField, imapDate, SearchCriterion, TextField } from './searchCriteria';

// Criteria as IMAP SEARCH keys (RFC 9051 §6.4.4), in the attribute form imapflow's command compiler writes: it
// quotes strings, and sends a LITERAL as a literal (`{n+}` with LITERAL+, else waiting for the continuation).
// Non-ASCII values go as literals (a quoted string may carry only 7-bit text) and the command then needs
// `CHARSET UTF-8`, unless the session ENABLEd UTF8=ACCEPT.
//
// Why not imapflow's own searchCompiler (client.search()): where the server offers WITHIN (Dovecot does) it turns
// SINCE/BEFORE into YOUNGER/OLDER seconds from now, which is not the day-based search the person asked for; it moves
// a BEFORE date that is not midnight UTC a day later; and client.search() answers a NO or BAD with `false`, losing
// the server's words. The keys themselves are few and fixed, so they are written here.

const TEXT_KEYS: Record<TextField, string> = { from: 'FROM', to: 'TO', cc: 'CC', bcc: 'BCC', subject: 'SUBJECT', body: 'BODY', text: 'TEXT' };
const DATE_KEYS: Record<DateField, string> = { since: 'SINCE', before: 'BEFORE', on: 'ON', sentSince: 'SENTSINCE', sentBefore: 'SENTBEFORE', sentOn: 'SENTON' };
const NON_ASCII = /[\u0080-\uffff]/;

export interface CompiledSearch {
  /** The search-program: the keys, without CHARSET (see `nonAscii`). */
  readonly keys: ImapAttribute[];
  /** Some value is not ASCII and went as a literal: CHARSET UTF-8 is needed unless UTF8=ACCEPT is enabled. */
  readonly nonAscii: boolean;
}

/** Compiles checked criteria (checkCriteria runs first) into SEARCH keys. */
export function compileCriteria(criterion: SearchCriterion): CompiledSearch {
  checkCriteria(criterion);
  const state = { nonAscii: false };
  const keys = criterion.kind === 'and' ? andKeys(criterion.of, state) : key(criterion, state);
  return { keys, nonAscii: state.nonAscii };
}

/** A search value: a quoted string, or a literal of its UTF-8 bytes when it is not ASCII. */
export function searchString(value: string, state: { nonAscii: boolean }): ImapAttribute {
  if (!NON_ASCII.test(value)) return { type: 'STRING', value };
  state.nonAscii = true;
  return { type: 'LITERAL', value: Buffer.from(value, 'utf8') };
}

/**
 * One search-key (several attributes, e.g. `FROM "x"`): an AND of several keys is one parenthesized list, so it
 * can stand as the single operand NOT and OR take.
 */
function key(criterion: SearchCriterion, state: { nonAscii: boolean }): ImapAttribute[] {
  const atom = (value: string): ImapAttribute => ({ type: 'ATOM', value });
  switch (criterion.kind) {
    case 'all':
      return [atom('ALL')];
    case 'text':
      return [atom(TEXT_KEYS[criterion.field]), searchString(criterion.value, state)];
    case 'header':
      return [atom('HEADER'), searchString(criterion.name, state), searchString(criterion.value, state)];
    case 'date':
      return [atom(DATE_KEYS[criterion.field]), atom(imapDate(criterion.date))];
    case 'size':
      return [atom(criterion.field === 'larger' ? 'LARGER' : 'SMALLER'), atom(String(criterion.bytes))];
    case 'flag':
      return [atom(`${criterion.set ? '' : 'UN'}${criterion.flag.toUpperCase()}`)];
    case 'keyword':
      return [atom(criterion.set ? 'KEYWORD' : 'UNKEYWORD'), atom(criterion.keyword)];
    case 'uid':
      return [atom('UID'), { type: 'SEQUENCE', value: criterion.ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',') }];
    case 'and':
      return criterion.of.length === 1 ? key(criterion.of[0]!, state) : [andKeys(criterion.of, state)];
    case 'not':
      return [atom('NOT'), ...key(criterion.of, state)];
    case 'or': {
      // OR takes two search-keys: a OR b OR c is OR a (OR b c).
      const [first, ...rest] = criterion.of;
      const right: SearchCriterion = rest.length === 1 ? rest[0]! : { kind: 'or', of: rest };
      return [atom('OR'), ...key(first!, state), ...key(right, state)];
    }
  }
}

/**
 * The keys of an AND, nested ANDs flattened into it (AND is associative). Besides being shorter, this keeps every
 * parenthesized list starting with an atom: imapflow's compiler writes lists that follow each other at the start
 * of a list without the space between them (`((A)(B))`), which the search-key grammar does not allow.
 */
function andKeys(of: readonly SearchCriterion[], state: { nonAscii: boolean }): ImapAttribute[] {
  return of.flatMap((c) => (c.kind === 'and' ? andKeys(c.of, state) : key(c, state)));
}
