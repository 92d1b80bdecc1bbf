import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { authMarkdown } from '../../src/core/auth/authMarkdown';
import type { AuthReport } from '../../src/core/auth/authReport';
import { checkAuthentication } from '../../src/core/auth/checkAuthentication';
import { DnsCache } from '../../src/core/auth/dnsLookups';
import { createDnsResolver } from '../../src/core/auth/dnsResolver';
import { DnsRecord, DnsServer, startDnsServer } from '../servers/dnsServer';
import { startDemoAuth } from '../servers/dnsDemo';
import { arcSealMessage, ed25519Key, keyRecord, relative, rsaKey, signMessage, tamper, testMessage } from '../servers/dnsSigned';

// Message authentication (issue 14) against a real DNS server (NSD on 127.0.0.1) serving zones written here:
// DKIM with keys generated here (RSA-SHA256, Ed25519; relaxed and simple), SPF chains, DMARC policies, ARC
// chains, the server's own Authentication-Results, and what the report says when DNS is gone.
const ORIGIN = 'example.test';
const OTHER = 'other.test';
const rsa = rsaKey(ORIGIN, 'rsa2026');
const ed = ed25519Key(ORIGIN, 'ed2026');
const missing = rsaKey(ORIGIN, 'nokey');
const revoked = rsaKey(ORIGIN, 'revoked');
const testing = rsaKey(ORIGIN, 'testing');
const other = rsaKey(OTHER, 'sel');
const forwarder = rsaKey(`fwd.${OTHER}`, 'arc');
// ARC (RFC 8617) defines rsa-sha256 only: mailauth writes no ARC-Message-Signature with an Ed25519 key.
const forwarder2 = rsaKey(`lists.${OTHER}`, 'arc2');

const CLIENT = '192.0.2.10';
const received = (ip: string, helo = 'mail.example.test'): string => `from ${helo} (${helo} [${ip}]) by mx.receiver.test with ESMTPS id abc; Mon, 01 Jun 2026 10:00:01 +0000`;

const includes: DnsRecord[] = Array.from({ length: 11 }, (_, i) => ({ name: `l${i}.spf`, type: 'TXT', value: `v=spf1 include:l${i + 1}.spf.${ORIGIN} -all` }));

const records: DnsRecord[] = [
  keyRecord(rsa, ORIGIN),
  keyRecord(ed, ORIGIN),
  { name: relative(`revoked._domainkey.${ORIGIN}`, ORIGIN), type: 'TXT', value: 'v=DKIM1; k=rsa; p=' },
  keyRecord(testing, ORIGIN, 't=y; '),
  { name: '@', type: 'TXT', value: `v=spf1 ip4:${CLIENT} -all` },
  { name: '_dmarc', type: 'TXT', value: 'v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.test' },
  { name: 'soft', type: 'TXT', value: 'v=spf1 ip4:192.0.2.99 ~all' },
  { name: 'neutral', type: 'TXT', value: 'v=spf1 ?all' },
  { name: 'inc', type: 'TXT', value: `v=spf1 include:_spf.provider.${ORIGIN} -all` },
  { name: 'redir', type: 'TXT', value: `v=spf1 redirect=_spf.provider.${ORIGIN}` },
  { name: '_spf.provider', type: 'TXT', value: 'v=spf1 ip4:198.51.100.0/24 ~all' },
  { name: 'loop', type: 'TXT', value: `v=spf1 include:l0.spf.${ORIGIN} -all` },
  ...includes,
  { name: 'l11.spf', type: 'TXT', value: 'v=spf1 -all' },
  { name: 'quar', type: 'TXT', value: `v=spf1 ip4:${CLIENT} -all` },
  { name: '_dmarc.quar', type: 'TXT', value: 'v=DMARC1; p=quarantine' },
  { name: 'mon', type: 'TXT', value: `v=spf1 ip4:${CLIENT} -all` },
  { name: '_dmarc.mon', type: 'TXT', value: 'v=DMARC1; p=none' },
  { name: 'strict', type: 'TXT', value: `v=spf1 ip4:${CLIENT} -all` },
  { name: '_dmarc.strict', type: 'TXT', value: 'v=DMARC1; p=reject; adkim=s; aspf=s' },
  { name: 'default._bimi', type: 'TXT', value: 'v=BIMI1; l=https://example.test/logo.svg; a=' },
];

