import { MessageSummary } from '../mailStore';
import { PageCursor, SessionPage } from '../session/accountSession';
import { MessageId, SessionEvent } from '../session/sessionEvents';

/** What a view must do after a session event reached the folder's loaded messages. */
export type PageChange =
  /** The event is about another folder, or changes nothing shown. */
  | { readonly kind: 'none' }
  /** Messages were removed or their flags changed: render again (no traffic). */
  | { readonly kind: 'changed' }
  /** New messages: fetch their summaries (see `newMessagesRequest`) and `addNewest` them. */
  | { readonly kind: 'fetchNew'; readonly ids: readonly MessageId[] }
  /** What is loaded can no longer be trusted (another generation, expunges known only by sequence number): load the first page again. */
  | { readonly kind: 'reload'; readonly reason: string };

/** How to fetch the summaries of new messages: pages of the newest messages, as the folder's paging takes them. */
export type NewMessagesRequest =
  /** UID paging: the newest `pageSize` messages (one more than arrived), then older pages from `next`, until one reaches `aboveUid` (see `reachesLoaded`). */
  | { readonly kind: 'newest'; readonly pageSize: number; readonly aboveUid: number }
  /** Offset paging (POP3): the newest `pageSize` messages replace what is loaded (see `replaceNewest`). */
  | { readonly kind: 'replace'; readonly pageSize: number }
  /** Nothing is loaded yet, or more arrived than is worth merging: load the first page again. */
  | { readonly kind: 'reload' };

/** Most new messages merged into a loaded folder at once; more than that reloads its first page. */
export const MAX_MERGED = 1000;

/**
 * The messages of one folder as a view has loaded them (the first page and every "Load more" since), newest
 * first, kept right by the account session's events: new mail on top, expunged messages out, flags current.
 * Paging goes on from `next` (a UID cursor for IMAP, an offset for POP3): the UID cursor needs nothing when
 * messages arrive or go; the offset is moved by as many as arrived above it or went from what is loaded, so
 * "Load more" neither skips nor repeats a message.
 */
export class LoadedPage {
  private list: MessageSummary[];
  private cursor: PageCursor | undefined;
  private notice: string | undefined;

  private constructor(
    readonly folder: string,
    first: SessionPage,
    /** 'uid' when ids are UIDs of the generation `uidValidity` (IMAP), 'offset' otherwise (POP3). */
    readonly paging: 'uid' | 'offset',
  ) {
    this.list = [...first.messages];
    this.cursor = first.next;
    this.notice = first.warning;
    this.uidValidity = first.uidValidity;
  }

  /** The generation the ids belong to (IMAP UIDVALIDITY), or undefined (POP3). */
  readonly uidValidity: number | undefined;

  static first(folder: string, page: SessionPage): LoadedPage {
    const paging = page.next?.kind ?? (page.uidValidity !== undefined ? 'uid' : 'offset');
    return new LoadedPage(folder, page, paging);
  }

  get messages(): readonly MessageSummary[] {
    return this.list;
  }

  get next(): PageCursor | undefined {
    return this.cursor;
  }

  get hasMore(): boolean {
    return this.cursor !== undefined;
  }

  get warning(): string | undefined {
    return this.notice;
  }

  has(id: MessageId): boolean {
    return this.list.some((m) => m.id === id);
  }

  /** Appends an older page ("Load more"); messages already held are not repeated. Returns how many were added. */
  appendOlder(page: SessionPage): number {
    const seen = new Set(this.list.map((m) => m.id));
    const fresh = page.messages.filter((m) => !seen.has(m.id));
    this.list.push(...fresh);
    this.cursor = page.next;
    // A later page can hold an odd message too (e.g. a POP3 header over the limit): its notice joins the folder's.
    if (page.warning && !this.notice?.includes(page.warning)) this.notice = this.notice ? `${this.notice} ${page.warning}` : page.warning;
    return fresh.length;
  }

  /** Applies one event of the account's session; says what the view must do next. */
  apply(event: SessionEvent): PageChange {
    if (!('folder' in event) || event.folder !== this.folder) return { kind: 'none' };
    switch (event.type) {
      case 'uidValidity':
        return { kind: 'reload', reason: `the folder's UIDVALIDITY changed from ${event.previous} to ${event.current}` };
      case 'new': {
        if (this.otherGeneration(event.uidValidity)) return { kind: 'reload', reason: 'the folder has another UIDVALIDITY' };
        const ids = event.ids.filter((id) => !this.has(id));
        return ids.length > 0 ? { kind: 'fetchNew', ids } : { kind: 'none' };
      }
      case 'expunged': {
        if (this.otherGeneration(event.uidValidity)) return { kind: 'reload', reason: 'the folder has another UIDVALIDITY' };
        // Sequence numbers without ids: which message went is unknown, so no loaded position can be trusted.
        if (event.ids.length === 0 && (event.seqs?.length ?? 0) > 0) return { kind: 'reload', reason: 'messages were expunged by sequence number only' };
        return this.remove(event.ids) > 0 ? { kind: 'changed' } : { kind: 'none' };
      }
      case 'flags':
        if (this.otherGeneration(event.uidValidity)) return { kind: 'none' };
        return this.setFlags(event.id, event.flags, event.modseq) ? { kind: 'changed' } : { kind: 'none' };
      case 'resynced':
        // The individual events came first; a removal they did not carry (POP3 sends both) is applied here too.
        return this.remove(event.removed) > 0 ? { kind: 'changed' } : { kind: 'none' };
      default:
        return { kind: 'none' };
    }
  }

