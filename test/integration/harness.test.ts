import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { processesMentioning } from '../servers/dovecotProcesses';
import { RawClient } from '../servers/rawClient';
import { generateMessage, StandardManifest, standardMailbox } from '../servers/sampleMail';

// The harness itself, checked with bare sockets and doveadm so that a failure here points at the
// test servers and not at the product's IMAP/POP3 code.

const IMAP_OK = /^\* OK /;
const POP3_OK = /^\+OK /;

async function greeting(port: number, tls?: { ca: Buffer; servername?: string }): Promise<string> {
  const client = await RawClient.connect(port, tls);
  try {
    return await client.readUntil(/\r\n/);
  } finally {
    client.close();
  }
}

async function imapCapability(port: number): Promise<string> {
  const client = await RawClient.connect(port);
  try {
    await client.readUntil(/\r\n/);
    client.send('a CAPABILITY\r\n');
    return await client.readUntil(/^a (OK|NO|BAD).*\r\n/m);
  } finally {
    client.close();
  }
}

async function pop3Capa(port: number): Promise<string> {
  const client = await RawClient.connect(port);
  try {
    await client.readUntil(/\r\n/);
    client.send('CAPA\r\n');
    return await client.readUntil(/\r\n\.\r\n/);
  } finally {
    client.close();
  }
}

const FLAG_NAMES: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };

