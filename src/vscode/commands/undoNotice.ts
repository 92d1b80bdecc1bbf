import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { AccountSession } from '../../core/session/accountSession';
import { FlagConflict, UndoAvailability } from '../../core/write/mailWriter';
import { TreeNode } from '../tree/treeNode';
import { reportError } from './reportError';

const UNDO = 'Undo';

/**
 * The notification after a write: what was done, then Undo when the core made a plan for it (runs
 * `session.writer.undo(plan)` with progress), or the core's reason why there is none. Not awaited by the command,
 * so the tree and the next command are free while it is shown.
 */
export function showDone(log: vscode.LogOutputChannel, session: AccountSession, text: string, undo: UndoAvailability | undefined, node?: TreeNode): void {
  log.info(text);
  if (!undo) {
    void vscode.window.showInformationMessage(text);
    return;
  }
  if (!undo.possible) {
    void vscode.window.showInformationMessage(`${text} ${undo.why}`);
    return;
  }
  const plan = undo.plan;
  void vscode.window.showInformationMessage(text, UNDO).then(async (choice) => {
    if (choice !== UNDO) return;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Undoing: ${text}`, cancellable: true }, (_progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        return session.writer.undo(plan, controller.signal).finally(() => subscription.dispose());
      });
      log.info(`Undone: ${text}`);
      vscode.window.setStatusBarMessage(`Mail Inspector: undone (${text})`, 5000);
    } catch (error) {
      if (MailError.is(error, 'conflict')) showConflictError(log, error);
      else reportError(log, `Undoing "${text}" failed`, error, node);
    }
  });
}

/** The message every conflict gets: which messages, and their flags now; nothing of theirs was overwritten. */
export function conflictText(folder: string, conflicts: readonly Pick<FlagConflict, 'id' | 'current'>[]): string {
  const list = conflicts.map((c) => `UID ${c.id}: ${c.current.join(' ') || '(no flags)'}`).join('; ');
  const count = conflicts.length === 1 ? 'A message was' : `${conflicts.length} messages were`;
  return `${count} changed by another client since you loaded it, so nothing was stored on ${conflicts.length === 1 ? 'it' : 'them'} (${folder}). Their flags now: ${list}.`;
}

/** Shows the conflicts of a flag change (FlagResult.conflicts): a warning, beside whatever else was stored. */
export function showConflicts(log: vscode.LogOutputChannel, folder: string, conflicts: readonly FlagConflict[]): void {
  if (conflicts.length === 0) return;
  const text = conflictText(folder, conflicts);
  log.warn(text);
  void vscode.window.showWarningMessage(text);
}

/** A MailError 'conflict' (a write refused whole): its messages' flags now when the core says, else its own words. */
export function showConflictError(log: vscode.LogOutputChannel, error: MailError): void {
  const detail = error.detail?.kind === 'conflict' ? error.detail : undefined;
  const text = detail ? conflictText(detail.folder, detail.messages.map((m) => ({ id: m.id, current: m.flags }))) : `${error.explanation}${error.message !== error.explanation ? ` (${error.message})` : ''}`;
  log.warn(text);
  void vscode.window.showWarningMessage(text);
}

/** reportError, except that a conflict is said as a conflict (with the current flags). */
export function reportWriteError(log: vscode.LogOutputChannel, what: string, error: unknown, node?: TreeNode): void {
  if (MailError.is(error, 'conflict')) showConflictError(log, error);
  else reportError(log, what, error, node);
}
