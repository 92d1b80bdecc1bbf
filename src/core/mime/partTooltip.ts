import { checksumsOf } from '../auth/partChecksums';
import { formatBytes, formatBytesExact } from '../format';
import type { Cancel } from '../mailStore';
import { escapeMarkdown } from '../markdown';
import { isMultipart, MimePart } from './partTree';

// The tooltip of a part row in the Accounts and Message Files views, as Markdown. A leaf's tooltip also carries
// the SHA-256 and MD5 of its decoded bytes (issue 14), so a file can be compared with a published checksum or a
// scanner's report without saving it; the tree asks for them only when the tooltip is shown.

/**
 * Above this size as stored, hovering a part does not fetch it for its checksums: a tooltip should not start a
 * download of many megabytes. Check Authentication lists every attachment's checksums from the whole message.
 */
export const TOOLTIP_CHECKSUM_LIMIT = 10 * 1024 * 1024;

/** The checksums of a leaf part for its tooltip, or why there are none. */
export type PartChecksums =
  | { readonly kind: 'computed'; readonly sha256: string; readonly md5: string; /** decoded size */ readonly size: number }
  | { readonly kind: 'tooLarge'; readonly limit: number }
  | { readonly kind: 'failed'; readonly why: string };

export interface PartTooltipOptions {
  /** True when opening the part fetches that part alone (IMAP with a readable BODYSTRUCTURE). */
  readonly partial: boolean;
  /** A leaf's checksums, once resolved; left out while they are not asked for yet. */
  readonly checksums?: PartChecksums;
}

/** Whether a part's row has content of its own (not a multipart container or an encapsulated message). */
export function isLeafPart(part: MimePart): boolean {
  return !isMultipart(part) && !part.message;
}

/** Where a part's decoded bytes come from (MessageInspector: IMAP fetches the one part). */
export interface PartBodySource {
  bodyBytes(section: string, signal?: Cancel): Promise<Buffer>;
}

/**
 * The checksums of a leaf part, fetching its bytes (nothing is fetched for a part over `limit` as stored). A
 * failure is told in the tooltip; a cancelled hover rejects, as the fetch does.
 */
export async function partChecksums(source: PartBodySource, part: MimePart, signal?: Cancel, limit = TOOLTIP_CHECKSUM_LIMIT): Promise<PartChecksums> {
  if ((part.size ?? 0) > limit) return { kind: 'tooLarge', limit };
  try {
    const bytes = await source.bodyBytes(part.section, signal);
    return { kind: 'computed', size: bytes.length, ...checksumsOf(bytes) };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { kind: 'failed', why: error instanceof Error ? error.message : String(error) };
  }
}

function checksumLines(checksums: PartChecksums): string {
  switch (checksums.kind) {
    case 'computed':
      return `SHA-256: \`${checksums.sha256}\`\n\nMD5: \`${checksums.md5}\`\n\n_Of the ${formatBytesExact(checksums.size)} decoded (what Save Part As… writes)._\n\n`;
    case 'tooLarge':
      return `Checksums: not fetched for a part over ${formatBytes(checksums.limit)} just to show a tooltip; Check Authentication lists them for every attachment.\n\n`;
    case 'failed':
      return `Checksums: could not be computed (${escapeMarkdown(checksums.why)}).\n\n`;
  }
}

/** The part's tooltip as Markdown: type, file name, charset, encoding, size, disposition, Content-ID, checksums. */
export function partTooltipMarkdown(part: MimePart, options: PartTooltipOptions): string {
  let t = `**Part ${part.section}** \`${part.contentType}\`\n\n`;
  const row = (k: string, v: string | undefined): void => {
    if (v) t += `${k}: ${escapeMarkdown(v)}\n\n`;
  };
  row('File name', part.fileName);
  row('Charset', part.charset);
  row('Transfer encoding', part.encoding);
  row('Size', part.size !== undefined ? `${formatBytesExact(part.size)} as stored` : undefined);
  row('Disposition', part.disposition);
  row('Content-ID', part.contentId);
  if (part.message) row('Encapsulated message', part.message.subject ?? '(no subject)');
  if (isLeafPart(part)) {
    if (options.checksums) t += checksumLines(options.checksums);
    t += options.partial ? '_Opening it fetches this part only (BODY.PEEK)._' : '_Cut from the downloaded message (this protocol cannot fetch one part)._';
  }
  return t;
}
