/**
 * The five safety properties of the Raft paper's Figure 3, checked incrementally as a run goes:
 * Election Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine Safety.
 * It is an observer of the engine (src/sim/observer.ts): the engine's host calls the hooks after
 * each step of a server; a violation names the property, the time (ms of simulated time), the
 * servers and what went wrong. Whoever builds a Simulation attaches it (`checkedSimulation`, or the
 * scenario runner's `simulationFor`).
 */
import type { LogEntry, NodeId } from '../raft/types';
import { Simulation, type SimConfig } from '../sim/engine';
import type { ObservedNode, SimChecker } from '../sim/observer';
import { ChunkedArray } from './chunkedArray';

export type SafetyProperty =
  | 'Election Safety'
  | 'Leader Append-Only'
  | 'Log Matching'
  | 'Leader Completeness'
  | 'State Machine Safety'
  /** currentTerm never decreases, and votedFor never changes within a term (across restarts too). */
  | 'Term and Vote Persistence'
  /** A server applies indexes 1, 2, 3, … with no gap or repeat (restarting from 1 after a crash). */
  | 'Applied In Order'
  /** Two servers at the same lastApplied hold identical KV contents and revision. */
  | 'Replica Agreement';

export interface Violation {
  property: SafetyProperty;
  atMs: number;
  nodes: NodeId[];
  detail: string;
}

/**
 * What the checker reads of a server: the engine's ObservedNode plus, once logs are compacted
 * (Raft paper §7), the node's log API (src/raft/HOST13.md §6): `log[0]` holds index `firstIndex`,
 * `entryAt(i)` reads by index, `termAt(firstIndex − 1)` is the compacted entry's term, and
 * `snapshotIndex`/`snapshotTerm` name the latest snapshot. Every member beyond ObservedNode is
 * optional (absent: nothing compacted, firstIndex 1), so a RaftNode itself is a CheckedNode.
 */
export type CheckedNode = ObservedNode & {
  firstIndex?: number;
  entryAt?(index: number): LogEntry | undefined;
  termAt?(index: number): number;
  snapshotIndex?: number;
  snapshotTerm?: number;
};

/** Index of the first entry `n` still holds (1 unless compacted). */
function firstIndexOf(n: CheckedNode): number {
  return n.firstIndex ?? 1;
}

/** Index of `n`'s last log entry, counting the compacted prefix. */
function lastIndexOf(n: CheckedNode): number {
  return firstIndexOf(n) - 1 + n.log.length;
}

/** `n`'s entry at `index`, or undefined when past the end or compacted away. */
function entryOf(n: CheckedNode, index: number): LogEntry | undefined {
  if (n.entryAt) return n.entryAt(index);
  const f = firstIndexOf(n);
  return index >= f ? n.log[index - f] : undefined;
}

/** The term of `n`'s entry at `index`: 0 at index 0; the compacted entry's term just below firstIndex when known; else undefined. */
function termOf(n: CheckedNode, index: number): number | undefined {
  if (index === 0) return 0;
  const f = firstIndexOf(n);
  if (index >= f) return entryOf(n, index)?.term;
  if (index === f - 1) {
    if (n.termAt) return n.termAt(index);
    if (n.snapshotIndex === index) return n.snapshotTerm;
  }
  return undefined;
}

