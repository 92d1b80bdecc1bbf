import * as vscode from 'vscode';
import { AccountService } from '../accountService';
import { reportError } from '../commands/reportError';
import type { TreeNode } from '../tree/treeNode';

export interface ConsoleCommandDeps {
  readonly accounts: AccountService;
  readonly log: vscode.LogOutputChannel;
}

/**
 * "Open Protocol Console…" on an account row (and in the command palette, with an account pick). Only this
 * shell is in the activation bundle: the terminal and the console's core are loaded on first use (chunk
 * "console"). The consoles still open when the extension goes are closed with it (LOGOUT/QUIT, then the socket).
 */
export function registerConsoleCommands(deps: ConsoleCommandDeps): vscode.Disposable[] {
  const open = new Set<vscode.Disposable>();
  return [
    vscode.commands.registerCommand('mailInspector.openProtocolConsole', async (node?: TreeNode) => {
      try {
        const { openProtocolConsole } = await import(/* webpackChunkName: "console" */ './consoleTerminal');
        await openProtocolConsole(deps, node, open);
      } catch (error) {
        reportError(deps.log, 'Opening the protocol console failed', error, node);
      }
    }),
    { dispose: () => [...open].forEach((console) => console.dispose()) },
  ];
}
