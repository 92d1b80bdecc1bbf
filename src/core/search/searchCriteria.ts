import { MailError } from '../errors';
import { UidRange } from '../imap/uidSet';

// What a search asks, as data: the fields a person picks in the quick inputs, combined with AND, OR and NOT. One
// model for both protocols: IMAP compiles it into SEARCH keys (imapCriteria.ts), POP3 evaluates it on the client
// (localMatch.ts), and criteriaText.ts names it for people. Expert IMAP syntax typed by hand is rawCriteria.ts.

/** Substring fields (RFC 9051 §6.4.4): case-insensitive substring of the header (or body, or both for `text`). */
export type TextField = 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'body' | 'text';

/** Date fields: `since`/`before`/`on` compare the arrival date (INTERNALDATE), the `sent…` ones the Date header. */
export type DateField = 'since' | 'before' | 'on' | 'sentSince' | 'sentBefore' | 'sentOn';

export type SizeField = 'larger' | 'smaller';

/** System flags a search can ask for; `set: false` is UNSEEN, UNFLAGGED, … */
export type FlagName = 'seen' | 'flagged' | 'answered' | 'deleted' | 'draft';

export type SearchCriterion =
  | { readonly kind: 'all' }
  | { readonly kind: 'text'; readonly field: TextField; readonly value: string }
  /** HEADER name value; an empty value matches every message that has the field. */
  | { readonly kind: 'header'; readonly name: string; readonly value: string }
  /** A calendar day, `YYYY-MM-DD` (IMAP compares days, in the server's time zone for arrival dates). */
  | { readonly kind: 'date'; readonly field: DateField; readonly date: string }
  | { readonly kind: 'size'; readonly field: SizeField; readonly bytes: number }
  | { readonly kind: 'flag'; readonly flag: FlagName; readonly set: boolean }
  /** A keyword ($Label1, Invoice…); `set: false` is UNKEYWORD. */
  | { readonly kind: 'keyword'; readonly keyword: string; readonly set: boolean }
  | { readonly kind: 'uid'; readonly ranges: readonly UidRange[] }
  | { readonly kind: 'and'; readonly of: readonly SearchCriterion[] }
  | { readonly kind: 'or'; readonly of: readonly SearchCriterion[] }
  | { readonly kind: 'not'; readonly of: SearchCriterion };

/** What is searched for: the typed model, or IMAP SEARCH syntax exactly as an expert typed it (IMAP only). */
export type SearchQuery = { readonly kind: 'criteria'; readonly criteria: SearchCriterion } | { readonly kind: 'raw'; readonly text: string };

export const TEXT_FIELDS: readonly TextField[] = ['from', 'to', 'cc', 'bcc', 'subject', 'body', 'text'];
export const DATE_FIELDS: readonly DateField[] = ['since', 'before', 'on', 'sentSince', 'sentBefore', 'sentOn'];
export const FLAG_NAMES: readonly FlagName[] = ['seen', 'flagged', 'answered', 'deleted', 'draft'];

/** Helpers that build criteria (the UI's quick inputs and the tests read better with them). */
export const criteria = {
  all: (): SearchCriterion => ({ kind: 'all' }),
  text: (field: TextField, value: string): SearchCriterion => ({ kind: 'text', field, value }),
  header: (name: string, value: string): SearchCriterion => ({ kind: 'header', name, value }),
  date: (field: DateField, date: string): SearchCriterion => ({ kind: 'date', field, date }),
  size: (field: SizeField, bytes: number): SearchCriterion => ({ kind: 'size', field, bytes }),
  flag: (flag: FlagName, set = true): SearchCriterion => ({ kind: 'flag', flag, set }),
  keyword: (keyword: string, set = true): SearchCriterion => ({ kind: 'keyword', keyword, set }),
  uid: (ranges: readonly UidRange[]): SearchCriterion => ({ kind: 'uid', ranges }),
  and: (...of: SearchCriterion[]): SearchCriterion => ({ kind: 'and', of }),
  or: (...of: SearchCriterion[]): SearchCriterion => ({ kind: 'or', of }),
  not: (of: SearchCriterion): SearchCriterion => ({ kind: 'not', of }),
};

/** The query of typed criteria, checked (see checkCriteria). */
export function criteriaQuery(criterion: SearchCriterion): SearchQuery {
  checkCriteria(criterion);
  return { kind: 'criteria', criteria: criterion };
}

