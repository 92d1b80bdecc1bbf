import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';

/** The file operations the offline cache uses; tests pass their own to simulate a crash between write and rename. */
export interface CacheFiles {
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  rm(path: string): Promise<void>;
  /** Marks a file as just used (its mtime), so least-recently-used survives a restart. */
  touch(path: string, when: Date): Promise<void>;
  readdir(path: string): Promise<{ name: string; directory: boolean }[]>;
  stat(path: string): Promise<{ size: number; mtimeMs: number }>;
}

export const nodeCacheFiles: CacheFiles = {
  readFile: (path) => fs.readFile(path),
  writeFile: (path, data) => fs.writeFile(path, data, { mode: 0o600 }),
  rename: (from, to) => fs.rename(from, to),
  unlink: (path) => fs.unlink(path),
  mkdir: async (path) => {
    await fs.mkdir(path, { recursive: true, mode: 0o700 });
  },
  rm: (path) => fs.rm(path, { recursive: true, force: true }),
  touch: (path, when) => fs.utimes(path, when, when),
  readdir: async (path) => (await fs.readdir(path, { withFileTypes: true })).map((entry) => ({ name: entry.name, directory: entry.isDirectory() })),
  stat: async (path) => {
    const s = await fs.stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  },
};

/** Temporary files carry this marker; one found on disk is the leftover of an interrupted write. */
export const TEMP_MARKER = '.tmp-';

/**
 * Writes a file so that readers see the old content or the new, never a part: the bytes go to a fresh
 * temporary file beside it, which is then renamed over the target (rename is atomic within a file system).
 */
export async function writeAtomically(files: CacheFiles, path: string, data: Buffer): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await files.writeFile(temp, data);
    await files.rename(temp, path);
  } catch (error) {
    await files.unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * A file name for any string (folder paths with "/", "..", NUL, emoji, 300 characters, names differing
 * only in case): a hash, so nothing of the name reaches the file system. The name itself is stored
 * inside the file and checked when read.
 */
export function hashedName(prefix: string, name: string): string {
  return `${prefix}${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 32)}`;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
