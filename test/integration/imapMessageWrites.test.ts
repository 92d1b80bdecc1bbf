import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { MailWriter, UndoPlan } from '../../src/core/write/mailWriter';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession } from './support/liveFixture';
import { OtherClient } from './support/otherClient';
import { formatTrafficLine } from '../../src/core/traffic/trafficTap';

// Copy, move, delete, expunge and upload on a full Dovecot (MOVE, UIDPLUS, SPECIAL-USE, LITERAL+), each result
// checked by python3 imaplib (OtherClient): the right messages at the COPYUID/APPENDUID ids with the same bytes,
// nothing else changed, and Undo putting back exactly what was changed.
let server: DovecotServer;
let other: OtherClient;
let h: LiveHandle;
const USER = (): string => server.users[0]!.user;

function message(name: string, body = `Body of ${name}.`): string {
  return [`From: seed@example.com`, 'To: alice@example.com', `Subject: ${name}`, `Message-ID: <${name}@example.com>`, '', body, ''].join('\r\n');
}

before(async () => {
  server = await startDovecot();
  other = new OtherClient(server);
  h = liveSession(server);
  h.session.setAccess('read-write');
});

after(async () => {
  await h?.session.close().catch(() => undefined);
  await server?.stop();
});

const writer = (): MailWriter => h.session.writer;
/** The traffic from line `from` on, as the output channel shows it. */
const trafficSince = (from: number): string => h.lines.slice(from).map(formatTrafficLine).join('\n');

async function uidValidity(folder: string): Promise<number> {
  return (await other.status(folder)).uidValidity;
}

/** Every message's bytes in a folder, by UID (imaplib BODY.PEEK[]). */
async function bytesOf(folder: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const row of await other.snapshot(folder)) out.set(row.uid, (await other.fetchMessage(folder, row.uid)).bytes.toString('latin1'));
  return out;
}

test('copy: UID COPY, the copies at the COPYUID ids hold the same bytes; the source is untouched; Undo removes exactly the copies', async () => {
  await server.addMessages(USER(), 'CopySrc', [{ raw: message('copy-1') }, { raw: message('copy-2'), flags: 'S' }, { raw: message('copy-3'), flags: 'F' }]);
  await server.addMessages(USER(), 'CopyDst', [{ raw: message('already-there') }]);
  const sourceBefore = await other.snapshot('CopySrc');
  const since = h.events.length;

  const result = await writer().copyMessages({ folder: 'CopySrc', uidValidity: await uidValidity('CopySrc'), ids: ['1', '3'] }, 'CopyDst');

  assert.equal(result.method, 'copy');
  assert.equal(result.targetUidValidity, await uidValidity('CopyDst'));
  assert.deepEqual([...result.idMap.keys()], ['1', '3']);
  for (const [from, to] of result.idMap) {
    const original = await other.fetchMessage('CopySrc', Number(from));
    const copy = await other.fetchMessage('CopyDst', Number(to));
    assert.ok(copy.bytes.equals(original.bytes), `copy of UID ${from} has the same bytes`);
    assert.deepEqual(copy.flags.sort(), original.flags.sort());
  }
  assert.deepEqual(await other.snapshot('CopySrc'), sourceBefore, 'the source is unchanged, MODSEQs included');
  assert.match(h.text(), /C: \w+ UID COPY 1,3 "CopyDst"\n/);
  assert.match(h.text(), /S: \w+ OK \[COPYUID \d+ 1,3 2:3\]/);
  const added = await h.waitFor(isEvent('new', (e) => e.folder === 'CopyDst'), 1000, since);
  assert.deepEqual(added.event.ids, [...result.idMap.values()]);

  assert.equal(result.undo.possible, true);
  await writer().undo((result.undo as { plan: UndoPlan }).plan);
  assert.deepEqual((await other.snapshot('CopyDst')).map((m) => m.uid), [1], 'only the copies were removed; the message already there stays');
  assert.match(h.text(), /C: \w+ UID STORE 2:3 \+FLAGS\.SILENT \(\\Deleted\)\n[\s\S]*C: \w+ UID EXPUNGE 2:3\n/);
  assert.deepEqual((await other.snapshot('CopySrc')).map((m) => m.uid), [1, 2, 3]);
});

