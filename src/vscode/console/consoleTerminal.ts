import * as vscode from 'vscode';
import { createProtocolConsole } from '../../core/console/createConsole';
import type { ProtocolConsole } from '../../core/console/protocolConsole';
import { MailError } from '../../core/errors';
import { resolveAccount } from '../commands/accountCommands';
import type { TreeNode } from '../tree/treeNode';
import type { ConsoleCommandDeps } from './consoleCommands';

interface ModeItem extends vscode.QuickPickItem {
  readonly login: 'after' | 'before';
}

const MODES: readonly ModeItem[] = [
  { label: 'After login', description: 'default', detail: 'The console secures the connection and logs in with the account\'s password; you type commands.', login: 'after' },
  { label: 'Before login', detail: 'The console secures the connection (TLS, STARTTLS); you log in by hand (LOGIN, AUTHENTICATE; USER/PASS, AUTH).', login: 'before' },
];

/**
 * Opens a protocol console on the account: asks which account (from the palette) and whether to log in,
 * then a terminal (a Pseudoterminal) on a console of the core, which makes its own connection. Closing the
 * terminal logs out and closes that connection; a connection that ends by itself leaves the terminal open
 * with its last words.
 */
export async function openProtocolConsole(deps: ConsoleCommandDeps, node: TreeNode | undefined, open: Set<vscode.Disposable>): Promise<void> {
  const { accounts, log } = deps;
  const account = await resolveAccount(accounts, node, 'Account to open a protocol console on');
  if (!account) return;
  // ignoreFocusOut: a webview that takes the focus meanwhile (the traffic view updating) must not dismiss the choice.
  const mode = await vscode.window.showQuickPick(MODES, { title: `Protocol console on ${account.label}`, placeHolder: 'Log in for you, or leave the login to you?', ignoreFocusOut: true });
  if (!mode) return;
  // The session's access mode (the account's, or "Allow Changes" for this session); building it costs no network.
  const { access } = await accounts.session(account);
  const { limits } = accounts.settings;
  const protocolConsole = createProtocolConsole({
    account,
    access,
    tap: accounts.traffic(account),
    credentials: accounts.credentials,
    login: mode.login,
    connectTimeoutMs: limits.connectTimeoutMs,
    replyTimeoutMs: Math.max(limits.greetingTimeoutMs, limits.socketTimeoutMs),
  });
  const written = new vscode.EventEmitter<string>();
  const closed = new vscode.EventEmitter<void>();
  const output = protocolConsole.onOutput((text) => written.fire(text));
  const entry: vscode.Disposable = { dispose: () => finish(protocolConsole) };
  let finished = false;
  const finish = (c: ProtocolConsole): void => {
    if (finished) return;
    finished = true;
    open.delete(entry);
    void c.close().finally(() => {
      output.dispose();
      c.dispose();
      written.dispose();
      closed.dispose();
    });
  };
  open.add(entry);
  const pty: vscode.Pseudoterminal = {
    onDidWrite: written.event,
    onDidClose: closed.event,
    open: () => {
      const title = `${account.protocol.toUpperCase()} console on ${account.label} (${account.host}:${account.port}, ${access}) — ${protocolConsole.connectionId}`;
      // eslint-disable-next-line no-control-regex -- a label is the user's text: no escape sequence of it reaches the terminal
      written.fire(`\x1b[1m${title.replace(/[\x00-\x1f\x7f-\x9f]/g, '?')}\x1b[0m\r\n`);
      protocolConsole.start().catch((error: unknown) => {
        // The console printed why; the log keeps one line (a dismissed password prompt is no failure).
        if (!MailError.is(error, 'cancelled')) log.warn(`Protocol console on ${account.label} did not start: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    close: () => finish(protocolConsole),
    handleInput: (data) => protocolConsole.handleInput(data),
  };
  const terminal = vscode.window.createTerminal({ name: `${account.label} (${account.protocol.toUpperCase()})`, pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show();
}
