import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { AccountService } from '../accountService';
import { OfflineStorage } from '../documents/offlineStorage';
import { RawMessages } from '../documents/rawMessages';
import { PasswordStore } from '../secrets';
import { deleteAccount, saveAccount } from '../settings';
import { TrafficChannels } from '../trafficChannels';
import { accountOf, AccountsTreeProvider } from '../tree/accountsTree';
import { TreeNode } from '../tree/treeNode';
import { runAccountWizard } from './accountWizard';

export interface AccountCommandDeps {
  accounts: AccountService;
  passwords: PasswordStore;
  tree: AccountsTreeProvider;
  channels: TrafficChannels;
  raw: RawMessages;
  /** The offline cache on disk: a removed account's part of it is removed too. */
  offline?: OfflineStorage;
}

/** The account a command was invoked on: from a tree node, or asked for when run from the palette. */
export async function resolveAccount(accounts: AccountService, node: TreeNode | undefined, placeHolder: string): Promise<AccountDefinition | undefined> {
  const fromNode = accountOf(node);
  if (fromNode) return fromNode;
  const all = accounts.accounts();
  if (all.length === 0) {
    void vscode.window.showInformationMessage('Mail Inspector has no accounts yet.', 'Add Account').then((c) => c && vscode.commands.executeCommand('mailInspector.addAccount'));
    return undefined;
  }
  if (all.length === 1) return all[0];
  const chosen = await vscode.window.showQuickPick(
    all.map((a) => ({ label: a.label, description: `${a.protocol.toUpperCase()} · ${a.host}:${a.port}`, account: a })),
    { placeHolder },
  );
  return chosen?.account;
}

export function registerAccountCommands(deps: AccountCommandDeps): vscode.Disposable[] {
  const { accounts, passwords, tree, channels, raw } = deps;
  return [
    vscode.commands.registerCommand('mailInspector.addAccount', async () => {
      const result = await runAccountWizard(undefined, new Set(accounts.accounts().map((a) => a.id)));
      if (!result) return;
      if (result.password !== undefined) await passwords.set(result.account.id, result.password);
      await saveAccount(result.account);
      tree.refresh();
    }),
    vscode.commands.registerCommand('mailInspector.editAccount', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account to edit');
      if (!account) return;
      const result = await runAccountWizard(account, new Set());
      if (!result) return;
      if (result.password !== undefined) await passwords.set(account.id, result.password);
      await accounts.forget(account.id);
      raw.forgetAccount(account.id);
      await saveAccount(result.account, account.id);
      tree.refresh();
    }),
    vscode.commands.registerCommand('mailInspector.removeAccount', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account to remove');
      if (!account) return;
      const ok = await vscode.window.showWarningMessage(
        `Remove the account "${account.label}"?`,
        { modal: true, detail: 'Its settings and stored password are deleted from VS Code. Nothing on the server changes.' },
        'Remove',
      );
      if (ok !== 'Remove') return;
      await accounts.forget(account.id);
      raw.forgetAccount(account.id);
      await deps.offline?.clear(account.id);
      await passwords.delete(account.id);
      await deleteAccount(account.id);
      channels.remove(account.id);
      tree.refresh();
    }),
    vscode.commands.registerCommand('mailInspector.setPassword', async (node?: TreeNode) => {
      const account = await resolveAccount(accounts, node, 'Account whose password to set');
      if (!account) return;
      const password = await passwords.ask(account);
      if (password === undefined) return;
      await accounts.forget(account.id);
      tree.refresh(node);
    }),
  ];
}
