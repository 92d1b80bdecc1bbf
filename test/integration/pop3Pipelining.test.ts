import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_LIMITS, MessagePage } from '../../src/core/mailStore';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { FaultyProxy, startFaultyProxy } from '../servers/faultyProxy';
import { Pop3CapaProxy, startPop3CapaProxy } from '../servers/pop3CapaProxy';
import { generateMessage } from '../servers/sampleMail';
import { pop3Fixture } from './pop3Fixture';

// POP3 PIPELINING (RFC 2449): where CAPA announces it, a page's `UIDL n`/`LIST n` go in one write and its `TOP n 0`
// in another, the replies read in order. The page must be the same, byte for byte, pipelined or not, read whole or
// one byte per read (the faulty proxy), and a server without PIPELINING (Dovecot behind a proxy that leaves it out
// of CAPA: Dovecot itself always announces it) gets one command at a time. Plain text (security "none") so that
// the proxies can see the commands; the protocol is the same inside TLS.

const COUNT = 300; // a page of 50 is a small part of it: UIDL n / LIST n per message, not the whole lists
const PAGE = 50;

let server: DovecotServer;
let recorder: Pop3CapaProxy;
let withoutPipelining: Pop3CapaProxy;
let byteAtATime: FaultyProxy;

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', Array.from({ length: COUNT }, (_, i) => ({ raw: generateMessage(i + 1) })));
  const target = { host: server.host, port: server.ports.pop3NoTls };
  recorder = await startPop3CapaProxy(target);
  withoutPipelining = await startPop3CapaProxy(target, { drop: ['PIPELINING'] });
  byteAtATime = await startFaultyProxy(target, { kind: 'byteAtATime' });
});

after(async () => {
  await recorder?.close();
  await withoutPipelining?.close();
  await byteAtATime?.close();
  await server?.stop();
});

function store(port: number, lingerMs?: number): { store: Pop3Store; tap: TrafficTap; lines: TrafficLine[]; sent: () => string[] } {
  const fixture = pop3Fixture(server, { account: { security: 'none', port } });
  if (lingerMs === undefined) return fixture;
  // The extension's construction (pop3Backend.ts) keeps the folder list's session for the page.
  const kept = new Pop3Store(fixture.account, server.users[0]!.password, fixture.tap, { limits: DEFAULT_LIMITS, lingerMs });
  return { ...fixture, store: kept };
}

/** The server's lines of the page session from STAT on (replies to the page's commands and QUIT's), as the tap shows them. */
function pageReplies(lines: readonly TrafficLine[]): string[] {
  const statAt = lines.findIndex((l) => l.direction === 'client' && l.text === 'STAT');
  return lines.slice(statAt).filter((l) => l.direction === 'server').map((l) => l.text);
}

async function firstPages(s: Pop3Store): Promise<MessagePage[]> {
  return [await s.listMessages('INBOX', 0, PAGE), await s.listMessages('INBOX', PAGE, PAGE)];
}

describe('POP3 pipelining', () => {
  test('pipelined, unpipelined and one byte per read give the same pages and the same server bytes', async () => {
    const direct = store(server.ports.pop3NoTls);
    const pipelined = await firstPages(direct.store);
    const plain = store(withoutPipelining.port);
    const unpipelined = await firstPages(plain.store);
    const slow = store(byteAtATime.port);
    const split = await firstPages(slow.store);
    assert.equal(pipelined[0]!.messages.length, PAGE);
    assert.ok(pipelined[0]!.messages.every((m) => m.subject && m.size > 0 && m.id), 'every row has its subject, size and UIDL');
    assert.deepEqual(unpipelined, pipelined);
    assert.deepEqual(split, pipelined);
    // The second page's session starts with CAPA, where the proxy left PIPELINING out: the only line that differs.
    const withoutCapaLine = (lines: string[]): string[] => lines.filter((l) => l !== 'PIPELINING');
    assert.deepEqual(pageReplies(plain.lines), withoutCapaLine(pageReplies(direct.lines)), 'the same replies, in the same order');
    assert.deepEqual(pageReplies(slow.lines), pageReplies(direct.lines));
    assert.equal(pipelined[0]!.warning, undefined);
  });

  test('with PIPELINING a page goes in two writes (UIDL n + LIST n, then TOP n 0); without it one command per write', async () => {
    recorder.reads.length = 0;
    await store(recorder.port).store.listMessages('INBOX', 0, PAGE);
    const groups = recorder.reads.filter((read) => read.length > 1);
    assert.equal(groups.length, 2, JSON.stringify(recorder.reads.map((r) => r.length)));
    assert.equal(groups[0]!.length, 2 * PAGE);
    assert.ok(groups[0]!.every((line, i) => line === `${i % 2 === 0 ? 'UIDL' : 'LIST'} ${COUNT - Math.floor(i / 2)}`), groups[0]!.slice(0, 4).join(' | '));
    assert.deepEqual(groups[1], Array.from({ length: PAGE }, (_, i) => `TOP ${COUNT - i} 0`));

    withoutPipelining.reads.length = 0;
    const plain = store(withoutPipelining.port);
    await plain.store.listMessages('INBOX', 0, PAGE);
    assert.ok(withoutPipelining.reads.length > 3 * PAGE, `${withoutPipelining.reads.length} reads`);
    assert.ok(withoutPipelining.reads.every((read) => read.length === 1), 'nothing pipelined');
    assert.ok(!plain.lines.some((l) => l.direction === 'server' && l.text === 'PIPELINING'), 'the proxy left PIPELINING out of CAPA');
  });

  test('the traffic record pairs every pipelined command with its own reply', async () => {
    const direct = store(server.ports.pop3NoTls);
    await direct.store.listMessages('INBOX', 0, PAGE);
    const exchanges = direct.tap.record.exchanges();
    const tops = exchanges.filter((e) => e.command === 'TOP');
    assert.equal(tops.length, PAGE);
    assert.ok(tops.every((e) => e.status === 'ok' && e.target?.pop3Uidl !== undefined), 'TOP n paired, with the UIDL learned from UIDL n');
    assert.equal(exchanges.filter((e) => e.command === 'LIST').length, PAGE);
  });

  test('kept for the page: the folder list and the first page share one login, and the session still ends with QUIT', async () => {
    const kept = store(server.ports.pop3NoTls, 5_000);
    const folders = await kept.store.listFolders();
    assert.equal(folders[0]!.total, COUNT);
    const page = await kept.store.listMessages('INBOX', 0, PAGE);
    assert.equal(page.messages.length, PAGE);
    const logins = kept.sent().filter((l) => /^(AUTH|USER|APOP)\b/.test(l));
    assert.equal(logins.length, 1, kept.sent().join(' | '));
    assert.equal(kept.sent().at(-1), 'QUIT');
    // Only the folder list's session is kept, and only once: the page's session ended.
    await kept.store.listFolders();
    assert.notEqual(kept.sent().at(-1), 'QUIT', 'the second folder list is kept for a page');
    await kept.store.close();
    assert.equal(kept.sent().at(-1), 'QUIT', 'close() ends a kept session with QUIT');
  });
});
