import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { messageIdentityOf, messageTranscript, transcriptCost, uidSetHas } from '../../src/core/traffic/messageTranscript';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { exchange, line } from './support/handRecord';

// "Show Traffic for This Message": which exchanges fetched one message (by folder + UID, or POP3 UIDL), and what
// each did for it. Hand-made exchanges shaped as the pairing reports them (src/core/traffic/exchange.ts).

describe('IMAP: folder and UID', () => {
  const inbox = { mailbox: 'INBOX' };
  const c = 'imap#1';
  const exchanges = [
    exchange({ connection: c, tag: 'A1', command: 'LOGIN', commandText: 'A1 LOGIN alice ****' }),
    exchange({ connection: c, tag: 'A2', command: 'EXAMINE', commandText: 'A2 EXAMINE INBOX', target: inbox }),
    // A page of the listing by sequence numbers: only the responses say which UIDs it covered.
    exchange({
      connection: c,
      tag: 'A3',
      command: 'FETCH',
      commandText: 'A3 FETCH 1:3 (UID FLAGS ENVELOPE RFC822.SIZE)',
      target: inbox,
      server: ['* 1 FETCH (UID 10 FLAGS () ENVELOPE ("d" "UID 12 in a subject" NIL) RFC822.SIZE 5)', '* 2 FETCH (UID 12 FLAGS (\\Seen) RFC822.SIZE 9)', 'A3 OK done'],
    }),
    exchange({ connection: c, tag: 'A4', command: 'UID FETCH', commandText: 'A4 UID FETCH 12 (UID BODYSTRUCTURE RFC822.SIZE)', target: { ...inbox, uids: '12' } }),
    exchange({ connection: c, tag: 'A5', command: 'UID FETCH', commandText: 'A5 UID FETCH 12 (UID BODY.PEEK[2])', target: { ...inbox, uids: '12' } }),
    exchange({ connection: c, tag: 'A6', command: 'UID FETCH', commandText: 'A6 UID FETCH 12 (UID BODY.PEEK[1.1])', target: { ...inbox, uids: '12' } }),
    exchange({ connection: c, tag: 'A7', command: 'UID FETCH', commandText: 'A7 UID FETCH 11:13 (UID BODY.PEEK[] FLAGS)', target: { ...inbox, uids: '11:13' } }),
    // The same UID in another folder is another message.
    exchange({ connection: c, tag: 'A8', command: 'UID FETCH', commandText: 'A8 UID FETCH 12 (UID BODY.PEEK[])', target: { mailbox: 'Archive', uids: '12' } }),
    exchange({ connection: c, tag: 'A9', command: 'UID FETCH', commandText: 'A9 UID FETCH 13 (UID BODY.PEEK[])', target: { ...inbox, uids: '13' } }),
    exchange({ connection: c, tag: 'A10', command: 'UID STORE', commandText: 'A10 UID STORE 12 +FLAGS (\\Seen)', target: { ...inbox, uids: '12' } }),
  ];

  test('the listing page, structure, parts, the whole message and a flag change; not other folders or UIDs', () => {
    const entries = messageTranscript(exchanges, { protocol: 'imap', mailbox: 'inbox', uid: 12 });
    assert.deepEqual(
      entries.map((e) => [e.exchange.tag, e.role, e.section]),
      [
        ['A3', 'listing', undefined],
        ['A4', 'structure', undefined],
        ['A5', 'part', '2'],
        ['A6', 'part', '1.1'],
        ['A7', 'body', undefined],
        ['A10', 'write', undefined],
      ],
    );
  });

  test('a folder with a non-ASCII name: sent in modified UTF-7, matched to the decoded path of the tree', () => {
    const drafts = [
      exchange({ connection: c, tag: 'B1', command: 'UID FETCH', commandText: 'B1 UID FETCH 7 (UID BODY.PEEK[])', target: { mailbox: '"Entw&APw-rfe"', uids: '7' } }),
      exchange({ connection: c, tag: 'B2', command: 'UID FETCH', commandText: 'B2 UID FETCH 7 (UID BODY.PEEK[])', target: { mailbox: 'Entwurf', uids: '7' } }),
    ];
    assert.deepEqual(messageTranscript(drafts, { protocol: 'imap', mailbox: 'Entwürfe', uid: 7 }).map((e) => e.exchange.tag), ['B1']);
  });

  test('a UID named only inside a quoted string of a response does not count', () => {
    const entries = messageTranscript(exchanges, { protocol: 'imap', mailbox: 'INBOX', uid: 10 });
    assert.deepEqual(entries.map((e) => e.exchange.tag), ['A3']);
    const none = messageTranscript([exchanges[2]!], { protocol: 'imap', mailbox: 'INBOX', uid: 13 });
    assert.deepEqual(none, []);
  });

  test("a part's transcript keeps how it was reached and drops other parts' fetches", () => {
    const entries = messageTranscript(exchanges, { protocol: 'imap', mailbox: 'INBOX', uid: 12, section: '1' });
    assert.deepEqual(entries.map((e) => e.exchange.tag), ['A3', 'A4', 'A6', 'A7', 'A10']);
  });

  test('what it cost, summed', () => {
    const entries = messageTranscript(exchanges, { protocol: 'imap', mailbox: 'INBOX', uid: 12 });
    const cost = transcriptCost(entries);
    assert.equal(cost.exchanges, 6);
    assert.equal(cost.latencyMs, 30);
    assert.equal(cost.bytesIn, entries.reduce((n, e) => n + e.exchange.bytesIn, 0));
    assert.ok(cost.bytesOut > 0 && cost.bytesIn > 0);
  });

  test('UID sets as sent, with ranges either way round and `*`', () => {
    assert.ok(uidSetHas('1:5,7,10:12', 11));
    assert.ok(uidSetHas('20:10', 15));
    assert.ok(uidSetHas('7', 7));
    assert.ok(uidSetHas('40:*', 1000));
    assert.ok(!uidSetHas('40:*', 39));
    assert.ok(!uidSetHas('*', 5), 'the highest UID: not known here');
    assert.ok(!uidSetHas('1:5,7', 6));
  });

  test('a quoted mailbox name matches the folder path', () => {
    const quoted = exchange({ connection: c, tag: 'B1', command: 'UID FETCH', commandText: 'B1 UID FETCH 3 (BODY.PEEK[])', target: { mailbox: '"Sent Items"', uids: '3' } });
    assert.equal(messageTranscript([quoted], { protocol: 'imap', mailbox: 'Sent Items', uid: 3 }).length, 1);
  });
});

