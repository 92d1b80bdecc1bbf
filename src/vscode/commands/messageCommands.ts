import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { parseMessageHeaders } from '../../core/mime/headers';
import { AccountDefinition } from '../../core/accounts/account';
import { AccountSession } from '../../core/session/accountSession';
import { TransferResult } from '../../core/write/mailWriter';
import { AccountService } from '../accountService';
import { RawMessages } from '../documents/rawMessages';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { FileMessageNode } from '../tree/filesTree';
import { TreeNode } from '../tree/treeNode';
import { resolveAccount } from './accountCommands';
import { countText, folderOf, MessageSelection, pickFolder, selectedMessages, skippedText } from './messageSelection';
import { reportWriteError, showDone } from './undoNotice';

export interface MessageCommandDeps {
  accounts: AccountService;
  tree: AccountsTreeProvider;
  raw: RawMessages;
  view: vscode.TreeView<TreeNode>;
  log: vscode.LogOutputChannel;
}

/** Runs a write with a cancellable progress notification. */
export function withWriteProgress<T>(title: string, work: (signal: AbortSignal, progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return work(controller.signal, progress).finally(() => subscription.dispose());
    }),
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What a transfer did, in words: how (MOVE, COPY + EXPUNGE, …) and where the messages are now. */
export function transferText(verb: 'Moved' | 'Copied', what: string, result: TransferResult): string {
  const how: Record<TransferResult['method'], string> = {
    move: 'with MOVE',
    copy: 'with COPY',
    copyExpunge: 'with COPY, then STORE \\Deleted and UID EXPUNGE of exactly those messages',
    copyMarkDeleted: `with COPY; the originals are marked \\Deleted in ${result.source} and stay until the folder is expunged`,
  };
  return `${verb} ${what} from ${result.source} to ${result.target} (${how[result.method]}).`;
}

/**
 * Moves the selection within its account: asks the core what the move will do first, and where only a plain
 * EXPUNGE can remove the originals (no MOVE, no UIDPLUS) says what it would do to the folder's other \Deleted
 * messages before anything is sent.
 */
export async function moveSelection(deps: Pick<MessageCommandDeps, 'accounts' | 'log'>, session: AccountSession, selection: MessageSelection, target: string, note = ''): Promise<void> {
  const what = countText(selection);
  const source = selection.set.folder;
  const plan = await session.writer.planMove(selection.set, target);
  let expungeOthers = false;
  if (plan.method === 'copyMarkDeleted') {
    if (plan.otherDeleted === 0) {
      expungeOthers = true;
    } else {
      const EXPUNGE = `Expunge All ${plan.otherDeleted + selection.set.ids.length}`;
      const MARK = 'Only Mark Them Deleted';
      const choice = await vscode.window.showWarningMessage(
        `Move ${what} from ${source} to ${target}?`,
        {
          modal: true,
          detail: `The server offers neither MOVE nor UIDPLUS: after the COPY, only a plain EXPUNGE can remove the originals, and it also removes the ${plural(plan.otherDeleted, 'other message')} of ${source} already marked \\Deleted (by you or another client). "${MARK}" leaves the originals marked \\Deleted in ${source}.`,
        },
        EXPUNGE,
        MARK,
      );
      if (choice === undefined) return;
      expungeOthers = choice === EXPUNGE;
    }
  }
  const result = await withWriteProgress(`Moving ${what} to ${target}`, (signal) => session.writer.moveMessages(selection.set, target, { expungeOthers }, signal));
  showDone(deps.log, session, `${transferText('Moved', what, result)}${note}${skippedText(selection)}`, result.undo, selection.folder);
}

