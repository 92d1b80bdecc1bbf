import { decodeTransferEncoding } from './decodePart';
import { MimePart, PartTree, ancestorsOf } from './partTree';

/** Images larger than this are not inlined as data: URIs (the webview would hold them as text). */
export const MAX_INLINE_BYTES = 10 * 1024 * 1024;

/**
 * The parts an HTML part may reference with cid: URLs, keyed by Content-ID: the parts of its nearest
 * multipart/related, or else of the message (or encapsulated message) it belongs to.
 */
export function cidPartsFor(tree: PartTree, htmlPart: MimePart): Map<string, MimePart> {
  const ancestors = ancestorsOf(tree.root, htmlPart);
  let scope = tree.root;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i];
    if (a.contentType === 'multipart/related') {
      scope = a;
      break;
    }
    if (a.message) {
      // The HTML part lies inside this encapsulated message: its images are that message's parts.
      scope = a.message.root;
      break;
    }
  }
  const found = new Map<string, MimePart>();
  // Within the scope only: an encapsulated message's parts belong to that message's HTML.
  const stack: MimePart[] = [scope];
  while (stack.length > 0) {
    const part = stack.pop() as MimePart;
    if (part.contentId && part !== htmlPart && !found.has(part.contentId)) found.set(part.contentId, part);
    for (const child of part.children) stack.push(child);
  }
  return found;
}

/** A data: URI holding a part's decoded content (`body` is the part's body as stored, still encoded). */
export function dataUriFor(part: Pick<MimePart, 'contentType' | 'encoding'>, body: Buffer): string {
  const bytes = decodeTransferEncoding(body, part.encoding).bytes;
  return `data:${part.contentType};base64,${bytes.toString('base64')}`;
}

/**
 * A `resolveCid` for buildHtmlPreview: Content-ID → data: URI of the matching sibling part. `bodyOf` returns
 * a part's stored body, or undefined when it is not at hand (for IMAP, fetch the parts of cidPartsFor first).
 */
export function cidUriResolver(tree: PartTree, htmlPart: MimePart, bodyOf: (part: MimePart) => Buffer | undefined, maxBytes = MAX_INLINE_BYTES): (contentId: string) => string | undefined {
  const parts = cidPartsFor(tree, htmlPart);
  const lower = new Map([...parts].map(([id, part]) => [id.toLowerCase(), part]));
  return (contentId) => {
    const part = parts.get(contentId) ?? lower.get(contentId.toLowerCase());
    if (!part || !part.contentType.startsWith('image/') || (part.size ?? 0) > maxBytes) return undefined;
    const body = bodyOf(part);
    return body === undefined ? undefined : dataUriFor(part, body);
  };
}
