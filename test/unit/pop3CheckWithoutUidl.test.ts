import { strict as assert } from 'node:assert';
import { Server } from 'node:net';
import { after, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { SessionEvent } from '../../src/core/session/sessionEvents';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { scriptedPop3 } from './support/scriptedPop3';

// "Check for New Mail" on a server without CAPA and UIDL (RFC 1939's minimum), which Dovecot cannot
// imitate: a scripted fake on loopback whose message count the test changes. Ids are message numbers
// there, so only the count can be compared (see diffByCount). The UIDL case runs against Dovecot in
// test/integration/pop3LiveChanges.test.ts.
const servers: Server[] = [];

after(() => {
  for (const s of servers) s.close();
});

function fake(maildrop: { count: number }): Promise<{ port: number; received: string[] }> {
  return scriptedPop3(servers, (verb, arg, { reply, write, end }) => {
    if (verb === 'USER' || verb === 'PASS') reply('+OK');
    else if (verb === 'QUIT') {
      reply('+OK bye');
      end();
    } else if (verb === 'STAT') reply(`+OK ${maildrop.count} ${maildrop.count * 10}`);
    else if (verb === 'LIST' && arg) reply(`+OK ${arg} 10`);
    else if (verb === 'LIST') write(`+OK\r\n${Array.from({ length: maildrop.count }, (_, i) => `${i + 1} 10\r\n`).join('')}.\r\n`);
    else if (verb === 'TOP') write(`+OK\r\nSubject: message ${arg}\r\n\r\n.\r\n`);
    else reply('-ERR unknown command');
  });
}

function storeFor(port: number): Pop3Store {
  const account: AccountDefinition = { id: 'fake', label: 'fake', protocol: 'pop3', host: '127.0.0.1', port, security: 'none', user: 'u', allowInvalidCertificate: false, useApop: false };
  return new Pop3Store(account, 'secret-pw', new TrafficTap(() => undefined, { maxLiteralBytes: 1000 }), { limits: DEFAULT_LIMITS });
}

test('without UIDL: an equal count reports nothing; a changed count replaces every number shown (they may name other messages now)', async () => {
  const maildrop = { count: 3 };
  const { port, received } = await fake(maildrop);
  const store = storeFor(port);
  const events: SessionEvent[] = [];
  store.events.on((e) => events.push(e));
  assert.deepEqual((await store.listMessages('INBOX', 0, 2)).messages.map((m) => m.id), ['3', '2']);

  received.length = 0;
  assert.deepEqual(await store.checkForNewMail(), { added: [], removed: [], total: 3, baseline: false });
  // CAPA gets -ERR, so the check tries UIDL (it cannot know), gets -ERR, and counts with STAT; nothing else.
  assert.deepEqual(received, ['CAPA', 'USER u', 'PASS secret-pw', 'UIDL', 'STAT', 'QUIT']);

  maildrop.count = 4;
  // Known now: the whole list of the previous check ("1" … "3"), all of it possibly renumbered.
  assert.deepEqual(await store.checkForNewMail(), { added: ['4', '3', '2', '1'], removed: ['3', '2', '1'], total: 4, baseline: false });
  assert.deepEqual(events.map((e) => e.type), ['resynced', 'expunged', 'new', 'counts', 'resynced']);
  // No CAPA: the store announces no optional feature, not even UIDL.
  assert.deepEqual(store.features()?.list(), ['deleteOnServer']);
  assert.deepEqual(store.capabilityLists(), { current: undefined, beforeTls: undefined, afterStls: false });
});
