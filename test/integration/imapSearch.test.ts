import { strict as assert } from 'node:assert';
import { createServer, Server } from 'node:net';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { formatUidSet, UidRange } from '../../src/core/imap/uidSet';
import { searchFolder } from '../../src/core/search/imapSearch';
import { searchFolders } from '../../src/core/search/multiFolderSearch';
import { resultPage } from '../../src/core/search/resultPage';
import { criteria as c, SearchQuery } from '../../src/core/search/searchCriteria';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';
import { ImapHandle, imapStore } from './support/imapFixture';
import { flagsAndModseqs, imaplibSearch, OracleQuery } from './support/imaplibSearch';
import { SEARCH_MAIL_COUNT, seedOtherFolder, seedSearchMail } from './support/searchMail';

// Server-side search against a real Dovecot, checked against an independent client (python3 imaplib's UID SEARCH
// with the same criteria), on a Dovecot that offers ESEARCH and on one configured without it.

const FOLDER = 'Search';
const OTHER = 'Archive 2026';
const WITHOUT_ESEARCH = capabilitiesWithout('ESEARCH', 'ESORT', 'CONTEXT=SEARCH', 'SEARCHRES');

interface Case {
  readonly name: string;
  readonly query: SearchQuery;
  /** The same criteria for imaplib. */
  readonly oracle: Omit<OracleQuery, 'folder'>;
}

const q = (criterion: Parameters<typeof c.and>[0]): SearchQuery => ({ kind: 'criteria', criteria: criterion });
const raw = (text: string): SearchQuery => ({ kind: 'raw', text });

