import * as vscode from 'vscode';
import { AccountService } from '../accountService';
import { MessageFileSystem } from '../documents/messageFileSystem';
import { RawMessages } from '../documents/rawMessages';
import { withDelayedProgress } from '../progress';
import { TrafficChannels } from '../trafficChannels';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { FileMessageNode } from '../tree/filesTree';
import { LoadMoreNode, MessageNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';
import { reportError } from './reportError';

export interface ViewCommandDeps {
  accounts: AccountService;
  tree: AccountsTreeProvider;
  channels: TrafficChannels;
  raw: RawMessages;
  documents: MessageFileSystem;
  log: vscode.LogOutputChannel;
}

export function registerViewCommands(deps: ViewCommandDeps): vscode.Disposable[] {
  const { accounts, tree, channels, documents, log } = deps;
  return [
    vscode.commands.registerCommand('mailInspector.refresh', (node?: TreeNode) => {
      documents.forgetDocuments();
      tree.refresh(node);
    }),
    vscode.commands.registerCommand('mailInspector.showTraffic', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account whose traffic to show');
      if (account) channels.show(account);
    }),
    vscode.commands.registerCommand('mailInspector.loadMore', async (node: LoadMoreNode) => {
      try {
        await tree.loadMore(node);
      } catch (error) {
        reportError(log, 'Loading more messages failed', error, node);
      }
    }),
    vscode.commands.registerCommand('mailInspector.openMessage', async (node: MessageNode | FileMessageNode) => {
      // A message file's source is the file itself (the inline action on its row).
      if (node instanceof FileMessageNode) return vscode.commands.executeCommand('vscode.open', node.file, { preview: true });
      if (!(node instanceof MessageNode)) return;
      try {
        const uri = node.uri;
        await withDelayedProgress(`Fetching "${node.message.subject || '(no subject)'}" (${node.message.size} bytes)`, (signal) => documents.prefetch(uri, signal));
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(document, { preview: true });
      } catch (error) {
        reportError(log, `Opening "${node.message.subject}" failed`, error, node);
      }
    }),
  ];
}
