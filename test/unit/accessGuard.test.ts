import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition, parseAccount } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { createAccountSession } from '../../src/core/sessionFactory';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { guardedWriter } from '../../src/core/write/guardedWriter';
import { AccessMode, MailWriter, WRITE_OPERATIONS } from '../../src/core/write/mailWriter';

// Read-only is enforced in the core, not only by hidden menus: every method of the write API is refused with
// MailError 'readOnly' before the protocol's writer (and so the server) is reached. The inner writer here only
// records calls: what is tested is the guard. The same refusal through real sessions (IMAP and POP3 built by the
// session factory) is checked to open no connection at all.

/** A writer that records which method was called; every method resolves with a marker. */
function recordingWriter(): { writer: MailWriter; calls: string[] } {
  const calls: string[] = [];
  const writer = {} as Record<string, unknown>;
  for (const name of WRITE_OPERATIONS) {
    writer[name] = (): Promise<string> => {
      calls.push(name);
      return Promise.resolve(`did ${name}`);
    };
  }
  return { writer: writer as unknown as MailWriter, calls };
}

/** Calls a write method with arguments of the right shape (the guard must refuse before looking at them). */
function call(writer: MailWriter, name: (typeof WRITE_OPERATIONS)[number]): Promise<unknown> {
  const set = { folder: 'INBOX', uidValidity: 7, ids: ['1', '2'] };
  switch (name) {
    case 'storeFlags':
      return writer.storeFlags({ folder: 'INBOX', uidValidity: 7, messages: [{ id: '1', flags: [] }] }, { add: ['\\Seen'] });
    case 'createFolder':
      return writer.createFolder({ parent: undefined, name: 'New' });
    case 'renameFolder':
      return writer.renameFolder('Old', { parent: undefined, name: 'New' });
    case 'deleteFolder':
      return writer.deleteFolder('Old', { messages: 0, subfolders: 0 });
    case 'setSubscribed':
      return writer.setSubscribed('Old', false);
    case 'copyMessages':
      return writer.copyMessages(set, 'Archive');
    case 'planMove':
      return writer.planMove(set, 'Archive');
    case 'moveMessages':
      return writer.moveMessages(set, 'Archive');
    case 'removeMessages':
      return writer.removeMessages(set);
    case 'deleteMessages':
      return writer.deleteMessages(set);
    case 'expungeFolder':
      return writer.expungeFolder('INBOX', 1);
    case 'appendMessage':
      return writer.appendMessage('INBOX', Buffer.from('Subject: x\r\n\r\nbody\r\n'), { flags: ['\\Seen'] });
    case 'undo':
      return writer.undo({ kind: 'flags', folder: 'INBOX', uidValidity: 7, change: { add: ['\\Seen'] }, ids: ['1'] });
  }
}

test('a read-only writer refuses every write operation with MailError readOnly, and the inner writer is never called', async () => {
  const { writer, calls } = recordingWriter();
  let mode: AccessMode = 'read-only';
  const guarded = guardedWriter(writer, () => mode, () => 'Work mail');
  for (const name of WRITE_OPERATIONS) {
    await assert.rejects(call(guarded, name), (error: unknown) => {
      assert.ok(MailError.is(error, 'readOnly'), `${name}: ${String(error)}`);
      assert.match(error.message, /"Work mail" is read-only/);
      assert.match(error.message, /refused before anything was sent/);
      return true;
    });
  }
  assert.deepEqual(calls, []);

  // Switched to read-write (for the session): every operation reaches the protocol's writer, once.
  mode = 'read-write';
  for (const name of WRITE_OPERATIONS) assert.equal(await call(guarded, name), `did ${name}`);
  assert.deepEqual(calls, [...WRITE_OPERATIONS]);
});

test('the guard asks the mode on every call: switching back to read-only refuses again', async () => {
  const { writer, calls } = recordingWriter();
  let mode: AccessMode = 'read-write';
  const guarded = guardedWriter(writer, () => mode, () => 'a');
  await guarded.setSubscribed('X', true);
  mode = 'read-only';
  await assert.rejects(guarded.setSubscribed('X', true), (e: unknown) => MailError.is(e, 'readOnly'));
  assert.deepEqual(calls, ['setSubscribed']);
});