describe('Dovecot test harness', () => {
  let server: DovecotServer;
  let manifest: StandardManifest;

  before(async () => {
    server = await startDovecot();
    manifest = await standardMailbox(server);
  });
  after(() => server?.stop());

  test('every port answers with its protocol greeting', async () => {
    const { ports, ca } = server;
    assert.match(await greeting(ports.imap), IMAP_OK);
    assert.match(await greeting(ports.imapNoTls), IMAP_OK);
    assert.match(await greeting(ports.imaps, { ca, servername: 'localhost' }), IMAP_OK);
    assert.match(await greeting(ports.pop3), POP3_OK);
    assert.match(await greeting(ports.pop3NoTls), POP3_OK);
    assert.match(await greeting(ports.pop3s, { ca, servername: 'localhost' }), POP3_OK);
  });

  test('STARTTLS is offered on imap and not on imapNoTls', async () => {
    assert.match(await imapCapability(server.ports.imap), /^\* CAPABILITY .*\bSTARTTLS\b/m);
    const noTls = await imapCapability(server.ports.imapNoTls);
    assert.match(noTls, /^\* CAPABILITY IMAP4rev1/m);
    assert.doesNotMatch(noTls, /STARTTLS/);
  });

  test('STLS is offered on pop3 and not on pop3NoTls', async () => {
    assert.match(await pop3Capa(server.ports.pop3), /^STLS\r$/m);
    const noTls = await pop3Capa(server.ports.pop3NoTls);
    assert.match(noTls, /^USER\r$/m);
    assert.doesNotMatch(noTls, /STLS/);
  });

  test('the TLS ports verify against ca, by name and by address, and not without it', async () => {
    for (const port of [server.ports.imaps, server.ports.pop3s]) {
      const byName = await RawClient.connect(port, { ca: server.ca, servername: 'localhost' });
      assert.equal(byName.tls?.authorized, true);
      assert.equal(byName.tls?.getPeerCertificate().subject.CN, 'localhost');
      byName.close();
      const byAddress = await RawClient.connect(port, { ca: server.ca });
      assert.equal(byAddress.tls?.authorized, true);
      byAddress.close();
      await assert.rejects(RawClient.connect(port, {}), (error: NodeJS.ErrnoException) => {
        assert.match(String(error.code), /SELF_SIGNED/);
        return true;
      });
    }
    assert.match(server.ca.toString(), /-----BEGIN CERTIFICATE-----/);
    assert.ok(existsSync(server.caFile));
  });

  test('STARTTLS and STLS upgrade to a verified connection', async () => {
    const imap = await RawClient.connect(server.ports.imap);
    await imap.readUntil(/\r\n/);
    imap.send('a STARTTLS\r\n');
    assert.match(await imap.readUntil(/^a OK.*\r\n/m), /^a OK/m);
    assert.equal((await imap.startTls({ ca: server.ca, servername: 'localhost' })).authorized, true);
    imap.send('b LOGIN alice alice-secret-pw\r\n');
    assert.match(await imap.readUntil(/^b (OK|NO|BAD).*\r\n/m), /^b OK/m);
    imap.close();

    const pop3 = await RawClient.connect(server.ports.pop3);
    await pop3.readUntil(/\r\n/);
    pop3.send('STLS\r\n');
    assert.match(await pop3.readUntil(/\r\n/), POP3_OK);
    assert.equal((await pop3.startTls({ ca: server.ca, servername: 'localhost' })).authorized, true);
    pop3.close();
  });

  test('logins in clear are accepted on the plain ports, and a wrong password is refused', async () => {
    for (const port of [server.ports.imap, server.ports.imapNoTls]) {
      const client = await RawClient.connect(port);
      await client.readUntil(/\r\n/);
      client.send('a LOGIN alice wrong-password\r\n');
      assert.match(await client.readUntil(/^a (OK|NO|BAD).*\r\n/m), /^a NO/m);
      client.send('b LOGIN alice alice-secret-pw\r\n');
      assert.match(await client.readUntil(/^b (OK|NO|BAD).*\r\n/m), /^b OK/m);
      client.close();
    }
    const pop3 = await RawClient.connect(server.ports.pop3NoTls);
    await pop3.readUntil(/\r\n/);
    pop3.send('USER alice\r\n');
    await pop3.readUntil(/\r\n/);
    pop3.send('PASS alice-secret-pw\r\n');
    assert.match(await pop3.readUntil(/\r\n/), POP3_OK);
    pop3.send('STAT\r\n');
    assert.match(await pop3.readUntil(/\r\n/), new RegExp(`^\\+OK ${manifest.inbox.length} `));
    pop3.send('QUIT\r\n');
    await pop3.readUntil(/\r\n/);
    pop3.close();
  });

  test('standardMailbox seeded every folder it describes, with its counts', async () => {
    const listed = (await server.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').filter(Boolean);
    assert.deepEqual([...listed].sort(), manifest.folders.map((f) => f.path).sort());

    const status = await server.doveadm(['-f', 'tab', 'mailbox', 'status', '-u', 'alice', 'messages unseen', '*']);
    const counts = new Map(status.split('\n').slice(1).filter(Boolean).map((line) => {
      const [name, messages, unseen] = line.split('\t');
      return [name, { total: Number(messages), unseen: Number(unseen) }] as const;
    }));
    for (const folder of manifest.folders.filter((f) => f.selectable)) {
      assert.deepEqual(counts.get(folder.path), { total: folder.total, unseen: folder.unseen }, folder.path);
    }
    assert.equal(counts.get('Bulk')?.total, 10_000);
    assert.ok(manifest.folders.some((f) => f.path === '日本語') && manifest.folders.some((f) => f.path === 'Entwürfe Ärger'));
  });

  test('the parent without a folder of its own is \\Noselect (\\NonExistent to LIST-EXTENDED), special-use folders are marked', async () => {
    const client = await RawClient.connect(server.ports.imap);
    await client.readUntil(/\r\n/);
    client.send('a LOGIN alice alice-secret-pw\r\n');
    await client.readUntil(/^a OK.*\r\n/m);
    client.send('b LIST "" "*"\r\n');
    const list = await client.readUntil(/^b OK.*\r\n/m);
    client.send('c LIST "" "*" RETURN (CHILDREN)\r\n');
    const extended = await client.readUntil(/^c OK.*\r\n/m);
    client.close();
    assert.match(extended, /^\* LIST \(\\NonExistent \\HasChildren\) "\/" Lists\r$/m);
    assert.match(list, /^\* LIST \([^)]*\\Noselect[^)]*\) "\/" Lists\r$/m);
    assert.match(list, /^\* LIST \([^)]*\\HasNoChildren[^)]*\) "\/" Lists\/dovecot\r$/m);
    for (const folder of manifest.folders.filter((f) => f.specialUse && f.specialUse !== 'inbox')) {
      assert.match(list, new RegExp(`^\\* LIST \\([^)]*\\\\${folder.path}[^)]*\\) "/" ${folder.path}\\r$`, 'm'));
    }
    assert.match(list, /"\/" "Entw&APw-rfe &AMQ-rger"\r$/m);
  });

  test('INBOX holds the manifest messages in order, with their sizes, dates and flags', async () => {
    const out = await server.doveadm(['-f', 'tab', 'fetch', '-u', 'alice', 'uid size.physical date.received', 'mailbox', 'INBOX', 'all']);
    const rows = out.split('\n').slice(1).filter(Boolean).map((line) => line.split('\t'));
    assert.equal(rows.length, manifest.inbox.length);
    manifest.inbox.forEach((message, i) => {
      const [uid, size, received] = rows[i];
      assert.equal(Number(uid), message.uid);
      assert.equal(Number(size), message.raw.length, `size of INBOX message ${message.position}`);
      assert.equal(received, message.date.toISOString().slice(0, 19).replace('T', ' '));
    });
    const flags = await server.flagsOf('alice', 'INBOX');
    for (const message of manifest.inbox) {
      const expected = [...message.flags].map((letter) => FLAG_NAMES[letter]).sort();
      assert.deepEqual([...(flags.get(message.uid) ?? [])].sort(), expected, `flags of UID ${message.uid}`);
    }
    assert.ok(manifest.named.latin1Body.raw.includes(Buffer.from([0xfc])), 'the ISO-8859-1 body carries 8-bit bytes');
    assert.match(manifest.named.dotLines.raw.toString(), /\r\n\.\r\n/);
    assert.ok(manifest.named.newest.date > manifest.named.oldest.date);
  });

  test('addMessages creates missing parents, appends in order, and createFolder is idempotent', async () => {
    await server.addMessages('alice', 'Fresh/Deep/Leaf', [{ raw: generateMessage(1), flags: 'S' }, { raw: generateMessage(2) }]);
    await server.addMessages('alice', 'Fresh/Deep/Leaf', [{ raw: generateMessage(3), flags: 'F' }]);
    await server.createFolder('alice', 'Fresh/Deep/Leaf');
    const listed = (await server.doveadm(['mailbox', 'list', '-u', 'alice', 'Fresh*'])).split('\n').filter(Boolean);
    assert.deepEqual(listed.sort(), ['Fresh', 'Fresh/Deep', 'Fresh/Deep/Leaf']);
    assert.deepEqual([...(await server.flagsOf('alice', 'Fresh/Deep/Leaf'))], [[1, ['\\Seen']], [2, []], [3, ['\\Flagged']]]);
  });
});

test('stop() ends every Dovecot process it started and removes the folder, and may be called twice', async () => {
  const server = await startDovecot({ users: [{ user: 'bob', password: 'bob-pw' }] });
  const marker = basename(server.dir);
  // A logged-in session, so that a mail process is running too.
  const client = await RawClient.connect(server.ports.imap);
  await client.readUntil(/\r\n/);
  client.send('a LOGIN bob bob-pw\r\n');
  await client.readUntil(/^a OK.*\r\n/m);
  assert.ok(processesMentioning(marker).length >= 4, 'both masters and their children are running');

  await server.stop();
  await server.stop();
  client.close();
  assert.deepEqual(processesMentioning(marker), []);
  assert.equal(existsSync(server.dir), false);
  await assert.rejects(RawClient.connect(server.ports.imap), { code: 'ECONNREFUSED' });
});
