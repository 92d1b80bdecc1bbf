import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { criteriaText } from '../../core/search/criteriaText';
import { checkLocalCriteria } from '../../core/search/localMatch';
import { parseRawCriteria } from '../../core/search/rawCriteria';
import { checkCriteria, criteria, DateField, FlagName, parseDay, SearchCriterion, SearchQuery, TextField } from '../../core/search/searchCriteria';
import { parseSize, parseUids } from '../../core/search/typedValues';

// The quick inputs of "Search…": a pick of fields, each asking its value (checked as it is typed), then "Search now",
// "AND…", "OR with…" or "AND NOT…" to combine more conditions; "Raw criteria…" takes IMAP SEARCH syntax as typed.
// All of it can be finished by keyboard. Only the criteria the account can answer are offered: a search on the
// client (POP3) has no flags, keywords, UIDs or arrival dates.

export const FIELD_STEP = 'Search messages by…';
export const NEXT_STEP = 'Search now, or add a condition';

export interface SearchInputOptions {
  /** The search runs on the client (no server search): criteria it cannot answer are not offered. */
  readonly local: boolean;
  /** Where it searches, for the titles ("INBOX", "all folders of alice"). */
  readonly where: string;
}

type FieldItem = vscode.QuickPickItem & { readonly make?: () => Promise<SearchCriterion | undefined>; readonly raw?: true; readonly serverOnly?: true };

/** Asks for a search; undefined when the person gave up (Escape). */
export async function askSearchQuery(options: SearchInputOptions): Promise<SearchQuery | undefined> {
  const title = `Search ${options.where}`;
  const first = await askCondition(options, title, true);
  if (first === undefined) return undefined;
  if ('kind' in first && (first.kind === 'raw' || first.kind === 'criteria')) return first as SearchQuery;
  let terms: SearchCriterion[] = [first as SearchCriterion];
  for (;;) {
    const current = terms.length === 1 ? terms[0]! : criteria.and(...terms);
    const next = await vscode.window.showQuickPick(
      [
        { label: 'Search now', description: criteriaText(current), id: 'now' },
        { label: 'Add another condition (AND)', description: 'both must hold', id: 'and' },
        { label: 'OR with…', description: `the last condition, or another one`, id: 'or' },
        { label: 'NOT…', description: 'exclude the messages that match another condition', id: 'not' },
      ],
      { title: `${title}: ${criteriaText(current)}`, placeHolder: NEXT_STEP },
    );
    if (!next) return undefined;
    if (next.id === 'now') return { kind: 'criteria', criteria: current };
    const added = await askCondition(options, `${title}: ${criteriaText(current)} ${next.id === 'and' ? 'AND' : next.id === 'or' ? 'OR' : 'AND NOT'} …`, false);
    if (added === undefined) continue; // Escape on a step goes back to this menu, the conditions kept
    const c = added as SearchCriterion;
    if (next.id === 'and') terms = [...terms, c];
    else if (next.id === 'not') terms = [...terms, criteria.not(c)];
    else {
      const last = terms[terms.length - 1]!;
      terms = [...terms.slice(0, -1), last.kind === 'or' ? criteria.or(...last.of, c) : criteria.or(last, c)];
    }
  }
}

/** One condition: a field and its value (or, on the first step, raw criteria as a whole query). */
async function askCondition(options: SearchInputOptions, title: string, allowRaw: boolean): Promise<SearchCriterion | SearchQuery | undefined> {
  const items = fieldItems(title).filter((i) => !(options.local && i.serverOnly) && (allowRaw || !i.raw));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: FIELD_STEP, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.raw) {
    const text = await vscode.window.showInputBox({
      title: `${title}: raw IMAP SEARCH criteria`,
      prompt: 'IMAP SEARCH criteria as the server reads them (RFC 9051), e.g. OR FROM "bob" (SUBJECT "invoice" SINCE 1-Mar-2026)',
      placeHolder: 'e.g. UNSEEN SUBJECT "invoice"',
      validateInput: (value) => problem(() => parseRawCriteria(value)),
    });
    return text === undefined ? undefined : { kind: 'raw', text };
  }
  const made = await picked.make?.();
  if (made && options.local) checkLocalCriteria(made);
  return made;
}