test('move with MOVE: UID MOVE takes only the moved messages out of the source (another \\Deleted one stays); Undo moves them back', async () => {
  await server.addMessages(USER(), 'MoveSrc', [{ raw: message('move-1') }, { raw: message('move-2'), flags: 'S' }, { raw: message('move-3') }, { raw: message('move-4-deleted'), flags: 'T' }]);
  const originals = await bytesOf('MoveSrc');
  const plan = await writer().planMove({ folder: 'MoveSrc', uidValidity: await uidValidity('MoveSrc'), ids: ['1', '2'] }, 'MoveDst');
  assert.deepEqual(plan, { method: 'move', otherDeleted: 0, uidplus: true });
  await other.create('MoveDst');
  const since = h.events.length;
  const sent = h.lines.length;

  const result = await writer().moveMessages({ folder: 'MoveSrc', uidValidity: await uidValidity('MoveSrc'), ids: ['1', '2'] }, 'MoveDst');

  assert.equal(result.method, 'move');
  assert.deepEqual([...result.idMap], [['1', '1'], ['2', '2']]);
  const target = await bytesOf('MoveDst');
  for (const [from, to] of result.idMap) assert.equal(target.get(Number(to)), originals.get(Number(from)), `UID ${from} is in the target at UID ${to}`);
  const source = await other.snapshot('MoveSrc');
  assert.deepEqual(source.map((m) => [m.uid, m.flags]), [[3, []], [4, ['\\Deleted']]], 'only the moved messages left; the other \\Deleted one survives');
  assert.match(trafficSince(sent), /C: \w+ UID MOVE 1:2 "MoveDst"\n/);
  assert.doesNotMatch(trafficSince(sent), /C: \w+ (UID )?(COPY|STORE|EXPUNGE)/);
  const gone = await h.waitFor(isEvent('expunged', (e) => e.folder === 'MoveSrc'), 1000, since);
  assert.deepEqual(gone.event.ids, ['1', '2']);
  await h.waitFor(isEvent('new', (e) => e.folder === 'MoveDst' && e.ids.join() === '1,2'), 1000, since);

  assert.equal(result.undo.possible, true);
  const undo = (result.undo as { plan: UndoPlan }).plan;
  assert.deepEqual(undo, { kind: 'moveBack', from: 'MoveDst', fromUidValidity: await uidValidity('MoveDst'), ids: ['1', '2'], to: 'MoveSrc' });
  await writer().undo(undo);
  assert.equal((await other.snapshot('MoveDst')).length, 0, 'gone from the target');
  const back = await bytesOf('MoveSrc');
  assert.deepEqual([...back.values()].sort(), [...originals.values()].sort(), 'every original is back in the source, byte for byte');
});

test('delete moves to the special-use Trash; Undo moves it back from there', async () => {
  await server.addMessages(USER(), 'DelSrc', [{ raw: message('del-1') }, { raw: message('del-2') }]);
  const original = (await other.fetchMessage('DelSrc', 2)).bytes;
  const trashBefore = (await other.snapshot('Trash')).length;

  const result = await writer().deleteMessages({ folder: 'DelSrc', uidValidity: await uidValidity('DelSrc'), ids: ['2'] });

  assert.equal(result.method, 'trash');
  assert.equal(result.transfer?.target, 'Trash');
  const inTrash = result.transfer!.idMap.get('2')!;
  assert.ok((await other.fetchMessage('Trash', Number(inTrash))).bytes.equals(original));
  assert.deepEqual((await other.snapshot('DelSrc')).map((m) => m.uid), [1]);
  assert.match(h.text(), /C: \w+ LIST .*\n[\s\S]*C: \w+ UID MOVE 2 "Trash"\n/);
  assert.equal(result.undo.possible, true);
  await writer().undo((result.undo as { plan: UndoPlan }).plan);
  assert.equal((await other.snapshot('Trash')).length, trashBefore);
  const back = await other.snapshot('DelSrc');
  assert.equal(back.length, 2);
  assert.ok((await other.fetchMessage('DelSrc', back[1]!.uid)).bytes.equals(original));
});

