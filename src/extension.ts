import * as vscode from 'vscode';
import { AccountService } from './vscode/accountService';
import { registerAccessCommands } from './vscode/commands/accessCommands';
import { registerAccountCommands } from './vscode/commands/accountCommands';
import { registerFileCommands } from './vscode/commands/fileCommands';
import { registerFlagCommands } from './vscode/commands/flagCommands';
import { registerFolderCommands } from './vscode/commands/folderCommands';
import { registerLiveCommands } from './vscode/commands/liveCommands';
import { registerMessageCommands } from './vscode/commands/messageCommands';
import { registerPartCommands } from './vscode/commands/partCommands';
import { registerPop3Commands } from './vscode/commands/pop3Commands';
import { registerPop3DownloadCommands } from './vscode/commands/pop3DownloadCommands';
import { registerTrustCommands } from './vscode/commands/trustCommands';
import { registerViewCommands } from './vscode/commands/viewCommands';
import { FolderStateDocuments } from './vscode/documents/folderStateDocument';
import { MessageFileSystem } from './vscode/documents/messageFileSystem';
import { OfflineStorage } from './vscode/documents/offlineStorage';
import { RawMessages } from './vscode/documents/rawMessages';
import { registerSearchCommands } from './vscode/search/searchCommands';
import { FOLDER_STATE_SCHEME, SCHEME } from './vscode/documents/uris';
import { MessageInspectors } from './vscode/inspection/inspectors';
import { PartCostStatus } from './vscode/partCostStatus';
import { PasswordStore } from './vscode/secrets';
import { TrafficChannels } from './vscode/trafficChannels';
import { registerTrafficCommands } from './vscode/traffic/trafficCommands';
import { registerConsoleCommands } from './vscode/console/consoleCommands';
import { registerBugReportCommands } from './vscode/diagnose/bugReportCommands';
import { registerCompareCommands } from './vscode/compare/compareCommands';
import { registerAuthCommands } from './vscode/auth/authCommands';
import { registerDiagnoseCommands } from './vscode/diagnose/diagnoseCommands';
import { AccountsTreeProvider, VIEW_ID } from './vscode/tree/accountsTree';
import { AccountsDragAndDrop, FilesDragAndDrop } from './vscode/tree/dragAndDrop';
import { FILES_VIEW_ID, FilesTreeProvider } from './vscode/tree/filesTree';
import { LiveView } from './vscode/tree/liveView';
import { UnseenBadge } from './vscode/tree/unseenBadge';

/** Composition root: builds every service once, registers it, and hands disposal to VS Code. Costs no network. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Mail Inspector', { log: true });
  const passwords = new PasswordStore(context.secrets);
  const channels = new TrafficChannels();
  // The offline cache lives in the global storage; its size is read when a session is built (after activation).
  const offline = new OfflineStorage(context.globalStorageUri, (): number => accounts.settings.cacheMaxMegabytes, log);
  const accounts: AccountService = new AccountService(passwords, channels, offline);
  const raw = new RawMessages(accounts);
  const inspectors = new MessageInspectors(accounts, raw);
  const documents = new MessageFileSystem(raw, inspectors);
  const folderStates = new FolderStateDocuments(accounts);
  const tree = new AccountsTreeProvider(accounts, inspectors, context.globalState, log);
  const files = new FilesTreeProvider(context.globalState, inspectors);
  const dragAndDropController = new AccountsDragAndDrop({ accounts, log });
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true, dragAndDropController });
  const filesView = vscode.window.createTreeView(FILES_VIEW_ID, { treeDataProvider: files, showCollapseAll: true, canSelectMany: true, dragAndDropController: new FilesDragAndDrop() });

  context.subscriptions.push(
    log,
    channels,
    accounts,
    raw,
    inspectors,
    documents,
    folderStates,
    tree,
    files,
    view,
    filesView,
    new UnseenBadge(view, tree),
    new LiveView(view, tree, accounts, log),
    new PartCostStatus(documents),
    vscode.workspace.registerFileSystemProvider(SCHEME, documents, { isReadonly: true, isCaseSensitive: true }),
    vscode.workspace.registerFileSystemProvider(FOLDER_STATE_SCHEME, folderStates, { isReadonly: true, isCaseSensitive: true }),
    ...registerAccountCommands({ accounts, passwords, tree, channels, raw, offline }),
    ...registerViewCommands({ accounts, tree, channels, raw, documents, log }),
    ...registerPartCommands({ documents, inspectors, extensionUri: context.extensionUri, log }),
    ...registerFileCommands(files, filesView),
    ...registerPop3Commands(accounts, tree, log),
    ...registerPop3DownloadCommands({ accounts, log, state: context.globalState }),
    ...registerTrustCommands(accounts, tree),
    ...registerLiveCommands({ accounts, tree, raw, inspectors, documents, folderStates, offline, log }),
    ...registerAccessCommands(accounts, log),
    ...registerFlagCommands({ accounts, view, log }),
    ...registerFolderCommands({ accounts, tree, view, log }),
    ...registerMessageCommands({ accounts, tree, raw, view, log }),
    ...registerSearchCommands({ accounts, tree, view, state: context.globalState, log }),
    ...registerTrafficCommands({ accounts, extensionUri: context.extensionUri, log }),
    ...registerConsoleCommands({ accounts, log }),
    ...registerBugReportCommands({ accounts, log }),
    ...registerCompareCommands({ accounts, extensionUri: context.extensionUri, log }),
    ...registerAuthCommands({ inspectors, log }),
    ...registerDiagnoseCommands({ accounts, log }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
