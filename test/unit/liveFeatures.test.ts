import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Features } from '../../src/core/session/features';

// Dovecot's lists, as announced on a TLS port before and after login with `imap_capability` lacking IDLE.
const BEFORE = ['IMAP4rev1', 'SASL-IR', 'LOGIN-REFERRALS', 'ID', 'ENABLE', 'IDLE', 'LITERAL+', 'AUTH=PLAIN', 'AUTH=LOGIN'];
const AFTER = ['IMAP4rev1', 'ID', 'ENABLE', 'CONDSTORE', 'QRESYNC', 'ESEARCH', 'MOVE', 'UIDPLUS', 'SPECIAL-USE'];

test('the features of a live IMAP session come from the list after login; the list before adds only what concerns logging in', () => {
  const features = Features.imapSession(BEFORE, AFTER);
  assert.equal(features.supports('idle'), false, 'IDLE announced only before login is not offered to the session');
  assert.equal(features.supports('sasl'), true, 'AUTH=… is announced only before login');
  assert.equal(features.supports('qresync'), true);
  assert.equal(features.supports('condstore'), true);
  assert.equal(features.supports('move'), true);
  assert.equal(features.supports('literalPlus'), false, 'LITERAL+ only before login: not kept');
  assert.deepEqual(features.announced, [...AFTER, 'SASL-IR', 'AUTH=PLAIN', 'AUTH=LOGIN']);
});

test('before login only (a connection that failed to log in), the list before login is all there is', () => {
  const features = Features.imapSession(BEFORE, []);
  assert.equal(features.supports('idle'), true);
  assert.equal(features.supports('sasl'), true);
});

test('before any connection, a protocol offers its inherent features only', () => {
  const imap = Features.inherent('imap');
  assert.ok(imap.supports('partialFetch') && imap.supports('folders') && imap.supports('flags'));
  assert.ok(!imap.supports('idle') && !imap.supports('move'), 'no extension is assumed before CAPABILITY');
  const pop3 = Features.inherent('pop3');
  assert.ok(pop3.supports('deleteOnServer') && !pop3.supports('partialFetch') && !pop3.supports('uidl'));
});
