import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FolderSnapshot, FolderTimeline } from '../../src/core/documents/folderState';
import { folderStateReport, formatIds, liveValues } from '../../src/core/documents/folderStateReport';
import { SessionEvents } from '../../src/core/session/sessionEvents';

// The "Show Folder State" document, rendered without VS Code: the folder's values, the capabilities, the timeline
// of session events, and server anomalies (UIDVALIDITY changed, a MODSEQ going backwards) highlighted.

function clock(start = Date.UTC(2026, 11, 1, 21, 0, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

const SNAPSHOT: FolderSnapshot = {
  folder: 'INBOX',
  takenAt: new Date(Date.UTC(2026, 11, 1, 21, 0, 0, 500)),
  source: 'STATUS and EXAMINE on the command connection',
  uidValidity: 123,
  uidNext: 11,
  highestModseq: '30',
  exists: 10,
  recent: 2,
  unseen: 4,
  permanentFlags: ['\\Answered', '\\Flagged', '\\Seen', '\\*'],
  flags: ['\\Answered', '\\Flagged', '\\Seen', '$Label|1'],
};

function input(timeline: FolderTimeline, snapshot: FolderSnapshot | undefined = SNAPSHOT) {
  return { accountLabel: 'Work', folder: 'INBOX', snapshot, capabilities: ['IMAP4rev1', 'IDLE', 'CONDSTORE', 'QRESYNC'], state: 'live' as const, watched: true, entries: timeline.entries('INBOX') };
}

test('the document lists every value of the folder and the capabilities in force', () => {
  const text = folderStateReport(input(new FolderTimeline({ now: clock() })));
  assert.match(text, /^# Folder state: INBOX$/m);
  assert.match(text, /\| UIDVALIDITY \| 123 \|/);
  assert.match(text, /\| UIDNEXT \| 11 \|/);
  assert.match(text, /\| HIGHESTMODSEQ \| 30 \|/);
  assert.match(text, /\| EXISTS \| 10 \|/);
  assert.match(text, /\| RECENT \| 2 \|/);
  assert.match(text, /\| PERMANENTFLAGS \| `\\Answered` `\\Flagged` `\\Seen` `\\\*` \|/);
  assert.match(text, /`\$Label\\\|1`/, 'a pipe inside a flag does not break the table');
  assert.match(text, /\| Capabilities \| `IMAP4rev1` `IDLE` `CONDSTORE` `QRESYNC` \|/);
  assert.match(text, /session live \(IDLE\), watching this folder/);
  assert.doesNotMatch(text, /anomal/i);
});

test('NOMODSEQ is said as such, and a server without CONDSTORE shows no HIGHESTMODSEQ', () => {
  const timeline = new FolderTimeline({ now: clock() });
  assert.match(folderStateReport(input(timeline, { ...SNAPSHOT, highestModseq: undefined, noModseq: true })), /\| HIGHESTMODSEQ \| NOMODSEQ/);
  assert.match(folderStateReport(input(timeline, { ...SNAPSHOT, highestModseq: undefined })), /\| HIGHESTMODSEQ \| — \(no CONDSTORE\) \|/);
});

test('the timeline shows each event with time, UIDs and MODSEQ, newest first, and the values follow the events', () => {
  const events = new SessionEvents();
  const timeline = new FolderTimeline({ now: clock() });
  const following = timeline.follow(events);
  events.emit({ type: 'new', folder: 'INBOX', uidValidity: 123, ids: ['11', '12', '13'], exists: 13 });
  events.emit({ type: 'flags', folder: 'INBOX', uidValidity: 123, id: '5', flags: ['\\Seen'], modseq: '31' });
  events.emit({ type: 'expunged', folder: 'INBOX', uidValidity: 123, ids: ['2', '3', '4', '9'], vanished: true });
  events.emit({ type: 'counts', folder: 'INBOX', total: 9, unseen: undefined });
  events.emit({ type: 'new', folder: 'Other', uidValidity: 9, ids: ['1'], exists: 1 });
  events.emit({ type: 'connection', state: 'reconnecting', reason: 'the connection was lost', retryInMs: 500 });
  following.dispose();
  events.emit({ type: 'new', folder: 'INBOX', uidValidity: 123, ids: ['14'], exists: 10 });
  const text = folderStateReport(input(timeline));
  const rows = text.split('\n').filter((l) => /^\| 2026-/.test(l));
  assert.deepEqual(
    rows.map((r) => r.split(' | ').slice(1, 4)),
    [
      ['connection', '', ''],
      ['counts', '', ''],
      ['vanished', '2:4, 9', ''],
      ['flags', '5', '31'],
      ['new', '11:13', ''],
    ],
    'newest first; another folder\'s event is not in this timeline; nothing after dispose()',
  );
  assert.match(rows[0]!, /^\| 2026-12-01 21:00:06\.000 UTC \| connection/);
  assert.match(rows[0]!, /reconnecting: the connection was lost \(next try in 500 ms\)/);
  assert.match(text, /\| UIDNEXT \| 14 \(live\) \|/);
  assert.match(text, /\| HIGHESTMODSEQ \| 31 \(live\) \|/);
  assert.match(text, /\| EXISTS \| 9 \(live\) \|/);
  assert.doesNotMatch(text, /anomal/i);
});

test('a UIDVALIDITY change is highlighted as a server anomaly and voids the old generation\'s values', () => {
  const timeline = new FolderTimeline({ now: clock() });
  timeline.record({ type: 'uidValidity', folder: 'INBOX', previous: 123, current: 456 });
  const text = folderStateReport(input(timeline));
  assert.match(text, /## ⚠ Server anomalies \(1\)/);
  assert.match(text, /UIDVALIDITY changed from 123 to 456/);
  assert.match(text, /\| \*\*⚠ uidValidity\*\* \|.*server anomaly/);
  assert.match(text, /\| UIDVALIDITY \| 456 \(live\) \|/);
  assert.match(text, /\| UIDNEXT \| — \|/, 'the old generation\'s UIDNEXT is not shown as the new one\'s');
});

test('a message whose MODSEQ goes backwards is an anomaly; flags arriving in UID order are not', () => {
  const timeline = new FolderTimeline({ now: clock() });
  // Another client changed UID 5 (MODSEQ 40) and then UID 3 (MODSEQ 41): the server reports them in UID order.
  timeline.record({ type: 'flags', folder: 'INBOX', uidValidity: 123, id: '3', flags: [], modseq: '41' });
  timeline.record({ type: 'flags', folder: 'INBOX', uidValidity: 123, id: '5', flags: ['\\Seen'], modseq: '40' });
  assert.equal(timeline.entries('INBOX').filter((e) => e.anomaly).length, 0);
  // 64-bit MODSEQs compare as numbers, not as strings or doubles.
  timeline.record({ type: 'flags', folder: 'INBOX', uidValidity: 123, id: '5', flags: [], modseq: '18446744073709551000' });
  timeline.record({ type: 'flags', folder: 'INBOX', uidValidity: 123, id: '5', flags: ['\\Seen'], modseq: '18446744073709550999' });
  const anomalies = timeline.entries('INBOX').filter((e) => e.anomaly);
  assert.equal(anomalies.length, 1);
  assert.match(anomalies[0]!.anomaly!, /MODSEQ of UID 5 went backwards from 18446744073709551000 to 18446744073709550999/);
  // The same UID in a new generation is another message: no comparison with the old one.
  timeline.record({ type: 'flags', folder: 'INBOX', uidValidity: 456, id: '5', flags: [], modseq: '2' });
  assert.equal(timeline.entries('INBOX').filter((e) => e.anomaly).length, 1);
  assert.match(folderStateReport(input(timeline)), /Server anomalies \(1\)/);
});

test('snapshots compared: HIGHESTMODSEQ going backwards in one generation and a new UIDVALIDITY are anomalies', () => {
  const timeline = new FolderTimeline({ now: clock() });
  assert.equal(timeline.noteSnapshot(SNAPSHOT), undefined);
  assert.equal(timeline.noteSnapshot({ ...SNAPSHOT, highestModseq: '35' }), undefined, 'growing is normal');
  const backwards = timeline.noteSnapshot({ ...SNAPSHOT, highestModseq: '20' });
  assert.match(backwards?.anomaly ?? '', /HIGHESTMODSEQ went backwards from 35 to 20/);
  const regenerated = timeline.noteSnapshot({ ...SNAPSHOT, uidValidity: 999, highestModseq: '1' });
  assert.match(regenerated?.anomaly ?? '', /UIDVALIDITY changed from 123 to 999/);
  assert.equal(timeline.snapshot('INBOX')?.uidValidity, 999);
});

test('UIDs are shown as compact ranges, POP3 UIDLs as a list, both bounded', () => {
  assert.equal(formatIds(['5', '1', '2', '3', '9', '10']), '1:3, 5, 9:10');
  assert.equal(formatIds(['a', 'b']), 'a, b');
  assert.match(formatIds(Array.from({ length: 30 }, (_, i) => String(i * 2 + 1))), /… \(30 in all\)$/);
  const values = liveValues(undefined, []);
  assert.equal(values.uidValidity, undefined);
});

test('the timeline is bounded', () => {
  const timeline = new FolderTimeline({ now: clock(), maxEntries: 3 });
  for (let i = 1; i <= 5; i++) timeline.record({ type: 'counts', folder: 'INBOX', total: i, unseen: undefined });
  assert.deepEqual(timeline.entries('INBOX').map((e) => e.values?.exists), [3, 4, 5]);
});

test('a UIDVALIDITY change the session reported already is not flagged twice when the next snapshot shows it', () => {
  const timeline = new FolderTimeline({ now: clock() });
  timeline.noteSnapshot(SNAPSHOT);
  timeline.record({ type: 'uidValidity', folder: 'INBOX', previous: 123, current: 456 });
  assert.equal(timeline.noteSnapshot({ ...SNAPSHOT, uidValidity: 456 }), undefined);
  assert.equal(timeline.entries('INBOX').filter((e) => e.anomaly).length, 1);
  assert.equal(timeline.snapshot('INBOX')?.uidValidity, 456);
});
