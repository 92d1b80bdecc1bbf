import render from 'dom-serializer';
import { ChildNode, Element, ParentNode, Text, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { MailError } from '../errors';
import { cssDecision, rewriteCssUrls } from './cssUrls';
import { classifyUrl, contentIdOf, hostOf, isDataImage, normalizeUrl } from './resourceUrls';

// The HTML preview page. The message's HTML is parsed by htmlparser2 and rebuilt from an allowlist of
// elements and attributes, then serialised by dom-serializer (which escapes text and attribute values).
// Defence in depth: the page's Content-Security-Policy allows no script but ours (by nonce), nothing
// remote unless the user allowed it, no forms, no base URL, no frames — whatever the sanitiser misses.
// Elements whose content a browser reads as raw text (script, noscript, xmp, iframe, …) are dropped with
// their content, so the browser cannot read our output differently from how htmlparser2 read the input;
// only <style> is kept, with "<" escaped inside it.

/** Options for buildHtmlPreview. */
export interface HtmlPreviewOptions {
  /** The webview's own source (`webview.cspSource`); the only non-data origin images and styles may come from. */
  readonly cspSource: string;
  /** Load remote images, style sheets and fonts (https only). False by default: they are blocked and counted. */
  readonly allowRemote?: boolean;
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
  /** Remote resources (images, style sheets, CSS url(), fonts) not loaded because allowRemote was false. */
  readonly blockedRemote: number;
  /** "3 remote resources blocked", or undefined when none were. */
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
  readonly allowRemote: boolean;
  readonly resolveCid: (contentId: string) => string | undefined;
  blocked: number;
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
  const ctx: Context = {
    allowRemote: options.allowRemote === true,
    resolveCid: options.resolveCid ?? (() => undefined),
    blocked: 0,
    missing: 0,
    removed: 0,
    hosts: new Set(),
  };
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  sanitizeTree(document, ctx);
  const body = render(document.children, { encodeEntities: 'utf8', decodeEntities: true });
  const csp = contentSecurityPolicy(options.cspSource, ctx.allowRemote, options.nonce);
  const blockedNotice = ctx.blocked > 0 ? `${ctx.blocked} remote resource${ctx.blocked === 1 ? '' : 's'} blocked` : undefined;
  const page = [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(options.title ?? 'Message')}</title>`,
    `<style>${BASE_STYLE}</style>`,
    options.styleUri ? `<link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">` : '',
    '</head>',
    '<body>',
    blockedNotice
      ? `<div class="mi-remote-notice" role="status"><span>${escapeText(blockedNotice)}.</span> <button type="button" data-mi-action="allowRemote">Load remote content</button></div>`
      : '',
    `<div class="mi-message">${body}</div>`,
    options.scriptUri ? `<script nonce="${escapeAttribute(options.nonce ?? '')}" src="${escapeAttribute(options.scriptUri)}"></script>` : '',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n');
  return { html: page, csp, blockedRemote: ctx.blocked, blockedNotice, blockedHosts: [...ctx.hosts].slice(0, 20), missingInline: ctx.missing, removed: ctx.removed };
}

/** The page's policy: nothing remote (unless allowed), no script but ours, no forms, frames or base URL. */
export function contentSecurityPolicy(cspSource: string, allowRemote: boolean, nonce?: string): string {
  const remote = allowRemote ? ' https:' : '';
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
      if (ctx.allowRemote) return normalizeUrl(value);
      block(value, ctx);
      return undefined;
    default:
      ctx.removed++;
      return undefined;
  }
}

/** A srcset with every candidate allowed, or undefined when one of them must not load. */
function imageSrcset(value: string, ctx: Context): string | undefined {
  // Candidates are separated by a comma followed by white space (a data: URL has commas of its own).
  const candidates = value.split(/,\s+/).map((c) => c.trim()).filter(Boolean);
  const out: string[] = [];
  let refused = false;
  for (const candidate of candidates) {
    const [url, ...descriptor] = candidate.split(/\s+/);
    const kind = classifyUrl(url);
    if (kind === 'remote' && !ctx.allowRemote) {
      block(url, ctx);
      refused = true;
      continue;
    }
    const resolved = kind === 'remote' ? normalizeUrl(url) : imageUrl(url, ctx);
    if (resolved === undefined) refused = true;
    else out.push([resolved, ...descriptor].join(' '));
  }
  return refused || out.length === 0 ? undefined : out.join(', ');
}

function cssUrlDecision(url: string, ctx: Context): ReturnType<typeof cssDecision> {
  const decision = cssDecision(url, ctx.allowRemote, (cid) => {
    const resolved = ctx.resolveCid(contentIdOf(cid));
    if (resolved === undefined) ctx.missing++;
    return resolved;
  });
  if (decision.action === 'block' && classifyUrl(url) === 'remote') block(url, ctx);
  else if (decision.action === 'block' && classifyUrl(url) !== 'cid') ctx.removed++;
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

/** Keeps a remote style sheet link (https only) when remote content is allowed; otherwise counts and drops it. */
function remoteStyleSheet(el: Element, ctx: Context): boolean {
  const href = el.attribs.href;
  const stylesheet = /(^|\s)stylesheet(\s|$)/i.test(el.attribs.rel ?? '');
  if (href === undefined || classifyUrl(href) !== 'remote') {
    ctx.removed++;
    return false;
  }
  if (!ctx.allowRemote) {
    block(href, ctx);
    return false;
  }
  if (!stylesheet || !/^https:/i.test(normalizeUrl(href))) return false;
  el.attribs = { rel: 'stylesheet', href: normalizeUrl(href), ...(el.attribs.media ? { media: el.attribs.media } : {}) };
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

const BASE_STYLE = [
  'body{margin:0;padding:0}',
  '.mi-message{padding:8px 12px}',
  '.mi-remote-notice{position:sticky;top:0;z-index:2147483647;padding:6px 12px;font:13px sans-serif;background:#fff3cd;color:#5c4400;border-bottom:1px solid #e0c36b}',
  '[data-href]{cursor:pointer;text-decoration:underline}',
  '.mi-textarea{white-space:pre-wrap;border:1px solid #999;padding:2px}',
].join('');
