import { Element, isTag } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

// A phishing hint: a link whose visible text reads as one web address while its target is on another
// domain ("www.bank.example" leading to bank.example.attacker.test). Links are only read, never fetched.

export interface DeceptiveLink {
  /** The HTML part it is in. */
  readonly section: string;
  readonly text: string;
  readonly href: string;
  readonly shownHost: string;
  readonly targetHost: string;
}

const MAX_LINKS = 200;

/** The host a visible text names, when the whole text reads as a web address or a domain name. */
function shownHostOf(text: string): string | undefined {
  const t = text.trim().replace(/^<|>$/g, '');
  const m = /^(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})(?::\d+)?(?:[/?#]\S*)?$/i.exec(t);
  return m ? m[1].toLowerCase() : undefined;
}

function targetHostOf(href: string): string | undefined {
  try {
    const url = new URL(href.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Same site when one host is the other or below it ("example.com" and "www.example.com"). */
function sameSite(a: string, b: string): boolean {
  const strip = (h: string): string => h.replace(/\.$/, '');
  const [x, y] = [strip(a), strip(b)];
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** The deceptive links of one HTML part's text. */
export function deceptiveLinks(html: string, section: string): DeceptiveLink[] {
  const found: DeceptiveLink[] = [];
  const anchors = DomUtils.findAll((node): node is Element => isTag(node) && node.name === 'a' && typeof node.attribs.href === 'string', parseDocument(html).children).slice(0, MAX_LINKS);
  for (const anchor of anchors) {
    const href = anchor.attribs.href ?? '';
    const text = DomUtils.textContent(anchor).replace(/\s+/g, ' ').trim();
    const shownHost = shownHostOf(text);
    const targetHost = targetHostOf(href);
    if (shownHost && targetHost && !sameSite(shownHost, targetHost)) found.push({ section, text, href, shownHost, targetHost });
  }
  return found;
}
