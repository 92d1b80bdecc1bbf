import { join } from 'node:path';
import { FolderInfo, MessagePage, MessageStructure } from '../mailStore';
import { CacheFiles, hashedName, nodeCacheFiles, sha256, TEMP_MARKER, writeAtomically } from './cacheFiles';
import { readFolders, readPage, readStructure } from './cacheRecords';

export const DEFAULT_CACHE_MEGABYTES = 200;

export interface OfflineCacheOptions {
  /** Where the cache lives (the extension's global storage); created when first written. */
  directory: string;
  /** Disk budget; 0 turns the cache off (nothing read, nothing written). Default 200. */
  maxMegabytes?: number;
  /** Told about a write or removal that failed (disk full, permissions); the cache carries on without it. */
  onError?: (error: unknown) => void;
  files?: CacheFiles;
}

/** A message's generation as the cache files it: IMAP UIDVALIDITY, or undefined (POP3: UIDLs have none). */
export type Generation = number | undefined;

const FORMAT = 'mail-inspector-offline';
const VERSION = 1;
const GENERATION_FILE = 'generation.json';

type Kind = 'folders' | 'generation' | 'page' | 'structure' | 'raw';

/** Who a record belongs to, stored inside it and checked on reading: a file in the wrong place is not used. */
interface Owner {
  readonly kind: Kind;
  readonly account: string;
  readonly folder?: string;
  readonly uidValidity?: number | null;
  readonly key?: string;
}

interface Entry {
  size: number;
  used: number;
}

/**
 * What the servers returned, kept on disk per account, folder and UIDVALIDITY, so folders, pages and
 * messages already seen can be shown when the server cannot be reached. It holds only what stores return
 * (folder lists, summaries, structures, raw bodies): it is never given an account definition or a
 * password. Files are named by hashes, written atomically (temporary file, then rename), checked when
 * read (owner, shape, body digest; a bad file is removed and counts as a miss), and evicted least
 * recently used first when the total passes `maxMegabytes` (use is the file's mtime, touched on reading,
 * so the order survives a restart). No method rejects: a cache that fails is a cache that misses.
 */
export class OfflineCache {
  private readonly files: CacheFiles;
  private readonly maxBytes: number;
  private readonly index = new Map<string, Entry>();
  /** Each folder directory's newest generation as read from disk ({ value: undefined } for POP3; null: none). */
  private readonly generations = new Map<string, { value: Generation } | null>();
  private queue: Promise<unknown> = Promise.resolve();
  private scanned = false;
  private clock = 0;

