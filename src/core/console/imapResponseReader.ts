/**
 * Just enough reading of the server's IMAP stream for the console to follow the conversation: where each
 * response starts and ends, however the bytes are split, with the literals inside it skipped (so a
 * message body that holds "C3 OK" is never taken for a tagged reply). Printing is the tap's; this only
 * hands each response's first line to the console (`C3 OK done`, `+ idling`, `* 3 EXISTS`).
 */
export class ImapResponseReader {
  private line: Buffer[] = [];
  private lineLength = 0;
  private literalLeft = 0;
  /** The first line of the response being read (up to its first literal). */
  private head: string | undefined;
  private generation = 0;

  /** `maxLineBytes`: bytes of a line kept for reading it (the rest still passes, unread). */
  constructor(private readonly onResponse: (firstLine: string) => void, private readonly maxLineBytes = 64 * 1024) {}

  push(chunk: Buffer): void {
    const generation = this.generation;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - pos);
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const lf = chunk.indexOf(0x0a, pos);
      const end = lf === -1 ? chunk.length : lf + 1;
      const room = this.maxLineBytes - this.lineLength;
      if (room > 0) this.line.push(chunk.subarray(pos, Math.min(end, pos + room)));
      this.lineLength += end - pos;
      pos = end;
      if (lf === -1) return;
      const text = Buffer.concat(this.line).toString('utf8').replace(/\r?\n$/, '');
      this.line = [];
      this.lineLength = 0;
      this.head ??= text;
      const literal = /\{(\d{1,19})\}$/.exec(text);
      if (literal) {
        this.literalLeft = Number(literal[1]);
        continue;
      }
      const head = this.head;
      this.head = undefined;
      this.onResponse(head);
      // reset() during the callback (STARTTLS said OK): the rest of this chunk came in clear and is dropped.
      if (this.generation !== generation) return;
    }
  }

  /** Forgets everything read so far and drops the rest of the chunk being read (the STARTTLS boundary). */
  reset(): void {
    this.generation++;
    this.line = [];
    this.lineLength = 0;
    this.literalLeft = 0;
    this.head = undefined;
  }
}
