import * as vscode from 'vscode';
import { formatBytes } from '../../core/format';
import { Cancel, MailStore } from '../../core/mailStore';
import { AccountService } from '../accountService';
import { FolderStateDocuments } from '../documents/folderStateDocument';
import { MessageFileSystem } from '../documents/messageFileSystem';
import { OfflineStorage } from '../documents/offlineStorage';
import { RawMessages } from '../documents/rawMessages';
import { MessageInspectors } from '../inspection/inspectors';
import { withDelayedProgress } from '../progress';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { FolderNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';
import { reportError } from './reportError';

export interface LiveCommandDeps {
  accounts: AccountService;
  tree: AccountsTreeProvider;
  raw: RawMessages;
  inspectors: MessageInspectors;
  documents: MessageFileSystem;
  folderStates: FolderStateDocuments;
  offline: OfflineStorage;
  log: vscode.LogOutputChannel;
}

/** What one "Check for New Mail" found (Pop3Store's MailCheck). */
interface MailCheckResult {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly total: number;
  readonly baseline: boolean;
}

/** A store that checks for new mail on request (POP3: a short UIDL session). */
interface MailChecker {
  checkForNewMail(signal?: Cancel): Promise<MailCheckResult>;
}

function mailChecker(store: MailStore): MailChecker | undefined {
  return typeof (store as Partial<MailChecker>).checkForNewMail === 'function' ? (store as unknown as MailChecker) : undefined;
}

/** The live session's commands: Show Folder State, Check for New Mail, Clear Cache. */
export function registerLiveCommands(deps: LiveCommandDeps): vscode.Disposable[] {
  const { accounts, tree, raw, inspectors, documents, folderStates, offline, log } = deps;
  return [
    vscode.commands.registerCommand('mailInspector.showFolderState', async (node?: TreeNode) => {
      if (!(node instanceof FolderNode)) return;
      try {
        const uri = await withDelayedProgress(`Reading the state of ${node.folder.path}`, (signal) => folderStates.prepare(node.account, node.folder.path, signal));
        const document = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(document, { preview: false });
      } catch (error) {
        reportError(log, `Showing the state of ${node.folder.path} failed`, error, node);
      }
    }),
    vscode.commands.registerCommand('mailInspector.checkNewMail', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account to check for new mail');
      if (!account) return;
      try {
        const session = await accounts.session(account);
        const checker = mailChecker(session.store);
        if (!checker) {
          void vscode.window.showInformationMessage(`${account.label} reports new mail by itself while a folder is expanded; there is nothing to check.`);
          return;
        }
        // The tree follows the check's events (new, expunged, counts); this only says what was found.
        const result = await withDelayedProgress(`Checking ${account.label} for new mail`, (signal) => checker.checkForNewMail(signal));
        const found = result.baseline
          ? `${result.total} message${result.total === 1 ? '' : 's'} on the server; later checks report what changes.`
          : result.added.length === 0 && result.removed.length === 0
            ? 'No new mail.'
            : [result.added.length ? `${result.added.length} new` : '', result.removed.length ? `${result.removed.length} removed by another client` : ''].filter(Boolean).join(', ') + '.';
        log.info(`Check for new mail on ${account.label}: ${found}`);
        vscode.window.setStatusBarMessage(`${account.label}: ${found}`, 5000);
      } catch (error) {
        reportError(log, `Checking ${account.label} for new mail failed`, error, node);
      }
    }),
    vscode.commands.registerCommand('mailInspector.clearCache', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account whose cache to clear');
      if (!account) return;
      try {
        const before = await offline.bytes();
        await offline.clear(account.id);
        raw.forgetAccount(account.id);
        inspectors.forgetFolder(account.id);
        documents.forgetDocuments();
        const freed = before - (await offline.bytes());
        log.info(`Cleared the caches of ${account.label}${freed > 0 ? ` (${formatBytes(freed)} on disk)` : ''}.`);
        vscode.window.setStatusBarMessage(`Mail Inspector: cleared the cache of ${account.label}.`, 5000);
        tree.refresh(node);
      } catch (error) {
        reportError(log, `Clearing the cache of ${account.label} failed`, error, node);
      }
    }),
  ];
}
