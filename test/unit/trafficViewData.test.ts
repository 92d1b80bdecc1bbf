import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import type { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { buildViewData, clockTime, formatLatency, parsePageMessage, timeline, TIMELINE_HEIGHT, TIMELINE_WIDTH } from '../../src/core/traffic/trafficViewData';
import { describeFilter, transcriptText } from '../../src/core/traffic/transcriptText';
import { connection, exchange, HandRecord, T0 } from './support/handRecord';

// The traffic view's data (what the webview is sent), its filters, the latency timeline and the exported
// transcript, over hand-made records; and that no credential reaches the webview's data or the export when the
// events come from a real TrafficTap.

function sample(): HandRecord {
  const c1 = connection('imap#1', 'imap', { greeting: '* OK [CAPABILITY IMAP4rev1] Dovecot ready.', tls: 'TLSv1.3 TLS_AES_256_GCM_SHA384', login: 'LOGIN', closedAt: T0 + 1000 });
  const c2 = connection('pop3#2', 'pop3', { greeting: '+OK Dovecot ready.', login: 'USER/PASS' });
  return new HandRecord(
    [c1, c2],
    [
      exchange({ connection: 'imap#1', tag: 'A1', command: 'LOGIN', commandText: 'A1 LOGIN alice ****', startedAt: T0 + 10, latencyMs: 20, server: ['A1 OK Logged in'] }),
      exchange({
        connection: 'imap#1',
        tag: 'A2',
        command: 'EXAMINE',
        commandText: 'A2 EXAMINE Nope',
        startedAt: T0 + 40,
        latencyMs: 2,
        status: 'no',
        responseText: "A2 NO [NONEXISTENT] Mailbox doesn't exist: Nope",
        codes: [{ name: 'NONEXISTENT', explanation: 'the folder does not exist' }],
        server: ["A2 NO [NONEXISTENT] Mailbox doesn't exist: Nope"],
      }),
      exchange({ connection: 'imap#1', tag: 'A3', command: 'UID FETCH', commandText: 'A3 UID FETCH 5 (BODY.PEEK[])', startedAt: T0 + 50, latencyMs: 400, target: { mailbox: 'INBOX', uids: '5' }, server: ['* 1 FETCH (UID 5 BODY[] {3}', 'A3 OK'] }),
      exchange({ connection: 'pop3#2', command: 'RETR', commandText: 'RETR 1', startedAt: T0 + 60, status: 'err', responseText: '-ERR [IN-USE] locked', server: ['-ERR [IN-USE] locked'] }),
      exchange({ connection: 'imap#1', tag: 'A4', command: 'IDLE', commandText: 'A4 IDLE', startedAt: T0 + 900, status: 'pending', server: ['+ idling'] }),
    ],
  );
}

describe('view data', () => {
  test('connections with greeting, TLS and login; rows with time, command, status, latency and bytes', () => {
    const data = buildViewData(sample(), {});
    assert.deepEqual(data.connections.map((c) => [c.id, c.greeting, c.tls, c.login, c.shown]), [
      ['imap#1', '* OK [CAPABILITY IMAP4rev1] Dovecot ready.', 'TLSv1.3 TLS_AES_256_GCM_SHA384', 'LOGIN', 4],
      ['pop3#2', '+OK Dovecot ready.', undefined, 'USER/PASS', 1],
    ]);
    assert.deepEqual(data.rows.map((r) => [r.command, r.status, r.failed, r.latency]), [
      ['LOGIN', 'ok', false, '20.0 ms'],
      ['EXAMINE', 'no', true, '2.0 ms'],
      ['UID FETCH', 'ok', false, '400 ms'],
      ['RETR', 'err', true, '5.0 ms'],
      ['IDLE', 'pending', false, ''],
    ]);
    assert.equal(data.rows[0]!.time, clockTime(T0 + 10));
    assert.equal(data.rows[0]!.bytesOut, Buffer.byteLength('A1 LOGIN alice ****\r\n'));
    assert.equal(data.rows[0]!.bytesIn, Buffer.byteLength('A1 OK Logged in\r\n'));
    assert.deepEqual(data.rows[1]!.codes, [{ name: 'NONEXISTENT', explanation: 'the folder does not exist' }]);
    assert.deepEqual([data.total, data.matched, data.older], [5, 5, 0]);
    assert.deepEqual(data.commands, ['EXAMINE', 'IDLE', 'LOGIN', 'RETR', 'UID FETCH']);
  });

  test('only expanded rows carry their lines, exactly as the output channel shows them', () => {
    const record = sample();
    const id = record.exchanges()[1]!.id;
    const data = buildViewData(record, {}, new Set([id]));
    assert.deepEqual(data.rows[1]!.lines, ['[imap#1] C: A2 EXAMINE Nope', "[imap#1] S: A2 NO [NONEXISTENT] Mailbox doesn't exist: Nope"]);
    assert.equal(data.rows.filter((r) => r.lines).length, 1);
  });

  test('filters by connection, command, status (failed: NO, BAD, BYE, -ERR, lost) and text, together', () => {
    const record = sample();
    const commands = (filter: Parameters<typeof buildViewData>[1]): string[] => buildViewData(record, filter).rows.map((r) => r.command);
    assert.deepEqual(commands({ connection: 'pop3#2' }), ['RETR']);
    assert.deepEqual(commands({ command: 'UID FETCH' }), ['UID FETCH']);
    assert.deepEqual(commands({ status: 'failed' }), ['EXAMINE', 'RETR']);
    assert.deepEqual(commands({ status: 'pending' }), ['IDLE']);
    assert.deepEqual(commands({ status: 'ok' }), ['LOGIN', 'UID FETCH']);
    assert.deepEqual(commands({ text: "doesn't EXIST" }), ['EXAMINE'], 'any line of the exchange, case-insensitive');
    assert.deepEqual(commands({ text: 'idling' }), ['IDLE']);
    assert.deepEqual(commands({ status: 'failed', connection: 'imap#1' }), ['EXAMINE']);
    const data = buildViewData(record, { status: 'failed', connection: 'imap#1' });
    assert.deepEqual(data.connections.map((c) => c.shown), [1, 0]);
    assert.equal(data.matched, 1);
  });

  test("a message's filter gives its transcript, with roles and what it cost", () => {
    const data = buildViewData(sample(), { message: { identity: { protocol: 'imap', mailbox: 'INBOX', uid: 5 }, label: '"Hello" (UID 5 in INBOX)' } });
    assert.deepEqual(data.rows.map((r) => [r.command, r.role]), [['UID FETCH', 'body']]);
    assert.equal(data.cost?.exchanges, 1);
    assert.equal(data.cost?.latencyMs, 400);
  });

  test('the newest rows are sent, the older counted', () => {
    const data = buildViewData(sample(), {}, new Set(), 2);
    assert.deepEqual(data.rows.map((r) => r.command), ['RETR', 'IDLE']);
    assert.equal(data.older, 3);
  });

  test('latencies read the same everywhere', () => {
    assert.equal(formatLatency(0.4213), '0.42 ms');
    assert.equal(formatLatency(12.34), '12.3 ms');
    assert.equal(formatLatency(1234.4), '1,234 ms');
  });
});

describe('latency timeline', () => {
  test("bars at their start over the connection's life, as wide as they took, log-scale height; failures and pending marked", () => {
    const record = sample();
    const c = record.connections()[0]!;
    const mine = record.exchanges().filter((e) => e.connection === c.id);
    const t = timeline(c, mine);
    assert.equal(t.spanMs, 1000);
    const [login, examine, fetch, idle] = t.bars;
    assert.deepEqual([login!.x, login!.width], [10, 20]);
    assert.equal(examine!.failed, true);
    assert.equal(fetch!.width, 400);
    assert.ok(fetch!.height > login!.height && login!.height > examine!.height, 'longer takes taller');
    assert.ok(idle!.pending);
    assert.ok(t.bars.every((b) => b.x >= 0 && b.x + b.width <= TIMELINE_WIDTH + 0.01 && b.height <= TIMELINE_HEIGHT && b.height >= 2));
    assert.equal(login!.title, 'A1 LOGIN · 20.0 ms');
  });
});

describe('transcript export', () => {
  test('connection headings, a summary line per exchange, the exact lines and the codes explained', () => {
    const text = transcriptText(sample(), { status: 'failed' }, { account: 'Work', exportedAt: new Date(T0) });
    const lines = text.split('\n');
    assert.equal(lines[0], '# Mail Inspector traffic transcript: Work');
    assert.match(lines[1]!, /^# Exported 2026-01-02T10:00:00\.000Z; 2 of 5 exchanges$/);
    assert.equal(lines[2], '# Filter: status failed');
    assert.ok(lines.includes('## Connection imap#1 (IMAP), opened ' + clockTime(T0) + ', closed ' + clockTime(T0 + 1000)));
    assert.ok(lines.includes('#  TLS: TLSv1.3 TLS_AES_256_GCM_SHA384'));
    assert.ok(lines.includes(`# ${clockTime(T0 + 40)} A2 EXAMINE: NO, 2.0 ms, ${Buffer.byteLength('A2 EXAMINE Nope\r\n')} bytes out, ${Buffer.byteLength("A2 NO [NONEXISTENT] Mailbox doesn't exist: Nope\r\n")} bytes in`), text);
    assert.ok(lines.includes("[imap#1] S: A2 NO [NONEXISTENT] Mailbox doesn't exist: Nope"));
    assert.ok(lines.includes('#  [NONEXISTENT] the folder does not exist'));
    assert.ok(lines.includes('## Connection pop3#2 (POP3), opened ' + clockTime(T0)));
    assert.ok(lines.some((l) => /^# \S+ RETR: -ERR, 5\.0 ms/.test(l)));
    assert.ok(!text.includes('LOGIN alice'), 'filtered out');
  });

  test('the filter in words', () => {
    assert.equal(describeFilter({}), '');
    assert.equal(
      describeFilter({ connection: 'imap#1', command: 'UID FETCH', status: 'ok', text: ' hello ', message: { identity: { protocol: 'pop3', uidl: 'x' }, label: '"Hi"' } }),
      'message "Hi", connection imap#1, command UID FETCH, status ok, text "hello"',
    );
  });
});

describe('no credential reaches the webview data or the export', () => {
  test('LOGIN, AUTHENTICATE PLAIN (its continuation line) and POP3 PASS / AUTH PLAIN, as a real tap masks them', () => {
    const secret = 'Tr0ub4dor&3-secret';
    const plain = Buffer.from(`\0alice\0${secret}`).toString('base64');
    const events: TrafficLine[] = [];
    const tap = new TrafficTap((e) => events.push(e), { maxLiteralBytes: 1000 });
    const imap = tap.open('imap');
    imap.server(Buffer.from('* OK ready\r\n'));
    imap.client(Buffer.from(`A1 LOGIN alice "${secret}"\r\n`));
    imap.server(Buffer.from('A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n'));
    imap.client(Buffer.from('A2 AUTHENTICATE PLAIN\r\n'));
    imap.server(Buffer.from('+ \r\n'));
    imap.client(Buffer.from(`${plain}\r\n`));
    imap.server(Buffer.from('A2 OK Logged in\r\n'));
    const pop3 = tap.open('pop3');
    pop3.server(Buffer.from('+OK ready\r\n'));
    pop3.client(Buffer.from('USER alice\r\n'));
    pop3.server(Buffer.from('+OK\r\n'));
    pop3.client(Buffer.from(`PASS ${secret}\r\n`));
    pop3.server(Buffer.from('+OK Logged in.\r\n'));
    pop3.client(Buffer.from(`AUTH PLAIN ${plain}\r\n`));
    pop3.server(Buffer.from('-ERR [IN-USE] already logged in\r\n'));
    const of = (id: string): TrafficLine[] => events.filter((e) => e.connection === id);
    // Paired by hand: which exchange gets which line is not what this test is about.
    const record = new HandRecord(
      [connection(imap.id, 'imap', { login: 'AUTHENTICATE PLAIN' }), connection(pop3.id, 'pop3', { login: 'USER/PASS' })],
      [
        exchange({ connection: imap.id, command: '(greeting)', events: of(imap.id).slice(0, 1) }),
        exchange({ connection: imap.id, tag: 'A1', command: 'LOGIN', commandText: of(imap.id)[1]!.text, status: 'no', events: of(imap.id).slice(1, 3) }),
        exchange({ connection: imap.id, tag: 'A2', command: 'AUTHENTICATE', commandText: of(imap.id)[3]!.text, events: of(imap.id).slice(3) }),
        exchange({ connection: pop3.id, command: 'PASS', commandText: of(pop3.id)[3]!.text, events: of(pop3.id).slice(3, 5) }),
        exchange({ connection: pop3.id, command: 'AUTH', commandText: of(pop3.id)[5]!.text, status: 'err', events: of(pop3.id).slice(5) }),
      ],
    );
    const expanded = new Set(record.exchanges().map((e) => e.id));
    const views = [
      JSON.stringify(buildViewData(record, {}, expanded)),
      JSON.stringify(buildViewData(record, { text: 'alice' }, expanded)),
      transcriptText(record, {}, { account: 'Work', exportedAt: new Date(T0) }),
    ];
    for (const view of views) {
      for (const form of [secret, plain, plain.slice(0, 12), JSON.stringify(secret).slice(1, -1)]) assert.ok(!view.includes(form), `"${form}" leaked into ${view.slice(0, 200)}…`);
      assert.ok(view.includes('****'), 'the masks are there');
    }
    assert.ok(views[2]!.includes('A1 LOGIN alice ****'), views[2]);
  });
});

describe("the page's messages", () => {
  test('are taken only in their shape: unknown statuses read as all, empty strings as unset, anything else dropped', () => {
    assert.deepEqual(parsePageMessage({ type: 'filter', connection: 'imap#1', command: '', status: 'failed', text: 'x' }), { type: 'filter', status: 'failed', connection: 'imap#1', text: 'x' });
    assert.deepEqual(parsePageMessage({ type: 'filter', status: 'evil', connection: 5 }), { type: 'filter', status: 'all' });
    assert.deepEqual(parsePageMessage({ type: 'toggle', id: 'imap#1:4', expanded: true }), { type: 'toggle', id: 'imap#1:4', expanded: true });
    assert.equal(parsePageMessage({ type: 'toggle', id: 4, expanded: true }), undefined);
    assert.deepEqual(parsePageMessage({ type: 'export', extra: 1 }), { type: 'export' });
    for (const junk of [null, 'ready', 42, { type: 'eval' }, {}]) assert.equal(parsePageMessage(junk), undefined);
    assert.equal((parsePageMessage({ type: 'filter', status: 'all', text: 'y'.repeat(10_000) }) as { text?: string }).text?.length, 500);
  });
});
