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
}
