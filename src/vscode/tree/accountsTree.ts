import * as vscode from 'vscode';
import { accessOf, AccountDefinition } from '../../core/accounts/account';
import { fromNodeError, MailError } from '../../core/errors';
import { FolderInfo, MessageSummary } from '../../core/mailStore';
import { MessageInspector } from '../../core/inspect/messageInspector';
import { formatCount } from '../../core/format';
import { listsFolderNames } from '../../core/mailbox/cachingStore';
import { foldersFirst } from '../../core/mailbox/foldersFirst';
import { FolderUse } from '../../core/mailbox/folderUse';
import { LoadedPage, MAX_MERGED } from '../../core/mailbox/loadedPage';
import { PartTree } from '../../core/mime/partTree';
import { AccountSession, PageCursor } from '../../core/session/accountSession';
import { Features } from '../../core/session/features';
import { ConnectionState, SessionEvent } from '../../core/session/sessionEvents';
import { AccessMode } from '../../core/write/mailWriter';
import { AccountService, AccountSessionEvent } from '../accountService';
import { MessageRef } from '../documents/uris';
import { MessageInspectors } from '../inspection/inspectors';
import { AccountNode, ErrorNode, FolderNode, LoadMoreNode, NoticeNode, TreeBackend } from './nodes';
import { NodeTreeProvider } from './nodeTreeProvider';
import { TreeNode } from './treeNode';

export const VIEW_ID = 'mailInspector.accounts';

/** Thrown when the user dismissed the password prompt: shown as a node, not as an error. */
class PasswordNeeded extends Error {}

/**
 * The Accounts tree. Caches folder lists and loaded pages per account, so expanding and collapsing costs no
 * traffic; Refresh drops the cache of one account or folder. Failures become one error node. Live: the
 * account's session watches the folder expanded last (IDLE, or polling), and its events change the loaded
 * pages in place (new mail on top, expunged messages out, flags and counts current); pages are taken by UID
 * (POP3: by offset, moved with the changes), so "Load more…" neither skips nor repeats a message.
 */
export class AccountsTreeProvider extends NodeTreeProvider implements TreeBackend, vscode.Disposable {
  private readonly folderCache = new Map<string, FolderInfo[]>();
  /** Per account, a token of the folder listing in the cache: counts still on their way for an older one are dropped. */
  private readonly listings = new Map<string, object>();
  /** Which folders were opened last, per account (kept in globalState): their counts are asked first. */
  private readonly folderUse: FolderUse;
  private readonly pages = new Map<string, LoadedPage>();
  private readonly nodes = new Map<string, TreeNode>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly foldersChanged = new vscode.EventEmitter<void>();
  /** Fires when a folder list was loaded or dropped (the view's unseen badge follows it). */
  readonly onDidChangeFolders = this.foldersChanged.event;
  private readonly treeNotes = new Map<string, string>();
  /** Per account, the folders shown expanded, in the order they were expanded: the last one is watched. */
  private readonly expanded = new Map<string, string[]>();
  /** Per account, the folder whose watch failed with its session (not tried again on every render; a new expand or session tries again). */
  private readonly watchFailed = new Map<string, { session: AccountSession; path: string }>();
  /** Per account, the watch changes in order (one at a time). */
  private readonly watchWork = new Map<string, Promise<void>>();
  /** Per folder page, the merges of new mail in order. */
  private readonly pageWork = new Map<string, Promise<void>>();
  /** False while the view is hidden: a render then (VS Code may ask for children) opens no watch. */
  private visible = true;
  /** Accounts whose counts are to be asked again shortly (after events changed them). */
  private readonly countsDue = new Map<string, NodeJS.Timeout>();
  /** The saved searches' result nodes (setSearchRows). */
  private searchRows: ((parent: AccountNode | FolderNode) => Promise<TreeNode[]>) | undefined;

