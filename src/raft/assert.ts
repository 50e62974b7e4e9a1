/**
 * Assertions of the Raft core's internal rules. They are always on (in the app, tests, the CLI and
 * the fuzzer) and throw a `RaftAssertionError` naming the rule broken; a correct node never trips
 * one, whatever its inputs. They are not the Figure 3 safety properties: those are properties of a
 * whole cluster, which the invariant checker (src/check/invariants.ts) reports without stopping the
 * run, and which the `unsafe` switches break on purpose. These are rules a single node keeps by
 * construction; where an unsafe switch could reach one, the code says so and handles it.
 */
import type { NodeId } from './types';

/** The internal rules asserted, with the source of each. */
export type RaftRule =
  /** commitIndex never decreases while a server runs (Figure 2: "index of highest log entry known to be committed"). */
  | 'commitIndexMonotonic'
  /** lastApplied ≤ commitIndex (Figure 2, All Servers: only committed entries are applied). */
  | 'appliedWithinCommit'
  /** commitIndex ≤ the index of the last log entry (a server can only know entries it holds are committed). */
  | 'commitWithinLog'
  /** A leader never overwrites or deletes entries in its log; it only appends (Figure 3, Leader Append-Only). */
  | 'leaderAppendOnly'
  /** matchIndex < nextIndex for every follower (etcd raft tracker/progress.go: "Invariant: 0 <= Match < Next"). */
  | 'matchBelowNext'
  /** At most maxInflightMsgs AppendEntries in flight to a follower (etcd raft tracker/inflights.go Add). */
  | 'inflightBound'
  /** Inflights are added in increasing index order (etcd raft tracker/inflights.go Add). */
  | 'inflightOrder'
  /** The log is compacted only up to lastApplied, and a compacted log always has a snapshot (Raft paper §7: only applied entries are snapshotted). */
  | 'compactApplied'
  /** Roles change only along the statechart's transitions (Figure 4; etcd raft panics on "invalid transition [leader -> pre-candidate]"). */
  | 'roleTransition'
  /** With asyncStorage, an acknowledgement held for a write id is released only by a write that is emitted. */
  | 'persistReserved';

/** Thrown when a node breaks one of its internal rules: a bug in src/raft, never a user error. */
export class RaftAssertionError extends Error {
  override readonly name = 'RaftAssertionError';
  /**
   * @param rule  the rule broken
   * @param node  the server whose state broke it
   * @param detail  the values involved, e.g. "commitIndex 7 > last log index 5"
   */
  constructor(readonly rule: RaftRule, readonly node: NodeId, readonly detail: string) {
    super(`${node}: internal Raft rule ${rule} broken: ${detail}`);
  }
}

/**
 * Throws a `RaftAssertionError` for `rule` unless `ok`. `detail` is only called on failure, so the
 * happy path builds no strings.
 * @throws RaftAssertionError when `ok` is false
 */
export function raftAssert(ok: boolean, rule: RaftRule, node: NodeId, detail: () => string): asserts ok {
  if (!ok) throw new RaftAssertionError(rule, node, detail());
}