  constructor(private readonly options: OfflineCacheOptions) {
    this.files = options.files ?? nodeCacheFiles;
    const megabytes = options.maxMegabytes ?? DEFAULT_CACHE_MEGABYTES;
    this.maxBytes = Number.isFinite(megabytes) && megabytes > 0 ? Math.floor(megabytes * 1024 * 1024) : 0;
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** Bytes the cache files take now (as far as this process knows). */
  async bytes(): Promise<number> {
    return this.run(async () => [...this.index.values()].reduce((sum, e) => sum + e.size, 0), 0);
  }

  saveFolders(accountId: string, folders: readonly FolderInfo[]): Promise<void> {
    const data = folders.map(withoutOffline);
    return this.write(join(this.accountDir(accountId), 'folders.json'), json({ kind: 'folders', account: accountId }, data));
  }

  folders(accountId: string): Promise<FolderInfo[] | undefined> {
    return this.readJson(join(this.accountDir(accountId), 'folders.json'), { kind: 'folders', account: accountId }, readFolders);
  }

  /** Saves a page under the key the caller pages by (e.g. offset and size, or a UID cursor). */
  savePage(accountId: string, folder: string, uidValidity: Generation, pageKey: string, page: MessagePage): Promise<void> {
    const data = withoutOffline(page);
    return this.writeInGeneration(accountId, folder, uidValidity, hashedName('page-', pageKey) + '.json', (owner) => json({ ...owner, kind: 'page', key: pageKey }, data));
  }

  /** The page saved under `pageKey` in the folder's newest generation, with that generation. */
  async page(accountId: string, folder: string, pageKey: string): Promise<{ page: MessagePage; uidValidity: Generation } | undefined> {
    const uidValidity = await this.generation(accountId, folder);
    if (uidValidity === null) return undefined;
    const owner: Owner = { kind: 'page', account: accountId, folder, uidValidity: uidValidity ?? null, key: pageKey };
    const page = await this.readJson(join(this.generationDir(accountId, folder, uidValidity), hashedName('page-', pageKey) + '.json'), owner, readPage);
    return page ? { page, uidValidity } : undefined;
  }

  saveStructure(accountId: string, folder: string, uidValidity: Generation, id: string, structure: MessageStructure): Promise<void> {
    const data = { structure: structure.structure, size: structure.size };
    return this.writeInGeneration(accountId, folder, uidValidity, hashedName('structure-', id) + '.json', (owner) => json({ ...owner, kind: 'structure', key: id }, data));
  }

  /** A structure of the folder's newest generation, or of `only.uidValidity` when given (and still the newest). */
  async structure(accountId: string, folder: string, id: string, only?: { uidValidity: Generation }): Promise<MessageStructure | undefined> {
    const generation = await this.generationFor(accountId, folder, only);
    if (generation === null) return undefined;
    const owner: Owner = { kind: 'structure', account: accountId, folder, uidValidity: generation ?? null, key: id };
    return this.readJson(join(this.generationDir(accountId, folder, generation), hashedName('structure-', id) + '.json'), owner, readStructure);
  }

  saveRaw(accountId: string, folder: string, uidValidity: Generation, id: string, bytes: Buffer): Promise<void> {
    return this.writeInGeneration(accountId, folder, uidValidity, hashedName('raw-', id) + '.eml', (owner) => {
      const header = JSON.stringify({ format: FORMAT, version: VERSION, ...owner, kind: 'raw', key: id, size: bytes.length, sha256: sha256(bytes) });
      return Buffer.concat([Buffer.from(header + '\n', 'utf8'), bytes]);
    });
  }

  /** A raw message of the folder's newest generation, or of `only.uidValidity` when given (and still the newest). */
  async raw(accountId: string, folder: string, id: string, only?: { uidValidity: Generation }): Promise<Buffer | undefined> {
    const generation = await this.generationFor(accountId, folder, only);
    if (generation === null) return undefined;
    const path = join(this.generationDir(accountId, folder, generation), hashedName('raw-', id) + '.eml');
    const owner: Owner = { kind: 'raw', account: accountId, folder, uidValidity: generation ?? null, key: id };
    return this.read(path, (content) => {
      const newline = content.indexOf(0x0a);
      if (newline < 0) return undefined;
      const header = parseJson(content.subarray(0, newline).toString('utf8'));
      const body = content.subarray(newline + 1);
      if (!isRecord(header) || !ownedBy(header, owner) || header.size !== body.length || header.sha256 !== sha256(body)) return undefined;
      return Buffer.from(body);
    });
  }

  /**
   * The folder's newest generation on disk: a UIDVALIDITY, undefined for a folder without generations
   * (POP3), or null when nothing is cached for it.
   */
  generation(accountId: string, folder: string): Promise<Generation | null> {
    return this.run(() => this.generationOnDisk(accountId, folder), null);
  }

  /** Removes everything cached for the account. */
  clear(accountId: string): Promise<void> {
    const dir = this.accountDir(accountId);
    return this.run(async () => {
      this.forgetUnder(dir);
      await this.files.rm(dir);
    }, undefined);
  }

  /** Removes the whole cache (the setting went to 0, or the user asked). */
  clearAll(): Promise<void> {
    return this.run(async () => {
      this.index.clear();
      this.generations.clear();
      for (const entry of await this.files.readdir(this.options.directory).catch(() => [])) {
        if (entry.name.startsWith('a-')) await this.files.rm(join(this.options.directory, entry.name));
      }
    }, undefined);
  }

  private accountDir(accountId: string): string {
    return join(this.options.directory, hashedName('a-', accountId));
  }

  private folderDir(accountId: string, folder: string): string {
    return join(this.accountDir(accountId), hashedName('f-', folder));
  }

  private generationDir(accountId: string, folder: string, uidValidity: Generation): string {
    return join(this.folderDir(accountId, folder), uidValidity === undefined ? 'v-none' : `v-${uidValidity}`);
  }

  private async generationFor(accountId: string, folder: string, only: { uidValidity: Generation } | undefined): Promise<Generation | null> {
    const newest = await this.generation(accountId, folder);
    if (only === undefined || newest === null) return newest;
    return newest === only.uidValidity ? newest : null; // an earlier generation's message is not served
  }

  private async generationOnDisk(accountId: string, folder: string): Promise<Generation | null> {
    const dir = this.folderDir(accountId, folder);
    const known = this.generations.get(dir);
    if (known !== undefined) return known === null ? null : known.value;
    const owner: Owner = { kind: 'generation', account: accountId, folder };
    const record = await this.readRecordNow(join(dir, GENERATION_FILE), owner, (data) => (data === null || isUidValidity(data) ? { value: data ?? undefined } : undefined));
    this.generations.set(dir, record ?? null);
    return record ? record.value : null;
  }

  /**
   * Writes a file of a folder generation. A generation other than the folder's newest on disk replaces
   * it: what was cached under the old UIDVALIDITY is removed first, as those UIDs now mean other messages.
   */
  private writeInGeneration(accountId: string, folder: string, uidValidity: Generation, name: string, content: (owner: Owner) => Buffer): Promise<void> {
    if (!this.enabled || (uidValidity !== undefined && !isUidValidity(uidValidity))) return Promise.resolve();
    return this.run(async () => {
      const dir = this.folderDir(accountId, folder);
      const newest = await this.generationOnDisk(accountId, folder);
      if (newest === null || newest !== uidValidity) {
        if (newest !== null) {
          this.forgetUnder(dir);
          await this.files.rm(dir);
        }
        await this.store(join(dir, GENERATION_FILE), json({ kind: 'generation', account: accountId, folder }, uidValidity ?? null), false);
        this.generations.set(dir, { value: uidValidity });
      }
      const owner: Owner = { kind: 'page', account: accountId, folder, uidValidity: uidValidity ?? null };
      await this.store(join(this.generationDir(accountId, folder, uidValidity), name), content(owner), true);
    }, undefined);
  }

  private write(path: string, content: Buffer): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return this.run(() => this.store(path, content, true), undefined);
  }

