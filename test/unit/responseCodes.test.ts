import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { explainCode, responseCode } from '../../src/core/traffic/responseCodes';

const IMAP_CODES = ['ALERT', 'AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED', 'PRIVACYREQUIRED', 'CONTACTADMIN', 'NOPERM', 'INUSE', 'EXPUNGEISSUED', 'CORRUPTION', 'SERVERBUG', 'CLIENTBUG', 'CANNOT', 'LIMIT', 'OVERQUOTA', 'ALREADYEXISTS', 'NONEXISTENT', 'TRYCREATE', 'UIDVALIDITY', 'UIDNEXT', 'UNAVAILABLE', 'READ-ONLY', 'READ-WRITE', 'PERMANENTFLAGS', 'UIDNOTSTICKY', 'MODIFIED', 'HIGHESTMODSEQ', 'NOMODSEQ', 'CLOSED', 'BADCHARSET', 'PARSE', 'CAPABILITY', 'APPENDUID', 'COPYUID'];
const POP3_CODES = ['IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM', 'AUTH'];

test('every IMAP and POP3 response code of the plan is explained in plain words', () => {
  for (const name of IMAP_CODES) assert.ok((explainCode(name, 'imap') ?? '').length > 10, name);
  for (const name of POP3_CODES) assert.ok((explainCode(name, 'pop3') ?? '').length > 10, name);
});

test('codes are read from tagged, untagged and POP3 status lines, with their arguments', () => {
  assert.deepEqual(responseCode('A5 NO [TRYCREATE] Mailbox doesn\'t exist: Nope', 'imap')?.name, 'TRYCREATE');
  assert.deepEqual(responseCode('* OK [UIDVALIDITY 3857529045] UIDs valid', 'imap')?.args, '3857529045');
  assert.equal(responseCode('* NO [ALERT] Disk almost full', 'imap')?.name, 'ALERT');
  assert.equal(responseCode('* BYE [UNAVAILABLE] Maintenance', 'imap')?.name, 'UNAVAILABLE');
  assert.equal(responseCode('A1 OK [read-only] done', 'imap')?.name, 'READ-ONLY', 'case-insensitive');
  assert.equal(responseCode('-ERR [IN-USE] Mailbox locked', 'pop3')?.explanation, explainCode('IN-USE', 'pop3'));
  assert.equal(responseCode('-ERR [LOGIN-DELAY 300] Too soon', 'pop3')?.args, '300');
  assert.equal(responseCode('* 3 EXISTS', 'imap'), undefined);
  assert.equal(responseCode('+OK fine', 'pop3'), undefined);
});

test('unknown codes are kept without an explanation; POP3 codes fall back along their hierarchy', () => {
  assert.deepEqual(responseCode('A1 NO [XWHATEVER 1] hmm', 'imap'), { name: 'XWHATEVER', args: '1' });
  assert.equal(explainCode('SYS/TEMP/DISK', 'pop3'), explainCode('SYS/TEMP', 'pop3'));
  assert.equal(explainCode('TRYCREATE', 'pop3'), undefined, 'IMAP codes are not POP3 codes');
});