  constructor(
    private readonly accounts: AccountService,
    private readonly inspectors: MessageInspectors,
    state: vscode.Memento,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    super();
    this.folderUse = new FolderUse(state);
    this.subscriptions.push(
      this.foldersChanged,
      accounts.onDidChange(() => {
        const ids = new Set(accounts.accounts().map((a) => a.id));
        for (const key of [...this.folderCache.keys()]) if (!ids.has(key)) this.forgetAccount(key);
        for (const key of [...this.expanded.keys()]) if (!ids.has(key)) this.expanded.delete(key);
        this.changed.fire(undefined);
      }),
      accounts.onDidSessionEvent((e) => this.onSessionEvent(e)),
      accounts.onDidChangeSession((accountId) => this.fireAccount(accountId)),
    );
  }

  override async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const problems = this.accounts.settings.accountProblems.map(
        (p) => new NoticeNode(undefined, `problem:${p.index}`, `Account ${p.index + 1} in settings is invalid: ${p.error.message}`, 'warning', {
          command: 'workbench.action.openSettingsJson',
          title: 'Open Settings',
        }),
      );
      return this.remember([...this.accounts.accounts().map((a) => new AccountNode(a, this)), ...problems]);
    }
    try {
      return this.remember(await node.getChildren());
    } catch (error) {
      const account = accountOf(node);
      if (!account) throw error;
      if (error instanceof PasswordNeeded || (MailError.is(error, 'cancelled') && error.detail?.kind === 'noPassword')) {
        return this.remember([
          new NoticeNode(node, `${node.id}:password`, 'Password needed: click to enter it', 'key', { command: 'mailInspector.setPassword', title: 'Enter Password', arguments: [node] }),
        ]);
      }
      const mailError = MailError.is(error) ? error : fromNodeError(error);
      return this.remember([new ErrorNode(node, account, mailError)]);
    }
  }

  private remember(nodes: TreeNode[]): TreeNode[] {
    for (const n of nodes) this.nodes.set(n.id, n);
    return nodes;
  }

  // TreeBackend

  async folders(account: AccountDefinition): Promise<FolderInfo[]> {
    const cached = this.folderCache.get(account.id);
    if (cached) return cached;
    const store = await this.accounts.store(account);
    if (!store) throw new PasswordNeeded();
    const listing = {};
    const { folders, counts } = await this.withViewProgress(async () => {
      const first = listsFolderNames(store)
        ? await foldersFirst(store, {
            usedFirst: this.folderUse.order(account.id),
            // The folders are in the cache by then (set below, with no wait in between): a row at a time.
            onLateCounts: (f) => {
              if (this.listings.get(account.id) === listing) this.applyCounts(account.id, f.path, f.total, f.unseen);
            },
          })
        : { folders: await store.listFolders(), counts: undefined };
      this.folderCache.set(account.id, first.folders);
      this.listings.set(account.id, listing);
      return first;
    });
    this.foldersChanged.fire();
    // The account row shows what the connection offers (its contextValue) and the session's state.
    this.fireAccountSoon(account.id);
    counts?.then(
      (counted) => {
        // Unless the folders were listed again meanwhile (a Refresh); counts told one by one are in the rows already.
        if (this.folderCache.has(account.id) && this.listings.get(account.id) === listing) this.setFolders(account.id, counted);
      },
      (error: unknown) => this.log?.warn(`${account.label}: the folder counts could not be read: ${describe(error)}`),
    );
    // With the counts that came since the list was cached (the rows are made from this).
    return this.folderCache.get(account.id) ?? folders;
  }

  async messages(account: AccountDefinition, folder: FolderInfo): Promise<{ messages: readonly MessageSummary[]; hasMore: boolean; warning?: string; uidValidity?: number }> {
    const key = pageKey(account.id, folder.path);
    let page = this.pages.get(key);
    if (!page) {
      const session = await this.accounts.session(account);
      const first = await this.withViewProgress(() => session.listPage(folder.path, undefined, this.accounts.settings.pageSize));
      page = LoadedPage.first(folder.path, first);
      this.pages.set(key, page);
    }
    return { messages: page.messages, hasMore: page.hasMore, ...(page.warning ? { warning: page.warning } : {}), ...(page.uidValidity !== undefined ? { uidValidity: page.uidValidity } : {}) };
  }

  inspector(ref: MessageRef, expectedSize?: number): MessageInspector {
    return this.inspectors.get(ref, expectedSize);
  }

  partTreeLoaded(node: TreeNode, tree: PartTree): void {
    const note = tree.truncated ? `showing ${formatCount(tree.truncated.shown)} of ${tree.truncated.total === undefined ? 'more' : formatCount(tree.truncated.total)} parts` : tree.notices.length > 0 ? `${tree.notices.length} MIME problem${tree.notices.length > 1 ? 's' : ''}` : undefined;
    if (note === this.treeNotes.get(node.id)) return;
    if (note) this.treeNotes.set(node.id, note);
    else this.treeNotes.delete(node.id);
    // Re-render the message's label (not its children) once the notice is known.
    setTimeout(() => this.changed.fire(node), 0);
  }

  partTreeNote(nodeId: string): string | undefined {
    return this.treeNotes.get(nodeId);
  }

  features(account: AccountDefinition): Features | undefined {
    return this.accounts.peek(account.id)?.features;
  }

  state(account: AccountDefinition): ConnectionState | undefined {
    const state = this.accounts.state(account.id);
    if (state === 'live' || state === 'polling' || state === 'reconnecting') return state;
    // Folders served from the offline cache (the server could not be reached): the row says so until they come from the server again.
    return this.folderCache.get(account.id)?.some((f) => f.offline) ? 'offline' : state;
  }

  watchedFolder(account: AccountDefinition): string | undefined {
    return this.accounts.state(account.id) === 'closed' ? undefined : this.accounts.peek(account.id)?.watchedFolder;
  }

  access(account: AccountDefinition): AccessMode {
    return this.accounts.peek(account.id)?.access ?? accessOf(account);
  }

  showUnsubscribed(): boolean {
    return this.accounts.settings.showUnsubscribedFolders;
  }

  /** Gives the saved searches' result nodes (src/vscode/search/searchCommands.ts); none until it is set. */
  setSearchRows(rows: (parent: AccountNode | FolderNode) => Promise<TreeNode[]>): void {
    this.searchRows = rows;
  }

  async searchNodes(parent: AccountNode | FolderNode): Promise<TreeNode[]> {
    try {
      return this.searchRows ? await this.searchRows(parent) : [];
    } catch (error) {
      // A search never hides the folder's own rows.
      this.log?.warn(`${parent.account.label}: the saved searches could not be shown: ${describe(error)}`);
      return [];
    }
  }

  /** The node with this id as the view has it, if it was shown. */
  knownNode(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  /** Renders the node with this id again (its row and, when expanded, its children), if it is shown. */
  renderNode(id: string): void {
    this.fire(id);
  }

  /** The account's folder list as the tree holds it (listing it first if needed), for pickers (Move to…). */
  async folderList(account: AccountDefinition): Promise<FolderInfo[]> {
    return this.folders(account);
  }

  /** The messages of a folder loaded so far (undefined when it was not listed), and whether older ones exist. */
  loadedMessages(accountId: string, folder: string): { messages: readonly MessageSummary[]; hasMore: boolean } | undefined {
    const page = this.pages.get(pageKey(accountId, folder));
    return page ? { messages: page.messages, hasMore: page.hasMore } : undefined;
  }

  /** A folder's messages were listed for the view: it is expanded (also when VS Code restored it), so it is kept live. */
  folderShown(node: FolderNode): void {
    this.used(node);
    const list = this.expanded.get(node.account.id) ?? [];
    if (!list.includes(node.folder.path)) {
      list.push(node.folder.path);
      this.expanded.set(node.account.id, list);
    }
    if (!this.visible) return; // resumeWatches() follows when the view is shown
    // Also when the session was rebuilt since (an edited account, a new password, other settings): watch again.
    const session = this.accounts.peek(node.account.id);
    const failed = this.watchFailed.get(node.account.id);
    if (session && failed?.session === session && failed.path === list.at(-1)) return;
    if (!session || session.watchedFolder !== list.at(-1)) this.updateWatch(node.account);
  }

  /** The folder was opened: its counts are asked first next time (where they come one folder at a time). */
  private used(node: FolderNode): void {
    this.folderUse.touch(node.account.id, node.folder.path).then(undefined, (error: unknown) => this.log?.warn(`Could not remember the folder used last: ${describe(error)}`));
  }

  // The view (see liveView.ts)

  /** The folder lists loaded so far, one per account. */
  loadedFolders(): Iterable<readonly FolderInfo[]> {
    return this.folderCache.values();
  }

  /** The view was shown or hidden (liveView.ts). */
  setVisible(visible: boolean): void {
    this.visible = visible;
  }

  /** A node was expanded in the view. */
  didExpand(node: TreeNode): void {
    if (node instanceof FolderNode && node.folder.selectable && this.pages.has(pageKey(node.account.id, node.folder.path))) {
      // Listed before: no getChildren call tells us, so this does.
      this.used(node);
      const list = (this.expanded.get(node.account.id) ?? []).filter((p) => p !== node.folder.path);
      list.push(node.folder.path);
      this.expanded.set(node.account.id, list);
      this.watchFailed.delete(node.account.id);
      this.updateWatch(node.account);
    }
  }

  /** A node was collapsed in the view: a folder is no longer kept live (the one expanded before it is, if any). */
  didCollapse(node: TreeNode): void {
    if (node instanceof FolderNode) {
      const list = this.expanded.get(node.account.id);
      if (!list?.includes(node.folder.path)) return;
      this.expanded.set(node.account.id, list.filter((p) => p !== node.folder.path));
      this.updateWatch(node.account);
    } else if (node instanceof AccountNode) {
      // Its folders are out of sight (they keep their expansion for later): nothing of the account is watched.
      this.expanded.delete(node.account.id);
      this.updateWatch(node.account);
    }
  }

  /**
   * The view is shown: the folder expanded last of each account is watched (again). With `relist` (the
   * connections were closed while the view was hidden) what is expanded is listed again first: nothing was
   * watched meanwhile, so mail may have come and gone.
   */
  resumeWatches(relist: boolean): void {
    for (const [id, paths] of this.expanded) {
      const account = this.accounts.get(id);
      if (!account) continue;
      if (relist) for (const path of paths) if (this.pages.delete(pageKey(id, path))) this.fire(folderId(id, path));
      if (relist || this.accounts.peek(id)?.watchedFolder !== paths.at(-1)) this.updateWatch(account);
    }
  }

  /**
   * Asks the server for the counts of every folder listed so far (LIST-STATUS where offered, else STATUS per
   * folder): the other folders' descriptions follow mail that arrived elsewhere. Accounts whose folders were
   * never listed cost nothing.
   */
  async refreshCounts(): Promise<void> {
    await Promise.all([...this.folderCache.keys()].map((id) => this.refreshAccountCounts(id)));
  }

  /** Appends the next page of the folder under the "Load more…" node. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const folderNode = node.parent;
    const key = pageKey(folderNode.account.id, folderNode.folder.path);
    const page = this.pages.get(key);
    const cursor: PageCursor | undefined = page?.next;
    if (!page || !cursor) return;
    const session = await this.accounts.session(folderNode.account);
    // After any merge of new mail under way, so the cursor is the one that follows what is loaded.
    await this.pageWork.get(key);
    const next = await this.withViewProgress(() => session.listPage(folderNode.folder.path, page.next ?? cursor, this.accounts.settings.pageSize));
    if (this.pages.get(key) !== page) return; // reloaded meanwhile
    page.appendOlder(next);
    this.fire(folderNode.id);
  }

  /** Drops cached data below the node (or everything) and reloads it. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.watchFailed.clear();
      this.folderCache.clear();
      this.foldersChanged.fire();
      this.pages.clear();
      this.inspectors.forget('server\0');
      this.changed.fire(undefined);
      return;
    }
    const account = accountOf(node);
    if (account) this.watchFailed.delete(account.id); // a watch that failed is tried again
    if (node instanceof FolderNode) {
      this.pages.delete(pageKey(node.account.id, node.folder.path));
      this.inspectors.forget(`server\0${node.account.id}\0${node.folder.path}\0`);
      // The folder's counts come with the folder list (LIST-STATUS, one round trip): reload it too, keeping
      // the other folders' pages; expanded folders stay expanded (stable ids).
      this.folderCache.delete(node.account.id);
      this.foldersChanged.fire();
      this.changed.fire(this.nodes.get(`account:${node.account.id}`) ?? node);
    } else if (account) {
      this.forgetAccount(account.id);
      this.changed.fire(this.nodes.get(`account:${account.id}`) ?? undefined);
    }
  }

  // Live changes

  private onSessionEvent({ accountId, session, event }: AccountSessionEvent): void {
    if (this.accounts.peek(accountId) !== session) return; // a session dropped since
    switch (event.type) {
      case 'connection':
        // The account row says the state; its folder rows (rendered again with it) which one is watched.
        this.fireAccount(accountId);
        return;
      case 'counts':
        this.applyCounts(accountId, event.folder, event.total, event.unseen);
        return;
      case 'anomaly':
        this.log?.warn(`${this.accounts.get(accountId)?.label ?? accountId}: ${event.message}`);
        return;
      case 'folders':
      {
        // Our own write changed the hierarchy: list the folders again (expanded folders keep their stable ids). A
        // renamed or deleted folder's pages go, and those of the folders below it (path + the server's delimiter).
        const delimiter = this.folderCache.get(accountId)?.find((f) => f.path === event.path)?.delimiter;
        if (event.change === 'renamed' || event.change === 'deleted') {
          this.folderUse.moved(accountId, event.path, event.change === 'renamed' ? event.newPath : undefined, delimiter).then(undefined, (error: unknown) => this.log?.warn(`Could not update the folders used last: ${describe(error)}`));
        }
        if (this.folderCache.delete(accountId)) this.foldersChanged.fire();
        if (event.change !== 'subscription') {
          const own = pageKey(accountId, event.path);
          for (const key of [...this.pages.keys()]) if (key === own || (delimiter && key.startsWith(`${own}${delimiter}`))) this.pages.delete(key);
        }
        this.fireAccount(accountId);
        return;
      }
      case 'access':
        this.fireAccount(accountId);
        return;
      default:
        this.applyToPage(accountId, event);
    }
  }

  private applyToPage(accountId: string, event: Exclude<SessionEvent, { type: 'connection' | 'counts' | 'anomaly' | 'folders' | 'access' }>): void {
    const key = pageKey(accountId, event.folder);
    const page = this.pages.get(key);
    if (event.type === 'new' || event.type === 'expunged' || event.type === 'flags') this.countsSoon(accountId); // unseen counts moved
    if (!page) return;
    const change = page.apply(event);
    switch (change.kind) {
      case 'none':
        return;
      case 'changed':
        this.fire(folderId(accountId, event.folder));
        return;
      case 'reload':
        this.log?.info(`${event.folder}: loading again (${change.reason}).`);
        this.pages.delete(key);
        this.fire(folderId(accountId, event.folder));
        return;
      case 'fetchNew': {
        const run = (this.pageWork.get(key) ?? Promise.resolve())
          .then(() => this.mergeNew(accountId, page, change.ids.length))
          .catch((error: unknown) => this.log?.warn(`${event.folder}: the new messages could not be listed: ${describe(error)}`));
        this.pageWork.set(key, run);
        void run.finally(() => {
          if (this.pageWork.get(key) === run) this.pageWork.delete(key);
        });
        return;
      }
    }
  }

  /** Fetches the summaries of new messages and puts them on top of the loaded page (one round trip for a few). */
  private async mergeNew(accountId: string, page: LoadedPage, count: number): Promise<void> {
    const key = pageKey(accountId, page.folder);
    const account = this.accounts.get(accountId);
    const session = this.accounts.peek(accountId);
    if (!account || !session || this.pages.get(key) !== page) return;
    const pageSize = this.accounts.settings.pageSize;
    const request = page.newMessagesRequest(count, pageSize);
    let added: readonly string[] = [];
    if (request.kind === 'reload') {
      this.pages.delete(key);
    } else if (request.kind === 'replace') {
      const newest = await session.listPage(page.folder, undefined, request.pageSize);
      if (this.pages.get(key) !== page) return;
      added = page.replaceNewest(newest);
    } else {
      const fetched = await this.newestAbove(session, page, request.pageSize, pageSize, request.aboveUid);
      if (this.pages.get(key) !== page) return;
      if (fetched === undefined) this.pages.delete(key);
      else added = page.addNewest(fetched);
    }
    if (added.length > 0) this.log?.info(`${account.label} · ${page.folder}: ${added.length} new message${added.length === 1 ? '' : 's'} (${added.join(', ')}).`);
    this.fire(folderId(accountId, page.folder));
  }

  /** Pages of the newest messages down to UID `aboveUid`; undefined when more arrived than is worth merging. */
  private async newestAbove(session: AccountSession, page: LoadedPage, firstSize: number, pageSize: number, aboveUid: number): Promise<MessageSummary[] | undefined> {
    const fetched: MessageSummary[] = [];
    let cursor: PageCursor | undefined;
    for (;;) {
      const newest = await session.listPage(page.folder, cursor, cursor ? pageSize : firstSize);
      fetched.push(...newest.messages);
      if (page.reachesLoaded(newest, aboveUid)) return fetched;
      if (fetched.length > MAX_MERGED) return undefined;
      cursor = newest.next;
    }
  }

  private applyCounts(accountId: string, path: string, total: number | undefined, unseen: number | undefined): void {
    const all = this.folderCache.get(accountId);
    const index = all?.findIndex((f) => f.path === path) ?? -1;
    const held = all?.[index];
    if (!all || !held) return;
    const next = { ...held, total: total ?? held.total, unseen: unseen ?? held.unseen };
    if (next.total === held.total && next.unseen === held.unseen) return;
    const updated = [...all];
    updated[index] = next;
    this.setFolders(accountId, updated);
  }

  /** New folder counts: the rows whose counts changed are rendered again (the folder list itself is the same). */
  private setFolders(accountId: string, updated: FolderInfo[]): void {
    const before = this.folderCache.get(accountId);
    if (!before) return;
    const samePaths = before.length === updated.length && before.every((f, i) => f.path === updated[i]?.path);
    // The timer asks every few seconds: when nothing moved, nothing is rendered again (a row's open context menu stays).
    if (samePaths && before.every((f, i) => sameCounts(f, updated[i]!) && f.selectable === updated[i]!.selectable && f.offline === updated[i]!.offline)) return;
    this.folderCache.set(accountId, updated);
    this.foldersChanged.fire();
    const offlineChanged = before.some((f) => f.offline) !== updated.some((f) => f.offline);
    if (!samePaths || offlineChanged) {
      this.fireAccount(accountId);
      return;
    }
    for (const info of updated) {
      const node = this.nodes.get(folderId(accountId, info.path));
      if (node instanceof FolderNode) {
        const changed = !sameCounts(node.folder, info);
        node.update(info, updated);
        // A parent's description sums its subfolders: render it too.
        if (changed) for (let n: TreeNode | undefined = node; n instanceof FolderNode; n = n.parent) this.changed.fire(n);
      }
    }
  }

  private async refreshAccountCounts(accountId: string): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account || !this.folderCache.has(accountId)) return;
    try {
      const store = await this.accounts.store(account);
      if (!store) return;
      const onCounts = (f: FolderInfo): void => this.applyCounts(accountId, f.path, f.total, f.unseen);
      const folders = await store.listFolders(undefined, { usedFirst: this.folderUse.order(accountId), onCounts });
      if (this.folderCache.has(accountId)) this.setFolders(accountId, folders);
    } catch (error) {
      this.log?.warn(`${account.label}: the folder counts could not be refreshed: ${describe(error)}`);
    }
  }

  /** Events changed unseen counts the watch does not report: ask STATUS once things are quiet for a moment. */
  private countsSoon(accountId: string): void {
    clearTimeout(this.countsDue.get(accountId));
    const timer = setTimeout(() => {
      this.countsDue.delete(accountId);
      void this.refreshAccountCounts(accountId);
    }, 1500);
    timer.unref?.();
    this.countsDue.set(accountId, timer);
  }

  /** Makes the account's session watch the folder expanded last (or nothing). One change at a time per account. */
  private updateWatch(account: AccountDefinition): void {
    const accountId = account.id;
    const run = (this.watchWork.get(accountId) ?? Promise.resolve()).then(async () => {
      const wanted = this.expanded.get(accountId)?.at(-1);
      const current = this.accounts.get(accountId);
      if (!current) return;
      const session = wanted === undefined ? this.accounts.peek(accountId) : await this.accounts.session(current);
      if (!session) return;
      try {
        if (wanted === undefined) await session.unwatch();
        else await session.watch(wanted);
        this.watchFailed.delete(accountId);
      } catch (error) {
        if (wanted !== undefined) this.watchFailed.set(accountId, { session, path: wanted });
        this.log?.warn(`${current.label}: ${wanted ?? 'the folder'} cannot be kept live: ${describe(error)}`);
        this.fireAccount(accountId);
      }
      // Otherwise the session's `connection` events render the account again.
    });
    this.watchWork.set(accountId, run.catch(() => undefined));
  }

  private forgetAccount(accountId: string): void {
    if (this.folderCache.delete(accountId)) this.foldersChanged.fire();
    this.listings.delete(accountId);
    this.inspectors.forget(`server\0${accountId}\0`);
    for (const key of [...this.pages.keys()]) if (key.startsWith(`${accountId}\0`)) this.pages.delete(key);
  }

  /** Renders the node with this id again (the instance the view has), if it is shown. */
  private fire(id: string): void {
    const node = this.nodes.get(id);
    if (node) this.changed.fire(node);
  }

  private fireAccount(accountId: string): void {
    this.fire(`account:${accountId}`);
  }

  /** After the current getChildren returned (the view asks for the account's item once its children are in). */
  private fireAccountSoon(accountId: string): void {
    setTimeout(() => this.fireAccount(accountId), 0);
  }

  private withViewProgress<T>(work: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, work));
  }

  dispose(): void {
    for (const timer of this.countsDue.values()) clearTimeout(timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** How long the folder list waits for its counts before it is shown without them (they follow when they come). */

function pageKey(accountId: string, folderPath: string): string {
  return `${accountId}\0${folderPath}`;
}

/** The id FolderNode gives itself. */
function folderId(accountId: string, path: string): string {
  return `folder:${accountId}:${path}`;
}

function sameCounts(a: FolderInfo, b: FolderInfo): boolean {
  return a.total === b.total && a.unseen === b.unseen && a.size === b.size;
}

function describe(error: unknown): string {
  if (MailError.is(error)) return error.serverText ? `${error.message} (${error.serverText})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The account a node belongs to, walking up the tree. */
export function accountOf(node: TreeNode | undefined): AccountDefinition | undefined {
  for (let n = node; n; n = n.parent) {
    if (n instanceof AccountNode) return n.account;
    if ('account' in n && typeof n.account === 'object' && n.account !== null) return n.account as AccountDefinition;
  }
  return undefined;
}
