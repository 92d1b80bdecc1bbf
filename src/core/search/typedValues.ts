import { MailError } from '../errors';
import { parseUidSet, UidRange } from '../imap/uidSet';

// Values typed in the search's quick inputs, read into what the criteria hold.

/** `10`, `10 KB`, `1.5 MB`, `2kb` as bytes (KB = 1,024 bytes). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(text);
  if (!m) throw new MailError('config', `"${text.trim()}" is not a size: write a number of bytes, or add KB or MB, e.g. 10 KB.`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new MailError('config', `"${text.trim()}" is too large a size.`);
  return bytes;
}

export function parseUids(text: string): UidRange[] {
  try {
    return parseUidSet(text.replace(/\s+/g, ''));
  } catch {
    throw new MailError('config', `"${text.trim()}" is not a UID range: write numbers and ranges, e.g. 1:100 or 5,7,10:20.`);
  }
}
