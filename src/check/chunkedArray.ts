/**
 * An array indexed by log index that copies share: the checker's per-index memory (what was
 * committed and applied at each index, the first entry seen there, ...), which grows with the log
 * and is copied at every checkpoint. A copy costs O(length / 1024) instead of O(length): the chunks
 * of 1024 slots are shared and, once shared, never written again; whichever side writes to a
 * shared chunk first copies it (copy-on-write), so after a copy each side copies at most the chunks
 * it changes (usually just the last one).
 */
const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

interface Chunk<T> {
  /** The array allowed to write it in place; null once shared. */
  owner: object | null;
  items: (T | undefined)[];
}

export class ChunkedArray<T> {
  private chunks: Chunk<T>[] = [];
  private len = 0;
  private readonly token = {};

  /** One past the highest index set so far (like Array.length). */
  get length(): number {
    return this.len;
  }

  /** The value at `i`, or undefined if never set (or `i` is out of range). */
  get(i: number): T | undefined {
    if (!(i >= 0 && i < this.len)) return undefined;
    return this.chunks[i >> CHUNK_BITS].items[i & MASK];
  }

  /**
   * Sets the value at `i`, growing the array as needed.
   * @throws RangeError unless `i` is an integer >= 0
   */
  set(i: number, v: T): void {
    if (!(Number.isInteger(i) && i >= 0)) throw new RangeError(`chunked array: bad index ${i}`);
    const k = i >> CHUNK_BITS;
    while (this.chunks.length <= k) this.chunks.push({ owner: this.token, items: [] });
    let c = this.chunks[k];
    if (c.owner !== this.token) {
      c = { owner: this.token, items: c.items.slice() };
      this.chunks[k] = c;
    }
    c.items[i & MASK] = v;
    if (i >= this.len) this.len = i + 1;
  }

  /** A copy sharing every chunk (O(length / 1024)); from now on both sides copy a chunk before writing it. */
  clone(): ChunkedArray<T> {
    for (const ch of this.chunks) ch.owner = null;
    const c = new ChunkedArray<T>();
    c.chunks = this.chunks.slice();
    c.len = this.len;
    return c;
  }
}

/** CHUNK, for tests. */
export const CHUNKED_ARRAY_CHUNK = CHUNK;