describe('POP3: UIDL', () => {
  const c = 'pop3#1';
  const d = 'pop3#2';
  const payload = (text: string): ReturnType<typeof line> => line(c, 'server', text, { kind: 'payload' });
  const uidl = exchange({
    connection: c,
    command: 'UIDL',
    commandText: 'UIDL',
    events: [line(c, 'client', 'UIDL'), line(c, 'server', '+OK'), payload('1 aaa'), payload('2 bbb'), line(c, 'server', '.')],
  });
  const list = exchange({
    connection: c,
    command: 'LIST',
    commandText: 'LIST',
    events: [line(c, 'client', 'LIST'), line(c, 'server', '+OK 2 messages'), payload('1 120'), payload('2 340'), line(c, 'server', '.')],
  });
  const exchanges = [
    uidl,
    list,
    exchange({ connection: c, command: 'TOP', commandText: 'TOP 2 0', target: { pop3Number: 2, pop3Uidl: 'bbb' } }),
    exchange({ connection: c, command: 'RETR', commandText: 'RETR 1', target: { pop3Number: 1, pop3Uidl: 'aaa' } }),
    exchange({ connection: c, command: 'RETR', commandText: 'RETR 2', target: { pop3Number: 2 } }),
    // Another session: numbers there are its own; this one knows the UIDL.
    exchange({ connection: d, command: 'RETR', commandText: 'RETR 1', target: { pop3Number: 1, pop3Uidl: 'bbb' } }),
    exchange({ connection: d, command: 'RETR', commandText: 'RETR 2', target: { pop3Number: 2 } }),
  ];

  test('the UIDL and LIST listings that carry it, TOP and RETR by UIDL or by the number learned on that connection', () => {
    const entries = messageTranscript(exchanges, { protocol: 'pop3', uidl: 'bbb' });
    assert.deepEqual(
      entries.map((e) => [e.exchange.connection, e.exchange.commandText, e.role]),
      [
        [c, 'UIDL', 'listing'],
        [c, 'LIST', 'listing'],
        [c, 'TOP 2 0', 'headers'],
        [c, 'RETR 2', 'body'],
        [d, 'RETR 1', 'body'],
      ],
    );
  });

  test('a server without UIDL: the id is the message number', () => {
    const bare = [exchange({ connection: 'pop3#3', command: 'RETR', commandText: 'RETR 3', target: { pop3Number: 3 } })];
    assert.equal(messageTranscript(bare, { protocol: 'pop3', uidl: '3' }).length, 1);
    assert.equal(messageTranscript(bare, { protocol: 'pop3', uidl: '4' }).length, 0);
  });
});

