import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { imapCommandName, imapVerdict, markingFetchItem, pop3NeedsResetBeforeQuit, pop3Verdict, PolicyState } from '../../src/core/console/consolePolicy';

const readOnly: PolicyState = { access: 'read-only', authenticated: true };
const readWrite: PolicyState = { access: 'read-write', authenticated: true };
const beforeLogin: PolicyState = { access: 'read-only', authenticated: false };

function reason(verdict: ReturnType<typeof imapVerdict>): string {
  assert.equal(verdict.allowed, false, 'refused');
  return verdict.allowed ? '' : verdict.reason;
}

describe('console policy: IMAP', () => {
  test('a read-only account sends exactly the commands that change nothing', () => {
    const allowed = [
      'CAPABILITY', 'noop', 'ID ("name" "x")', 'NAMESPACE', 'LIST "" *', 'LSUB "" *', 'STATUS INBOX (MESSAGES UIDNEXT)', 'EXAMINE INBOX',
      'SEARCH UNSEEN', 'UID SEARCH ALL', 'FETCH 1:* (FLAGS ENVELOPE)', 'UID FETCH 1 (BODY.PEEK[HEADER])', 'UID FETCH 1:5 (BODYSTRUCTURE RFC822.SIZE RFC822.HEADER)',
      'FETCH 1 FULL', 'FETCH 1 (BODY)', 'UID FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1])', 'GETQUOTAROOT INBOX', 'ENABLE CONDSTORE', 'IDLE', 'LOGOUT',
    ];
    for (const line of allowed) assert.deepEqual(imapVerdict(line, readOnly), { allowed: true }, line);
  });

  test('everything else is refused with the reason, and the usual writes say what they would change', () => {
    assert.match(reason(imapVerdict('STORE 1 +FLAGS (\\Seen)', readOnly)), /STORE changes flags.*read-only/);
    assert.match(reason(imapVerdict('UID STORE 1 +FLAGS (\\Deleted)', readOnly)), /UID STORE changes flags/);
    assert.match(reason(imapVerdict('EXPUNGE', readOnly)), /EXPUNGE removes messages/);
    assert.match(reason(imapVerdict('SELECT INBOX', readOnly)), /use EXAMINE/);
    assert.match(reason(imapVerdict('CLOSE', readOnly)), /CLOSE expunges/);
    assert.match(reason(imapVerdict('APPEND INBOX {12}', readOnly)), /APPEND adds a message/);
    assert.match(reason(imapVerdict('UID MOVE 1 Trash', readOnly)), /UID MOVE moves/);
    assert.match(reason(imapVerdict('XYZZY', readOnly)), /XYZZY is not on the list of commands that change nothing/);
    assert.match(reason(imapVerdict('UNSELECT', readOnly)), /not on the list/);
  });

  test('FETCH of body sections that set \\Seen is refused; the PEEK forms are not', () => {
    for (const line of ['FETCH 1 BODY[]', 'UID FETCH 1 (FLAGS BODY[TEXT])', 'FETCH 1 (BODY[1.2]<0.100>)', 'FETCH 1 RFC822', 'UID FETCH 2 (rfc822.text)', 'FETCH 1 (BINARY[1])']) {
      assert.match(reason(imapVerdict(line, readOnly)), /marks the message as read/, line);
    }
    assert.equal(markingFetchItem('(BODY.PEEK[] RFC822.SIZE)'), undefined);
    assert.equal(markingFetchItem('(FLAGS body[header])'), 'BODY[…]');
    assert.equal(markingFetchItem('RFC822.HEADER'), undefined);
    assert.equal(markingFetchItem('(RFC822)'), 'RFC822');
  });

  test('login commands only before login; a read-write account sends anything else', () => {
    for (const line of ['LOGIN alice pw', 'AUTHENTICATE PLAIN', 'STARTTLS']) {
      assert.deepEqual(imapVerdict(line, beforeLogin), { allowed: true }, line);
      assert.match(reason(imapVerdict(line, readOnly)), /before login/, line);
      assert.match(reason(imapVerdict(line, readWrite)), /before login/, line);
    }
    for (const line of ['STORE 1 +FLAGS (\\Seen)', 'EXPUNGE', 'SELECT INBOX', 'FETCH 1 BODY[]', 'XYZZY']) assert.deepEqual(imapVerdict(line, readWrite), { allowed: true }, line);
    assert.equal(imapVerdict('   ', readWrite).allowed, false);
  });

  test('command names: UID commands by their two words', () => {
    assert.equal(imapCommandName('uid fetch 1 FLAGS'), 'UID FETCH');
    assert.equal(imapCommandName('  noop'), 'NOOP');
    assert.equal(imapCommandName(''), '');
  });
});

describe('console policy: POP3', () => {
  test('a read-only account sends CAPA, STAT, LIST, UIDL, TOP, RETR, NOOP, RSET, QUIT; DELE and the rest are refused', () => {
    for (const line of ['CAPA', 'STAT', 'LIST', 'LIST 1', 'UIDL', 'uidl 2', 'TOP 1 0', 'RETR 1', 'NOOP', 'RSET', 'QUIT']) assert.deepEqual(pop3Verdict(line, readOnly), { allowed: true }, line);
    assert.match(reason(pop3Verdict('DELE 1', readOnly)), /DELE marks the message for deletion/);
    assert.match(reason(pop3Verdict('XTND XMIT', readOnly)), /XTND is not on the list/);
    assert.deepEqual(pop3Verdict('DELE 1', readWrite), { allowed: true });
  });

  test('USER, PASS, APOP, AUTH and STLS before login only', () => {
    for (const line of ['USER alice', 'PASS pw', 'APOP alice 0123', 'AUTH PLAIN', 'STLS']) {
      assert.deepEqual(pop3Verdict(line, beforeLogin), { allowed: true }, line);
      assert.match(reason(pop3Verdict(line, readOnly)), /before login/, line);
    }
  });

  test('read-only: QUIT after a RETR needs RSET first; read-write or without RETR it does not', () => {
    assert.equal(pop3NeedsResetBeforeQuit('QUIT', { access: 'read-only', retrievedSinceReset: true }), true);
    assert.equal(pop3NeedsResetBeforeQuit('quit', { access: 'read-only', retrievedSinceReset: true }), true);
    assert.equal(pop3NeedsResetBeforeQuit('QUIT', { access: 'read-only', retrievedSinceReset: false }), false);
    assert.equal(pop3NeedsResetBeforeQuit('QUIT', { access: 'read-write', retrievedSinceReset: true }), false);
    assert.equal(pop3NeedsResetBeforeQuit('NOOP', { access: 'read-only', retrievedSinceReset: true }), false);
  });
});