function account(protocol: 'imap' | 'pop3', extra: Record<string, unknown> = {}): AccountDefinition {
  // Port 9 (discard) on 127.0.0.1: a connection attempt would be visible in the traffic; none may be made.
  return parseAccount({ id: `guard-${protocol}`, protocol, host: '127.0.0.1', port: 9, security: 'tls', user: 'u', ...extra });
}

for (const protocol of ['imap', 'pop3'] as const) {
  test(`${protocol === 'imap' ? 'an IMAP' : 'a POP3'} session of a read-only account refuses every write without opening a connection`, async () => {
    const lines: TrafficLine[] = [];
    const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 0 });
    let asked = 0;
    const credentials = { get: (): Promise<string> => (asked++, Promise.resolve('pw')), invalidate: (): void => undefined };
    const session = await createAccountSession(account(protocol), credentials, tap, { limits: DEFAULT_LIMITS });
    assert.equal(session.access, 'read-only', 'read-only is the default');
    for (const name of WRITE_OPERATIONS) {
      await assert.rejects(call(session.writer, name), (e: unknown) => MailError.is(e, 'readOnly'), name);
    }
    assert.deepEqual(lines, [], 'nothing was connected or sent');
    assert.equal(asked, 0, 'no password was asked for');
    await session.close();
  });
}

test('an account set to read-write starts read-write; the session can be switched for itself only, and says so by an event', async () => {
  const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 0 });
  const definition = account('imap', { access: 'read-write' });
  const session = await createAccountSession(definition, 'pw', tap, { limits: DEFAULT_LIMITS });
  assert.equal(session.access, 'read-write');
  const seen: string[] = [];
  session.events.on((e) => {
    if (e.type === 'access') seen.push(e.mode);
  });
  session.setAccess('read-only');
  session.setAccess('read-only');
  await assert.rejects(session.writer.createFolder({ parent: undefined, name: 'x' }), (e: unknown) => MailError.is(e, 'readOnly'));
  assert.deepEqual(seen, ['read-only'], 'one event per change');
  assert.equal(definition.access, 'read-write', 'the account itself is unchanged');
  await session.close();
});

test('access and the POP3 after-download policy are read from the account setting, with safe defaults and clear errors', () => {
  assert.equal(parseAccount({ host: 'h', user: 'u' }).access, 'read-only');
  assert.equal(parseAccount({ host: 'h', user: 'u', access: 'read-write' }).access, 'read-write');
  assert.throws(() => parseAccount({ host: 'h', user: 'u', access: 'write' }), /Unknown access "write": use "read-only" or "read-write"/);
  assert.deepEqual(parseAccount({ host: 'h', user: 'u', protocol: 'pop3' }).afterDownload, { policy: 'keep' });
  assert.deepEqual(parseAccount({ host: 'h', user: 'u', protocol: 'pop3', pop3: { afterDownload: 'delete' } }).afterDownload, { policy: 'delete' });
  assert.deepEqual(parseAccount({ host: 'h', user: 'u', protocol: 'pop3', pop3: { afterDownload: 'leaveCopy', leaveCopyDays: 7 } }).afterDownload, { policy: 'leaveCopy', days: 7 });
  assert.deepEqual(parseAccount({ host: 'h', user: 'u', protocol: 'pop3', pop3: { afterDownload: 'leaveCopy' } }).afterDownload, { policy: 'leaveCopy', days: 14 });
  assert.throws(() => parseAccount({ host: 'h', user: 'u', protocol: 'pop3', pop3: { afterDownload: 'leaveCopy', leaveCopyDays: 0 } }), /leaveCopyDays must be a whole number of days from 1 to 3650/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', protocol: 'pop3', pop3: { afterDownload: 'purge' } }), /Unknown pop3.afterDownload "purge"/);
  assert.equal(parseAccount({ host: 'h', user: 'u', protocol: 'imap', pop3: { afterDownload: 'delete' } }).afterDownload, undefined, 'IMAP accounts have no POP3 policy');
});