const CASES: Case[] = [
  { name: 'all', query: q(c.all()), oracle: { criteria: 'ALL' } },
  { name: 'from (address)', query: q(c.text('from', 'bob@example')), oracle: { criteria: 'FROM bob@example' } },
  { name: 'from (non-ASCII name in an encoded word)', query: q(c.text('from', 'Müller')), oracle: { criteria: 'FROM', literal: 'Müller' } },
  { name: 'from (Japanese name, base64 encoded word)', query: q(c.text('from', '田中')), oracle: { criteria: 'FROM', literal: '田中' } },
  { name: 'to', query: q(c.text('to', 'bob')), oracle: { criteria: 'TO bob' } },
  { name: 'cc', query: q(c.text('cc', 'carol')), oracle: { criteria: 'CC carol' } },
  { name: 'bcc', query: q(c.text('bcc', 'secret')), oracle: { criteria: 'BCC secret' } },
  { name: 'subject', query: q(c.text('subject', 'invoice')), oracle: { criteria: 'SUBJECT invoice' } },
  { name: 'subject (non-ASCII, encoded word)', query: q(c.text('subject', 'Prüfung')), oracle: { criteria: 'SUBJECT', literal: 'Prüfung' } },
  { name: 'subject (raw UTF-8 header)', query: q(c.text('subject', '議事録')), oracle: { criteria: 'SUBJECT', literal: '議事録' } },
  { name: 'body', query: q(c.text('body', 'invoice')), oracle: { criteria: 'BODY invoice' } },
  { name: 'body (non-ASCII)', query: q(c.text('body', 'Grüße')), oracle: { criteria: 'BODY', literal: 'Grüße' } },
  { name: 'body (base64 part)', query: q(c.text('body', 'revenue')), oracle: { criteria: 'BODY revenue' } },
  { name: 'text (quoted-printable body, non-ASCII)', query: q(c.text('text', 'Zürich')), oracle: { criteria: 'TEXT', literal: 'Zürich' } },
  { name: 'text (header or body)', query: q(c.text('text', 'pizza')), oracle: { criteria: 'TEXT pizza' } },
  { name: 'header with a value', query: q(c.header('X-Mailer', 'mutt')), oracle: { criteria: 'HEADER X-Mailer mutt' } },
  { name: 'header present', query: q(c.header('List-Id', '')), oracle: { criteria: 'HEADER List-Id ""' } },
  { name: 'since (arrival)', query: q(c.date('since', '2026-03-10')), oracle: { criteria: 'SINCE 10-Mar-2026' } },
  { name: 'before (arrival)', query: q(c.date('before', '2026-02-04')), oracle: { criteria: 'BEFORE 4-Feb-2026' } },
  { name: 'on (arrival)', query: q(c.date('on', '2026-04-02')), oracle: { criteria: 'ON 2-Apr-2026' } },
  { name: 'sent since', query: q(c.date('sentSince', '2026-04-01')), oracle: { criteria: 'SENTSINCE 1-Apr-2026' } },
  { name: 'sent before', query: q(c.date('sentBefore', '2026-01-21')), oracle: { criteria: 'SENTBEFORE 21-Jan-2026' } },
  { name: 'sent on', query: q(c.date('sentOn', '2026-03-10')), oracle: { criteria: 'SENTON 10-Mar-2026' } },
  { name: 'larger', query: q(c.size('larger', 10_000)), oracle: { criteria: 'LARGER 10000' } },
  { name: 'smaller', query: q(c.size('smaller', 600)), oracle: { criteria: 'SMALLER 600' } },
  { name: 'seen', query: q(c.flag('seen')), oracle: { criteria: 'SEEN' } },
  { name: 'unseen', query: q(c.flag('seen', false)), oracle: { criteria: 'UNSEEN' } },
  { name: 'flagged', query: q(c.flag('flagged')), oracle: { criteria: 'FLAGGED' } },
  { name: 'unanswered', query: q(c.flag('answered', false)), oracle: { criteria: 'UNANSWERED' } },
  { name: 'deleted', query: q(c.flag('deleted')), oracle: { criteria: 'DELETED' } },
  { name: 'draft', query: q(c.flag('draft')), oracle: { criteria: 'DRAFT' } },
  { name: 'keyword', query: q(c.keyword('$Invoice')), oracle: { criteria: 'KEYWORD $Invoice' } },
  { name: 'unkeyword', query: q(c.keyword('Work', false)), oracle: { criteria: 'UNKEYWORD Work' } },
  { name: 'UID ranges', query: q(c.uid([[2, 4], [9, 9]])), oracle: { criteria: 'UID 2:4,9' } },
  { name: 'AND', query: q(c.and(c.text('from', 'bob'), c.flag('seen', false))), oracle: { criteria: 'FROM bob UNSEEN' } },
  { name: 'OR', query: q(c.or(c.text('subject', 'meeting'), c.text('subject', 'budget'), c.flag('draft'))), oracle: { criteria: 'OR SUBJECT meeting OR SUBJECT budget DRAFT' } },
  { name: 'NOT', query: q(c.not(c.flag('seen'))), oracle: { criteria: 'NOT SEEN' } },
  { name: 'OR of ANDs', query: q(c.or(c.and(c.text('subject', 'invoice'), c.keyword('$Invoice')), c.flag('flagged'))), oracle: { criteria: 'OR (SUBJECT invoice KEYWORD $Invoice) FLAGGED' } },
  { name: 'NOT of OR', query: q(c.not(c.or(c.flag('seen'), c.flag('deleted')))), oracle: { criteria: 'NOT OR SEEN DELETED' } },
  { name: 'AND with a non-ASCII term and a size', query: q(c.and(c.size('smaller', 5000), c.text('subject', 'Rechnung'), c.text('from', 'Díaz'))), oracle: { criteria: 'SMALLER 5000 SUBJECT Rechnung FROM', literal: 'Díaz' } },
  { name: 'raw: OR with a group', query: raw('OR FROM "carol" (SUBJECT "Travel" SEEN)'), oracle: { criteria: 'OR FROM "carol" (SUBJECT "Travel" SEEN)' } },
  { name: 'raw: non-ASCII in quotes', query: raw('FROM "Díaz"'), oracle: { criteria: 'FROM', literal: 'Díaz' } },
  { name: 'raw: UID with * and NOT KEYWORD', query: raw('UID 3:* NOT KEYWORD Work'), oracle: { criteria: 'UID 3:* NOT KEYWORD Work' } },
  { name: 'raw: lower case and nested parentheses', query: raw('not (seen (larger 1000))'), oracle: { criteria: 'not (seen (larger 1000))' } },
];

