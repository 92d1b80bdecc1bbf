import * as vscode from 'vscode';
import { TreeNode } from './treeNode';

/** A tree data provider whose nodes render themselves; subclasses supply the roots and failure handling. */
export abstract class NodeTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  protected readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    return node.resolveTreeItem ? node.resolveTreeItem(item, token) : item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  abstract getChildren(node?: TreeNode): Promise<TreeNode[]>;
}
