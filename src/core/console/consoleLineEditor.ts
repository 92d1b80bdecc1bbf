/**
 * The input line of the protocol console, edited the way a terminal's is: keystrokes arrive raw (as
 * VS Code hands them to a Pseudoterminal) and come out as what they mean: a submitted line, Ctrl+C, or
 * a change of the line to draw again. Knows nothing about protocols or connections.
 */
export type EditorAction = { readonly type: 'submit'; readonly line: string } | { readonly type: 'interrupt' } | { readonly type: 'changed' };

const HISTORY_LIMIT = 200;

export class ConsoleLineEditor {
  private chars: string[] = [];
  private cursor = 0;
  private readonly history: string[] = [];
  /** Position while browsing history (history.length: the line being typed). */
  private browsing = 0;
  private draft: string[] = [];
  /** An escape sequence split across two inputs (rare, but a terminal may). */
  private pendingEscape = '';

  /** The line as typed so far. */
  get text(): string {
    return this.chars.join('');
  }

  /** Where the cursor is, in characters from the start of the line. */
  get cursorColumn(): number {
    return this.cursor;
  }

  /** Keeps a submitted line for up/down (the console leaves out lines that carry a secret). */
  remember(line: string): void {
    if (line.trim() !== '' && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > HISTORY_LIMIT) this.history.shift();
    }
    this.browsing = this.history.length;
  }

  /** Empties the line (after Ctrl+C, or when a line was submitted). */
  clear(): void {
    this.chars = [];
    this.cursor = 0;
    this.browsing = this.history.length;
    this.draft = [];
  }

  /** Raw terminal input: typed or pasted text with control characters and escape sequences. */
  handle(data: string): EditorAction[] {
    const actions: EditorAction[] = [];
    let changed = false;
    const input = this.pendingEscape + data;
    this.pendingEscape = '';
    let i = 0;
    while (i < input.length) {
      const ch = input[i]!;
      if (ch === '\x1b') {
        // eslint-disable-next-line no-control-regex -- escape sequences are what is read here
        const seq = /^\x1b(?:\[[0-9;?]*[\x40-\x7e]|O[\x40-\x7e])/.exec(input.slice(i));
        if (!seq) {
          // An unfinished sequence at the end of the input waits for the rest; a lone ESC is dropped.
          const tail = input.slice(i);
          // eslint-disable-next-line no-control-regex -- an escape sequence's start
          if (/^\x1b(?:\[[0-9;?]*|O)?$/.test(tail)) {
            this.pendingEscape = tail;
            break;
          }
          i++;
          continue;
        }
        changed = this.escape(seq[0]) || changed;
        i += seq[0].length;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (ch === '\r' && input[i + 1] === '\n') i++;
        if (changed) actions.push({ type: 'changed' });
        changed = false;
        const line = this.text;
        this.clear();
        actions.push({ type: 'submit', line });
        i++;
        continue;
      }
      if (ch === '\x03') {
        this.clear();
        actions.push({ type: 'interrupt' });
        changed = false;
        i++;
        continue;
      }
      if (ch === '\x7f' || ch === '\b') {
        if (this.cursor > 0) {
          this.chars.splice(--this.cursor, 1);
          changed = true;
        }
        i++;
        continue;
      }
      if (ch === '\x15') {
        // Ctrl+U: the whole line goes, as in a shell.
        changed = this.chars.length > 0 || changed;
        this.chars = [];
        this.cursor = 0;
        i++;
        continue;
      }
      if (ch === '\t') {
        this.insert(' ');
        changed = true;
        i++;
        continue;
      }
      const code = input.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      i += char.length;
      if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue; // other control characters: ignored
      this.insert(char);
      changed = true;
    }
    if (changed) actions.push({ type: 'changed' });
    return actions;
  }

  private insert(char: string): void {
    this.chars.splice(this.cursor++, 0, char);
  }

  /** Returns whether the line changed. */
  private escape(seq: string): boolean {
    switch (seq) {
      case '\x1b[A':
      case '\x1bOA':
        return this.recall(-1);
      case '\x1b[B':
      case '\x1bOB':
        return this.recall(1);
      case '\x1b[C':
      case '\x1bOC':
        if (this.cursor >= this.chars.length) return false;
        this.cursor++;
        return true;
      case '\x1b[D':
      case '\x1bOD':
        if (this.cursor === 0) return false;
        this.cursor--;
        return true;
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        this.cursor = 0;
        return true;
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        this.cursor = this.chars.length;
        return true;
      case '\x1b[3~':
        if (this.cursor >= this.chars.length) return false;
        this.chars.splice(this.cursor, 1);
        return true;
      default:
        return false;
    }
  }

  /** Up (-1) or down (+1) through the history; the line being typed is kept as the draft. */
  private recall(step: -1 | 1): boolean {
    const next = this.browsing + step;
    if (next < 0 || next > this.history.length) return false;
    if (this.browsing === this.history.length) this.draft = this.chars;
    this.browsing = next;
    this.chars = next === this.history.length ? this.draft : [...this.history[next]!];
    this.cursor = this.chars.length;
    return true;
  }
}
