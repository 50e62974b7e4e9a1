/**
 * A leader's view of one follower (etcd raft tracker/progress.go `Progress`): nextIndex and
 * matchIndex of the Raft paper's Figure 2, plus the flow-control state that decides when to send.
 *
 * - `probe`: the leader does not know where the follower's log matches its own. It sends one
 *   AppendEntries with entries from nextIndex and waits for the answer (a rejection backs nextIndex
 *   off using the follower's conflict hints, §5.3); a heartbeat response lets it try again.
 * - `replicate`: the logs match up to matchIndex; the leader sends new entries as soon as it has
 *   them, advancing nextIndex optimistically, with at most `maxInflightMsgs` AppendEntries
 *   unacknowledged. A rejection sends it back to probe.
 * - `snapshot`: waiting for an InstallSnapshot to land; nothing else is sent meanwhile. The
 *   follower's answer (or two heartbeat responses without one) ends it (see RaftNode).
 *
 * The transitions are driven by the leader (src/raft/node.ts); this class keeps the numbers and
 * asserts matchIndex < nextIndex and inflight ≤ maxInflightMsgs after every change.
 */
import { raftAssert } from './assert';
import { Inflights } from './inflights';
import type { NodeId, ProgressState, ProgressView } from './types';

/** A leader's view of one follower: nextIndex, matchIndex and flow control (etcd raft tracker.Progress). */
export class Progress {
  state: ProgressState = 'probe';
  /** Highest index known to be replicated on the follower (Figure 2 matchIndex; etcd Match). */
  matchIndex = 0;
  /** Next index to send (Figure 2 nextIndex; etcd Next). Entries in (matchIndex, nextIndex) are in flight. */
  nextIndex: number;
  /**
   * In probe: an AppendEntries with entries has been sent and not answered, so no other is sent
   * (etcd MsgAppFlowPaused in StateProbe). Cleared by the answer or by a heartbeat response.
   */
  probeSent = false;
  /** In snapshot: the index of the snapshot being sent (etcd PendingSnapshot). */
  pendingSnapshot = 0;
  /**
   * In replicate: heartbeat responses received while entries were in flight since the follower last
   * acknowledged one. At 2 the in-flight AppendEntries are presumed lost (see RaftNode).
   */
  heartbeatsWithoutAck = 0;
  /**
   * The follower answered an AppendEntries since the leader's last CheckQuorum check (etcd raft
   * Progress.RecentActive; thesis §6.2). Only CheckQuorum reads it.
   */
  recentActive = false;
  /** Unacknowledged AppendEntries (replicate only). */
  readonly inflights: Inflights;

  /**
   * A follower's Progress as a new leader creates it (Figure 2: nextIndex = leader's last log index
   * + 1, matchIndex = 0), in probe (etcd raft `reset`).
   * @param id  the follower
   * @param owner  the leader, for assertion messages
   * @param nextIndex  ≥ 1
   * @param maxInflightMsgs  ≥ 1
   */
  constructor(readonly id: NodeId, readonly owner: NodeId, nextIndex: number, maxInflightMsgs: number, inflights?: Inflights) {
    this.nextIndex = nextIndex;
    this.inflights = inflights ?? new Inflights(maxInflightMsgs, owner);
    this.check();
  }

  private check(): void {
    raftAssert(this.matchIndex < this.nextIndex, 'matchBelowNext', this.owner, () => `${this.id}: matchIndex ${this.matchIndex} ≥ nextIndex ${this.nextIndex}`);
    raftAssert(this.inflights.count <= this.inflights.size, 'inflightBound', this.owner, () => `${this.id}: ${this.inflights.count} inflights > ${this.inflights.size}`);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.heartbeatsWithoutAck = 0;
    this.inflights.reset();
  }

