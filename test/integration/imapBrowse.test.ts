import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';

// Browsing against a real Dovecot: the folder tree, paging, raw bytes, and that looking changes nothing.
let server: DovecotServer;
const USER = () => server.users[0]!.user;
const BULK = 10_000;

function bulkMessage(i: number): string {
  const date = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString().replace('GMT', '+0000');
  return [`From: Sender ${i} <s${i}@example.com>`, 'To: alice@example.com', `Subject: Bulk message ${i}`, `Date: ${date}`, `Message-ID: <bulk-${i}@example.com>`, '', `Body of message ${i}.`, ''].join('\r\n');
}

before(async () => {
  server = await startDovecot();
  const user = USER();
  await server.addMessages(user, 'INBOX', [
    { raw: readFixture('plain', 'Plain hello'), flags: 'S' },
    { raw: readFixture('unread', 'Unread one'), flags: '' },
    { raw: readFixture('flagged', 'Flagged and answered'), flags: 'FRS' },
    { raw: readFixture('encoded', '=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?='), flags: 'S' },
    { raw: readFixture('deleted', 'Marked deleted'), flags: 'T' },
    { raw: bigMessage(), flags: 'S' },
  ]);
  for (const folder of ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) await server.createFolder(user, folder);
  await server.addMessages(user, 'Sent', [{ raw: readFixture('sent', 'Sent mail'), flags: 'S' }]);
  await server.addMessages(user, 'Entwürfe Ärger', [{ raw: readFixture('umlaut', 'Umlaut folder'), flags: '' }]);
  await server.addMessages(user, '日本語', [{ raw: readFixture('jp', 'Japanese folder'), flags: 'S' }]);
  await server.addMessages(user, 'Projects/2026/Q1', [{ raw: readFixture('q1', 'Nested'), flags: '' }]);
  await server.createFolder(user, 'Lists/Dev', { parents: false });
  await server.addMessages(user, 'Parts', [{ raw: multipartMessage(), flags: '' }]);
  await server.addMessages(user, 'Bulk', Array.from({ length: BULK }, (_, i) => ({ raw: bulkMessage(i + 1), flags: i % 3 === 0 ? '' : 'S' })));
});

after(async () => {
  await server?.stop();
});

let fixtureCount = 0;
const seeded = new Map<string, string>();
function readFixture(tag: string, subject: string): string {
  fixtureCount++;
  const raw = [
    `From: "Fixture ${tag}" <${tag}@example.com>`,
    'To: alice@example.com',
    `Subject: ${subject}`,
    `Date: Mon, ${String(fixtureCount).padStart(2, '0')} Jun 2026 10:00:00 +0000`,
    `Message-ID: <${tag}@example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello from ${tag}.`,
    '',
  ].join('\r\n');
  seeded.set(tag, raw);
  return raw;
}

const ATTACHMENT = Buffer.alloc(300_000, 7);
function multipartMessage(): string {
  return [
    'From: parts@example.com',
    'To: alice@example.com',
    'Subject: With attachment',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'The text part.',
    '--b1',
    'Content-Type: application/octet-stream; name="blob.bin"',
    'Content-Disposition: attachment; filename="blob.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    ...(ATTACHMENT.toString('base64').match(/.{1,76}/g) ?? []),
    '--b1--',
    '',
  ].join('\r\n');
}

function bigMessage(): string {
  return ['From: big@example.com', 'To: alice@example.com', 'Subject: Big one', 'Date: Tue, 30 Jun 2026 10:00:00 +0000', 'Message-ID: <big@example.com>', '', ...Array.from({ length: 400 }, (_, i) => `line ${i} ${'z'.repeat(60)}`), ''].join('\r\n');
}

test('folders come in the server hierarchy with special use, decoded names, \\Noselect parents and STATUS counts', async () => {
  const { store } = imapStore(server);
  try {
    const folders = await store.listFolders();
    const byPath = new Map(folders.map((f) => [f.path, f]));
    assert.equal(folders[0]?.path, 'INBOX');
    assert.equal(byPath.get('INBOX')?.specialUse, 'inbox');
    for (const [path, use] of [['Sent', 'sent'], ['Drafts', 'drafts'], ['Trash', 'trash'], ['Junk', 'junk'], ['Archive', 'archive']] as const) {
      assert.equal(byPath.get(path)?.specialUse, use, path);
    }
    assert.equal(byPath.get('Entwürfe Ärger')?.name, 'Entwürfe Ärger');
    assert.equal(byPath.get('日本語')?.total, 1);
    const q1 = byPath.get('Projects/2026/Q1');
    assert.equal(q1?.name, 'Q1');
    assert.equal(q1?.parentPath, 'Projects/2026');
    assert.equal(q1?.delimiter, '/');
    assert.ok(byPath.has('Projects/2026'));
    const lists = byPath.get('Lists');
    assert.ok(lists, 'the parent of Lists/Dev is listed');
    assert.equal(lists.selectable, false, 'Lists exists only as a parent: \\Noselect');
    assert.equal(byPath.get('INBOX')?.total, 6);
    assert.equal(byPath.get('INBOX')?.unseen, 2);
    assert.equal(byPath.get('Bulk')?.total, BULK);
    assert.equal(byPath.get('Bulk')?.unseen, Math.ceil(BULK / 3));
  } finally {
    await store.close();
  }
});

