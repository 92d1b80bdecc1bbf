import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { formatTrafficLine } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';
import { pop3Fixture } from './pop3Fixture';

// Odd messages in a POP3 maildrop on a real Dovecot: one message that cannot be read whole must not
// hide the others, and the traffic log shows 8-bit bytes as UTF-8 text or escapes.
let server: DovecotServer;

/** A message whose header block is over 1 MiB: From, Subject and Date first, then one huge folded field. */
function hugeHeaderMessage(): string {
  const folded = Array.from({ length: 20_000 }, (_, i) => ` ${String(i).padStart(6, '0')}${'h'.repeat(70)}`).join('\r\n');
  return ['From: Odd Sender <odd@example.com>', 'Subject: Header over a mebibyte', 'Date: Wed, 01 Jul 2026 10:00:00 +0000', `X-Huge:${folded}`, 'To: late@example.com', '', 'Body.', ''].join('\r\n');
}

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', [
    { raw: generateMessage(1) },
    { raw: hugeHeaderMessage() },
    { raw: generateMessage(3) },
    // 8-bit subject: valid UTF-8 (an en dash) next to a lone Windows-1252 byte 0x93.
    { raw: Buffer.concat([Buffer.from('From: e@example.com\r\nSubject: digest \u2013 issue 130 ', 'utf8'), Buffer.from([0x93]), Buffer.from('\r\n\r\nx\r\n')]) },
  ]);
});

after(async () => {
  await server?.stop();
});

test('a message with a header over 1 MiB is listed with what could be read and a warning; the page keeps the others', async () => {
  const { store } = pop3Fixture(server);
  const page = await store.listMessages('INBOX', 0, 10);
  assert.equal(page.total, 4);
  assert.deepEqual(page.messages.map((m) => m.seq), [4, 3, 2, 1]);
  const odd = page.messages.find((m) => m.seq === 2);
  assert.ok(odd);
  assert.equal(odd.subject, 'Header over a mebibyte');
  assert.deepEqual(odd.from, [{ name: 'Odd Sender', address: 'odd@example.com' }]);
  assert.equal(odd.date?.toISOString(), '2026-07-01T10:00:00.000Z');
  assert.deepEqual(odd.to, [], 'To comes after the limit');
  assert.ok(odd.size > 1024 * 1024);
  assert.match(page.warning ?? '', /^Message 2 \("Header over a mebibyte"\): its header is 1\.\d MiB .* over the limit of 1\.0 MiB/);
  for (const n of [1, 3]) assert.ok(page.messages.find((m) => m.seq === n)?.subject, `message ${n} has its subject`);
});

test('POP3 traffic shows valid UTF-8 as text and other bytes as \\xNN escapes', async () => {
  const { store, lines } = pop3Fixture(server);
  await store.listMessages('INBOX', 0, 1);
  const text = lines.map(formatTrafficLine);
  assert.ok(text.includes('[pop3#1] S: Subject: digest \u2013 issue 130 \\x93'), text.filter((l) => l.includes('Subject')).join('\n'));
});
