import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { fetchEnvelopes } from '../../src/core/imap/envelopeFetch';
import { MessageSummary } from '../../src/core/mailStore';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { standardMailbox } from '../servers/sampleMail';

// The listing reads envelopes straight from imapflow's tokens (envelopeFetch.ts) instead of through
// client.fetch(): every field the tree shows must be what imapflow's own formatter makes of the same answer,
// on the standard mailbox (encoded words, non-ASCII names, attachments, every flag mix) and on envelopes that
// are odd on purpose (group syntax, quoted names, no subject, no date, a literal subject), by UID and by sequence.

const ODD = [
  'From: "Quoted Name" <quoted@example.com>\r\nTo: undisclosed-recipients:;\r\nSubject: =?UTF-8?B?w5xiZXJ3ZWlzdW5n?= =?UTF-8?Q?_f=C3=BCr_Juni?=\r\nMessage-ID: <odd.1@example.com>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\nbody\r\n',
  'From: team: alice@example.com, bob@example.com;\r\nTo: =?ISO-8859-1?Q?Ren=E9?= <rene@example.com>\r\nMessage-ID: <odd.2@example.com>\r\n\r\nno subject, no date\r\n',
  `From: a@example.com\r\nSubject: ${'long "quoted" subject with \\ backslash '.repeat(30)}\r\nDate: not a date\r\n\r\nliteral subject\r\n`,
];

let server: DovecotServer;
let client: ImapFlow;

before(async () => {
  server = await startDovecot();
  await standardMailbox(server);
  await server.addMessages(server.users[0]!.user, 'Odd', ODD.map((raw) => ({ raw })));
  client = new ImapFlow({ host: server.host, port: server.ports.imaps, secure: true, tls: { ca: server.ca }, auth: { user: server.users[0]!.user, pass: server.users[0]!.password }, logger: false });
  await client.connect();
});

after(async () => {
  await client?.logout().catch(() => undefined);
  await server?.stop();
});

/** What ImapStore made of imapflow's message object before (its toSummary), for comparison. */
function viaImapflow(msg: FetchMessageObject): MessageSummary {
  const env = msg.envelope;
  const addresses = (list: { name?: string; address?: string }[] | undefined) => (list ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
  const date = env?.date ? new Date(env.date) : undefined;
  return {
    id: String(msg.uid),
    seq: msg.seq,
    subject: env?.subject ?? '',
    from: addresses(env?.from),
    to: addresses(env?.to),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: env?.messageId,
    size: msg.size ?? 0,
    flags: msg.flags ? [...msg.flags] : [],
    ...(msg.modseq !== undefined ? { modseq: msg.modseq.toString() } : {}),
  };
}

async function compare(folder: string): Promise<number> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    if (!client.mailbox || client.mailbox.exists === 0) return 0; // FETCH 1:* of an empty folder is a BAD (the product never sends it)
    const theirs: MessageSummary[] = [];
    for await (const msg of client.fetch('1:*', { uid: true, flags: true, envelope: true, size: true })) theirs.push(viaImapflow(msg));
    const bySeq = await fetchEnvelopes(client, '1:*', false);
    const byUid = await fetchEnvelopes(client, '1:*', true);
    assert.equal(bySeq.length, theirs.length);
    assert.deepEqual(bySeq, theirs, `${folder}: by sequence`);
    assert.deepEqual(byUid, theirs, `${folder}: by UID`);
    return theirs.length;
  } finally {
    lock.release();
  }
}

describe('envelopes read from the tokens', () => {
  test('the same summaries as imapflow makes, in every folder of the standard mailbox', async () => {
    const folders = (await client.list()).filter((f) => !f.flags.has('\\Noselect'));
    let total = 0;
    for (const folder of folders) total += await compare(folder.path);
    assert.ok(total > 100, `compared ${total} messages`);
  });

  test('odd envelopes: group syntax, quoted names, encoded words, no subject or date, a long quoted subject', async () => {
    assert.equal(await compare('Odd'), ODD.length);
    const lock = await client.getMailboxLock('Odd', { readOnly: true });
    try {
      const [first, second, third] = await fetchEnvelopes(client, '1:3', false);
      assert.equal(first!.subject, 'Überweisung für Juni');
      assert.deepEqual(first!.from, [{ name: 'Quoted Name', address: 'quoted@example.com' }]);
      assert.deepEqual(second!.to, [{ name: 'René', address: 'rene@example.com' }]);
      assert.equal(second!.subject, '');
      assert.equal(second!.date, undefined);
      assert.ok(second!.from.some((a) => a.address === 'alice@example.com'));
      assert.equal(third!.date, undefined);
      assert.ok(third!.subject.includes('"quoted"'));
    } finally {
      lock.release();
    }
  });

  test('the mailbox state imapflow keeps from FETCH answers (uidNext) follows', async () => {
    const lock = await client.getMailboxLock('Odd', { readOnly: true });
    try {
      const mailbox = client.mailbox;
      assert.ok(mailbox);
      (mailbox as { uidNext: number }).uidNext = 1;
      await fetchEnvelopes(client, '1:*', true);
      assert.equal(mailbox.uidNext, ODD.length + 1);
    } finally {
      lock.release();
    }
  });
});
