import { MailError } from '../errors';
import { formatCount } from '../format';
import type { ImapStore } from '../imap/imapStore';
import { countUids } from '../imap/uidSet';
import { decodeMailboxName } from '../imap/write/folderNames';
import { ImapAttribute, runCommand } from '../imap/write/imapCommand';
import { mailboxAttribute } from '../imap/write/mailboxName';
import { Cancel } from '../mailStore';
import { Features } from '../session/features';
import { commandText, FolderSearchResult, readEsearch, RETURN_OPTIONS, searchFolder, searchProgram } from './imapSearch';
import { SearchQuery } from './searchCriteria';

// A search over several folders: one `ESEARCH IN (mailboxes (…)) RETURN (COUNT MIN MAX ALL) …` (RFC 7377) where the
// server offers MULTISEARCH, which answers one ESEARCH per folder with its MAILBOX and UIDVALIDITY and opens none of
// them; else folder by folder (EXAMINE, UID SEARCH), with progress between folders and cancellation at any point.

export interface MultiFolderProgress {
  /** Folders searched so far, and of how many. */
  readonly done: number;
  readonly total: number;
  /** The folder just searched. */
  readonly folder: string;
  /** Matches so far, over the folders searched. */
  readonly count: number;
}

export interface MultiFolderOptions {
  readonly features?: Features;
  /** Called after each folder of a folder-by-folder search (once, with every folder, after ESEARCH IN). */
  readonly progress?: (progress: MultiFolderProgress) => void;
  /** Cancels: the command under way is dropped with the connection (the only way to stop one), MailError('cancelled'). */
  readonly signal?: Cancel;
}

export interface MultiFolderResult {
  /** One entry per folder searched, in the order asked (folders with no match included, count 0). */
  readonly folders: readonly FolderSearchResult[];
  /** Matches over every folder. */
  readonly count: number;
  /** The server's time, summed over the commands. */
  readonly serverMs: number;
  /** The commands sent (one for ESEARCH IN, one per folder otherwise), without tags. */
  readonly commands: readonly string[];
  readonly method: 'esearchIn' | 'perFolder';
}

/** Searches `folders` of the account (selectable ones: the caller lists them), grouped by folder. */
export async function searchFolders(store: ImapStore, folders: readonly string[], query: SearchQuery, options: MultiFolderOptions = {}): Promise<MultiFolderResult> {
  searchProgram(query, false); // refused before anything is sent
  if (folders.length === 0) throw new MailError('config', 'Choose at least one folder to search.');
  const features = options.features ?? (await sessionFeatures(store, options.signal));
  if (features.supports('multiSearch')) return searchIn(store, folders, query, options);
  const results: FolderSearchResult[] = [];
  const commands: string[] = [];
  let serverMs = 0;
  let count = 0;
  for (const folder of folders) {
    if (options.signal?.aborted) throw new MailError('cancelled');
    const result = await searchFolder(store, folder, query, { features, ...(options.signal ? { signal: options.signal } : {}) });
    const { uidValidity, uids, min, max } = result;
    results.push({ folder, uidValidity, uids, count: result.count, min, max });
    commands.push(result.command);
    serverMs += result.serverMs;
    count += result.count;
    options.progress?.({ done: results.length, total: folders.length, folder, count });
  }
  return { folders: results, count, serverMs, commands, method: 'perFolder' };
}

async function sessionFeatures(store: ImapStore, signal: Cancel | undefined): Promise<Features> {
  const caps = await store.capabilities(signal);
  return Features.imapSession(caps.beforeLogin, caps.afterLogin);
}

/** One ESEARCH IN for every folder; a folder the server answers nothing for had no match. */
async function searchIn(store: ImapStore, folders: readonly string[], query: SearchQuery, options: MultiFolderOptions): Promise<MultiFolderResult> {
  return store.readOnly(undefined, undefined, options.signal, async ({ client, note }) => {
    const utf8 = client.enabled.has('UTF8=ACCEPT');
    const attributes: ImapAttribute[] = [
      { type: 'ATOM', value: 'IN' },
      [{ type: 'ATOM', value: 'mailboxes' }, folders.map((f) => mailboxAttribute(client, f))],
      { type: 'ATOM', value: 'RETURN' },
      RETURN_OPTIONS.map((value) => ({ type: 'ATOM' as const, value })),
      ...searchProgram(query, utf8),
    ];
    const started = performance.now();
    const reply = await runCommand(client, 'ESEARCH', attributes, ['ESEARCH']);
    const serverMs = Math.round(performance.now() - started);
    const byFolder = new Map<string, FolderSearchResult>();
    for (const response of reply.untagged) {
      const answer = readEsearch(response);
      if (answer.mailbox === undefined) continue;
      const folder = decodeMailboxName(answer.mailbox, utf8);
      const uids = answer.all ?? [];
      byFolder.set(folder, { folder, uidValidity: answer.uidValidity, uids, count: answer.count ?? countUids(uids), min: answer.min ?? uids[0]?.[0], max: answer.max ?? uids[uids.length - 1]?.[1] });
    }
    const results = folders.map((folder) => byFolder.get(folder) ?? { folder, uidValidity: undefined, uids: [], count: 0, min: undefined, max: undefined });
    const count = results.reduce((n, r) => n + r.count, 0);
    note(`search in ${formatCount(folders.length)} folders: ${formatCount(count)} results, server ${serverMs} ms`);
    options.progress?.({ done: folders.length, total: folders.length, folder: folders[folders.length - 1]!, count });
    return { folders: results, count, serverMs, commands: [`ESEARCH ${commandText(attributes)}`], method: 'esearchIn' as const };
  });
}
