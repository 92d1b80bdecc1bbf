import { MimePart, PartTree, TreeNotice, walkParts } from './partTree';

/** How far two sizes of the same part may differ (e.g. when a server stores bare LF line ends as CRLF). */
export type SizeTolerance = (a: number, b: number, part: MimePart) => boolean;

/** Exact sizes: what two views of the same stored bytes must agree on. */
export const EXACT_SIZES: SizeTolerance = (a, b) => a === b;

/**
 * Where two trees of the same message disagree (e.g. BODYSTRUCTURE against the downloaded bytes): parts
 * present in one only, different types, encodings, file names or sizes. Empty when they agree.
 */
export function compareTrees(expected: PartTree, actual: PartTree, sizesMatch: SizeTolerance = EXACT_SIZES): TreeNotice[] {
  const notices: TreeNotice[] = [];
  const bySection = new Map<string, MimePart>();
  for (const part of walkParts(actual.root)) bySection.set(part.section, part);
  const label = (tree: PartTree): string => (tree.source === 'bodystructure' ? "the server's BODYSTRUCTURE" : 'the parsed message');
  for (const a of walkParts(expected.root)) {
    const b = bySection.get(a.section);
    bySection.delete(a.section);
    if (!b) {
      notices.push({ kind: 'structureMismatch', section: a.section, message: `Part ${a.section} (${a.contentType}) is in ${label(expected)} but not in ${label(actual)}.` });
      continue;
    }
    const differences: string[] = [];
    if (a.contentType !== b.contentType) differences.push(`type ${a.contentType} vs ${b.contentType}`);
    if (a.encoding !== b.encoding) differences.push(`encoding ${a.encoding ?? 'none'} vs ${b.encoding ?? 'none'}`);
    if (normCharset(a) !== normCharset(b)) differences.push(`charset ${a.charset ?? 'none'} vs ${b.charset ?? 'none'}`);
    if ((a.fileName ?? '') !== (b.fileName ?? '')) differences.push(`file name ${a.fileName ?? 'none'} vs ${b.fileName ?? 'none'}`);
    if (differences.length > 0) notices.push({ kind: 'structureMismatch', section: a.section, message: `Part ${a.section} differs: ${differences.join(', ')}.` });
    if (a.size !== undefined && b.size !== undefined && !a.contentType.startsWith('multipart/') && !sizesMatch(a.size, b.size, a)) {
      notices.push({ kind: 'sizeMismatch', section: a.section, message: `Part ${a.section} is ${a.size} bytes in ${label(expected)} but ${b.size} in ${label(actual)}.` });
    }
  }
  for (const [section, b] of bySection) {
    notices.push({ kind: 'structureMismatch', section, message: `Part ${section} (${b.contentType}) is in ${label(actual)} but not in ${label(expected)}.` });
  }
  return notices;
}

// A text part without a charset is US-ASCII (RFC 2045); IMAP servers say so explicitly.
function normCharset(part: MimePart): string {
  const c = (part.charset ?? '').toLowerCase();
  return c === '' && part.contentType.startsWith('text/') ? 'us-ascii' : c;
}
