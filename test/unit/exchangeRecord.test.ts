import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Exchange, RecordChange } from '../../src/core/traffic/exchange';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { ConnectionTap, formatTrafficLine, TrafficTap } from '../../src/core/traffic/trafficTap';

// Pairing over recorded exchanges: the bytes of real-looking sessions are fed to a tap, split into reads
// in several ways, and the record must pair every command with its answer the same way.

function tapFor(protocol: 'imap' | 'pop3', maxLiteralBytes = 4096, recordEvents?: number): { traffic: TrafficTap; c: ConnectionTap; lines: TrafficLine[] } {
  const lines: TrafficLine[] = [];
  const traffic = new TrafficTap((l) => lines.push(l), { maxLiteralBytes, ...(recordEvents ? { recordEvents } : {}) });
  return { traffic, c: traffic.open(protocol), lines };
}

/** Feeds a script of [direction, bytes] in reads of `chunk` bytes. */
function play(c: ConnectionTap, script: [('C' | 'S'), string | Buffer][], chunk = 1 << 20): void {
  for (const [who, data] of script) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let i = 0; i < bytes.length; i += chunk) (who === 'C' ? c.client.bind(c) : c.server.bind(c))(bytes.subarray(i, i + chunk));
  }
}

const summary = (e: Exchange): string => `${e.tag ?? '-'} ${e.command} ${e.status} out=${e.bytesOut} in=${e.bytesIn} events=${e.events.length}`;

const IMAP_SESSION: [('C' | 'S'), string][] = [
  ['S', '* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n'],
  ['C', 'A1 LOGIN alice "s3cret pw"\r\n'],
  ['S', 'A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n'],
  // Pipelined: two commands before any answer; untagged responses in between.
  ['C', 'A2 SELECT INBOX\r\nA3 UID FETCH 12:20,40 (UID BODY.PEEK[HEADER])\r\n'],
  ['S', '* 3 EXISTS\r\n* OK [UIDVALIDITY 1234] UIDs valid\r\nA2 OK [READ-WRITE] Select completed\r\n'],
  // A literal split across reads, with no CRLF at its end: the line goes on after it.
  ['S', '* 1 FETCH (UID 12 BODY[HEADER] {20}\r\nSubject: hi\r\n\r\nabcde UID 12)\r\n'],
  ['S', 'A3 OK Fetch completed\r\n'],
  // A client literal with a continuation request.
  ['C', 'A4 APPEND INBOX {11}\r\n'],
  ['S', '+ Ready for literal data\r\n'],
  ['C', 'Hello world\r\n'],
  ['S', 'A4 OK [APPENDUID 1234 41] Append completed\r\n'],
  // IDLE … DONE, with untagged responses while idling.
  ['C', 'A5 IDLE\r\n'],
  ['S', '+ idling\r\n* 4 EXISTS\r\n'],
  ['C', 'DONE\r\n'],
  ['S', 'A5 OK Idle completed\r\n'],
  ['C', 'A6 EXAMINE Nope\r\n'],
  ['S', 'A6 NO [TRYCREATE] Mailbox doesn\'t exist: Nope\r\n'],
  ['S', '* BYE server shutting down\r\n'],
];

