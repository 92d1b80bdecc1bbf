import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { MailError } from '../../core/errors';
import { formatBytes, formatCount } from '../../core/format';
import type { ImapStore } from '../../core/imap/imapStore';
import { MailStore, MessageSummary } from '../../core/mailStore';
import { queryText } from '../../core/search/criteriaText';
import { FolderSearchResult, searchFolder } from '../../core/search/imapSearch';
import { MultiFolderResult, searchFolders } from '../../core/search/multiFolderSearch';
import { costText, Pop3LocalSearch, Pop3SessionRunner } from '../../core/search/pop3LocalSearch';
import { resultPage } from '../../core/search/resultPage';
import { needsBody, SearchQuery } from '../../core/search/searchCriteria';
import { AccountSession } from '../../core/session/accountSession';
import { Features } from '../../core/session/features';
import { AccountService, AccountSessionEvent } from '../accountService';
import { resolveAccount } from '../commands/accountCommands';
import { reportError } from '../commands/reportError';
import { withDelayedProgress } from '../progress';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { AccountNode, FolderNode, NoticeNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { pop3Summaries } from '../../core/search/pop3ResultPage';
import { SavedSearch, SavedSearches, SearchMemento } from '../../core/search/savedSearches';
import { askSearchQuery } from './searchInput';
import { SearchGroupNode, SearchLoadMoreNode, SearchMessageNode, SearchResultNode, SearchRows } from './searchNodes';
import { SearchOutcome, SearchState } from '../../core/search/resultText';

// Runs the saved searches and holds what they found: one state per search (running, done, failed), the pages of
// matches loaded so far, and a run again when the account's session reports a change in a searched folder (new
// mail, expunges, flags), so a result stays live like a folder. Searches are read-only: the folder is EXAMINEd
// (IMAP), POP3 messages are read with TOP/RETR and RSET. Loaded on first use (the "search" chunk).

export interface SearchControllerDeps {
  readonly accounts: AccountService;
  readonly tree: AccountsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  readonly state: SearchMemento;
  readonly log: vscode.LogOutputChannel;
}

/** What is loaded of one folder's matches. */
interface LoadedMatches {
  readonly messages: MessageSummary[];
  /** IMAP: the UID the next page is below; POP3: the index of the next id. Undefined: nothing more. */
  next: number | undefined;
  readonly uidValidity: number | undefined;
}

interface Entry {
  state: SearchState;
  run: Promise<void> | undefined;
  abort: AbortController | undefined;
  /** By folder path. */
  readonly pages: Map<string, LoadedMatches>;
  /** Bumped by every run: pages loaded for an older run are dropped. */
  generation: number;
}

/** How long changes must be quiet before a live search runs again. */
const RERUN_DELAY_MS = 700;

export class SearchController implements SearchRows, vscode.Disposable {
  private readonly saved: SavedSearches;
  private readonly entries = new Map<string, Entry>();
  private readonly localSearches = new WeakMap<AccountSession, Pop3LocalSearch>();
  private readonly rerunDue = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: SearchControllerDeps) {
    this.saved = new SavedSearches(deps.state);
    this.subscriptions.push(deps.accounts.onDidSessionEvent((e) => this.onSessionEvent(e)));
  }

  // The tree (SearchRows)

  /** The result nodes under an account (its searches of every folder) or a folder. */
  children(parent: AccountNode | FolderNode): TreeNode[] {
    const folder = parent instanceof FolderNode ? parent.folder.path : undefined;
    return this.saved
      .list(parent.account.id)
      .filter((s) => s.folder === folder)
      .map((s) => {
        if (!this.entries.has(s.id)) this.start(s); // a saved search shown for the first time (after a reload): run it
        return new SearchResultNode(parent, parent.account, s, this);
      });
  }

  state(searchId: string): SearchState {
    return this.entries.get(searchId)?.state ?? { kind: 'running' };
  }

  queryLabel(saved: SavedSearch): string {
    return queryText(saved.query);
  }

  async resultChildren(node: SearchResultNode): Promise<TreeNode[]> {
    const entry = this.entries.get(node.saved.id) ?? this.start(node.saved);
    await entry.run;
    const state = entry.state;
    if (state.kind === 'failed') return [new NoticeNode(node, `${node.id}:failed`, `${state.message}${state.serverText ? ` Server said: ${state.serverText}` : ''}`, 'warning')];
    if (state.kind !== 'done') return [];
    const outcome = state.outcome;
    if (outcome.kind === 'folders') {
      const groups = outcome.result.folders.filter((f) => f.count > 0);
      if (groups.length === 0) return [new NoticeNode(node, `${node.id}:none`, 'No messages match', 'info')];
      const all = await this.deps.tree.folderList(node.account);
      const accountNode = node.parent instanceof AccountNode ? node.parent : undefined;
      return groups.flatMap((g) => {
        const info = all.find((f) => f.path === g.folder);
        if (!info || !accountNode) return [];
        return [new SearchGroupNode(node, node.account, new FolderNode(accountNode, node.account, info, all, this.deps.tree), g.count, this)];
      });
    }
    const folderNode = node.folderNode;
    if (!folderNode) return [];
    if (outcome.result.count === 0) return [new NoticeNode(node, `${node.id}:none`, 'No messages match', 'info')];
    return this.pageRows(node, node, folderNode, entry);
  }

  async groupChildren(node: SearchGroupNode): Promise<TreeNode[]> {
    const entry = this.entries.get(node.parent.saved.id);
    if (!entry || entry.state.kind !== 'done') return [];
    return this.pageRows(node.parent, node, node.folderNode, entry);
  }

  /** The loaded matches of a folder as rows (the first page loaded if none is yet), with "Load more…". */
  private async pageRows(result: SearchResultNode, under: SearchResultNode | SearchGroupNode, folderNode: FolderNode, entry: Entry): Promise<TreeNode[]> {
    const folder = folderNode.folder.path;
    let loaded = entry.pages.get(folder);
    if (!loaded) {
      const generation = entry.generation;
      loaded = await this.loadPage(result.account, entry, folder, undefined);
      if (entry.generation === generation) entry.pages.set(folder, loaded);
    }
    const rows: TreeNode[] = loaded.messages.map((m) => new SearchMessageNode(under, folderNode, m, this.deps.tree, loaded.uidValidity));
    if (loaded.next !== undefined) rows.push(new SearchLoadMoreNode(under, result.account, result.saved.id, folder));
    return rows;
  }

  /** One page of matches of `folder` (after `next`, the cursor of the page before): only its messages' envelopes are fetched. */
  private async loadPage(account: AccountDefinition, entry: Entry, folder: string, next: number | undefined): Promise<LoadedMatches> {
    const state = entry.state;
    if (state.kind !== 'done') return { messages: [], next: undefined, uidValidity: undefined };
    const session = await this.deps.accounts.session(account);
    const pageSize = this.deps.accounts.settings.pageSize;
    const outcome = state.outcome;
    if (outcome.kind === 'pop3') {
      const runner = pop3Runner(session.store);
      if (!runner) throw new MailError('unsupported', 'This account cannot be read message by message.');
      const start = next ?? 0;
      const ids = outcome.result.ids.slice(start, start + pageSize);
      const messages = await pop3Summaries(runner, ids);
      return { messages, next: start + pageSize < outcome.result.ids.length ? start + pageSize : undefined, uidValidity: undefined };
    }
    const result: FolderSearchResult | undefined = outcome.kind === 'folder' ? outcome.result : outcome.result.folders.find((f) => f.folder === folder);
    const store = imapStore(session.store);
    if (!result || !store) return { messages: [], next: undefined, uidValidity: undefined };
    const page = await resultPage(store, result, next, pageSize);
    return { messages: [...page.messages], next: page.nextBeforeUid, uidValidity: page.uidValidity };
  }

  /** "Load more…": the next page of a folder's matches. */
  async loadMore(node: SearchLoadMoreNode): Promise<void> {
    const entry = this.entries.get(node.searchId);
    const loaded = entry?.pages.get(node.folder);
    if (!entry || !loaded || loaded.next === undefined) return;
    const generation = entry.generation;
    try {
      const more = await this.loadPage(node.account, entry, node.folder, loaded.next);
      if (entry.generation !== generation || entry.pages.get(node.folder) !== loaded) return;
      loaded.messages.push(...more.messages);
      loaded.next = more.next;
      this.render(node.parent.id);
    } catch (error) {
      reportError(this.deps.log, 'Loading more matches failed', error, node);
    }
  }

  // Commands

  /** "Search…" on a folder, on an account, or from the view's title bar (asks which account and where). */
  async search(node?: TreeNode): Promise<void> {
    try {
      const scope = await this.scope(node);
      if (!scope) return;
      const { account, folder, features } = scope;
      const local = !features.supports('serverSearch');
      const where = folder ?? `all folders of ${account.label}`;
      const query = await askSearchQuery({ local, where });
      if (!query) return;
      if (local && query.kind === 'raw') throw new MailError('unsupported', 'Raw IMAP criteria need a server that searches (IMAP); this account is searched on this computer.');
      const saved = await this.saved.add(account.id, folder, query);
      const entry = this.start(saved);
      this.render(folder === undefined ? `account:${account.id}` : `folder:${account.id}:${folder}`);
      await entry.run;
      await this.reveal(account, saved);
      if (entry.state.kind === 'failed' && entry.state.error) throw entry.state.error;
    } catch (error) {
      reportError(this.deps.log, 'The search failed', error, node);
    }
  }

  /** Refresh on a result node: runs the search again. */
  async refresh(node?: TreeNode): Promise<void> {
    if (!(node instanceof SearchResultNode)) return;
    const entry = this.start(node.saved);
    this.render(node.id);
    await entry.run;
  }

  /** Remove on a result node: forgets the saved search (a running one is cancelled). */
  async remove(node?: TreeNode): Promise<void> {
    if (!(node instanceof SearchResultNode)) return;
    const entry = this.entries.get(node.saved.id);
    entry?.abort?.abort();
    this.entries.delete(node.saved.id);
    await this.saved.remove(node.saved.id);
    this.render(node.parent.id);
  }

  /** Where to search: the node's folder or account; from the title bar, an account and then a folder or all of them. */
  private async scope(node: TreeNode | undefined): Promise<{ account: AccountDefinition; folder: string | undefined; features: Features } | undefined> {
    if (node instanceof SearchResultNode) node = node.parent;
    const account = await resolveAccount(this.deps.accounts, node, 'Account to search');
    if (!account) return undefined;
    const session = await this.deps.accounts.session(account);
    const features = session.features ?? (await session.connect());
    if (!features.supports('serverSearch') && !features.supports('top')) {
      throw new MailError('unsupported', 'This server offers neither server search (IMAP) nor TOP (POP3), so its messages cannot be searched without downloading each one whole.');
    }
    if (node instanceof FolderNode) return { account, folder: node.folder.path, features };
    const folders = await this.deps.tree.folderList(account);
    const selectable = folders.filter((f) => f.selectable);
    // POP3 has one folder (the maildrop): its search is the Inbox's.
    if (!features.supports('folders') || selectable.length === 1) return selectable[0] ? { account, folder: selectable[0].path, features } : undefined;
    if (node instanceof AccountNode) return { account, folder: undefined, features };
    const all = { label: 'All folders', description: `${formatCount(selectable.length)} folders${features.supports('multiSearch') ? ', in one ESEARCH IN' : ', one after the other'}`, path: undefined };
    const chosen = await vscode.window.showQuickPick([all, ...selectable.map((f) => ({ label: f.path, description: f.total === undefined ? '' : `${formatCount(f.total)} messages`, path: f.path as string | undefined }))], {
      title: `Search ${account.label}`,
      placeHolder: 'Folder to search',
    });
    return chosen ? { account, folder: chosen.path, features } : undefined;
  }

  /** Shows the new result node, expanded. */
  private async reveal(account: AccountDefinition, saved: SavedSearch): Promise<void> {
    const node = this.findNode(account, saved);
    if (!node) return;
    try {
      await this.deps.view.reveal(node, { expand: true, select: true, focus: false });
    } catch {
      // The view is hidden or the node was not rendered: it is there when the folder is expanded.
    }
  }

  private findNode(account: AccountDefinition, saved: SavedSearch): SearchResultNode | undefined {
    const accountNode = this.deps.tree.knownNode(`account:${account.id}`);
    const parent = saved.folder === undefined ? accountNode : this.deps.tree.knownNode(`folder:${account.id}:${saved.folder}`);
    if (!(parent instanceof AccountNode || parent instanceof FolderNode)) return undefined;
    return new SearchResultNode(parent, account, saved, this);
  }

  // Running

  /** Runs the search (again): its state is `running` until it is done or failed; loaded pages are dropped then. */
  private start(saved: SavedSearch): Entry {
    const previous = this.entries.get(saved.id);
    previous?.abort?.abort();
    const entry: Entry = previous ?? { state: { kind: 'running' }, run: undefined, abort: undefined, pages: new Map(), generation: 0 };
    const abort = new AbortController();
    entry.abort = abort;
    entry.generation++;
    const generation = entry.generation;
    entry.state = { kind: 'running' };
    this.entries.set(saved.id, entry);
    entry.run = this.execute(saved, abort.signal).then(
      (outcome) => {
        if (entry.generation !== generation) return;
        entry.state = { kind: 'done', outcome };
        entry.pages.clear();
        this.render(`search:${saved.id}`);
      },
      (error: unknown) => {
        if (entry.generation !== generation) return;
        const e = MailError.is(error) ? error : new MailError('protocol', error instanceof Error ? error.message : String(error));
        entry.state = { kind: 'failed', message: e.reason === 'cancelled' ? 'The search was cancelled.' : e.message, ...(e.serverText ? { serverText: e.serverText } : {}), error: e };
        entry.pages.clear();
        this.render(`search:${saved.id}`);
        if (e.reason !== 'cancelled') this.deps.log.warn(`Search ${queryText(saved.query)}: ${e.message}${e.serverText ? ` (server said: ${e.serverText})` : ''}`);
      },
    );
    return entry;
  }

  private async execute(saved: SavedSearch, signal: AbortSignal): Promise<SearchOutcome> {
    const account = this.deps.accounts.get(saved.accountId);
    if (!account) throw new MailError('config', 'The account of this search is gone.');
    const session = await this.deps.accounts.session(account);
    const features = session.features ?? (await session.connect(signal));
    const query = saved.query;
    const label = queryText(query);
    if (features.supports('serverSearch')) {
      const store = imapStore(session.store);
      if (!store) throw new MailError('unsupported', 'This account cannot search on its server.');
      if (saved.folder !== undefined) {
        const folder = saved.folder;
        const result = await withDelayedProgress(`Searching ${folder} for ${label}`, (cancel) => searchFolder(store, folder, query, { features, signal: anySignal(signal, cancel) }));
        return { kind: 'folder', result };
      }
      return { kind: 'folders', result: await this.searchAll(account, store, query, features, signal) };
    }
    if (query.kind === 'raw') throw new MailError('unsupported', 'Raw IMAP criteria need a server that searches (IMAP); this account is searched on this computer.');
    const runner = pop3Runner(session.store);
    if (!runner || !features.supports('top')) throw new MailError('unsupported', 'This POP3 server offers no TOP, so its messages cannot be searched without downloading each one whole.');
    let local = this.localSearches.get(session);
    if (!local) {
      local = new Pop3LocalSearch(runner);
      this.localSearches.set(session, local);
    }
    const search = local;
    const result = await withDelayedProgress(`Searching ${account.label} on this computer for ${label}`, (cancel) =>
      search.search(query.criteria, { signal: anySignal(signal, cancel), confirm: (bytes, messages) => confirmDownload(label, bytes, messages) }),
    );
    return { kind: 'pop3', result, cost: costText(result.cost) };
  }

  /** Every selectable folder: one ESEARCH IN where offered, else folder by folder with a cancellable progress. */
  private async searchAll(account: AccountDefinition, store: ImapStore, query: SearchQuery, features: Features, signal: AbortSignal): Promise<MultiFolderResult> {
    const folders = (await this.deps.tree.folderList(account)).filter((f) => f.selectable).map((f) => f.path);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Searching ${formatCount(folders.length)} folders of ${account.label}`, cancellable: true },
      async (progress, token) => {
        const cancel = new AbortController();
        const subscription = token.onCancellationRequested(() => cancel.abort());
        try {
          return await searchFolders(store, folders, query, {
            features,
            signal: anySignal(signal, cancel.signal),
            progress: (p) => progress.report({ message: `${p.folder}: ${formatCount(p.done)} of ${formatCount(p.total)} folders, ${formatCount(p.count)} results so far`, increment: 100 / p.total }),
          });
        } finally {
          subscription.dispose();
        }
      },
    );
  }

  // Live

  private onSessionEvent({ accountId, session, event }: AccountSessionEvent): void {
    if (this.deps.accounts.peek(accountId) !== session) return;
    if (event.type !== 'new' && event.type !== 'expunged' && event.type !== 'flags' && event.type !== 'uidValidity' && event.type !== 'resynced') return;
    for (const saved of this.saved.list(accountId)) {
      const entry = this.entries.get(saved.id);
      if (!entry || entry.state.kind !== 'done') continue;
      const outcome = entry.state.outcome;
      const concerned = saved.folder === undefined ? outcome.kind === 'folders' && outcome.result.folders.some((f) => f.folder === event.folder) : saved.folder === event.folder;
      // A POP3 body search downloads whole messages after asking: not run again unasked (Refresh does).
      if (!concerned || (outcome.kind === 'pop3' && saved.query.kind === 'criteria' && needsBody(saved.query.criteria))) continue;
      this.rerunSoon(saved);
    }
  }

  private rerunSoon(saved: SavedSearch): void {
    clearTimeout(this.rerunDue.get(saved.id));
    const timer = setTimeout(() => {
      this.rerunDue.delete(saved.id);
      if (!this.saved.get(saved.id)) return;
      this.deps.log.info(`Search ${queryText(saved.query)}: the folder changed, searching again.`);
      this.start(saved);
    }, RERUN_DELAY_MS);
    timer.unref?.();
    this.rerunDue.set(saved.id, timer);
  }

  /** Renders the row with this id again, if the tree shows it. */
  private render(id: string): void {
    this.deps.tree.renderNode(id);
  }

  dispose(): void {
    for (const timer of this.rerunDue.values()) clearTimeout(timer);
    for (const entry of this.entries.values()) entry.abort?.abort();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The account's store as an ImapStore (the offline wrapper forwards its methods), found by what it can do. */
function imapStore(store: MailStore): ImapStore | undefined {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['readOnly'] === 'function' && typeof s['listMessagesByUids'] === 'function' ? (store as unknown as ImapStore) : undefined;
}

function pop3Runner(store: MailStore): Pop3SessionRunner | undefined {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['maildropSession'] === 'function' ? (store as unknown as Pop3SessionRunner) : undefined;
}

/** Asks before a POP3 body search downloads whole messages, naming their number and size. */
async function confirmDownload(label: string, bytes: number, messages: number): Promise<boolean> {
  const download = 'Download and Search';
  const choice = await vscode.window.showWarningMessage(
    `Searching ${label} over POP3 needs ${formatCount(messages)} whole message${messages === 1 ? '' : 's'} (${formatBytes(bytes)}) downloaded: POP3 cannot search on the server.`,
    { modal: true, detail: 'They are read with RETR followed by RSET, so nothing is marked read or deleted on the server.' },
    download,
  );
  return choice === download;
}

/** A signal aborted when either one is. */
function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (a.aborted) return a;
  if (b.aborted) return b;
  const both = new AbortController();
  const abort = (): void => both.abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return both.signal;
}
