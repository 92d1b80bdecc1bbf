import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { UidRange } from '../../src/core/imap/uidSet';
import { searchFolder } from '../../src/core/search/imapSearch';
import { costText, Pop3LocalSearch } from '../../src/core/search/pop3LocalSearch';
import { criteria as c, SearchCriterion } from '../../src/core/search/searchCriteria';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { ImapHandle, imapStore } from './support/imapFixture';
import { flagsAndModseqs } from './support/imaplibSearch';
import { Pop3Fixture, pop3Fixture } from './pop3Fixture';
import { SEARCH_MAIL_COUNT, seedSearchMail } from './support/searchMail';

// POP3 cannot search on the server: the client downloads headers (TOP n 0) or whole messages and filters them
// itself. The same mailbox is served by Dovecot over IMAP and POP3, so the local search must find exactly what the
// server's IMAP SEARCH finds, and say what it downloaded.

let server: DovecotServer;
let imap: ImapHandle;
let pop: Pop3Fixture;
let baseline: string;

const expand = (ranges: readonly UidRange[]): number[] => ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
/** Dovecot's default pop3_uidl_format is %08Xu%08Xv: the IMAP UID in hex, then the UIDVALIDITY. */
const uidOf = (uidl: string): number => {
  assert.match(uidl, /^[0-9a-f]{16}$/i);
  return parseInt(uidl.slice(0, 8), 16);
};

before(async () => {
  server = await startDovecot();
  await seedSearchMail(server, 'INBOX');
  baseline = await flagsAndModseqs(server, 'INBOX');
  imap = imapStore(server);
  pop = pop3Fixture(server);
});

after(async () => {
  await imap?.store.close();
  await pop?.store.close();
  await server?.stop();
});

const HEADER_CASES: [string, SearchCriterion][] = [
  ['all', c.all()],
  ['from', c.text('from', 'bob@example')],
  ['from, non-ASCII name', c.text('from', 'Müller')],
  ['from, ISO-8859-1 encoded word', c.text('from', 'Äbischer')],
  ['to', c.text('to', 'bob')],
  ['cc', c.text('cc', 'carol')],
  ['bcc', c.text('bcc', 'secret')],
  ['subject', c.text('subject', 'invoice')],
  ['subject, non-ASCII encoded word', c.text('subject', 'Prüfung')],
  ['subject, raw UTF-8', c.text('subject', '議事録')],
  ['header with a value', c.header('X-Mailer', 'mutt')],
  ['header present', c.header('List-Id', '')],
  ['sent since', c.date('sentSince', '2026-04-01')],
  ['sent before', c.date('sentBefore', '2026-01-21')],
  ['sent on', c.date('sentOn', '2026-03-10')],
  ['larger', c.size('larger', 10_000)],
  ['smaller', c.size('smaller', 600)],
  ['AND', c.and(c.text('from', 'bob'), c.size('smaller', 5000))],
  ['OR', c.or(c.text('subject', 'meeting'), c.text('subject', 'budget'))],
  ['NOT', c.not(c.text('subject', 'invoice'))],
];

const BODY_CASES: [string, SearchCriterion][] = [
  ['body', c.text('body', 'invoice')],
  ['body, non-ASCII', c.text('body', 'Grüße')],
  ['body, base64 part', c.text('body', 'revenue')],
  ['text, quoted-printable body', c.text('text', 'Zürich')],
  ['text, header or body', c.text('text', 'pizza')],
  ['subject AND body', c.and(c.text('subject', 'invoice'), c.text('body', 'reminder'))],
];

async function imapUids(criterion: SearchCriterion): Promise<number[]> {
  return expand((await searchFolder(imap.store, 'INBOX', { kind: 'criteria', criteria: criterion })).uids);
}

