import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  decodeDocumentAddress,
  decodeFolderAddress,
  DocumentAddress,
  encodeDocumentAddress,
  encodeFolderAddress,
  FILE_AUTHORITY,
  folderKeyPrefix,
  messageKey,
  parseUidValidity,
} from '../../src/core/documents/documentAddress';

// Document addresses carry a message's full identity {account, folder, UIDVALIDITY, UID}: the URI of a tab opened
// on one generation of a folder can never be read as the same UID of another generation.

const ODD_FOLDER = 'Projekte/Ärger & "Zitate"?#%/x=y';

function roundTrip(address: DocumentAddress, title = 'Subject', fileName?: string): DocumentAddress | undefined {
  const parts = encodeDocumentAddress(address, title, fileName);
  // As vscode.Uri keeps them: the authority and the query string as written.
  return decodeDocumentAddress({ authority: parts.authority, query: parts.query });
}

test('a message address with UIDVALIDITY survives the URI round trip, with odd folder names', () => {
  const address: DocumentAddress = { message: { kind: 'server', accountId: 'work', folderPath: ODD_FOLDER, messageId: '42', uidValidity: 1_700_000_000 }, view: 'message' };
  const parts = encodeDocumentAddress(address, 'Hello');
  assert.match(parts.query, /(^|&)uidvalidity=1700000000(&|$)/);
  assert.equal(parts.path, `/${ODD_FOLDER}/Hello.eml`);
  assert.deepEqual(roundTrip(address), address);
});

test('every view of a message keeps its generation (parts, raw parts, headers)', () => {
  const message = { kind: 'server' as const, accountId: 'a', folderPath: 'INBOX', messageId: '7', uidValidity: 4_294_967_295 };
  for (const address of [
    { message, view: 'part' as const, section: '1.2' },
    { message, view: 'rawPart' as const, section: '2' },
    { message, view: 'headers' as const },
  ]) {
    assert.deepEqual(roundTrip(address, 'T', 'a.pdf'), address);
  }
});

test('addresses without a generation (POP3, older tabs) still round-trip, without one', () => {
  const pop3: DocumentAddress = { message: { kind: 'server', accountId: 'pop', folderPath: 'INBOX', messageId: 'UIDL-abc+/=' }, view: 'message' };
  const back = roundTrip(pop3);
  assert.deepEqual(back, pop3);
  assert.equal(back?.message.kind === 'server' && 'uidValidity' in back.message, false);
  const file: DocumentAddress = { message: { kind: 'file', file: 'file:///tmp/a%20b.eml' }, view: 'headers' };
  assert.deepEqual(roundTrip(file), file);
  assert.equal(encodeDocumentAddress(file, 'x').authority, FILE_AUTHORITY);
});

test('a uidvalidity that is not a UIDVALIDITY makes the address invalid instead of dropping the generation', () => {
  for (const bad of ['0', '-1', '12x', '', '4294967296', '1e3', '007']) {
    assert.equal(decodeDocumentAddress({ authority: 'a', query: `folder=INBOX&uidvalidity=${encodeURIComponent(bad)}&id=1` }), undefined, `uidvalidity=${bad}`);
  }
  assert.equal(parseUidValidity('4294967295'), 4_294_967_295);
  assert.throws(() => encodeDocumentAddress({ message: { kind: 'server', accountId: 'a', folderPath: 'INBOX', messageId: '1', uidValidity: 0 }, view: 'message' }, 't'), RangeError);
});

test('the same UID in two generations gives two cache keys, both under the folder prefix', () => {
  const old = messageKey({ kind: 'server', accountId: 'a', folderPath: 'INBOX', messageId: '1', uidValidity: 123 });
  const current = messageKey({ kind: 'server', accountId: 'a', folderPath: 'INBOX', messageId: '1', uidValidity: 456 });
  assert.notEqual(old, current);
  assert.ok(old.startsWith(folderKeyPrefix('a', 'INBOX')) && current.startsWith(folderKeyPrefix('a', 'INBOX')));
  assert.ok(!messageKey({ kind: 'server', accountId: 'a', folderPath: 'INBOX2', messageId: '1', uidValidity: 1 }).startsWith(folderKeyPrefix('a', 'INBOX')));
});

test('folder-state addresses round-trip with odd folder names', () => {
  const address = { accountId: 'work', folderPath: ODD_FOLDER };
  const parts = encodeFolderAddress(address);
  assert.deepEqual(decodeFolderAddress(parts), address);
  assert.equal(decodeFolderAddress({ authority: '', query: parts.query }), undefined);
});
