/**
 * Observers: how checkers, the trace and anything else that watches a run subscribe to the engine
 * without the engine knowing them. The engine (through its host and its own loop) calls each
 * attached observer's hooks in the order the observers were attached; an observer only reads what
 * it is given and never changes the run.
 *
 * Observers are part of the run's state: `Simulation.clone` clones every observer, so a checkpoint
 * or a branch carries its own copy (a checker's memory of what was committed, the trace so far).
 *
 * The hooks mirror the Raft paper's Figure 3 bookkeeping (the invariant checker in
 * src/check/invariants.ts implements them all); every time is ms of simulated time.
 */
import type { LogEntry, NodeId, Role } from '../raft/types';
import type { TraceEvent } from './types';

/**
 * What an observer reads of a server at a hook: a view the host reuses and the live log, so read
 * it during the call and don't keep it (copy what you need).
 */
export interface ObservedNode {
  id: NodeId;
  role: Role;
  currentTerm: number;
  /** The entries kept, from `firstIndex` on (index 1 when nothing was compacted). */
  log: readonly LogEntry[];
  commitIndex: number;
  /** Index of `log[0]` (compactedIndex + 1); absent: 1. */
  firstIndex?: number;
  /** The entry at `index`, or undefined (past the end or compacted away). */
  entryAt?(index: number): LogEntry | undefined;
  /** The term of the entry at `index`; it still answers for the last compacted index (the snapshot's). */
  termAt?(index: number): number;
  /** Index and term of the latest snapshot (0 when none). */
  snapshotIndex?: number;
  snapshotTerm?: number;
}

/** Hooks an observer may implement; every hook is optional except `clone`. */
export interface SimObserver {
  /** A trace event was recorded (role change, note, fault, client invoke/return, caption, step outcome). */
  onTrace?(e: TraceEvent): void;
  /** A server changed role (Raft paper Figure 4); `n` is its state after the change. */
  onRoleChanged?(n: ObservedNode, atMs: number): void;
  /** Entries of `n` from `fromIndex` on were removed or overwritten, in a step that began with commitIndex `commitBefore`. */
  onLogChanged?(n: ObservedNode, fromIndex: number, commitBefore: number, atMs: number): void;
  /** Entries were appended to `n` from `fromIndex` on (also for a server's initial log, at time 0). */
  onAppended?(n: ObservedNode, fromIndex: number, atMs: number): void;
  /** `n`'s commitIndex rose from `fromIndex` to n.commitIndex; `leaders` are the live servers in role leader now. */
  onCommitted?(n: ObservedNode, fromIndex: number, leaders: ObservedNode[], atMs: number): void;
  /** Server `id` is about to apply `entry` at `index` to its state machine. */
  onApplied?(id: NodeId, index: number, entry: LogEntry, atMs: number): void;
  /**
   * Server `id` applied `index`; `state` is a digest of its KV state after it (revision, number of
   * keys and a hash of every key and value; kvDigest.ts): equal states give equal texts.
   */
  onAppliedState?(id: NodeId, index: number, state: string, atMs: number): void;
  /** After every step of a server: its persistent currentTerm and votedFor (Raft paper Figure 2). */
  onPersistentState?(id: NodeId, currentTerm: number, votedFor: NodeId | null, atMs: number): void;
  /** Server `id` restarted from its persistent state (it applies from index 1 again, or from its snapshot). */
  onRestart?(id: NodeId): void;
  /**
   * `n` compacted its log into a snapshot (taken, or installed from the leader): its
   * snapshotIndex/snapshotTerm are the snapshot's (Raft paper §7; a snapshot is a committed prefix).
   */
  onSnapshot?(n: ObservedNode, atMs: number): void;
  /**
   * Server `id` replaced its state machine with a snapshot's at `index` (installed, or on restart);
   * `state` is the restored KV state's digest (as onAppliedState's). Its next apply is index + 1.
   */
  onSnapshotRestored?(id: NodeId, index: number, state: string, atMs: number): void;
  /** An independent copy with the same memory (for checkpoints and branches). */
  clone(): SimObserver;
}

/** One broken rule, as a checker reports it. */
export interface CheckerViolation {
  /** The rule's name, e.g. "Election Safety" (Raft paper Figure 3). */
  property: string;
  atMs: number;
  nodes: NodeId[];
  detail: string;
}

/** An observer that judges the run: `Simulation.checker` (the invariant checker is one). */
export interface SimChecker extends SimObserver {
  /** No violation so far. */
  readonly ok: boolean;
  /** Every violation so far, in the order found. */
  readonly violations: readonly CheckerViolation[];
  clone(): SimChecker;
}

/** The run's trace as an observer: keeps every trace event, in order. */
export class TraceLog implements SimObserver {
  constructor(public events: TraceEvent[] = []) {}

  onTrace(e: TraceEvent): void {
    this.events.push(e);
  }

  /** A copy sharing the (immutable) events, not the array. */
  clone(): TraceLog {
    return new TraceLog(this.events.slice());
  }
}