/** Copy to…, Move to…, Delete, Expunge Folder…, Upload Message File…, Save Message As…. */
export function registerMessageCommands(deps: MessageCommandDeps): vscode.Disposable[] {
  const { accounts, tree, raw, view, log } = deps;

  const withSelection = (action: (session: AccountSession, selection: MessageSelection) => Promise<void>, failure: string) => async (node?: TreeNode, nodes?: readonly TreeNode[]): Promise<void> => {
    const selection = selectedMessages(node, nodes, view);
    if (!selection) {
      void vscode.window.showInformationMessage('Select one or more messages in the Accounts view first.');
      return;
    }
    try {
      const session = await accounts.session(selection.folder.account);
      await action(session, selection);
    } catch (error) {
      reportWriteError(log, `${failure} (${countText(selection)} of ${selection.set.folder})`, error, selection.folder);
    }
  };

  const copyTo = withSelection(async (session, selection) => {
    const target = await pickFolder(tree, selection.folder.account, `Copy ${countText(selection)} to…`, selection.set.folder);
    if (!target) return;
    const result = await withWriteProgress(`Copying ${countText(selection)} to ${target.path}`, (signal) => session.writer.copyMessages(selection.set, target.path, signal));
    showDone(log, session, `${transferText('Copied', countText(selection), result)}${skippedText(selection)}`, result.undo, selection.folder);
  }, 'Copying failed');

  const moveTo = withSelection(async (session, selection) => {
    const target = await pickFolder(tree, selection.folder.account, `Move ${countText(selection)} to…`, selection.set.folder);
    if (!target) return;
    await moveSelection(deps, session, selection, target.path);
  }, 'Moving failed');

  const deleteSelected = withSelection(async (session, selection) => {
    const what = countText(selection);
    const result = await withWriteProgress(`Deleting ${what}`, (signal) => session.writer.deleteMessages(selection.set, signal));
    const text =
      result.method === 'trash'
        ? `Moved ${what} from ${selection.set.folder} to ${result.transfer?.target ?? 'the Trash'}.`
        : result.method === 'flagged'
          ? `Marked ${what} \\Deleted in ${selection.set.folder} (there is no Trash folder, or this is it); "Expunge Folder…" removes ${selection.messages.length === 1 ? 'it' : 'them'} for good.`
          : `Deleted ${what} from the server.`;
    showDone(log, session, `${text}${skippedText(selection)}`, result.undo, selection.folder);
  }, 'Deleting failed');

  return [
    vscode.commands.registerCommand('mailInspector.copyTo', copyTo),
    vscode.commands.registerCommand('mailInspector.moveTo', moveTo),
    vscode.commands.registerCommand('mailInspector.deleteMessages', deleteSelected),
    vscode.commands.registerCommand('mailInspector.expungeFolder', async (node?: TreeNode) => {
      const folder = folderOf(node, view);
      if (!folder) return;
      const loaded = tree.loadedMessages(folder.account.id, folder.folder.path);
      const marked = loaded?.messages.filter((m) => m.flags.some((f) => f.toLowerCase() === '\\deleted')).length ?? 0;
      const partly = !loaded || loaded.hasMore;
      const count = partly ? `${plural(marked, 'loaded message')} marked \\Deleted (older messages were not loaded; the server refuses if it holds more than you confirm)` : `${plural(marked, 'message')} marked \\Deleted`;
      const EXPUNGE = 'Expunge';
      const choice = await vscode.window.showWarningMessage(
        `Expunge ${folder.folder.path}?`,
        { modal: true, detail: `${folder.folder.path} has ${count}. EXPUNGE removes every message marked \\Deleted for good, for every client; it cannot be undone.` },
        EXPUNGE,
      );
      if (choice !== EXPUNGE) return;
      try {
        const session = await accounts.session(folder.account);
        const result = await withWriteProgress(`Expunging ${folder.folder.path}`, (signal) => session.writer.expungeFolder(folder.folder.path, marked, signal));
        showDone(log, session, `Expunged ${plural(result.expunged, 'message')} from ${folder.folder.path}.`, undefined, folder);
      } catch (error) {
        reportWriteError(log, `Expunging ${folder.folder.path} failed`, error, folder);
      }
    }),
    vscode.commands.registerCommand('mailInspector.uploadMessage', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      // From the Message Files view: its selected files, to a folder asked for. From a folder row: files asked for.
      const fileRows = (nodes && nodes.length > 0 ? nodes : node ? [node] : []).filter((n): n is FileMessageNode => n instanceof FileMessageNode);
      let target: { account: AccountDefinition; path: string; node?: TreeNode } | undefined;
      if (fileRows.length > 0) {
        const account = await resolveAccount(accounts, undefined, 'Account to upload to');
        const folder = account && (await pickFolder(tree, account, `Upload ${fileRows.length === 1 ? fileRows[0]?.title ?? '' : `${fileRows.length} message files`} to…`, undefined));
        if (account && folder) target = { account, path: folder.path };
      } else {
        const folder = folderOf(node, view);
        if (folder) target = { account: folder.account, path: folder.folder.path, node: folder };
      }
      if (!target) return;
      const chosen =
        fileRows.length > 0
          ? fileRows.map((n) => n.file)
          : await vscode.window.showOpenDialog({
              title: `Upload message files to ${target.path}`,
              canSelectMany: true,
              openLabel: 'Upload',
              filters: { 'Message files': ['eml'], 'All files': ['*'] },
            });
      if (!chosen || chosen.length === 0) return;
      const picked = await vscode.window.showQuickPick(
        ['\\Seen', '\\Flagged', '\\Answered', '\\Draft'].map((flag) => ({ label: flag })),
        { title: `Flags of the uploaded message${chosen.length === 1 ? '' : 's'}`, placeHolder: 'Flags to store with the messages (none: unread)', canPickMany: true },
      );
      if (!picked) return;
      await uploadFiles(deps, target, chosen, picked.map((p) => p.label));
    }),
    vscode.commands.registerCommand('mailInspector.saveMessageAs', async (node?: TreeNode, nodes?: readonly TreeNode[]) => {
      const selection = selectedMessages(node, nodes, view);
      const first = selection?.messages[0];
      if (!selection || !first) return;
      const name = `${(first.message.subject || 'message').replace(/[\\/:*?"<>|\r\n\t]+/g, ' ').trim().slice(0, 80) || 'message'}.eml`;
      const target = await vscode.window.showSaveDialog({ title: 'Save Message As', saveLabel: 'Save', filters: { 'Message files': ['eml'] }, defaultUri: vscode.Uri.joinPath(defaultFolder(), name) });
      if (!target) return;
      try {
        const bytes = await withWriteProgress(`Fetching "${first.message.subject}"`, (signal) => raw.fetch({ accountId: first.account.id, folderPath: first.folder.path, messageId: first.message.id, ...(first.uidValidity === undefined ? {} : { uidValidity: first.uidValidity }) }, signal));
        await vscode.workspace.fs.writeFile(target, bytes);
        log.info(`Saved UID ${first.message.id} of ${selection.set.folder} (${bytes.length} bytes, exactly as the server holds it) to ${target.fsPath}.`);
        vscode.window.setStatusBarMessage(`Mail Inspector: saved ${target.fsPath}`, 5000);
      } catch (error) {
        reportWriteError(log, `Saving "${first.message.subject}" failed`, error, first);
      }
    }),
  ];
}