  /** To probe, probing from matchIndex + 1 (etcd Progress.BecomeProbe; after a snapshot, from past it). */
  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.nextIndex = Math.max(this.matchIndex + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.nextIndex = this.matchIndex + 1;
    }
    this.check();
  }

  /** To replicate, sending from matchIndex + 1 (etcd Progress.BecomeReplicate). */
  becomeReplicate(): void {
    this.resetState('replicate');
    this.nextIndex = this.matchIndex + 1;
    this.check();
  }

  /** To snapshot, waiting for the snapshot at `snapshotIndex` (etcd Progress.BecomeSnapshot). */
  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
    this.nextIndex = snapshotIndex + 1;
    this.check();
  }

  /**
   * Whether sending entries is held back (etcd Progress.IsPaused): in probe while a probe is
   * unanswered, in replicate while maxInflightMsgs AppendEntries are unacknowledged, always in snapshot.
   */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe': return this.probeSent;
      case 'replicate': return this.inflights.full;
      case 'snapshot': return true;
    }
  }

  /**
   * Records an AppendEntries carrying `count` entries from nextIndex on (etcd Progress.SentEntries):
   * in replicate nextIndex moves past them and the message counts as in flight; in probe nextIndex
   * stays and the probe holds back further sends until it is answered.
   * @throws RaftAssertionError (inflightBound) in replicate when maxInflightMsgs are already in flight
   */
  sentEntries(count: number): void {
    if (count === 0) return;
    if (this.state === 'replicate') {
      this.nextIndex += count;
      this.inflights.add(this.nextIndex - 1);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
    this.check();
  }

  /**
   * A successful AppendEntriesResponse acknowledged `index` (etcd Progress.MaybeUpdate). Returns
   * false, changing nothing, when it says nothing new (index ≤ matchIndex: a stale or duplicated
   * response, or a heartbeat's). Otherwise raises matchIndex (and nextIndex past it), answers an
   * outstanding probe and frees the inflights it covers.
   */
  maybeUpdate(index: number): boolean {
    if (index <= this.matchIndex) return false;
    this.matchIndex = index;
    if (this.nextIndex < index + 1) this.nextIndex = index + 1;
    this.probeSent = false;
    this.heartbeatsWithoutAck = 0;
    this.inflights.freeLE(index);
    this.check();
    return true;
  }

  /**
   * A rejection of the AppendEntries whose prevLogIndex was `rejected` (etcd Progress.MaybeDecrTo).
   * `hintNextIndex` is where the follower's conflict hints say to try next (§5.3).
   * Returns false, changing nothing, for a stale rejection: in replicate one at or below matchIndex;
   * in probe one that is not for the probe outstanding (prevLogIndex ≠ nextIndex − 1). Otherwise
   * lowers nextIndex (in replicate to matchIndex + 1; in probe to the hint, at most `rejected` and at
   * least matchIndex + 1) and clears the probe for sending.
   */
  maybeDecrTo(rejected: number, hintNextIndex: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.matchIndex) return false;
      this.nextIndex = this.matchIndex + 1;
      this.check();
      return true;
    }
    if (this.nextIndex - 1 !== rejected) return false;
    this.nextIndex = Math.max(Math.min(rejected, hintNextIndex), this.matchIndex + 1);
    this.probeSent = false;
    this.check();
    return true;
  }

  /** Plain-data copy for the inspector. */
  view(): ProgressView {
    return {
      id: this.id, state: this.state, nextIndex: this.nextIndex, matchIndex: this.matchIndex,
      inflight: this.inflights.count, maxInflight: this.inflights.size, paused: this.isPaused(),
      ...(this.state === 'snapshot' ? { pendingSnapshot: this.pendingSnapshot } : {}),
    };
  }

  /** An independent copy (for checkpoints). */
  clone(): Progress {
    const c = new Progress(this.id, this.owner, this.nextIndex, this.inflights.size, this.inflights.clone());
    c.state = this.state;
    c.matchIndex = this.matchIndex;
    c.probeSent = this.probeSent;
    c.pendingSnapshot = this.pendingSnapshot;
    c.heartbeatsWithoutAck = this.heartbeatsWithoutAck;
    c.recentActive = this.recentActive;
    return c;
  }
}
