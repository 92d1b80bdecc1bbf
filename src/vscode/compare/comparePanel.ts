import * as vscode from 'vscode';
import { scriptedPage } from '../webviews/scriptedPage';
import type { CompareViewData } from '../../core/compare/compareView';

/**
 * The comparison page: the three charts (time, bytes, round trips per task, IMAP and POP3 side by side) and the
 * numbers as a table, drawn by media/compare.js from the data it is sent once it says it is ready. Theme colours
 * only; the CSP allows our nonce'd script and style sheet and nothing else. "Copy as Markdown" puts the table on
 * the clipboard (for a ticket).
 */
export class ComparePanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private data: CompareViewData | undefined;
  private ready = false;
  private disposed = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel = vscode.window.createWebviewPanel('mailInspector.compare', 'POP3 and IMAP', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableForms: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.webview.html = this.html();
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
    );
  }

  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }

  show(data: CompareViewData): void {
    this.data = data;
    this.panel.title = data.title;
    this.panel.reveal();
    void this.send();
  }

  private async send(): Promise<void> {
    if (this.disposed || !this.ready || !this.data) return;
    await this.panel.webview.postMessage({ type: 'data', data: this.data });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (type === 'ready') {
      // Also after the page was hidden and shown again (its script starts over).
      this.ready = true;
      await this.send();
    } else if (type === 'copy' && this.data) {
      await vscode.env.clipboard.writeText(this.data.markdown);
      this.log.info('Copied the POP3 and IMAP comparison as Markdown.');
      void vscode.window.showInformationMessage('The comparison was copied as a Markdown table.');
    }
  }

  private html(): string {
    return scriptedPage(this.panel.webview, this.extensionUri, {
      title: 'POP3 and IMAP',
      css: 'compare.css',
      script: 'compare.js',
      body: `<header class="toolbar">
  <h1 id="title">Comparing…</h1>
  <button id="copy" type="button" title="Copy the numbers as a Markdown table">Copy as Markdown</button>
</header>
<p id="subtitle" class="subtitle"></p>
<div class="legend"><span class="swatch imap"></span> IMAP <span class="swatch pop3"></span> POP3</div>
<main id="charts"></main>
<h2>Numbers</h2>
<table id="table"></table>`,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}
