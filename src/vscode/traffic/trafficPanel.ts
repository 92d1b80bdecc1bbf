import * as vscode from 'vscode';
import { scriptedPage } from '../webviews/scriptedPage';
import type { AccountDefinition } from '../../core/accounts/account';
import type { TrafficRecord } from '../../core/traffic/exchange';
import { buildViewData, parsePageMessage, type PageMessage, type TrafficFilter } from '../../core/traffic/trafficViewData';
import { transcriptText } from '../../core/traffic/transcriptText';

/** How often, at most, the page is sent the record's news while traffic flows. */
const BATCH_MS = 100;

/**
 * The traffic view of one account: a webview listing its connections and their paired exchanges, live. The page
 * holds no state the extension does not: filter and expanded rows live here and are sent with every update, so
 * a page reloaded (hidden and shown again) shows the same. Every string it is sent comes from the TrafficRecord,
 * which is fed only masked events.
 */
export class TrafficPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private filter: TrafficFilter = {};
  private readonly expanded = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;

  constructor(
    private readonly account: AccountDefinition,
    private readonly record: TrafficRecord,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel = vscode.window.createWebviewPanel('mailInspector.traffic', `Traffic: ${account.label}`, vscode.ViewColumn.Active, {
      enableScripts: true, // only our nonce'd script runs: the CSP allows nothing else
      enableForms: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.webview.html = this.html();
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(parsePageMessage(raw))),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible) this.schedule();
      }),
      this.record.onChange((change) => {
        if (change.type === 'cleared') this.expanded.clear();
        this.schedule();
      }),
    );
  }

  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }

  /** Shows the panel; with `message`, filtered to that message's exchanges (other filters reset), else as it was. */
  show(message?: TrafficFilter['message']): void {
    if (message) this.filter = { message };
    this.panel.reveal();
    this.schedule(0);
  }

  private schedule(delay = BATCH_MS): void {
    if (this.disposed || !this.ready) return;
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, delay);
  }

  private async send(): Promise<void> {
    // A hidden page gets nothing: it is sent everything when it shows again (onDidChangeViewState).
    if (this.disposed || !this.panel.visible) return;
    const data = buildViewData(this.record, this.filter, this.expanded);
    await this.panel.webview.postMessage({ type: 'data', account: this.account.label, data });
  }

  private async onMessage(message: PageMessage | undefined): Promise<void> {
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.schedule(0);
        return;
      case 'filter': {
        const { connection, command, status, text } = message;
        this.filter = { status, ...(connection ? { connection } : {}), ...(command ? { command } : {}), ...(text ? { text } : {}), ...(this.filter.message ? { message: this.filter.message } : {}) };
        this.schedule(0);
        return;
      }
      case 'clearMessage': {
        const { connection, command, status, text } = this.filter;
        this.filter = { ...(connection ? { connection } : {}), ...(command ? { command } : {}), ...(status ? { status } : {}), ...(text ? { text } : {}) };
        this.schedule(0);
        return;
      }
      case 'toggle':
        if (message.expanded) this.expanded.add(message.id);
        else this.expanded.delete(message.id);
        this.schedule(0);
        return;
      case 'export':
        await this.export().catch((e: unknown) => this.log.error(`Exporting the traffic of ${this.account.label} failed: ${String(e)}`));
        return;
    }
  }

  /** The exchanges shown, as a masked text transcript in a new untitled document (the user saves it where they like). */
  private async export(): Promise<void> {
    const content = transcriptText(this.record, this.filter, { account: this.account.label, exportedAt: new Date() });
    const document = await vscode.workspace.openTextDocument({ content, language: 'log' });
    await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  private html(): string {
    return scriptedPage(this.panel.webview, this.extensionUri, {
      title: 'Traffic',
      css: 'traffic.css',
      script: 'traffic.js',
      body: `<header class="toolbar">
  <label>Connection <select id="connection"><option value="">All</option></select></label>
  <label>Command <select id="command"><option value="">All</option></select></label>
  <label>Status <select id="status">
    <option value="all">All</option><option value="failed">Failed (NO, BAD, BYE, -ERR)</option><option value="ok">OK</option><option value="pending">Pending</option>
  </select></label>
  <label class="grow">Text <input id="text" type="search" placeholder="Find in commands and responses" spellcheck="false"></label>
  <button id="export" type="button" title="Open the exchanges shown as a masked text transcript">Export transcript</button>
</header>
<div id="message" class="message" hidden></div>
<div id="summary" class="summary" role="status"></div>
<main id="connections"></main>`,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}
