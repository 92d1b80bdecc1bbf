import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { accountOf } from '../tree/accountsTree';
import { TreeNode } from '../tree/treeNode';

/**
 * Turns a failure into one error message and one log line; a failure on an account's node offers its traffic.
 * Cancellation is silent.
 */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown, node?: TreeNode): void {
  const trafficTarget = accountOf(node) ? node : undefined;
  if (MailError.is(error, 'cancelled')) return;
  const text = MailError.is(error)
    ? `${what}: ${error.explanation}${error.serverText ? ` Server said: ${error.serverText}` : error.message !== error.explanation ? ` (${error.message})` : ''}`
    : `${what}: ${error instanceof Error ? error.message : String(error)}`;
  log.error(text);
  const actions = trafficTarget === undefined ? [] : ['Show Traffic'];
  void vscode.window.showErrorMessage(text, ...actions).then((c) => c && vscode.commands.executeCommand('mailInspector.showTraffic', trafficTarget));
}
