import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { diagnosisFindings } from '../../src/core/diagnose/diagnosisFindings';
import { capabilitiesIn, enabledIn, idFields, imapValues, listFolder, statusOf } from '../../src/core/diagnose/diagnosisImapParse';
import { diagnosisMarkdown } from '../../src/core/diagnose/diagnosisMarkdown';
import { decodeSaslChallenge } from '../../src/core/diagnose/diagnosisSasl';
import type { Diagnosis } from '../../src/core/diagnose/diagnosisTypes';
import { expireWords, loginDelayWords } from '../../src/core/diagnose/pop3CapaWords';

// The pure parts of Diagnose Connection: the findings of hand-made diagnoses (cases a real server here cannot
// be made to show, such as APOP only), RFC 2449's EXPIRE/LOGIN-DELAY in words, OAuth errors decoded, the
// IMAP answers read, and the report's Markdown escaping.
type Draft = Omit<Diagnosis, 'findings'>;
const base: Draft = { target: { protocol: 'pop3', host: 'mail.example.test', port: 110, security: 'starttls' }, startedAt: new Date(0), totalMs: 1, steps: [] };
const texts = (d: Draft): string => diagnosisFindings(d).map((f) => `${f.severity}: ${f.text}`).join('\n');

test('APOP only, no UIDL, and the retention announcements', () => {
  const d: Draft = { ...base, pop3: { capaBeforeTls: ['TOP', 'STLS'], capaAfterTls: ['TOP'], saslMechanisms: [], apopTimestamp: '<1.2@x>', uidl: false, top: true, expire: { value: 'NEVER', words: expireWords('NEVER') } } };
  const out = texts(d);
  assert.match(out, /^warning: The server offers only APOP: its MD5 digest is weak/m);
  assert.match(out, /^warning: The server does not offer UIDL/m);
  assert.match(out, /^info: EXPIRE NEVER: The server never deletes messages by itself/m);
  // With USER offered it is no longer "APOP only".
  assert.doesNotMatch(texts({ ...d, pop3: { ...d.pop3!, capaAfterTls: ['TOP', 'USER'] } }), /only APOP/);
});