function sameCommand(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function sameEntry(a: LogEntry, b: LogEntry): boolean {
  return a === b || (a.term === b.term && sameCommand(a.command, b.command));
}

export class InvariantChecker implements SimChecker {
  readonly violations: Violation[] = [];
  /** Election Safety: the one leader of each term. */
  private leaderOfTerm = new Map<number, NodeId>();
  /**
   * Log Matching: for each (index, term) seen in any log, the entry and the term before it. The
   * first term seen at an index lives in chunked arrays shared by copies (a checkpoint costs
   * O(log / 1024), chunkedArray.ts); other terms at the same index (rare: divergent logs) in
   * `seenOther`, keyed "index:term".
   */
  private seenTerm = new ChunkedArray<number>();
  private seenRec = new ChunkedArray<{ entry: LogEntry; prevTerm: number; node: NodeId }>();
  private seenOther = new Map<string, { entry: LogEntry; prevTerm: number; node: NodeId }>();
  /**
   * Leader Completeness: committed entries by index, which server committed each first, and the
   * term in which it was committed (the first committer's currentTerm: a leader commits before any
   * follower learns of it). The property binds leaders of terms after the commit term.
   */
  private committed = new ChunkedArray<LogEntry>();
  private committedBy = new ChunkedArray<NodeId>();
  private committedInTerm = new ChunkedArray<number>();
  /** State Machine Safety: the entry applied at each index, and by whom first. */
  private applied = new ChunkedArray<LogEntry>();
  private appliedBy = new ChunkedArray<NodeId>();
  /** Per server: last seen currentTerm and votedFor, and last applied index. */
  private termVote = new Map<NodeId, { term: number; votedFor: NodeId | null }>();
  private lastApplied = new Map<NodeId, number>();
  /** The KV state digest (revision, keys, hash of the contents; src/sim/kvDigest.ts) after applying each index, by the first server to apply it. */
  private stateAt = new ChunkedArray<string>();
  /**
   * Snapshots seen (a snapshot is a committed prefix, paper §7): by last included index, its term
   * and the first server seen holding it; checked against the entry committed at that index.
   */
  private snapshotAt = new Map<number, { term: number; node: NodeId }>();
  /** Violations already reported, to report each problem once. */
  private reported = new Set<string>();

  get ok(): boolean {
    return this.violations.length === 0;
  }

  private report(key: string, v: Violation): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.violations.push(v);
  }

  /** A server changed role; `leaders` are the other servers currently in role leader. */
  onRoleChanged(n: CheckedNode, atMs: number): void {
    if (n.role !== 'leader') return;
    const prev = this.leaderOfTerm.get(n.currentTerm);
    if (prev !== undefined && prev !== n.id) {
      this.report(`es:${n.currentTerm}`, {
        property: 'Election Safety', atMs, nodes: [prev, n.id],
        detail: `two leaders in term ${n.currentTerm}: ${prev} and ${n.id}`,
      });
    } else {
      this.leaderOfTerm.set(n.currentTerm, n.id);
    }
    // Leader Completeness: every entry committed so far must be in the new leader's log; an index
    // it compacted is in its snapshot (checked against the committed entry in onSnapshot).
    for (let i = firstIndexOf(n); i < this.committed.length; i++) {
      const c = this.committed.get(i);
      if (!c || this.committedInTerm.get(i)! >= n.currentTerm) continue;
      const mine = entryOf(n, i);
      if (!mine || !sameEntry(mine, c)) {
        this.report(`lc:${n.id}:${n.currentTerm}:${i}`, {
          property: 'Leader Completeness', atMs, nodes: [n.id, this.committedBy.get(i)!],
          detail: `${n.id} became leader of term ${n.currentTerm} without the entry committed at index ${i} (term ${c.term})`,
        });
        return;
      }
    }
  }

  /**
   * Existing entries of `n` from `fromIndex` on were removed or overwritten during a step that
   * began with commitIndex `commitBefore`.
   */
  onLogChanged(n: CheckedNode, fromIndex: number, commitBefore: number, atMs: number): void {
    if (n.role === 'leader') {
      this.report(`lao:${n.id}:${n.currentTerm}`, {
        property: 'Leader Append-Only', atMs, nodes: [n.id],
        detail: `leader ${n.id} (term ${n.currentTerm}) overwrote or deleted entries from index ${fromIndex}`,
      });
    }
    if (fromIndex <= commitBefore) {
      this.report(`smsc:${n.id}:${fromIndex}`, {
        property: 'State Machine Safety', atMs, nodes: [n.id],
        detail: `${n.id} removed or overwrote its entry at index ${fromIndex}, which it had already committed (commitIndex ${commitBefore})`,
      });
    }
    this.checkLogMatching(n, fromIndex, atMs);
  }

  /** Entries were appended to `n` from `fromIndex` on. */
  onAppended(n: CheckedNode, fromIndex: number, atMs: number): void {
    this.checkLogMatching(n, fromIndex, atMs);
  }

  /**
   * Log Matching, checked inductively: every (index, term) pair seen anywhere must carry the same
   * command and follow an entry of the same term; by induction equal (index, term) pairs then have
   * identical prefixes.
   */
  private checkLogMatching(n: CheckedNode, fromIndex: number, atMs: number): void {
    const first = firstIndexOf(n);
    const last = lastIndexOf(n);
    for (let i = Math.max(1, fromIndex, first); i <= last; i++) {
      const e = entryOf(n, i)!;
      // Just after a compacted prefix the term before is the compacted entry's (−1 when unknown: not compared).
      const prevTerm = termOf(n, i - 1) ?? -1;
      let rec: { entry: LogEntry; prevTerm: number; node: NodeId } | undefined;
      const seen = this.seenTerm.get(i);
      if (seen === undefined) {
        this.seenTerm.set(i, e.term);
        this.seenRec.set(i, { entry: e, prevTerm, node: n.id });
        continue;
      } else if (seen === e.term) {
        rec = this.seenRec.get(i)!;
      } else {
        rec = this.seenOther.get(`${i}:${e.term}`);
        if (!rec) {
          this.seenOther.set(`${i}:${e.term}`, { entry: e, prevTerm, node: n.id });
          continue;
        }
      }
      if (rec.prevTerm === -1 && prevTerm !== -1) {
        // The first holder had it just after its compacted prefix: learn the term before it now (records are shared by copies: replace, do not mutate).
        rec = { ...rec, prevTerm };
        if (seen === e.term) this.seenRec.set(i, rec);
        else this.seenOther.set(`${i}:${e.term}`, rec);
      }
      const prevDiffers = rec.prevTerm !== prevTerm && rec.prevTerm !== -1 && prevTerm !== -1;
      if (!sameCommand(rec.entry.command, e.command) || prevDiffers) {
        this.report(`lm:${i}:${e.term}`, {
          property: 'Log Matching', atMs, nodes: [rec.node, n.id],
          detail: rec.node === n.id
            ? `${n.id}'s log changed under its entry of term ${e.term} at index ${i}: ${prevDiffers ? `it now follows an entry of term ${prevTerm} instead of ${rec.prevTerm}` : 'the entry itself differs'}`
            : `${rec.node} and ${n.id} both hold an entry of term ${e.term} at index ${i} but their logs differ ${prevDiffers ? `just before it (terms ${rec.prevTerm} and ${prevTerm})` : 'in that entry'}`,
        });
      }
    }
  }

  /**
   * `n`'s commitIndex rose from `fromIndex` to n.commitIndex. `leaders` are the live leaders now:
   * a newly committed entry must already be in every leader of a later term (Leader Completeness).
   */
  onCommitted(n: CheckedNode, fromIndex: number, leaders: CheckedNode[], atMs: number): void {
    const last = Math.min(n.commitIndex, lastIndexOf(n));
    for (let i = Math.max(fromIndex + 1, firstIndexOf(n)); i <= last; i++) {
      const e = entryOf(n, i)!;
      const c = this.committed.get(i);
      if (!c) {
        this.committed.set(i, e);
        this.committedBy.set(i, n.id);
        this.committedInTerm.set(i, n.currentTerm);
        const snap = this.snapshotAt.get(i);
        if (snap) this.checkSnapshotTerm(snap.node, i, snap.term, atMs);
      }
      const inTerm = this.committedInTerm.get(i)!;
      for (const l of leaders) {
        if (l.currentTerm <= inTerm || i < firstIndexOf(l)) continue;
        const mine = entryOf(l, i);
        if (!mine || !sameEntry(mine, e)) {
          this.report(`lc:${l.id}:${l.currentTerm}:${i}`, {
            property: 'Leader Completeness', atMs, nodes: [l.id, n.id],
            detail: `entry at index ${i} (term ${e.term}) committed in term ${inTerm} by ${n.id} is missing from ${l.id}, leader of later term ${l.currentTerm}`,
          });
        }
      }
    }
  }

  /** `n` applied `entry` at `index` to its state machine. */
  onApplied(n: NodeId, index: number, entry: LogEntry, atMs: number): void {
    const prev = this.applied.get(index);
    if (!prev) {
      this.applied.set(index, entry);
      this.appliedBy.set(index, n);
    } else if (!sameEntry(prev, entry)) {
      const by = this.appliedBy.get(index)!;
      this.report(`sms:${index}`, {
        property: 'State Machine Safety', atMs, nodes: [by, n],
        detail: `${by} applied an entry of term ${prev.term} at index ${index} but ${n} applied a different one of term ${entry.term}`,
      });
    }
  }

  /**
   * `n` took or installed a snapshot (a `compacted` or `restoreSnapshot` effect): its prefix up to
   * n.snapshotIndex is committed (paper §7), so the snapshot's last included term must be the
   * term of the entry committed at that index (State Machine Safety), whenever that is known.
   */
  onSnapshot(n: CheckedNode, atMs: number): void {
    const index = n.snapshotIndex ?? 0;
    if (index === 0) return;
    const term = n.snapshotTerm ?? 0;
    if (!this.snapshotAt.has(index)) this.snapshotAt.set(index, { term, node: n.id });
    else if (this.snapshotAt.get(index)!.term !== term) {
      const other = this.snapshotAt.get(index)!;
      this.report(`snt:${index}:${n.id}`, {
        property: 'State Machine Safety', atMs, nodes: [other.node, n.id],
        detail: `${other.node}'s snapshot ends at index ${index} with term ${other.term} but ${n.id}'s with term ${term}`,
      });
    }
    this.checkSnapshotTerm(n.id, index, term, atMs);
  }

  private checkSnapshotTerm(node: NodeId, index: number, term: number, atMs: number): void {
    const c = index < this.committed.length ? this.committed.get(index) : undefined;
    if (!c || c.term === term) return;
    this.report(`sct:${index}:${node}`, {
      property: 'State Machine Safety', atMs, nodes: [node, this.committedBy.get(index)!],
      detail: `${node}'s snapshot ends at index ${index} with term ${term}, but the entry committed at index ${index} has term ${c.term}`,
    });
  }

  /**
   * `id` replaced its state machine with a snapshot's (a `restoreSnapshot` effect): it now stands
   * at `index` with KV state `state` (a digest, as in onAppliedState) without applying the entries
   * up to it. Its next apply must be index + 1, and its state must equal every other server's
   * after applying `index` (State Machine Safety through the snapshot, HOST13.md §7).
   */
  onSnapshotRestored(id: NodeId, index: number, state: string, atMs: number): void {
    this.lastApplied.set(id, index);
    const first = this.stateAt.get(index);
    if (first === undefined) this.stateAt.set(index, state);
    else if (first !== state) {
      this.report(`ssr:${index}:${id}`, {
        property: 'State Machine Safety', atMs, nodes: [id],
        detail: `${id} restored a snapshot at index ${index} whose key-value state differs from the state other servers had after applying index ${index}`,
      });
    }
  }

  /**
   * After every step of a server: currentTerm must not decrease and votedFor must not change
   * within a term (both are persistent, Figure 2), restarts included.
   */
  onPersistentState(id: NodeId, currentTerm: number, votedFor: NodeId | null, atMs: number): void {
    const prev = this.termVote.get(id);
    if (prev) {
      if (currentTerm < prev.term) {
        this.report(`tv:${id}:t${currentTerm}`, {
          property: 'Term and Vote Persistence', atMs, nodes: [id],
          detail: `${id}'s currentTerm went back from ${prev.term} to ${currentTerm}`,
        });
      } else if (currentTerm === prev.term && prev.votedFor !== null && votedFor !== prev.votedFor) {
        this.report(`tv:${id}:v${currentTerm}`, {
          property: 'Term and Vote Persistence', atMs, nodes: [id],
          detail: `${id}'s vote in term ${currentTerm} changed from ${prev.votedFor} to ${votedFor ?? 'nobody'}`,
        });
      }
    }
    if (!prev || prev.term !== currentTerm || prev.votedFor !== votedFor) this.termVote.set(id, { term: currentTerm, votedFor });
  }

  /** A server restarted: it applies from index 1 again. */
  onRestart(id: NodeId): void {
    this.lastApplied.set(id, 0);
  }

  /**
   * `id` applied `index` and its KV state is now `state` (a digest of the revision and contents,
   * compared as text): indexes must come in order, and every server at this lastApplied must hold
   * the same state.
   */
  onAppliedState(id: NodeId, index: number, state: string, atMs: number): void {
    const last = this.lastApplied.get(id) ?? 0;
    if (index !== last + 1) {
      this.report(`ao:${id}:${index}`, {
        property: 'Applied In Order', atMs, nodes: [id],
        detail: `${id} applied index ${index} right after index ${last}`,
      });
    }
    this.lastApplied.set(id, index);
    const first = this.stateAt.get(index);
    if (first === undefined) this.stateAt.set(index, state);
    else if (first !== state) {
      this.report(`ra:${index}`, {
        property: 'Replica Agreement', atMs, nodes: [id],
        detail: `${id}'s key-value store after applying index ${index} differs from another server's at the same index`,
      });
    }
  }

  /** An independent copy (for checkpoints). */
  clone(): InvariantChecker {
    const c = new InvariantChecker();
    c.violations.push(...this.violations.map((v) => ({ ...v, nodes: v.nodes.slice() })));
    c.leaderOfTerm = new Map(this.leaderOfTerm);
    c.seenTerm = this.seenTerm.clone();
    c.seenRec = this.seenRec.clone();
    c.seenOther = new Map(this.seenOther);
    c.committed = this.committed.clone();
    c.committedBy = this.committedBy.clone();
    c.committedInTerm = this.committedInTerm.clone();
    c.applied = this.applied.clone();
    c.appliedBy = this.appliedBy.clone();
    c.reported = new Set(this.reported);
    c.termVote = new Map(this.termVote);
    c.lastApplied = new Map(this.lastApplied);
    c.stateAt = this.stateAt.clone();
    c.snapshotAt = new Map(this.snapshotAt);
    return c;
  }
}

/** A SimConfig plus whether to check the invariants as the run goes (default true). */
export type CheckedSimConfig = SimConfig & { checkInvariants?: boolean };

/**
 * Builds a Simulation with an InvariantChecker attached from time 0 (`sim.checker`), unless
 * `checkInvariants` is false: the default every caller (CLI, fuzzer, tests, UI, bench) relies on.
 * @throws Error as `new Simulation` does for a bad cluster
 */
export function checkedSimulation(config: CheckedSimConfig): Simulation {
  const { checkInvariants, ...rest } = config;
  return new Simulation(rest, { checker: checkInvariants === false ? null : new InvariantChecker() });
}