const otherRecords: DnsRecord[] = [
  keyRecord(other, OTHER),
  keyRecord(forwarder, OTHER),
  keyRecord(forwarder2, OTHER),
  { name: '@', type: 'TXT', value: `v=spf1 ip4:203.0.113.5 -all` },
];

let dns: DnsServer;

before(async () => {
  dns = await startDnsServer([
    { origin: ORIGIN, records },
    { origin: OTHER, records: otherRecords },
  ]);
});

after(async () => {
  await dns?.stop();
});

function check(raw: Buffer, trustedReceivers: string[] = ['receiver.test']): Promise<AuthReport> {
  return checkAuthentication(raw, { dns: new DnsCache(createDnsResolver([dns.address])), dnsServers: [dns.address], trustedReceivers });
}

function plain(from = `Alice <alice@${ORIGIN}>`, returnPath = `bounce@${ORIGIN}`, ip = CLIENT): Buffer {
  return testMessage({ from, returnPath, received: [received(ip)] });
}

describe('DKIM', () => {
  for (const [name, key] of [
    ['RSA-SHA256', rsa],
    ['Ed25519', ed],
  ] as const) {
    for (const canonicalization of ['relaxed/relaxed', 'simple/simple']) {
      test(`${name} ${canonicalization}: pass, with the key record and its size`, async () => {
        const report = await check(await signMessage(plain(), key, { canonicalization }));
        assert.equal(report.dkim.length, 1);
        const sig = report.dkim[0];
        assert.equal(sig.result, 'pass', sig.why);
        assert.equal(sig.domain, ORIGIN);
        assert.equal(sig.selector, key.selector);
        assert.equal(sig.algorithm, key.algorithm);
        assert.equal(sig.canonicalization, canonicalization);
        assert.ok(sig.signedHeaders.map((h) => h.toLowerCase()).includes('from'));
        assert.equal(sig.bodyHash.matches, true);
        assert.equal(sig.key?.bits, key === rsa ? 2048 : 256);
        assert.equal(sig.key?.keyType, key === rsa ? 'rsa' : 'ed25519');
        assert.equal(sig.alignedWithFrom, true);
        assert.ok(report.dns.some((q) => q.check === 'DKIM' && q.name === `${key.selector}._domainkey.${ORIGIN}` && q.answers[0] === key.record), 'the key lookup is listed with its answer');
      });
    }
  }

  test('one body byte changed: fail, "body modified"', async () => {
    const signed = await signMessage(plain(), rsa, { canonicalization: 'simple/simple' });
    const sig = (await check(tamper(signed, 'this message is signed', 'this message is signeD'))).dkim[0];
    assert.notEqual(sig.result, 'pass');
    assert.equal(sig.bodyHash.matches, false);
    assert.match(sig.why ?? '', /^Body modified/);
  });

  test('one signed header changed: fail, "header changed"', async () => {
    const signed = await signMessage(plain(), ed, { canonicalization: 'relaxed/relaxed' });
    const sig = (await check(tamper(signed, 'Subject: Signed test message', 'Subject: Signed test messagE'))).dkim[0];
    assert.equal(sig.result, 'fail');
    assert.equal(sig.bodyHash.matches, true);
    assert.match(sig.why ?? '', /^Header changed/);
  });

  test('key record missing: "key not found", and the lookup is listed as no such record', async () => {
    const report = await check(await signMessage(plain(), missing));
    assert.notEqual(report.dkim[0].result, 'pass');
    assert.match(report.dkim[0].why ?? '', /^Key not found: there is no TXT record at nokey\._domainkey\.example\.test/);
    assert.ok(report.dns.some((q) => q.name === `nokey._domainkey.${ORIGIN}` && q.noRecord));
    assert.deepEqual(report.notRun, [], 'a missing record is an answer, not a failure to check');
  });

  test('key revoked (empty p=): "key revoked"', async () => {
    const sig = (await check(await signMessage(plain(), revoked))).dkim[0];
    assert.notEqual(sig.result, 'pass');
    assert.equal(sig.key?.revoked, true);
    assert.match(sig.why ?? '', /^Key revoked/);
  });

  test('testing mode (t=y): passes, and the report says the domain is testing', async () => {
    const report = await check(await signMessage(plain(), testing));
    assert.equal(report.dkim[0].result, 'pass');
    assert.equal(report.dkim[0].key?.testing, true);
    assert.match(report.dkim[0].why ?? '', /testing DKIM \(t=y/);
    assert.match(authMarkdown('t', report), /\*\*testing\*\* \(t=y\)/);
  });

  test('expired x=: not a pass, "expired"', async () => {
    const signTime = new Date('2026-01-01T00:00:00Z');
    const sig = (await check(await signMessage(plain(), rsa, { signTime, expires: new Date('2026-01-02T00:00:00Z') }))).dkim[0];
    assert.notEqual(sig.result, 'pass');
    assert.match(sig.why ?? '', /^Expired/);
  });
});

describe('SPF', () => {
  const spfOf = async (returnPath: string, ip: string): Promise<AuthReport['spf']> => (await check(plain(`Alice <alice@${ORIGIN}>`, returnPath, ip))).spf;

  test('pass: the client from the trusted Received field, with the record and why that field', async () => {
    const spf = await spfOf(`bounce@${ORIGIN}`, CLIENT);
    assert.equal(spf.result, 'pass');
    assert.equal(spf.client.ip, CLIENT);
    assert.equal(spf.client.helo, 'mail.example.test');
    assert.match(spf.client.why, /Received field #1 .* trusted receiving host mx\.receiver\.test/);
    assert.deepEqual(spf.chain, [{ name: ORIGIN, record: `v=spf1 ip4:${CLIENT} -all` }]);
  });

  test('fail, softfail, neutral', async () => {
    assert.equal((await spfOf(`bounce@${ORIGIN}`, '192.0.2.66')).result, 'fail');
    assert.equal((await spfOf(`bounce@soft.${ORIGIN}`, CLIENT)).result, 'softfail');
    assert.equal((await spfOf(`bounce@neutral.${ORIGIN}`, CLIENT)).result, 'neutral');
  });

  test('include: and redirect= chains are followed, each record listed in order', async () => {
    const inc = await spfOf(`bounce@inc.${ORIGIN}`, '198.51.100.7');
    assert.equal(inc.result, 'pass');
    assert.deepEqual(
      inc.chain.map((c) => c.name),
      [`inc.${ORIGIN}`, `_spf.provider.${ORIGIN}`],
    );
    const redir = await spfOf(`bounce@redir.${ORIGIN}`, '203.0.113.1');
    assert.equal(redir.result, 'softfail', 'the redirect target ends in ~all');
    assert.deepEqual(
      redir.chain.map((c) => c.name),
      [`redir.${ORIGIN}`, `_spf.provider.${ORIGIN}`],
    );
  });

  test('permerror: more than 10 DNS lookups', async () => {
    const spf = await spfOf(`bounce@loop.${ORIGIN}`, CLIENT);
    assert.equal(spf.result, 'permerror');
    assert.match(spf.comment ?? '', /Too many DNS requests/);
  });

  test('the client comes from the trusted field, not from a forged one below it', async () => {
    const raw = testMessage({ from: `alice@${ORIGIN}`, returnPath: `bounce@${ORIGIN}`, received: [received('192.0.2.66', 'evil.test'), received(CLIENT)] });
    const spf = (await check(raw)).spf;
    assert.equal(spf.client.ip, '192.0.2.66', 'the topmost field written by the trusted host');
    assert.equal(spf.result, 'fail');
    const untrusted = (await check(raw, ['nobody.test'])).spf;
    assert.equal(untrusted.result, undefined);
    assert.match(untrusted.client.why, /not a trusted receiving host/);
  });
});

describe('DMARC', () => {
  test('aligned From, p=reject: pass, no policy applies', async () => {
    const report = await check(await signMessage(plain(), rsa));
    assert.equal(report.dmarc.result, 'pass');
    assert.equal(report.dmarc.p, 'reject');
    assert.equal(report.dmarc.dkim.aligned, ORIGIN);
    assert.equal(report.dmarc.spf.aligned, ORIGIN);
    assert.match(report.dmarc.disposition ?? '', /passes DMARC/);
  });

  test('unaligned From (signed and sent by another domain), p=reject: fail, rejected', async () => {
    const raw = await signMessage(plain(`alice@${ORIGIN}`, `bounce@${OTHER}`, '203.0.113.5'), other);
    const report = await check(raw);
    assert.equal(report.dkim[0].result, 'pass');
    assert.equal(report.spf.result, 'pass');
    assert.equal(report.dmarc.result, 'fail');
    assert.equal(report.dmarc.dkim.aligned, undefined);
    assert.deepEqual(report.dmarc.dkim.domains, [OTHER]);
    assert.match(report.dmarc.disposition ?? '', /^p=reject: a receiver following the policy rejects/);
  });

  test('p=quarantine and p=none', async () => {
    const quar = await check(plain(`alice@quar.${ORIGIN}`, `b@${OTHER}`, '203.0.113.9'));
    assert.equal(quar.dmarc.result, 'fail');
    assert.match(quar.dmarc.disposition ?? '', /^p=quarantine/);
    const mon = await check(plain(`alice@mon.${ORIGIN}`, `b@${OTHER}`, '203.0.113.9'));
    assert.equal(mon.dmarc.result, 'fail');
    assert.match(mon.dmarc.disposition ?? '', /^p=none: the domain only monitors/);
  });

  test('subdomain without its own record: the organisational record applies with its sp=', async () => {
    const report = await check(plain(`alice@news.${ORIGIN}`, `b@${OTHER}`, '203.0.113.9'));
    assert.equal(report.dmarc.result, 'fail');
    assert.equal(report.dmarc.orgRecord, true);
    assert.equal(report.dmarc.organisationalDomain, ORIGIN);
    assert.match(report.dmarc.disposition ?? '', /^p=quarantine.*\(sp=quarantine: the subdomain policy/);
  });

  test('strict alignment (adkim=s, aspf=s): a parent-domain signature does not align', async () => {
    const raw = await signMessage(plain(`alice@strict.${ORIGIN}`, `bounce@${ORIGIN}`), rsa);
    const report = await check(raw);
    assert.equal(report.dkim[0].result, 'pass');
    assert.equal(report.dmarc.dkim.mode, 'strict');
    assert.equal(report.dmarc.dkim.aligned, undefined);
    assert.equal(report.dmarc.result, 'fail');
  });

  test('BIMI record is shown when published', async () => {
    const report = await check(await signMessage(plain(), rsa));
    assert.match(report.bimi.record ?? '', /^v=BIMI1; l=https:\/\/example\.test\/logo\.svg/);
  });
});

describe('ARC', () => {
  const twoHops = async (): Promise<Buffer> => {
    const signed = await signMessage(plain(), rsa);
    const hop1 = await arcSealMessage(signed, forwarder, `fwd.${OTHER}; dkim=pass header.d=${ORIGIN}; spf=pass smtp.mailfrom=${ORIGIN}`, 'none');
    return arcSealMessage(hop1, forwarder2, `lists.${OTHER}; arc=pass; dkim=pass header.d=${ORIGIN}`, 'pass');
  };

  test('a two-hop sealed chain passes, each instance listed', async () => {
    const report = await check(await twoHops());
    assert.equal(report.arc.result, 'pass', report.arc.why);
    assert.deepEqual(
      report.arc.instances.map((i) => [i.instance, i.seal.domain, i.seal.cv]),
      [
        [1, `fwd.${OTHER}`, 'none'],
        [2, `lists.${OTHER}`, 'pass'],
      ],
    );
    assert.equal(report.arc.instances[1].messageSignature.result, 'pass');
    assert.match(report.arc.instances[0].authenticationResults, /dkim=pass header\.d=example\.test/);
    assert.ok(report.dns.some((q) => q.check === 'ARC' && q.name === `arc._domainkey.fwd.${OTHER}`));
  });

  test('a broken seal fails', async () => {
    const raw = await twoHops();
    // The first set's Authentication-Results is covered by both seals: change it and the chain breaks.
    const report = await check(tamper(raw, `fwd.${OTHER}; dkim=pass`, `fwd.${OTHER}; dkim=fail`));
    assert.equal(report.arc.result, 'fail');
    assert.match(report.arc.why ?? '', /seal|signature/i);
  });
});

describe("the receiving server's Authentication-Results", () => {
  test('set beside ours; a disagreement is highlighted', async () => {
    const signed = await signMessage(plain(), rsa);
    const ar = `Authentication-Results: mx.receiver.test; dkim=fail (bad signature) header.d=${ORIGIN} header.s=rsa2026; spf=pass smtp.mailfrom=${ORIGIN}; dmarc=pass header.from=${ORIGIN}`;
    const report = await check(Buffer.concat([Buffer.from(`${ar}\r\n`), signed]));
    assert.equal(report.server.fields.length, 1);
    assert.equal(report.server.fields[0].authservId, 'mx.receiver.test');
    const dkim = report.server.comparisons.find((c) => c.method === 'dkim');
    assert.deepEqual([dkim?.ours, dkim?.theirs, dkim?.agree], ['pass', 'fail', false]);
    assert.equal(report.server.comparisons.find((c) => c.method === 'spf')?.agree, true);
    const md = authMarkdown('Signed test message', report);
    assert.match(md, /\| dkim \| `header\.d=example\.test header\.s=rsa2026` \| pass \| fail \| ⚠ \*\*disagree\*\* \|/);
    assert.match(md, /\| DKIM \| \*\*pass\*\* \(d=example\.test\) \| fail ⚠ \*\*disagrees\*\* \|/);
  });
});

describe('DNS server stopped', () => {
  test('the report names the checks that could not run, within the timeout, and keeps what needs no DNS', async () => {
    const raw = await signMessage(plain(), rsa);
    const cache = new DnsCache(createDnsResolver([dns.address]));
    await dns.halt();
    try {
      const started = Date.now();
      const report = await checkAuthentication(raw, { dns: cache, dnsServers: [dns.address], trustedReceivers: ['receiver.test'] });
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
      assert.deepEqual(
        report.notRun.map((n) => n.check),
        ['DKIM', 'SPF', 'DMARC', 'BIMI'],
      );
      assert.match(report.notRun[0].why, /DNS lookup of rsa2026\._domainkey\.example\.test \(TXT\) failed: .*\(ECONNREFUSED|ETIMEOUT\)/);
      assert.equal(report.dkim[0].result, 'temperror');
      assert.equal(report.dkim[0].bodyHash.matches, true, 'the body hash needs no DNS');
      assert.deepEqual(report.dkim[0].signedHeaders.length > 0, true);
      const md = authMarkdown('x', report);
      assert.match(md, /## Checks that could not run/);
      assert.match(md, /- \*\*SPF\*\*: DNS lookup of example\.test \(TXT\) failed/);
    } finally {
      await dns.startAgain();
    }
    // Failures are not cached: the same session checks fully once DNS is back.
    const again = await checkAuthentication(raw, { dns: cache, dnsServers: [dns.address], trustedReceivers: ['receiver.test'] });
    assert.deepEqual(again.notRun, []);
    assert.equal(again.dkim[0].result, 'pass');
  });
});

describe("the demo's signed sample", () => {
  test('passes DKIM, SPF and DMARC against its own DNS server, and agrees with its Authentication-Results', async () => {
    const demo = await startDemoAuth();
    try {
      const settings = demo.settings;
      const report = await checkAuthentication(demo.message, {
        dns: new DnsCache(createDnsResolver(settings['mailInspector.auth.dnsServers'])),
        dnsServers: settings['mailInspector.auth.dnsServers'],
        trustedReceivers: settings['mailInspector.auth.trustedReceivers'],
      });
      assert.deepEqual([report.dkim[0]?.result, report.spf.result, report.dmarc.result], ['pass', 'pass', 'pass']);
      assert.ok(report.server.comparisons.length === 3 && report.server.comparisons.every((c) => c.agree));
    } finally {
      await demo.dns.stop();
    }
  });
});
