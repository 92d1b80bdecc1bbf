import * as vscode from 'vscode';
import { AccountService } from './vscode/accountService';
import { registerAccountCommands } from './vscode/commands/accountCommands';
import { registerViewCommands } from './vscode/commands/viewCommands';
import { MessageFileSystem } from './vscode/documents/messageFileSystem';
import { SCHEME } from './vscode/documents/uris';
import { PasswordStore } from './vscode/secrets';
import { TrafficChannels } from './vscode/trafficChannels';
import { AccountsTreeProvider, VIEW_ID } from './vscode/tree/accountsTree';

/** Composition root: builds every service once, registers it, and hands disposal to VS Code. Costs no network. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Mail Inspector', { log: true });
  const passwords = new PasswordStore(context.secrets);
  const channels = new TrafficChannels();
  const accounts = new AccountService(passwords, channels);
  const messages = new MessageFileSystem(accounts);
  const tree = new AccountsTreeProvider(accounts);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });

  context.subscriptions.push(
    log,
    channels,
    accounts,
    messages,
    tree,
    view,
    vscode.workspace.registerFileSystemProvider(SCHEME, messages, { isReadonly: true, isCaseSensitive: true }),
    ...registerAccountCommands({ accounts, passwords, tree, channels, messages }),
    ...registerViewCommands({ accounts, tree, channels, messages, log }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
