import * as vscode from 'vscode';
import type { AccountDefinition } from '../../core/accounts/account';
import { compareViewData } from '../../core/compare/compareView';
import { COMPARE_TASKS, TASK_LABELS } from '../../core/compare/compareTypes';
import { compareProtocols } from '../../core/compare/protocolRun';
import { byProtocol, otherProtocolAccounts, otherProtocolName, sameMailboxPartners } from '../../core/compare/sameMailbox';
import { CLIENT_NAME } from '../../core/imap/clientId';
import { resolveAccount } from '../commands/accountCommands';
import { reportError } from '../commands/reportError';
import type { TreeNode } from '../tree/treeNode';
import type { CompareCommandDeps } from './compareCommands';
import { ComparePanel } from './comparePanel';

/**
 * Chooses the two accounts (the one the command was run on and the account of the other protocol that reaches the
 * same mailbox, or one chosen by hand), runs the comparison with a cancellable progress that names each step, and
 * shows the result in the comparison page (one page, reused).
 */
export class CompareRunner implements vscode.Disposable {
  private panel: ComparePanel | undefined;

  constructor(private readonly deps: CompareCommandDeps) {}

  async run(node?: TreeNode): Promise<void> {
    const { accounts } = this.deps;
    const first = await resolveAccount(accounts, node, 'Account to compare with the same mailbox over the other protocol');
    if (!first) return;
    const second = await this.partner(first);
    if (!second) return;
    const { imap, pop3 } = byProtocol(first, second);
    const settings = accounts.settings;
    const steps = COMPARE_TASKS.length * 2;
    try {
      const comparison = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Comparing ${imap.label} (IMAP) and ${pop3.label} (POP3)`, cancellable: true },
        (progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          const credentials = accounts.credentials;
          return compareProtocols({ account: imap, credentials }, { account: pop3, credentials }, {
            limits: settings.limits,
            clientId: settings.imapSendId ? { name: CLIENT_NAME } : false,
            pageSize: settings.pageSize,
            signal: controller.signal,
            onStep: (protocol, task) => progress.report({ message: `${protocol.toUpperCase()}: ${TASK_LABELS[task]}`, increment: 100 / steps }),
          }).finally(() => subscription.dispose());
        },
      );
      const data = compareViewData(comparison);
      if (!this.panel) {
        const made = new ComparePanel(this.deps.extensionUri, this.deps.log);
        made.onDidDispose(() => {
          if (this.panel === made) this.panel = undefined;
        });
        this.panel = made;
      }
      this.panel.show(data);
    } catch (error) {
      reportError(this.deps.log, `Comparing ${imap.label} and ${pop3.label} failed`, error);
    }
  }

  /** The account of the other protocol: the one reaching the same mailbox, a choice among several, or any chosen by hand. */
  private async partner(account: AccountDefinition): Promise<AccountDefinition | undefined> {
    const all = this.deps.accounts.accounts();
    const other = otherProtocolName(account);
    const same = sameMailboxPartners(account, all);
    if (same.length === 1) return same[0];
    const candidates = same.length > 0 ? same : otherProtocolAccounts(account, all);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`To compare, add a ${other} account for the same mailbox as ${account.label} (the same host and user).`);
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      candidates.map((a) => ({ label: a.label, description: `${a.protocol.toUpperCase()} · ${a.user} @ ${a.host}:${a.port}`, account: a })),
      { placeHolder: same.length > 0 ? `${other} account of the same mailbox` : `No ${other} account has the host and user of ${account.label}: choose one that reaches the same mailbox` },
    );
    return chosen?.account;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
