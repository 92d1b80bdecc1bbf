import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { LoadedPage, MAX_MERGED } from '../../src/core/mailbox/loadedPage';
import { MessageSummary } from '../../src/core/mailStore';
import { PageCursor, SessionPage } from '../../src/core/session/accountSession';

// The tree's loaded messages of one folder, kept right by session events (src/core/mailbox/loadedPage.ts).

function summary(id: number | string, flags: string[] = []): MessageSummary {
  return { id: String(id), seq: 0, subject: `m${id}`, from: [], to: [], date: undefined, messageId: undefined, size: 1, flags };
}

/** An IMAP page: UIDs newest first, the next cursor below the lowest when `more`. */
function uidPage(uids: number[], more: boolean, uidValidity = 7): SessionPage {
  const lowest = uids[uids.length - 1];
  const next: PageCursor | undefined = more && lowest !== undefined ? { kind: 'uid', beforeUid: lowest, uidValidity } : undefined;
  return { total: 100, messages: uids.map((u) => summary(u)), nextOffset: undefined, uidValidity, next };
}

/** A POP3 page: UIDLs newest first, at an offset. */
function offsetPage(ids: string[], nextOffset: number | undefined): SessionPage {
  return { total: 100, messages: ids.map((id) => summary(id)), nextOffset, next: nextOffset === undefined ? undefined : { kind: 'offset', offset: nextOffset } };
}

const ids = (page: LoadedPage): string[] => page.messages.map((m) => m.id);

