// Check Authentication (issue 14) as a person runs it on the demo mailbox: its newest INBOX message is signed with
// DKIM by demo-sender.test, whose key, SPF and DMARC records a local DNS server (NSD) serves, and the profile
// points mailInspector.auth.dnsServers at that server, as `npm run demo` does. From the message's context menu and
// from its open tab, the report tab shows DKIM, SPF and DMARC passing, agreeing with the receiving server's
// Authentication-Results, and every DNS query the checks made. The steps run in order on one editor.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_AUTH_DOMAIN, DEMO_AUTH_RECEIVER, DEMO_AUTH_SUBJECT, startDemoAuth, type DemoAuth } from '../servers/dnsDemo';
import { DEMO_PASSWORD, DEMO_USER, seedDemoMailbox } from './harness/demoMailbox';
import { useE2E, VIEW_CONTAINER } from './fixture';

const ACCOUNT = 'Demo IMAP';
let auth: DemoAuth | undefined;
const e2e = useE2E({
  users: [{ user: DEMO_USER, password: DEMO_PASSWORD }],
  seed: async (dovecot) => {
    auth = await startDemoAuth();
    return seedDemoMailbox(dovecot, { signed: auth.message });
  },
  settings: (dovecot) => {
    if (!auth) throw new Error('the DNS server of the demo did not start');
    return {
      'mailInspector.accounts': [{ id: 'demo-imap', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imap, security: 'starttls', user: DEMO_USER }],
      ...auth.settings,
    };
  },
});
after(() => auth?.dns.stop());

