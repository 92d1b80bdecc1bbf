import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The HTML of a webview page of ours (the traffic view, the comparison): a stylesheet and a script from `media/`,
 * nothing else. The CSP allows only the webview's own resources and the one script with a fresh nonce: no inline
 * code, no remote loads.
 */
export function scriptedPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: { title: string; css: string; script: string; body: string }): string {
  const nonce = randomBytes(18).toString('base64url');
  const media = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file)).toString();
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${media(page.css)}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${media(page.script)}"></script>
</body>
</html>`;
}
