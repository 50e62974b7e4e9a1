/**
 * The replication-efficiency target of issue 10, measured on the real engine (src/sim/engine.ts):
 * 5 servers, one-way latency 10–15 ms, heartbeat 50 ms, election timeout [100, 200) ms, no faults,
 * an open-loop load of one client write every 10 ms of simulated time (spread over many clients so
 * none is still busy when its next write is due). Over 20 s of simulated time after a leader is
 * elected, each committed entry is sent to each follower at most 1.1 times on average, and all
 * messages (client requests and replies, AppendEntries with or without entries and their
 * responses, RequestVote if any) per committed write are at most 13.
 *
 * The flow control that makes this hold is etcd raft's Progress (tracker/progress.go): a follower
 * in `replicate` gets each new entry once, optimistically, and a response never triggers a resend
 * of entries that are still in flight.
 */
import { describe, expect, it } from 'vitest';
import { measureEfficiency } from '../bench/replication';

describe('replication efficiency (issue 10 target; etcd raft Progress flow control)', () => {
  it('one write every 10 ms, 5 servers: each entry reaches each follower at most 1.1 times, at most 13 messages per committed write', () => {
    const e = measureEfficiency(10);
    expect(e.leaderChanges).toBe(0);
    // Nearly every write submitted in the 20 s window commits (an open loop of 2,000 writes).
    expect(e.committed).toBeGreaterThan(1900);
    expect(e.sendsPerEntryPerFollower).toBeLessThanOrEqual(1.1);
    expect(e.messagesPerCommittedWrite).toBeLessThanOrEqual(13);
  }, 120_000);

  it('one write every 100 ms: the same bounds hold at a light load', () => {
    const e = measureEfficiency(100);
    expect(e.leaderChanges).toBe(0);
    expect(e.committed).toBeGreaterThan(190);
    expect(e.sendsPerEntryPerFollower).toBeLessThanOrEqual(1.1);
    // What the protocol needs per write: the client's request and reply, one AppendEntries and its
    // response per follower, plus the heartbeats (4 followers × 2 messages every 50 ms) spread over
    // the writes of those 50 ms; 5% for the window's edges.
    const needed = 2 + 2 * 4 + (2 * 4 * 100) / 50;
    expect(e.messagesPerCommittedWrite).toBeLessThanOrEqual(needed * 1.05);
  }, 120_000);
});
