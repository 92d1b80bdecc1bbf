import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { MailError } from '../../core/errors';
import { describeCertificate } from '../../core/tls/certificateSummary';
import { AccountService } from '../accountService';
import { saveAccount } from '../settings';
import { AccountsTreeProvider } from '../tree/accountsTree';

export const TRUST_COMMAND = 'mailInspector.trustCertificate';
export const TRUST_ACTION = 'Trust This Certificate…';

/** What the command is invoked with: an error row of the tree, or { account, error } from a notification. */
export interface TrustTarget {
  readonly account: AccountDefinition;
  readonly error: MailError;
}

function isTrustTarget(value: unknown): value is TrustTarget {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { account?: unknown; error?: unknown };
  return typeof v.account === 'object' && v.account !== null && MailError.is(v.error);
}

/** Whether the error carries a certificate the user can choose to trust. */
export function canTrust(error: unknown): error is MailError {
  return MailError.is(error, 'certificate') && error.detail?.kind === 'certificate';
}

/**
 * "Trust This Certificate…": shows the certificate the server presented (subject, issuer, names,
 * validity, SHA-256 fingerprint) in a modal, and on confirmation pins its fingerprint in the account
 * (`pinnedCertificate`). From then on only that certificate is accepted for the account.
 */
export function registerTrustCommands(accounts: AccountService, tree: AccountsTreeProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.trustCertificate', async (target?: unknown) => {
      if (!isTrustTarget(target) || !canTrust(target.error) || target.error.detail?.kind !== 'certificate') {
        void vscode.window.showInformationMessage('Trust This Certificate works on a certificate error of an account: expand the account, then use it on the error.');
        return;
      }
      const detail = target.error.detail;
      const account = accounts.get(target.account.id);
      if (!account || account.host !== detail.host || account.port !== detail.port) {
        void vscode.window.showWarningMessage('The account changed since this error: refresh it and try again.');
        return;
      }
      const certificate = detail.presented;
      const changed = detail.pinned
        ? [`This is NOT the certificate trusted for this account until now (${detail.pinned}): the server's certificate changed, or someone is in between. Trust it only if the server's administrator confirms the change.`, '']
        : [];
      const choice = await vscode.window.showWarningMessage(
        `Trust this certificate for ${account.label}?`,
        {
          modal: true,
          detail: [
            ...changed,
            `${detail.host}:${detail.port} presented:`,
            ...describeCertificate(certificate),
            '',
            'Compare the fingerprint with the one your administrator gives you. Only this certificate will then be accepted for this account, whatever its issuer and names; if it changes, the connection is refused and you are asked again.',
          ].join('\n'),
        },
        'Trust This Certificate',
      );
      if (choice !== 'Trust This Certificate') return;
      await saveAccount({ ...account, pinnedCertificate: certificate.fingerprint });
      await accounts.forget(account.id);
      tree.refresh();
    }),
  ];
}
