import valueParser from 'postcss-value-parser';
import { classifyUrl } from './resourceUrls';

// CSS in a message (style elements and style attributes) can load images, fonts and style sheets through
// url(), image-set() and @import. postcss-value-parser tokenises the CSS (strings, comments, functions,
// escapes) so that every URL is found and can be replaced without touching the rest of the text.

/** What to do with one URL found in CSS: keep it, replace it with another URL, or block it. */
export type CssUrlDecision = { action: 'keep' } | { action: 'replace'; url: string } | { action: 'block' };

const URL_FUNCTIONS = /(^|[^a-z0-9_-])url$/;
const SET_FUNCTIONS = new Set(['image-set', '-webkit-image-set', 'image', 'cross-fade', '-webkit-cross-fade', 'src']);

/** Rewrites every URL in a piece of CSS as `decide` says; a blocked URL becomes `none`. */
export function rewriteCssUrls(css: string, decide: (url: string) => CssUrlDecision): string {
  const parsed = valueParser(css);
  let previousWord = '';
  parsed.walk((node) => {
    if (node.type === 'space' || node.type === 'comment') return;
    if (node.type === 'function') {
      const name = unescapeCss(node.value).toLowerCase();
      if (URL_FUNCTIONS.test(name)) {
        // The tokeniser glues text that has no separator before "url(" to its name (e.g. "a{b:c}url"): keep it.
        const prefix = /url$/i.test(node.value) ? node.value.slice(0, -3) : '';
        const url = urlOfFunction(node);
        applyDecision(node, prefix, url, decide(url));
        previousWord = '';
        return false;
      }
      if (SET_FUNCTIONS.has(name)) {
        // Strings inside image-set() and friends are URLs too.
        valueParser.walk(node.nodes, (inner) => {
          if (inner.type === 'string') applyString(inner, decide(inner.value));
        });
      }
    }
    if (node.type === 'string' && /@import$/i.test(unescapeCss(previousWord))) applyString(node, decide(node.value));
    previousWord = node.type === 'word' ? node.value : '';
    return undefined;
  });
  return parsed.toString();
}

/** Every URL that CSS refers to (for counting), without changing it. */
export function cssUrls(css: string): string[] {
  const found: string[] = [];
  rewriteCssUrls(css, (url) => {
    found.push(url);
    return { action: 'keep' };
  });
  return found;
}

/**
 * The decision most callers want: data: kept, cid: resolved, remote as `remote` says (the URL to load, which may
 * differ from the one written, or undefined to block it).
 */
export function cssDecision(url: string, remote: (url: string) => string | undefined, resolveCid: (url: string) => string | undefined): CssUrlDecision {
  switch (classifyUrl(url)) {
    case 'data':
    case 'fragment':
      return { action: 'keep' };
    case 'cid': {
      const resolved = resolveCid(url);
      return resolved ? { action: 'replace', url: resolved } : { action: 'block' };
    }
    case 'remote': {
      const allowed = remote(url);
      return allowed === undefined ? { action: 'block' } : allowed === url ? { action: 'keep' } : { action: 'replace', url: allowed };
    }
    default:
      return { action: 'block' };
  }
}

function urlOfFunction(node: valueParser.FunctionNode): string {
  const inner = node.nodes.filter((n) => n.type !== 'space' && n.type !== 'comment');
  if (inner.length === 1 && inner[0].type === 'string') return inner[0].value;
  return unescapeCss(valueParser.stringify(node.nodes).trim());
}

function applyDecision(node: valueParser.Node, prefix: string, _url: string, decision: CssUrlDecision): void {
  if (decision.action === 'keep') return;
  const replacement = decision.action === 'replace' ? `${prefix}url(${quoteCss(decision.url)})` : `${prefix}none`;
  Object.assign(node, { type: 'word', value: replacement, nodes: undefined });
}

function applyString(node: valueParser.StringNode, decision: CssUrlDecision): void {
  if (decision.action === 'keep') return;
  if (decision.action === 'replace') node.value = decision.url;
  else Object.assign(node, { type: 'word', value: 'none' });
}

/** A CSS string literal for any text. */
export function quoteCss(text: string): string {
  return `"${text.replace(/[\\"\n\r\f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/** Undoes CSS escapes (\75 or \u), which a browser applies to names and URLs before reading them. */
export function unescapeCss(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\([^\n\r\f0-9a-fA-F])/g, (_m, hex: string | undefined, char: string | undefined) => {
    if (hex) {
      const code = parseInt(hex, 16);
      return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\ufffd' : String.fromCodePoint(code);
    }
    return char ?? '';
  });
}
