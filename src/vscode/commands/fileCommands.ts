import * as vscode from 'vscode';
import { FileMessageNode, FilesTreeProvider } from '../tree/filesTree';
import { TreeNode } from '../tree/treeNode';

/** "Inspect Message File": a local .eml (or any RFC 5322 file) in the Message Files view, no server involved. */
export function registerFileCommands(files: FilesTreeProvider, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.inspectFile', async (uri?: vscode.Uri) => {
      let file = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!file || file.scheme === 'mail-inspector' || (!uri && !/\.(eml|msg|txt|mbox)$/i.test(file.path))) {
        const picked = await vscode.window.showOpenDialog({ title: 'Inspect Message File', canSelectMany: false, filters: { 'Mail messages': ['eml'], 'All files': ['*'] } });
        file = picked?.[0];
      }
      if (!file) return;
      const node = await files.inspect(file);
      await view.reveal(node, { select: true, focus: true, expand: true });
    }),
    vscode.commands.registerCommand('mailInspector.forgetFile', async (node: FileMessageNode) => {
      if (node instanceof FileMessageNode) await files.forget(node);
    }),
  ];
}
