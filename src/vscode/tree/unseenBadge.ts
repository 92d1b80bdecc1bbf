import * as vscode from 'vscode';
import { AccountsTreeProvider } from './accountsTree';
import { unseenBadge } from '../../core/folderText';
import { TreeNode } from './treeNode';

/** The Accounts view's badge: unseen messages over the folders listed so far (all accounts), "N unseen". */
export class UnseenBadge implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(view: vscode.TreeView<TreeNode>, tree: AccountsTreeProvider) {
    const update = (): void => {
      view.badge = unseenBadge(tree.loadedFolders());
    };
    this.subscription = tree.onDidChangeFolders(update);
    update();
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
