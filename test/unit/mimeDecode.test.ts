import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { decodeCharset, decodePartContent, decodeTransferEncoding } from '../../src/core/mime/decodePart';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { partDescription, partLabel, presentPart } from '../../src/core/mime/partPresentation';
import { MimePart, findPart, walkParts } from '../../src/core/mime/partTree';
import { readFixture } from '../fixtures/expectations';

describe('decoding', () => {
  test('transfer encodings and charsets through the libraries', () => {
    assert.equal(decodeTransferEncoding(Buffer.from('Gr=C3=BC=\r\n=C3=9Fe'), 'Quoted-Printable').bytes.toString(), 'Grüße');
    assert.equal(decodeTransferEncoding(Buffer.from('R3L\r\nDvMOf\r\nZQ=='), 'base64').bytes.toString(), 'Grüße');
    assert.deepEqual(decodeTransferEncoding(Buffer.from('x'), 'x-uuencode').warning, 'Unknown transfer encoding "x-uuencode": shown as stored.');
    assert.equal(decodeCharset(iconv.encode('Zoë', 'latin1'), 'latin1').text, 'Zoë');
    assert.equal(decodeCharset(Buffer.from('Zoë'), undefined).text, 'Zoë');
    const guessed = decodeCharset(iconv.encode('Zoë €', 'windows-1252'), undefined);
    assert.equal(guessed.text, 'Zoë €');
    assert.match(guessed.warning ?? '', /No charset declared/);
    const unknown = decodeCharset(Buffer.from('plain'), 'x-no-such-charset');
    assert.equal(unknown.text, 'plain');
    assert.match(unknown.warning ?? '', /Unknown charset "x-no-such-charset"/);
  });

  test('8-bit bytes in a part declared us-ascii (or 7bit without charset, or a charset that cannot hold them) are read sensibly, and said', () => {
    const text = (bytes: Buffer, charset: string | undefined) => decodePartContent({ contentType: 'text/plain', charset, encoding: '7bit', flowed: undefined }, bytes);
    const utf8 = text(Buffer.from('café'), 'us-ascii');
    assert.equal(utf8.text, 'café', 'valid UTF-8 decodes as UTF-8, not "cafÃ©"');
    assert.deepEqual(utf8.warnings, ['Declared us-ascii, holds 8-bit bytes: shown as UTF-8.']);
    const latin1 = text(iconv.encode('café', 'latin1'), 'US-ASCII');
    assert.equal(latin1.text, 'café');
    assert.deepEqual(latin1.warnings, ['Declared US-ASCII, holds 8-bit bytes: shown as WINDOWS-1252.']);
    const undeclared = text(Buffer.from('café'), undefined);
    assert.equal(undeclared.text, 'café');
    assert.deepEqual(undeclared.warnings, ['No charset declared (which means US-ASCII), but the text holds 8-bit bytes: shown as UTF-8.']);
    const notUtf8 = text(iconv.encode('café', 'latin1'), 'utf-8');
    assert.equal(notUtf8.text, 'café');
    assert.deepEqual(notUtf8.warnings, ['Declared utf-8, holds bytes that are not valid UTF-8: shown as WINDOWS-1252.']);
    assert.deepEqual(text(Buffer.from('plain ascii'), 'us-ascii'), { text: 'plain ascii', charset: 'US-ASCII', warnings: [] }, '7-bit text in us-ascii: nothing to say');
    assert.deepEqual(text(iconv.encode('Zoë', 'latin1'), 'iso-8859-1').warnings, [], 'a charset that holds the bytes: nothing to say');
  });

  test('broken base64 is still decoded leniently, and the part says so', () => {
    const junk = decodeTransferEncoding(Buffer.from('R3L!Dv\r\nMOf*ZQ=='), 'base64');
    assert.equal(junk.bytes.toString(), 'Grüße');
    assert.equal(junk.warning, 'The base64 body is malformed (2 characters that are not base64): decoded leniently, so the content may be incomplete or wrong.');
    const padded = decodePartContent({ contentType: 'text/plain', charset: 'utf-8', encoding: 'base64', flowed: undefined }, Buffer.from('b25lIQ==\r\ndHdvIQ=='));
    assert.equal(padded.text, 'one!two!');
    assert.deepEqual(padded.warnings, ['The base64 body is malformed ("=" padding inside the data): decoded leniently, so the content may be incomplete or wrong.']);
    assert.equal(decodeTransferEncoding(Buffer.from('R3L\r\nDvMOf\r\nZQ=='), 'base64').warning, undefined, 'line breaks are not flaws');
  });

  test('binary parts come back as bytes, flowed text is joined', () => {
    const png = decodePartContent({ contentType: 'image/png', charset: undefined, encoding: 'base64', flowed: undefined }, Buffer.from('iVBORw0KGgo='));
    assert.equal(png.text, undefined);
    assert.deepEqual(png.binary, Buffer.from('89504e470d0a1a0a', 'hex'));
    const flowed = decodePartContent({ contentType: 'text/plain', charset: 'utf-8', encoding: '7bit', flowed: { delSp: false } }, Buffer.from('one \r\ntwo\r\nthree'));
    assert.equal(flowed.text, 'one two\nthree');
  });
});

describe('presentation', () => {
  test('file names and language ids fit the type', async () => {
    const types = await partTreeFromRaw(readFixture('types.eml'));
    assert.deepEqual(presentPart(findPart(types, '1') as MimePart), { fileName: 'part-1.ics', languageId: 'plaintext', isText: true });
    assert.deepEqual(presentPart(findPart(types, '2') as MimePart), { fileName: 'data.json', languageId: 'json', isText: true });
    assert.deepEqual(presentPart(findPart(types, '3') as MimePart), { fileName: 'part-3.xml', languageId: 'xml', isText: true });
    const mixed = await partTreeFromRaw(readFixture('mixed.eml'));
    assert.deepEqual(presentPart(findPart(mixed, '2') as MimePart), { fileName: 'Résumé.pdf', languageId: 'plaintext', isText: false });
    assert.deepEqual(presentPart(findPart(mixed, '3') as MimePart), { fileName: 'Zürich Kunden Liste.csv', languageId: 'plaintext', isText: true });
    const alt = await partTreeFromRaw(readFixture('alternative.eml'));
    assert.deepEqual([...walkParts(alt.root)].slice(1).map((p) => presentPart(p)), [
      { fileName: 'part-1.txt', languageId: 'plaintext', isText: true },
      { fileName: 'part-2.html', languageId: 'html', isText: true },
    ]);
    const nested = await partTreeFromRaw(readFixture('nested.eml'));
    assert.deepEqual(presentPart(findPart(nested, '2') as MimePart), { fileName: 'inner.eml', languageId: 'plaintext', isText: true });
    assert.equal(presentPart({ ...(findPart(nested, '1') as MimePart), fileName: '../../etc/passwd' }).fileName, 'passwd.txt');
    assert.equal(partLabel(findPart(nested, '2') as MimePart), '2 message/rfc822');
    assert.equal(partDescription(findPart(nested, '2') as MimePart), 'inner.eml · “こんにちは” · attachment · 530 bytes');
    assert.equal(partDescription(findPart(mixed, '1') as MimePart), 'charset ISO-8859-1 · quoted-printable · 66 bytes');
  });
});