test("over the tap's own record: a session's listing page, structure and part fetch of one message, not another folder's", () => {
  const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 1000 });
  const c = tap.open('imap');
  const server = (text: string): void => c.server(Buffer.from(text));
  const client = (text: string): void => c.client(Buffer.from(text));
  server('* OK [CAPABILITY IMAP4rev1] ready\r\n');
  client('A1 LOGIN alice "pw"\r\n');
  server('A1 OK done\r\n');
  client('A2 EXAMINE INBOX\r\n');
  server('* 3 EXISTS\r\nA2 OK [READ-ONLY] done\r\n');
  client('A3 FETCH 1:3 (UID FLAGS ENVELOPE RFC822.SIZE)\r\n');
  server('* 1 FETCH (UID 7 FLAGS () RFC822.SIZE 3)\r\n* 2 FETCH (UID 8 FLAGS () RFC822.SIZE 3)\r\nA3 OK\r\n');
  client('A4 UID FETCH 7 (UID RFC822.SIZE BODYSTRUCTURE)\r\n');
  server('* 1 FETCH (UID 7 RFC822.SIZE 3 BODYSTRUCTURE ("text" "plain" NIL NIL NIL "7bit" 3 1))\r\nA4 OK\r\n');
  client('A5 UID FETCH 7 (UID BODY.PEEK[1])\r\n');
  server('* 1 FETCH (UID 7 BODY[1] {3}\r\nabc)\r\nA5 OK\r\n');
  client('A6 EXAMINE Archive\r\n');
  server('A6 OK [READ-ONLY] done\r\n');
  client('A7 UID FETCH 7 (UID BODY.PEEK[])\r\n');
  server('* 1 FETCH (UID 7 BODY[] {3}\r\nxyz)\r\nA7 OK\r\n');
  const entries = messageTranscript(tap.record.exchanges(), { protocol: 'imap', mailbox: 'INBOX', uid: 7 });
  assert.deepEqual(entries.map((e) => [e.exchange.tag, e.role]), [['A3', 'listing'], ['A4', 'structure'], ['A5', 'part']]);
  assert.ok(entries.every((e) => e.exchange.bytesIn > 0 && e.exchange.latencyMs !== undefined));
});

test("over the tap's own record, POP3: the UIDL listing, TOP and RETR of one message by its UIDL", () => {
  const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 1000 });
  const c = tap.open('pop3');
  const server = (text: string): void => c.server(Buffer.from(text));
  const client = (text: string): void => c.client(Buffer.from(text));
  server('+OK ready\r\n');
  client('USER alice\r\n');
  server('+OK\r\n');
  client('PASS pw\r\n');
  server('+OK Logged in.\r\n');
  client('UIDL\r\n');
  c.expectMultiline();
  server('+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n');
  for (const n of [1, 2]) {
    client(`TOP ${n} 0\r\n`);
    c.expectMultiline();
    server(`+OK\r\nSubject: ${n}\r\n\r\n.\r\n`);
  }
  client('RETR 2\r\n');
  c.expectMultiline();
  server('+OK\r\nSubject: 2\r\n\r\nbody\r\n.\r\n');
  const entries = messageTranscript(tap.record.exchanges(), { protocol: 'pop3', uidl: 'bbb' });
  assert.deepEqual(entries.map((e) => [e.exchange.commandText, e.role]), [['UIDL', 'listing'], ['TOP 2 0', 'headers'], ['RETR 2', 'body']]);
});

test('the identity of a message as the tree names it: IMAP by folder and UID, POP3 by UIDL, with its label', () => {
  assert.deepEqual(messageIdentityOf('imap', 'INBOX', '12', 'Hello', '2'), { identity: { protocol: 'imap', mailbox: 'INBOX', uid: 12, section: '2' }, label: 'part 2 of "Hello" (UID 12 in INBOX)' });
  assert.deepEqual(messageIdentityOf('pop3', 'INBOX', 'uidl-7', undefined), { identity: { protocol: 'pop3', uidl: 'uidl-7' }, label: 'message (UIDL uidl-7)' });
  assert.equal(messageIdentityOf('imap', 'INBOX', 'not-a-uid', 'x'), undefined);
});
