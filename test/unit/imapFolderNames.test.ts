import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { childPath, decodeMailboxName, isInbox, isWithin, useAttribute } from '../../src/core/imap/write/folderNames';

// Building a folder path from a parent, the server's delimiter and the name the user typed.

test('a child path joins parent and name with the server\'s delimiter', () => {
  assert.equal(childPath(undefined, 'Entwürfe', '/'), 'Entwürfe');
  assert.equal(childPath('Entwürfe', 'Über 2026', '/'), 'Entwürfe/Über 2026');
  assert.equal(childPath('INBOX', 'Projekte', '.'), 'INBOX.Projekte');
  assert.equal(childPath(undefined, 'a.b', '/'), 'a.b', 'only the delimiter itself is special');
});

test('names that cannot be one folder are refused in plain words', () => {
  assert.throws(() => childPath('A', 'B/C', '/'), (e: unknown) => MailError.is(e, 'config') && /hierarchy delimiter/.test(e.message) && /"\/"/.test(e.message));
  assert.throws(() => childPath('INBOX', 'x.y', '.'), (e: unknown) => MailError.is(e, 'config') && /"\."/.test(e.message));
  assert.throws(() => childPath(undefined, ' ', '/'), (e: unknown) => MailError.is(e, 'config'));
  assert.throws(() => childPath(undefined, 'a\r\nb', '/'), (e: unknown) => MailError.is(e, 'config'));
  assert.throws(() => childPath(undefined, 'all%', '/'), (e: unknown) => MailError.is(e, 'config') && /wildcards/.test(e.message));
  assert.throws(() => childPath('A', 'b', undefined), (e: unknown) => MailError.is(e, 'unsupported'));
});

test('within a folder: itself and everything below it, not a sibling with the same prefix', () => {
  assert.equal(isWithin('A', 'A', '/'), true);
  assert.equal(isWithin('A/B/C', 'A', '/'), true);
  assert.equal(isWithin('AB', 'A', '/'), false);
  assert.equal(isWithin('A/B', 'A', undefined), false);
});

test('INBOX in any case; modified UTF-7 names decoded; special uses as RFC 6154 attributes', () => {
  assert.ok(isInbox('inbox') && isInbox('INBOX') && !isInbox('INBOX/x'));
  assert.equal(decodeMailboxName('Entw&APw-rfe/&ANw-ber 2026 &- co', false), 'Entwürfe/Über 2026 & co');
  assert.equal(decodeMailboxName('Entw&APw-rfe', true), 'Entw&APw-rfe', 'with UTF8=ACCEPT names arrive as they are');
  assert.equal(useAttribute('archive'), '\\Archive');
  assert.throws(() => useAttribute('inbox'), (e: unknown) => MailError.is(e, 'config'));
});