const expand = (ranges: readonly UidRange[]): number[] => ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));

interface Variant {
  readonly name: string;
  readonly capabilities: string | undefined;
  readonly esearch: boolean;
  server?: DovecotServer;
  handle?: ImapHandle;
  baseline?: string[];
}

const VARIANTS: Variant[] = [
  { name: 'a Dovecot with ESEARCH', capabilities: undefined, esearch: true },
  { name: 'a Dovecot without ESEARCH', capabilities: WITHOUT_ESEARCH, esearch: false },
];

before(async () => {
  for (const variant of VARIANTS) {
    const server = await startDovecot(variant.capabilities ? { imapCapability: variant.capabilities } : {});
    variant.server = server;
    await seedSearchMail(server, FOLDER);
    await seedOtherFolder(server, OTHER);
    variant.baseline = [await flagsAndModseqs(server, FOLDER), await flagsAndModseqs(server, OTHER)];
    variant.handle = imapStore(server);
  }
});

after(async () => {
  for (const variant of VARIANTS) {
    await variant.handle?.store.close();
    await variant.server?.stop();
  }
});

for (const variant of VARIANTS) {
  test(`${CASES.length} criteria give the UIDs imaplib's UID SEARCH gives: ${variant.name}`, async () => {
    const server = variant.server!;
    const { store, text } = variant.handle!;
    const expected = await imaplibSearch(server, CASES.map((k) => ({ folder: FOLDER, ...k.oracle })));
    let discriminating = 0;
    for (const [i, k] of CASES.entries()) {
      const result = await searchFolder(store, FOLDER, k.query);
      const uids = expand(result.uids);
      assert.deepEqual(uids, expected[i], `${k.name}: ${result.command}`);
      assert.equal(result.count, uids.length, k.name);
      assert.equal(result.min, uids[0], k.name);
      assert.equal(result.max, uids[uids.length - 1], k.name);
      assert.equal(result.esearch, variant.esearch, k.name);
      assert.ok(result.uidValidity > 0);
      if (uids.length > 0 && uids.length < SEARCH_MAIL_COUNT) discriminating++;
    }
    // The table means something: nearly every case picks some messages and leaves others.
    assert.ok(discriminating >= CASES.length - 3, `only ${discriminating} of ${CASES.length} cases picked a proper subset`);
    const traffic = text();
    if (variant.esearch) {
      assert.match(traffic, /C: \d+ UID SEARCH RETURN \(COUNT MIN MAX ALL\) SUBJECT "invoice"$/m);
      assert.match(traffic, /C: \d+ UID SEARCH RETURN \(COUNT MIN MAX ALL\) CHARSET UTF-8 SUBJECT \{8\+\}$/m);
      assert.match(traffic, /S: \* ESEARCH \(TAG "\w+"\) UID MIN \d+ MAX \d+ ALL [\d:,]+ COUNT \d+$/m);
    } else {
      assert.doesNotMatch(traffic, /UID SEARCH RETURN/);
      assert.doesNotMatch(traffic, /\* ESEARCH/);
      assert.match(traffic, /C: \d+ UID SEARCH SUBJECT "invoice"$/m);
      assert.match(traffic, /C: \d+ UID SEARCH CHARSET UTF-8 SUBJECT \{8\+\}$/m);
    }
    assert.match(traffic, /-- search in "Search": \d+ results?, server \d+ ms$/m);
    assert.doesNotMatch(traffic, /C: \d+ SELECT /, 'searching EXAMINEs, never SELECTs');
  });

  test(`the result carries the exact command and the server's time: ${variant.name}`, async () => {
    const { store } = variant.handle!;
    const result = await searchFolder(store, FOLDER, q(c.and(c.text('subject', 'Prüfung'), c.flag('flagged'))));
    const returns = variant.esearch ? 'RETURN (COUNT MIN MAX ALL) ' : '';
    assert.equal(result.command, `UID SEARCH ${returns}CHARSET UTF-8 SUBJECT {8}Prüfung FLAGGED`);
    assert.deepEqual(expand(result.uids), [2]);
    assert.ok(Number.isInteger(result.serverMs) && result.serverMs >= 0);
  });

  test(`multi-folder results equal the union of per-folder searches, with progress and cancel: ${variant.name}`, async () => {
    const server = variant.server!;
    const { store } = variant.handle!;
    const folders = [FOLDER, OTHER, 'INBOX'];
    const query = q(c.or(c.text('subject', 'invoice'), c.text('from', 'Díaz')));
    const progress: string[] = [];
    const multi = await searchFolders(store, folders, query, { progress: (p) => progress.push(`${p.done}/${p.total} ${p.folder} ${p.count}`) });
    assert.equal(multi.method, 'perFolder', 'Dovecot 2.3 does not offer MULTISEARCH (RFC 7377)');
    assert.deepEqual(multi.folders.map((f) => f.folder), folders);
    const each = await Promise.all(folders.map((f) => searchFolder(store, f, query)));
    const oracle = await imaplibSearch(server, folders.map((folder) => ({ folder, criteria: 'OR SUBJECT invoice FROM', literal: 'Díaz' })));
    for (const [i, folder] of folders.entries()) {
      assert.deepEqual(expand(multi.folders[i]!.uids), expand(each[i]!.uids), folder);
      assert.deepEqual(expand(multi.folders[i]!.uids), oracle[i], folder);
      assert.equal(multi.folders[i]!.uidValidity, each[i]!.uidValidity, folder);
    }
    assert.equal(multi.count, each.reduce((n, r) => n + r.count, 0));
    assert.ok(multi.count > each[0]!.count, 'the second folder adds matches');
    assert.equal(multi.commands.length, folders.length);
    let running = 0;
    assert.deepEqual(
      progress,
      folders.map((f, i) => `${i + 1}/${folders.length} ${f} ${(running += each[i]!.count)}`),
    );

    const controller = new AbortController();
    const searched: string[] = [];
    await assert.rejects(
      searchFolders(store, folders, query, {
        signal: controller.signal,
        progress: (p) => {
          searched.push(p.folder);
          controller.abort();
        },
      }),
      (e: unknown) => MailError.is(e, 'cancelled'),
    );
    assert.deepEqual(searched, [FOLDER], 'cancelled after the first folder: the others were not searched');
  });

  test(`a page of results fetches only that page's envelopes, newest first: ${variant.name}`, async () => {
    const { store, lines } = variant.handle!;
    const result = await searchFolder(store, FOLDER, q(c.or(c.text('subject', 'invoice'), c.flag('seen'))));
    const all = expand(result.uids);
    assert.ok(all.length >= 5);
    const seen: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    do {
      const from = lines.length;
      const page = await resultPage(store, result, cursor, 2);
      const fetches = lines.slice(from).filter((l) => l.direction === 'client' && /UID FETCH/.test(l.text));
      assert.equal(fetches.length, 1);
      const ids = page.messages.map((m) => Number(m.id));
      assert.ok(fetches[0]!.text.includes(` UID FETCH ${formatUidSet(ids)} (`), fetches[0]!.text);
      assert.ok(ids.length <= 2 && ids.length > 0);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
      assert.equal(page.total, result.count);
      seen.push(...ids);
      cursor = page.nextBeforeUid;
      pages++;
    } while (cursor !== undefined);
    assert.deepEqual(seen, [...all].reverse());
    assert.equal(pages, Math.ceil(all.length / 2));
  });

  test(`a search run again finds mail that arrived since, on the connection that kept the folder open: ${variant.name}`, async () => {
    const server = variant.server!;
    const { store } = variant.handle!;
    const folder = 'Arrivals';
    const mail = (n: number): { raw: string } => ({ raw: `From: a@example.com\r\nSubject: arrival ${n}\r\nMessage-ID: <arrival-${n}@example.com>\r\n\r\nbody\r\n` });
    await server.addMessages(server.users[0]!.user, folder, [mail(1), mail(2)]);
    const query = q(c.text('subject', 'arrival'));
    assert.deepEqual(expand((await searchFolder(store, folder, query)).uids), [1, 2]);
    await server.addMessages(server.users[0]!.user, folder, [mail(3)]);
    assert.deepEqual(expand((await searchFolder(store, folder, query)).uids), [1, 2, 3]);
  });

  test(`raw criteria with CR/LF or unbalanced quotes are refused with nothing sent: ${variant.name}`, async () => {
    const { store, lines } = variant.handle!;
    for (const text of ['SUBJECT "x"\r\nA999 DELETE Search', 'SUBJECT x\nFLAGGED', 'SUBJECT "open', 'OR (SEEN FLAGGED', 'SEEN)']) {
      const from = lines.length;
      await assert.rejects(searchFolder(store, FOLDER, raw(text)), (e: unknown) => MailError.is(e, 'config') && /Nothing was sent/.test(e.message));
      await assert.rejects(searchFolders(store, [FOLDER, OTHER], raw(text)), (e: unknown) => MailError.is(e, 'config'));
      assert.deepEqual(lines.slice(from), [], `nothing at all was sent for ${JSON.stringify(text)}`);
    }
    assert.ok(!lines.some((l) => l.direction === 'client' && /DELETE Search/.test(l.text)));
  });

  test(`a NO or BAD from the server comes back with its own words: ${variant.name}`, async () => {
    const { store } = variant.handle!;
    await assert.rejects(searchFolder(store, FOLDER, raw('NOSUCHKEY 1')), (e: unknown) => MailError.is(e, 'server') && /UID SEARCH/.test(e.message) && /^BAD /.test(e.serverText ?? ''));
    await assert.rejects(searchFolder(store, FOLDER, raw('CHARSET X-NO-SUCH-CHARSET SUBJECT x')), (e: unknown) => MailError.is(e, 'server') && /BADCHARSET|NO /.test(e.serverText ?? ''));
  });

  test(`flags and MODSEQ are unchanged after every search: ${variant.name}`, async () => {
    const server = variant.server!;
    assert.deepEqual([await flagsAndModseqs(server, FOLDER), await flagsAndModseqs(server, OTHER)], variant.baseline);
    assert.ok(variant.baseline![0]!.includes('$Invoice'), 'the baseline has the keywords');
  });
}

