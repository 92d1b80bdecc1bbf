import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { fromNodeError, MailError } from '../../src/core/errors';
import { formatBytesExact, formatFolderCounts, formatMessages } from '../../src/core/format';
import { FolderInfo } from '../../src/core/mailStore';
import { errorDetail, errorRowText } from '../../src/core/errorText';
import { folderDescription, folderTooltipCounts, unseenBadge } from '../../src/core/folderText';

// The text of tree rows, tooltips and the view's badge: the pure functions behind them (no VS Code needed).

function folder(path: string, counts: Partial<FolderInfo> = {}): FolderInfo {
  const at = path.lastIndexOf('/');
  return {
    path,
    name: path.slice(at + 1),
    delimiter: '/',
    parentPath: at < 0 ? undefined : path.slice(0, at),
    specialUse: undefined,
    selectable: true,
    total: undefined,
    unseen: undefined,
    size: undefined,
    ...counts,
  };
}

describe('sizes and counts', () => {
  test('a size says its exact byte count once: "902 bytes", "1.2 KiB (1,234 bytes)"', () => {
    assert.equal(formatBytesExact(902), '902 bytes');
    assert.equal(formatBytesExact(1234), '1.2 KiB (1,234 bytes)');
    assert.equal(formatBytesExact(25 * 1024 * 1024 + 7), '25.0 MiB (26,214,407 bytes)');
  });

  test('folder counts read the same way everywhere: messages first, then unseen, then size', () => {
    assert.equal(formatMessages(1), '1 message');
    assert.equal(formatFolderCounts({ total: 220, unseen: 30 }), '220 messages · 30 unseen');
    assert.equal(formatFolderCounts({ total: 10000, unseen: 1000 }), '10,000 messages · 1,000 unseen');
    assert.equal(formatFolderCounts({ total: 40, unseen: 0 }), '40 messages');
    assert.equal(formatFolderCounts({ total: 40, size: 3 * 1024 * 1024 }), '40 messages · 3.0 MiB');
    assert.equal(formatFolderCounts({ total: 0 }), '0 messages');
    assert.equal(formatFolderCounts({}), '');
  });
});

describe('folder rows', () => {
  const all = [
    folder('INBOX', { total: 220, unseen: 30 }),
    folder('Lists', { selectable: false }),
    folder('Lists/dovecot', { total: 50, unseen: 2 }),
    folder('Lists/dovecot/old', { total: 7, unseen: 1 }),
    folder('Empty', { selectable: false }),
    folder('Empty/gone', { selectable: false }),
  ];

  test('a selectable folder shows its own counts', () => {
    assert.equal(folderDescription(all[0], all), '220 messages · 30 unseen');
    assert.equal(folderDescription(all[2], all), '50 messages · 2 unseen');
  });

  test('a \\Noselect parent never says "0 messages": it shows what its subfolders hold, labelled so', () => {
    assert.equal(folderDescription(all[1], all), 'in subfolders: 57 messages · 3 unseen');
    assert.equal(folderDescription(all[4], all), 'folders only');
    assert.deepEqual(folderTooltipCounts(all[1], all), ['Subfolders: 57 messages · 3 unseen']);
    assert.deepEqual(folderTooltipCounts(all[2], all), ['50 messages · 2 unseen', 'Subfolders: 7 messages · 1 unseen']);
  });

  test('the view badge sums unseen over every loaded folder of every account, and is absent at zero', () => {
    const other = [folder('INBOX', { total: 3, unseen: 3 })];
    assert.deepEqual(unseenBadge([all, other]), { value: 36, tooltip: '36 unseen' });
    assert.deepEqual(unseenBadge([[folder('INBOX', { total: 3000, unseen: 1200 })]]), { value: 1200, tooltip: '1,200 unseen' });
    assert.equal(unseenBadge([[folder('INBOX', { total: 3, unseen: 0 })]]), undefined);
    assert.equal(unseenBadge([]), undefined);
  });
});

describe('error rows', () => {
  test('a refused connection: short label, the system detail as description, no repetition', () => {
    const error = fromNodeError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:18777' });
    const text = errorRowText(error);
    assert.equal(text.label, 'Connection refused');
    assert.equal(text.description, 'connect ECONNREFUSED 127.0.0.1:18777');
    assert.ok(!text.description.includes(error.explanation), 'the description repeats the explanation');
    assert.ok(text.label.length <= 24, 'the label leaves room for the detail');
    assert.match(text.tooltip, /^\*\*The server refused the connection: nothing is listening on that host and port\\\.\*\*/);
    assert.match(text.tooltip, /connect ECONNREFUSED 127\\\.0\\\.0\\\.1:18777/);
    assert.match(text.tooltip, /Show Traffic/);
  });

  test("a rejected login: the server's own words as description, and all of it in the tooltip", () => {
    const error = fromNodeError({ authenticationFailed: true, message: 'Command failed', responseText: '[AUTHENTICATIONFAILED] Authentication failed.' });
    const text = errorRowText(error);
    assert.equal(text.label, 'Sign-in rejected');
    assert.equal(text.description, '[AUTHENTICATIONFAILED] Authentication failed.');
    assert.match(text.tooltip, /The server rejected the user name or password/);
    assert.match(text.tooltip, /Command failed/);
    assert.match(text.tooltip, /Server said: `\[AUTHENTICATIONFAILED\] Authentication failed\.`/);
  });

  test('an error with its own message or with none: the message, or the explanation, once', () => {
    assert.equal(errorDetail(new MailError('auth')), undefined);
    assert.deepEqual(
      { ...errorRowText(new MailError('timeout'), '') },
      { label: 'No answer in time', description: 'The server did not answer in time.', tooltip: '**The server did not answer in time\\.**' },
    );
    const own = new MailError('notFound', 'Message UID 7 is no longer in INBOX.');
    assert.equal(errorRowText(own).description, 'Message UID 7 is no longer in INBOX.');
    const multiline = new MailError('server', undefined, 'NO\r\n  try   later');
    assert.equal(errorRowText(multiline).description, 'NO try later');
  });
});
