import { formatBytes, formatCount } from '../format';
import { Address } from '../mailStore';
import { DEFAULT_HEADER_LIMITS, HeaderField, HeaderLimits, headerBlockOf, parseHeaderBlock } from '../mime/headers';

/** What the message list shows of a message, from its header (the reply to `TOP n 0`). */
export interface HeaderSummary {
  readonly subject: string;
  readonly from: Address[];
  readonly to: Address[];
  readonly date: Date | undefined;
  readonly messageId: string | undefined;
  /** Set when the header could not be read whole (it is over the header limits): what was left out. */
  readonly notice?: string;
}

/**
 * Reads the header block that `TOP n 0` returns with the core's own header parser (mailsplit's
 * Headers for the fields and folding, libmime for encoded words, nodemailer's addressparser for address
 * lists), within the same limits as the header view. A block over those limits never fails: the
 * fields that fit are used and `notice` says what was left out.
 */
export function parseTopHeaders(header: Buffer, limits: HeaderLimits = DEFAULT_HEADER_LIMITS): HeaderSummary {
  const block = headerBlockOf(header);
  const model = parseHeaderBlock(block, limits);
  const first = (key: string): HeaderField | undefined => model.fields.find((f) => f.key === key);
  const addresses = (key: string): Address[] => (first(key)?.addresses ?? []).filter((a) => a.address || a.name).map((a) => ({ name: a.name, address: a.address }));
  const messageId = first('message-id')?.value.trim();
  const summary: HeaderSummary = {
    subject: first('subject')?.decoded ?? '',
    from: addresses('from'),
    to: addresses('to'),
    date: first('date')?.date,
    messageId: messageId || undefined,
  };
  if (!model.truncated) return summary;
  const missing = ['subject', 'from', 'date'].filter((key) => !first(key));
  return {
    ...summary,
    notice:
      `its header is ${formatBytes(block.length)} in ${formatCount(model.totalFields)} fields, over the limit of ${formatBytes(limits.maxBytes)} or ${formatCount(limits.maxFields)} fields, ` +
      `so the list shows what the first ${formatCount(model.fields.length)} fields say${missing.length ? ` (no ${missing.join(', ')} among them)` : ''}.`,
  };
}
