/**
 * A model of one server's stable storage for RaftConfig.asyncStorage: a write-ahead log of hard
 * states and entries plus the snapshots, as etcd's server keeps them (wal/ and snap/: a restart
 * loads the newest snapshot and replays the WAL records after it). Pure data, no clock: the host
 * decides when a write completes (e.g. `cluster.fsyncMs` after it was issued).
 *
 * Use: `write(effect)` for every `persist` effect of the node, in order; `complete(id)` when the
 * write `id` reached the disk (then step the node with `{ type: 'persisted', id }`); `crash()` when
 * the server crashes (writes still in progress are lost); `state()` for the PersistentState to
 * restart the node from. Write ids restart at 1 with each node incarnation: after `crash()` the
 * next `write` may carry id 1 again.
 */
import type { LogEntry, PersistentState, PersistWrite, Snapshot } from './types';

export class Wal<C = unknown> {
  /** Completed writes, replayed over `base` (oldest first). */
  private done: PersistWrite<C>[] = [];
  /** Writes issued and not completed, in order. */
  private inProgress: PersistWrite<C>[] = [];
  /** The durable state the records are replayed over (the initial state, then compacted records folded in). */
  private base: PersistentState<C>;

  /**
   * @param initial  what is on stable storage before the first write (a fresh server's empty state,
   *   or a scenario's initial log); copied
   */
  constructor(initial: PersistentState<C> = { currentTerm: 0, votedFor: null, log: [] }) {
    this.base = copy(initial);
  }

  /** Records a write the node asked for (a `persist` effect); it is in progress until `complete`. @throws Error when ids do not increase */
  write(w: PersistWrite<C>): void {
    const last = this.inProgress.length ? this.inProgress[this.inProgress.length - 1].id : 0;
    if (w.id <= last) throw new Error(`WAL: write ${w.id} issued after write ${last}`);
    this.inProgress.push({ id: w.id, hardState: { ...w.hardState }, ...(w.entries ? { entries: { fromIndex: w.entries.fromIndex, entries: w.entries.entries.slice() } } : {}), ...(w.snapshot ? { snapshot: w.snapshot } : {}) });
  }

  /** Writes up to and including `id` reached the disk (fsync returned), in order. Returns how many completed. */
  complete(id: number): number {
    let n = 0;
    while (n < this.inProgress.length && this.inProgress[n].id <= id) n++;
    this.done.push(...this.inProgress.splice(0, n));
    // Fold old records into the base so that the record list stays short.
    if (this.done.length > 64) {
      this.base = replay(this.base, this.done);
      this.done = [];
    }
    return n;
  }

  /** The id of the last write issued and not completed, or 0. */
  get pendingId(): number {
    return this.inProgress.length ? this.inProgress[this.inProgress.length - 1].id : 0;
  }

  /** Ids of the writes in progress, oldest first. */
  get pendingIds(): number[] {
    return this.inProgress.map((w) => w.id);
  }

  /** The server crashed: writes in progress never reach the disk. Returns how many were lost. */
  crash(): number {
    const lost = this.inProgress.length;
    this.inProgress = [];
    return lost;
  }

  /**
   * What a restart finds on stable storage: the newest snapshot, the entries after it and the last
   * hard state (currentTerm, votedFor, commitIndex), from the completed writes only. A fresh object.
   */
  state(): PersistentState<C> {
    return replay(this.base, this.done);
  }
}

function copy<C>(p: PersistentState<C>): PersistentState<C> {
  const out: PersistentState<C> = { currentTerm: p.currentTerm, votedFor: p.votedFor, log: p.log.slice() };
  if (p.compacted && p.compacted.index > 0) out.compacted = { ...p.compacted };
  if (p.snapshot) out.snapshot = p.snapshot;
  if (p.commitIndex) out.commitIndex = p.commitIndex;
  return out;
}

/**
 * Replays `records` over `base`: each record's snapshot (if any) first — the entries it covers are
 * dropped, all of them when the log does not hold its last entry with its term (an installed
 * snapshot replaces the log) — then its entries (the log from `fromIndex` on is replaced), then its
 * hard state.
 * @throws Error when a record's entries start past the end of the log (a gap: writes out of order)
 */
function replay<C>(base: PersistentState<C>, records: readonly PersistWrite<C>[]): PersistentState<C> {
  const p = copy(base);
  let first = (p.compacted?.index ?? 0) + 1;
  let log: LogEntry<C>[] = p.log;
  for (const r of records) {
    if (r.snapshot) {
      const s: Snapshot = r.snapshot;
      const i = s.metadata.index;
      const held = i >= first && i < first + log.length ? log[i - first] : undefined;
      log = held && held.term === s.metadata.term ? log.slice(i - first + 1) : i < first ? log.slice(Math.max(0, i + 1 - first)) : [];
      if (i >= first - 1) {
        first = i + 1;
        p.compacted = { index: i, term: s.metadata.term };
      }
      if (!p.snapshot || i >= p.snapshot.metadata.index) p.snapshot = s;
    }
    if (r.entries) {
      const from = r.entries.fromIndex;
      if (from > first + log.length) throw new Error(`WAL: entries from index ${from} after a log that ends at ${first + log.length - 1}`);
      // Entries behind the snapshot (only an unsafe switch rewrites committed entries) are already in it.
      const skip = Math.max(0, first - from);
      log = log.slice(0, Math.max(0, from - first)).concat(r.entries.entries.slice(skip));
    }
    p.currentTerm = r.hardState.currentTerm;
    p.votedFor = r.hardState.votedFor;
    p.commitIndex = r.hardState.commitIndex;
  }
  p.log = log;
  if (p.commitIndex === 0) delete p.commitIndex;
  return p;
}
