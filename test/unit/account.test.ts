import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { defaultPort, parseAccount, parseAccounts } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';

test('defaults: port by protocol and security, TLS by default, certificates verified', () => {
  assert.equal(defaultPort('imap', 'tls'), 993);
  assert.equal(defaultPort('imap', 'starttls'), 143);
  assert.equal(defaultPort('pop3', 'tls'), 995);
  assert.equal(defaultPort('pop3', 'none'), 110);
  const a = parseAccount({ host: 'mail.example.com', user: 'bob' });
  assert.equal(a.protocol, 'imap');
  assert.equal(a.security, 'tls');
  assert.equal(a.port, 993);
  assert.equal(a.allowInvalidCertificate, false);
  assert.equal(a.label, 'bob@mail.example.com');
  assert.match(a.id, /^[a-z0-9-]+$/);
  assert.equal(parseAccount({ host: 'h', user: 'u', protocol: 'pop3', security: 'starttls' }).port, 110);
});

test('CR, LF and NUL in host, user or label are refused before anything is sent', () => {
  for (const bad of [{ host: 'h\r\nA1 LOGOUT', user: 'u' }, { host: 'h', user: 'u\nx' }, { host: 'h', user: 'u\0' }, { host: 'h', user: 'u', label: 'a\rb' }]) {
    assert.throws(() => parseAccount(bad), (e: unknown) => MailError.is(e, 'config'));
  }
});

test('bad values get a clear config error', () => {
  assert.throws(() => parseAccount({ host: 'h', user: 'u', port: 70000 }), /port/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', protocol: 'smtp' }), /protocol/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', security: 'ssl' }), /security/);
  assert.throws(() => parseAccount({ user: 'u' }), /host/);
  assert.throws(() => parseAccount('nope'), /object/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', id: 'Bad Id' }), /id/);
});

test('APOP is only ever on for POP3 accounts that ask for it', () => {
  assert.equal(parseAccount({ host: 'h', user: 'u', protocol: 'imap', useApop: true }).useApop, false);
  assert.equal(parseAccount({ host: 'h', user: 'u', protocol: 'pop3' }).useApop, false);
  assert.equal(parseAccount({ host: 'h', user: 'u', protocol: 'pop3', useApop: true }).useApop, true);
});

test('the setting list keeps valid accounts and reports invalid ones and duplicate ids', () => {
  const { accounts, problems } = parseAccounts([{ host: 'a', user: 'u', id: 'one' }, { host: '', user: 'u' }, { host: 'b', user: 'v', id: 'one' }, 'x']);
  assert.deepEqual(accounts.map((a) => a.id), ['one']);
  assert.deepEqual(problems.map((p) => p.index), [1, 2, 3]);
  assert.deepEqual(parseAccounts(undefined), { accounts: [], problems: [] });
});

test('caFile and pinnedCertificate: kept when set, the pin normalised, bad values refused', () => {
  const none = parseAccount({ host: 'h', user: 'u' });
  assert.equal(none.caFile, undefined);
  assert.equal(none.pinnedCertificate, undefined);
  assert.ok(!('caFile' in none) && !('pinnedCertificate' in none), 'unset fields are left out (the store compares definitions)');
  const hex = 'ab'.repeat(32);
  const pin = `sha256/${'AB:'.repeat(31)}AB`;
  for (const written of [`sha256/${hex}`, hex.toUpperCase(), pin, `SHA256:${'ab:'.repeat(31)}ab`, `sha-256/${'ab '.repeat(32)}`]) {
    assert.equal(parseAccount({ host: 'h', user: 'u', pinnedCertificate: written }).pinnedCertificate, pin, written);
  }
  assert.equal(parseAccount({ host: 'h', user: 'u', caFile: ' /etc/ssl/private-ca.pem ' }).caFile, '/etc/ssl/private-ca.pem');
  assert.equal(parseAccount({ host: 'h', user: 'u', caFile: '', pinnedCertificate: '' }).caFile, undefined);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', pinnedCertificate: 'sha1/AB:CD' }), (e: unknown) => MailError.is(e, 'config') && /pinnedCertificate.*SHA-256/.test(e.message));
  assert.throws(() => parseAccount({ host: 'h', user: 'u', pinnedCertificate: `sha256/${hex}00` }), /pinnedCertificate/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', caFile: 42 }), /caFile/);
  assert.throws(() => parseAccount({ host: 'h', user: 'u', caFile: '/a\n/b' }), /caFile/);
});
