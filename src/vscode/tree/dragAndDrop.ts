import * as vscode from 'vscode';
import { AccountService } from '../accountService';
import { moveSelection, uploadFiles, UploadSource, withWriteProgress } from '../commands/messageCommands';
import { countText, MessageSelection, selectedMessages, skippedText } from '../commands/messageSelection';
import { reportWriteError, showDone } from '../commands/undoNotice';
import { VIEW_ID } from './accountsTree';
import { FILES_VIEW_ID, FileMessageNode } from './filesTree';
import { FolderNode, MessageNode } from './nodes';
import { TreeNode } from './treeNode';

/** The mime type VS Code gives a tree's own items in a drag: `application/vnd.code.tree.<view id in lower case>`. */
export const ACCOUNTS_MIME = `application/vnd.code.tree.${VIEW_ID.toLowerCase()}`;
const FILES_MIME = `application/vnd.code.tree.${FILES_VIEW_ID.toLowerCase()}`;
const URI_LIST = 'text/uri-list';

export interface DragAndDropDeps {
  accounts: AccountService;
  log: vscode.LogOutputChannel;
}

/**
 * Drag and drop in the Accounts view. Messages dropped on a folder (or on a message of it) are moved there: VS
 * Code tells a drop no modifier keys, so a drop always moves, and the notification says so ("Copy to…" copies).
 * Between accounts the messages travel by FETCH + APPEND with a progress bar. Message files dropped on a folder
 * (from the Explorer, the operating system or the Message Files view) are uploaded byte for byte.
 */
