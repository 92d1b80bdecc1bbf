import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ConsoleLineEditor, EditorAction } from '../../src/core/console/consoleLineEditor';

const submitted = (actions: EditorAction[]): string[] => actions.flatMap((a) => (a.type === 'submit' ? [a.line] : []));

test('typing, backspace, cursor moves, delete, home/end and Ctrl+U edit the line as a terminal does', () => {
  const editor = new ConsoleLineEditor();
  editor.handle('NOPE');
  editor.handle('\x7f\x7f');
  editor.handle('OP');
  assert.equal(editor.text, 'NOOP');
  editor.handle('\x1b[D\x1b[D\x1b[DX');
  assert.equal(editor.text, 'NXOOP');
  assert.equal(editor.cursorColumn, 2);
  editor.handle('\x1b[3~\x1b[H>\x1b[F<');
  assert.equal(editor.text, '>NXOP<');
  editor.handle('\x15');
  assert.equal(editor.text, '');
  assert.deepEqual(editor.handle('ab'), [{ type: 'changed' }]);
});

test('Enter submits (CR, LF or CRLF); pasted multi-line text submits each line in order', () => {
  const editor = new ConsoleLineEditor();
  assert.deepEqual(submitted(editor.handle('NOOP\r')), ['NOOP']);
  assert.deepEqual(submitted(editor.handle('\x1b[200~CAPABILITY\r\nLIST "" *\nLOGOUT\r\x1b[201~')), ['CAPABILITY', 'LIST "" *', 'LOGOUT']);
  assert.equal(editor.text, '');
});

test('Ctrl+C clears the line and says so; other control characters are ignored; UTF-8 text is kept', () => {
  const editor = new ConsoleLineEditor();
  editor.handle('half typed');
  assert.deepEqual(editor.handle('\x03'), [{ type: 'interrupt' }]);
  assert.equal(editor.text, '');
  editor.handle('a\x01\x02b\x1b[99~ é€😀');
  assert.equal(editor.text, 'ab é€😀');
  editor.handle('\x7f');
  assert.equal(editor.text, 'ab é€', 'backspace removes a whole character, not half a surrogate pair');
});

test('up and down walk the history and come back to the line being typed', () => {
  const editor = new ConsoleLineEditor();
  for (const line of ['NOOP', 'CAPABILITY']) {
    editor.handle(`${line}\r`);
    editor.remember(line);
  }
  editor.handle('LI');
  editor.handle('\x1b[A');
  assert.equal(editor.text, 'CAPABILITY');
  editor.handle('\x1b[A');
  assert.equal(editor.text, 'NOOP');
  assert.deepEqual(editor.handle('\x1b[A'), [], 'past the oldest line nothing changes');
  editor.handle('\x1b[B\x1b[B');
  assert.equal(editor.text, 'LI', 'the draft comes back');
  editor.handle('\x1bOA'); // application cursor mode
  assert.equal(editor.text, 'CAPABILITY');
});

test('an escape sequence split across two inputs is read whole', () => {
  const editor = new ConsoleLineEditor();
  editor.handle('ab');
  editor.handle('\x1b[');
  editor.handle('D');
  editor.handle('X');
  assert.equal(editor.text, 'aXb');
});
