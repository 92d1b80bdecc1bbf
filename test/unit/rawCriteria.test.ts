import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import compiler from 'imapflow/lib/handler/imap-compiler';
import type { ImapCompileInput } from 'imapflow/lib/handler/types';
import { MailError } from '../../src/core/errors';
import { searchProgram } from '../../src/core/search/imapSearch';
import { parseRawCriteria } from '../../src/core/search/rawCriteria';

/** What imapflow's compiler sends for the raw criteria (with LITERAL+). */
function wire(text: string, utf8Accepted = false): string {
  return compiler({ tag: 'A1', command: 'UID SEARCH', attributes: searchProgram({ kind: 'raw', text }, utf8Accepted) } as unknown as ImapCompileInput, { literalPlus: true }).toString('utf8');
}

test('raw criteria go out as typed: atoms, quoted strings, parentheses and sequence sets', () => {
  assert.equal(wire('OR FROM "bob" (SUBJECT "re: \\"x\\"" SINCE 1-Mar-2026)'), 'A1 UID SEARCH OR FROM "bob" (SUBJECT "re: \\"x\\"" SINCE 1-Mar-2026)');
  assert.equal(wire('UID 1:5,9:* NOT DELETED'), 'A1 UID SEARCH UID 1:5,9:* NOT DELETED');
  assert.equal(wire('  KEYWORD   $Invoice  '), 'A1 UID SEARCH KEYWORD $Invoice');
  assert.equal(wire('HEADER X-Mailer ""'), 'A1 UID SEARCH HEADER X-Mailer ""');
  // imapflow's compiler would glue lists that open a list ('((SEEN)(FLAGGED))', not IMAP): the first is unwrapped, the same AND.
  assert.equal(wire('((SEEN) (FLAGGED))'), 'A1 UID SEARCH (SEEN (FLAGGED))');
  assert.equal(wire('NOT ((SEEN) (FLAGGED)) (DRAFT)'), 'A1 UID SEARCH NOT (SEEN (FLAGGED)) (DRAFT)');
});

test('non-ASCII text in raw criteria goes as a literal, behind CHARSET UTF-8 unless one was typed', () => {
  assert.equal(wire('SUBJECT "Grüße"'), 'A1 UID SEARCH CHARSET UTF-8 SUBJECT {7+}\r\nGrüße');
  assert.equal(wire('FROM Müller'), 'A1 UID SEARCH CHARSET UTF-8 FROM {7+}\r\nMüller');
  assert.equal(wire('CHARSET UTF-8 FROM Müller'), 'A1 UID SEARCH CHARSET UTF-8 FROM {7+}\r\nMüller');
  assert.equal(wire('SUBJECT "Grüße"', true), 'A1 UID SEARCH SUBJECT {7+}\r\nGrüße');
  assert.equal(parseRawCriteria('SUBJECT x').nonAscii, false);
});

test('raw criteria that could not be one command line are refused, naming the position', () => {
  const refused: [string, RegExp][] = [
    ['SUBJECT "a"\r\nA2 DELETE INBOX', /carriage return \(CR\) at character 12/],
    ['SUBJECT a\nb', /line break \(LF\) at character 10/],
    ['SUBJECT a\0', /NUL character at character 10/],
    ['SUBJECT "unclosed', /quote that opens at character 9 is not closed/],
    ['SUBJECT "a\\"', /quote that opens at character 9 is not closed/],
    ['SUBJECT "a\\b"', /backslash at character 11/],
    ['(SEEN (FLAGGED)', /parenthesis that opens at character 1 is not closed/],
    ['SEEN)', /closing parenthesis at character 5 has no opening one/],
    ['SEEN ()', /parentheses that open at character 6 hold nothing/],
    ['SUBJECT {5}', /literal .* at character 9/],
    ['SUBJECT a{5}', /literal .* at character 10/],
    ['RETURN (ALL) SEEN', /RETURN options/],
    ['CHARSET UTF-8', /CHARSET needs/],
    ['   ', /there are none/],
  ];
  for (const [text, message] of refused) {
    assert.throws(() => parseRawCriteria(text), (e: unknown) => MailError.is(e, 'config') && message.test(e.message) && /Nothing was sent/.test(e.message), JSON.stringify(text));
  }
});