  /** Writes atomically, records the file in the index and evicts what no longer fits. */
  private async store(path: string, content: Buffer, evictable: boolean): Promise<void> {
    if (content.length > this.maxBytes) return;
    await this.files.mkdir(join(path, '..'));
    await writeAtomically(this.files, path, content);
    const used = evictable ? this.tick() : Number.MAX_SAFE_INTEGER;
    this.index.set(path, { size: content.length, used });
    // The file's mtime is its time of use on disk; set from the same clock as reads, so the order holds after a restart.
    if (evictable) await this.files.touch(path, new Date(used)).catch(() => undefined);
    await this.evict(path);
  }

  private async evict(keep: string): Promise<void> {
    let total = [...this.index.values()].reduce((sum, e) => sum + e.size, 0);
    if (total <= this.maxBytes) return;
    const oldest = [...this.index.entries()].filter(([path]) => path !== keep && !path.endsWith(GENERATION_FILE)).sort((a, b) => a[1].used - b[1].used);
    for (const [path, entry] of oldest) {
      if (total <= this.maxBytes) break;
      await this.remove(path);
      total -= entry.size;
    }
  }

  private readJson<T>(path: string, owner: Owner, shape: (data: unknown) => T | undefined): Promise<T | undefined> {
    return this.run(() => this.readRecordNow(path, owner, shape), undefined);
  }

