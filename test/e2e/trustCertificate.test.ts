// A server whose certificate nobody vouches for (self-signed, its CA not trusted by the editor): the account says so
// before any password is asked, offers "Trust This Certificate…" on the error row, shows the certificate's
// SHA-256 fingerprint in a modal, pins it in the account's settings, and then connects (asking for the password
// only now, once TLS is up and trusted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useE2E, VIEW_CONTAINER } from './fixture';

const PASSWORD = 'trust-me-pw';
const LABEL = 'Self-signed';
const e2e = useE2E({
  users: [{ user: 'carol', password: PASSWORD }],
  trustTestCertificate: false,
  settings: (dovecot) => ({
    'mailInspector.accounts': [{ id: 'self-signed', label: LABEL, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'carol' }],
  }),
});
const UNTRUSTED = 'Certificate not trusted';

/** The fingerprint as the modal shows it: colon-separated upper-case hex. */
function serverFingerprint(): string {
  return new X509Certificate(e2e.dovecot.ca).fingerprint256;
}

test('an untrusted certificate is an error row before any password is asked', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.tree.expand(LABEL);
  await e2e.tree.scrollTo(UNTRUSTED);
  assert.equal(await e2e.quickInput.widget.isVisible(), false, 'a password was asked for a server whose certificate is not trusted');
});

test('Trust This Certificate… shows the fingerprint, pins it, and the account then connects', async () => {
  await e2e.tree.inlineAction(UNTRUSTED, 'Trust This Certificate');
  const message = await e2e.dialog.waitFor(/Trust this certificate/);
  assert.match(message, new RegExp(`Trust this certificate for ${LABEL}`));
  const detail = (await e2e.dialog.box.textContent()) ?? '';
  assert.ok(detail.includes(serverFingerprint()), `the dialog does not show the fingerprint ${serverFingerprint()}:\n${detail}`);
  await e2e.dialog.press('Trust This Certificate');
  // Only now, with TLS up and the certificate pinned, is the password asked for.
  await e2e.quickInput.enter('Password', PASSWORD);
  await e2e.tree.scrollTo('INBOX');
  const settings = JSON.parse(readFileSync(join(e2e.profile.userDataDir, 'User', 'settings.json'), 'utf8')) as { 'mailInspector.accounts': { pinnedCertificate?: string }[] };
  assert.equal(settings['mailInspector.accounts'][0]?.pinnedCertificate, `sha256/${serverFingerprint()}`);
});
