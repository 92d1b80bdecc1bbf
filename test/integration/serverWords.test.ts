import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { errorRowText } from '../../src/core/errorText';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { ImapHandle, imapStore } from './support/imapFixture';

// Issue 12, point 7: an error the extension shows for a failed command quotes the server's response (status,
// response code and text) and explains the code, never only imapflow's "Command failed".
let server: DovecotServer;
let h: ImapHandle;

before(async () => {
  server = await startDovecot();
  h = imapStore(server);
});

after(async () => {
  await h?.store.close();
  await server?.stop();
});

async function refusal(run: () => Promise<unknown>): Promise<MailError> {
  try {
    await run();
  } catch (error) {
    assert.ok(MailError.is(error), `a MailError, not ${String(error)}`);
    return error;
  }
  assert.fail('the server refused nothing');
}

/** The tagged reply on the wire, without its tag: what the error must quote. */
function wireReply(pattern: RegExp): string {
  const line = h.text().split('\n').reverse().find((l) => pattern.test(l));
  assert.ok(line, `the reply is in the traffic: ${pattern}`);
  return line.replace(/^\[\S+\] S: \S+ /, '');
}

test("EXAMINE of a missing folder: the error quotes the server's reply as sent, names the command, and is 'not found'", async () => {
  const error = await refusal(() => h.store.listMessagesByUid('No Such Folder', undefined, 10));
  assert.equal(error.reason, 'notFound');
  // Dovecot sends no response code here: "NO Mailbox doesn't exist: No Such Folder (0.001 + 0.000 secs)."
  assert.equal(error.serverText, wireReply(/S: \S+ NO Mailbox doesn't exist: No Such Folder/));
  assert.match(error.message, /EXAMINE was refused/);
  assert.doesNotMatch(error.message, /Command failed/);
  const row = errorRowText(error);
  assert.equal(row.description, error.serverText);
  assert.match(row.tooltip, /Server said: `NO Mailbox doesn't exist: No Such Folder/);
});

test('a raw fetch in a missing folder: the same, for the command that fetches', async () => {
  const error = await refusal(() => h.store.fetchRaw('Gone Too', '1'));
  assert.equal(error.serverText, wireReply(/S: \S+ NO Mailbox doesn't exist: Gone Too/));
  assert.doesNotMatch(error.message, /Command failed/);
});