for (const chunk of [1, 3, 17, 1 << 20]) {
  test(`IMAP: pipelined commands, untagged responses, literals, continuation and IDLE pair by tag (reads of ${chunk} bytes)`, () => {
    const { traffic, c, lines } = tapFor('imap');
    play(c, IMAP_SESSION, chunk);
    c.close('closed by the server');
    const ex = traffic.record.exchanges();
    assert.deepEqual(ex.map((e) => `${e.tag ?? '-'} ${e.command} ${e.status}`), [
      '- (greeting) ok',
      'A1 LOGIN ok',
      'A2 SELECT ok',
      'A3 UID FETCH ok',
      'A4 APPEND ok',
      'A5 IDLE ok',
      'A6 EXAMINE no',
      '- (unsolicited) bye',
    ]);
    const [greeting, loginEx, select, fetch, append, idle, examine] = ex as Exchange[];
    // Bytes: every wire byte is attributed to exactly one exchange.
    const wire = (who: 'C' | 'S'): number => IMAP_SESSION.filter(([w]) => w === who).reduce((n, [, d]) => n + Buffer.byteLength(d), 0);
    assert.equal(ex.reduce((n, e) => n + e.bytesOut, 0), wire('C'));
    assert.equal(ex.reduce((n, e) => n + e.bytesIn, 0), wire('S'));
    assert.equal(loginEx!.bytesOut, Buffer.byteLength('A1 LOGIN alice "s3cret pw"\r\n'), 'LOGIN bytes are counted');
    assert.equal(append!.bytesOut, Buffer.byteLength('A4 APPEND INBOX {11}\r\nHello world\r\n'));
    assert.equal(greeting!.bytesIn, Buffer.byteLength(IMAP_SESSION[0]![1]));
    // Untagged responses go to the oldest command in flight; the literal and its line to A3.
    assert.deepEqual(select!.events.map((e) => e.text), ['A2 SELECT INBOX', '* 3 EXISTS', '* OK [UIDVALIDITY 1234] UIDs valid', 'A2 OK [READ-WRITE] Select completed']);
    assert.deepEqual(fetch!.events.filter((e) => e.direction === 'server').map((e) => e.text), ['* 1 FETCH (UID 12 BODY[HEADER] {20}', 'Subject: hi', '', 'abcde UID 12)', 'A3 OK Fetch completed']);
    assert.ok(fetch!.events.every((e) => e.tag === 'A3' && e.command === 'UID FETCH'));
    assert.deepEqual(append!.events.map((e) => `${e.direction} ${e.text}`), ['client A4 APPEND INBOX {11}', 'server + Ready for literal data', 'client Hello world', 'server A4 OK [APPENDUID 1234 41] Append completed']);
    assert.deepEqual(idle!.events.map((e) => e.text), ['A5 IDLE', '+ idling', '* 4 EXISTS', 'DONE', 'A5 OK Idle completed']);
    // Targets: the selected mailbox and the UID set.
    assert.deepEqual(fetch!.target, { mailbox: 'INBOX', uids: '12:20,40' });
    assert.deepEqual(examine!.target, { mailbox: 'Nope' });
    // Codes, explained; the failure's words.
    assert.equal(examine!.responseText, "A6 NO [TRYCREATE] Mailbox doesn't exist: Nope");
    assert.deepEqual(examine!.codes.map((code) => code.name), ['TRYCREATE']);
    assert.match(examine!.codes[0]!.explanation ?? '', /create it first/);
    assert.deepEqual(select!.codes.map((code) => `${code.name}${code.args ? ' ' + code.args : ''}`), ['UIDVALIDITY 1234', 'READ-WRITE']);
    // Latency from the first client event to the final response.
    for (const e of ex.slice(0, 7)) assert.equal(e.latencyMs, e.endedAt! - e.startedAt);
    assert.ok(ex.slice(1, 7).every((e) => e.latencyMs! >= 0));
    // The connection: greeting, login method, closed.
    const [conn] = traffic.record.connections();
    assert.equal(conn?.greeting, '* OK [CAPABILITY IMAP4rev1 LITERAL+] ready');
    assert.equal(conn?.login, 'LOGIN');
    assert.ok(conn?.closedAt !== undefined);
    // The events: seq in wire order, wire bytes, line ends.
    assert.deepEqual(lines.map((l) => l.seq), lines.map((_, i) => i + 1));
    assert.ok(!lines.some((l) => l.text.includes('s3cret')));
  });
}

test('IMAP: AUTHENTICATE continuation lines are the command\'s, masked; a command sent while none is in flight after a BYE is lost', () => {
  const { traffic, c } = tapFor('imap');
  play(c, [
    ['S', '* OK ready\r\n'],
    ['C', 'A1 AUTHENTICATE PLAIN\r\n'],
    ['S', '+ \r\n'],
    ['C', 'AGFsaWNlAHMzY3JldA==\r\n'],
    ['S', 'A1 OK Logged in\r\n'],
    ['C', 'A2 NOOP\r\n'],
  ]);
  c.close();
  const ex = traffic.record.exchanges();
  assert.deepEqual(ex.map(summary), ['- (greeting) ok out=0 in=12 events=1', 'A1 AUTHENTICATE ok out=45 in=21 events=4', 'A2 NOOP lost out=9 in=0 events=1']);
  assert.deepEqual(ex[1]!.events.map((e) => e.text), ['A1 AUTHENTICATE PLAIN', '+ ', '****', 'A1 OK Logged in']);
  assert.equal(traffic.record.connections()[0]?.login, 'AUTHENTICATE PLAIN');
});

const POP3_SESSION: [('C' | 'S'), string][] = [
  ['S', '+OK Dovecot ready.\r\n'],
  ['C', 'USER alice\r\n'],
  ['S', '+OK\r\n'],
  ['C', 'PASS s3cret\r\n'],
  ['S', '+OK Logged in.\r\n'],
  ['C', 'UIDL\r\n'],
  ['S', '+OK\r\n1 000000015c3d6b3a\r\n2 000000025c3d6b3a\r\n.\r\n'],
  ['C', 'RETR 2\r\n'],
  ['S', '+OK 40 octets\r\nSubject: x\r\n\r\n..dot-stuffed\r\nline\r\n.\r\n'],
  ['C', 'DELE 9\r\n'],
  ['S', '-ERR [SYS/PERM] There\'s no message 9.\r\n'],
  ['C', 'QUIT\r\n'],
  ['S', '+OK Logging out.\r\n'],
];

