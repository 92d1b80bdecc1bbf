import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { parseAuthenticationResults } from '../../src/core/auth/authenticationResults';
import { connectingClient } from '../../src/core/auth/connectingClient';
import { deceptiveLinks } from '../../src/core/auth/deceptiveLinks';
import { parseKeyRecord, parseSignatureTags } from '../../src/core/auth/dkimTags';
import { DnsCache, DnsRecorder } from '../../src/core/auth/dnsLookups';
import { checkListUnsubscribe } from '../../src/core/auth/listUnsubscribe';
import { attachmentChecksums } from '../../src/core/auth/partChecksums';
import { parseMessageHeaders } from '../../src/core/mime/headers';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { receivedChain } from '../../src/core/mime/receivedChain';

// The parts of "Check Authentication" that need no DNS: header parsing, the choice of the client address,
// RFC 8058, deceptive links, attachment checksums, and the DNS cache's rules.

describe('Authentication-Results', () => {
  test('authserv-id, methods, results, reasons, properties and comments', () => {
    const f = parseAuthenticationResults(
      'mx.example.net 1; dkim=pass (2048-bit key; unprotected) header.d=example.com header.s=sel header.b="AbCd1234"; spf=softfail (domain of transitioning x) smtp.mailfrom=bounce@example.com; dmarc=fail reason="not aligned" header.from=example.com',
      0,
    );
    assert.equal(f.authservId, 'mx.example.net');
    assert.deepEqual(
      f.entries.map((e) => [e.method, e.result]),
      [
        ['dkim', 'pass'],
        ['spf', 'softfail'],
        ['dmarc', 'fail'],
      ],
    );
    assert.equal(f.entries[0].properties['header.b'], 'AbCd1234');
    assert.equal(f.entries[0].comment, '2048-bit key; unprotected');
    assert.equal(f.entries[2].reason, 'not aligned');
  });

  test('"none" has no entries; ARC-Authentication-Results carries its instance', () => {
    assert.deepEqual(parseAuthenticationResults('mx.example.net; none', 0).entries, []);
    const arc = parseAuthenticationResults('i=2; lists.example.org; arc=pass; dkim=pass header.d=example.com', 0);
    assert.equal(arc.instance, 2);
    assert.equal(arc.authservId, 'lists.example.org');
    assert.deepEqual(arc.entries.map((e) => e.method), ['arc', 'dkim']);
  });
});