test('a 100,000-message folder: ESEARCH answers compactly, and a result page costs one page of envelopes', async (t) => {
  const variant = VARIANTS[0]!;
  const server = variant.server!;
  const { store, lines } = variant.handle!;
  const TOTAL = 100_000;
  await server.addMessages(server.users[0]!.user, 'Big', Array.from({ length: TOTAL }, (_, i) => ({ raw: generateMessage(i) })));
  const received = (from: number): number => lines.slice(from).filter((l) => l.direction === 'server').reduce((n, l) => n + Buffer.byteLength(l.text) + 2, 0);

  let from = lines.length;
  const all = await searchFolder(store, 'Big', q(c.all()));
  assert.equal(all.count, TOTAL);
  assert.deepEqual(all.uids, [[1, TOTAL]]);
  assert.ok(received(from) < 1024, `ESEARCH ALL is one range: ${received(from)} bytes received`);

  const invoices = await searchFolder(store, 'Big', q(c.text('subject', 'invoice')));
  const [oracle] = await imaplibSearch(server, [{ folder: 'Big', criteria: 'SUBJECT invoice' }]);
  assert.deepEqual(expand(invoices.uids), oracle);
  assert.ok(invoices.count > 5_000, `${invoices.count} results`);

  from = lines.length;
  const page = await resultPage(store, invoices, undefined, 50);
  assert.equal(page.messages.length, 50);
  assert.deepEqual(page.messages.map((m) => Number(m.id)), expand(invoices.uids).slice(-50).reverse());
  const fetched = lines.slice(from).filter((l) => l.direction === 'server' && /^\* \d+ FETCH/.test(l.text)).length;
  assert.equal(fetched, 50, 'only the page\'s envelopes were fetched');
  t.diagnostic(`ALL: server ${all.serverMs} ms; SUBJECT "invoice": ${invoices.count} results, server ${invoices.serverMs} ms; page of 50: ${received(from)} bytes`);
  assert.ok(received(from) < 50 * 2048, `the page cost ${received(from)} bytes, bounded by the page, not by ${invoices.count} results`);
});

