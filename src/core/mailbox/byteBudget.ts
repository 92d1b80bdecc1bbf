/**
 * Byte buffers under one size limit, least recently used evicted first, each entry with a callback run
 * when it is evicted for room (so its owner can forget it). Several folder caches of one account share
 * one budget, so an account holds at most `maxBytes` of bodies however many folders it opens.
 */
export class ByteBudget {
  private readonly entries = new Map<string, { bytes: Buffer; evicted: () => void }>();
  private total = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError('the byte budget must be a non-negative number');
  }

  get(key: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.bytes;
  }

  /** Holds `bytes`, evicting the least recently used others; false (and nothing held) when it alone exceeds the budget. */
  set(key: string, bytes: Buffer, evicted: () => void): boolean {
    this.delete(key);
    if (bytes.length > this.maxBytes) return false;
    this.entries.set(key, { bytes, evicted });
    this.total += bytes.length;
    for (const [k, entry] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(k);
      this.total -= entry.bytes.length;
      entry.evicted();
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.bytes.length;
  }

  get bytes(): number {
    return this.total;
  }
}
