import * as vscode from 'vscode';
import type { MessageInspectors } from '../inspection/inspectors';
import type { TreeNode } from '../tree/treeNode';
import type { AuthReports } from './authReports';

export interface AuthCommandDeps {
  /** Where a message's raw bytes come from (server messages and local files alike). */
  readonly inspectors: MessageInspectors;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Check Authentication" on message rows (Accounts and Message Files), message tabs and local .eml tabs.
 * Only this shell is in the activation bundle: the checks (mailauth, the DNS cache, the report) are loaded on
 * first use as the "auth" chunk.
 */
export function registerAuthCommands(deps: AuthCommandDeps): vscode.Disposable[] {
  let reports: Promise<AuthReports> | undefined;
  const load = (): Promise<AuthReports> => (reports ??= import(/* webpackChunkName: "auth" */ './authReports').then((m) => new m.AuthReports(deps)));
  return [
    vscode.commands.registerCommand('mailInspector.checkAuthentication', async (target?: TreeNode | vscode.Uri) => (await load()).check(target ?? vscode.window.activeTextEditor?.document.uri)),
    { dispose: () => void reports?.then((r) => r.dispose()) },
  ];
}
