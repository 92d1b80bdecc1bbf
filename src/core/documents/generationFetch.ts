import { MailError } from '../errors';
import { Cancel, canFetchParts, MailStore, MessageRef, MessageStructure, PartFetch } from '../mailStore';

/** The generation-checked fetches a store may offer (ImapStore does; CachingStore offers fetchRawAt). */
interface RefFetches {
  fetchRawAt?(ref: MessageRef, signal?: Cancel): Promise<Buffer | { bytes: Buffer; offline: boolean }>;
  fetchStructureAt?(ref: MessageRef, signal?: Cancel): Promise<MessageStructure & { uidValidity?: number }>;
  fetchPartAt?(ref: MessageRef, section: string, signal?: Cancel): Promise<PartFetch>;
}

/** The offline cache's policy, as a CachingStore exposes it: keeps what `load` returns, answers offline from disk. */
interface OfflineLayer {
  readonly fallback?: {
    structure<S extends MessageStructure>(ref: { folder: string; id: string; uidValidity?: number | undefined }, load: () => Promise<S>): Promise<S>;
  };
}

/** A store wrapped by another (the offline cache's CachingStore) names it `origin`. */
interface Wrapper {
  readonly origin?: MailStore;
}

/** The detail of a refusal for a message of an earlier generation, if `error` is one. */
export function staleGenerationOf(error: unknown): { folder: string; uidValidity: number; current: number } | undefined {
  if (!MailError.is(error) || error.detail?.kind !== 'staleGeneration') return undefined;
  const { folder, uidValidity, current } = error.detail;
  return { folder, uidValidity, current };
}

/** The refusal for `{folder, uidValidity, uid}` when the folder has generation `current` now. */
export function staleGenerationError(folder: string, uidValidity: number, current: number, id?: string): MailError {
  return new MailError(
    'notFound',
    `This message belonged to an earlier generation of the folder "${folder}" (UIDVALIDITY ${uidValidity}, now ${current}); the folder was deleted and created again, or the server was restored, so ${id !== undefined ? `UID ${id}` : 'its UID'} may name another message now. It is not shown: open the folder again to see its current messages.`,
    undefined,
    { detail: { kind: 'staleGeneration', folder, uidValidity, current } },
  );
}

/** The store and, when it wraps one, the store inside (generation-checked calls live there). */
function layers(store: MailStore): (MailStore & RefFetches)[] {
  const out: (MailStore & RefFetches)[] = [store];
  for (let s = (store as Wrapper).origin; s && !out.includes(s); s = (s as Wrapper).origin) out.push(s);
  return out;
}

/**
 * The raw bytes of `ref`: by its full identity where the store can check the generation (the offline
 * cache's wrapper first, so offline the bytes of that generation still open), else by UID. `checked` says
 * whether the server vouched for the generation.
 */
export async function fetchRawOf(store: MailStore, ref: MessageRef, signal?: Cancel): Promise<{ bytes: Buffer; offline: boolean; checked: boolean }> {
  if (ref.uidValidity !== undefined) {
    const checking = layers(store).find((s) => typeof s.fetchRawAt === 'function');
    if (checking?.fetchRawAt) {
      const result = await checking.fetchRawAt(ref, signal);
      return Buffer.isBuffer(result) ? { bytes: result, offline: false, checked: true } : { bytes: result.bytes, offline: result.offline, checked: !result.offline };
    }
  }
  return { bytes: await store.fetchRaw(ref.folder, ref.id, signal), offline: false, checked: false };
}

/**
 * The BODYSTRUCTURE of `ref`, checked against its generation: by `fetchStructureAt` where offered, else the
 * answer's own UIDVALIDITY is compared (ImapStore tells it) and a mismatch refused.
 */
export async function fetchStructureOf(store: MailStore, ref: MessageRef, signal?: Cancel): Promise<MessageStructure> {
  if (ref.uidValidity !== undefined) {
    const all = layers(store);
    const checking = all.find((s) => typeof s.fetchStructureAt === 'function');
    if (checking?.fetchStructureAt) {
      const load = (): Promise<MessageStructure> => checking.fetchStructureAt!(ref, signal);
      // Through the offline cache when there is one: kept under this generation, and offline answered only from it.
      const offline = all.map((s) => (s as OfflineLayer).fallback).find((f) => typeof f?.structure === 'function');
      return offline ? offline.structure({ folder: ref.folder, id: ref.id, uidValidity: ref.uidValidity }, load) : load();
    }
  }
  if (!canFetchParts(store)) throw new MailError('protocol', 'This account cannot describe a message without downloading it.');
  const result: MessageStructure & { uidValidity?: unknown } = await store.fetchStructure(ref.folder, ref.id, signal);
  if (ref.uidValidity !== undefined && typeof result.uidValidity === 'number' && result.uidValidity !== ref.uidValidity) {
    throw staleGenerationError(ref.folder, ref.uidValidity, result.uidValidity, ref.id);
  }
  return result;
}

/** One part of `ref`, by its full identity where the store can check the generation. */
export async function fetchPartOf(store: MailStore, ref: MessageRef, section: string, signal?: Cancel): Promise<PartFetch> {
  if (ref.uidValidity !== undefined) {
    const checking = layers(store).find((s) => typeof s.fetchPartAt === 'function');
    if (checking?.fetchPartAt) return checking.fetchPartAt(ref, section, signal);
  }
  if (!canFetchParts(store)) throw new MailError('protocol', 'This account cannot fetch single parts.');
  return store.fetchPart(ref.folder, ref.id, section, signal);
}
