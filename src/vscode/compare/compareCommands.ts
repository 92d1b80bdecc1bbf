import * as vscode from 'vscode';
import type { AccountService } from '../accountService';
import type { TreeNode } from '../tree/treeNode';
import type { CompareRunner } from './compareRunner';

export interface CompareCommandDeps {
  readonly accounts: AccountService;
  /** The extension's folder: the page's script and style sheet are in media/. */
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Compare POP3 and IMAP" (account rows and the palette). Only this shell is in the activation bundle; the runs,
 * the core's comparison and the page are the "compare" chunk, loaded on first use.
 */
export function registerCompareCommands(deps: CompareCommandDeps): vscode.Disposable[] {
  let runner: Promise<CompareRunner> | undefined;
  const load = (): Promise<CompareRunner> => (runner ??= import(/* webpackChunkName: "compare" */ './compareRunner').then((m) => new m.CompareRunner(deps)));
  return [vscode.commands.registerCommand('mailInspector.compareProtocols', async (node?: TreeNode) => (await load()).run(node)), { dispose: () => void runner?.then((r) => r.dispose()) }];
}
