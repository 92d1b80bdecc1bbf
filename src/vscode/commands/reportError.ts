import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { accountOf } from '../tree/accountsTree';
import { TreeNode } from '../tree/treeNode';
import { canTrust, TRUST_ACTION, TRUST_COMMAND } from './trustCommands';

const SHOW_TRAFFIC = 'Show Traffic';

/**
 * Turns a failure into one error message and one log line; a failure on an account's node offers its
 * traffic, and a certificate that is not trusted offers "Trust This Certificate…". Cancellation
 * (including a dismissed password prompt) is silent.
 */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown, node?: TreeNode): void {
  const account = accountOf(node);
  const trafficTarget = account ? node : undefined;
  if (MailError.is(error, 'cancelled')) return;
  const text = MailError.is(error)
    ? `${what}: ${error.explanation}${error.serverText ? ` Server said: ${error.serverText}` : error.message !== error.explanation ? ` (${error.message})` : ''}`
    : `${what}: ${error instanceof Error ? error.message : String(error)}`;
  log.error(text);
  const actions = [...(account && canTrust(error) ? [TRUST_ACTION] : []), ...(trafficTarget === undefined ? [] : [SHOW_TRAFFIC])];
  void vscode.window.showErrorMessage(text, ...actions).then((choice) => {
    if (choice === SHOW_TRAFFIC) void vscode.commands.executeCommand('mailInspector.showTraffic', trafficTarget);
    if (choice === TRUST_ACTION) void vscode.commands.executeCommand(TRUST_COMMAND, { account, error });
  });
}
