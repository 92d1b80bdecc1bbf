import * as vscode from 'vscode';
import { AccountService } from './vscode/accountService';
import { registerAccountCommands } from './vscode/commands/accountCommands';
import { registerFileCommands } from './vscode/commands/fileCommands';
import { registerPartCommands } from './vscode/commands/partCommands';
import { registerPop3Commands } from './vscode/commands/pop3Commands';
import { registerViewCommands } from './vscode/commands/viewCommands';
import { MessageFileSystem } from './vscode/documents/messageFileSystem';
import { RawMessages } from './vscode/documents/rawMessages';
import { SCHEME } from './vscode/documents/uris';
import { MessageInspectors } from './vscode/inspection/inspectors';
import { PartCostStatus } from './vscode/partCostStatus';
import { PasswordStore } from './vscode/secrets';
import { TrafficChannels } from './vscode/trafficChannels';
import { AccountsTreeProvider, VIEW_ID } from './vscode/tree/accountsTree';
import { FILES_VIEW_ID, FilesTreeProvider } from './vscode/tree/filesTree';

/** Composition root: builds every service once, registers it, and hands disposal to VS Code. Costs no network. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Mail Inspector', { log: true });
  const passwords = new PasswordStore(context.secrets);
  const channels = new TrafficChannels();
  const accounts = new AccountService(passwords, channels);
  const raw = new RawMessages(accounts);
  const inspectors = new MessageInspectors(accounts, raw);
  const documents = new MessageFileSystem(raw, inspectors);
  const tree = new AccountsTreeProvider(accounts, inspectors);
  const files = new FilesTreeProvider(context.globalState, inspectors);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const filesView = vscode.window.createTreeView(FILES_VIEW_ID, { treeDataProvider: files, showCollapseAll: true, canSelectMany: true });

  context.subscriptions.push(
    log,
    channels,
    accounts,
    documents,
    tree,
    files,
    view,
    filesView,
    new PartCostStatus(documents),
    vscode.workspace.registerFileSystemProvider(SCHEME, documents, { isReadonly: true, isCaseSensitive: true }),
    ...registerAccountCommands({ accounts, passwords, tree, channels, raw }),
    ...registerViewCommands({ accounts, tree, channels, raw, documents, log }),
    ...registerPartCommands({ documents, inspectors, extensionUri: context.extensionUri, log }),
    ...registerFileCommands(files, filesView),
    ...registerPop3Commands(accounts, tree, log),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
