import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseMessageHeaders } from '../../src/core/mime/headers';
import { parseReceived, receivedChain } from '../../src/core/mime/receivedChain';
import { readFixture } from '../fixtures/expectations';

describe('header model', () => {
  const model = parseMessageHeaders(readFixture('headers.eml'));

  test('every field in order, raw kept, unfolded, encoded words decoded', () => {
    assert.deepEqual(model.fields.map((f) => f.name), ['Return-Path', 'Received', 'Received', 'Received', 'From', 'To', 'Subject', 'Date', 'X-Raw-8bit', 'Content-Type']);
    assert.equal(model.totalFields, 10);
    assert.equal(model.truncated, undefined);
    const subject = model.fields[6];
    assert.equal(subject.raw, 'Subject: A folded\r\n  subject with =?UTF-8?B?w6luY29kZWQ=?= words');
    assert.equal(subject.value, 'A folded  subject with =?UTF-8?B?w6luY29kZWQ=?= words');
    assert.equal(subject.decoded, 'A folded  subject with éncoded words');
    assert.equal(model.fields[8].decoded, 'café', '8-bit Latin-1 kept readable');
    assert.equal(model.fields[7].date?.toISOString(), '2026-03-11T10:00:00.000Z');
  });

  test('addresses parsed, names decoded, groups kept', () => {
    assert.deepEqual(model.fields[4].addresses, [{ name: 'Renée', address: 'renee@example.com' }]);
    assert.deepEqual(model.fields[5].addresses, [
      { name: '', address: 'bob@example.net', group: 'Team' },
      { name: 'Carol, C.', address: 'carol@example.com', group: 'Team' },
      { name: '', address: 'dave@example.com' },
    ]);
    assert.deepEqual(model.fields[0].addresses, [{ name: '', address: 'sender@example.com' }]);
    assert.equal(model.fields[6].addresses, undefined);
  });

  test('a field limit cuts the list and says so', () => {
    const cut = parseMessageHeaders(readFixture('headers.eml'), { maxFields: 3, maxBytes: 1 << 20 });
    assert.equal(cut.fields.length, 3);
    assert.deepEqual({ shown: cut.truncated?.shown, total: cut.truncated?.total }, { shown: 3, total: 10 });
    assert.equal(cut.truncated?.message, 'Showing 3 of 10 header fields: the limit is 3 fields.');
  });
});

describe('Received chain', () => {
  test('hops oldest first with from, by, with, id, for, time and delays', () => {
    const hops = receivedChain(parseMessageHeaders(readFixture('headers.eml')).fields);
    assert.deepEqual(
      hops.map((h) => ({ from: h.from, by: h.by, with: h.with, id: h.id, for: h.for, time: h.time?.toISOString(), delayMs: h.delayMs, fieldIndex: h.fieldIndex })),
      [
        { from: '[203.0.113.5] (helo=laptop)', by: 'relay.example.net', with: 'esmtpsa (TLS1.3)', id: '1xYz', for: undefined, time: '2026-03-11T10:00:00.000Z', delayMs: undefined, fieldIndex: 2 },
        { from: 'relay.example.net (relay.example.net [198.51.100.7])', by: 'mx.example.org (Postfix)', with: 'ESMTPS', id: '4F2A1', for: '<alice@example.org>', time: '2026-03-11T10:00:05.000Z', delayMs: 5000, fieldIndex: 1 },
        { from: 'mx.example.org (mx.example.org [192.0.2.10])', by: 'imap.example.org (Dovecot)', with: 'LMTP', id: 'abc123', for: '<alice@example.org>', time: '2026-03-11T10:00:07.000Z', delayMs: 2000, fieldIndex: 0 },
      ],
    );
  });

  test('odd Received values: no date, comments with keywords, unreadable date', () => {
    assert.deepEqual(parseReceived('by local (comment with from and ; inside)'), { from: undefined, by: 'local (comment with from and ; inside)', with: undefined, id: undefined, for: undefined, via: undefined, time: undefined });
    assert.equal(parseReceived('from a by b; not a date').time, undefined);
    assert.equal(receivedChain([]).length, 0);
  });
});
