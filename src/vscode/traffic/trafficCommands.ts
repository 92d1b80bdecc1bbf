import * as vscode from 'vscode';
import type { AccountDefinition } from '../../core/accounts/account';
import { MessageIdentity, messageIdentityOf } from '../../core/traffic/messageTranscript';
import type { AccountService } from '../accountService';
import { resolveAccount } from '../commands/accountCommands';
import { fromDocumentUri } from '../documents/uris';
import { MessageNode } from '../tree/nodes';
import { PartNode } from '../tree/partNodes';
import type { TreeNode } from '../tree/treeNode';
import type { TrafficPanels } from './trafficPanels';

export interface TrafficCommandDeps {
  readonly accounts: AccountService;
  /** The extension's folder: the view's script and style sheet are in media/. */
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
}

/** A message the view is asked to show the traffic of: which account, its identity in the record, and its name. */
export interface MessageTarget {
  readonly account: AccountDefinition;
  readonly identity: MessageIdentity;
  readonly label: string;
}

/**
 * "Open Traffic" (an account's traffic view) and "Show Traffic for This Message" (the view filtered to the
 * exchanges that fetched a message or part: its tree row or its open tab). Only this shell is in the activation
 * bundle; the panels (webview, view data, transcript export) are loaded on first use as the "trafficView" chunk.
 */
export function registerTrafficCommands(deps: TrafficCommandDeps): vscode.Disposable[] {
  let panels: Promise<TrafficPanels> | undefined;
  const load = (): Promise<TrafficPanels> =>
    (panels ??= import(/* webpackChunkName: "trafficView" */ './trafficPanels').then((m) => new m.TrafficPanels(deps.accounts, deps.extensionUri, deps.log)));
  return [
    vscode.commands.registerCommand('mailInspector.openTraffic', async (node?: TreeNode) => {
      const account = await resolveAccount(deps.accounts, node, 'Account whose traffic to open');
      if (account) await (await load()).open(account);
    }),
    vscode.commands.registerCommand('mailInspector.showMessageTraffic', async (node?: TreeNode | vscode.Uri) => {
      const target = messageTarget(deps.accounts, node ?? vscode.window.activeTextEditor?.document.uri);
      if (!target) {
        void vscode.window.showInformationMessage('Show Traffic for This Message works on a message or part of a server account (a row of the Accounts view, or its open tab).');
        return;
      }
      await (await load()).open(target.account, { identity: target.identity, label: target.label });
    }),
    { dispose: () => void panels?.then((p) => p.dispose()) },
  ];
}

/** The message of a tree row (message or part) or of a message tab's URI; undefined for anything else (a local .eml file). */
export function messageTarget(accounts: AccountService, from: TreeNode | vscode.Uri | undefined): MessageTarget | undefined {
  if (from instanceof MessageNode) return target(accounts, from.account.id, from.folder.path, from.message.id, from.message.subject);
  if (from instanceof PartNode) {
    const ref = from.context.ref;
    if (ref.kind !== 'server') return undefined;
    return target(accounts, ref.accountId, ref.folderPath, ref.messageId, from.context.title, from.part.section);
  }
  if (from instanceof vscode.Uri) {
    const address = fromDocumentUri(from);
    const ref = address?.message;
    if (!address || ref?.kind !== 'server') return undefined;
    const part = address.view === 'part' || address.view === 'rawPart';
    return target(accounts, ref.accountId, ref.folderPath, ref.messageId, subjectInPath(from.path, address.view), part ? address.section : undefined);
  }
  return undefined;
}

/** The subject as the tab's path carries it (cleaned and cut to 60 characters): `…/<subject>.eml`, `…/<subject>/headers.md`, `…/<subject>/<section>/<file>`. */
function subjectInPath(path: string, view: string): string | undefined {
  const segments = path.split('/');
  const segment = view === 'message' ? segments.at(-1)?.replace(/\.eml$/, '') : view === 'headers' ? segments.at(-2) : segments.at(-3);
  return segment || undefined;
}

function target(accounts: AccountService, accountId: string, folder: string, messageId: string, subject: string | undefined, section?: string): MessageTarget | undefined {
  const account = accounts.get(accountId);
  const named = account ? messageIdentityOf(account.protocol, folder, messageId, subject, section) : undefined;
  return account && named ? { account, ...named } : undefined;
}
