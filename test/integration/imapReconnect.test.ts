import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession, OtherDevice, seedMessages } from './support/liveFixture';

// Kill Dovecot under a watched folder, let "another device" change the folder meanwhile (through the second
// instance serving the same mail), start it again: the session reconnects within its backoff, resyncs by the
// best means the server offers, and reports what changed as events. Once per kind of server.

const BACKOFF = { initialMs: 200, maxMs: 1000 };
const servers: DovecotServer[] = [];
const handles: LiveHandle[] = [];
const devices: OtherDevice[] = [];

after(async () => {
  for (const h of handles) await h.session.close().catch(() => undefined);
  for (const d of devices) await d.close().catch(() => undefined);
  for (const s of servers) await s.stop();
});

interface Variant {
  name: string;
  capabilities: string | undefined;
  method: 'qresync' | 'condstore' | 'diff';
  state: 'live' | 'polling';
  /** What the resync's traffic shows. */
  traffic: RegExp[];
}

const VARIANTS: Variant[] = [
  { name: 'a full Dovecot (IDLE, QRESYNC)', capabilities: undefined, method: 'qresync', state: 'live', traffic: [/C: \d+ EXAMINE Resync \(QRESYNC \(\d+ \d+\)\)/, /S: \* VANISHED \(EARLIER\) 2$/] },
  { name: 'a Dovecot without IDLE (NOOP polling)', capabilities: capabilitiesWithout('IDLE'), method: 'qresync', state: 'polling', traffic: [/C: \d+ EXAMINE Resync \(QRESYNC \(\d+ \d+\)\)/, /S: \* VANISHED \(EARLIER\) 2$/] },
  { name: 'a Dovecot with CONDSTORE but no QRESYNC', capabilities: capabilitiesWithout('QRESYNC'), method: 'condstore', state: 'live', traffic: [/C: \d+ UID FETCH 1:6 \(UID FLAGS MODSEQ\) \(CHANGEDSINCE \d+\)/, /C: \d+ UID SEARCH RETURN \(ALL\) ALL/] },
  { name: 'a Dovecot without CONDSTORE/QRESYNC (diff)', capabilities: capabilitiesWithout('CONDSTORE', 'QRESYNC'), method: 'diff', state: 'live', traffic: [/C: \d+ UID SEARCH RETURN \(ALL\) ALL/, /C: \d+ UID FETCH 1,3:6 \(UID FLAGS\)$/] },
];

for (const variant of VARIANTS) {
  test(`reconnect and resync after a restart: ${variant.name}`, async (t) => {
    const server = await startDovecot(variant.capabilities ? { imapCapability: variant.capabilities } : {});
    servers.push(server);
    const user = server.users[0]!.user;
    await server.addMessages(user, 'Resync', seedMessages('resync', 6));
    const h = liveSession(server, { pollSeconds: 0.3, imap: { backoff: BACKOFF } });
    handles.push(h);
    // The page shown: what a diff without CONDSTORE compares flags of.
    const page = await h.session.listPage('Resync', undefined, 10);
    assert.equal(page.messages.length, 6);
    await h.session.watch('Resync');
    assert.equal(h.session.state, variant.state);
    assert.equal(h.session.supports('idle'), variant.state === 'live');
    assert.equal(h.session.supports('condstore'), variant.method !== 'diff');
    assert.equal(h.session.supports('qresync'), variant.method === 'qresync');

    await server.haltMain();
    await h.waitFor(isEvent('connection', (e) => e.state === 'offline' || e.state === 'reconnecting'));
    const device = await OtherDevice.connect(server, server.ports.imapNoTls);
    devices.push(device);
    const added = [await device.deliver('Resync', 'while away 1'), await device.deliver('Resync', 'while away 2')];
    await device.expunge('Resync', [2]);
    await device.addFlags('Resync', [3], ['\\Flagged']);

    const since = h.events.length;
    const restarted = Date.now();
    await server.startMainAgain();
    const resynced = await h.waitFor(isEvent('resynced'), 15_000, since);
    t.diagnostic(`restart → resynced: ${resynced.at - restarted} ms (backoff ${BACKOFF.initialMs}–${BACKOFF.maxMs} ms)`);
    assert.ok(resynced.at - restarted < BACKOFF.maxMs + 5_000, 'reconnected within the backoff (with a generous margin)');
    assert.equal(resynced.event.method, variant.method);
    assert.deepEqual(resynced.event.added, added.map(String));
    assert.deepEqual(resynced.event.removed, ['2']);
    assert.deepEqual(resynced.event.flagsChanged, ['3']);

    const expunged = await h.waitFor(isEvent('expunged'), 1, since);
    assert.deepEqual(expunged.event.ids, ['2']);
    assert.equal(expunged.event.vanished, variant.method === 'qresync');
    const flags = await h.waitFor(isEvent('flags', (e) => e.id === '3'), 1, since);
    assert.ok(flags.event.flags.includes('\\Flagged'));
    if (variant.method !== 'diff') assert.match(flags.event.modseq ?? '', /^\d+$/);
    const arrived = await h.waitFor(isEvent('new'), 1, since);
    assert.deepEqual(arrived.event.ids, added.map(String));
    await h.waitFor(isEvent('connection', (e) => e.state === variant.state), 1, since);
    for (const pattern of variant.traffic) assert.match(h.text(), new RegExp(pattern.source, 'm'));
    if (variant.state === 'polling') {
      assert.doesNotMatch(h.text(), /C: \d+ IDLE$/m, 'no IDLE where the server does not offer it');
      assert.match(h.text(), /C: \d+ NOOP$/m);
    }

    // Live again: the next delivery arrives as it happens.
    const mark = h.events.length;
    const live = await OtherDevice.connect(server);
    devices.push(live);
    const uid = await live.deliver('Resync', 'after the restart');
    await h.waitFor(isEvent('new', (e) => e.ids.includes(String(uid))), 10_000, mark);
    // An expunge as it happens: VANISHED with QRESYNC, else EXPUNGE by sequence number, mapped to its UID
    // (UID 4 is the third message now that UID 2 is gone).
    await live.expunge('Resync', [4]);
    const gone = await h.waitFor(isEvent('expunged', (e) => e.ids.includes('4')), 10_000, mark);
    assert.equal(gone.event.vanished, variant.method === 'qresync');
    if (variant.method !== 'qresync') assert.deepEqual(gone.event.seqs, [3]);
    await h.session.close();
  });
}
