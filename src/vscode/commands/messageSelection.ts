import * as vscode from 'vscode';
import { AccountDefinition } from '../../core/accounts/account';
import { FolderInfo } from '../../core/mailStore';
import { MessageSet } from '../../core/write/mailWriter';
import { AccountsTreeProvider } from '../tree/accountsTree';
import { FolderNode, MessageNode } from '../tree/nodes';
import { TreeNode } from '../tree/treeNode';

/** The messages a command acts on: those of one folder generation, and how many selected rows were left out. */
export interface MessageSelection {
  readonly folder: FolderNode;
  readonly messages: readonly MessageNode[];
  readonly set: MessageSet;
  /** Selected messages of other folders (or accounts), not acted on. */
  readonly skipped: number;
}

/**
 * What VS Code hands a tree command: the clicked row and the selection (a keybinding hands nothing: the view's
 * selection then). The command acts on the selected messages of the clicked row's folder; others are counted.
 */
export function selectedMessages(node: TreeNode | undefined, nodes: readonly TreeNode[] | undefined, view: vscode.TreeView<TreeNode> | undefined): MessageSelection | undefined {
  const candidates = nodes && nodes.length > 0 ? nodes : node ? [node] : (view?.selection ?? []);
  const all = candidates.filter((n): n is MessageNode => n instanceof MessageNode);
  const anchor = node instanceof MessageNode ? node : all[0];
  if (!anchor) return undefined;
  const same = (m: MessageNode): boolean => m.account.id === anchor.account.id && m.folder.path === anchor.folder.path && m.uidValidity === anchor.uidValidity;
  const messages = all.includes(anchor) ? all.filter(same) : [anchor];
  const ids = [...new Set(messages.map((m) => m.message.id))];
  return {
    folder: anchor.parent,
    messages,
    set: { folder: anchor.folder.path, uidValidity: anchor.uidValidity, ids },
    skipped: all.filter((m) => !same(m)).length,
  };
}

/** "3 messages" / "“Subject”": how a confirmation or a result names what it acts on. */
export function countText(selection: Pick<MessageSelection, 'messages'>): string {
  const [only] = selection.messages;
  if (selection.messages.length === 1 && only) return `"${only.message.subject || '(no subject)'}"`;
  return `${selection.messages.length} messages`;
}

/** A sentence about selected messages of other folders that were left alone, or ''. */
export function skippedText(selection: MessageSelection): string {
  if (selection.skipped === 0) return '';
  return ` ${selection.skipped} selected message${selection.skipped === 1 ? '' : 's'} of other folders ${selection.skipped === 1 ? 'was' : 'were'} left alone (one folder at a time).`;
}

/** A quick pick of the account's folders that hold messages (the source left out), by path. */
export async function pickFolder(tree: AccountsTreeProvider, account: AccountDefinition, title: string, exclude: string | undefined): Promise<FolderInfo | undefined> {
  const folders = (await tree.folderList(account)).filter((f) => f.selectable && f.path !== exclude);
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(`${account.label} has no other folder to choose.`);
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    folders.map((f) => ({ label: f.path, description: [f.specialUse, f.total === undefined ? '' : `${f.total} messages`].filter(Boolean).join(' · '), folder: f })),
    { title, placeHolder: 'Folder', matchOnDescription: true },
  );
  return chosen?.folder;
}

/** The folder row a folder command was run on (from a message row: its folder). */
export function folderOf(node: TreeNode | undefined, view: vscode.TreeView<TreeNode> | undefined): FolderNode | undefined {
  const target = node ?? view?.selection[0];
  if (target instanceof FolderNode) return target;
  if (target instanceof MessageNode) return target.parent;
  return undefined;
}