test('STARTTLS not offered is an error for a "starttls" account and a warning for "none"; IDLE missing; findings worst first', () => {
  const imap: Draft = { ...base, target: { ...base.target, protocol: 'imap', port: 143 }, tls: { mode: 'none', upgradeOffered: false, required: false, weakVersions: [] }, imap: { capabilitiesBeforeTls: ['IMAP4rev1'], capabilitiesAfterLogin: ['IMAP4rev1'] } };
  assert.match(texts(imap), /^error: The server does not offer STARTTLS on port 143/m);
  assert.match(texts({ ...imap, target: { ...imap.target, security: 'none' } }), /^warning: The server does not offer STARTTLS/m);
  assert.match(texts(imap), /^warning: The server does not offer IDLE/m);
  const severities = diagnosisFindings(imap).map((f) => f.severity);
  assert.deepEqual(severities, [...severities].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
  // STARTTLS offered but the account uses none.
  const offered: Draft = { ...imap, target: { ...imap.target, security: 'none' }, tls: { mode: 'none', upgradeOffered: true, required: true, weakVersions: [] } };
  assert.match(texts(offered), /^warning: The account uses no TLS although the server offers STARTTLS/m);
  assert.doesNotMatch(texts(offered), /accepts a password in plain text/);
});

test('one of two addresses unreachable, a refused OAuth login decoded, old TLS accepted', () => {
  const d: Draft = {
    ...base,
    resolution: { literal: false, ms: 3, addresses: [{ address: '2001:db8::1', family: 6, error: 'unreachable (ENETUNREACH)' }, { address: '192.0.2.1', family: 4, connectMs: 12 }] },
    tls: { mode: 'implicit', weakVersions: [{ version: 'TLSv1', accepted: true }, { version: 'TLSv1.1', accepted: false }] },
    login: { attempts: [{ mechanism: 'AUTHENTICATE XOAUTH2', ok: false, answer: 'NO [AUTHENTICATIONFAILED] Invalid credentials', ms: 40, decoded: 'OAuth error: status 401 (the token is invalid or expired)' }] },
  };
  const out = texts(d);
  assert.match(out, /^warning: 1 of 2 addresses of mail\.example\.test do not accept a connection on port 110 \(2001:db8::1: unreachable/m);
  assert.match(out, /^warning: The server accepts TLS 1\.0,/m);
  assert.doesNotMatch(out, /TLS 1\.1/);
  assert.match(out, /^error: The server refused the login \(AUTHENTICATE XOAUTH2\): NO \[AUTHENTICATIONFAILED\] Invalid credentials — OAuth error: status 401/m);
});

test('EXPIRE and LOGIN-DELAY in words (RFC 2449)', () => {
  assert.equal(expireWords('30'), 'The server deletes messages 30 days after they were retrieved, even if the client leaves them there.');
  assert.equal(expireWords('1'), 'The server deletes messages 1 day after they were retrieved, even if the client leaves them there.');
  assert.match(expireWords('0'), /does not let messages stay: it deletes them once they are retrieved/);
  assert.match(expireWords('30 USER'), /30 days .*\(this value depends on the user/);
  assert.match(expireWords('soon'), /does not define/);
  assert.equal(loginDelayWords('900'), 'The server allows one login every 15 minutes at most: a client that checks mail more often is refused.');
  assert.match(loginDelayWords('3600'), /every 1 hour/);
  assert.match(loginDelayWords('45 USER'), /every 45 seconds .*depends on the user/);
});

test('XOAUTH2 / OAUTHBEARER error challenges decoded', () => {
  const json = Buffer.from('{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}').toString('base64');
  assert.equal(decodeSaslChallenge(json), 'OAuth error: status 401 (the token is invalid or expired), schemes bearer, scope https://mail.google.com/');
  assert.equal(decodeSaslChallenge(Buffer.from('{"status":"invalid_token","openid-configuration":"x"}').toString('base64')), 'OAuth error: status invalid_token, openid-configuration "x"');
  assert.equal(decodeSaslChallenge(''), undefined);
  assert.equal(decodeSaslChallenge('not base64!'), undefined);
});

test('IMAP answers: capabilities, ID, ENABLED, LIST with special-use and literals, STATUS', () => {
  assert.deepEqual(capabilitiesIn('* OK [CAPABILITY IMAP4rev1 STARTTLS] ready'), ['IMAP4rev1', 'STARTTLS']);
  assert.deepEqual(capabilitiesIn('* CAPABILITY IMAP4rev1 IDLE'), ['IMAP4rev1', 'IDLE']);
  assert.equal(capabilitiesIn('* OK ready'), undefined);
  assert.deepEqual(idFields('* ID ("name" "Dovecot" "version" NIL)'), { name: 'Dovecot', version: 'NIL' });
  assert.equal(idFields('* ID NIL'), undefined);
  assert.deepEqual(enabledIn('* ENABLED CONDSTORE'), ['CONDSTORE']);
  assert.deepEqual(enabledIn('* ENABLED'), []);
  assert.deepEqual(listFolder('* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"'), { name: 'Sent Items', flags: ['\\HasNoChildren'], specialUse: '\\Sent' });
  assert.deepEqual(listFolder('* LIST (\\Noselect) "/" "a \\"q\\" b"'), { name: 'a "q" b', flags: ['\\Noselect'] });
  assert.deepEqual(listFolder('* LIST () NIL INBOX'), { name: 'INBOX', flags: [] });
  assert.deepEqual(statusOf('* STATUS "Sent" (MESSAGES 3 SIZE 1234)'), { name: 'Sent', messages: 3, size: 1234 });
  assert.deepEqual(imapValues('OK [CAPABILITY A B] x (1 (2)) NIL'), ['OK', '[CAPABILITY A B]', 'x', ['1', ['2']], null]);
});

test('the report: server text shown as written, in code spans; pipes cannot break a table', () => {
  const d: Diagnosis = {
    ...base,
    greeting: '+OK `odd` greeting | <1@x>',
    pop3: { saslMechanisms: ['PLAIN'], uidl: true, top: false },
    login: { attempts: [{ mechanism: 'USER/PASS', ok: false, answer: '-ERR [AUTH] bad | worse', ms: 3 }] },
    findings: [{ severity: 'error', text: 'A *starred* finding' }],
  };
  const md = diagnosisMarkdown(d);
  assert.ok(md.includes('``+OK `odd` greeting | <1@x>``') || md.includes('`` +OK `odd` greeting | <1@x> ``'), md);
  assert.ok(md.includes('`-ERR [AUTH] bad \\| worse`'), md);
  assert.ok(md.includes('A \\*starred\\* finding'));
  assert.match(md, /- UIDL: yes; TOP: \*\*no\*\*/);
  assert.match(md, /## Timing/);
});
