import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { ConnectionState } from '../../src/core/session/sessionEvents';
import { createAccountSession } from '../../src/core/sessionFactory';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, liveSession, seedMessages } from './support/liveFixture';

// The AccountSession itself: nothing connected before use, its state as connections come and go, features
// asked by name, and POP3 behind the same API (the watch is Pop3Store's UIDL poll).
let server: DovecotServer;
const USER = () => server.users[0]!.user;

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'INBOX', seedMessages('inbox', 3));
  await server.addMessages(USER(), 'Other', seedMessages('other', 2));
});

after(async () => {
  await server?.stop();
});

test('an IMAP session connects nothing until used, then goes connected → live → connected → closed', async () => {
  const h = liveSession(server);
  assert.equal(h.session.state, 'closed');
  assert.equal(h.session.supports('idle'), false, 'no feature is known before a connection');
  assert.equal(h.lines.length, 0, 'building a session opens no connection');

  const features = await h.session.connect();
  assert.ok(features.supports('qresync'));
  assert.equal(h.session.state, 'connected');
  await h.session.watch('INBOX');
  assert.equal(h.session.state, 'live');
  assert.equal(h.session.watchedFolder, 'INBOX');
  await h.session.unwatch('Other'); // not the watched one: nothing happens
  assert.equal(h.session.state, 'live');
  await h.session.unwatch();
  assert.equal(h.session.state, 'connected');
  await h.session.close();
  assert.equal(h.session.state, 'closed');
  const states = h.events.filter((e) => e.event.type === 'connection').map((e) => (e.event as { state: ConnectionState }).state);
  assert.deepEqual(states, ['connected', 'live', 'connected', 'closed']);
  await assert.rejects(h.session.watch('INBOX'), /closed/);
});

test('a POP3 session watches its maildrop with UIDL checks: a message delivered meanwhile arrives as a new event', async () => {
  const user = server.users[0]!;
  const account: AccountDefinition = { id: 'pop', label: 'pop', protocol: 'pop3', host: '127.0.0.1', port: server.ports.pop3s, security: 'tls', user: user.user, allowInvalidCertificate: false, useApop: false };
  const session = await createAccountSession(account, user.password, new TrafficTap(() => undefined, { maxLiteralBytes: 4096 }), { limits: DEFAULT_LIMITS, ca: server.ca, pollSeconds: 0.3 });
  const events: string[] = [];
  const arrived = new Promise<readonly string[]>((resolve) =>
    session.events.on((event) => {
      events.push(event.type);
      if (isEvent('new')(event)) resolve(event.ids);
    }),
  );
  try {
    const features = await session.connect();
    assert.ok(features.supports('uidl') && !features.supports('folders'));
    assert.equal(session.supports('idle'), false);
    const page = await session.listPage('INBOX', undefined, 10);
    assert.equal(page.messages.length, 3);
    await session.watch('INBOX');
    assert.equal(session.state, 'polling');
    await server.addMessages(user.user, 'INBOX', seedMessages('pop arrival', 1));
    // The poll's timers never keep a process alive (an extension host has other reasons to live): this test's deadline does.
    let deadline: NodeJS.Timeout | undefined;
    const ids = await Promise.race([arrived, new Promise<never>((_, reject) => (deadline = setTimeout(() => reject(new Error(`no new event; events: ${events.join(', ')}`)), 10_000)))]);
    clearTimeout(deadline);
    assert.equal(ids.length, 1);
  } finally {
    await session.close();
  }
  assert.equal(session.state, 'closed');
});
