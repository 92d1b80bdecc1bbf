import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import compiler from 'imapflow/lib/handler/imap-compiler';
import type { ImapCompileInput } from 'imapflow/lib/handler/types';
import { MailError } from '../../src/core/errors';
import { ImapAttribute } from '../../src/core/imap/write/imapCommand';
import { criteriaText, queryText } from '../../src/core/search/criteriaText';
import { compileCriteria } from '../../src/core/search/imapCriteria';
import { commandText, searchProgram } from '../../src/core/search/imapSearch';
import { checkCriteria, criteria as c, imapDate, needsBody, SearchCriterion } from '../../src/core/search/searchCriteria';

/** The bytes imapflow's own compiler puts on the wire for these attributes (LITERAL+ as Dovecot offers it). */
function wire(attributes: ImapAttribute[]): string {
  return compiler({ tag: 'A1', command: 'UID SEARCH', attributes } as unknown as ImapCompileInput, { literalPlus: true }).toString('utf8');
}

const compiled = (criterion: SearchCriterion): string => wire(searchProgram({ kind: 'criteria', criteria: criterion }, false));

test('each field compiles to its IMAP SEARCH key, values quoted', () => {
  const cases: [SearchCriterion, string][] = [
    [c.all(), 'ALL'],
    [c.text('from', 'bob'), 'FROM "bob"'],
    [c.text('to', 'alice'), 'TO "alice"'],
    [c.text('cc', 'carol'), 'CC "carol"'],
    [c.text('bcc', 'dave'), 'BCC "dave"'],
    [c.text('subject', 'say "hi"'), 'SUBJECT "say \\"hi\\""'],
    [c.text('body', 'figures'), 'BODY "figures"'],
    [c.text('text', 'x'), 'TEXT "x"'],
    [c.header('X-Mailer', 'Mutt'), 'HEADER "X-Mailer" "Mutt"'],
    [c.header('List-Id', ''), 'HEADER "List-Id" ""'],
    [c.date('since', '2026-03-01'), 'SINCE 1-Mar-2026'],
    [c.date('before', '2026-12-31'), 'BEFORE 31-Dec-2026'],
    [c.date('on', '2026-02-28'), 'ON 28-Feb-2026'],
    [c.date('sentSince', '2025-01-09'), 'SENTSINCE 9-Jan-2025'],
    [c.date('sentBefore', '2025-01-09'), 'SENTBEFORE 9-Jan-2025'],
    [c.date('sentOn', '2025-01-09'), 'SENTON 9-Jan-2025'],
    [c.size('larger', 10240), 'LARGER 10240'],
    [c.size('smaller', 0), 'SMALLER 0'],
    [c.flag('seen'), 'SEEN'],
    [c.flag('seen', false), 'UNSEEN'],
    [c.flag('flagged', false), 'UNFLAGGED'],
    [c.flag('answered'), 'ANSWERED'],
    [c.flag('deleted', false), 'UNDELETED'],
    [c.flag('draft', false), 'UNDRAFT'],
    [c.keyword('$Invoice'), 'KEYWORD $Invoice'],
    [c.keyword('Work', false), 'UNKEYWORD Work'],
    [c.uid([[1, 5], [9, 9]]), 'UID 1:5,9'],
  ];
  for (const [criterion, keys] of cases) assert.equal(compiled(criterion), `A1 UID SEARCH ${keys}`, JSON.stringify(criterion));
});

test('AND, OR and NOT nest as IMAP needs: OR takes two keys, an AND operand goes in parentheses', () => {
  assert.equal(compiled(c.and(c.text('from', 'bob'), c.flag('seen', false))), 'A1 UID SEARCH FROM "bob" UNSEEN');
  assert.equal(compiled(c.or(c.text('from', 'bob'), c.text('from', 'carol'))), 'A1 UID SEARCH OR FROM "bob" FROM "carol"');
  assert.equal(compiled(c.or(c.flag('seen'), c.flag('flagged'), c.flag('draft'))), 'A1 UID SEARCH OR SEEN OR FLAGGED DRAFT');
  assert.equal(compiled(c.not(c.and(c.flag('seen'), c.flag('flagged')))), 'A1 UID SEARCH NOT (SEEN FLAGGED)');
  assert.equal(compiled(c.or(c.and(c.text('subject', 'a'), c.size('larger', 5)), c.not(c.keyword('X')))), 'A1 UID SEARCH OR (SUBJECT "a" LARGER 5) NOT KEYWORD X');
  assert.equal(compiled(c.and(c.and(c.flag('seen')))), 'A1 UID SEARCH SEEN');
  // Nested ANDs are flattened: imapflow's compiler would write ((SEEN FLAGGED)(DRAFT ANSWERED)) without the space IMAP needs.
  assert.equal(compiled(c.not(c.and(c.and(c.flag('seen'), c.flag('flagged')), c.and(c.flag('draft'), c.flag('answered'))))), 'A1 UID SEARCH NOT (SEEN FLAGGED DRAFT ANSWERED)');
});

