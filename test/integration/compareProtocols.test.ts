import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { compareViewData } from '../../src/core/compare/compareView';
import { Comparison, COMPARE_TASKS, TaskMeasure } from '../../src/core/compare/compareTypes';
import { compareProtocols } from '../../src/core/compare/protocolRun';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { DovecotServer, startDovecot } from '../servers/dovecot';

// Compare POP3 and IMAP (issue 13 point 4): one Dovecot serves the same maildrop over IMAP and POP3, and both
// protocols run the same five tasks through the product's own sessions. The newest message carries a 2 MB
// attachment, so opening its text costs a few kilobytes over IMAP (one part) and the whole message over POP3.

const ATTACHMENT_BYTES = 2 * 1024 * 1024;

function small(i: number): string {
  return [`From: seed@example.com`, 'To: alice@example.com', `Subject: Weekly note ${i}`, `Message-ID: <note-${i}@example.com>`, '', `Note ${i}.`, ''].join('\r\n');
}

function withAttachment(): string {
  const data = Buffer.alloc(ATTACHMENT_BYTES);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
  const base64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'From: reports@example.com',
    'To: alice@example.com',
    'Subject: Quarterly figures attached',
    'Message-ID: <figures@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The figures are in the attached file.',
    '--b1',
    'Content-Type: application/octet-stream; name="figures.bin"',
    'Content-Disposition: attachment; filename="figures.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    base64,
    '--b1--',
    '',
  ].join('\r\n');
}

let server: DovecotServer;
let comparison: Comparison;

function account(protocol: 'imap' | 'pop3'): AccountDefinition {
  const user = server.users[0]!;
  return {
    id: `compare-${protocol}`,
    label: `${protocol} account`,
    protocol,
    host: '127.0.0.1',
    port: protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
    security: 'tls',
    user: user.user,
    allowInvalidCertificate: false,
    useApop: false,
  };
}

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', [...[1, 2, 3].map((i) => ({ raw: small(i) })), { raw: withAttachment() }]);
  const password = server.users[0]!.password;
  comparison = await compareProtocols({ account: account('imap'), credentials: password }, { account: account('pop3'), credentials: password }, { limits: DEFAULT_LIMITS, ca: server.ca, clientId: false });
});

after(async () => {
  await server?.stop();
});

const task = (run: 'imap' | 'pop3', name: TaskMeasure['task']): TaskMeasure => {
  const found = comparison[run].tasks.find((t) => t.task === name);
  assert.ok(found, `${run} ran ${name}`);
  return found;
};

test('both columns are filled: every task ran over both protocols, with time, bytes and round trips of its own', () => {
  for (const run of ['imap', 'pop3'] as const) {
    assert.deepEqual(comparison[run].tasks.map((t) => t.task), [...COMPARE_TASKS]);
    for (const t of comparison[run].tasks) {
      assert.equal(t.error, undefined, `${run} ${t.task}: ${t.error}`);
      assert.ok(t.ms > 0, `${run} ${t.task} took time`);
      assert.ok(t.bytesOut > 0 && t.bytesIn > 0, `${run} ${t.task} sent and received bytes`);
      assert.ok(t.roundTrips >= 1, `${run} ${t.task} waited for the server`);
    }
  }
  assert.equal(comparison.searchedFor, 'Quarterly figures attached');
  assert.match(task('imap', 'search').note ?? '', /UID SEARCH on the server: 1 found/);
  assert.match(task('pop3', 'search').note ?? '', /searched here .*4 headers.*1 found/);
});

test('opening the text part costs far fewer bytes over IMAP than over POP3 on a message with a large attachment', () => {
  const imap = task('imap', 'textPart');
  const pop3 = task('pop3', 'textPart');
  assert.ok(pop3.bytesIn > ATTACHMENT_BYTES, `POP3 downloaded the whole message (${pop3.bytesIn} bytes)`);
  assert.ok(imap.bytesIn * 50 < pop3.bytesIn, `IMAP ${imap.bytesIn} bytes, POP3 ${pop3.bytesIn} bytes`);
  assert.match(imap.note ?? '', /BODYSTRUCTURE, then BODY\.PEEK\[1\]/);
  assert.match(pop3.note ?? '', /RETR of the whole message/);
  // The attachment is most of the message either way: both fetch at least its bytes.
  assert.ok(task('imap', 'attachment').bytesIn > ATTACHMENT_BYTES);
  assert.ok(task('pop3', 'attachment').bytesIn > ATTACHMENT_BYTES);
});

test('connections are counted per task: IMAP opens one and keeps it', () => {
  assert.ok(task('pop3', 'login').connections >= 1, 'POP3 connected to log in');
  assert.equal(task('imap', 'login').connections, 1);
  for (const name of COMPARE_TASKS.slice(1)) assert.equal(task('imap', name).connections, 0, `IMAP ${name} reuses the connection`);
});

test('the page data: three charts over the five tasks, and the numbers as a table', () => {
  const data = compareViewData(comparison);
  assert.deepEqual(data.metrics.map((m) => m.name), ['time', 'bytes', 'roundTrips']);
  for (const metric of data.metrics) {
    assert.equal(metric.rows.length, 5);
    const fractions = metric.rows.flatMap((r) => [r.imap!.fraction, r.pop3!.fraction]);
    assert.ok(fractions.every((f) => f >= 0 && f <= 1));
    assert.equal(Math.max(...fractions), 1);
  }
  assert.match(data.markdown, /\| Open the newest message's text \| .* \| .* \|/);
  assert.ok(!data.markdown.includes(server.users[0]!.password));
});