describe('the connecting client', () => {
  const hops = (raw: string) => receivedChain(parseMessageHeaders(Buffer.from(`${raw}\r\n\r\nbody`)).fields);
  const chain = hops(
    [
      'Received: from relay.corp.example (relay.corp.example [10.0.0.5]) by mx2.corp.example; Mon, 1 Jun 2026 10:00:03 +0000',
      'Received: from mail.sender.test (mail.sender.test [192.0.2.10]) by relay.corp.example; Mon, 1 Jun 2026 10:00:02 +0000',
      'Received: from forged.test ([203.0.113.66]) by mail.sender.test; Mon, 1 Jun 2026 10:00:01 +0000',
    ].join('\r\n'),
  );

  test('trusted hosts: hops between them are skipped; the first outside client is used', () => {
    const c = connectingClient(chain, ['corp.example']);
    assert.equal(c.ip, '192.0.2.10');
    assert.equal(c.helo, 'mail.sender.test');
    assert.equal(c.fieldIndex, 1);
    assert.match(c.why, /Received field #2 .*trusted receiving host relay\.corp\.example/);
  });

  test('no trusted hosts: the topmost field with an address, and the report says so', () => {
    const c = connectingClient(chain, []);
    assert.equal(c.ip, '10.0.0.5');
    assert.match(c.why, /no trusted receiving hosts are set/);
  });

  test('a topmost field by an untrusted host: SPF cannot be checked', () => {
    const c = connectingClient(chain, ['elsewhere.example']);
    assert.equal(c.ip, undefined);
    assert.match(c.why, /not a trusted receiving host/);
  });
});

describe('DKIM tags', () => {
  test('signature tags: c= defaults, dates, l=', () => {
    const t = parseSignatureTags('v=1; a=rsa-sha256; c=relaxed; d=example.com; s=sel; t=1700000000; x=1700086400; l=12; h=From : To:Subject; bh=abc; b=AB CD\r\n EF');
    assert.equal(t.canonicalization, 'relaxed/simple');
    assert.deepEqual(t.signedHeaders, ['From', 'To', 'Subject']);
    assert.equal(t.expiresAt?.toISOString(), '2023-11-15T22:13:20.000Z');
    assert.equal(t.bodyLength, 12);
    assert.equal(t.signature, 'ABCDEF');
  });

  test('key record flags: testing, strict, revoked', () => {
    assert.deepEqual([parseKeyRecord('v=DKIM1; t=y:s; p=AAAA').testing, parseKeyRecord('v=DKIM1; t=y:s; p=AAAA').strictSubdomains], [true, true]);
    assert.equal(parseKeyRecord('v=DKIM1; k=rsa; p=').revoked, true);
    assert.equal(parseKeyRecord('v=DKIM1; k=ed25519; p=AAAA').keyType, 'ed25519');
  });
});

describe('List-Unsubscribe (RFC 8058)', () => {
  const fields = (...lines: string[]) => parseMessageHeaders(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`)).fields;

  test('one-click: HTTPS URI, the exact Post value, both fields signed', () => {
    const f = fields('List-Unsubscribe: <mailto:u@example.com>, <https://example.com/u?id=1>', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const ok = checkListUnsubscribe(f, [{ domain: 'example.com', headers: ['from', 'list-unsubscribe', 'list-unsubscribe-post'] }]);
    assert.equal(ok.oneClick, true);
    assert.deepEqual(ok.uris, ['mailto:u@example.com', 'https://example.com/u?id=1']);
    const unsigned = checkListUnsubscribe(f, [{ domain: 'example.com', headers: ['from', 'list-unsubscribe'] }]);
    assert.equal(unsigned.oneClick, false);
    assert.ok(unsigned.findings.some((x) => !x.ok && /No valid DKIM signature covers/.test(x.text)));
  });

  test('http only and no Post field: not one-click, each reason said', () => {
    const c = checkListUnsubscribe(fields('List-Unsubscribe: <http://example.com/u>'), []);
    assert.equal(c.oneClick, false);
    assert.ok(c.findings.some((x) => /No HTTPS URI/.test(x.text)));
    assert.ok(c.findings.some((x) => /No List-Unsubscribe-Post field/.test(x.text)));
  });
});

describe('deceptive links', () => {
  test('text showing one domain and a target on another is listed; same site and plain words are not', () => {
    const html = [
      '<a href="https://bank.example.attacker.test/login">https://www.bank.example/login</a>',
      '<a href="https://www.shop.example/a">shop.example</a>',
      '<a href="https://tracker.test/x">Click here</a>',
      '<a href="mailto:x@y.test">y.test</a>',
    ].join('');
    const found = deceptiveLinks(html, '1');
    assert.deepEqual(
      found.map((l) => [l.shownHost, l.targetHost]),
      [['www.bank.example', 'bank.example.attacker.test']],
    );
  });
});

describe('attachment checksums', () => {
  test('SHA-256 and MD5 of the decoded bytes', async () => {
    const content = Buffer.from('hello attachment\n');
    const raw = Buffer.from(
      [
        'From: a@example.com',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'text',
        '--b',
        'Content-Type: application/octet-stream; name="a.bin"',
        'Content-Disposition: attachment; filename="a.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        content.toString('base64'),
        '--b--',
        '',
      ].join('\r\n'),
    );
    const sums = attachmentChecksums(raw, await partTreeFromRaw(raw));
    assert.equal(sums.length, 1);
    assert.equal(sums[0].fileName, 'a.bin');
    assert.equal(sums[0].size, content.length);
    assert.equal(sums[0].sha256, createHash('sha256').update(content).digest('hex'));
    assert.equal(sums[0].md5, createHash('md5').update(content).digest('hex'));
  });
});

describe('DNS cache', () => {
  test('answers are cached for the session, failures are asked again; every query is listed', async () => {
    let asked = 0;
    let down = true;
    const cache = new DnsCache({
      resolve: async (name) => {
        asked++;
        if (name === 'gone.test') throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
        if (down && name === 'flaky.test') throw Object.assign(new Error('refused'), { code: 'ESERVFAIL' });
        return [['v=spf1 -all']];
      },
    });
    const first = new DnsRecorder(cache);
    const spf = first.resolverFor('SPF');
    assert.deepEqual(await spf('a.test', 'TXT'), [['v=spf1 -all']]);
    await assert.rejects(spf('gone.test', 'TXT'), { code: 'ENOTFOUND' });
    await assert.rejects(spf('flaky.test', 'TXT'), { code: 'ESERVFAIL' });
    const second = new DnsRecorder(cache);
    const again = second.resolverFor('DKIM');
    await again('a.test', 'TXT');
    await assert.rejects(again('gone.test', 'TXT'), { code: 'ENOTFOUND' });
    down = false;
    await again('flaky.test', 'TXT');
    assert.equal(asked, 4, 'a.test and gone.test once each, flaky.test twice');
    assert.deepEqual(
      second.queries.map((q) => [q.name, q.cached, q.noRecord]),
      [
        ['a.test', true, false],
        ['gone.test', true, true],
        ['flaky.test', false, false],
      ],
    );
    assert.equal(first.failureOf('SPF')?.failure?.code, 'ESERVFAIL');
  });
});
