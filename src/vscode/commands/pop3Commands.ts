import * as vscode from 'vscode';
import { POP3_INBOX } from '../../core/pop3/pop3Inbox';
import { AccountService } from '../accountService';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { MessageNode } from '../tree/nodes';
import { formatAddress, formatDate } from '../tree/messageLabels';
import { reportError } from './reportError';

/**
 * "Delete from Server…": names the message, asks for a modal confirmation, and deletes exactly that message
 * through the session's writer (matched by UIDL again in the same session, before QUIT). The writer is guarded
 * by the account's access mode, so a read-only account refuses in the core, before anything is sent.
 */
export function registerPop3Commands(accounts: AccountService, tree: AccountsTreeProvider, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.deleteFromServer', async (node: MessageNode) => {
      if (!(node instanceof MessageNode)) return;
      // Offered by feature (the menu shows it on `feature-deleteOnServer` rows); asked again here for the palette and stale rows.
      const session = await accounts.session(node.account);
      if (!session.supports('deleteOnServer')) {
        void vscode.window.showInformationMessage(`${node.account.label} does not delete messages on the server.`);
        return;
      }
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
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting "${m.subject}" from ${node.account.label}` }, () =>
          session.writer.deleteMessages({ folder: POP3_INBOX, uidValidity: undefined, ids: [m.id] }),
        );
        log.info(`Deleted UIDL ${m.id} ("${m.subject}") from ${node.account.label}.`);
        // The count, size and page of the maildrop changed: reload the account.
        tree.refresh(node.parent.parent);
      } catch (error) {
        reportError(log, `Deleting "${m.subject}" failed`, error, node);
      }
    }),
  ];
}
