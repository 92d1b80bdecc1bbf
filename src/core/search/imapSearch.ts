import type { ImapFlow } from 'imapflow';
import { MailError } from '../errors';
import { formatCount } from '../format';
import type { ImapStore } from '../imap/imapStore';
import { countUids, parseUidSet, rangesOf, UidRange } from '../imap/uidSet';
import { ImapAttribute, ParsedResponse, runCommand } from '../imap/write/imapCommand';
import { Cancel } from '../mailStore';
import { Features } from '../session/features';
import { compileCriteria } from './imapCriteria';
import { parseRawCriteria } from './rawCriteria';
import { SearchQuery } from './searchCriteria';

// A search on the server (RFC 9051 §6.4.4): `UID SEARCH RETURN (COUNT MIN MAX ALL) …` where ESEARCH (RFC 4731) is
// offered, so a result of 100,000 UIDs comes back as a compact set ("1:100000"), else a plain `UID SEARCH`, whose
// numbers are kept as ranges all the same. The folder is EXAMINEd: nothing can set \Seen. The command goes through
// imapflow's queue, compiler and parser (runCommand), so a NO or BAD comes back with the server's own words.

/** One folder's result. */
export interface FolderSearchResult {
  readonly folder: string;
  /** The generation the UIDs belong to; undefined only where ESEARCH IN answered nothing for the folder (no match). */
  readonly uidValidity: number | undefined;
  /** The matching UIDs, ascending, as ranges. */
  readonly uids: readonly UidRange[];
  readonly count: number;
  /** Lowest and highest matching UID; undefined when nothing matched. */
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** A search's result and what it cost on the wire. */
export interface SearchResult extends FolderSearchResult {
  readonly uidValidity: number;
  /** Milliseconds between sending the command and its tagged OK (literals' continuations included). */
  readonly serverMs: number;
  /** The command as sent (without its tag): literals shown as `{n}` followed by their text. */
  readonly command: string;
  /** ESEARCH was used (else a plain SEARCH). */
  readonly esearch: boolean;
}

export interface SearchOptions {
  /** Features of the session (answered from its CAPABILITY); ESEARCH is used where they support 'esearch'. */
  readonly features?: Features;
  /** The generation the caller's earlier results belong to: a folder that has another one now is refused (staleGeneration). */
  readonly uidValidity?: number;
  readonly signal?: Cancel;
}

/** The ESEARCH return options every search asks for. */
export const RETURN_OPTIONS = ['COUNT', 'MIN', 'MAX', 'ALL'] as const;

/** The search-program of a query, with CHARSET UTF-8 in front when non-ASCII text needs it (and UTF8=ACCEPT is not enabled). */
export function searchProgram(query: SearchQuery, utf8Accepted: boolean): ImapAttribute[] {
  const compiled = query.kind === 'raw' ? parseRawCriteria(query.text) : { ...compileCriteria(query.criteria), hasCharset: false };
  const charset: ImapAttribute[] = compiled.nonAscii && !utf8Accepted && !compiled.hasCharset ? [{ type: 'ATOM', value: 'CHARSET' }, { type: 'ATOM', value: 'UTF-8' }] : [];
  return [...charset, ...compiled.keys];
}

/**
 * Searches one folder of an IMAP account. Raw criteria and criteria that cannot be sent are refused before the
 * connection is touched (MailError 'config', nothing sent); the server's NO or BAD is a MailError('server') with its
 * words. The traffic channel shows the command and a note with the count and the server's time.
 */
export async function searchFolder(store: ImapStore, folder: string, query: SearchQuery, options: SearchOptions = {}): Promise<SearchResult> {
  // Compiled once before connecting, so that a refusal sends nothing; compiled again on the connection for UTF8=ACCEPT.
  searchProgram(query, false);
  return store.readOnly(folder, options.uidValidity, options.signal, async ({ client, mailbox, note }) => {
    const esearch = (options.features ?? Features.imap(client.capabilities.keys())).supports('esearch');
    const result = await runSearch(client, query, esearch);
    const uidValidity = mailbox ? Number(mailbox.uidValidity) : 0;
    note(`search in "${folder}": ${formatCount(result.count)} result${result.count === 1 ? '' : 's'}, server ${result.serverMs} ms`);
    return { folder, uidValidity, ...result };
  });
}

/** Sends the search on the open folder and reads its answer (ESEARCH or SEARCH). */
async function runSearch(client: ImapFlow, query: SearchQuery, esearch: boolean): Promise<Omit<SearchResult, 'folder' | 'uidValidity'>> {
  const program = searchProgram(query, client.enabled.has('UTF8=ACCEPT'));
  const returnClause: ImapAttribute[] = esearch ? [{ type: 'ATOM', value: 'RETURN' }, RETURN_OPTIONS.map((value) => ({ type: 'ATOM' as const, value }))] : [];
  const attributes = [...returnClause, ...program];
  const started = performance.now();
  const reply = await runCommand(client, 'UID SEARCH', attributes, ['ESEARCH', 'SEARCH']);
  const serverMs = Math.round(performance.now() - started);
  const command = `UID SEARCH ${commandText(attributes)}`;
  if (esearch) {
    const answers = reply.untagged.filter((r) => r.command.toUpperCase() === 'ESEARCH').map(readEsearch);
    const answer = answers.find((a) => a.uid) ?? answers[0];
    const uids = answer?.all ?? [];
    const count = answer?.count ?? countUids(uids);
    return { uids, count, min: answer?.min ?? uids[0]?.[0], max: answer?.max ?? uids[uids.length - 1]?.[1], serverMs, command, esearch };
  }
  const numbers: number[] = [];
  for (const r of reply.untagged) {
    if (r.command.toUpperCase() === 'SEARCH') numbers.push(...searchNumbers(r));
    // An IMAP4rev2 server may answer a plain SEARCH with ESEARCH (RFC 9051 deprecates the SEARCH response).
    else for (const [a, b] of readEsearch(r).all ?? []) for (let n = a; n <= b; n++) numbers.push(n);
  }
  const uids = rangesOf(numbers);
  return { uids, count: countUids(uids), min: uids[0]?.[0], max: uids[uids.length - 1]?.[1], serverMs, command, esearch };
}

/** What one untagged ESEARCH says (RFC 4731, with RFC 7377's MAILBOX and UIDVALIDITY in the correlator). */
export interface EsearchAnswer {
  readonly tag: string | undefined;
  readonly mailbox: string | undefined;
  readonly uidValidity: number | undefined;
  readonly uid: boolean;
  readonly count: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
  readonly all: UidRange[] | undefined;
}

/** Reads an untagged ESEARCH response as imapflow's parser left it. */
export function readEsearch(response: ParsedResponse): EsearchAnswer {
  const attrs = [...(response.attributes ?? [])] as unknown[];
  let tag: string | undefined;
  let mailbox: string | undefined;
  let uidValidity: number | undefined;
  if (Array.isArray(attrs[0])) {
    const correlator = (attrs.shift() as { value?: unknown }[]).map((a) => String(a?.value ?? ''));
    for (let i = 0; i + 1 < correlator.length; i += 2) {
      const name = correlator[i]!.toUpperCase();
      if (name === 'TAG') tag = correlator[i + 1];
      else if (name === 'MAILBOX') mailbox = correlator[i + 1];
      else if (name === 'UIDVALIDITY') uidValidity = wholeNumber(correlator[i + 1]);
    }
  }
  const word = (a: unknown): string => String((a as { value?: unknown } | undefined)?.value ?? '');
  let uid = false;
  if (word(attrs[0]).toUpperCase() === 'UID') {
    uid = true;
    attrs.shift();
  }
  let count: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  let all: UidRange[] | undefined;
  for (let i = 0; i + 1 < attrs.length; i += 2) {
    const name = word(attrs[i]).toUpperCase();
    const value = word(attrs[i + 1]);
    if (name === 'COUNT') count = wholeNumber(value);
    else if (name === 'MIN') min = wholeNumber(value);
    else if (name === 'MAX') max = wholeNumber(value);
    else if (name === 'ALL') {
      try {
        all = parseUidSet(value);
      } catch {
        throw new MailError('protocol', `The server's ESEARCH ALL is not a UID set: ${value.slice(0, 80)}`);
      }
    }
  }
  return { tag, mailbox, uidValidity, uid, count, min, max, all };
}

function wholeNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

/** The numbers of an untagged SEARCH: imapflow's parser reads a line of plain numbers into `numbers`, else attributes. */
function searchNumbers(response: ParsedResponse): number[] {
  const numbers = (response as { numbers?: unknown }).numbers;
  const values: unknown[] = Array.isArray(numbers) ? numbers : (response.attributes ?? []).map((a) => a.value);
  const out: number[] = [];
  for (const v of values) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

/** Attributes as the command line shows them: atoms and sequences verbatim, strings quoted, literals `{n}text`. */
export function commandText(attributes: readonly ImapAttribute[]): string {
  return attributes
    .map((a): string => {
      if (Array.isArray(a)) return `(${commandText(a)})`;
      const attr = a as Exclude<ImapAttribute, readonly ImapAttribute[]>;
      if (attr.type === 'LITERAL') {
        const bytes = Buffer.isBuffer(attr.value) ? attr.value : Buffer.from(attr.value, 'utf8');
        return `{${bytes.length}}${bytes.toString('utf8')}`;
      }
      if (attr.type === 'STRING') return `"${attr.value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
      return attr.value;
    })
    .join(' ');
}
