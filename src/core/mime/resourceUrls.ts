// How the HTML preview treats a URL found in a message: only data: images and resolved cid: parts load
// by default; anything that would reach the network is "remote" and waits for the user's permission.

/** What a URL would do if the webview followed it. */
export type UrlKind = 'data' | 'cid' | 'fragment' | 'remote' | 'mailto' | 'unsafe';

/** The URL as a browser reads it: ASCII tab/newline removed, surrounding controls and spaces trimmed. */
export function normalizeUrl(url: string): string {
  // eslint-disable-next-line no-control-regex
  return url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

/** Classifies a URL; relative URLs and unknown schemes are 'unsafe' (there is no base to resolve them against). */
export function classifyUrl(url: string): UrlKind {
  const u = normalizeUrl(url);
  const lower = u.toLowerCase();
  if (lower.startsWith('#')) return 'fragment';
  if (lower.startsWith('//')) return 'remote';
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(lower)?.[1];
  switch (scheme) {
    case 'http':
    case 'https':
      return 'remote';
    case 'cid':
      return 'cid';
    case 'data':
      return 'data';
    case 'mailto':
    case 'tel':
      return 'mailto';
    default:
      return 'unsafe';
  }
}

/** The Content-ID a cid: URL names (RFC 2392: percent-encoded, no angle brackets). */
export function contentIdOf(cidUrl: string): string {
  const id = normalizeUrl(cidUrl).slice('cid:'.length);
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** Host of a remote URL, for the "blocked" notice; undefined when it cannot be parsed. */
export function hostOf(url: string): string | undefined {
  const u = normalizeUrl(url);
  try {
    return new URL(u.startsWith('//') ? `https:${u}` : u).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** True for data: URLs of raster or SVG images (SVG in an img element runs no script). */
export function isDataImage(url: string): boolean {
  return /^data:image\/[a-z0-9.+-]+[;,]/i.test(normalizeUrl(url));
}

/** The address a remote URL loads from: a protocol-relative one ("//host/…") is read as https (the preview has no web origin). */
export function remoteAddress(url: string): string {
  const u = normalizeUrl(url);
  return u.startsWith('//') ? `https:${u}` : u;
}

/** True for a remote URL that would travel unencrypted (http:), readable and changeable on the way. */
export function isInsecureRemote(url: string): boolean {
  return /^http:/i.test(normalizeUrl(url));
}