test('the first page of a 10,000-message folder is the newest 50, newest first, fetched by a bounded range', async () => {
  const handle = imapStore(server);
  try {
    const page = await handle.store.listMessages('Bulk', 0, 50);
    assert.equal(page.total, BULK);
    assert.equal(page.messages.length, 50);
    assert.deepEqual(page.messages.map((m) => m.subject), Array.from({ length: 50 }, (_, i) => `Bulk message ${BULK - i}`));
    assert.deepEqual(page.messages.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => BULK - i));
    assert.equal(page.nextOffset, 50);
    assert.equal(page.messages[0]?.from[0]?.address, `s${BULK}@example.com`);
    const fetches = handle.lines.filter((l) => l.direction === 'client' && / (UID )?FETCH /i.test(l.text)).map((l) => l.text);
    assert.equal(fetches.length, 1);
    assert.match(fetches[0] ?? '', / FETCH 9951:10000 /);
    assert.ok(!handle.lines.some((l) => l.direction === 'client' && /FETCH 1:\*/i.test(l.text)), 'never 1:*');
    assert.ok(handle.lines.some((l) => l.direction === 'client' && / EXAMINE "?Bulk"?/.test(l.text)), 'opened read-only');
    assert.ok(!handle.lines.some((l) => l.direction === 'client' && / SELECT /.test(l.text)));

    const second = await handle.store.listMessages('Bulk', 50, 50);
    assert.equal(second.messages[0]?.subject, `Bulk message ${BULK - 50}`);
    const last = await handle.store.listMessages('Bulk', BULK - 20, 50);
    assert.equal(last.messages.length, 20);
    assert.equal(last.nextOffset, undefined);
    assert.equal(last.messages.at(-1)?.subject, 'Bulk message 1');
  } finally {
    await handle.store.close();
  }
});

test('messages carry decoded subjects, senders, dates, sizes and flags', async () => {
  const { store } = imapStore(server);
  try {
    const page = await store.listMessages('INBOX', 0, 50);
    const bySubject = new Map(page.messages.map((m) => [m.subject, m]));
    assert.ok(bySubject.has('Grüße aus Köln'), [...bySubject.keys()].join(', '));
    // \Recent is per session (the first session to see a message gets it), so it is left out.
    const flags = (subject: string) => bySubject.get(subject)?.flags.filter((f) => f !== '\\Recent').sort();
    assert.deepEqual(flags('Flagged and answered'), ['\\Answered', '\\Flagged', '\\Seen']);
    assert.deepEqual(flags('Unread one'), []);
    assert.deepEqual(flags('Marked deleted'), ['\\Deleted']);
    assert.equal(bySubject.get('Plain hello')?.from[0]?.name, 'Fixture plain');
    assert.ok((bySubject.get('Big one')?.size ?? 0) > 20_000);
    assert.equal(bySubject.get('Plain hello')?.date?.toISOString(), '2026-06-01T10:00:00.000Z');
  } finally {
    await store.close();
  }
});

test('raw source is byte for byte the stored file', async () => {
  const { store } = imapStore(server);
  try {
    const page = await store.listMessages('INBOX', 0, 50);
    const plain = page.messages.find((m) => m.subject === 'Plain hello');
    assert.ok(plain);
    const raw = await store.fetchRaw('INBOX', plain.id);
    assert.ok(Buffer.isBuffer(raw));
    assert.equal(raw.toString('latin1'), seeded.get('plain'));
    await assert.rejects(store.fetchRaw('INBOX', '999999'), (e: unknown) => (e as { reason?: string }).reason === 'notFound');
  } finally {
    await store.close();
  }
});

