import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import type { SearchResult } from '../../src/core/search/imapSearch';
import type { MultiFolderResult } from '../../src/core/search/multiFolderSearch';
import { costText, Pop3SearchResult } from '../../src/core/search/pop3LocalSearch';
import { groupLabel, resultDescription, resultLabel, resultTooltipLines, SearchState } from '../../src/core/search/resultText';
import { parseSize, parseUids } from '../../src/core/search/typedValues';

// The words of a search's result node and the values its quick inputs read.

const folderResult: SearchResult = {
  folder: 'INBOX',
  uidValidity: 7,
  uids: [[1, 1204]],
  count: 1204,
  min: 1,
  max: 1204,
  serverMs: 38,
  command: 'UID SEARCH RETURN (COUNT MIN MAX ALL) SUBJECT "invoice"',
  esearch: true,
};
const done = (outcome: Extract<SearchState, { kind: 'done' }>['outcome']): SearchState => ({ kind: 'done', outcome });

describe('search result node text', () => {
  test('one folder: "Search: subject "invoice" — 1,204 results (server 38 ms)", the exact command in the tooltip', () => {
    const state = done({ kind: 'folder', result: folderResult });
    assert.equal(resultLabel('subject "invoice"', state), 'Search: subject "invoice" — 1,204 results (server 38 ms)');
    assert.equal(resultLabel('subject "invoice"', done({ kind: 'folder', result: { ...folderResult, count: 1, serverMs: 2 } })), 'Search: subject "invoice" — 1 result (server 2 ms)');
    const lines = resultTooltipLines('subject "invoice"', 'INBOX', state);
    assert.ok(lines.includes('Command: UID SEARCH RETURN (COUNT MIN MAX ALL) SUBJECT "invoice"'), lines.join('\n'));
    assert.ok(lines.some((l) => /server 38 ms \(ESEARCH\)/.test(l)), lines.join('\n'));
    assert.equal(resultDescription(state), '');
  });

  test('several folders: the count, how many folders matched, the server time, and every command sent', () => {
    const multi: MultiFolderResult = {
      folders: [
        { folder: 'INBOX', uidValidity: 1, uids: [[3, 4]], count: 2, min: 3, max: 4 },
        { folder: 'Sent', uidValidity: undefined, uids: [], count: 0, min: undefined, max: undefined },
        { folder: 'Archive', uidValidity: 5, uids: [[9, 9]], count: 1, min: 9, max: 9 },
      ],
      count: 3,
      serverMs: 12,
      commands: ['UID SEARCH FROM "bob"', 'UID SEARCH FROM "bob"', 'UID SEARCH FROM "bob"'],
      method: 'perFolder',
    };
    const state = done({ kind: 'folders', result: multi });
    assert.equal(resultLabel('from "bob"', state), 'Search: from "bob" — 3 results in 2 of 3 folders (server 12 ms)');
    const lines = resultTooltipLines('from "bob"', 'every folder of alice', state);
    assert.equal(lines.filter((l) => l.startsWith('Command: ')).length, 3);
    assert.ok(lines.some((l) => l.includes('folder by folder (3 searches)')));
    assert.ok(resultTooltipLines('from "bob"', 'x', done({ kind: 'folders', result: { ...multi, method: 'esearchIn', commands: ['ESEARCH IN (mailboxes ("INBOX" "Sent" "Archive")) …'] } })).some((l) => l.includes('ESEARCH IN')));
    assert.equal(groupLabel('INBOX', 2), 'INBOX — 2 results');
  });

  test('POP3: the result node states what the local search downloaded', () => {
    const cost = { headersSearched: 412, headersDownloaded: 400, messagesDownloaded: 0, bytesDownloaded: 1_258_291, wireBytes: undefined, sessions: 3 };
    const result: Pop3SearchResult = { ids: ['a', 'b'], count: 2, total: 412, cost, unsearched: [] };
    const state = done({ kind: 'pop3', result, cost: costText(cost) });
    assert.equal(resultLabel('subject "x"', state), 'Search: subject "x" — 2 results');
    assert.match(resultDescription(state), /^searched 412 headers: 1\.2 MiB downloaded in 3 sessions$/);
    assert.ok(resultTooltipLines('subject "x"', 'INBOX', state).some((l) => /POP3 cannot search on the server/.test(l)));
  });

  test('running and failed: the label says so, a failure carries the server\'s own words', () => {
    assert.equal(resultLabel('unseen', { kind: 'running' }), 'Search: unseen — searching…');
    const failed: SearchState = { kind: 'failed', message: 'The server refused the search.', serverText: 'BAD Error in IMAP command UID SEARCH: Unknown argument FOO', error: new MailError('server', 'x') };
    assert.equal(resultLabel('FOO', failed), 'Search: FOO — failed');
    assert.equal(resultDescription(failed), 'The server refused the search. Server said: BAD Error in IMAP command UID SEARCH: Unknown argument FOO');
  });
});

describe('search values', () => {
  test('sizes in bytes, KB and MB (1 KB = 1,024 bytes); anything else is refused in plain words', () => {
    assert.equal(parseSize('5000'), 5000);
    assert.equal(parseSize(' 10 KB '), 10_240);
    assert.equal(parseSize('1.5mb'), 1_572_864);
    assert.equal(parseSize('2 bytes'), 2);
    for (const bad of ['', 'ten', '-5', '10 TB', '1e9']) assert.throws(() => parseSize(bad), (e: unknown) => MailError.is(e, 'config') && /is not a size/.test(e.message), bad);
  });

  test('UID ranges as typed (spaces allowed); anything else is refused in plain words', () => {
    assert.deepEqual(parseUids('1:100'), [[1, 100]]);
    assert.deepEqual(parseUids('5, 7, 10:20'), [[5, 5], [7, 7], [10, 20]]);
    assert.throws(() => parseUids('1:*'), (e: unknown) => MailError.is(e, 'config') && /is not a UID range/.test(e.message));
  });
});
