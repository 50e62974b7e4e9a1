/**
 * The discrete-event queue: a binary min-heap ordered by simulated time (ms), ties broken by
 * insertion order, so two runs with the same inputs pop events in the same order.
 *
 * The ordering keys (time and insertion number) sit in typed arrays beside the items, so sifting
 * compares numbers in two flat arrays instead of reading fields of scattered objects.
 */

/** Anything the queue can hold: a time in ms of simulated time. */
export interface Scheduled {
  atMs: number;
}

/** A saved queue (see `save`): items in heap order with their keys, and the insertion counter. */
export interface SavedHeap<T> {
  items: T[];
  times: Float64Array;
  seqs: Float64Array;
  nextSeq: number;
}

export class EventHeap<T> {
  private items: T[] = [];
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Adds `item` at `atMs` (default `item.atMs`), after every item already queued at the same time. */
  push(item: T, atMs: number = (item as unknown as Scheduled).atMs): void {
    const a = this.items;
    let i = a.length;
    if (i === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const t = atMs;
    const s = this.nextSeq++;
    a.push(item);
    // Sift up, moving parents down into the hole.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < t || (pt === t && seqs[p] < s)) break;
      a[i] = a[p];
      times[i] = pt;
      seqs[i] = seqs[p];
      i = p;
    }
    a[i] = item;
    times[i] = t;
    seqs[i] = s;
  }

  /** The earliest item without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** The time of the earliest item (undefined behaviour when empty: check `size`). */
  peekTime(): number {
    return this.times[0];
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.items;
    const n = a.length - 1;
    if (n < 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (n > 0) {
      const times = this.times;
      const seqs = this.seqs;
      const t = times[n];
      const s = seqs[n];
      // Sift the last item down from the root, moving smaller children up into the hole.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l]))) c = r;
        const ct = times[c];
        if (ct > t || (ct === t && seqs[c] > s)) break;
        a[i] = a[c];
        times[i] = ct;
        seqs[i] = seqs[c];
        i = c;
      }
      a[i] = last;
      times[i] = t;
      seqs[i] = s;
    }
    return top;
  }

  /** How many items were ever pushed (the insertion counter that breaks ties): a replay checks it matches. */
  get insertions(): number {
    return this.nextSeq;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
  }

  /** A copy of the queue's state (items shallow), for checkpoints. */
  save(): SavedHeap<T> {
    const n = this.items.length;
    return { items: this.items.slice(), times: this.times.slice(0, n), seqs: this.seqs.slice(0, n), nextSeq: this.nextSeq };
  }

  /** Restores a saved state; `items` may have been replaced by copies (same order, same times). */
  restore(s: SavedHeap<T>): void {
    const n = s.items.length;
    this.items = s.items.slice();
    this.times = new Float64Array(Math.max(64, n * 2));
    this.times.set(s.times.subarray(0, n));
    this.seqs = new Float64Array(Math.max(64, n * 2));
    this.seqs.set(s.seqs.subarray(0, n));
    this.nextSeq = s.nextSeq;
  }
}
