import { open } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { MailError } from '../errors';

// Attachment names come from whoever sent the message: they may hold directories, "..", drive letters,
// device names or control characters. These helpers turn them into a plain name and a path that stays in
// the chosen folder.

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
/** Bytes of a name; most file systems allow 255. */
const MAX_BYTES = 200;

/** A file name without directories, "..", control or reserved characters, device names or trailing dots, at most 200 bytes. */
export function safeFileName(name: string | undefined, fallback: string): string {
  const cleaned = clean(name ?? '');
  if (cleaned) return cleaned;
  return clean(fallback) || 'part';
}

function clean(name: string): string {
  // Both separators count, whatever the platform: "C:\x" and "../../x" reduce to their last segment.
  const last = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  let out = last
    // control characters, and bidi/zero-width controls that disguise an extension ("exe.txt" read backwards)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    // characters Windows forbids (":" also ends a drive letter or starts an NTFS stream)
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  const dot = out.indexOf('.');
  const stem = dot < 0 ? out : out.slice(0, dot);
  if (RESERVED.test(stem.trim())) out = `_${out}`;
  return truncate(out);
}

/** Shortens to MAX_BYTES of UTF-8, keeping the extension, without splitting a character. */
function truncate(name: string): string {
  if (Buffer.byteLength(name) <= MAX_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = ext ? name.slice(0, dot) : name;
  const budget = MAX_BYTES - Buffer.byteLength(ext);
  const chars = Array.from(stem);
  while (Buffer.byteLength(stem) > budget) {
    chars.pop();
    stem = chars.join('');
  }
  return stem.replace(/[. ]+$/, '') + ext;
}

/** Throws unless `path` lies strictly inside `folder`. */
export function assertInside(folder: string, path: string): void {
  const rel = relative(resolve(folder), resolve(path));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new MailError('config', `Refusing to write outside ${folder}.`);
}

/** A path for `name` inside `folder` that does not exist yet: "a.pdf", then "a (1).pdf", "a (2).pdf", … */
export async function resolveInside(folder: string, name: string, fallback = 'attachment'): Promise<string> {
  for (const candidate of candidates(folder, safeFileName(name, fallback))) {
    try {
      const handle = await open(candidate, 'r');
      await handle.close();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw err;
    }
  }
  throw new MailError('config', `No free file name for ${name} in ${folder}.`);
}

/**
 * Writes `data` to a new file named after `name` inside `folder` and returns its path. Created with O_EXCL
 * ("wx"), so an existing file (or a symbolic link planted under that name) is never followed or overwritten.
 */
export async function writeInside(folder: string, name: string, data: Uint8Array | string, fallback = 'attachment'): Promise<string> {
  for (const candidate of candidates(folder, safeFileName(name, fallback))) {
    let handle;
    try {
      handle = await open(candidate, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    return candidate;
  }
  throw new MailError('config', `No free file name for ${name} in ${folder}.`);
}

function* candidates(folder: string, safe: string): Generator<string> {
  const dot = safe.lastIndexOf('.');
  const stem = dot > 0 ? safe.slice(0, dot) : safe;
  const ext = dot > 0 ? safe.slice(dot) : '';
  for (let i = 0; i < 10_000; i++) {
    const path = join(resolve(folder), i === 0 ? safe : `${stem} (${i})${ext}`);
    assertInside(folder, path);
    yield path;
  }
}