describe('LoadedPage', () => {
  test('new mail by UID goes on top, newest first; ones already held or older than the top are left out', () => {
    const page = LoadedPage.first('INBOX', uidPage([10, 9, 8], true));
    const change = page.apply({ type: 'new', folder: 'INBOX', uidValidity: 7, ids: ['11', '12', '10'], exists: 12 });
    assert.deepEqual(change, { kind: 'fetchNew', ids: ['11', '12'] });
    // One more than arrived, so the page reaches the newest loaded message (10) in one round trip.
    assert.deepEqual(page.newMessagesRequest(2, 50), { kind: 'newest', pageSize: 3, aboveUid: 10 });
    assert.equal(page.reachesLoaded(uidPage([12, 11, 10], true), 10), true);
    assert.deepEqual(page.newMessagesRequest(500, 50), { kind: 'newest', pageSize: 50, aboveUid: 10 }, 'never more than a page at once');
    assert.deepEqual(page.addNewest([summary(11), summary(12), summary(10), summary(3)]), ['12', '11']);
    assert.deepEqual(ids(page), ['12', '11', '10', '9', '8']);
    // The UID cursor is not moved by arrivals: the next page still starts below 8.
    assert.deepEqual(page.next, { kind: 'uid', beforeUid: 8, uidValidity: 7 });
  });

  test('a page of the newest messages that stops above the loaded top asks for more', () => {
    const page = LoadedPage.first('INBOX', uidPage([10, 9], false));
    assert.equal(page.reachesLoaded(uidPage([14, 13], true), 10), false, 'UIDs 11 and 12 are still missing');
    assert.equal(page.reachesLoaded(uidPage([12, 11, 10], true), 10), true);
    assert.equal(page.reachesLoaded(uidPage([12, 11], false), 10), true, 'the last page of the folder');
  });

  test("a flag change carries the message's MODSEQ now: the next STORE UNCHANGEDSINCE sends it (our own change is no conflict)", () => {
    const page = LoadedPage.first('INBOX', { ...uidPage([10, 9], false), messages: [{ ...summary(10), modseq: '100' }, { ...summary(9), modseq: '90' }] });
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '10', flags: ['\\Flagged'], modseq: '105' }), { kind: 'changed' });
    assert.deepEqual([page.messages[0]?.flags, page.messages[0]?.modseq], [['\\Flagged'], '105']);
    // The same flags at a newer MODSEQ (a change and its undo by another client) still move the MODSEQ on.
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '10', flags: ['\\Flagged'], modseq: '107' }), { kind: 'changed' });
    assert.equal(page.messages[0]?.modseq, '107');
    // Without CONDSTORE (no MODSEQ in the event) the one held stays.
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '9', flags: ['\\Seen'] }), { kind: 'changed' });
    assert.equal(page.messages[1]?.modseq, '90');
  });

  test('expunged messages go, without moving a UID cursor; flags follow another client', () => {
    const page = LoadedPage.first('INBOX', uidPage([10, 9, 8], true));
    assert.deepEqual(page.apply({ type: 'expunged', folder: 'INBOX', uidValidity: 7, ids: ['9', '2'], vanished: false }), { kind: 'changed' });
    assert.deepEqual(ids(page), ['10', '8']);
    assert.deepEqual(page.next, { kind: 'uid', beforeUid: 8, uidValidity: 7 });
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '8', flags: ['\\Seen', '\\Flagged'] }), { kind: 'changed' });
    assert.deepEqual(page.messages[1]?.flags, ['\\Seen', '\\Flagged']);
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '8', flags: ['\\Flagged', '\\Seen'] }), { kind: 'none' }, 'same flags');
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 7, id: '99', flags: [] }), { kind: 'none' }, 'not loaded');
  });

  test('events of another folder, another generation or by sequence number only', () => {
    const page = LoadedPage.first('INBOX', uidPage([10], false));
    assert.deepEqual(page.apply({ type: 'new', folder: 'Sent', uidValidity: 7, ids: ['11'], exists: 2 }), { kind: 'none' });
    assert.equal(page.apply({ type: 'uidValidity', folder: 'INBOX', previous: 7, current: 8 }).kind, 'reload');
    assert.equal(page.apply({ type: 'new', folder: 'INBOX', uidValidity: 8, ids: ['1'], exists: 1 }).kind, 'reload');
    assert.deepEqual(page.apply({ type: 'flags', folder: 'INBOX', uidValidity: 8, id: '10', flags: ['\\Seen'] }), { kind: 'none' }, 'UID 10 of generation 8 is another message');
    assert.equal(page.apply({ type: 'expunged', folder: 'INBOX', uidValidity: 7, ids: [], seqs: [1], vanished: false }).kind, 'reload');
    assert.deepEqual(ids(page), ['10']);
  });

  test('nothing loaded, or a flood, reloads the first page instead of merging', () => {
    assert.deepEqual(LoadedPage.first('INBOX', uidPage([], false)).newMessagesRequest(1, 50), { kind: 'reload' });
    assert.deepEqual(LoadedPage.first('INBOX', uidPage([5], false)).newMessagesRequest(MAX_MERGED + 1, 50), { kind: 'reload' });
  });

  test('POP3 offsets move with what arrived above and what went from the loaded messages, so Load more neither skips nor repeats', () => {
    // The maildrop, oldest first: a..j; the first page shows the newest three (j, i, h), the next starts at offset 3.
    const page = LoadedPage.first('INBOX', offsetPage(['j', 'i', 'h'], 3));
    assert.equal(page.paging, 'offset');
    // Another client deletes i (loaded) and c (not loaded yet): one fewer message above the next page.
    page.apply({ type: 'expunged', folder: 'INBOX', uidValidity: undefined, ids: ['i', 'c'], vanished: false });
    assert.deepEqual(page.next, { kind: 'offset', offset: 2 });
    // k and l arrive: the newest are taken again, as many as shown plus the new ones.
    assert.deepEqual(page.apply({ type: 'new', folder: 'INBOX', uidValidity: undefined, ids: ['l', 'k'], exists: 10 }), { kind: 'fetchNew', ids: ['l', 'k'] });
    assert.deepEqual(page.newMessagesRequest(2, 50), { kind: 'replace', pageSize: 4 });
    assert.deepEqual(page.replaceNewest(offsetPage(['l', 'k', 'j', 'h'], 4)), ['l', 'k']);
    // Maildrop now a b d e f g h j k l: the next page at offset 4 is g f e…, right below h.
    assert.deepEqual(page.appendOlder(offsetPage(['g', 'f', 'e'], 7)), 3);
    assert.deepEqual(ids(page), ['l', 'k', 'j', 'h', 'g', 'f', 'e']);
  });

  test('Load more does not repeat a message and keeps every page notice once', () => {
    const page = LoadedPage.first('INBOX', { ...offsetPage(['c', 'b'], 2), warning: 'no TOP' });
    page.appendOlder({ ...offsetPage(['b', 'a'], undefined), warning: 'no TOP' });
    assert.deepEqual(ids(page), ['c', 'b', 'a']);
    assert.equal(page.warning, 'no TOP');
    assert.equal(page.hasMore, false);
  });
});