test('header criteria: the local search finds what IMAP SEARCH finds, downloading each header once per session', async () => {
  const search = new Pop3LocalSearch(pop.store);
  for (const [i, [name, criterion]] of HEADER_CASES.entries()) {
    const before = pop.tap.totals.received;
    const result = await search.search(criterion, { traffic: pop.tap.totals });
    assert.deepEqual(result.ids.map(uidOf).sort((a, b) => a - b), await imapUids(criterion), name);
    assert.deepEqual(result.ids.map(uidOf), [...result.ids.map(uidOf)].sort((a, b) => b - a), `${name}: newest first`);
    assert.equal(result.total, SEARCH_MAIL_COUNT);
    assert.equal(result.cost.headersSearched, SEARCH_MAIL_COUNT);
    assert.equal(result.cost.sessions, 1);
    assert.equal(result.cost.messagesDownloaded, 0);
    assert.equal(result.cost.wireBytes, pop.tap.totals.received - before);
    if (i === 0) {
      assert.equal(result.cost.headersDownloaded, SEARCH_MAIL_COUNT, 'the first search downloads every header');
      assert.ok(result.cost.bytesDownloaded > 0 && result.cost.bytesDownloaded < 12 * 1024, `headers only: ${result.cost.bytesDownloaded} bytes`);
      assert.match(costText(result.cost), /^searched 12 headers: \d\.\d KiB downloaded in 1 session$/);
    } else {
      assert.equal(result.cost.headersDownloaded, 0, `${name}: headers come from the session's cache`);
      assert.equal(result.cost.bytesDownloaded, 0);
    }
  }
  assert.equal(search.cachedHeaders, SEARCH_MAIL_COUNT);
  assert.ok(!pop.sent().some((line) => /^RETR/.test(line)), 'header criteria never download a whole message');
  assert.equal(pop.sent().filter((line) => /^TOP \d+ 0$/.test(line)).length, SEARCH_MAIL_COUNT);
});

test('body criteria: whole messages only after confirm(size), then RSET; the result matches IMAP SEARCH', async () => {
  const search = new Pop3LocalSearch(pop.store);
  for (const [name, criterion] of BODY_CASES) {
    const asked: [number, number][] = [];
    const from = pop.lines.length;
    const result = await search.search(criterion, { confirm: (bytes, messages) => (asked.push([bytes, messages]), true) });
    assert.deepEqual(result.ids.map(uidOf).sort((a, b) => a - b), await imapUids(criterion), name);
    assert.equal(asked.length, 1, `${name}: asked once`);
    assert.equal(result.cost.messagesDownloaded, asked[0]![1]);
    assert.equal(result.cost.sessions, 2, 'one session for the headers, one for the messages');
    const sent = pop.lines.slice(from).filter((l) => l.direction === 'client').map((l) => l.text);
    const retrs = sent.filter((line) => /^RETR \d+$/.test(line));
    assert.equal(retrs.length, asked[0]![1]);
    for (const [i, line] of sent.entries()) if (/^RETR/.test(line)) assert.equal(sent[i + 1], 'RSET', 'every RETR is followed by RSET');
  }
  // `subject "invoice" AND body "reminder"` downloads only the three messages whose subject says invoice.
  const asked: number[] = [];
  const narrowed = await search.search(c.and(c.text('subject', 'invoice'), c.text('body', 'reminder')), { confirm: (_, messages) => (asked.push(messages), true) });
  assert.deepEqual(asked, [3]);
  assert.deepEqual(narrowed.ids.map(uidOf), [10]);
  assert.match(costText(narrowed.cost), /^searched 12 headers and 3 whole messages: [\d.,]+ (bytes|KiB) downloaded in 2 sessions$/);
});

test('a declined download sends no RETR; criteria POP3 cannot answer are refused before any session', async () => {
  const search = new Pop3LocalSearch(pop.store);
  const from = pop.lines.length;
  await assert.rejects(
    search.search(c.text('body', 'invoice'), { confirm: () => false }),
    (e: unknown) => MailError.is(e, 'cancelled') && /declined/.test(e.message),
  );
  assert.ok(!pop.lines.slice(from).some((l) => l.direction === 'client' && /^RETR/.test(l.text)));
  await assert.rejects(search.search(c.text('body', 'invoice')), (e: unknown) => MailError.is(e, 'config'));

  const quiet = pop.lines.length;
  for (const criterion of [c.flag('seen'), c.keyword('$Invoice'), c.uid([[1, 3]]), c.date('since', '2026-01-01'), c.or(c.text('from', 'x'), c.flag('flagged', false))]) {
    await assert.rejects(search.search(criterion), (e: unknown) => MailError.is(e, 'unsupported'), JSON.stringify(criterion));
  }
  assert.equal(pop.lines.length, quiet, 'nothing was sent');
});

test('flags and MODSEQ are unchanged after every search, RETRs included', async () => {
  assert.equal(await flagsAndModseqs(server, 'INBOX'), baseline);
});
