import render from 'dom-serializer';
import { ChildNode, Element, ParentNode, Text, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { MailError } from '../errors';
import { cssDecision, quoteCss, rewriteCssUrls } from './cssUrls';
import { classifyUrl, contentIdOf, hostOf, isDataImage, isInsecureRemote, normalizeUrl, remoteAddress } from './resourceUrls';

// The HTML preview page. The message's HTML is parsed by htmlparser2 and rebuilt from an allowlist of
// elements and attributes, then serialised by dom-serializer (which escapes text and attribute values).
// Defence in depth: the page's Content-Security-Policy allows no script but ours (by nonce), nothing
// remote unless the user allowed it, no forms, no base URL, no frames — whatever the sanitiser misses.
// Elements whose content a browser reads as raw text (script, noscript, xmp, iframe, …) are dropped with
// their content, so the browser cannot read our output differently from how htmlparser2 read the input;
// only <style> is kept, with "<" escaped inside it.
// Remote content has three states, each with its own policy and banner: blocked (the default), https only
// (after "Load remote content"; http resources stay blocked and the banner says how many and why), and all
// (after a second, explicit "Load insecure http content too").
// The message is shown on its own paper (white, black text, like a mail client) unless it sets its own body
// colours, whatever the editor's theme; the banner and its buttons use the theme's colours (--vscode-*).

/** How much remote content the user allowed for this message. */
export type RemoteContent = 'blocked' | 'https' | 'all';

/** Options for buildHtmlPreview. */
export interface HtmlPreviewOptions {
  /** The webview's own source (`webview.cspSource`); the only non-data origin images and styles may come from. */
  readonly cspSource: string;
  /** Remote images, style sheets and fonts to load: none ('blocked', the default), 'https' only, or 'all' (http too). */
  readonly remote?: RemoteContent;
  /** Nonce of our own script, if the page has one; the CSP then allows exactly that script. */
  readonly nonce?: string;
  /** URI of our own script (e.g. from `webview.asWebviewUri`), loaded with the nonce. */
  readonly scriptUri?: string;
  /** URI of our own style sheet, if any. */
  readonly styleUri?: string;
  /** Turns a Content-ID into a URI for the part (a data: URI or a webview URI); undefined when unknown. */
  readonly resolveCid?: (contentId: string) => string | undefined;
  /** Page title. */
  readonly title?: string;
}

/** The page and what was done to the message's HTML. */
export interface HtmlPreview {
  /** The full HTML page for the webview. */
  readonly html: string;
  /** The Content-Security-Policy the page carries. */
  readonly csp: string;
  /** The remote content state the page was built for. */
  readonly remote: RemoteContent;
  /** Remote resources (images, style sheets, CSS url(), fonts) not loaded, for whatever reason. */
  readonly blockedRemote: number;
  /** Of the remote resources found, those over plain http (loaded only in the 'all' state). */
  readonly insecureRemote: number;
  /** What the banner says ("3 remote resources blocked", "2 insecure http resources not loaded"), or undefined when nothing was held back. */
  readonly blockedNotice: string | undefined;
  /** Hosts the blocked resources were on (at most 20). */
  readonly blockedHosts: readonly string[];
  /** cid: references no part answered to. */
  readonly missingInline: number;
  /** Elements and attributes removed because they are not on the allowlist (scripts, handlers, frames, javascript: URLs, targets, …). */
  readonly removed: number;
}

/** Dropped together with everything inside them. */
const DROP = new Set([
  'script', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'param', 'svg', 'math',
  'title', 'xmp', 'plaintext', 'noembed', 'noframes', 'audio', 'video', 'track', 'canvas', 'base', 'meta', 'portal',
  'dialog', 'slot', 'link', 'marquee',
]);
/** Kept (with allowed attributes only). Anything not listed and not dropped is replaced by its content. */
const KEEP = new Set([
  'a', 'abbr', 'acronym', 'address', 'area', 'article', 'aside', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'button', 'caption',
  'center', 'cite', 'code', 'col', 'colgroup', 'data', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'fieldset',
  'figcaption', 'figure', 'font', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'img', 'input',
  'ins', 'kbd', 'label', 'legend', 'li', 'main', 'map', 'mark', 'menu', 'nav', 'ol', 'optgroup', 'option', 'output', 'p',
  'picture', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section', 'select', 'small', 'source', 'span', 'strike', 'strong',
  'style', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
]);
/** Renamed to div: the body (its colours and style matter), forms (made inert) and text areas (text kept). */
const TO_DIV = new Set(['body', 'form', 'textarea']);
const INERT_CONTROLS = new Set(['input', 'button', 'select', 'textarea', 'option', 'optgroup', 'fieldset']);
const ATTRIBUTES = new Set([
  'id', 'class', 'style', 'title', 'lang', 'dir', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'border',
  'cellpadding', 'cellspacing', 'colspan', 'rowspan', 'face', 'size', 'alt', 'start', 'type', 'value', 'nowrap', 'span',
  'summary', 'headers', 'scope', 'abbr', 'clear', 'hspace', 'vspace', 'datetime', 'role', 'checked', 'selected', 'disabled',
  'readonly', 'placeholder', 'maxlength', 'label', 'open', 'reversed', 'shape', 'coords', 'sizes', 'frame', 'rules', 'char',
  'charoff', 'bordercolor', 'compact', 'noshade', 'hidden', 'text', 'link', 'vlink', 'alink', 'leftmargin', 'topmargin',
  'marginwidth', 'marginheight', 'media',
]);
/** Browsers stop nesting at 512 levels; deeper elements are flattened, which also bounds the serialiser's recursion. */
const MAX_DEPTH = 256;

interface Context {
  readonly remote: RemoteContent;
  readonly resolveCid: (contentId: string) => string | undefined;
  blocked: number;
  insecure: number;
  /** Inline style for our own <body>, from the first body of the message (its colours, its style attribute). */
  bodyStyle: string | undefined;
  missing: number;
  removed: number;
  readonly hosts: Set<string>;
}

/** Builds the webview page for an HTML part: sanitised, strict CSP, remote content blocked unless allowed. */
export function buildHtmlPreview(html: string, options: HtmlPreviewOptions): HtmlPreview {
  // VS Code's webview.cspSource is a list of sources such as "'self' https://*.vscode-cdn.net".
  checkToken(options.cspSource, 'cspSource', /^('self'|[^\s;,'"<>]+)( ('self'|[^\s;,'"<>]+))*$/);
  if (options.nonce !== undefined) checkToken(options.nonce, 'nonce', /^[A-Za-z0-9+/_=-]{16,}$/);
  if (options.scriptUri !== undefined && options.nonce === undefined) throw new MailError('config', 'A script needs a nonce.');
  const remote = options.remote ?? 'blocked';
  const ctx: Context = {
    remote,
    resolveCid: options.resolveCid ?? (() => undefined),
    blocked: 0,
    insecure: 0,
    bodyStyle: undefined,
    missing: 0,
    removed: 0,
    hosts: new Set(),
  };
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  sanitizeTree(document, ctx);
  const body = render(document.children, { encodeEntities: 'utf8', decodeEntities: true });
  const csp = contentSecurityPolicy(options.cspSource, remote, options.nonce);
  const notice = remoteNotice(remote, ctx);
  const page = [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(options.title ?? 'Message')}</title>`,
    `<style>${PREVIEW_STYLE}</style>`,
    options.styleUri ? `<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">` : '',
    '</head>',
    ctx.bodyStyle ? `<body style="${escapeAttribute(ctx.bodyStyle)}">` : '<body>',
    notice?.html ?? '',
    `<div class="mi-message">${body}</div>`,
    options.scriptUri ? `<script nonce="${escapeAttribute(options.nonce ?? '')}" src="${escapeAttribute(options.scriptUri)}"></script>` : '',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n');
  return {
    html: page,
    csp,
    remote,
    blockedRemote: ctx.blocked,
    insecureRemote: ctx.insecure,
    blockedNotice: notice?.text,
    blockedHosts: [...ctx.hosts].slice(0, 20),
    missingInline: ctx.missing,
    removed: ctx.removed,
  };
}

/** The banner for what is still held back, with the choice that loads it; undefined when nothing is. */
function remoteNotice(remote: RemoteContent, ctx: Context): { text: string; html: string } | undefined {
  if (ctx.blocked === 0) return undefined;
  if (remote === 'blocked') {
    const text = `${plural(ctx.blocked, 'remote resource')} blocked`;
    const insecure =
      ctx.insecure === 0 ? '' : ctx.insecure < ctx.blocked ? ` (${ctx.insecure} of them over insecure http)` : ctx.blocked === 1 ? ' (over insecure http)' : ' (all over insecure http)';
    return {
      text,
      html: `<div class="mi-remote-notice" role="status"><span class="mi-notice-text">${escapeText(text + insecure)}.</span> <button type="button" data-mi-action="allowRemote">Load remote content</button></div>`,
    };
  }
  // remote === 'https': everything still blocked is plain http.
  const text = `${plural(ctx.blocked, 'insecure http resource')} not loaded`;
  const why = 'Remote content was allowed over https only: http travels unencrypted, so anyone on the way can read or change it.';
  return {
    text,
    html:
      `<div class="mi-remote-notice mi-insecure" role="status"><span class="mi-notice-text"><strong>${escapeText(text)}.</strong> ${escapeText(why)}</span> ` +
      '<button type="button" class="mi-secondary" data-mi-action="allowInsecure">Load insecure http content too</button></div>',
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The page's policy: nothing remote (unless allowed), no script but ours, no forms, frames or base URL. */
export function contentSecurityPolicy(cspSource: string, allowed: RemoteContent, nonce?: string): string {
  const remote = allowed === 'all' ? ' https: http:' : allowed === 'https' ? ' https:' : '';
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:${remote}`,
    `style-src 'unsafe-inline' ${cspSource}${remote}`,
    `font-src ${cspSource} data:${remote}`,
    nonce ? `script-src 'nonce-${nonce}'` : undefined,
    "form-action 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
  ]
    .filter((d): d is string => d !== undefined)
    .join('; ');
}

// Iterative walk over the parsed document: each element is kept, renamed, replaced by its children, or
// dropped; kept elements are then visited in turn. No recursion, so nesting depth costs no stack.
function sanitizeTree(root: ParentNode, ctx: Context): void {
  const work: Array<{ parent: ParentNode; depth: number }> = [{ parent: root, depth: 0 }];
  while (work.length > 0) {
    const { parent, depth } = work.pop() as { parent: ParentNode; depth: number };
    const pending: ChildNode[] = [...parent.children].reverse();
    const out: ChildNode[] = [];
    while (pending.length > 0) {
      const node = pending.pop() as ChildNode;
      if (isText(node)) {
        out.push(node);
        continue;
      }
      if (!isTag(node)) continue; // comments, CDATA, doctype, processing instructions
      const action = classify(node, depth, ctx);
      if (action === 'drop') continue;
      if (action === 'unwrap') {
        for (let i = node.children.length - 1; i >= 0; i--) pending.push(node.children[i]);
        continue;
      }
      out.push(node);
      if (node.name === 'style') sanitizeStyleElement(node, ctx);
      else work.push({ parent: node, depth: depth + 1 });
    }
    setChildren(parent, out);
  }
}

function classify(el: Element, depth: number, ctx: Context): 'keep' | 'unwrap' | 'drop' {
  const name = el.name;
  if (name === 'link') return remoteStyleSheet(el, ctx) ? 'keep' : 'drop';
  if (DROP.has(name)) {
    if (name !== 'title') ctx.removed++;
    return 'drop';
  }
  if (depth >= MAX_DEPTH) return 'unwrap';
  if (TO_DIV.has(name)) {
    const original = name;
    el.name = 'div';
    sanitizeAttributes(el, original, ctx);
    if (original === 'body' && ctx.bodyStyle === undefined) liftBodyStyle(el, ctx);
    el.attribs.class = [`mi-${original}`, el.attribs.class].filter(Boolean).join(' ');
    return 'keep';
  }
  if (!KEEP.has(name)) return 'unwrap';
  if (name === 'source' && el.parent && isTag(el.parent) && el.parent.name !== 'picture') return 'drop';
  sanitizeAttributes(el, name, ctx);
  return 'keep';
}

function sanitizeAttributes(el: Element, originalName: string, ctx: Context): void {
  const attribs: Record<string, string> = {};
  for (const [key, value] of Object.entries(el.attribs)) {
    if (ATTRIBUTES.has(key) || key.startsWith('aria-')) {
      attribs[key] = key === 'style' ? rewriteCssUrls(value, (url) => cssUrlDecision(url, ctx)) : value;
    } else if (key === 'name' && (originalName === 'a' || originalName === 'map')) {
      // Named anchors and image maps need their name; on other elements a name can shadow document properties.
      attribs.name = value;
    } else if (key === 'href' && (originalName === 'a' || originalName === 'area')) {
      const kind = classifyUrl(value);
      if (kind === 'remote' || kind === 'mailto' || kind === 'fragment') attribs['data-href'] = normalizeUrl(value);
      else ctx.removed++;
    } else if (key === 'usemap' && classifyUrl(value) === 'fragment') {
      attribs.usemap = value;
    } else if (key === 'src' && originalName === 'img') {
      const url = imageUrl(value, ctx);
      if (url !== undefined) attribs.src = url;
    } else if (key === 'srcset' && (originalName === 'img' || originalName === 'source')) {
      const set = imageSrcset(value, ctx);
      if (set !== undefined) attribs.srcset = set;
    } else if (key === 'background') {
      const url = imageUrl(value, ctx);
      if (url !== undefined) attribs.background = url;
    } else {
      // Event handlers (on*), form targets, data-* (our own markers must not be forged), ping, xlink, …
      ctx.removed++;
    }
  }
  if (INERT_CONTROLS.has(originalName)) attribs.disabled = '';
  el.attribs = attribs;
}

/**
 * The message's body becomes a div inside our page, where bgcolor, text and background mean nothing and its
 * style would paint only a box: they go onto our own <body> instead, so a mail that sets its own colours gets
 * them over the whole page (and the default white paper otherwise).
 */
function liftBodyStyle(el: Element, ctx: Context): void {
  const declarations: string[] = [];
  const background = legacyColor(el.attribs.bgcolor);
  const text = legacyColor(el.attribs.text);
  if (background) declarations.push(`background-color:${background}`);
  if (text) declarations.push(`color:${text}`);
  if (el.attribs.background) declarations.push(`background-image:url(${quoteCss(el.attribs.background)})`);
  const style = el.attribs.style?.trim();
  if (style) declarations.push(style.replace(/;+$/, ''));
  for (const key of ['bgcolor', 'text', 'background', 'style']) delete el.attribs[key];
  ctx.bodyStyle = declarations.join(';');
}

/** A colour from a legacy attribute (bgcolor="#222", bgcolor="222222", text="white"), or undefined when it is not one. */
function legacyColor(value: string | undefined): string | undefined {
  const v = value?.trim() ?? '';
  if (/^[0-9a-f]{6}$/i.test(v)) return `#${v}`; // browsers read a bare "eeeeee" as hex
  if (/^#[0-9a-f]{3,8}$/i.test(v) || /^[a-z]{3,30}$/i.test(v)) return v;
  return undefined;
}

/** The URL a remote resource loads from in the page's state, or undefined (counted) when it must not load. */
function remoteUrl(url: string, ctx: Context): string | undefined {
  const address = remoteAddress(url);
  const insecure = isInsecureRemote(address);
  if (insecure) ctx.insecure++;
  if (ctx.remote === 'all' || (ctx.remote === 'https' && !insecure)) return address;
  block(address, ctx);
  return undefined;
}

/** The URL an image may load from, or undefined when it must not load. */
function imageUrl(value: string, ctx: Context): string | undefined {
  switch (classifyUrl(value)) {
    case 'data':
      if (isDataImage(value)) return normalizeUrl(value);
      ctx.removed++;
      return undefined;
    case 'cid': {
      const resolved = ctx.resolveCid(contentIdOf(value));
      if (resolved === undefined) ctx.missing++;
      return resolved;
    }
    case 'remote':
      return remoteUrl(value, ctx);
    default:
      ctx.removed++;
      return undefined;
  }
}

/** A srcset with the candidates that may load (the others counted), or undefined when none may. */
function imageSrcset(value: string, ctx: Context): string | undefined {
  // Candidates are separated by a comma followed by white space (a data: URL has commas of its own).
  const candidates = value.split(/,\s+/).map((c) => c.trim()).filter(Boolean);
  const out: string[] = [];
  for (const candidate of candidates) {
    const [url, ...descriptor] = candidate.split(/\s+/);
    const resolved = imageUrl(url, ctx);
    if (resolved !== undefined) out.push([resolved, ...descriptor].join(' '));
  }
  return out.length === 0 ? undefined : out.join(', ');
}

function cssUrlDecision(url: string, ctx: Context): ReturnType<typeof cssDecision> {
  const kind = classifyUrl(url);
  const decision = cssDecision(url, (remote) => remoteUrl(remote, ctx), (cid) => {
    const resolved = ctx.resolveCid(contentIdOf(cid));
    if (resolved === undefined) ctx.missing++;
    return resolved;
  });
  // Remote URLs are counted by remoteUrl, missing cid: parts as missing; anything else blocked was unsafe.
  if (decision.action === 'block' && kind !== 'remote' && kind !== 'cid') ctx.removed++;
  return decision;
}

function sanitizeStyleElement(el: Element, ctx: Context): void {
  const css = el.children.map((c) => (isText(c) ? c.data : '')).join('');
  // "<" cannot occur in valid CSS outside strings, where the escape means the same: "</style" can never appear.
  const safe = rewriteCssUrls(css, (url) => cssUrlDecision(url, ctx)).replace(/</g, '\\3c ');
  const media = el.attribs.media;
  el.attribs = media ? { media } : {};
  setChildren(el, [new Text(safe)]);
}

/** Keeps a remote style sheet link when the page's state allows its URL; otherwise counts and drops it. */
function remoteStyleSheet(el: Element, ctx: Context): boolean {
  const href = el.attribs.href;
  const stylesheet = /(^|\s)stylesheet(\s|$)/i.test(el.attribs.rel ?? '');
  // Icons, prefetches and other links are not content: never loaded, whatever the state.
  if (href === undefined || !stylesheet || classifyUrl(href) !== 'remote') {
    ctx.removed++;
    return false;
  }
  const url = remoteUrl(href, ctx);
  if (url === undefined) return false;
  el.attribs = { rel: 'stylesheet', href: url, ...(el.attribs.media ? { media: el.attribs.media } : {}) };
  return true;
}

function block(url: string, ctx: Context): void {
  ctx.blocked++;
  const host = hostOf(url);
  if (host && ctx.hosts.size < 20) ctx.hosts.add(host);
}

function setChildren(parent: ParentNode, children: ChildNode[]): void {
  parent.children = children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    child.parent = parent;
    child.prev = children[i - 1] ?? null;
    child.next = children[i + 1] ?? null;
  }
}

function checkToken(value: string, name: string, pattern: RegExp): void {
  if (!pattern.test(value)) throw new MailError('config', `Invalid ${name} for the HTML preview.`);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/**
 * Our style, first in the page so that the message's own rules (later, same specificity) win over the paper.
 * Paper: the message reads like in a mail client, black on white, whatever the editor's theme (VS Code's own
 * webview defaults give links, code and quotes theme colours: reset here, under :where() so that they weigh no
 * more than a plain element selector). Chrome (the banner and its buttons): the theme's colours.
 */
export const PREVIEW_STYLE = [
  // The body's background then covers the whole view (a transparent root passes it on to the canvas).
  'html{background-color:transparent}',
  'body{margin:0;padding:0;background-color:#fff;color:#000}',
  '.mi-message{padding:8px 12px;color-scheme:light}',
  ':where(.mi-message) a,:where(.mi-message) a:hover,:where(.mi-message) a code{color:#0000ee}',
  ':where(.mi-message) code{color:inherit;background:none;padding:0;border-radius:0;font-family:monospace}',
  ':where(.mi-message) blockquote{background:none;border-color:#ccc}',
  '.mi-remote-notice{position:sticky;top:0;z-index:2147483647;display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px;padding:6px 12px;',
  'font-family:var(--vscode-font-family,sans-serif);font-size:var(--vscode-font-size,13px);line-height:1.4;',
  'color:var(--vscode-editorWidget-foreground,var(--vscode-foreground));background:var(--vscode-editorWidget-background);',
  'border-bottom:1px solid var(--vscode-editorWidget-border,var(--vscode-widget-border,var(--vscode-contrastBorder)))}',
  '.mi-remote-notice.mi-insecure{border-left:3px solid var(--vscode-editorWarning-foreground)}',
  '.mi-remote-notice button{font:inherit;padding:2px 10px;border:1px solid var(--vscode-button-border,transparent);border-radius:2px;cursor:pointer;',
  'color:var(--vscode-button-foreground);background:var(--vscode-button-background)}',
  '.mi-remote-notice button:hover{background:var(--vscode-button-hoverBackground)}',
  '.mi-remote-notice button.mi-secondary{color:var(--vscode-button-secondaryForeground);background:var(--vscode-button-secondaryBackground)}',
  '.mi-remote-notice button.mi-secondary:hover{background:var(--vscode-button-secondaryHoverBackground)}',
  '.mi-remote-notice button:focus-visible{outline:1px solid var(--vscode-focusBorder);outline-offset:2px}',
  '[data-href]{cursor:pointer;text-decoration:underline}',
  '.mi-textarea{white-space:pre-wrap;border:1px solid #999;padding:2px}',
].join('');
