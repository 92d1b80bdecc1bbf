import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { Comparison, COMPARE_TASKS, TaskMeasure } from '../../src/core/compare/compareTypes';
import { compareViewData, comparisonMarkdown } from '../../src/core/compare/compareView';
import { pickParts } from '../../src/core/compare/pickParts';
import { byProtocol, otherProtocolAccounts, otherProtocolName, sameMailboxPairs, sameMailboxPartners } from '../../src/core/compare/sameMailbox';
import { roundTrips } from '../../src/core/compare/taskMeasure';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { exchange, T0 } from './support/handRecord';

test('round trips: answered one after the other count one each, pipelined commands share one wait', () => {
  const e = (command: string, startedAt: number, latencyMs: number) => exchange({ connection: 'pop3#1', command, startedAt, latencyMs });
  assert.equal(roundTrips([e('(greeting)', T0, 1), e('CAPA', T0 + 2, 5), e('USER', T0 + 8, 5), e('PASS', T0 + 14, 5)]), 4);
  // TOP 1, TOP 2, TOP 3 sent together (each before the previous answer), then QUIT after the last answer.
  assert.equal(roundTrips([e('TOP', T0, 10), e('TOP', T0 + 1, 12), e('TOP', T0 + 2, 14), e('QUIT', T0 + 20, 2)]), 2);
  assert.equal(roundTrips([e('(unsolicited)', T0, 0)]), 0);
  assert.equal(roundTrips([]), 0);
});

test('the parts opened: the inline text (text/plain first) and the largest attachment, the same from raw bytes', async () => {
  const raw = Buffer.from(
    [
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/html',
      '',
      '<p>Hello</p>',
      '--a',
      'Content-Type: text/plain',
      '',
      'Hello',
      '--a--',
      '--m',
      'Content-Type: text/csv; name="small.csv"',
      'Content-Disposition: attachment; filename="small.csv"',
      '',
      'a,b',
      '--m',
      'Content-Type: application/pdf; name="big.pdf"',
      'Content-Disposition: attachment; filename="big.pdf"',
      '',
      'x'.repeat(500),
      '--m--',
      '',
    ].join('\r\n'),
  );
  const { text, attachment } = pickParts(await partTreeFromRaw(raw));
  assert.equal(text?.section, '1.2');
  assert.equal(attachment?.fileName, 'big.pdf');
  const plain = pickParts(await partTreeFromRaw(Buffer.from('Subject: x\r\n\r\nJust text.\r\n')));
  assert.equal(plain.text?.section, '1');
  assert.equal(plain.attachment, undefined);
});

const acc = (id: string, protocol: 'imap' | 'pop3', host: string, user: string, security: AccountDefinition['security'] = 'tls'): AccountDefinition => ({
  id,
  label: id,
  protocol,
  host,
  port: 1,
  security,
  user,
  allowInvalidCertificate: false,
  useApop: false,
});

test('the same mailbox: the other protocol, the same host (any case) and user; the same security first', () => {
  const imap = acc('i', 'imap', 'Mail.Example.com', 'alice');
  const all = [imap, acc('p-plain', 'pop3', 'mail.example.com', 'alice', 'starttls'), acc('p-tls', 'pop3', 'mail.example.com', 'alice'), acc('bob', 'pop3', 'mail.example.com', 'bob'), acc('other', 'pop3', 'pop.example.com', 'alice'), acc('i2', 'imap', 'mail.example.com', 'alice')];
  assert.deepEqual(sameMailboxPartners(imap, all).map((a) => a.id), ['p-tls', 'p-plain']);
  assert.deepEqual(sameMailboxPartners(all[2]!, all).map((a) => a.id), ['i', 'i2']);
  assert.deepEqual(sameMailboxPairs(all).map((p) => `${p.imap.id}+${p.pop3.id}`), ['i+p-tls', 'i+p-plain', 'i2+p-tls', 'i2+p-plain']);
  // Whichever was chosen first, the pair is ordered by protocol; a hand-made choice lists the other protocol's accounts.
  assert.deepEqual(byProtocol(all[2]!, imap), { imap, pop3: all[2] });
  assert.deepEqual(byProtocol(imap, all[2]!), { imap, pop3: all[2] });
  assert.equal(otherProtocolName(imap), 'POP3');
  assert.deepEqual(otherProtocolAccounts(imap, all).map((a) => a.id), ['p-plain', 'p-tls', 'bob', 'other']);
});

function measures(scale: number, failing?: TaskMeasure['task']): TaskMeasure[] {
  return COMPARE_TASKS.map((task, i) => ({ task, ms: (i + 1) * scale, bytesOut: 10, bytesIn: 100 * (i + 1) * scale, roundTrips: i + 1, connections: 1, ...(task === failing ? { error: 'No | such thing' } : {}) }));
}

test('the page data: bars scaled to the largest value of each metric; the table says failures in words', () => {
  const c: Comparison = {
    imap: { protocol: 'imap', account: 'IMAP *work*', tasks: measures(1) },
    pop3: { protocol: 'pop3', account: 'POP3 work', tasks: measures(4, 'search') },
    searchedFor: 'Invoice',
    message: { subject: 'Invoice', size: 2048 },
    startedAt: new Date(T0),
  };
  const data = compareViewData(c);
  const time = data.metrics.find((m) => m.name === 'time')!;
  assert.equal(time.rows[4]!.pop3!.fraction, 1);
  assert.equal(time.rows[0]!.imap!.fraction, 1 / 20);
  assert.equal(time.rows[0]!.imap!.text, '1.0 ms');
  assert.equal(data.metrics.find((m) => m.name === 'bytes')!.rows[0]!.pop3!.text, '410 bytes');
  assert.equal(data.table[4]!.pop3!.error, 'No | such thing');
  const markdown = comparisonMarkdown(c);
  assert.match(markdown, /\| Task \| IMAP \(IMAP \\\*work\\\*\) \| POP3 \(POP3 work\) \|/);
  assert.match(markdown, /\| Search a subject \| 5\.0 ms · 510 bytes · 5 round trips · 1 new connection \| 20 ms · 2\.0 KiB · 5 round trips · 1 new connection · failed: No \\\| such thing \|/);
  assert.equal(markdown.split('\n').filter((l) => l.startsWith('| ')).length, 2 + COMPARE_TASKS.length);
});