/**
 * A scripted IMAP server that offers MULTISEARCH (RFC 7377) and answers ESEARCH IN with the RFC's response form.
 * A fake because Dovecot 2.3 does not implement MULTISEARCH; everything else of this file runs against Dovecot.
 */
async function multiSearchServer(): Promise<{ server: Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const caps = 'IMAP4rev1 ESEARCH MULTISEARCH LITERAL+ NAMESPACE';
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(`* OK [CAPABILITY ${caps}] fake ready\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const [tag, verb = ''] = line.split(' ');
        commands.push(line);
        const reply = (text: string): boolean => socket.write(text);
        if (/^LOGIN$/i.test(verb)) reply(`${tag} OK [CAPABILITY ${caps}] Logged in\r\n`);
        else if (/^CAPABILITY$/i.test(verb)) reply(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`);
        else if (/^NAMESPACE$/i.test(verb)) reply(`* NAMESPACE (("" "/")) NIL NIL\r\n${tag} OK done\r\n`);
        else if (/^ESEARCH$/i.test(verb)) {
          reply(`* ESEARCH (TAG "${tag}" MAILBOX "INBOX" UIDVALIDITY 11) UID MIN 1 MAX 3 ALL 1:3 COUNT 3\r\n`);
          reply(`* ESEARCH (TAG "${tag}" MAILBOX "K&APw-che" UIDVALIDITY 22) UID COUNT 2 MIN 3 MAX 5 ALL 3,5\r\n`);
          reply(`${tag} OK ESEARCH done\r\n`);
        } else if (/^LOGOUT$/i.test(verb)) {
          reply(`* BYE bye\r\n${tag} OK done\r\n`);
          socket.end();
        } else reply(`${tag} OK done\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { server, port: address.port, commands };
}

test('where MULTISEARCH is offered, one ESEARCH IN searches every folder, results grouped with their UIDVALIDITY', async () => {
  const fake = await multiSearchServer();
  const handle = imapStore(VARIANTS[0]!.server!, { security: 'none', port: fake.port });
  try {
    const progress: number[] = [];
    const result = await searchFolders(handle.store, ['INBOX', 'Küche', 'Sent'], q(c.text('subject', 'invoice')), { progress: (p) => progress.push(p.done) });
    assert.equal(result.method, 'esearchIn');
    const sent = fake.commands.filter((line) => / ESEARCH /.test(line));
    // Folder names in modified UTF-7 (no UTF8=ACCEPT), and decoded again from the answers' MAILBOX.
    assert.deepEqual(sent.map((line) => line.replace(/^\S+ /, '')), ['ESEARCH IN (mailboxes ("INBOX" "K&APw-che" "Sent")) RETURN (COUNT MIN MAX ALL) SUBJECT "invoice"']);
    assert.ok(!fake.commands.some((line) => /EXAMINE|SELECT/i.test(line)), 'ESEARCH IN opens no folder');
    assert.deepEqual(
      result.folders.map((f) => [f.folder, f.uidValidity, expand(f.uids), f.count, f.min, f.max]),
      [
        ['INBOX', 11, [1, 2, 3], 3, 1, 3],
        ['Küche', 22, [3, 5], 2, 3, 5],
        ['Sent', undefined, [], 0, undefined, undefined],
      ],
    );
    assert.equal(result.count, 5);
    assert.equal(result.commands.length, 1);
    assert.deepEqual(progress, [3]);
  } finally {
    await handle.store.close();
    fake.server.close();
  }
});