const CONTROL = /[\r\n\0]/;
/** RFC 5322 field names: printable ASCII except the colon. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
/** An IMAP flag keyword is an atom: printable ASCII without atom-specials or a backslash (system flags are not keywords). */
const KEYWORD = /^[!-~]+$/;
const ATOM_SPECIALS = /[(){%*"\\\]]/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_UID = 4_294_967_295;
const MAX_DEPTH = 50;

/**
 * Refuses criteria that cannot be sent as they are, before anything is sent: values with CR, LF or NUL (they
 * would end the command line), empty search terms, field names and keywords that are not atoms, days that do not
 * exist, sizes that are not whole byte counts, UID ranges outside 1…4294967295, OR with fewer than two and AND
 * with no operand. Throws MailError('config') saying what is wrong in plain words.
 */
export function checkCriteria(criterion: SearchCriterion, depth = 0): void {
  if (depth > MAX_DEPTH) throw new MailError('config', `The search nests more than ${MAX_DEPTH} levels of AND, OR and NOT.`);
  switch (criterion.kind) {
    case 'all':
      return;
    case 'text':
      if (!TEXT_FIELDS.includes(criterion.field)) throw new MailError('config', `"${String(criterion.field)}" is not a search field.`);
      checkValue(criterion.value, criterion.field);
      if (criterion.value === '') throw new MailError('config', `Type something to search for in ${criterion.field}.`);
      return;
    case 'header':
      if (!FIELD_NAME.test(criterion.name)) throw new MailError('config', `"${criterion.name}" is not a header field name (printable ASCII without spaces or a colon).`);
      checkValue(criterion.value, `the ${criterion.name} header`);
      return;
    case 'date':
      if (!DATE_FIELDS.includes(criterion.field)) throw new MailError('config', `"${String(criterion.field)}" is not a date field.`);
      parseDay(criterion.date);
      return;
    case 'size':
      if (!Number.isSafeInteger(criterion.bytes) || criterion.bytes < 0) throw new MailError('config', `A size is a whole number of bytes, not ${criterion.bytes}.`);
      return;
    case 'flag':
      if (!FLAG_NAMES.includes(criterion.flag)) throw new MailError('config', `"${String(criterion.flag)}" is not a flag a search can ask for.`);
      return;
    case 'keyword':
      if (!KEYWORD.test(criterion.keyword) || ATOM_SPECIALS.test(criterion.keyword)) throw new MailError('config', `"${criterion.keyword}" is not a keyword: use letters, digits and $ without spaces, quotes, parentheses or backslashes.`);
      return;
    case 'uid':
      if (criterion.ranges.length === 0) throw new MailError('config', 'A UID range needs at least one UID.');
      for (const [a, b] of criterion.ranges) {
        if (!isUid(a) || !isUid(b) || a > b) throw new MailError('config', `${a}:${b} is not a UID range (UIDs are 1 to ${MAX_UID}).`);
      }
      return;
    case 'and':
      if (criterion.of.length === 0) throw new MailError('config', 'AND needs at least one criterion.');
      for (const c of criterion.of) checkCriteria(c, depth + 1);
      return;
    case 'or':
      if (criterion.of.length < 2) throw new MailError('config', 'OR needs at least two criteria.');
      for (const c of criterion.of) checkCriteria(c, depth + 1);
      return;
    case 'not':
      checkCriteria(criterion.of, depth + 1);
      return;
    default:
      throw new MailError('config', `Unknown search criterion ${JSON.stringify((criterion as { kind?: unknown }).kind)}.`);
  }
}

function checkValue(value: string, what: string): void {
  if (typeof value !== 'string') throw new MailError('config', `The value for ${what} must be text.`);
  if (CONTROL.test(value)) throw new MailError('config', `The value for ${what} contains a line break or NUL character.`);
}

function isUid(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_UID;
}

/** `YYYY-MM-DD` as a UTC midnight Date; MailError('config') for a day that does not exist. */
export function parseDay(day: string): Date {
  const m = DAY.exec(day);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !date || date.getUTCFullYear() !== Number(m[1]) || date.getUTCMonth() !== Number(m[2]) - 1 || date.getUTCDate() !== Number(m[3])) {
    throw new MailError('config', `"${day}" is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31.`);
  }
  return date;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `YYYY-MM-DD` as IMAP writes a date (RFC 9051 date-text): `31-Mar-2026`. */
export function imapDate(day: string): string {
  const date = parseDay(day);
  return `${date.getUTCDate()}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}`;
}

/** True when the criteria need the message bodies (BODY, TEXT): POP3 must then download whole messages. */
export function needsBody(criterion: SearchCriterion): boolean {
  switch (criterion.kind) {
    case 'text':
      return criterion.field === 'body' || criterion.field === 'text';
    case 'and':
    case 'or':
      return criterion.of.some(needsBody);
    case 'not':
      return needsBody(criterion.of);
    default:
      return false;
  }
}
