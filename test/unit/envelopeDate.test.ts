import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { envelopeDate, envelopeDateByPattern } from '../../src/core/imap/envelopeDate';

// The listing reads the common Date form by hand (envelopeDate.ts); it must agree with the regular expression it
// replaced on every input, the odd ones included, and both with what the date means.

const same = (value: string): void => {
  const fast = envelopeDate(value).getTime();
  const pattern = envelopeDateByPattern(value).getTime();
  assert.ok(fast === pattern || (Number.isNaN(fast) && Number.isNaN(pattern)), `${JSON.stringify(value)}: ${fast} vs ${pattern}`);
};

test('the common form gives the instant it names', () => {
  assert.equal(envelopeDate('Mon, 2 Mar 2026 10:00:00 +0000').toISOString(), '2026-03-02T10:00:00.000Z');
  assert.equal(envelopeDate('2 Mar 2026 10:00 -0130').toISOString(), '2026-03-02T11:30:00.000Z');
  assert.equal(envelopeDate('Tue,  24 Dec 2024 23:59:59 +1400 (LINT)').toISOString(), '2024-12-24T09:59:59.000Z');
  assert.equal(envelopeDate('wed, 01 jan 2025 00:00:00 +0100').toISOString(), '2024-12-31T23:00:00.000Z');
});

test('the hand reading agrees with the regular expression on odd and random input', () => {
  const odd = [
    '',
    'not a date',
    'Mon,2 Mar 2026 10:00:00 +0000',
    'Mon, 2 Mar 2026 10:00:00 +0000\u00a0(NBSP after)',
    'Mon,\u00a02 Mar 2026 10:00:00 +0000',
    '123 Mar 2026 10:00:00 +0000',
    '2 Foo 2026 10:00:00 +0000',
    '2 Mar 26 10:00:00 +0000',
    '2 Mar 2026 10:00: +0000',
    '2 Mar 2026 10:00:00 GMT',
    '2 Mar 2026 10:00:00 +00000',
    '2 Mar 2026 10:00:00 +0000x',
    '2\tMar\t2026\t10:00:00\t+0000',
    '31 Feb 2026 25:61:61 +9999',
    '2026-03-02T10:00:00Z',
  ];
  for (const value of odd) same(value);
  let seed = 99;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const parts = ['Mon,', ' ', '  ', '\t', '2', '12', 'Mar', 'mar', 'MAR', '2026', '10:00', ':30', ':', '+0100', '-0000', 'x', '\u00a0', '(UTC)'];
  for (let i = 0; i < 20_000; i++) same(Array.from({ length: 1 + Math.floor(random() * 9) }, () => parts[Math.floor(random() * parts.length)]!).join(''));
  const base = 'Mon, 2 Mar 2026 10:00:00 +0000';
  for (let i = 0; i < base.length; i++) for (const c of [' ', '0', 'a', '\t', '']) same(base.slice(0, i) + c + base.slice(i + 1));
});
