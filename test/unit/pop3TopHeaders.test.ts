import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseTopHeaders } from '../../src/core/pop3/topHeaders';

test('TOP n 0 header: folded lines, RFC 2047 in several charsets, addresses and date', async () => {
  const header = Buffer.from(
    [
      'Return-Path: <j@example.org>',
      'From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <j@example.org>',
      'To: a@example.com, "X, Y" <x@example.net>,',
      ' =?ISO-8859-1?Q?Ren=E9?= <r@example.fr>',
      'Subject: =?ISO-8859-1?Q?Caf=E9?= au',
      ' lait =?UTF-8?B?4pyT?=',
      'Date: Tue, 1 Jul 2025 10:00:00 +0200',
      'Message-ID: <abc@example.org>',
      '',
      '',
    ].join('\r\n'),
  );
  const h = await parseTopHeaders(header);
  assert.equal(h.subject, 'Café au lait ✓');
  assert.deepEqual(h.from, [{ name: 'Jürgen Müller', address: 'j@example.org' }]);
  assert.deepEqual(h.to, [
    { name: '', address: 'a@example.com' },
    { name: 'X, Y', address: 'x@example.net' },
    { name: 'René', address: 'r@example.fr' },
  ]);
  assert.equal(h.date?.toISOString(), '2025-07-01T08:00:00.000Z');
  assert.equal(h.messageId, '<abc@example.org>');
});

test('group syntax becomes its members; missing or broken fields stay empty', async () => {
  const h = await parseTopHeaders(Buffer.from('To: team: a@x.example, b@y.example;\r\nDate: not a date\r\n\r\n'));
  assert.deepEqual(h.to.map((a) => a.address), ['a@x.example', 'b@y.example']);
  assert.equal(h.subject, '');
  assert.deepEqual(h.from, []);
  assert.equal(h.date, undefined);
  assert.equal(h.messageId, undefined);
});

test('a header over the limits is read as far as the limits go, with a notice instead of an error', () => {
  const filler = Array.from({ length: 50 }, (_, i) => `X-Filler-${i}: ${'f'.repeat(60)}`);
  const header = Buffer.from(['From: first@example.com', 'Subject: =?UTF-8?B?4pyT?= early', ...filler, 'Date: Tue, 1 Jul 2025 10:00:00 +0200', '', ''].join('\r\n'));
  const h = parseTopHeaders(header, { maxFields: 1000, maxBytes: 1024 });
  assert.equal(h.subject, '✓ early');
  assert.deepEqual(h.from, [{ name: '', address: 'first@example.com' }]);
  assert.equal(h.date, undefined, 'Date comes after the limit');
  assert.match(h.notice ?? '', /^its header is 3\.\d KiB in 53 fields, over the limit of 1\.0 KiB or 1,000 fields, so the list shows what the first 1\d fields say \(no date among them\)\.$/);
  assert.equal(parseTopHeaders(Buffer.from('Subject: small\r\n\r\n')).notice, undefined);
});
