import { MailError } from '../errors';
import { HeaderModel } from '../mime/headers';
import { parseDay, SearchCriterion } from './searchCriteria';

// Criteria evaluated on the client (POP3, which cannot search on the server), as IMAP defines them: substring
// fields match case-insensitively inside the decoded header value (or the decoded body text), HEADER with an empty
// value asks only that the field exists, SENT* compare the Date header's own calendar day (time and zone
// disregarded, RFC 9051), LARGER/SMALLER the size. POP3 has no flags, keywords, UIDs or arrival dates: criteria
// that ask for them are refused before anything is downloaded (checkLocalCriteria).

/** What is known of one message: its header always, its decoded body text once downloaded. */
export interface LocalMessage {
  readonly header: HeaderModel;
  /** The size the server gives (POP3 LIST). */
  readonly size: number;
  /** The text of its text parts, decoded (transfer encoding and charset); undefined when not downloaded. */
  readonly bodyText?: string;
}

/** Refuses criteria POP3 cannot answer (flags, keywords, UIDs, arrival dates), naming the first such criterion. */
export function checkLocalCriteria(criterion: SearchCriterion): void {
  switch (criterion.kind) {
    case 'flag':
    case 'keyword':
      throw new MailError('unsupported', 'POP3 keeps no flags or keywords, so a POP3 account cannot be searched for them.');
    case 'uid':
      throw new MailError('unsupported', 'POP3 has no IMAP UIDs, so a POP3 account cannot be searched by UID range.');
    case 'date':
      if (!criterion.field.startsWith('sent')) throw new MailError('unsupported', 'POP3 does not tell when a message arrived, so search by the date it was sent (sent since, sent before, sent on).');
      return;
    case 'and':
    case 'or':
      criterion.of.forEach(checkLocalCriteria);
      return;
    case 'not':
      checkLocalCriteria(criterion.of);
      return;
    default:
      return;
  }
}

/**
 * Whether the message matches: true or false, or undefined when that depends on a body not downloaded yet (so
 * `subject "x" AND body "y"` needs the bodies only of messages whose subject matches).
 */
export function matchLocal(criterion: SearchCriterion, message: LocalMessage): boolean | undefined {
  switch (criterion.kind) {
    case 'all':
      return true;
    case 'text': {
      const term = fold(criterion.value);
      if (criterion.field === 'body') return message.bodyText === undefined ? undefined : fold(message.bodyText).includes(term);
      if (criterion.field === 'text') {
        if (headerText(message.header).includes(term)) return true;
        return message.bodyText === undefined ? undefined : fold(message.bodyText).includes(term);
      }
      return fieldsContain(message.header, criterion.field, term);
    }
    case 'header': {
      const key = criterion.name.toLowerCase();
      return criterion.value === '' ? message.header.fields.some((f) => f.key === key) : fieldsContain(message.header, key, fold(criterion.value));
    }
    case 'date': {
      const sent = sentDay(message.header);
      if (sent === undefined) return false;
      const day = parseDay(criterion.date).getTime();
      return criterion.field === 'sentSince' ? sent >= day : criterion.field === 'sentBefore' ? sent < day : criterion.field === 'sentOn' ? sent === day : refuse();
    }
    case 'size':
      return criterion.field === 'larger' ? message.size > criterion.bytes : message.size < criterion.bytes;
    case 'and': {
      let unknown = false;
      for (const c of criterion.of) {
        const r = matchLocal(c, message);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const c of criterion.of) {
        const r = matchLocal(c, message);
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'not': {
      const r = matchLocal(criterion.of, message);
      return r === undefined ? undefined : !r;
    }
    default:
      return refuse();
  }
}

function refuse(): never {
  throw new MailError('unsupported', 'POP3 cannot answer this criterion on the client.');
}

/** Case-insensitive comparison, as IMAP servers search (Unicode case folding, NFC). */
function fold(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

function fieldsContain(header: HeaderModel, key: string, term: string): boolean {
  return header.fields.some((f) => f.key === key && fold(f.decoded).includes(term));
}

function headerText(header: HeaderModel): string {
  return fold(header.fields.map((f) => `${f.name}: ${f.decoded}`).join('\n'));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The Date header's calendar day as written (its own zone, time disregarded), as a UTC midnight timestamp. */
function sentDay(header: HeaderModel): number | undefined {
  const value = header.fields.find((f) => f.key === 'date')?.value;
  const m = value ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value) : null;
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 5322 obsolete two-digit years
  return Date.UTC(year, month, Number(m[1]));
}
