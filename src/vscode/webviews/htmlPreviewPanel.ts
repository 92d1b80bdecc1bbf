import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { MessageInspector } from '../../core/inspect/messageInspector';
import type { HtmlPreview, RemoteContent } from '../../core/mime/htmlPreview';
import { cidPartsFor, MAX_INLINE_BYTES } from '../../core/mime/cidParts';
import { MimePart } from '../../core/mime/partTree';

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface PreviewMessage {
  type?: unknown;
  url?: unknown;
}

/**
 * A webview showing one HTML part: sanitised, no scripts but our click forwarder, nothing remote until
 * the user clicks "Load remote content" (https, per message) and nothing over plain http until a second,
 * explicit "Load insecure http content too"; links opened only after confirmation.
 */
export class HtmlPreviewPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private remote: RemoteContent = 'blocked';
  /** What the last render did (tests and the status read it). */
  last: HtmlPreview | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly inspector: MessageInspector,
    private readonly part: MimePart,
    title: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.panel = vscode.window.createWebviewPanel('mailInspector.htmlPreview', `Preview: ${title}`, vscode.ViewColumn.Active, {
      enableScripts: true, // only our nonce'd script runs: the CSP allows nothing else
      enableForms: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.subscriptions.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: PreviewMessage) => void this.onMessage(m)),
    );
  }

  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }

  reveal(): void {
    this.panel.reveal();
  }

  async render(signal?: AbortSignal): Promise<HtmlPreview> {
    const content = await this.inspector.content(this.part.section, 'decoded', signal);
    const html = content.decoded?.text ?? '';
    const cids = await this.inlineImages(html, signal);
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64url');
    // The HTML sanitiser (htmlparser2, entities, dom-serializer, postcss-value-parser) is loaded on the first
    // preview only: webpack puts it in a chunk of its own, so activation does not pay for it.
    const { buildHtmlPreview } = await import(/* webpackChunkName: "htmlPreview" */ '../../core/mime/htmlPreview');
    const preview = buildHtmlPreview(html, {
      cspSource: webview.cspSource,
      remote: this.remote,
      nonce,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.js')).toString(),
      resolveCid: (id) => cids.get(id) ?? cids.get(id.toLowerCase()) ?? [...cids].find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1],
      title: this.panel.title,
    });
    webview.html = preview.html;
    this.last = preview;
    this.log.info(
      `Preview of part ${this.part.section} (remote content: ${preview.remote}): ${preview.blockedRemote} remote resources not loaded (${preview.insecureRemote} over http), ` +
        `${preview.removed} unsafe elements/attributes removed, ${preview.missingInline} inline images missing.`,
    );
    return preview;
  }

  /** data: URIs for the sibling parts the HTML references by Content-ID (fetched one by one over IMAP). */
  private async inlineImages(html: string, signal?: AbortSignal): Promise<Map<string, string>> {
    const wanted = new Set([...html.matchAll(/cid:([^"'\s)>]+)/gi)].map((m) => safeDecode(m[1] ?? '').toLowerCase()));
    const result = new Map<string, string>();
    if (wanted.size === 0) return result;
    const tree = await this.inspector.tree(signal);
    for (const [id, part] of cidPartsFor(tree, this.part)) {
      if (!wanted.has(id.toLowerCase()) || !part.contentType.startsWith('image/') || (part.size ?? 0) > MAX_INLINE_BYTES * 1.4) continue;
      const bytes = (await this.inspector.content(part.section, 'decoded', signal)).decoded?.binary;
      if (bytes && bytes.length <= MAX_INLINE_BYTES) result.set(id, `data:${part.contentType};base64,${bytes.toString('base64')}`);
    }
    return result;
  }

  private async onMessage(message: PreviewMessage): Promise<void> {
    const next: RemoteContent | undefined = message.type === 'allowRemote' ? (this.remote === 'all' ? 'all' : 'https') : message.type === 'allowInsecure' ? 'all' : undefined;
    if (next !== undefined) {
      this.remote = next;
      await this.render().catch((e: unknown) => this.log.error(`Preview failed: ${String(e)}`));
    } else if (message.type === 'openLink' && typeof message.url === 'string') {
      await openLinkAfterConfirmation(message.url);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}

/** Links from mail open in the browser only after the user confirms the exact address. */
export async function openLinkAfterConfirmation(url: string): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(url, true);
  } catch {
    return;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) return;
  const choice = await vscode.window.showWarningMessage('Open this link from the message?', { modal: true, detail: url }, 'Open Link');
  if (choice === 'Open Link') await vscode.env.openExternal(uri);
}
