import { MessageStructure, MessageSummary } from '../mailStore';
import { MessageId, SessionEvent, SessionEvents, Subscription } from '../session/sessionEvents';
import { ByteBudget } from './byteBudget';

/** What one generation of a folder is known by: a UID means the same message only within one UIDVALIDITY. */
export interface FolderGeneration {
  readonly accountId: string;
  readonly folder: string;
  /** IMAP UIDVALIDITY; undefined for POP3 (UIDLs have no generations) or before the server told it. */
  readonly uidValidity: number | undefined;
}

/**
 * What is known in memory about one generation of one folder: the summaries listed, the structures and
 * the raw bodies fetched. Ids are UIDs (or UIDLs) of this generation only; a message's bytes never change
 * under its UID, so a body stays valid until the message is expunged or the generation is dropped.
 * Raw bodies share the account's byte budget (least recently used evicted first).
 */
export class FolderCache implements FolderGeneration {
  private readonly summaryById = new Map<MessageId, MessageSummary>();
  private readonly structureById = new Map<MessageId, MessageStructure>();
  private readonly rawIds = new Set<MessageId>();
  private dropped = false;

  /** `budget` holds this generation's raw bodies under keys made from `serial`. */
  constructor(
    readonly accountId: string,
    readonly folder: string,
    readonly uidValidity: number | undefined,
    private readonly serial: number,
    private readonly budget: ByteBudget,
  ) {}

  /** False once the generation was dropped (UIDVALIDITY changed, folder or account forgotten): it holds nothing any more. */
  get current(): boolean {
    return !this.dropped;
  }

  summary(id: MessageId): MessageSummary | undefined {
    return this.summaryById.get(id);
  }

  /** Every summary held, newest (highest numeric id) first. */
  summaries(): MessageSummary[] {
    return [...this.summaryById.values()].sort(newestFirst);
  }

  addSummaries(summaries: readonly MessageSummary[]): void {
    if (this.dropped) return;
    for (const summary of summaries) this.summaryById.set(summary.id, summary);
  }

  structure(id: MessageId): MessageStructure | undefined {
    return this.structureById.get(id);
  }

  setStructure(id: MessageId, structure: MessageStructure): void {
    if (this.dropped) return;
    this.structureById.set(id, structure);
  }

  raw(id: MessageId): Buffer | undefined {
    if (!this.rawIds.has(id)) return undefined;
    const bytes = this.budget.get(this.key(id));
    if (!bytes) this.rawIds.delete(id); // evicted for another body
    return bytes;
  }

  setRaw(id: MessageId, bytes: Buffer): void {
    if (this.dropped) return;
    if (this.budget.set(this.key(id), bytes, () => this.rawIds.delete(id))) this.rawIds.add(id);
  }

  /** The message is gone from the server (EXPUNGE, VANISHED, a UID diff): forget all of it. */
  forget(id: MessageId): void {
    this.summaryById.delete(id);
    this.structureById.delete(id);
    if (this.rawIds.delete(id)) this.budget.delete(this.key(id));
  }

  /** Another client changed the message's flags: the summary shows the new ones. */
  updateFlags(id: MessageId, flags: readonly string[]): void {
    const summary = this.summaryById.get(id);
    if (summary) this.summaryById.set(id, { ...summary, flags: [...flags] });
  }

  /** Listed positions (sequence numbers) are no longer right: summaries go, bodies and structures (by UID) stay. */
  forgetListing(): void {
    this.summaryById.clear();
  }

  /** Drops everything; the object stays usable as a marker that says `current === false`. */
  drop(): void {
    this.dropped = true;
    this.summaryById.clear();
    this.structureById.clear();
    for (const id of this.rawIds) this.budget.delete(this.key(id));
    this.rawIds.clear();
  }

  private key(id: MessageId): string {
    return `${this.serial}\0${id}`;
  }
}

function newestFirst(a: MessageSummary, b: MessageSummary): number {
  const na = Number(a.id);
  const nb = Number(b.id);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return nb - na;
  return b.seq - a.seq;
}

export interface AccountCachesOptions {
  /** Bytes of raw bodies held for the whole account, across folders (default 64 MiB). */
  maxRawBytes?: number;
}

/** Called when a generation is dropped because its folder's UIDVALIDITY changed (documents on it say so). */
export type GenerationDropped = (dropped: FolderGeneration, current: number | undefined) => void;

/**
 * Every folder cache of one account: at most one current generation per folder. Asking for a folder with
 * another UIDVALIDITY than the one held drops the old generation whole; session events keep the current
 * ones right. This replaces string keys cleared by prefix: forgetting an account is `clear()`.
 */
