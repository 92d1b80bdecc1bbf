import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fromNodeError, MailError } from '../../src/core/errors';

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
