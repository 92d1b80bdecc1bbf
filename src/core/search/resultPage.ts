import type { ImapStore } from '../imap/imapStore';
import { highestBelow } from '../imap/uidSet';
import { Cancel, MessageSummary } from '../mailStore';
import { FolderSearchResult } from './imapSearch';

// A search result shown like a folder: newest first by UID, a page at a time, and only the page's envelopes are
// fetched (one UID FETCH of exactly those UIDs), so a result of 100,000 messages costs a page's worth of traffic.

export interface ResultPage {
  readonly folder: string;
  readonly uidValidity: number | undefined;
  /** Newest first. A message expunged since the search is simply missing. */
  readonly messages: readonly MessageSummary[];
  /** The cursor of the next page (its UIDs are below this one), or undefined when this is the last page. */
  readonly nextBeforeUid: number | undefined;
  /** Matches in the whole result. */
  readonly total: number;
}

/**
 * The `pageSize` highest matching UIDs below `beforeUid` (the newest when undefined), with their envelopes. The
 * folder's generation is checked against the result's: a folder that has another UIDVALIDITY now is refused
 * (MailError 'notFound', detail staleGeneration), as the result's UIDs no longer name the same messages.
 */
export async function resultPage(store: ImapStore, result: FolderSearchResult, beforeUid: number | undefined, pageSize: number, signal?: Cancel): Promise<ResultPage> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const slice = highestBelow(result.uids, beforeUid, pageSize);
  const base = { folder: result.folder, uidValidity: result.uidValidity, total: result.count };
  if (slice.uids.length === 0) return { ...base, messages: [], nextBeforeUid: undefined };
  const messages = await store.listMessagesByUids(result.folder, slice.uids, result.uidValidity, signal);
  return { ...base, messages, nextBeforeUid: slice.more ? slice.uids[slice.uids.length - 1] : undefined };
}