for (const chunk of [1, 5, 1 << 20]) {
  test(`POP3: replies pair in order, multi-line up to the "." (reads of ${chunk} bytes); UIDLs are learned`, () => {
    const { traffic, c } = tapFor('pop3');
    play(c, POP3_SESSION, chunk);
    c.close();
    const ex = traffic.record.exchanges();
    assert.deepEqual(ex.map((e) => `${e.command} ${e.status} ${e.events.length}`), ['(greeting) ok 1', 'USER ok 2', 'PASS ok 2', 'UIDL ok 5', 'RETR ok 7', 'DELE err 2', 'QUIT ok 2']);
    const retr = ex[4]!;
    assert.deepEqual(retr.target, { pop3Number: 2, pop3Uidl: '000000025c3d6b3a' });
    assert.equal(retr.bytesIn, Buffer.byteLength(POP3_SESSION[8]![1]));
    assert.equal(retr.events.at(-1)?.text, '.');
    assert.equal(retr.latencyMs, retr.endedAt! - retr.startedAt);
    assert.deepEqual(ex[5]!.codes.map((code) => code.name), ['SYS/PERM']);
    assert.equal(ex[2]!.events[0]!.text, 'PASS ****');
    assert.equal(traffic.record.connections()[0]?.login, 'USER/PASS');
  });
}

test('POP3: without expectMultiline the tap knows multi-line replies from the command (a console), and a body over the limit is elided to its terminator', () => {
  const { traffic, c, lines } = tapFor('pop3', 20);
  play(c, [
    ['S', '+OK ready\r\n'],
    ['C', 'RETR 1\r\n'],
    ['S', '+OK\r\nshort\r\na line that is far too long for the budget\r\nx\r\ny\r\n.\r\n'],
    ['C', 'STAT\r\n'],
    ['S', '+OK 1 99\r\n'],
  ]);
  assert.deepEqual(lines.map((l) => l.text), ['+OK ready', 'RETR 1', '+OK', 'short', '… 50 bytes elided', '.', 'STAT', '+OK 1 99']);
  assert.deepEqual(traffic.record.exchanges().map((e) => `${e.command} ${e.status}`), ['(greeting) ok', 'RETR ok', 'STAT ok']);
});

test('the record is bounded: the oldest exchanges are dropped and counted; subscribers and onChange see every event', () => {
  const { traffic, c } = tapFor('imap', 4096, 50);
  const seen: TrafficLine[] = [];
  const sub = traffic.subscribe((l) => seen.push(l));
  const changes: RecordChange['type'][] = [];
  const listening = traffic.record.onChange((change) => changes.push(change.type));
  play(c, [['S', '* OK ready\r\n']]);
  for (let i = 1; i <= 40; i++) play(c, [['C', `A${i} NOOP\r\n`], ['S', `A${i} OK done\r\n`]]);
  assert.ok(traffic.record.exchanges().length <= 25);
  assert.equal(traffic.record.dropped + traffic.record.exchanges().length, 41);
  assert.equal(traffic.record.exchanges().at(-1)?.tag, 'A40');
  assert.equal(seen.length, 81);
  assert.ok(changes.filter((t) => t === 'exchange').length >= 81);
  sub.dispose();
  listening.dispose();
  play(c, [['C', 'A41 NOOP\r\n']]);
  assert.equal(seen.length, 81);
});

test('line ends are kept and marked: a bare LF, a bare CR at the end, no terminator at close', () => {
  const { c, lines } = tapFor('imap');
  play(c, [['S', '* OK one\r\n* OK two\n* OK three\r'], ['S', '\r\n* OK four']]);
  c.close();
  const shown = lines.filter((l) => l.kind !== 'note').map((l) => formatTrafficLine(l).replace(/^\[imap#\d+\] /, ''));
  assert.deepEqual(shown, ['S: * OK one', 'S: * OK two \u23ceLF', 'S: * OK three\\x0d', 'S: * OK four \u23cenone']);
  assert.deepEqual(lines.filter((l) => l.kind !== 'note').map((l) => l.bytes), [10, 9, 13, 9]);
});

test('a ⏎ in a line is escaped, so the mark is unambiguous', () => {
  const { c, lines } = tapFor('imap');
  play(c, [['S', '* OK fake \u23ceLF\r\n']]);
  assert.equal(formatTrafficLine(lines[0]!), '[imap#1] S: * OK fake \\xe2\\x8f\\x8eLF');
});
