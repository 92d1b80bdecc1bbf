import * as vscode from 'vscode';

/** A node of the Accounts tree: knows its item and its children. */
export abstract class TreeNode {
  /** Stable id (survives refreshes, keeps expansion state). */
  abstract readonly id: string;
  abstract readonly parent: TreeNode | undefined;
  abstract toTreeItem(): vscode.TreeItem;
  getChildren(): Promise<TreeNode[]> | TreeNode[] {
    return [];
  }
  /**
   * Fills in what toTreeItem left undefined (a tooltip that costs a fetch), when VS Code asks: on hover for the
   * tooltip. Nodes without such costs leave the item as it is.
   */
  resolveTreeItem?(item: vscode.TreeItem, token: vscode.CancellationToken): Promise<vscode.TreeItem> | vscode.TreeItem;
}
