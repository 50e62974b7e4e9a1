/**
 * The discrete-event queue: a binary min-heap ordered by simulated time (ms), ties broken by
 * insertion order (`seq`), so two runs with the same inputs pop events in the same order.
 */

/** Anything the queue can hold: a time and a sequence number the queue assigns. */
export interface Scheduled {
  atMs: number;
  seq: number;
}

export class EventHeap<T extends Scheduled> {
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Adds `item`, stamping its `seq`. */
  push(item: T): void {
    item.seq = this.nextSeq++;
    const a = this.items;
    let i = a.length;
    a.push(item);
    // Sift up, moving parents down into the hole.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (!before(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  /** The earliest item without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    const n = a.length;
    if (n > 0) {
      // Sift the last item down from the root, moving smaller children up into the hole.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(a[r], a[l]) ? r : l;
        if (!before(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Copies of the queued items (shallow) and the sequence counter, for checkpoints. */
  save(): { items: T[]; nextSeq: number } {
    return { items: this.items.slice(), nextSeq: this.nextSeq };
  }

  restore(s: { items: T[]; nextSeq: number }): void {
    this.items = s.items.slice();
    this.nextSeq = s.nextSeq;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