export class AccountCaches {
  private readonly folders = new Map<string, FolderCache>();
  private readonly budget: ByteBudget;
  private readonly droppedListeners = new Set<GenerationDropped>();
  private nextSerial = 1;

  constructor(
    readonly accountId: string,
    options: AccountCachesOptions = {},
  ) {
    this.budget = new ByteBudget(options.maxRawBytes ?? 64 * 1024 * 1024);
  }

  /**
   * The cache of the folder's generation `uidValidity`, created if needed. When the folder's current
   * generation has another UIDVALIDITY it is dropped first. `undefined` (POP3, or not known yet) matches
   * the current generation whatever it is.
   */
  folder(folder: string, uidValidity: number | undefined): FolderCache {
    const held = this.folders.get(folder);
    if (held && (uidValidity === undefined || held.uidValidity === uidValidity)) return held;
    if (held) return this.replaceGeneration(held, uidValidity);
    const created = new FolderCache(this.accountId, folder, uidValidity, this.nextSerial++, this.budget);
    this.folders.set(folder, created);
    return created;
  }

  /** The folder's current generation, without creating one. */
  current(folder: string): FolderCache | undefined {
    return this.folders.get(folder);
  }

  /**
   * The cache for an address taken earlier, or undefined when the folder's generation moved on (or
   * nothing is held): then the address belongs to an earlier generation and must not be served.
   */
  lookup(folder: string, uidValidity: number | undefined): FolderCache | undefined {
    const held = this.folders.get(folder);
    if (!held) return undefined;
    if (uidValidity !== undefined && held.uidValidity !== undefined && held.uidValidity !== uidValidity) return undefined;
    return held;
  }

  /** True when the folder is known to have a generation other than `uidValidity` now. */
  isStale(folder: string, uidValidity: number | undefined): boolean {
    const held = this.folders.get(folder);
    return uidValidity !== undefined && held?.uidValidity !== undefined && held.uidValidity !== uidValidity;
  }

  onGenerationDropped(listener: GenerationDropped): Subscription {
    this.droppedListeners.add(listener);
    return { dispose: () => this.droppedListeners.delete(listener) };
  }

  /** Applies one event of this account's session. */
  apply(event: SessionEvent): void {
    switch (event.type) {
      case 'uidValidity': {
        const held = this.folders.get(event.folder);
        if (held && held.uidValidity !== event.current) this.replaceGeneration(held, event.current);
        return;
      }
      case 'expunged': {
        const held = this.lookup(event.folder, event.uidValidity);
        if (!held) return;
        for (const id of event.ids) held.forget(id);
        // Sequence numbers without ids: which message went is unknown, so no listed position can be trusted.
        if (event.ids.length === 0 && (event.seqs?.length ?? 0) > 0) held.forgetListing();
        return;
      }
      case 'flags':
        this.lookup(event.folder, event.uidValidity)?.updateFlags(event.id, event.flags);
        return;
      case 'resynced':
        for (const id of event.removed) this.folders.get(event.folder)?.forget(id);
        return;
      default:
        return; // new, counts, connection, anomaly: nothing held becomes wrong
    }
  }

  /** Follows a session's events until the subscription is disposed. */
  follow(events: SessionEvents): Subscription {
    return events.on((event) => this.apply(event));
  }

  /** Forgets one folder (deleted, or refreshed by hand). */
  forgetFolder(folder: string): void {
    this.folders.get(folder)?.drop();
    this.folders.delete(folder);
  }

  /** Forgets everything of the account (removed, or its settings changed). */
  clear(): void {
    for (const cache of this.folders.values()) cache.drop();
    this.folders.clear();
  }

  /** Bytes of raw bodies held now. */
  get rawBytes(): number {
    return this.budget.bytes;
  }

  /** Drops a generation and puts the next one in its place; listeners hear of it once the caches are consistent. */
  private replaceGeneration(held: FolderCache, uidValidity: number | undefined): FolderCache {
    held.drop();
    const created = new FolderCache(this.accountId, held.folder, uidValidity, this.nextSerial++, this.budget);
    this.folders.set(held.folder, created);
    if (held.uidValidity === undefined) return created; // a generation never told: nothing can be shown as stale
    const dropped: FolderGeneration = { accountId: held.accountId, folder: held.folder, uidValidity: held.uidValidity };
    const failures: unknown[] = [];
    for (const listener of [...this.droppedListeners]) {
      try {
        listener(dropped, uidValidity);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
    return created;
  }
}
