import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { expandUidSet, parseAppendUid, parseCopyUid } from '../../src/core/imap/write/copyUid';
import { ParsedResponse } from '../../src/core/imap/write/imapCommand';
import { imapDateTime } from '../../src/core/imap/write/internalDate';
import { expungedSeqs, fetchedFlags, searchNumbers } from '../../src/core/imap/write/untaggedReplies';

test('expandUidSet: ranges and singles in order, a reversed range counts from its lower end, nonsense and oversize refused', () => {
  assert.deepEqual(expandUidSet('3:5,9', 10), [3, 4, 5, 9]);
  assert.deepEqual(expandUidSet('7:5', 10), [5, 6, 7]);
  assert.equal(expandUidSet('1:4294967295', 3), undefined, 'more UIDs than messages were sent: not expanded');
  assert.equal(expandUidSet('1,*', 3), undefined);
  assert.equal(expandUidSet('0', 3), undefined);
  assert.equal(expandUidSet('', 3), undefined);
});

test('parseCopyUid: source UID → target UID in order, only the ids sent; malformed or mismatched sets give nothing', () => {
  const copy = parseCopyUid(['COPYUID', '1700000000', '3:4,9', '11:13'], ['3', '4', '9']);
  assert.equal(copy?.uidValidity, 1700000000);
  assert.deepEqual([...copy!.idMap], [['3', '11'], ['4', '12'], ['9', '13']]);
  // A server names only what it copied (UID 5 was gone): the map has what it said.
  assert.deepEqual([...parseCopyUid(['COPYUID', '17', '3', '20'], ['3', '5'])!.idMap], [['3', '20']]);
  assert.equal(parseCopyUid(['COPYUID', '17', '3:4', '20'], ['3', '4']), undefined, 'sets of different length');
  assert.equal(parseCopyUid(['APPENDUID', '17', '3'], ['3']), undefined);
  assert.equal(parseCopyUid(['COPYUID', 'x', '3', '4'], ['3']), undefined);
  assert.equal(parseCopyUid(undefined, ['3']), undefined);
});

test('parseAppendUid: the UID and UIDVALIDITY of APPENDUID', () => {
  assert.deepEqual(parseAppendUid(['APPENDUID', '1700000000', '7']), { uidValidity: 1700000000, uids: [7] });
  assert.equal(parseAppendUid(['APPENDUID', '1700000000', '7:8']), undefined, 'one message appended, two UIDs claimed');
  assert.equal(parseAppendUid(['COPYUID', '1', '2', '3']), undefined);
});

test('imapDateTime: RFC 3501 date-time in UTC, to the second', () => {
  assert.equal(imapDateTime(new Date('2020-02-29T12:34:56.789Z')), '29-Feb-2020 12:34:56 +0000');
  assert.equal(imapDateTime(new Date('2026-12-01T01:02:03Z')), '01-Dec-2026 01:02:03 +0000');
  assert.throws(() => imapDateTime(new Date('nope')), RangeError);
});

const atom = (value: string): { type: string; value: string } => ({ type: 'ATOM', value });

test('untagged replies: SEARCH numbers (both parser forms), EXPUNGE sequence numbers, FETCH UID/FLAGS/MODSEQ', () => {
  const replies: ParsedResponse[] = [
    { tag: '*', command: 'SEARCH', attributes: [atom('1'), atom('3')] },
    { tag: '*', command: 'SEARCH', numbers: [4, 9] } as ParsedResponse,
    { tag: '*', command: '4', attributes: [atom('EXPUNGE')] },
    { tag: '*', command: '2', attributes: [atom('FETCH'), [atom('UID'), atom('7'), atom('FLAGS'), [atom('\\Seen'), atom('$Junk')], atom('MODSEQ'), [atom('12')]]] } as unknown as ParsedResponse,
    { tag: '*', command: '3', attributes: [atom('EXPUNGE')] },
  ];
  assert.deepEqual(searchNumbers(replies), [1, 3, 4, 9]);
  assert.deepEqual(expungedSeqs(replies), [4, 3]);
  assert.deepEqual(fetchedFlags(replies), [{ seq: 2, uid: 7, flags: ['\\Seen', '$Junk'], modseq: '12' }]);
});
