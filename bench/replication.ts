/**
 * Replication efficiency (issue 10's target), measured on the real engine: 5 servers, one-way
 * latency 10–15 ms, heartbeat 50 ms, election timeout [100, 200) ms, no faults, and an open-loop
 * load of one client write every `writeEveryMs` ms of simulated time (spread over enough clients
 * that none is still busy when its next write is due). Used by test/replication-efficiency.test.ts
 * (which asserts the bounds) and printed by `npm run bench -- --only=replication`.
 */
import { checkedSimulation } from '../src/check/invariants';
import type { AppendEntries } from '../src/raft/types';

const SERVERS = ['S1', 'S2', 'S3', 'S4', 'S5'];

/** Figures of one measured run. */
export interface Efficiency {
  /** Entries carried by AppendEntries in the window / (entries committed in the window × followers). */
  sendsPerEntryPerFollower: number;
  /** Every message sent in the window / entries committed in the window. */
  messagesPerCommittedWrite: number;
  committed: number;
  messages: number;
  leaderChanges: number;
}

/**
 * Drives a 5-server Simulation with one write every `writeEveryMs` ms of simulated time from 1 s
 * (a leader is elected by then; 1 s more of load warms up the clients' leader guesses) to
 * 2 s + `measureMs`, and counts what is sent and what commits in the window [2 s, 2 s + measureMs).
 * @throws Error if no leader is elected within 1 s
 */
export function measureEfficiency(writeEveryMs: number, measureMs = 20_000, seed = 1): Efficiency {
  // A client is busy for about 4 one-way latencies (~50 ms) per write; give each one 20 write slots of room.
  const clientCount = Math.max(4, Math.ceil((20 * 50) / writeEveryMs));
  const clients = Array.from({ length: clientCount }, (_, i) => `c${i + 1}`);
  const sim = checkedSimulation({
    seed, servers: SERVERS, clients, heartbeatMs: 50, electionTimeoutMs: [100, 200], clientTimeoutMs: 1000,
    network: { latencyMs: [10, 15], dropRate: 0, duplicateRate: 0 }, checkInvariants: true, keepTrace: true,
  });
  sim.runUntil(1000);
  const leader = sim.leader();
  if (!leader) throw new Error('no leader elected within 1 s');
  const startMs = 2000;
  const endMs = startMs + measureMs;
  let n = 0;
  let commitAtStart = 0;
  for (let t = 1000; t < endMs; t += writeEveryMs) {
    sim.runUntil(t);
    if (t === startMs) commitAtStart = leader.raft.commitIndex;
    const c = clients[n % clientCount];
    sim.submit(c, { op: 'put', key: `k${n % 10}`, value: String(n) }, { retry: true, withinMs: 10_000 });
    n++;
  }
  sim.runUntil(endMs);
  const committed = leader.raft.commitIndex - commitAtStart;
  let messages = 0;
  let entriesSent = 0;
  for (const r of sim.messages) {
    if (r.sendMs < startMs || r.sendMs >= endMs) continue;
    messages++;
    if (r.msg.type === 'AppendEntries') entriesSent += (r.msg as AppendEntries).entries.length;
  }
  const leaderChanges = sim.trace.filter((e) => e.kind === 'role' && e.to === 'leader' && e.atMs >= startMs).length;
  return {
    sendsPerEntryPerFollower: entriesSent / (committed * (SERVERS.length - 1)),
    messagesPerCommittedWrite: messages / committed,
    committed,
    messages,
    leaderChanges,
  };
}
