/**
 * An append-only list shared between copies: the store's events by revision (etcd's backend,
 * which is keyed by revision).
 *
 * Entries live in chunks of {@link LOG_CHUNK}; full chunks are never written again, so copies
 * share them. {@link AppendLog.clone} is O(1): both copies keep reading the same arrays, each up
 * to its own length, and a copy that appends after the other one did copies only the partial
 * last chunk (and the list of chunk pointers), never the whole log.
 */

/** Entries per chunk. */
export const LOG_CHUNK = 1024;

/** See the module comment. */
export class AppendLog<T> {
  private chunks: T[][];
  private fullChunks: number;
  private tail: T[];
  private tailLen: number;

  /** A log of `items` (copied). */
  constructor(items: readonly T[] = []) {
    this.chunks = [];
    for (let i = 0; i + LOG_CHUNK <= items.length; i += LOG_CHUNK) this.chunks.push(items.slice(i, i + LOG_CHUNK));
    this.fullChunks = this.chunks.length;
    this.tail = items.slice(this.fullChunks * LOG_CHUNK);
    this.tailLen = this.tail.length;
  }

  /** Number of entries. */
  get length(): number {
    return this.fullChunks * LOG_CHUNK + this.tailLen;
  }

  /** The entry at `i` (0-based); undefined outside [0, length). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const c = Math.floor(i / LOG_CHUNK);
    return c < this.fullChunks ? this.chunks[c][i - c * LOG_CHUNK] : this.tail[i - c * LOG_CHUNK];
  }

  /** Appends one entry. */
  push(x: T): void {
    if (this.tail.length !== this.tailLen) this.tail = this.tail.slice(0, this.tailLen); // another copy appended here
    this.tail.push(x);
    this.tailLen++;
    if (this.tailLen === LOG_CHUNK) {
      if (this.chunks.length !== this.fullChunks) this.chunks = this.chunks.slice(0, this.fullChunks);
      this.chunks.push(this.tail);
      this.fullChunks++;
      this.tail = [];
      this.tailLen = 0;
    }
  }

  /** Every entry from `start` on, as a new array. */
  slice(start = 0): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, start); i < this.length; i++) out.push(this.at(i)!);
    return out;
  }

  /** An independent copy in O(1). */
  clone(): AppendLog<T> {
    const c = Object.create(AppendLog.prototype) as AppendLog<T>;
    c.chunks = this.chunks;
    c.fullChunks = this.fullChunks;
    c.tail = this.tail;
    c.tailLen = this.tailLen;
    return c;
  }
}