function defaultFolder(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
}

/**
 * Appends message files to a folder byte for byte (flags as given, the internal date from the Date header where
 * it can be read), one after the other with progress. Shared by the command and by a drop of files on a folder.
 */
export async function uploadFiles(
  deps: Pick<MessageCommandDeps, 'accounts' | 'log'>,
  target: { readonly account: AccountDefinition; readonly path: string; readonly node?: TreeNode },
  files: readonly UploadSource[],
  flags: readonly string[],
): Promise<void> {
  const done: string[] = [];
  try {
    const session = await deps.accounts.session(target.account);
    const writer = session.writer;
    await withWriteProgress(`Uploading ${plural(files.length, 'message file')} to ${target.path}`, async (signal, progress) => {
      for (const file of files) {
        if (signal.aborted) break;
        const name = sourceName(file);
        progress.report({ message: name, increment: 100 / files.length });
        const bytes = file instanceof vscode.Uri ? Buffer.from(await vscode.workspace.fs.readFile(file)) : Buffer.from(await file.data());
        const internalDate = parseMessageHeaders(bytes).fields.find((f) => f.key === 'date')?.date;
        const result = await writer.appendMessage(target.path, bytes, { flags, ...(internalDate ? { internalDate } : {}) }, signal);
        done.push(`${name}${result.uid === undefined ? '' : ` (UID ${result.uid})`}`);
      }
    });
    showDone(deps.log, session, `Uploaded ${plural(done.length, 'message')} to ${target.path} on ${target.account.label}, byte for byte: ${done.join(', ')}.`, undefined, target.node);
  } catch (error) {
    const already = done.length > 0 ? ` ${plural(done.length, 'file')} had been uploaded before it stopped: ${done.join(', ')}.` : '';
    reportWriteError(deps.log, `Uploading to ${target.path} failed.${already}`, error, target.node);
  }
}

/** A file to upload: on disk (or any file system VS Code reads), or dropped from outside (its bytes only). */
export type UploadSource = vscode.Uri | { readonly name: string; data(): Thenable<Uint8Array> };

function sourceName(file: UploadSource): string {
  return file instanceof vscode.Uri ? (file.path.split('/').pop() ?? file.path) : file.name;
}
