import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { parseHeaderBlock } from '../../src/core/mime/headers';
import { checkLocalCriteria, LocalMessage, matchLocal } from '../../src/core/search/localMatch';
import { criteria as c } from '../../src/core/search/searchCriteria';

const header = parseHeaderBlock(
  Buffer.from(
    [
      'From: =?UTF-8?Q?Bob_M=C3=BCller?= <bob@example.org>',
      'To: Alice <alice@example.com>',
      'Subject: =?UTF-8?Q?Pr=C3=BCfung?= of the invoice',
      'Date: Thu, 02 Apr 2026 00:30:00 +0200',
      'X-Mailer: Mutt/2.2',
      '',
      '',
    ].join('\r\n'),
  ),
);
const withoutBody: LocalMessage = { header, size: 1200 };
const withBody: LocalMessage = { header, size: 1200, bodyText: 'Viele Grüße aus Köln' };

test('header fields match case-insensitively inside the decoded value, as IMAP servers search', () => {
  assert.equal(matchLocal(c.text('from', 'MÜLLER'), withoutBody), true);
  assert.equal(matchLocal(c.text('from', 'bob@example.org'), withoutBody), true);
  assert.equal(matchLocal(c.text('to', 'bob'), withoutBody), false);
  assert.equal(matchLocal(c.text('subject', 'prüfung OF'), withoutBody), true);
  assert.equal(matchLocal(c.header('x-mailer', 'mutt'), withoutBody), true);
  assert.equal(matchLocal(c.header('List-Id', ''), withoutBody), false);
  assert.equal(matchLocal(c.header('X-Mailer', ''), withoutBody), true);
  assert.equal(matchLocal(c.size('larger', 1199), withoutBody), true);
  assert.equal(matchLocal(c.size('smaller', 1200), withoutBody), false);
});

test('sent dates compare the Date header\'s own calendar day, time and zone disregarded', () => {
  // 00:30 +0200 on 2 April is still 1 April in UTC: IMAP's SENTON looks at the day as written.
  assert.equal(matchLocal(c.date('sentOn', '2026-04-02'), withoutBody), true);
  assert.equal(matchLocal(c.date('sentOn', '2026-04-01'), withoutBody), false);
  assert.equal(matchLocal(c.date('sentSince', '2026-04-02'), withoutBody), true);
  assert.equal(matchLocal(c.date('sentBefore', '2026-04-02'), withoutBody), false);
  assert.equal(matchLocal(c.date('sentBefore', '2026-04-03'), withoutBody), true);
});

test('a body term is undecided until the body is there, unless the rest of the criteria decide', () => {
  assert.equal(matchLocal(c.text('body', 'grüße'), withoutBody), undefined);
  assert.equal(matchLocal(c.text('body', 'grüße'), withBody), true);
  assert.equal(matchLocal(c.and(c.text('subject', 'invoice'), c.text('body', 'x')), withoutBody), undefined);
  assert.equal(matchLocal(c.and(c.text('subject', 'nothing'), c.text('body', 'x')), withoutBody), false);
  assert.equal(matchLocal(c.or(c.text('subject', 'invoice'), c.text('body', 'x')), withoutBody), true);
  assert.equal(matchLocal(c.not(c.text('body', 'x')), withoutBody), undefined);
  assert.equal(matchLocal(c.not(c.text('body', 'x')), withBody), true);
  // TEXT matches in the header without the body, and needs the body otherwise.
  assert.equal(matchLocal(c.text('text', 'mutt'), withoutBody), true);
  assert.equal(matchLocal(c.text('text', 'köln'), withoutBody), undefined);
  assert.equal(matchLocal(c.text('text', 'köln'), withBody), true);
});

test('flags, keywords, UIDs and arrival dates are refused for POP3, sent dates are not', () => {
  for (const criterion of [c.flag('seen'), c.keyword('$X'), c.uid([[1, 2]]), c.date('since', '2026-01-01'), c.not(c.or(c.text('from', 'a'), c.flag('draft')))]) {
    assert.throws(() => checkLocalCriteria(criterion), (e: unknown) => MailError.is(e, 'unsupported'), JSON.stringify(criterion));
  }
  checkLocalCriteria(c.and(c.date('sentSince', '2026-01-01'), c.text('body', 'x'), c.size('larger', 3)));
});