test('delete inside the Trash marks \\Deleted (only those not marked yet); Undo takes \\Deleted off exactly those', async () => {
  await server.addMessages(USER(), 'Trash', [{ raw: message('trash-a') }, { raw: message('trash-b'), flags: 'T' }]);
  const before = await other.snapshot('Trash');
  const [a, b] = before.slice(-2).map((m) => m.uid) as [number, number];

  const result = await writer().deleteMessages({ folder: 'Trash', uidValidity: await uidValidity('Trash'), ids: [String(a), String(b)] });

  assert.equal(result.method, 'flagged');
  const after = await other.snapshot('Trash');
  assert.deepEqual(after.map((m) => [m.uid, m.flags]), before.map((m) => [m.uid, m.uid === a ? ['\\Deleted'] : m.flags]));
  assert.match(h.text(), new RegExp(`C: \\w+ UID STORE ${a} \\+FLAGS \\(\\\\Deleted\\)\\n`));
  assert.equal(result.undo.possible, true);
  assert.deepEqual((result.undo as { plan: UndoPlan }).plan, { kind: 'flags', folder: 'Trash', uidValidity: await uidValidity('Trash'), change: { add: ['\\Deleted'] }, ids: [String(a)] });
  await writer().undo((result.undo as { plan: UndoPlan }).plan);
  assert.deepEqual((await other.snapshot('Trash')).map((m) => [m.uid, m.flags]), before.map((m) => [m.uid, m.flags]), 'the flags are as before: b keeps the \\Deleted it had');
});

test('expunge: refused when more messages are \\Deleted than confirmed (another client marked one more); with the count now it expunges exactly those', async () => {
  await server.addMessages(USER(), 'Exp', [{ raw: message('exp-1'), flags: 'T' }, { raw: message('exp-2') }, { raw: message('exp-3'), flags: 'T' }, { raw: message('exp-4') }]);
  await other.store('Exp', 4, '+FLAGS', ['\\Deleted']);
  const before = await other.snapshot('Exp');

  await assert.rejects(writer().expungeFolder('Exp', 2), (error: unknown) => MailError.is(error, 'conflict') && /3 message\(s\) in "Exp" are marked \\Deleted now, more than the 2 you confirmed/.test(error.message));
  assert.deepEqual(await other.snapshot('Exp'), before, 'nothing expunged');
  assert.doesNotMatch(h.text(), /C: \w+ EXPUNGE\n/);

  const since = h.events.length;
  assert.deepEqual(await writer().expungeFolder('Exp', 3), { expunged: 3 });
  assert.deepEqual((await other.snapshot('Exp')).map((m) => m.uid), [2]);
  assert.match(h.text(), /C: \w+ UID SEARCH DELETED\n\[imap#1\] S: \* SEARCH 1 3 4\n[\s\S]*C: \w+ EXPUNGE\n/);
  const gone = await h.waitFor(isEvent('expunged', (e) => e.folder === 'Exp'), 1000, since);
  assert.deepEqual(gone.event.ids, ['1', '3', '4']);
});

/** An .eml as a file holds it: CRLF lines, 8-bit bytes (ISO-8859-1 é, ü), a 1500-byte line, padded to `size` bytes. */
function emlFile(name: string, size: number): Buffer {
  const head = Buffer.from(`From: upload@example.com\r\nTo: alice@example.com\r\nSubject: ${name}\r\nMessage-ID: <${name}@example.com>\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`, 'latin1');
  const eight = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0xfc, 0x62, 0x65, 0x72, 0x0d, 0x0a]); // "Café über\r\n" in ISO-8859-1
  const long = Buffer.from(`${'x'.repeat(1500)}\r\n`, 'latin1');
  const parts = [head, eight, long];
  let length = parts.reduce((n, p) => n + p.length, 0);
  while (length + 80 <= size) {
    const line = Buffer.from(`${'line '.repeat(14)}${String(length).padStart(8, '0')}\r\n`, 'latin1');
    parts.push(line);
    length += line.length;
  }
  return Buffer.concat(parts);
}

