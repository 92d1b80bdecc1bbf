import * as vscode from 'vscode';
import { afterDownloadOf } from '../../core/accounts/account';
import { formatBytes } from '../../core/format';
import type { DeletionPlan } from '../../core/pop3/maildropDownload';
import { AccountService } from '../accountService';
import { FolderNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';
import { reportError } from './reportError';

export interface Pop3DownloadDeps {
  readonly accounts: AccountService;
  readonly log: vscode.LogOutputChannel;
  /** Where the ledger of downloaded UIDLs lives (the extension's globalState). */
  readonly state: vscode.Memento;
}

const DELETE = 'Delete from Server';
const DOWNLOAD = 'Download';

/**
 * "Download Maildrop…" on a POP3 Inbox (or from the palette): a folder to save into, a progress notification with
 * Cancel, then the account's `pop3.afterDownload` policy; any deletion asks first, with the count. The work and
 * every refusal (read-only, LOGIN-DELAY) are the core's (maildropDownload.ts).
 */
export function registerPop3DownloadCommands(deps: Pop3DownloadDeps): vscode.Disposable[] {
  const { accounts, log, state } = deps;
  /** Accounts with a download under way: a second one at once would fetch the same messages again. */
  const running = new Set<string>();
  return [
    vscode.commands.registerCommand('mailInspector.downloadMaildrop', async (node?: TreeNode) => {
      const account = node instanceof FolderNode ? node.account : await resolveAccount(accounts, node, 'POP3 account whose maildrop to download');
      if (!account) return;
      if (running.has(account.id)) {
        void vscode.window.showInformationMessage(`A download of ${account.label} is already under way.`);
        return;
      }
      running.add(account.id);
      try {
        // The download's code is loaded on first use (one chunk of the bundle, dist/pop3Download.chunk.js).
        const [{ DownloadLedger, systemClock }, { checkDownloadAllowed, describePolicy, downloadMaildrop, folderSink, maildropOf, summarizeDownload }, { deletesOnRetrieval, describeRetention }] = await Promise.all([
          import(/* webpackChunkName: "pop3Download" */ '../../core/pop3/downloadLedger'),
          import(/* webpackChunkName: "pop3Download" */ '../../core/pop3/maildropDownload'),
          import(/* webpackChunkName: "pop3Download" */ '../../core/pop3/pop3Retention'),
        ]);
        const session = await accounts.session(account);
        const store = maildropOf(session.store);
        if (!store) {
          void vscode.window.showInformationMessage(`${account.label} keeps its mail in folders on the server; only a POP3 maildrop is downloaded.`);
          return;
        }
        const policy = afterDownloadOf(account);
        const known = checkDownloadAllowed(store, policy, session.access); // a read-only account is told now, before anything is chosen or sent
        if (deletesOnRetrieval(known)) {
          const go = await vscode.window.showWarningMessage(`${account.label}'s server deletes every message it hands out.`, { modal: true, detail: `${describeRetention(known)}\n\nDownloading removes the messages from the server for every client.` }, DOWNLOAD);
          if (go !== DOWNLOAD) return;
        }
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Download Here', title: `Download the maildrop of ${account.label} into…` });
        const folder = picked?.[0]?.fsPath;
        if (!folder) return;
        const ledger = new DownloadLedger(account, state);
        const confirmDeletion = async (plan: DeletionPlan): Promise<boolean> => {
          const n = plan.ids.length;
          const choice = await vscode.window.showWarningMessage(
            `Delete ${n} message${n === 1 ? '' : 's'} from the server of ${account.label}?`,
            {
              modal: true,
              detail: [
                `The account's policy after download: ${describePolicy(plan.policy)}.`,
                `${n === 1 ? 'This message is' : `These ${n} messages are`} saved in ${folder}. POP3 deletion is permanent: ${n === 1 ? 'it is' : 'they are'} removed from the maildrop for every client. Nothing else is deleted.`,
                describeRetention(plan.retention),
                'Cancel keeps every message on the server.',
              ]
                .filter(Boolean)
                .join('\n\n'),
            },
            DELETE,
          );
          return choice === DELETE;
        };
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Downloading ${account.label}`, cancellable: true },
          async (progress, token) => {
            const cancel = new AbortController();
            const subscription = token.onCancellationRequested(() => cancel.abort());
            let reported = 0;
            try {
              return await downloadMaildrop({
                store,
                ledger,
                clock: systemClock,
                sink: folderSink(folder),
                policy,
                access: session.access,
                signal: cancel.signal,
                confirmDeletion,
                progress: (p) => {
                  const share = p.total === 0 ? 100 : (p.done / p.total) * 100;
                  const what = p.phase === 'deleting' ? 'Deleting on the server…' : `${p.done} of ${p.total} new messages, ${formatBytes(p.bytes)}`;
                  progress.report({ message: [what, p.retention].filter(Boolean).join(' · '), increment: Math.max(0, share - reported) });
                  reported = Math.max(reported, share);
                },
              });
            } finally {
              subscription.dispose();
            }
          },
        );
        const summary = summarizeDownload(result, folder);
        log.info(`Download Maildrop of ${account.label}: ${summary}`);
        const open = await vscode.window.showInformationMessage(summary, 'Open Folder');
        if (open) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
      } catch (error) {
        reportError(log, `Downloading the maildrop of ${account.label} failed`, error, node);
      } finally {
        running.delete(account.id);
      }
    }),
  ];
}
