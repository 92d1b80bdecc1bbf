import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { fromNodeError, MailError } from '../../core/errors';
import { FolderInfo, MessageSummary } from '../../core/mailStore';
import { MessageInspector } from '../../core/inspect/messageInspector';
import { formatCount } from '../../core/format';
import { PartTree } from '../../core/mime/partTree';
import { AccountService } from '../accountService';
import { MessageRef } from '../documents/uris';
import { MessageInspectors } from '../inspection/inspectors';
import { AccountNode, ErrorNode, FolderNode, LoadMoreNode, NoticeNode, TreeBackend } from './nodes';
import { NodeTreeProvider } from './nodeTreeProvider';
import { TreeNode } from './treeNode';

export const VIEW_ID = 'mailInspector.accounts';

interface FolderPage {
  messages: MessageSummary[];
  nextOffset: number | undefined;
  warning?: string;
}

/** Thrown when the user dismissed the password prompt: shown as a node, not as an error. */
class PasswordNeeded extends Error {}

/**
 * The Accounts tree. Caches folder lists and loaded pages per account, so expanding and collapsing
 * costs no traffic; Refresh drops the cache of one account or folder. Failures become one error node.
 */
export class AccountsTreeProvider extends NodeTreeProvider implements TreeBackend, vscode.Disposable {
  private readonly folderCache = new Map<string, FolderInfo[]>();
  private readonly pages = new Map<string, FolderPage>();
  private readonly nodes = new Map<string, TreeNode>();
  private readonly subscription: vscode.Disposable;

  private readonly treeNotes = new Map<string, string>();

  constructor(private readonly accounts: AccountService, private readonly inspectors: MessageInspectors) {
    super();
    this.subscription = accounts.onDidChange(() => {
      const ids = new Set(accounts.accounts().map((a) => a.id));
      for (const key of [...this.folderCache.keys()]) if (!ids.has(key)) this.forgetAccount(key);
      this.changed.fire(undefined);
    });
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
      if (error instanceof PasswordNeeded) {
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
    const folders = await this.withViewProgress(() => store.listFolders());
    this.folderCache.set(account.id, folders);
    return folders;
  }

  async messages(account: AccountDefinition, folder: FolderInfo): Promise<{ messages: MessageSummary[]; hasMore: boolean; warning?: string }> {
    const key = pageKey(account.id, folder.path);
    let page = this.pages.get(key);
    if (!page) {
      const store = await this.accounts.store(account);
      if (!store) throw new PasswordNeeded();
      const first = await this.withViewProgress(() => store.listMessages(folder.path, 0, this.accounts.settings.pageSize));
      page = { messages: first.messages, nextOffset: first.nextOffset, warning: first.warning };
      this.pages.set(key, page);
    }
    return { messages: page.messages, hasMore: page.nextOffset !== undefined, warning: page.warning };
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

  /** Appends the next page of the folder under the "Load more…" node. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const folderNode = node.parent;
    const key = pageKey(folderNode.account.id, folderNode.folder.path);
    const page = this.pages.get(key);
    if (!page || page.nextOffset === undefined) return;
    const store = await this.accounts.store(folderNode.account);
    if (!store) return;
    const next = await this.withViewProgress(() => store.listMessages(folderNode.folder.path, page.nextOffset ?? 0, this.accounts.settings.pageSize));
    const seen = new Set(page.messages.map((m) => m.id));
    page.messages.push(...next.messages.filter((m) => !seen.has(m.id)));
    page.nextOffset = next.nextOffset;
    this.changed.fire(folderNode);
  }

  /** Drops cached data below the node (or everything) and reloads it. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.folderCache.clear();
      this.pages.clear();
      this.inspectors.forget('server\0');
      this.changed.fire(undefined);
      return;
    }
    const account = accountOf(node);
    if (node instanceof FolderNode) {
      this.pages.delete(pageKey(node.account.id, node.folder.path));
      this.inspectors.forget(`server\0${node.account.id}\0${node.folder.path}\0`);
      // The folder's counts come with the folder list (LIST-STATUS, one round trip): reload it too, keeping
      // the other folders' pages; expanded folders stay expanded (stable ids).
      this.folderCache.delete(node.account.id);
      this.changed.fire(this.nodes.get(`account:${node.account.id}`) ?? node);
    } else if (account) {
      this.forgetAccount(account.id);
      this.changed.fire(this.nodes.get(`account:${account.id}`) ?? undefined);
    }
  }

  private forgetAccount(accountId: string): void {
    this.folderCache.delete(accountId);
    this.inspectors.forget(`server\0${accountId}\0`);
    for (const key of [...this.pages.keys()]) if (key.startsWith(`${accountId}\0`)) this.pages.delete(key);
  }

  private withViewProgress<T>(work: () => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, work));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function pageKey(accountId: string, folderPath: string): string {
  return `${accountId}\0${folderPath}`;
}

/** The account a node belongs to, walking up the tree. */
export function accountOf(node: TreeNode | undefined): AccountDefinition | undefined {
  for (let n = node; n; n = n.parent) {
    if (n instanceof AccountNode) return n.account;
    if ('account' in n && typeof n.account === 'object' && n.account !== null) return n.account as AccountDefinition;
  }
  return undefined;
}
