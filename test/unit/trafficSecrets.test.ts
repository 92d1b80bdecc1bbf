import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';

test('a secret learned after the connection opened is scrubbed from the next lines on (a password asked for after TLS)', () => {
  const lines: TrafficLine[] = [];
  const connection = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 1000 }).open('imap');
  connection.server(Buffer.from('* OK late-secret-pw is not known yet\r\n'));
  connection.addSecret('late-secret-pw');
  connection.server(Buffer.from('* LIST () "/" late-secret-pw\r\n'));
  connection.client(Buffer.from('A1 SELECT late-secret-pw\r\n'));
  assert.deepEqual(lines.map((l) => l.text), ['* OK late-secret-pw is not known yet', '* LIST () "/" ****', 'A1 SELECT ****']);
});

test('secrets given at open are scrubbed, each connection keeps its own, and short ones are left alone', () => {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 1000 });
  const first = tap.open('pop3', ['open-secret']);
  const second = tap.open('pop3');
  first.addSecret('ab');
  first.server(Buffer.from('+OK open-secret ab\r\n'));
  second.server(Buffer.from('+OK open-secret\r\n'));
  assert.deepEqual(lines.map((l) => l.text), ['+OK **** ab', '+OK open-secret']);
});
