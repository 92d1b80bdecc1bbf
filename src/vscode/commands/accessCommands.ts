import * as vscode from 'vscode';
import { accessOf } from '../../core/accounts/account';
import { AccountService } from '../accountService';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';

/**
 * Allow Changes for This Session / Make Read-Only for This Session: switch the account's session only (the
 * account's `access` setting, edited by Edit Account, stays, and a new session starts from it again). The core
 * enforces the mode; the tree shows it on the account row and offers the write commands by it.
 */
export function registerAccessCommands(accounts: AccountService, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mailInspector.allowChanges', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account to allow changes on for this session');
      if (!account) return;
      const session = await accounts.session(account);
      if (session.access === 'read-write') {
        void vscode.window.showInformationMessage(`${account.label} is read-write already.`);
        return;
      }
      const ALLOW = 'Allow Changes';
      const choice = await vscode.window.showWarningMessage(
        `Allow changes to ${account.label} for this session?`,
        {
          modal: true,
          detail:
            'Flags, folders, copies, moves, deletions and uploads become possible, each only when you ask for it; browsing still changes nothing. ' +
            `This lasts until the account's session ends (reload, Edit Account); its "access" setting stays ${accessOf(account)}.`,
        },
        ALLOW,
      );
      if (choice !== ALLOW) return;
      session.setAccess('read-write');
      log.info(`${account.label}: read-write for this session.`);
    }),
    vscode.commands.registerCommand('mailInspector.makeReadOnly', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account to make read-only for this session');
      if (!account) return;
      const session = await accounts.session(account);
      session.setAccess('read-only');
      log.info(`${account.label}: read-only for this session.`);
      vscode.window.setStatusBarMessage(`Mail Inspector: ${account.label} is read-only for this session`, 5000);
    }),
  ];
}
