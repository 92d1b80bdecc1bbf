import * as vscode from 'vscode';
import { describeChange, FLAG_COMMANDS, keywordChange } from '../../core/write/flagCommands';
import { FlagChange } from '../../core/write/mailWriter';
import { AccountService } from '../accountService';
import { TreeNode } from '../tree/treeNode';
import { countText, MessageSelection, selectedMessages, skippedText } from './messageSelection';
import { withWriteProgress } from './messageCommands';
import { reportWriteError, showConflicts, showDone } from './undoNotice';

export interface FlagCommandDeps {
  accounts: AccountService;
  view: vscode.TreeView<TreeNode>;
  log: vscode.LogOutputChannel;
}

/** The command id of a flag command of the core's table (`mailInspector.markRead`, …). */
export function flagCommandId(id: string): string {
  return `mailInspector.${id}`;
}

/** A keyword as IMAP allows it: an atom, no backslash (system flags are not keywords). */
function keywordProblem(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter a keyword, e.g. project-x or $Label1';
  if (v.startsWith('\\')) return 'A keyword has no backslash: \\ flags are the system flags (use Mark Read, Flag, …)';
  // Printable ASCII only (0x21–0x7e), none of IMAP's atom-specials.
  if (/[^!-~]/.test(v) || /[(){%*"\\\]]/.test(v)) return 'A keyword is one word of printable ASCII, without ( ) { } % * " \\ ] or spaces';
  return undefined;
}

/**
 * Mark Read / Unread, Flag / Unflag, Mark Answered, Mark Forwarded, Mark Deleted / Undelete, Mark as Junk / Not
 * Junk (the core's FLAG_COMMANDS table), and Add Keyword… / Remove Keyword…, on every selected message of one
 * folder. The flags the user loaded (and their MODSEQ) go with the change: the core stores with UNCHANGEDSINCE and
 * reports conflicts, which are shown with the messages' flags now.
 */
export function registerFlagCommands(deps: FlagCommandDeps): vscode.Disposable[] {
  const { accounts, view, log } = deps;

  const store = async (selection: MessageSelection, change: FlagChange, title: string): Promise<void> => {
    const what = countText(selection);
    try {
      const session = await accounts.session(selection.folder.account);
      const loaded = {
        folder: selection.set.folder,
        uidValidity: selection.set.uidValidity,
        messages: selection.messages.map((m) => ({ id: m.message.id, flags: m.message.flags, ...(m.message.modseq ? { modseq: m.message.modseq } : {}) })),
      };
      const result = await withWriteProgress(`${title}: ${what}`, (signal) => session.writer.storeFlags(loaded, change, signal));
      showConflicts(log, selection.set.folder, result.conflicts);
      const refused = result.refusedFlags.length > 0 ? ` ${selection.set.folder} does not let clients set ${result.refusedFlags.join(' ')} (not in its PERMANENTFLAGS): left out.` : '';
      if (result.changed.length === 0) {
        if (refused) void vscode.window.showWarningMessage(`Nothing was changed.${refused}`);
        return;
      }
      const count = result.changed.length === selection.messages.length ? what : `${result.changed.length} of ${what}`;
      showDone(log, session, `${title}: ${describeChange(change)} on ${count} in ${selection.set.folder}.${refused}${skippedText(selection)}`, result.undo, selection.folder);
    } catch (error) {
      reportWriteError(log, `${title} failed (${what} of ${selection.set.folder})`, error, selection.folder);
    }
  };

  const run = (title: string, change: (selection: MessageSelection) => Promise<FlagChange | undefined>) => async (node?: TreeNode, nodes?: readonly TreeNode[]): Promise<void> => {
    const selection = selectedMessages(node, nodes, view);
    if (!selection) {
      void vscode.window.showInformationMessage('Select one or more messages in the Accounts view first.');
      return;
    }
    const chosen = await change(selection);
    if (chosen) await store(selection, chosen, title);
  };

  const addKeyword = run('Add Keyword', async (selection) => {
    const keyword = await vscode.window.showInputBox({ title: `Add Keyword to ${countText(selection)}`, prompt: 'Keyword (IMAP allows new ones where the folder\'s PERMANENTFLAGS has \\*)', placeHolder: 'project-x', validateInput: keywordProblem });
    return keyword === undefined ? undefined : keywordChange(keyword, true);
  });

  const removeKeyword = run('Remove Keyword', async (selection) => {
    const present = [...new Set(selection.messages.flatMap((m) => m.message.flags.filter((f) => !f.startsWith('\\'))))].sort();
    if (present.length === 0) {
      void vscode.window.showInformationMessage(`${countText(selection)} ${selection.messages.length === 1 ? 'has' : 'have'} no keyword.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      present.map((k) => ({ label: k, description: `on ${selection.messages.filter((m) => m.message.flags.includes(k)).length} of ${selection.messages.length}` })),
      { title: `Remove Keyword from ${countText(selection)}`, placeHolder: 'Keyword' },
    );
    return picked ? keywordChange(picked.label, false) : undefined;
  });

  return [
    ...FLAG_COMMANDS.map((command) => vscode.commands.registerCommand(flagCommandId(command.id), run(command.title, () => Promise.resolve(command.change)))),
    vscode.commands.registerCommand('mailInspector.addKeyword', addKeyword),
    vscode.commands.registerCommand('mailInspector.removeKeyword', removeKeyword),
  ];
}