function fieldItems(title: string): FieldItem[] {
  const text = (field: TextField, label: string, what: string): FieldItem => ({
    label,
    description: what,
    make: () => askValue(`${title}: ${label}`, `Text to find in ${what}`, (v) => criteria.text(field, v)),
  });
  const date = (field: DateField, label: string, what: string, serverOnly: boolean): FieldItem => ({
    label,
    description: what,
    ...(serverOnly ? { serverOnly: true as const } : {}),
    make: () => askValue(`${title}: ${label}`, 'A day, YYYY-MM-DD', (v) => criteria.date(field, v.trim()), today()),
  });
  const size = (field: 'larger' | 'smaller', label: string): FieldItem => ({
    label,
    description: 'the size of the whole message',
    make: () => askValue(`${title}: ${label}`, 'A size: bytes, or with KB or MB (1 KB = 1,024 bytes), e.g. 10 KB', (v) => criteria.size(field, parseSize(v))),
  });
  const flag = (name: FlagName, set: boolean, label: string): FieldItem => ({
    label,
    description: 'flag',
    serverOnly: true,
    make: () => Promise.resolve(criteria.flag(name, set)),
  });
  return [
    text('from', 'From', 'the From header'),
    text('to', 'To', 'the To header'),
    text('cc', 'Cc', 'the Cc header'),
    text('subject', 'Subject', 'the subject'),
    text('body', 'Body', 'the body (the text of the message)'),
    text('text', 'Whole text', 'the header and the body'),
    {
      label: 'Any header…',
      description: 'a header field by name',
      make: async () => {
        const name = await vscode.window.showInputBox({
          title: `${title}: any header`,
          prompt: 'The header field name, e.g. List-Id or X-Mailer',
          validateInput: (v) => problem(() => checkCriteria(criteria.header(v.trim(), ''))),
        });
        if (name === undefined) return undefined;
        return askValue(`${title}: header ${name.trim()}`, `Text to find in ${name.trim()} (empty: every message that has the field)`, (v) => criteria.header(name.trim(), v), '', true);
      },
    },
    date('since', 'Since', 'arrived on or after a day', true),
    date('before', 'Before', 'arrived before a day', true),
    date('on', 'On', 'arrived on a day', true),
    date('sentSince', 'Sent since', 'the Date header, on or after a day', false),
    date('sentBefore', 'Sent before', 'the Date header, before a day', false),
    size('larger', 'Larger than'),
    size('smaller', 'Smaller than'),
    flag('seen', true, 'Seen'),
    flag('seen', false, 'Unseen'),
    flag('flagged', true, 'Flagged'),
    flag('answered', true, 'Answered'),
    flag('deleted', true, 'Deleted'),
    flag('draft', true, 'Draft'),
    {
      label: 'Keyword…',
      description: 'a keyword such as $Label1 or Invoice',
      serverOnly: true,
      make: () => askValue(`${title}: keyword`, 'The keyword', (v) => criteria.keyword(v.trim())),
    },
    {
      label: 'UID range…',
      description: 'IMAP UIDs, e.g. 1:100 or 5,7,10:20',
      serverOnly: true,
      make: () => askValue(`${title}: UID range`, 'UIDs: numbers and ranges, e.g. 1:100 or 5,7,10:20', (v) => criteria.uid(parseUids(v))),
    },
    { label: 'Raw criteria…', description: 'IMAP SEARCH syntax, as typed (for experts)', raw: true, serverOnly: true },
  ];
}

/** Asks one value; the criterion it makes is checked as it is typed, so Enter only accepts what can be sent. */
async function askValue(title: string, prompt: string, make: (value: string) => SearchCriterion, value = '', allowEmpty = false): Promise<SearchCriterion | undefined> {
  const build = (v: string): SearchCriterion => {
    if (!allowEmpty && v.trim() === '') throw new MailError('config', 'Type a value.');
    const c = make(v);
    checkCriteria(c);
    return c;
  };
  const answer = await vscode.window.showInputBox({ title, prompt, value, validateInput: (v) => problem(() => build(v)) });
  return answer === undefined ? undefined : build(answer);
}

/** The message of what `check` throws, or undefined when it passes (validateInput's answer). */
function problem(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function today(): string {
  const d = new Date();
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  parseDay(day);
  return day;
}