test('browsing every folder and opening messages changes no flag (EXAMINE and BODY.PEEK only)', async () => {
  const user = USER();
  const handle = imapStore(server);
  try {
    const folders = (await handle.store.listFolders()).filter((f) => f.selectable);
    const before = new Map<string, Map<number, string[]>>();
    for (const f of folders) before.set(f.path, await server.flagsOf(user, f.path));
    for (const f of folders) {
      const page = await handle.store.listMessages(f.path, 0, 50);
      for (const m of page.messages.slice(0, 5)) await handle.store.fetchRaw(f.path, m.id);
    }
    await handle.store.close();
    for (const f of folders) assert.deepEqual(await server.flagsOf(user, f.path), before.get(f.path), `flags of ${f.path}`);
    const client = handle.lines.filter((l) => l.direction === 'client').map((l) => l.text);
    assert.ok(client.some((t) => /BODY\.PEEK\[\]/.test(t)), 'bodies fetched with BODY.PEEK');
    for (const t of client) {
      assert.doesNotMatch(t, /\b(SELECT|STORE|EXPUNGE|COPY|MOVE|APPEND|DELETE|RENAME|CREATE)\b/, t);
      assert.doesNotMatch(t, /BODY\[\]/, t);
    }
  } finally {
    await handle.store.close();
  }
});

test('opening a large message elides its literal in the traffic log', async () => {
  const handle = imapStore(server, {}, { maxLiteralBytes: 512 });
  try {
    const page = await handle.store.listMessages('INBOX', 0, 50);
    const big = page.messages.find((m) => m.subject === 'Big one');
    assert.ok(big);
    const raw = await handle.store.fetchRaw('INBOX', big.id);
    const text = handle.text();
    assert.match(text, new RegExp(`… ${raw.length - 512} bytes elided \\(literal of ${raw.length} bytes\\)`));
    assert.ok(text.includes('S: From: big@example.com'));
    assert.ok(!text.includes('line 300 '), 'the elided part is not in the log');
  } finally {
    await handle.store.close();
  }
});

test('cancelling an operation rejects with "cancelled" and the store reconnects afterwards', async () => {
  const { store } = imapStore(server);
  try {
    const controller = new AbortController();
    const pending = store.listMessages('Bulk', 0, 500, controller.signal);
    controller.abort();
    await assert.rejects(pending, (e: unknown) => (e as { reason?: string }).reason === 'cancelled');
    const page = await store.listMessages('Bulk', 0, 5);
    assert.equal(page.messages.length, 5);
  } finally {
    await store.close();
  }
});

test('one MIME part is fetched without the attachment, and BODYSTRUCTURE without the body', async () => {
  const handle = imapStore(server);
  try {
    const [message] = (await handle.store.listMessages('Parts', 0, 10)).messages;
    assert.ok(message);
    const { structure, size } = await handle.store.fetchStructure('Parts', message.id);
    assert.ok(size > 400_000);
    const root = structure as { type: string; childNodes?: { part?: string; type: string }[] };
    assert.equal(root.type, 'multipart/mixed');
    assert.deepEqual(root.childNodes?.map((c) => [c.part, c.type]), [['1', 'text/plain'], ['2', 'application/octet-stream']]);
    const text = await handle.store.fetchPart('Parts', message.id, '1');
    assert.equal(text.bytes.toString('utf8'), 'The text part.');
    assert.ok(text.wireBytes < 2048, `wire bytes ${text.wireBytes}`);
    const mime = await handle.store.fetchPart('Parts', message.id, '2.MIME');
    assert.match(mime.bytes.toString(), /filename="blob.bin"/);
    const attachment = await handle.store.fetchPart('Parts', message.id, '2');
    assert.deepEqual(Buffer.from(attachment.bytes.toString('latin1'), 'base64'), ATTACHMENT);
    assert.ok(handle.lines.some((l) => l.direction === 'client' && /BODY\.PEEK\[1\]/.test(l.text)));
    await assert.rejects(handle.store.fetchPart('Parts', message.id, '1 BODY[]'), (e: unknown) => (e as { reason?: string }).reason === 'config');
    assert.deepEqual([...(await server.flagsOf(server.users[0]!.user, 'Parts')).values()], [[]], 'still unseen');
  } finally {
    await handle.store.close();
  }
});

