import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fromNodeError, MailError } from '../../src/core/errors';
import { errorRowText } from '../../src/core/errorText';

test('socket and TLS errors map to reasons a person can act on', () => {
  const cases: [object, string][] = [
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere' }, 'dns'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'refused'],
    [{ code: 'ETIMEDOUT', message: 'timeout' }, 'timeout'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'certificate'],
    [{ authenticationFailed: true, message: 'Command failed', responseText: 'Authentication failed.' }, 'auth'],
    [{ tlsFailed: true, message: 'Server does not support STARTTLS' }, 'tls'],
    [{ message: 'Literal size 99 exceeds maximum allowed size of 10 bytes' }, 'limit'],
  ];
  for (const [err, reason] of cases) assert.equal(fromNodeError(err).reason, reason, JSON.stringify(err));
  const auth = fromNodeError({ authenticationFailed: true, message: 'x', responseText: 'Authentication failed.' });
  assert.equal(auth.serverText, 'Authentication failed.');
  assert.equal(auth.explanation, 'The server rejected the user name or password.');
  const same = new MailError('inUse');
  assert.equal(fromNodeError(same), same);
  assert.ok(MailError.is(same, 'inUse'));
  assert.ok(!MailError.is(same, 'auth'));
});

test('a certificate error does not suggest --use-system-ca, a Node.js flag nobody can pass to VS Code', () => {
  // The hint Node 22.15+ appends to certificate errors (nodejs/node#57362).
  const nodeMessage = 'self-signed certificate; if the root CA is installed locally, try running Node.js with --use-system-ca';
  const error = fromNodeError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: nodeMessage });
  assert.equal(error.reason, 'certificate');
  assert.doesNotMatch(error.message, /--use-system-ca|running Node/);
  assert.match(error.message, /\(self-signed certificate\)$/);
});

test('a MailError carries a detail for the user interface, and its cause', () => {
  const cause = new Error('x');
  const error = new MailError('cancelled', 'No password.', undefined, { cause, detail: { kind: 'noPassword' } });
  assert.equal(error.detail?.kind, 'noPassword');
  assert.equal(error.cause, cause);
  assert.equal(new MailError('auth').detail, undefined);
});

test("imapflow's NO: the server's status, response code and text replace \"Command failed\", and the row explains the code", () => {
  // The shape imapflow 2.10.2 gives a NO (imap-flow.js, case 'NO'/'BAD', then tools.enhanceCommandError): the code
  // is left out of responseText and kept in serverResponseCode; the message is only "Command failed".
  const error = fromNodeError({
    message: 'Command failed',
    responseStatus: 'NO',
    responseText: 'Mailbox does not exist',
    serverResponseCode: 'TRYCREATE',
    executedCommand: '7 UID COPY 3 "Archive"',
  }, 'server');
  assert.equal(error.serverText, 'NO [TRYCREATE] Mailbox does not exist');
  assert.equal(error.reason, 'notFound');
  assert.match(error.message, /UID COPY was refused/);
  assert.doesNotMatch(error.message, /Command failed|Archive/);
  const row = errorRowText(error);
  assert.equal(row.description, 'NO [TRYCREATE] Mailbox does not exist');
  assert.match(row.tooltip, /`\[TRYCREATE\]` means /);
  // Without serverResponseCode, the code comes from the parsed response's first section.
  const parsed = fromNodeError({ message: 'Command failed', responseStatus: 'NO', responseText: 'Quota exceeded', response: { attributes: [{ type: 'ATOM', section: [{ type: 'ATOM', value: 'OVERQUOTA' }] }] } });
  assert.equal(parsed.serverText, 'NO [OVERQUOTA] Quota exceeded');
  assert.match(errorRowText(parsed).tooltip, /`\[OVERQUOTA\]` means /);
  // POP3's words keep their own form, and its codes are explained too.
  assert.match(errorRowText(new MailError('inUse', 'locked', '-ERR [IN-USE] Mailbox is locked')).tooltip, /`\[IN-USE\]` means /);
});
