import { MessageId } from '../session/sessionEvents';

/** What changed in a maildrop since it was last looked at. Both lists newest first. */
export interface UidlChange {
  readonly added: readonly MessageId[];
  readonly removed: readonly MessageId[];
}

/**
 * The messages of a POP3 maildrop that the client has been shown, to compare with a new UIDL list.
 *
 * Two ways to know them:
 * - partial: the pages listMessages returned since the last page at offset 0 (what the tree shows);
 *   messages older than the newest one shown were simply not paged in yet, so only the ones listed
 *   after it (POP3 numbers follow arrival order, RFC 1939) count as new;
 * - complete: the whole UIDL list of the last check; every id not in it is new.
 * Ids are UIDLs, or message numbers on a server without UIDL (see diffByCount).
 */
export class KnownUidls {
  /** Known ids, oldest first (the order of the maildrop). */
  private ids: MessageId[] = [];
  private set = new Set<MessageId>();
  private complete = false;
  /** The message count when last seen (STAT or the UIDL list); undefined before any look. */
  private count: number | undefined;

  /** Nothing seen yet: no page, no check. */
  get empty(): boolean {
    return this.count === undefined;
  }

  get total(): number | undefined {
    return this.count;
  }

  /** The known ids, oldest first. */
  get list(): readonly MessageId[] {
    return this.ids;
  }

  /**
   * A page was listed: its ids newest first, as listMessages returns them; a later page holds older
   * messages. Offset 0 starts over: the client reloaded the folder.
   */
  page(ids: readonly MessageId[], total: number, firstPage: boolean): void {
    if (firstPage) this.reset();
    this.count = total;
    const fresh = ids.filter((id) => !this.set.has(id));
    for (const id of fresh) this.set.add(id);
    if (!this.complete) this.ids = [...fresh.reverse(), ...this.ids];
  }

  /** Replaces what is known by the whole list of a check (oldest first). */
  replace(current: readonly MessageId[]): void {
    this.ids = [...current];
    this.set = new Set(current);
    this.complete = true;
    this.count = current.length;
  }

  /** The difference between what is known and `current`, the maildrop's UIDL list in message-number order (oldest first). */
  diff(current: readonly MessageId[]): UidlChange {
    const now = new Set(current);
    const removed = this.ids.filter((id) => !now.has(id)).reverse();
    let added: MessageId[];
    if (this.complete || this.empty) {
      added = this.empty ? [] : current.filter((id) => !this.set.has(id));
    } else {
      // Partial: new means listed after the newest message shown. When none of those shown is left, all is new to the client.
      let newest = -1;
      for (let i = current.length - 1; i >= 0; i--) {
        if (this.set.has(current[i]!)) {
          newest = i;
          break;
        }
      }
      added = current.slice(newest + 1);
    }
    return { added: added.reverse(), removed };
  }

  /** Messages this client deleted: no longer known, so the next check does not report them removed again. */
  forget(ids: readonly MessageId[]): void {
    const gone = new Set(ids.filter((id) => this.set.has(id)));
    if (gone.size === 0) return;
    this.ids = this.ids.filter((id) => !gone.has(id));
    for (const id of gone) this.set.delete(id);
    if (this.count !== undefined) this.count = Math.max(0, this.count - gone.size);
  }

  private reset(): void {
    this.ids = [];
    this.set = new Set();
    this.complete = false;
    this.count = undefined;
  }
}

/**
 * A server without UIDL: ids are message numbers ("1" … "n"), and a number names another message
 * once any message is deleted. Only the count can be compared; when it changed, every id shown may
 * now be another message, so all known ids are reported removed and all current numbers added (the
 * client reloads the list). A deletion plus an arrival between two checks leaves the count equal and
 * goes unseen: without UIDL that cannot be told apart.
 */
export function diffByCount(known: KnownUidls, count: number): UidlChange {
  if (known.empty || known.total === count) return { added: [], removed: [] };
  return { added: numbers(count).reverse(), removed: [...known.list].sort((a, b) => Number(b) - Number(a)) };
}

/** "1" … "count": the ids of a maildrop without UIDL, oldest first. */
export function numbers(count: number): MessageId[] {
  return Array.from({ length: count }, (_, i) => String(i + 1));
}
