import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { bugReportMarkdown, settingsWithoutSecrets } from '../../src/core/diagnose/bugReport';
import { recentTraffic } from '../../src/core/diagnose/bugReportTraffic';
import { connection, exchange, HandRecord, line, T0 } from './support/handRecord';

const account: AccountDefinition = { id: 'work', label: 'Work', protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', user: 'alice', allowInvalidCertificate: false, useApop: false };

function record(): HandRecord {
  const old = exchange({ connection: 'imap#1', tag: 'A1', command: 'NOOP', startedAt: T0 - 20 * 60_000, server: ['A1 OK'] });
  const fetch = exchange({
    connection: 'imap#1',
    tag: 'A2',
    command: 'UID FETCH',
    startedAt: T0 - 60_000,
    events: [
      line('imap#1', 'client', 'A2 UID FETCH 7 BODY.PEEK[]'),
      line('imap#1', 'server', '* 3 FETCH (UID 7 BODY[] {120}'),
      line('imap#1', 'server', 'Subject: private matters', { kind: 'payload', bytes: 26 }),
      line('imap#1', 'server', 'The body says something private.', { kind: 'payload', bytes: 34 }),
      line('imap#1', 'server', '… 60 bytes elided', { kind: 'elided', bytes: 60 }),
      line('imap#1', 'server', ')'),
      line('imap#1', 'server', 'A2 OK Fetch completed'),
    ],
  });
  return new HandRecord([connection('imap#1', 'imap', { openedAt: T0 - 30 * 60_000 }), connection('imap#2', 'imap')], [old, fetch]);
}

test('recent traffic: only the window, with literals and bodies left out as one elided line', () => {
  const recent = recentTraffic(record(), T0 - 15 * 60_000);
  assert.deepEqual(recent.exchanges().map((e) => e.command), ['UID FETCH']);
  assert.deepEqual(recent.connections().map((c) => c.id), ['imap#1'], 'only connections with exchanges in the window');
  const texts = recent.exchanges()[0]!.events.map((e) => e.text);
  assert.deepEqual(texts, ['A2 UID FETCH 7 BODY.PEEK[]', '* 3 FETCH (UID 7 BODY[] {120}', '… 120 bytes elided (literal or message body, left out of bug reports)', ')', 'A2 OK Fetch completed']);
});

test('settings: every secret-looking key is left out, at any depth', () => {
  assert.deepEqual(settingsWithoutSecrets({ pageSize: 50, accounts: [{ host: 'h', password: 'x', oauth: { accessToken: 't' } }], apiKey: 'k', clientSecret: 's' }), {
    pageSize: 50,
    accounts: [{ host: 'h', password: '(left out)', oauth: { accessToken: '(left out)' } }],
    apiKey: '(left out)',
    clientSecret: '(left out)',
  });
});

test('the report: versions, settings, diagnosis under its own heading, traffic; known secrets scrubbed last; redaction throughout', () => {
  const input = {
    account,
    madeAt: new Date(T0),
    versions: { extension: '0.1.0', vscode: '1.95.0', node: '20.0.0', platform: 'linux x64' },
    settings: { pageSize: 50, accounts: [{ host: 'imap.example.com', user: 'alice' }] },
    record: record(),
    trafficMinutes: 15,
    diagnosis: { markdown: '# Diagnosis: IMAP imap.example.com:993 (TLS)\n\n## Findings\n\n- none; the password leaked-pw-123 slipped in\n' },
    secrets: ['leaked-pw-123'],
  };
  const text = bugReportMarkdown(input);
  assert.match(text, /^- VS Code 1\.95\.0$/m);
  assert.match(text, /^## Diagnosis: IMAP imap\.example\.com:993 \(TLS\)$/m);
  assert.match(text, /^### Findings$/m);
  assert.ok(!text.includes('leaked-pw-123') && text.includes('the password **** slipped in'));
  assert.match(text, /^## Traffic of the last 15 minutes$/m);
  assert.ok(!text.includes('private'), 'no message content');
  assert.ok(!text.includes('NOOP'), 'nothing older than the window');
  assert.match(text, /"pageSize": 50/);
  const redacted = bugReportMarkdown({ ...input, redact: { hosts: [account.host], users: [account.user] } });
  assert.ok(!/imap\.example\.com|alice/.test(redacted));
  assert.match(redacted, /^## Diagnosis: IMAP host-1:993 \(TLS\)$/m);
  assert.match(redacted, /"user": "user-1"/);
  assert.equal(bugReportMarkdown({ ...input, diagnosis: { skipped: 'the user chose not to connect' } }).includes('## Diagnosis\n\nNot run: the user chose not to connect'), true);
});