test('non-ASCII values go as UTF-8 literals behind CHARSET UTF-8, or plainly once UTF8=ACCEPT is enabled', () => {
  const criterion = c.text('subject', 'Prüfung');
  assert.equal(compileCriteria(criterion).nonAscii, true);
  assert.equal(wire(searchProgram({ kind: 'criteria', criteria: criterion }, false)), 'A1 UID SEARCH CHARSET UTF-8 SUBJECT {8+}\r\nPrüfung');
  assert.equal(wire(searchProgram({ kind: 'criteria', criteria: criterion }, true)), 'A1 UID SEARCH SUBJECT {8+}\r\nPrüfung');
  assert.equal(compileCriteria(c.text('subject', 'plain')).nonAscii, false);
  assert.equal(commandText(searchProgram({ kind: 'criteria', criteria: criterion }, false)), 'CHARSET UTF-8 SUBJECT {8}Prüfung');
});

test('criteria that cannot be sent are refused in plain words, before compiling', () => {
  const refused: [SearchCriterion, RegExp][] = [
    [c.text('subject', 'a\r\nA2 DELETE INBOX'), /line break or NUL/],
    [c.text('from', 'x\0'), /line break or NUL/],
    [c.text('body', ''), /Type something to search for in body/],
    [c.header('Bad Name', 'x'), /not a header field name/],
    [c.header('X-A', 'a\nb'), /line break/],
    [c.date('since', '2026-02-30'), /not a date/],
    [c.date('on', '1.3.2026'), /YYYY-MM-DD/],
    [c.size('larger', 1.5), /whole number of bytes/],
    [c.size('smaller', -1), /whole number of bytes/],
    [c.keyword('two words'), /not a keyword/],
    [c.keyword('\\Seen'), /not a keyword/],
    [c.uid([]), /at least one UID/],
    [c.uid([[0, 3]]), /not a UID range/],
    [c.uid([[5, 2]]), /not a UID range/],
    [c.or(c.flag('seen')), /OR needs at least two/],
    [c.and(), /AND needs at least one/],
  ];
  for (const [criterion, message] of refused) {
    assert.throws(() => checkCriteria(criterion), (e: unknown) => MailError.is(e, 'config') && message.test(e.message), JSON.stringify(criterion));
    assert.throws(() => compileCriteria(criterion), (e: unknown) => MailError.is(e, 'config'));
  }
});

test('dates are written as IMAP dates; body terms are told apart from header terms', () => {
  assert.equal(imapDate('2026-01-05'), '5-Jan-2026');
  assert.equal(needsBody(c.and(c.text('subject', 'a'), c.not(c.text('body', 'b')))), true);
  assert.equal(needsBody(c.or(c.text('text', 'a'), c.flag('seen'))), true);
  assert.equal(needsBody(c.and(c.text('subject', 'a'), c.header('X-A', 'b'), c.size('larger', 3))), false);
});

test('labels read like the criteria, with operators in capitals and ambiguous groups in parentheses', () => {
  assert.equal(criteriaText(c.text('subject', 'invoice')), 'subject "invoice"');
  assert.equal(criteriaText(c.and(c.text('from', 'bob'), c.flag('seen', false))), 'from "bob" AND unseen');
  assert.equal(criteriaText(c.and(c.or(c.text('from', 'bob'), c.text('from', 'carol')), c.size('larger', 10240))), '(from "bob" OR from "carol") AND larger than 10.0 KiB (10,240 bytes)');
  assert.equal(criteriaText(c.not(c.and(c.flag('seen'), c.flag('flagged')))), 'NOT (seen AND flagged)');
  assert.equal(criteriaText(c.or(c.flag('draft', false), c.and(c.keyword('$Work'), c.keyword('Late', false)))), 'not draft OR ($Work AND without keyword Late)'.replace('$Work', 'keyword $Work'));
  assert.equal(criteriaText(c.header('X-Mailer', 'say "hi"')), 'header X-Mailer "say \\"hi\\""');
  assert.equal(criteriaText(c.header('List-Id', '')), 'has header List-Id');
  assert.equal(criteriaText(c.date('sentBefore', '2026-03-01')), 'sent before 2026-03-01');
  assert.equal(criteriaText(c.uid([[1, 5], [9, 9]])), 'UIDs 1:5,9 (6)');
  assert.equal(criteriaText(c.uid([[7, 7]])), 'UID 7');
  assert.equal(criteriaText(c.all()), 'all messages');
  assert.equal(queryText({ kind: 'raw', text: '  OR SEEN FLAGGED ' }), 'OR SEEN FLAGGED');
  assert.equal(queryText({ kind: 'criteria', criteria: c.text('body', 'Grüße') }), 'body "Grüße"');
});
