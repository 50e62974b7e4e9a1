/**
 * A leader's linearizable reads without the log (Raft thesis §6.4 "Processing read-only queries
 * more efficiently"; etcd raft read_only.go `readOnly`).
 *
 * ReadIndex: a read that reaches the leader takes the leader's commitIndex as its read index, then
 * waits until the leader has confirmed it is still leader: a heartbeat round sent after the read
 * arrived has been acknowledged by a majority (the leader counts itself). Heartbeats carry a round
 * number (etcd raft's MsgHeartbeat Context), every follower's response echoes it, and this class
 * keeps the highest round each follower acknowledged. The round a quorum has acknowledged (the
 * quorum round, computed by the node over its configuration with quorum.ts, both halves when
 * joint) only grows, so every read whose round is at or below it is confirmed, in order.
 * That is etcd's scheme, with a round counter instead of a count of reads.
 *
 * Lease (thesis §6.4.1; etcd ReadOnlyLeaseBased): the leader also records when, on its own clock,
 * it sent each round. Followers that acknowledged round r heard from it after that time, and with
 * CheckQuorum none of them votes for another server within the minimum election timeout of hearing
 * from it, so no other leader can be elected before sentAt(quorum round) + minimum election timeout,
 * divided by the clock drift bound to allow for clocks that run at different rates.
 *
 * One instance per leadership: a new leader starts with a fresh one (etcd raft `reset`).
 */
import type { NodeId } from './types';

/** A read the leader is confirming. `from` is the follower that asked, or null for a `readIndex` input to the leader itself. */
export interface ReadRequest {
  ctx: string;
  from: NodeId | null;
  /** The leader's commitIndex when the read arrived: the read index (thesis §6.4 step 1). */
  index: number;
  /** The first heartbeat round sent after the read arrived; a majority acknowledging it (or a later one) confirms the read. */
  round: number;
}

/** A read that reached a new leader before it committed an entry of its term (etcd raft pendingReadIndexMessages). */
export interface DeferredRead {
  ctx: string;
  from: NodeId | null;
  /** The read's own confirmation mode, if it gave one (RaftInput readIndex.readOnly). */
  readOnly?: 'safe' | 'leaseBased';
}

/** A leader's pending reads, heartbeat rounds and acknowledgements (etcd raft read_only.go). */
export class ReadOnly {
  /** The latest heartbeat round sent (0: none yet). The leader acknowledges its own rounds at once. */
  round = 0;
  /** The highest round each follower has acknowledged (etcd readOnly.acks). */
  readonly acks = new Map<NodeId, number>();
  /** Reads waiting for a majority to acknowledge their round, in round order (etcd unconfirmedReads). */
  pending: ReadRequest[] = [];
  /** Reads waiting for the leader's first commit in its term. */
  deferred: DeferredRead[] = [];
  /** Lease mode: the leader's local clock when it sent each round not yet below the quorum round. */
  readonly roundSentAtMs = new Map<number, number>();
  /**
   * Set once the leader has sent TimeoutNow in its term: the target's election skips the followers'
   * CheckQuorum lease, so this leader's read lease no longer holds (until it is leader again).
   */
  leaseRevoked = false;

  /** Opens the next heartbeat round; `sentAtMs` (lease mode) is recorded as its send time. */
  nextRound(sentAtMs: number | null): number {
    this.round++;
    if (sentAtMs !== null) this.roundSentAtMs.set(this.round, sentAtMs);
    return this.round;
  }

  /** `peer` acknowledged a heartbeat of `round` (etcd readOnly.recvAck: the highest one counts). */
  ack(peer: NodeId, round: number): void {
    if (round > (this.acks.get(peer) ?? 0)) this.acks.set(peer, round);
  }

  /** Removes and returns the pending reads confirmed by quorum round `quorumRound`, in order; forgets send times of earlier rounds. */
  takeConfirmed(quorumRound: number): ReadRequest[] {
    let n = 0;
    while (n < this.pending.length && this.pending[n].round <= quorumRound) n++;
    const done = n ? this.pending.splice(0, n) : [];
    for (const r of this.roundSentAtMs.keys()) if (r < quorumRound) this.roundSentAtMs.delete(r);
    return done;
  }

  /** An independent copy (for checkpoints). */
  clone(): ReadOnly {
    const c = new ReadOnly();
    c.round = this.round;
    for (const [k, v] of this.acks) c.acks.set(k, v);
    c.pending = this.pending.map((r) => ({ ...r }));
    c.deferred = this.deferred.map((r) => ({ ...r }));
    for (const [k, v] of this.roundSentAtMs) c.roundSentAtMs.set(k, v);
    c.leaseRevoked = this.leaseRevoked;
    return c;
  }
}
