import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
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
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64url');
    const media = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file)).toString();
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${media('compare.css')}">
<title>POP3 and IMAP</title>
</head>
<body>
<header class="toolbar">
  <h1 id="title">Comparing…</h1>
  <button id="copy" type="button" title="Copy the numbers as a Markdown table">Copy as Markdown</button>
</header>
<p id="subtitle" class="subtitle"></p>
<div class="legend"><span class="swatch imap"></span> IMAP <span class="swatch pop3"></span> POP3</div>
<main id="charts"></main>
<h2>Numbers</h2>
<table id="table"></table>
<script nonce="${nonce}" src="${media('compare.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}
