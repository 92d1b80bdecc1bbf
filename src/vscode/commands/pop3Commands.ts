import * as vscode from 'vscode';
import { Cancel, MailStore } from '../../core/mailStore';
import { AccountService } from '../accountService';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { MessageNode } from '../tree/nodes';
import { formatAddress, formatDate } from '../tree/messageLabels';
import { reportError } from './reportError';

/** A store that can delete one message on the server (what the `deleteOnServer` feature promises). */
interface ServerDeleter {
  deleteMessage(messageId: string, signal?: Cancel): Promise<void>;
}

function canDelete(store: MailStore | undefined): store is MailStore & ServerDeleter {
  return typeof (store as Partial<ServerDeleter> | undefined)?.deleteMessage === 'function';
}

/**
 * "Delete from Server…": the only way Mail Inspector ever sends DELE. It names the message, asks for a
 * modal confirmation, and deletes exactly that message (the store matches it by UIDL again in the same
 * session) before QUIT.
 */
export function registerPop3Commands(accounts: AccountService, tree: AccountsTreeProvider, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.deleteFromServer', async (node: MessageNode) => {
      if (!(node instanceof MessageNode)) return;
      // Offered by feature (the menu shows it on `feature-deleteOnServer` rows); asked again here for the palette and stale rows.
      const session = await accounts.session(node.account);
      if (!session.supports('deleteOnServer') || !canDelete(session.store)) {
        void vscode.window.showInformationMessage(`${node.account.label} does not delete messages on the server.`);
        return;
      }
      const store = session.store;
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
