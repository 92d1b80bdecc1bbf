import * as vscode from 'vscode';
import { Pop3Store } from '../../core/pop3/pop3Store';
import { AccountService } from '../accountService';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { MessageNode } from '../tree/nodes';
import { formatAddress, formatDate } from '../tree/messageLabels';
import { reportError } from './reportError';

/**
 * "Delete from Server…": the only way Mail Inspector ever sends DELE. It names the message, asks for a
 * modal confirmation, and deletes exactly that message (the store matches it by UIDL again in the same
 * session) before QUIT.
 */
export function registerPop3Commands(accounts: AccountService, tree: AccountsTreeProvider, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.deleteFromServer', async (node: MessageNode) => {
      if (!(node instanceof MessageNode) || node.account.protocol !== 'pop3') return;
      const m = node.message;
      const choice = await vscode.window.showWarningMessage(
        `Delete "${m.subject || '(no subject)'}" from the server?`,
        {
          modal: true,
          detail: `From ${formatAddress(m.from)}, ${formatDate(m.date)}, ${m.size} bytes, UIDL ${m.id}, on ${node.account.label}.\n\nPOP3 deletion is permanent: the message is removed from the maildrop for every client. Nothing else is deleted.`,
        },
        'Delete from Server',
      );
      if (choice !== 'Delete from Server') return;
      try {
        const store = await accounts.store(node.account);
        if (!(store instanceof Pop3Store)) return;
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting "${m.subject}" from ${node.account.label}` }, () => store.deleteMessage(m.id));
        log.info(`Deleted UIDL ${m.id} ("${m.subject}") from ${node.account.label}.`);
        // The count, size and page of the maildrop changed: reload the account.
        tree.refresh(node.parent.parent);
      } catch (error) {
        reportError(log, `Deleting "${m.subject}" failed`, error, node);
      }
    }),
  ];
}
