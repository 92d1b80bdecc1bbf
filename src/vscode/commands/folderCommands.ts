import * as vscode from 'vscode';
import { hasControlCharacters } from '../../core/accounts/account';
import { SpecialUse } from '../../core/mailStore';
import { AccountService } from '../accountService';
import { SECTION } from '../settings';
import { accountOf, AccountsTreeProvider } from '../tree/accountsTree';
import { FolderNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';
import { withWriteProgress } from './messageCommands';
import { reportWriteError } from './undoNotice';

export interface FolderCommandDeps {
  accounts: AccountService;
  tree: AccountsTreeProvider;
  view: vscode.TreeView<TreeNode>;
  log: vscode.LogOutputChannel;
}

/** The context key the view title's Show / Hide Unsubscribed Folders buttons follow. */
const SHOW_UNSUBSCRIBED_KEY = 'mailInspector.showUnsubscribed';
const SHOW_UNSUBSCRIBED_SETTING = 'showUnsubscribedFolders';

/** What CREATE-SPECIAL-USE can ask for (RFC 6154), in the order a person looks for them. */
const SPECIAL_USES: readonly Exclude<SpecialUse, 'inbox'>[] = ['archive', 'drafts', 'sent', 'junk', 'trash', 'all', 'flagged'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A folder row the command was run on, or the focused one (F2); never a message's folder by surprise. */
function folderRow(node: TreeNode | undefined, view: vscode.TreeView<TreeNode>): FolderNode | undefined {
  const target = node ?? view.selection[0];
  return target instanceof FolderNode ? target : undefined;
}

function nameProblem(value: string, delimiter: string | undefined): string | undefined {
  if (!value.trim()) return 'Enter a name';
  if (hasControlCharacters(value)) return 'A folder name cannot contain line breaks or NUL';
  if (delimiter && value.split(delimiter).some((part) => part.trim() === '')) return `Empty name between "${delimiter}" separators`;
  return undefined;
}

/**
 * Create Folder…, Rename…, Delete Folder…, Subscribe / Unsubscribe and the view's Show / Hide Unsubscribed
 * Folders toggle. The names are asked here; the core sends them (modified UTF-7 or UTF8=ACCEPT, the server's
 * delimiter) and refuses what the RFCs forbid (renaming INBOX, a folder that holds more than was confirmed).
 */
export function registerFolderCommands(deps: FolderCommandDeps): vscode.Disposable[] {
  const { accounts, tree, view, log } = deps;
  const setKey = (): void => void vscode.commands.executeCommand('setContext', SHOW_UNSUBSCRIBED_KEY, accounts.settings.showUnsubscribedFolders);
  setKey();
  const setShown = async (shown: boolean): Promise<void> => {
    await vscode.workspace.getConfiguration(SECTION).update(SHOW_UNSUBSCRIBED_SETTING, shown, vscode.ConfigurationTarget.Global);
  };

  /** Subscribe / Unsubscribe the selected folders of one account. */
  const subscription = async (subscribe: boolean, node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined): Promise<void> => {
    const chosen = (nodes && nodes.length > 0 ? nodes : [node ?? view.selection[0]]).filter((n): n is FolderNode => n instanceof FolderNode);
    const first = chosen[0];
    if (!first) return;
    const folders = chosen.filter((n) => n.account.id === first.account.id);
    try {
      const session = await accounts.session(first.account);
      await withWriteProgress(`${subscribe ? 'Subscribing to' : 'Unsubscribing from'} ${plural(folders.length, 'folder')}`, async (signal) => {
        for (const f of folders) await session.writer.setSubscribed(f.folder.path, subscribe, signal);
      });
      log.info(`${subscribe ? 'Subscribed to' : 'Unsubscribed from'} ${folders.map((f) => f.folder.path).join(', ')} on ${first.account.label}.`);
      vscode.window.setStatusBarMessage(`Mail Inspector: ${subscribe ? 'subscribed to' : 'unsubscribed from'} ${folders.map((f) => f.folder.path).join(', ')}`, 5000);
    } catch (error) {
      reportWriteError(log, `${subscribe ? 'Subscribing' : 'Unsubscribing'} failed`, error, first);
    }
  };

  return [
    accounts.onDidChange(setKey),
    vscode.commands.registerCommand('mailInspector.createFolder', async (node?: TreeNode) => {
      const target = node ?? view.selection[0];
      const account = accountOf(target);
      if (!account) return;
      const parent = target instanceof FolderNode ? target.folder : undefined;
      const delimiter = parent?.delimiter ?? (await tree.folderList(account).catch(() => [])).find((f) => f.delimiter)?.delimiter;
      const where = parent ? `under ${parent.path}` : `at the top of ${account.label}`;
      const name = await vscode.window.showInputBox({
        title: `Create Folder ${where}`,
        prompt: `Name of the new folder ${where}${delimiter ? ` ("${delimiter}" makes subfolders)` : ''}; any language`,
        placeHolder: 'Folder name',
        validateInput: (v) => nameProblem(v, delimiter),
      });
      if (name === undefined) return;
      try {
        const session = await accounts.session(account);
        // CREATE-SPECIAL-USE (RFC 6154) where the server offers it: the new folder can be the account's Archive, Sent, …
        let specialUse: SpecialUse | undefined;
        if (session.supports('createSpecialUse')) {
          const picked = await vscode.window.showQuickPick(
            [{ label: 'No special use', use: undefined }, ...SPECIAL_USES.map((use) => ({ label: `\\${use[0]!.toUpperCase()}${use.slice(1)}`, description: `the account's ${use} folder`, use }))],
            { title: `Create Folder ${where}: special use`, placeHolder: 'The server offers CREATE-SPECIAL-USE: mark the new folder for a use, or not' },
          );
          if (!picked) return;
          specialUse = picked.use;
        }
        // "A/B" (the server's delimiter) creates A, then B inside it; levels that exist already are kept.
        const segments = delimiter ? name.trim().split(delimiter).map((part) => part.trim()) : [name.trim()];
        const known = new Set((await tree.folderList(account).catch(() => [])).map((f) => f.path));
        const created = await withWriteProgress(`Creating ${name}`, async (signal) => {
          let at = parent?.path;
          let last = { path: '' };
          for (const [i, segment] of segments.entries()) {
            const path = at === undefined ? segment : `${at}${delimiter ?? ''}${segment}`;
            const isLast = i === segments.length - 1;
            last = !isLast && known.has(path) ? { path } : await session.writer.createFolder({ parent: at, name: segment, ...(isLast && specialUse ? { specialUse } : {}) }, signal);
            at = last.path;
          }
          return last;
        });
        log.info(`Created the folder ${created.path} on ${account.label}.`);
        vscode.window.setStatusBarMessage(`Mail Inspector: created ${created.path}`, 5000);
      } catch (error) {
        reportWriteError(log, `Creating the folder "${name}" ${where} failed`, error, target);
      }
    }),
    vscode.commands.registerCommand('mailInspector.renameFolder', async (node?: TreeNode) => {
      const folder = folderRow(node, view);
      if (!folder) return;
      const f = folder.folder;
      const delimiter = f.delimiter;
      const newPath = await vscode.window.showInputBox({
        title: `Rename ${f.path}`,
        prompt: delimiter ? `The folder's new full path: change the last part to rename it, the parts before "${delimiter}" to move it under another parent` : 'The new name',
        value: f.path,
        valueSelection: [f.path.length - f.name.length, f.path.length],
        validateInput: (v) => nameProblem(v, delimiter) ?? (v.trim() === f.path ? 'Enter a different name' : undefined),
      });
      if (newPath === undefined) return;
      const trimmed = newPath.trim();
      const cut = delimiter ? trimmed.lastIndexOf(delimiter) : -1;
      const to = cut < 0 ? { parent: undefined, name: trimmed } : { parent: trimmed.slice(0, cut), name: trimmed.slice(cut + (delimiter?.length ?? 0)) };
      try {
        const session = await accounts.session(folder.account);
        const renamed = await withWriteProgress(`Renaming ${f.path}`, (signal) => session.writer.renameFolder(f.path, to, signal));
        log.info(`Renamed the folder ${f.path} to ${renamed.path} on ${folder.account.label}.`);
        vscode.window.setStatusBarMessage(`Mail Inspector: renamed ${f.path} to ${renamed.path}`, 5000);
      } catch (error) {
        reportWriteError(log, `Renaming ${f.path} failed`, error, folder);
      }
    }),
    vscode.commands.registerCommand('mailInspector.deleteFolder', async (node?: TreeNode) => {
      const folder = folderRow(node, view);
      if (!folder) return;
      const f = folder.folder;
      const all = await tree.folderList(folder.account).catch(() => []);
      const delimiter = f.delimiter;
      const below = all.filter((x) => x.path !== f.path && (x.parentPath === f.path || (delimiter !== undefined && x.path.startsWith(`${f.path}${delimiter}`))));
      const subfolders = below.length;
      // What the core checks: the messages of the folder and of every folder below it, at any depth.
      const counted = [f, ...below];
      const messages = counted.reduce((n, x) => n + (x.total ?? 0), 0);
      const uncounted = counted.some((x) => x.selectable && x.total === undefined);
      const what = [uncounted ? `${plural(messages, 'counted message')} (and messages the server did not count)` : plural(messages, 'message'), plural(subfolders, 'subfolder')].join(' and ');
      const DELETE = 'Delete Folder';
      const choice = await vscode.window.showWarningMessage(
        `Delete the folder ${f.path} with ${what}?`,
        { modal: true, detail: `The folder and everything in it are removed from the server for every client; this cannot be undone. Nothing is deleted if it holds more than ${what} by then.` },
        DELETE,
      );
      if (choice !== DELETE) return;
      try {
        const session = await accounts.session(folder.account);
        await withWriteProgress(`Deleting ${f.path}`, (signal) => session.writer.deleteFolder(f.path, { messages, subfolders }, signal));
        log.info(`Deleted the folder ${f.path} (${what}) on ${folder.account.label}.`);
        vscode.window.setStatusBarMessage(`Mail Inspector: deleted ${f.path}`, 5000);
      } catch (error) {
        reportWriteError(log, `Deleting the folder ${f.path} failed`, error, folder);
      }
    }),
    vscode.commands.registerCommand('mailInspector.subscribeFolder', (node?: TreeNode, nodes?: readonly TreeNode[]) => subscription(true, node, nodes)),
    vscode.commands.registerCommand('mailInspector.unsubscribeFolder', (node?: TreeNode, nodes?: readonly TreeNode[]) => subscription(false, node, nodes)),
    vscode.commands.registerCommand('mailInspector.showUnsubscribedFolders', () => setShown(true)),
    vscode.commands.registerCommand('mailInspector.hideUnsubscribedFolders', () => setShown(false)),
  ];
}