export class AccountsDragAndDrop implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dragMimeTypes: readonly string[] = [];
  readonly dropMimeTypes: readonly string[] = [ACCOUNTS_MIME, FILES_MIME, URI_LIST, 'files'];

  constructor(private readonly deps: DragAndDropDeps) {}

  /** The dragged messages travel as nodes under the view's own mime type (VS Code carries the value within the extension host). */
  handleDrag(source: readonly TreeNode[], dataTransfer: vscode.DataTransfer): void {
    const messages = source.filter((n): n is MessageNode => n instanceof MessageNode);
    if (messages.length > 0) dataTransfer.set(ACCOUNTS_MIME, new vscode.DataTransferItem(messages));
  }

  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const folder = target instanceof FolderNode ? target : target instanceof MessageNode ? target.parent : undefined;
    const value: unknown = dataTransfer.get(ACCOUNTS_MIME)?.value;
    const dragged = Array.isArray(value) ? (value as unknown[]).filter((n): n is TreeNode => n instanceof TreeNode) : [];
    if (dataTransfer.get(ACCOUNTS_MIME)) {
      // Rows of this view: only messages move (a folder dragged onto a folder is not a rename).
      if (folder) await this.dropMessages(dragged, folder);
      return;
    }
    if (!folder) {
      void vscode.window.showInformationMessage('Drop messages or message files on a folder.');
      return;
    }
    const files = await droppedFiles(dataTransfer);
    if (token.isCancellationRequested || files.length === 0) return;
    if (!folder.folder.selectable) {
      void vscode.window.showInformationMessage(`${folder.folder.path} only holds other folders: drop the files on a folder that holds messages.`);
      return;
    }
    await uploadFiles(this.deps, { account: folder.account, path: folder.folder.path, node: folder }, files, []);
  }

  private async dropMessages(dragged: readonly TreeNode[], folder: FolderNode): Promise<void> {
    const messages = dragged.filter((n): n is MessageNode => n instanceof MessageNode);
    const selection = selectedMessages(messages[0], messages, undefined);
    if (!selection) return;
    if (!folder.folder.selectable) {
      void vscode.window.showInformationMessage(`${folder.folder.path} only holds other folders: it cannot take messages.`);
      return;
    }
    const sameAccount = selection.folder.account.id === folder.account.id;
    if (sameAccount && selection.set.folder === folder.folder.path) return; // dropped where it was
    try {
      if (!sameAccount) {
        await this.moveBetweenAccounts(selection, folder);
        return;
      }
      const session = await this.deps.accounts.session(folder.account);
      await moveSelection(this.deps, session, selection, folder.folder.path, ' Drag and drop moves; "Copy to…" copies.');
    } catch (error) {
      reportWriteError(this.deps.log, `Moving ${selection.messages.length === 1 ? 'the message' : `${selection.messages.length} messages`} to ${folder.folder.path} failed`, error, folder);
    }
  }

  /**
   * Between accounts no server can COPY: each message is fetched and APPENDed (exact bytes, flags, internal date),
   * then exactly those are removed at the source. Asked first (a modal naming the count), with a progress bar.
   */
  private async moveBetweenAccounts(selection: MessageSelection, folder: FolderNode): Promise<void> {
    const source = selection.folder.account;
    const what = countText(selection);
    const MOVE = 'Move';
    const choice = await vscode.window.showWarningMessage(
      `Move ${what} from ${source.label} to ${folder.folder.path} on ${folder.account.label}?`,
      {
        modal: true,
        detail: `Each message is downloaded from ${selection.set.folder} and uploaded (APPEND) to ${folder.folder.path} with its flags and date; then exactly those are removed from ${selection.set.folder} (STORE \\Deleted, UID EXPUNGE). "Copy to…" in a folder of the same account copies instead.`,
      },
      MOVE,
    );
    if (choice !== MOVE) return;
    const [from, to] = [await this.deps.accounts.session(source), await this.deps.accounts.session(folder.account)];
    // Loaded on first use: its own chunk of the bundle (dist/crossAccount.chunk.js).
    const { transferBetweenAccounts } = await import(/* webpackChunkName: "crossAccount" */ '../../core/write/crossAccount');
    const result = await withWriteProgress(`Moving ${what} to ${folder.folder.path} on ${folder.account.label}`, (signal, progress) => {
      let reported = 0;
      return transferBetweenAccounts(from, selection.set, to, folder.folder.path, {
        move: true,
        signal,
        onProgress: (done, total, note) => {
          progress.report({ message: `${done} of ${total}${note ? ` (${note})` : ''}`, increment: total > 0 ? ((done - reported) / total) * 100 : 0 });
          reported = done;
        },
      });
    });
    const stopped = result.cancelled ? ` Cancelled: ${result.notTransferred.length} stayed in ${selection.set.folder}.` : '';
    showDone(
      this.deps.log,
      to,
      `Moved ${result.transferred.length === 1 ? 'a message' : `${result.transferred.length} messages`} from ${selection.set.folder} on ${source.label} to ${folder.folder.path} on ${folder.account.label} (FETCH + APPEND, then UID EXPUNGE of the originals).${stopped}${skippedText(selection)}`,
      result.undo,
      folder,
    );
  }
}

/** The Message Files view lends its files to a drag (as file URIs), so they can be dropped on a folder. */
export class FilesDragAndDrop implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dragMimeTypes: readonly string[] = [URI_LIST];
  readonly dropMimeTypes: readonly string[] = [];

  handleDrag(source: readonly TreeNode[], dataTransfer: vscode.DataTransfer): void {
    const files = source.filter((n): n is FileMessageNode => n instanceof FileMessageNode).map((n) => n.file.toString());
    if (files.length > 0) dataTransfer.set(URI_LIST, new vscode.DataTransferItem(files.join('\r\n')));
  }
}

/** The files of a drop: URIs (the Explorer, the Message Files view) or, from outside VS Code, the files' bytes. */
async function droppedFiles(dataTransfer: vscode.DataTransfer): Promise<UploadSource[]> {
  const fromFilesView: unknown = dataTransfer.get(FILES_MIME)?.value;
  const rows = (Array.isArray(fromFilesView) ? (fromFilesView as unknown[]) : []).filter((n): n is FileMessageNode => n instanceof FileMessageNode);
  if (rows.length > 0) return rows.map((n) => n.file);
  const list = await dataTransfer.get(URI_LIST)?.asString();
  const uris = (list ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => vscode.Uri.parse(line));
  if (uris.length > 0) return uris;
  const files: UploadSource[] = [];
  dataTransfer.forEach((item) => {
    const file = item.asFile();
    if (file) files.push({ name: file.name, data: () => file.data() });
  });
  return files;
}
