import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { compareTrees } from '../../src/core/mime/compareTrees';
import { partTreeFromBodyStructure } from '../../src/core/mime/fromBodyStructure';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { imapSectionsFor, partBytes } from '../../src/core/mime/partBytes';
import { PartTree, TreeNotice, walkParts } from '../../src/core/mime/partTree';
import { fixturesDir, readFixture } from '../fixtures/expectations';
import { deepNestingMessage, manyPartsMessage } from '../fixtures/generate';
import { DovecotServer, startDovecot } from '../servers/dovecot';

// The cross-check: every fixture (each .eml in test/fixtures and the generated ones) is stored in Dovecot,
// and the tree from Dovecot's BODYSTRUCTURE (read by imapflow) and the tree parsed from the raw bytes must
// agree exactly: same sections, types, encodings, charsets, file names and encoded sizes, and the bytes
// Dovecot returns for every BODY[section] (and its MIME/HEADER companion) are the bytes the raw tree cuts,
// which checks where every part, multiparts included, begins and ends.
//
// Where the two cannot agree, for a documented reason, the fixture is listed below with the reason and
// with exactly what differs; the test checks that difference and nothing else differs.

interface Fixture {
  readonly name: string;
  readonly raw: Buffer;
}

/** Fixtures whose trees differ for a known reason: the reason and the check that it is exactly that. */
interface KnownDifference {
  readonly reason: string;
  /** Checks that the trees differ exactly as the reason says. */
  readonly check: (server: PartTree | undefined, raw: PartTree, differences: TreeNotice[]) => void;
  /** What Dovecot returns for a part whose bytes differ for the same reason, from the bytes the raw tree cuts. */
  readonly serverBytes?: (part: string, cut: string) => string;
}

const KNOWN: Record<string, KnownDifference> = {
  'base64-rfc822.eml': {
    reason:
      'RFC 2046 forbids a transfer encoding other than 7bit/8bit/binary on message/rfc822. Dovecot 2.3 parses the ' +
      'base64 text itself as the encapsulated message: a header block that never ends (so it counts the line break ' +
      'in front of the next delimiter into part 2: 2 bytes more) and an empty text/plain body 2.1. mailsplit, like ' +
      'mailparser, does not descend into an encoded message/rfc822: part 2 is a leaf of the stored size.',
    check: (server, raw, differences) => {
      assert.ok(server);
      const size = (t: PartTree) => [...walkParts(t.root)].find((p) => p.section === '2')?.size ?? NaN;
      assert.equal(size(server), size(raw) + 2);
      assert.deepEqual(
        differences.map((d) => [d.kind, d.section]),
        [
          ['sizeMismatch', '2'],
          ['structureMismatch', '2.1'],
        ],
        JSON.stringify(differences),
      );
      assert.equal([...walkParts(raw.root)].find((p) => p.section === '2')?.message, undefined);
    },
    serverBytes: (part, cut) => (part.startsWith('2 ') ? `${cut}\r\n` : cut),
  },
  'deep-98.generated': {
    reason:
      "imapflow 2.10.2 drops a FETCH data item nested deeper than 100 parentheses (token-parser MAX_NODE_DEPTH): the " +
      'BODYSTRUCTURE of 98 nested multiparts arrives as nothing, so there is no server tree to compare; the product ' +
      'then builds the tree from the raw bytes (messageInspector.test / mimeDeep.test). The bytes check below still runs.',
    check: (server, raw) => {
      assert.equal(server, undefined, 'imapflow could read it after all: move this fixture out of KNOWN');
      assert.equal(raw.partCount, 99);
    },
  },
};

const fixtures: Fixture[] = [
  ...readdirSync(fixturesDir())
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((name) => ({ name, raw: readFixture(name) })),
  { name: 'many-1201.generated', raw: manyPartsMessage(1201) },
  { name: 'deep-98.generated', raw: deepNestingMessage(98) },
];

const FOLDER = 'CrossCheck';
let server: DovecotServer;
let client: ImapFlow;