test('listing a folder again on the same connection sees mail that arrived meanwhile', async () => {
  const handle = imapStore(server);
  try {
    await server.addMessages(USER(), 'Live', [{ raw: 'Subject: first\r\nFrom: a@example.com\r\n\r\n1\r\n' }]);
    const before = await handle.store.listMessages('Live', 0, 10);
    assert.equal(before.total, 1);
    await server.addMessages(USER(), 'Live', [{ raw: 'Subject: second\r\nFrom: a@example.com\r\n\r\n2\r\n' }]);
    const after = await handle.store.listMessages('Live', 0, 10);
    assert.equal(after.total, 2);
    assert.deepEqual(after.messages.map((m) => m.subject), ['second', 'first']);
    assert.equal(handle.lines.filter((l) => l.direction === 'client' && / EXAMINE /.test(l.text)).length, 1, 'the folder stayed open');
  } finally {
    await handle.store.close();
  }
});

test('one Refresh (folder list, then the page) shows the right counts for the folder this connection has open', async () => {
  const handle = imapStore(server);
  try {
    await server.addMessages(USER(), 'Counts', [{ raw: 'Subject: first\r\nFrom: a@example.com\r\n\r\n1\r\n' }]);
    assert.equal((await handle.store.listFolders()).find((f) => f.path === 'Counts')?.total, 1);
    assert.equal((await handle.store.listMessages('Counts', 0, 10)).total, 1); // the folder is open on this connection now
    // Delivered by another client (doveadm writes the Maildir and indexes it) while the folder stays open.
    await server.addMessages(USER(), 'Counts', [{ raw: 'Subject: second\r\nFrom: a@example.com\r\n\r\n2\r\n' }]);
    // What the tree's Refresh does: the folder list (with the counts), then the folder's first page.
    const counts = (await handle.store.listFolders()).find((f) => f.path === 'Counts');
    const page = await handle.store.listMessages('Counts', 0, 10);
    assert.deepEqual([counts?.total, counts?.unseen], [2, 2]);
    assert.equal(page.total, 2);
    assert.equal(handle.lines.filter((l) => l.direction === 'client' && / EXAMINE /.test(l.text)).length, 1, 'the folder stayed open');
  } finally {
    await handle.store.close();
  }
});

test('an 8-bit UTF-8 subject literal is shown as text in the traffic log, as the tree shows it', async () => {
  const handle = imapStore(server);
  try {
    await server.addMessages(USER(), 'Utf8', [{ raw: 'From: list@example.com\r\nSubject: digest \u2013 issue 130\r\n\r\nx\r\n' }]);
    const page = await handle.store.listMessages('Utf8', 0, 10);
    assert.equal(page.messages[0]?.subject, 'digest \u2013 issue 130');
    const text = handle.text().split('\n');
    // The literal does not end in CRLF: its wire line goes on after it (issue 12), on the same log line.
    assert.ok(text.some((l) => l.startsWith('[imap#1] S: digest \u2013 issue 130 ((')), text.filter((l) => l.includes('digest')).join('\n'));
    assert.ok(!text.some((l) => l.includes('\u00e2')), 'no Latin-1 reading of the UTF-8 bytes');
  } finally {
    await handle.store.close();
  }
});

test('the ID command carries exactly our name and version, once, after login; with ID turned off none is sent', async () => {
  const idLines = (handle: ReturnType<typeof imapStore>): string[] => handle.lines.filter((l) => l.direction === 'client' && /^\S+ ID /i.test(l.text)).map((l) => l.text);
  const on = imapStore(server, {}, { clientId: { name: 'Mail Inspector', version: '9.8.7' } });
  try {
    await on.store.listFolders();
    const sent = idLines(on);
    // Dovecot answers ID with one field, for which imapflow on its own sends ID before login and again after it.
    assert.equal(sent.length, 1, `Dovecot offers ID, so it is sent, once: ${sent.join(' | ')}`);
    assert.match(sent[0]!, /^\S+ ID \("name" "Mail Inspector" "version" "9\.8\.7"\)$/);
    const client = on.lines.filter((l) => l.direction === 'client').map((l) => l.text);
    const login = client.findIndex((t) => /^\S+ (AUTHENTICATE|LOGIN) /i.test(t));
    assert.ok(login >= 0 && client.indexOf(sent[0]!) > login, `ID goes after login: ${client.join(' | ')}`);
    assert.ok(on.lines.some((l) => l.direction === 'server' && /^\* ID \(/.test(l.text)), 'the server answered it');
    assert.doesNotMatch(on.text(), /imapflow|Postal Systems|support-url/i);
  } finally {
    await on.store.close();
  }
  const off = imapStore(server, {}, { clientId: false });
  try {
    assert.ok((await off.store.listFolders()).length > 0);
    assert.deepEqual(idLines(off), []);
    assert.match(off.text(), /CAPABILITY[^\n]* ID\b/, 'the server offered ID');
  } finally {
    await off.store.close();
  }
});
