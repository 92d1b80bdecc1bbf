import * as vscode from 'vscode';
import type { AccountService } from '../accountService';
import type { TreeNode } from '../tree/treeNode';

export interface BugReportCommandDeps {
  readonly accounts: AccountService;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Copy Bug Report…" (account rows and the palette). Only this shell is in the activation bundle; the report (the
 * diagnosis, the traffic transcript, redaction) is the "bugReport" chunk, loaded on first use.
 */
export function registerBugReportCommands(deps: BugReportCommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand('mailInspector.copyBugReport', async (node?: TreeNode) => (await import(/* webpackChunkName: "bugReport" */ './bugReport')).copyBugReport(deps, node))];
}
