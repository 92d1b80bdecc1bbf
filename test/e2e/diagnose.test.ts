// Diagnose Connection (issue 13, point 1) as a person runs it: on the demo account's row (its password asked as for
// any connection), the report opens in a tab with every section; from the palette on a server that is no account
// (host, protocol, security, port typed in, no user), it stops before login. Never the password, anywhere.
// The steps run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, DEMO_USER, seedDemoMailbox } from './harness/demoMailbox';
import { useE2E, VIEW_CONTAINER } from './fixture';

const ACCOUNT = 'Demo';
const e2e = useE2E({
  users: [{ user: DEMO_USER, password: DEMO_PASSWORD }],
  seed: (dovecot) => seedDemoMailbox(dovecot),
  settings: (dovecot) => ({
    'mailInspector.accounts': [{ id: 'demo', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imap, security: 'starttls', user: DEMO_USER }],
  }),
});

test('Diagnose Connection on the demo account writes the report into a tab', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.tree.scrollTo(ACCOUNT);
  await e2e.tree.contextMenu(ACCOUNT, 'Diagnose Connection…');
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, DEMO_PASSWORD);
  await e2e.editor.waitForActiveTab(/^Diagnosis of Demo\.md$/);
  const text = await e2e.editor.text();
  await e2e.screenshot('diagnose-report');
  assert.match(text, /^# Diagnosis: IMAP 127\.0\.0\.1:\d+ \(STARTTLS\)$/m);
  for (const heading of ['## Findings', '## Name resolution and TCP', '## TLS', '## Greeting', '## IMAP', '### Folders', '## Login', '## Timing']) {
    assert.ok(text.includes(`\n${heading}\n`), `the report has "${heading}"`);
  }
  assert.match(text, /^- STARTTLS offered: yes$/m);
  assert.match(text, /^- Protocol: `TLSv1\.[23]`/m);
  assert.match(text, /^- CAPABILITY before TLS: .*`STARTTLS`/m);
  assert.match(text, /^- CAPABILITY after login: .*`IDLE`/m);
  assert.match(text, /^\| AUTHENTICATE PLAIN \| accepted \| /m);
  assert.match(text, /^\| `INBOX` \| {2}\| \d+ \| /m);
  assert.match(text, /^- ⚠️ \*\*warning\*\*: The server accepts a password in plain text, before TLS/m);
  const plain = Buffer.from(`\0${DEMO_USER}\0${DEMO_PASSWORD}`).toString('base64');
  for (const form of [DEMO_PASSWORD, plain]) {
    assert.ok(!text.includes(form), 'the password is in the report');
    assert.ok(!e2e.logs().includes(form), 'the password is in a log');
  }
});

test('from the palette, a server that is no account: typed in, no user, so it stops before login', async () => {
  await e2e.workbench.runCommand('Mail Inspector: Diagnose Connection…');
  await e2e.quickInput.pick('Another server…', 'Account or server to diagnose');
  await e2e.quickInput.enter('mail.example.com', '127.0.0.1');
  await e2e.quickInput.pick('POP3', 'Protocol');
  await e2e.quickInput.pick('None', 'Security');
  await e2e.quickInput.enter('Port', String(e2e.dovecot.ports.pop3NoTls));
  await e2e.quickInput.enter('User name', '');
  await e2e.editor.waitForActiveTab(/^Diagnosis of 127\.0\.0\.1\.md$/);
  const text = await e2e.editor.text();
  assert.match(text, /^# Diagnosis: POP3 127\.0\.0\.1:\d+ \(no TLS\)$/m);
  assert.match(text, /^- STLS offered: no$/m);
  assert.match(text, /^- ⚠️ \*\*warning\*\*: The server does not offer STLS/m);
  assert.match(text, /^Not tried: No user name was given, so the diagnosis stopped before login\.$/m);
  assert.match(text, /^- CAPA before TLS: .*`UIDL`/m);
});
