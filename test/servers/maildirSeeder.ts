import { chownSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export interface SeedMessage {
  /** The message exactly as the server will hold it (use CRLF line endings); a string is written as UTF-8. */
  raw: Buffer | string;
  /** Maildir info letters: D draft, F flagged, P passed, R replied (\Answered), S seen, T trashed (\Deleted). */
  flags?: string;
  /** Internal date (IMAP INTERNALDATE): Dovecot takes it from the file's modification time. */
  date?: Date;
}

const FLAG_LETTERS = /^[DFPRST]*$/;

/** Maildir wants the info letters sorted and unique ("SF" → "FS"). */
export function normalizeFlags(flags = ''): string {
  if (!FLAG_LETTERS.test(flags)) throw new Error(`Maildir flags must be letters from DFPRST, got "${flags}"`);
  return [...new Set(flags)].sort().join('');
}

/** Size after converting bare LF to CRLF, which is how IMAP counts RFC822.SIZE. */
function virtualSize(bytes: Buffer): number {
  let size = bytes.length;
  for (let lf = bytes.indexOf(0x0a); lf !== -1; lf = bytes.indexOf(0x0a, lf + 1)) {
    if (lf === 0 || bytes[lf - 1] !== 0x0d) size++;
  }
  return size;
}

/**
 * A Maildir file name that sorts by `order`. Dovecot gives new files their UIDs in file-name order,
 * comparing the leading "seconds" numerically, so a fake timestamp of 10^9 + order makes UIDs follow
 * the seeding order whatever order the directory is read in. S= and W= carry the physical and virtual
 * sizes, which spares Dovecot reading the file to answer RFC822.SIZE.
 */
export function maildirFileName(order: number, size: number, vsize: number, flags: string): string {
  return `${1_000_000_000 + order}.M0P${process.pid}Q${order}.mailinspector,S=${size},W=${vsize}:2,${normalizeFlags(flags)}`;
}

/**
 * Writes messages into a Maildir `cur/` folder owned by `owner`, in order. Synchronous writes in
 * chunks: per file, three syscalls cost far less than a round trip through the thread pool, and the
 * event loop still gets a turn between chunks.
 */
export async function writeMaildirMessages(
  curDir: string,
  messages: readonly SeedMessage[],
  firstOrder: number,
  owner: { uid: number; gid: number },
): Promise<void> {
  const CHUNK = 2000;
  for (let start = 0; start < messages.length; start += CHUNK) {
    const end = Math.min(messages.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const message = messages[i];
      const bytes = typeof message.raw === 'string' ? Buffer.from(message.raw, 'utf8') : message.raw;
      const file = join(curDir, maildirFileName(firstOrder + i, bytes.length, virtualSize(bytes), message.flags ?? ''));
      writeFileSync(file, bytes, { mode: 0o600 });
      chownSync(file, owner.uid, owner.gid);
      if (message.date) utimesSync(file, message.date, message.date);
    }
    if (end < messages.length) await yieldToLoop();
  }
}