before(async () => {
  server = await startDovecot();
  const user = server.users[0].user;
  await server.addMessages(user, FOLDER, fixtures.map((f) => ({ raw: f.raw })));
  client = new ImapFlow({ host: '127.0.0.1', port: server.ports.imaps, secure: true, tls: { ca: server.ca }, auth: { user, pass: server.users[0].password }, logger: false });
  await client.connect();
  await client.mailboxOpen(FOLDER, { readOnly: true });
});

after(async () => {
  await client?.logout().catch(() => undefined);
  await server?.stop();
});

describe("Dovecot's BODYSTRUCTURE and the raw parse agree on every fixture", () => {
  fixtures.forEach((fixture, i) => {
    const known = KNOWN[fixture.name];
    test(`${fixture.name}${known ? ' (known difference, see KNOWN)' : ''}`, async () => {
      const uid = String(i + 1);
      const fetched = await client.fetchOne(uid, { uid: true, bodyStructure: true, size: true, source: true }, { uid: true });
      assert.ok(fetched && fetched.source && fetched.size !== undefined, 'the message is there');
      assert.deepEqual(fetched.source, fixture.raw, 'Dovecot serves the bytes we stored');
      const fromRaw = await partTreeFromRaw(fetched.source, { expectedSize: fetched.size });
      assert.deepEqual(fromRaw.notices, [], 'the raw parse finds nothing wrong');
      const fromServer = fetched.bodyStructure ? partTreeFromBodyStructure(fetched.bodyStructure, fetched.size) : undefined;
      const differences = fromServer ? compareTrees(fromServer, fromRaw) : [];
      if (known) {
        known.check(fromServer, fromRaw, differences);
      } else {
        assert.ok(fromServer, 'imapflow read the BODYSTRUCTURE');
        assert.deepEqual(fromServer.notices, []);
        assert.deepEqual(differences, [], 'sections, types, encodings, charsets, file names and encoded sizes');
        const shape = (t: PartTree) => [...walkParts(t.root)].map((p) => `${p.section} ${p.contentType} ${p.contentType.startsWith('multipart/') ? '' : p.size}`);
        assert.deepEqual(shape(fromServer), shape(fromRaw));
      }
      await assertSameBytes(uid, fixture.raw, fromRaw, known?.serverBytes);
    });
  });
});

/** For every part of the raw tree, BODY.PEEK[section] (and its MIME/HEADER companion) returns exactly what partBytes cuts. */
async function assertSameBytes(uid: string, raw: Buffer, tree: PartTree, serverBytes = (_part: string, cut: string) => cut): Promise<void> {
  const wanted: { section: string; fetch: string[]; bytes: Buffer }[] = [];
  for (const part of walkParts(tree.root)) {
    for (const mode of ['body', 'headersAndBody'] as const) {
      wanted.push({ section: `${part.section} ${mode}`, fetch: imapSectionsFor(tree, part, mode), bytes: partBytes(raw, part, mode) });
    }
  }
  // Many sections per FETCH: a 1,201-part message would otherwise take thousands of round trips.
  for (let i = 0; i < wanted.length; i += 100) {
    const batch = wanted.slice(i, i + 100);
    const sections = [...new Set(batch.flatMap((w) => w.fetch))];
    const fetched = await client.fetchOne(uid, { uid: true, bodyParts: sections }, { uid: true });
    assert.ok(fetched);
    // imapflow hands BODY[HEADER] over as `headers`, every other section in `bodyParts` (lower-cased).
    const get = (s: string): Buffer => (s === 'HEADER' ? fetched.headers : fetched.bodyParts?.get(s.toLowerCase())) ?? Buffer.alloc(0);
    for (const w of batch) {
      assert.equal(Buffer.concat(w.fetch.map(get)).toString('latin1'), serverBytes(w.section, w.bytes.toString('latin1')), `part ${w.section} (${w.fetch.join(' + ')})`);
    }
  }
}
