import { formatBytesExact, formatCount } from '../format';
import { DateField, FlagName, SearchCriterion, SearchQuery, TextField } from './searchCriteria';

// The human label of a search, for the result node ("Search: subject "invoice" — 1,204 results") and its tooltip.
// Field names in lower case, operators in upper case, values quoted as typed.

const DATE_WORDS: Record<DateField, string> = { since: 'since', before: 'before', on: 'on', sentSince: 'sent since', sentBefore: 'sent before', sentOn: 'sent on' };
const FLAG_WORDS: Record<FlagName, readonly [string, string]> = {
  seen: ['seen', 'unseen'],
  flagged: ['flagged', 'unflagged'],
  answered: ['answered', 'unanswered'],
  deleted: ['deleted', 'undeleted'],
  draft: ['draft', 'not draft'],
};
const TEXT_WORDS: Record<TextField, string> = { from: 'from', to: 'to', cc: 'cc', bcc: 'bcc', subject: 'subject', body: 'body', text: 'text' };

/** The label of a query: the criteria in words, or raw criteria exactly as typed (spaces at the ends trimmed). */
export function queryText(query: SearchQuery): string {
  return query.kind === 'raw' ? query.text.trim() : criteriaText(query.criteria);
}

/** e.g. `subject "invoice" AND NOT seen`, `(from "bob" OR from "carol") AND larger than 10.0 KiB (10,240 bytes)`. */
export function criteriaText(criterion: SearchCriterion): string {
  switch (criterion.kind) {
    case 'all':
      return 'all messages';
    case 'text':
      return `${TEXT_WORDS[criterion.field]} ${quoted(criterion.value)}`;
    case 'header':
      return criterion.value === '' ? `has header ${criterion.name}` : `header ${criterion.name} ${quoted(criterion.value)}`;
    case 'date':
      return `${DATE_WORDS[criterion.field]} ${criterion.date}`;
    case 'size':
      return `${criterion.field === 'larger' ? 'larger' : 'smaller'} than ${formatBytesExact(criterion.bytes)}`;
    case 'flag':
      return FLAG_WORDS[criterion.flag][criterion.set ? 0 : 1];
    case 'keyword':
      return `${criterion.set ? 'keyword' : 'without keyword'} ${criterion.keyword}`;
    case 'uid': {
      const count = criterion.ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
      const set = criterion.ranges.map(([a, b]) => (a === b ? String(a) : `${a}:${b}`)).join(',');
      return count === 1 ? `UID ${set}` : `UIDs ${set} (${formatCount(count)})`;
    }
    case 'and':
      return criterion.of.length === 1 ? criteriaText(criterion.of[0]!) : criterion.of.map((c) => operand(c, 'and')).join(' AND ');
    case 'or':
      return criterion.of.map((c) => operand(c, 'or')).join(' OR ');
    case 'not':
      return `NOT ${operand(criterion.of, 'not')}`;
  }
}

/** An operand in parentheses when it is itself a combination that would read ambiguously. */
function operand(criterion: SearchCriterion, within: 'and' | 'or' | 'not'): string {
  const text = criteriaText(criterion);
  const compound = (criterion.kind === 'and' && criterion.of.length > 1) || (criterion.kind === 'or' && within !== 'or');
  return compound ? `(${text})` : text;
}

/** A value in double quotes, with quotes and backslashes inside escaped (as IMAP and most languages write it). */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