  /** How to fetch the summaries of `count` new messages (a `fetchNew` change). */
  newMessagesRequest(count: number, pageSize: number): NewMessagesRequest {
    if (this.list.length === 0 || count > MAX_MERGED) return { kind: 'reload' };
    if (this.paging === 'offset') {
      // POP3 numbers shift with every change: take the newest messages again, as many as are shown plus the new ones.
      const size = this.list.length + count;
      return size > MAX_MERGED ? { kind: 'reload' } : { kind: 'replace', pageSize: size };
    }
    const top = this.highestUid();
    // One more than arrived: the page then reaches the newest loaded message, so one round trip says nothing lies between.
    return top === undefined ? { kind: 'reload' } : { kind: 'newest', pageSize: Math.max(1, Math.min(count + 1, pageSize)), aboveUid: top };
  }

  /** True when a page of the newest messages reaches down to what is loaded (or is the folder's last), so no new message lies below it. */
  reachesLoaded(page: SessionPage, aboveUid: number): boolean {
    const lowest = page.messages[page.messages.length - 1];
    return page.next === undefined || lowest === undefined || Number(lowest.id) <= aboveUid;
  }

  /**
   * Puts messages newer than everything loaded on top, newest first (UID paging); ones already held, or
   * older than the newest loaded, are left out. Returns the ids added.
   */
  addNewest(fetched: readonly MessageSummary[]): MessageId[] {
    const top = this.highestUid() ?? 0;
    const seen = new Set(this.list.map((m) => m.id));
    const fresh = fetched.filter((m) => !seen.has(m.id) && Number(m.id) > top);
    const unique = [...new Map(fresh.map((m) => [m.id, m])).values()].sort((a, b) => Number(b.id) - Number(a.id));
    this.list = [...unique, ...this.list];
    return unique.map((m) => m.id);
  }

  /** Offset paging: the newest messages, taken again, replace what is loaded (new ones on top), and paging goes on below them. */
  replaceNewest(page: SessionPage): MessageId[] {
    const before = new Set(this.list.map((m) => m.id));
    this.list = [...page.messages];
    this.cursor = page.next;
    if (page.warning && !this.notice?.includes(page.warning)) this.notice = this.notice ? `${this.notice} ${page.warning}` : page.warning;
    return this.list.filter((m) => !before.has(m.id)).map((m) => m.id);
  }

  /** Removes messages (expunged, deleted by another client). Returns how many were held. */
  remove(ids: readonly MessageId[]): number {
    if (ids.length === 0) return 0;
    const gone = new Set(ids);
    const kept = this.list.filter((m) => !gone.has(m.id));
    const removed = this.list.length - kept.length;
    this.list = kept;
    // An offset counts the messages above the next page: those removed from what is loaded were above it.
    if (removed > 0 && this.cursor?.kind === 'offset') this.cursor = { kind: 'offset', offset: Math.max(0, this.cursor.offset - removed) };
    return removed;
  }

  /** Another client changed a message's flags. Returns false when the message is not loaded or nothing changed. */
  /**
   * The message's flags now, and with CONDSTORE its MODSEQ now: the next STORE UNCHANGEDSINCE sends that one, so
   * a change of our own (or one seen from another client) is not taken for a conflict later.
   */
  setFlags(id: MessageId, flags: readonly string[], modseq?: string): boolean {
    const index = this.list.findIndex((m) => m.id === id);
    const held = this.list[index];
    if (!held) return false;
    const newModseq = modseq !== undefined && modseq !== held.modseq;
    if (sameFlags(held.flags, flags) && !newModseq) return false;
    this.list[index] = { ...held, flags: [...flags], ...(newModseq ? { modseq } : {}) };
    return true;
  }

  private highestUid(): number | undefined {
    let top: number | undefined;
    for (const m of this.list) {
      const uid = Number(m.id);
      if (Number.isInteger(uid) && (top === undefined || uid > top)) top = uid;
    }
    return top;
  }

  private otherGeneration(uidValidity: number | undefined): boolean {
    return uidValidity !== undefined && this.uidValidity !== undefined && uidValidity !== this.uidValidity;
  }
}

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}