const dns = (): string => {
  if (!auth) throw new Error('the DNS server of the demo did not start');
  return auth.dns.address;
};
const KEY_NAME = `demo2026._domainkey.${DEMO_AUTH_DOMAIN}`;
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the report of the demo's signed message says, wherever Check Authentication was run from. */
function assertPassingReport(text: string): void {
  assert.match(text, new RegExp(`^# Authentication of "${escaped(DEMO_AUTH_SUBJECT)}"$`, 'm'));
  assert.match(text, new RegExp(`DNS servers: \`${escaped(dns())}\`\\.$`, 'm'));
  // Ours beside the receiving server's, agreeing.
  assert.match(text, new RegExp(`^\\| DKIM \\| \\*\\*pass\\*\\* \\(d=${escaped(DEMO_AUTH_DOMAIN)}\\) \\| pass \\|$`, 'm'));
  assert.match(text, /^\| SPF \| \*\*pass\*\* \| pass \|$/m);
  assert.match(text, /^\| DMARC \| \*\*pass\*\* \| pass \|$/m);
  assert.doesNotMatch(text, /disagree/);
  assert.doesNotMatch(text, /## Checks that could not run/);
  // DKIM: the signature's tags, the body hash and the key fetched from the local DNS server.
  assert.match(text, new RegExp(`^### Signature 1: d=${escaped(DEMO_AUTH_DOMAIN)} s=demo2026 — \\*\\*pass\\*\\*$`, 'm'));
  assert.match(text, /^\| Algorithm \(a=\) \| `rsa-sha256` \|$/m);
  assert.match(text, /^\| Body hash \| \*\*matches\*\* bh=/m);
  assert.match(text, new RegExp(`^\\| Key record \\| \`${escaped(KEY_NAME)}\`: \`v=DKIM1;`, 'm'));
  assert.match(text, /^\| Key \| type rsa, 2048 bits \|$/m);
  // SPF: the client from the trusted receiver's Received field, the record evaluated.
  assert.match(text, /^## SPF — \*\*pass\*\*$/m);
  assert.match(text, new RegExp(`^- Connecting client: \`192\\.0\\.2\\.25\`.*written by the trusted receiving host ${escaped(DEMO_AUTH_RECEIVER)}`, 'm'));
  assert.match(text, new RegExp(`^- Sender checked: \`bounce@${escaped(DEMO_AUTH_DOMAIN)}\``, 'm'));
  assert.match(text, new RegExp(`^\\| \`${escaped(DEMO_AUTH_DOMAIN)}\` \\| \`v=spf1 ip4:192\\.0\\.2\\.25 -all\` \\|$`, 'm'));
  // DMARC: the policy record and both alignments.
  assert.match(text, /^## DMARC — \*\*pass\*\*$/m);
  assert.match(text, /^- Policy p=reject, /m);
  assert.match(text, new RegExp(`^- SPF alignment \\(relaxed\\): aligned \\(\`${escaped(DEMO_AUTH_DOMAIN)}\`\\)\\.$`, 'm'));
  assert.match(text, new RegExp(`^- DKIM alignment \\(relaxed\\): aligned \\(\`${escaped(DEMO_AUTH_DOMAIN)}\`\\)\\.$`, 'm'));
  assert.match(text, new RegExp(`^1\\. \`${escaped(DEMO_AUTH_RECEIVER)}\`: `, 'm'));
  // Every DNS query, with its answer.
  assert.match(text, /^## DNS queries \(4\)$/m);
  assert.match(text, new RegExp(`^\\| DKIM \\| \`${escaped(KEY_NAME)}\` \\| TXT \\| \`v=DKIM1; k=rsa; p=`, 'm'));
  assert.match(text, new RegExp(`^\\| SPF \\| \`${escaped(DEMO_AUTH_DOMAIN)}\` \\| TXT \\| \`v=spf1 ip4:192\\.0\\.2\\.25 -all\` \\|`, 'm'));
  assert.match(text, new RegExp(`^\\| DMARC \\| \`_dmarc\\.${escaped(DEMO_AUTH_DOMAIN)}\` \\| TXT \\| \`v=DMARC1; p=reject;`, 'm'));
  assert.match(text, new RegExp(`^\\| BIMI \\| \`default\\._bimi\\.${escaped(DEMO_AUTH_DOMAIN)}\` \\| TXT \\| no such record \\|`, 'm'));
}

test('Check Authentication on the signed demo message: DKIM, SPF and DMARC pass, with every DNS query', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.tree.expand(ACCOUNT);
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, DEMO_PASSWORD);
  await e2e.tree.expand('INBOX');
  const row = await e2e.tree.scrollTo(DEMO_AUTH_SUBJECT);
  assert.deepEqual([await row.getAttribute('aria-level'), await row.getAttribute('aria-posinset')], ['3', '1'], 'the signed message is the newest in INBOX');
  await e2e.tree.scrollToTop();
  await e2e.tree.contextMenu(DEMO_AUTH_SUBJECT, 'Check Authentication');
  await e2e.editor.waitForActiveTab(/ authentication\.md$/);
  const text = await e2e.editor.text();
  await e2e.screenshot('auth-report');
  assertPassingReport(text);
  // The DNS server was asked this time (answers carry their time, not "cached").
  assert.match(text, new RegExp(`^\\| DKIM \\| \`${escaped(KEY_NAME)}\` \\| TXT \\| .* \\| \\d+ ms \\|$`, 'm'));
  assert.ok(await e2e.editor.refusesTyping(), 'the report is read-only');
});

test("from the message's open tab, the palette's Check Authentication gives the same report, from the window's DNS cache", async () => {
  await e2e.tree.scrollToTop();
  await e2e.tree.click(DEMO_AUTH_SUBJECT);
  await e2e.editor.waitForActiveTab(/\.eml$/);
  await e2e.workbench.runCommand('Mail Inspector: Check Authentication');
  await e2e.editor.waitForActiveTab(/ authentication\.md$/);
  const text = await e2e.editor.text();
  assertPassingReport(text);
  assert.match(text, new RegExp(`^\\| DKIM \\| \`${escaped(KEY_NAME)}\` \\| TXT \\| .* \\| cached \\|$`, 'm'));
});
