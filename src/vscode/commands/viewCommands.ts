import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { AccountService } from '../accountService';
import { MessageFileSystem } from '../documents/messageFileSystem';
import { TrafficChannels } from '../trafficChannels';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { LoadMoreNode, MessageNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';

export interface ViewCommandDeps {
  accounts: AccountService;
  tree: AccountsTreeProvider;
  channels: TrafficChannels;
  messages: MessageFileSystem;
  log: vscode.LogOutputChannel;
}

/** How long a fetch may take before a cancellable progress notification appears. */
const PROGRESS_DELAY_MS = 400;

export function registerViewCommands(deps: ViewCommandDeps): vscode.Disposable[] {
  const { accounts, tree, channels, messages, log } = deps;

  /** One message and one log line per failure, with a way to the traffic. */
  const report = (what: string, error: unknown, node?: TreeNode): void => {
    if (MailError.is(error, 'cancelled')) return;
    const text = MailError.is(error) ? `${what}: ${error.explanation}${error.serverText ? ` Server said: ${error.serverText}` : ''}` : `${what}: ${String(error)}`;
    log.error(text);
    void vscode.window.showErrorMessage(text, 'Show Traffic').then((c) => c && vscode.commands.executeCommand('mailInspector.showTraffic', node));
  };

  return [
    vscode.commands.registerCommand('mailInspector.refresh', (node?: TreeNode) => tree.refresh(node)),
    vscode.commands.registerCommand('mailInspector.showTraffic', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account whose traffic to show');
      if (account) channels.show(account);
    }),
    vscode.commands.registerCommand('mailInspector.loadMore', async (node: LoadMoreNode) => {
      try {
        await tree.loadMore(node);
      } catch (error) {
        report('Loading more messages failed', error, node);
      }
    }),
    vscode.commands.registerCommand('mailInspector.openMessage', async (node: MessageNode) => {
      if (!(node instanceof MessageNode)) return;
      const address = { accountId: node.account.id, folderPath: node.folder.path, messageId: node.message.id };
      try {
        if (!messages.isCached(address)) {
          const controller = new AbortController();
          const fetching = messages.fetch(address, controller.signal);
          const quick = await Promise.race([fetching.then(() => true, () => true), delay(PROGRESS_DELAY_MS).then(() => false)]);
          if (!quick) {
            await vscode.window.withProgress(
              { location: vscode.ProgressLocation.Notification, title: `Fetching "${node.message.subject || '(no subject)'}" (${node.message.size} bytes)`, cancellable: true },
              (_progress, token) => {
                token.onCancellationRequested(() => controller.abort());
                return fetching;
              },
            );
          }
          await fetching;
        }
        const document = await vscode.workspace.openTextDocument(node.uri);
        await vscode.window.showTextDocument(document, { preview: true });
      } catch (error) {
        report(`Opening "${node.message.subject}" failed`, error, node);
      }
    }),
  ];
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
