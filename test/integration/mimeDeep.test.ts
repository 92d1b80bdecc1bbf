import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MessageInspector, MessageSource } from '../../src/core/inspect/messageInspector';
import { walkParts } from '../../src/core/mime/partTree';
import { deepNestingMessage } from '../fixtures/generate';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore, ImapHandle } from './support/imapFixture';

// Issue 8: a message nested deeper than imapflow's BODYSTRUCTURE parser accepts was reported as "no longer in
// the folder". imapflow 2.10.2 drops a FETCH data item nested deeper than 100 parentheses (token-parser.js
// MAX_NODE_DEPTH): 96 nested multiparts of this shape still parse, 97 do not. Such a message must open from
// its raw bytes, with a notice, every part reachable.
const FOLDER = 'Deep';
const DEPTH = 98;
let server: DovecotServer;
let handle: ImapHandle;

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, FOLDER, [{ raw: deepNestingMessage(96) }, { raw: deepNestingMessage(DEPTH) }]);
  handle = imapStore(server);
});

after(async () => {
  await handle?.store.close();
  await server?.stop();
});

const source = (uid: string): MessageSource => ({
  raw: (signal) => handle.store.fetchRaw(FOLDER, uid, signal),
  structure: (signal) => handle.store.fetchStructure(FOLDER, uid, signal),
  part: (section, signal) => handle.store.fetchPart(FOLDER, uid, section, signal),
});

test("96 nested multiparts: imapflow's limit is not reached, the tree comes from BODYSTRUCTURE", async () => {
  const inspector = new MessageInspector(source('1'));
  const tree = await inspector.tree();
  assert.equal(tree.source, 'bodystructure');
  assert.equal(tree.partCount, 97);
  assert.ok(inspector.partial);
});

test(`${DEPTH} nested multiparts (past imapflow's limit): not "no longer in the folder" but a tree from the raw message, with a notice`, async () => {
  const structure = await handle.store.fetchStructure(FOLDER, '2');
  assert.equal(structure.structure, undefined, 'imapflow could not read this BODYSTRUCTURE');
  assert.equal(structure.size, deepNestingMessage(DEPTH).length);

  const inspector = new MessageInspector(source('2'));
  const tree = await inspector.tree();
  assert.equal(tree.source, 'raw');
  assert.equal(tree.notices[0]?.kind, 'structureUnreadable');
  assert.match(tree.notices[0]?.message ?? '', /BODYSTRUCTURE\) could not be read, so the whole message \([\d,.]+ [KMi]*B(ytes)?\) was downloaded once/);
  assert.equal(tree.notices.length, 1, JSON.stringify(tree.notices));
  assert.equal(tree.partCount, DEPTH + 1);
  assert.equal(inspector.partial, false, 'parts are cut from the download, not fetched one by one');
  const bottom = [...walkParts(tree.root)].pop();
  assert.equal(bottom?.section, Array.from({ length: DEPTH }, () => '1').join('.'));
  const content = await inspector.content(bottom.section, 'decoded');
  assert.equal(content.decoded?.text, 'the bottom');
  assert.equal(content.wireBytes, undefined, 'cut from the message already downloaded');
});

test('a message that is really gone is still "no longer in the folder"', async () => {
  await assert.rejects(handle.store.fetchStructure(FOLDER, '99'), (e: unknown) => (e as { reason?: string }).reason === 'notFound' && /no longer in Deep/.test(String((e as Error).message)));
});
