// Every request Chromium makes while a test runs: the page's (its frames and webviews included) and the browser
// context's (service workers too), to check that nothing leaves for a host other than the editor's own.
import type { BrowserContext, Page, Request } from 'playwright-core';

export interface RecordedRequest {
  readonly url: string;
  /** The frame's URL, or "(service worker)". */
  readonly from: string;
}

export class NetworkLog {
  private readonly recorded = new Set<Request>();
  private readonly onRequest = (request: Request): void => {
    this.recorded.add(request);
  };

  private constructor(private readonly page: Page, private readonly context: BrowserContext) {
    page.on('request', this.onRequest);
    context.on('request', this.onRequest);
  }

  /** Starts recording the page's and its browser context's requests. */
  static start(page: Page): NetworkLog {
    return new NetworkLog(page, page.context());
  }

  get count(): number {
    return this.recorded.size;
  }

  /**
   * Requests that left the browser for a host not in `hosts`. Not counted: data: and blob: URLs, and requests a
   * service worker answered itself (a webview's own files have https://*.vscode-resource.vscode-cdn.net
   * addresses that VS Code's webview service worker serves from the editor; they never reach the network).
   */
  async leftTheBrowser(hosts: readonly string[]): Promise<RecordedRequest[]> {
    const out: RecordedRequest[] = [];
    for (const request of this.recorded) {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || hosts.includes(url.hostname)) continue;
      const response = await request.response().catch(() => null);
      if (response?.fromServiceWorker()) continue;
      out.push({ url: request.url(), from: describeOrigin(request) });
    }
    return out;
  }

  stop(): void {
    this.page.off('request', this.onRequest);
    this.context.off('request', this.onRequest);
  }
}

function describeOrigin(request: Request): string {
  if (request.serviceWorker()) return '(service worker)';
  try {
    return request.frame().url();
  } catch {
    return '(no frame)';
  }
}
