import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { pop3Summaries } from '../../src/core/search/pop3ResultPage';
import { Pop3LocalSearch } from '../../src/core/search/pop3LocalSearch';
import { criteria as c } from '../../src/core/search/searchCriteria';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { flagsAndModseqs } from './support/imaplibSearch';
import { Pop3Fixture, pop3Fixture } from './pop3Fixture';
import { seedSearchMail } from './support/searchMail';

// The rows of a POP3 search result (the Accounts tree's result node): the summaries of exactly the shown page's
// messages, found by UIDL in one short session, read from their headers (TOP n 0) — never RETR, nothing marked.

let server: DovecotServer;
let pop: Pop3Fixture;
let baseline: string;

before(async () => {
  server = await startDovecot();
  await seedSearchMail(server, 'INBOX');
  baseline = await flagsAndModseqs(server, 'INBOX');
  pop = pop3Fixture(server);
});

after(async () => {
  await pop?.store.close();
  await server?.stop();
});

test('a page of a POP3 result: its messages in the result order, from their headers only, in one session', async () => {
  const result = await new Pop3LocalSearch(pop.store).search(c.text('subject', 'invoice'));
  assert.ok(result.ids.length >= 2, `the seeded mail has invoices: ${result.ids.join(', ')}`);
  const page = result.ids.slice(0, 2);
  const sentBefore = pop.sent().length;
  const rows = await pop3Summaries(pop.store, [...page, 'no-such-uidl']);
  assert.deepEqual(rows.map((r) => r.id), page, 'in the order asked; an id gone since is left out');
  for (const row of rows) {
    assert.match(row.subject, /invoice/i);
    assert.ok(row.size > 0 && row.seq > 0, JSON.stringify(row));
    assert.deepEqual(row.flags, []);
  }
  const sent = pop.sent().slice(sentBefore);
  assert.equal(sent.filter((l) => /^TOP \d+ 0$/i.test(l)).length, page.length, `one TOP per row: ${sent.join(' | ')}`);
  assert.ok(!sent.some((l) => /^RETR\b/i.test(l)), 'no message is downloaded whole');
  assert.equal(sent.filter((l) => /^QUIT$/i.test(l)).length, 1, 'one session');
  assert.equal(await flagsAndModseqs(server, 'INBOX'), baseline, 'nothing changed on the server');
});
