import * as vscode from 'vscode';
import { authMarkdown } from '../../core/auth/authMarkdown';
import { checkAuthentication } from '../../core/auth/checkAuthentication';
import { DnsCache } from '../../core/auth/dnsLookups';
import { createDnsResolver } from '../../core/auth/dnsResolver';
import { messageOf } from '../commands/partCommands';
import { reportError } from '../commands/reportError';
import { fromDocumentUri, type MessageRef } from '../documents/uris';
import type { MessageInspectors } from '../inspection/inspectors';
import { withDelayedProgress } from '../progress';
import type { TreeNode } from '../tree/treeNode';

/** Read-only documents holding the reports: `mail-inspector-auth:/<n>/<title> authentication.md`. */
export const AUTH_REPORT_SCHEME = 'mail-inspector-auth';

interface AuthSettings {
  readonly dnsServers: string[];
  readonly trustedReceivers: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
}

function readSettings(): AuthSettings {
  const config = vscode.workspace.getConfiguration('mailInspector.auth');
  return { dnsServers: strings(config.get('dnsServers')), trustedReceivers: strings(config.get('trustedReceivers')) };
}

interface Target {
  readonly ref: MessageRef;
  readonly title: string;
}

/** The message of a tree row (message, part, Message Files entry), a message tab, or a local .eml tab. */
function targetOf(from: TreeNode | vscode.Uri | undefined): Target | undefined {
  if (from instanceof vscode.Uri) {
    if (from.scheme === 'file') return { ref: { kind: 'file', file: from.toString() }, title: from.path.split('/').pop() ?? 'message' };
    const address = fromDocumentUri(from);
    if (!address) return undefined;
    const segments = from.path.split('/');
    const title = (address.view === 'message' ? segments.at(-1)?.replace(/\.eml$/, '') : address.view === 'headers' ? segments.at(-2) : segments.at(-3)) || 'message';
    return { ref: address.message, title };
  }
  return messageOf(from);
}

/**
 * Runs the checks and shows each report in a read-only Markdown tab. One DNS cache per window (rebuilt when
 * mailInspector.auth.dnsServers changes), so checking several messages of one sender asks DNS once.
 */
export class AuthReports implements vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registrations: vscode.Disposable[];
  private cache: { servers: string; cache: DnsCache } | undefined;
  private count = 0;

  constructor(private readonly deps: { readonly inspectors: MessageInspectors; readonly log: vscode.LogOutputChannel }) {
    const documents = this.documents;
    this.registrations = [
      vscode.workspace.registerTextDocumentContentProvider(AUTH_REPORT_SCHEME, {
        onDidChange: this.changed.event,
        provideTextDocumentContent: (uri) => documents.get(uri.toString()) ?? 'This report is no longer available: run Check Authentication again.',
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document.uri.scheme === AUTH_REPORT_SCHEME) documents.delete(document.uri.toString());
      }),
      this.changed,
    ];
  }

  async check(from: TreeNode | vscode.Uri | undefined): Promise<void> {
    const target = targetOf(from);
    if (!target) {
      void vscode.window.showInformationMessage('Check Authentication works on a message: a row of the Accounts or Message Files view, or its open tab.');
      return;
    }
    const node = from instanceof vscode.Uri ? undefined : from;
    try {
      const settings = readSettings();
      const dns = this.cacheFor(settings.dnsServers);
      const markdown = await withDelayedProgress(`Checking the authentication of "${target.title}"`, async (signal) => {
        const raw = await this.deps.inspectors.get(target.ref).raw(signal);
        const report = await checkAuthentication(raw, { dns, dnsServers: settings.dnsServers, trustedReceivers: settings.trustedReceivers });
        if (report.notRun.length > 0) this.deps.log.warn(`Check Authentication of "${target.title}": ${report.notRun.map((n) => `${n.check} could not run (${n.why})`).join('; ')}`);
        return authMarkdown(`"${target.title}"`, report);
      });
      const uri = vscode.Uri.from({ scheme: AUTH_REPORT_SCHEME, path: `/${++this.count}/${target.title.replace(/[/\\]/g, '_')} authentication.md` });
      this.documents.set(uri.toString(), markdown);
      const document = await vscode.workspace.openTextDocument(uri);
      const shown = document.languageId === 'markdown' ? document : await vscode.languages.setTextDocumentLanguage(document, 'markdown');
      await vscode.window.showTextDocument(shown, { preview: false });
    } catch (error) {
      reportError(this.deps.log, 'Check Authentication failed', error, node);
    }
  }

  private cacheFor(servers: readonly string[]): DnsCache {
    const key = servers.join(',');
    if (this.cache?.servers !== key) this.cache = { servers: key, cache: new DnsCache(createDnsResolver(servers)) };
    return this.cache.cache;
  }

  dispose(): void {
    for (const r of this.registrations) r.dispose();
    this.documents.clear();
  }
}
