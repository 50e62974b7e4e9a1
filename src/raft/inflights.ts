/**
 * Flow control of a leader's AppendEntries to one follower in `replicate` (etcd raft
 * tracker/inflights.go): the last log index carried by each AppendEntries sent and not yet
 * acknowledged, oldest first. The leader checks `full` before sending, `add`s each AppendEntries it
 * sends with entries, and `freeLE`s on each acknowledgement. etcd also caps bytes; entries here have
 * no size, so only the count is capped.
 */
import { raftAssert } from './assert';
import type { NodeId } from './types';

/** The AppendEntries in flight to one follower, by the last index each carries (etcd raft tracker.Inflights). */
export class Inflights {
  /** Last index of each AppendEntries in flight, increasing. At most `size` long, so a plain array. */
  private indexes: number[] = [];

  /**
   * @param size  the most AppendEntries in flight at once (RaftConfig.maxInflightMsgs, ≥ 1)
   * @param owner  the leader keeping it, for assertion messages
   */
  constructor(readonly size: number, private readonly owner: NodeId = '?') {}

  /** Number of AppendEntries in flight (etcd Inflights.Count). */
  get count(): number {
    return this.indexes.length;
  }

  /** Whether no more AppendEntries may be sent until one is acknowledged (etcd Inflights.Full). */
  get full(): boolean {
    return this.indexes.length >= this.size;
  }

  /**
   * Records an AppendEntries whose last entry is `index` (etcd Inflights.Add).
   * @throws RaftAssertionError (inflightBound) when full; (inflightOrder) when `index` is not above the last one added
   */
  add(index: number): void {
    raftAssert(!this.full, 'inflightBound', this.owner, () => `adding index ${index} to ${this.count} inflights, maxInflightMsgs ${this.size}`);
    const last = this.indexes.length ? this.indexes[this.indexes.length - 1] : -1;
    raftAssert(index > last, 'inflightOrder', this.owner, () => `adding index ${index} after ${last}`);
    this.indexes.push(index);
  }

  /** Frees every AppendEntries whose last index is ≤ `index`: the follower holds them (etcd Inflights.FreeLE). */
  freeLE(index: number): void {
    let i = 0;
    while (i < this.indexes.length && this.indexes[i] <= index) i++;
    if (i > 0) this.indexes.splice(0, i);
  }

  /** Frees everything (etcd Inflights.reset, on a change of Progress state). */
  reset(): void {
    this.indexes.length = 0;
  }

  /** An independent copy (for checkpoints). */
  clone(): Inflights {
    const c = new Inflights(this.size, this.owner);
    c.indexes = this.indexes.slice();
    return c;
  }
}