test('upload: APPEND stores the .eml byte for byte with its flags and internal date; the UID comes from APPENDUID', async () => {
  await other.create('Uploads');
  const big = emlFile('upload-big', 200_000);
  const small = emlFile('upload-small', 2000);
  const date = new Date('2020-02-29T12:34:56Z');
  const since = h.events.length;

  const result = await writer().appendMessage('Uploads', big, { flags: ['\\Seen', '$Forwarded', 'project-x', '\\Recent'], internalDate: date });
  const second = await writer().appendMessage('Uploads', small, {});

  assert.equal(result.uid, 1);
  assert.equal(result.uidValidity, await uidValidity('Uploads'));
  const stored = await other.fetchMessage('Uploads', 1);
  assert.ok(stored.bytes.equals(big), 'the stored message equals the file exactly');
  assert.deepEqual(stored.flags.sort(), ['$Forwarded', '\\Seen', 'project-x']);
  assert.equal(stored.internalDate.getTime(), date.getTime());
  assert.equal(second.uid, 2);
  assert.ok((await other.fetchMessage('Uploads', 2)).bytes.equals(small));
  // Above 4 KiB a synchronizing literal (the server may refuse before the bytes go), below it LITERAL+'s {n+}.
  assert.match(h.text(), new RegExp(`C: \\w+ APPEND "Uploads" \\(\\\\Seen \\$Forwarded project-x\\) "29-Feb-2020 12:34:56 \\+0000" \\{${big.length}\\}`));
  assert.match(h.text(), new RegExp(`C: \\w+ APPEND "Uploads" \\{${small.length}\\+\\}`));
  assert.match(h.text(), /S: \w+ OK \[APPENDUID \d+ 1\]/);
  await h.waitFor(isEvent('new', (e) => e.folder === 'Uploads' && e.ids.join() === '1'), 1000, since);
});

test('failed writes carry the server\'s words and change nothing', async () => {
  await server.addMessages(USER(), 'FailSrc', [{ raw: message('fail-1') }]);
  const before = await other.snapshot('FailSrc');
  await assert.rejects(writer().copyMessages({ folder: 'FailSrc', uidValidity: await uidValidity('FailSrc'), ids: ['1'] }, 'No Such Folder'), (error: unknown) => {
    assert.ok(MailError.is(error, 'server'));
    assert.match(error.message, /Copying 1 message\(s\) from "FailSrc" to "No Such Folder" was refused; nothing was changed/);
    assert.match(error.serverText ?? '', /^NO \[TRYCREATE\] Mailbox doesn't exist/);
    return true;
  });
  await assert.rejects(writer().moveMessages({ folder: 'FailSrc', uidValidity: await uidValidity('FailSrc'), ids: ['1'] }, 'No Such Folder'), (error: unknown) => MailError.is(error, 'server') && /TRYCREATE/.test(error.serverText ?? ''));
  await assert.rejects(writer().appendMessage('No Such Folder', Buffer.from('Subject: x\r\n\r\nx\r\n'), {}), (error: unknown) => MailError.is(error, 'server') && /TRYCREATE/.test(error.serverText ?? ''));
  assert.deepEqual(await other.snapshot('FailSrc'), before);
  // A stale generation is refused before anything is sent.
  await assert.rejects(writer().moveMessages({ folder: 'FailSrc', uidValidity: 1, ids: ['1'] }, 'Trash'), (error: unknown) => MailError.is(error, 'notFound') && error.detail?.kind === 'staleGeneration');
  assert.deepEqual(await other.snapshot('FailSrc'), before);
});
