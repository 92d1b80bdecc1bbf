import * as vscode from 'vscode';
import { AccountService } from '../accountService';
import type { AccountsTreeProvider } from '../tree/accountsTree';
import type { TreeNode } from '../tree/treeNode';
import { hasSavedSearches } from '../../core/search/savedSearchKey';
import type { SearchMemento } from '../../core/search/savedSearches';
import type { SearchController } from './searchController';
import type { SearchLoadMoreNode } from './searchNodes';

export interface SearchCommandDeps {
  readonly accounts: AccountService;
  readonly tree: AccountsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  /** The extension's global state: saved searches persist there, per account. */
  readonly state: SearchMemento;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Search…" (on a folder, an account, the view's title bar), "Refresh Search", "Remove Search" and the result
 * pages' "Load more…". Only this shell is in the activation bundle: the search code (its quick inputs, nodes and
 * the core's search) is loaded on first use, or when an account with saved searches is first expanded.
 */
export function registerSearchCommands(deps: SearchCommandDeps): vscode.Disposable[] {
  let controller: Promise<SearchController> | undefined;
  const load = (): Promise<SearchController> =>
    (controller ??= import(/* webpackChunkName: "search" */ './searchController').then((m) => new m.SearchController(deps)));
  deps.tree.setSearchRows(async (parent) => (controller || hasSavedSearches(deps.state, parent.account.id) ? (await load()).children(parent) : []));
  return [
    vscode.commands.registerCommand('mailInspector.search', async (node?: TreeNode) => (await load()).search(node)),
    vscode.commands.registerCommand('mailInspector.refreshSearch', async (node?: TreeNode) => (await load()).refresh(node)),
    vscode.commands.registerCommand('mailInspector.removeSearch', async (node?: TreeNode) => (await load()).remove(node)),
    vscode.commands.registerCommand('mailInspector.searchLoadMore', async (node: SearchLoadMoreNode) => (await load()).loadMore(node)),
    { dispose: () => void controller?.then((c) => c.dispose()) },
  ];
}
