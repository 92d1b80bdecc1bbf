import { decodePartContent } from '../mime/decodePart';
import { partBytes } from '../mime/partBytes';
import { PartTree, walkParts } from '../mime/partTree';
import { deceptiveLinks, type DeceptiveLink } from './deceptiveLinks';

/** The deceptive links of every HTML part of a message (tree parsed from `raw`). */
export function htmlLinks(raw: Buffer, tree: PartTree): DeceptiveLink[] {
  const found: DeceptiveLink[] = [];
  for (const part of walkParts(tree.root)) {
    if (part.contentType !== 'text/html' || !part.bytes || part.disposition === 'attachment') continue;
    const html = decodePartContent(part, partBytes(raw, part)).text ?? '';
    found.push(...deceptiveLinks(html, part.section));
  }
  return found;
}