  private readRecordNow<T>(path: string, owner: Owner, shape: (data: unknown) => T | undefined): Promise<T | undefined> {
    return this.readNow(path, (content) => {
      const record = parseJson(content.toString('utf8'));
      if (!isRecord(record) || !ownedBy(record, owner) || !('data' in record)) return undefined;
      return shape(record.data);
    });
  }

  private read<T>(path: string, decode: (content: Buffer) => T | undefined): Promise<T | undefined> {
    return this.run(() => this.readNow(path, decode), undefined);
  }

  /** Reads a cache file (inside a queued operation); one that does not pass `decode` is removed and counts as a miss. */
  private async readNow<T>(path: string, decode: (content: Buffer) => T | undefined): Promise<T | undefined> {
    let content: Buffer;
    try {
      content = await this.files.readFile(path);
    } catch {
      this.index.delete(path);
      return undefined;
    }
    const value = decode(content);
    if (value === undefined) {
      await this.remove(path);
      return undefined;
    }
    const entry = this.index.get(path);
    if (entry && !path.endsWith(GENERATION_FILE)) {
      entry.used = this.tick();
      await this.files.touch(path, new Date(entry.used)).catch(() => undefined);
    }
    return value;
  }

  private async remove(path: string): Promise<void> {
    this.index.delete(path);
    if (path.endsWith(GENERATION_FILE)) this.generations.delete(join(path, '..'));
    await this.files.unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  private forgetUnder(dir: string): void {
    for (const path of [...this.index.keys()]) if (path.startsWith(dir + '/')) this.index.delete(path);
    for (const key of [...this.generations.keys()]) if (key === dir || key.startsWith(dir + '/')) this.generations.delete(key);
  }

  /** A strictly increasing time of use, so two uses in the same millisecond keep their order. */
  private tick(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  /** Runs one operation after the ones before it (the index stays consistent); a failure is reported, never thrown. */
  private run<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    const result = this.queue.then(async () => {
      if (!this.enabled) return fallback;
      if (!this.scanned) {
        this.scanned = true;
        await this.scan(this.options.directory);
      }
      return operation();
    });
    this.queue = result.catch(() => undefined);
    return result.catch((error: unknown) => {
      this.options.onError?.(error);
      return fallback;
    });
  }

  /** Learns what is on disk; removes the temporary files of writes a crash interrupted. */
  private async scan(dir: string): Promise<void> {
    const entries = await this.files.readdir(dir).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.directory) await this.scan(path);
      else if (entry.name.includes(TEMP_MARKER)) await this.files.unlink(path).catch(() => undefined);
      else {
        const stat = await this.files.stat(path).catch(() => undefined);
        if (stat) this.index.set(path, { size: stat.size, used: path.endsWith(GENERATION_FILE) ? Number.MAX_SAFE_INTEGER : stat.mtimeMs });
      }
    }
  }
}

/** The offline mark describes an answer, not the mail: it is never stored. */
function withoutOffline<T extends { offline?: boolean }>(value: T): Omit<T, 'offline'> {
  const copy: T = { ...value };
  delete copy.offline;
  return copy;
}

function json(owner: Owner, data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ format: FORMAT, version: VERSION, ...owner, data }), 'utf8');
}

function ownedBy(record: Record<string, unknown>, owner: Owner): boolean {
  if (record.format !== FORMAT || record.version !== VERSION) return false;
  return record.kind === owner.kind && record.account === owner.account && record.folder === owner.folder && record.key === owner.key && (owner.uidValidity === undefined || record.uidValidity === owner.uidValidity);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUidValidity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 0xffffffff;
}
