/**
 * One test per rule of the Raft paper (Figure 2, Figure 4, §5), driving the pure RaftNode directly:
 * no engine, no network, no mocks. Test names follow the rule they check, in the manner of etcd's
 * raft_paper_test.go.
 */
import { describe, expect, it } from 'vitest';
import { RaftAssertionError } from '../src/raft/assert';
import { RaftNode } from '../src/raft/node';
import { nextRole } from '../src/raft/roleMachine';
import type {
  AppendEntries, AppendEntriesResponse, LogEntry, PersistentState, RaftEffect, RaftMessage, RequestVote, RequestVoteResponse,
} from '../src/raft/types';
import type { Command } from '../src/kv/types';

const SERVERS = ['S1', 'S2', 'S3', 'S4', 'S5'];
const noop = (term: number): LogEntry => ({ term, command: { type: 'noop' } });
const put = (term: number, key: string, value: string, seq = 1): LogEntry => ({
  term, command: { type: 'kv', clientId: 'c1', seq, op: { op: 'put', key, value } },
});
const terms = (...ts: number[]): LogEntry[] => ts.map(noop);

function node(id = 'S1', persistent?: Partial<PersistentState>, opts: { servers?: string[]; unsafe?: Partial<RaftNode['unsafe']> } = {}): RaftNode {
  const p: PersistentState = { currentTerm: 0, votedFor: null, log: [], ...persistent };
  return new RaftNode({
    id, servers: opts.servers ?? SERVERS, heartbeatMs: 50,
    unsafe: opts.unsafe ? { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, ...opts.unsafe } : undefined,
  }, p);
}

const sent = (fx: RaftEffect[]): RaftMessage[] => fx.flatMap((f) => (f.type === 'send' ? [f.msg] : []));
const sentOf = <T extends RaftMessage['type']>(fx: RaftEffect[], type: T) =>
  sent(fx).filter((m): m is Extract<RaftMessage, { type: T }> => m.type === type);
const msg = (m: RaftMessage) => ({ type: 'message' as const, msg: m });

function rv(from: string, term: number, lastLogIndex = 0, lastLogTerm = 0, to = 'S1'): RequestVote {
  return { type: 'RequestVote', from, to, term, candidateId: from, lastLogIndex, lastLogTerm };
}
function vote(from: string, term: number, granted = true, to = 'S1'): RequestVoteResponse {
  return { type: 'RequestVoteResponse', from, to, term, voteGranted: granted, lastLogIndex: 0, lastLogTerm: 0 };
}
function ae(from: string, term: number, prevLogIndex: number, prevLogTerm: number, entries: LogEntry[], leaderCommit = 0, to = 'S1'): AppendEntries {
  return { type: 'AppendEntries', from, to, term, leaderId: from, prevLogIndex, prevLogTerm, entries, leaderCommit };
}
/** A successful AppendEntriesResponse; `prevLogIndex` defaults to matchIndex − 1 (an AppendEntries of one entry). */
function aeOk(from: string, term: number, matchIndex: number, to = 'S1', prevLogIndex = Math.max(0, matchIndex - 1)): AppendEntriesResponse {
  return { type: 'AppendEntriesResponse', from, to, term, success: true, matchIndex, prevLogIndex, conflictTerm: 0, conflictIndex: 0 };
}

/** Makes S1 leader of `term` (the term after the one given in persistent state) with votes from S2, S3. */
function leader(persistent: Partial<PersistentState> = {}): RaftNode {
  const n = node('S1', persistent);
  n.step({ type: 'electionTimeout' });
  const t = n.currentTerm;
  n.step(msg(vote('S2', t)));
  n.step(msg(vote('S3', t)));
  expect(n.role).toBe('leader');
  return n;
}

describe('Figure 4: server states', () => {
  it('TestRoleStatechartFigure4: follower times out to candidate; candidate wins, retries, or steps down; leader steps down on a higher term', () => {
    expect(nextRole('follower', { type: 'TIMEOUT' })).toBe('candidate');
    expect(nextRole('candidate', { type: 'TIMEOUT' })).toBe('candidate');
    expect(nextRole('candidate', { type: 'WIN_ELECTION' })).toBe('leader');
    expect(nextRole('candidate', { type: 'DISCOVER_LEADER' })).toBe('follower');
    expect(nextRole('candidate', { type: 'DISCOVER_HIGHER_TERM' })).toBe('follower');
    expect(nextRole('leader', { type: 'DISCOVER_HIGHER_TERM' })).toBe('follower');
    // Transitions Figure 4 does not have are ignored.
    expect(nextRole('follower', { type: 'WIN_ELECTION' })).toBe('follower');
    expect(nextRole('leader', { type: 'TIMEOUT' })).toBe('leader');
  });

  it('TestStartAsFollower: a server starts as a follower with an election timer armed (§5.2)', () => {
    const n = node();
    expect(n.role).toBe('follower');
    expect(n.start()).toEqual([{ type: 'resetElectionTimer' }]);
  });
});

describe('§5.1 terms', () => {
  it('TestUpdateTermFromMessage: a higher term in any RPC makes a follower adopt it and clear votedFor', () => {
    for (const m of [rv('S2', 5), ae('S2', 5, 0, 0, []), vote('S2', 5, false), aeOk('S2', 5, 0)]) {
      const n = node('S1', { currentTerm: 2, votedFor: 'S3' });
      n.step(msg(m));
      expect(n.currentTerm).toBe(5);
      expect(n.role).toBe('follower');
      if (m.type !== 'RequestVote') expect(n.votedFor).toBeNull();
    }
  });

  it('TestCandidateAndLeaderStepDownOnHigherTerm: a higher term in a response turns a candidate or leader into a follower', () => {
    const c = node();
    c.step({ type: 'electionTimeout' });
    expect(c.role).toBe('candidate');
    c.step(msg(vote('S2', 7, false)));
    expect([c.role, c.currentTerm]).toEqual(['follower', 7]);

    const l = leader();
    const fx = l.step(msg(aeOk('S4', 9, 0)));
    expect([l.role, l.currentTerm]).toEqual(['follower', 9]);
    expect(fx).toContainEqual({ type: 'stopHeartbeatTimer' });
    expect(fx).toContainEqual({ type: 'resetElectionTimer' });
  });

  it('TestRejectStaleTerm: a request with a lower term is rejected with the current term', () => {
    const n = node('S1', { currentTerm: 4 });
    const r1 = sentOf(n.step(msg(rv('S2', 3, 10, 3))), 'RequestVoteResponse')[0];
    expect(r1).toMatchObject({ voteGranted: false, term: 4, reason: 'staleTerm' });
    const r2 = sentOf(n.step(msg(ae('S2', 3, 0, 0, [noop(3)]))), 'AppendEntriesResponse')[0];
    expect(r2).toMatchObject({ success: false, term: 4, reason: 'staleTerm' });
    expect(n.log).toHaveLength(0);
  });
});

describe('§5.2 leader election', () => {
  it('TestFollowerStartsElection: on timeout a follower increments currentTerm, votes for itself, resets its timer and sends RequestVote to every other server', () => {
    const n = node('S1', { currentTerm: 2, log: terms(1, 2) });
    const fx = n.step({ type: 'electionTimeout' });
    expect(n.role).toBe('candidate');
    expect(n.currentTerm).toBe(3);
    expect(n.votedFor).toBe('S1');
    expect(fx).toContainEqual({ type: 'resetElectionTimer' });
    const rvs = sentOf(fx, 'RequestVote');
    expect(rvs.map((m) => m.to)).toEqual(['S2', 'S3', 'S4', 'S5']);
    for (const m of rvs) expect(m).toMatchObject({ term: 3, candidateId: 'S1', lastLogIndex: 2, lastLogTerm: 2 });
  });

  it('TestLeaderElectionInOneRound: a candidate with votes from a majority becomes leader; fewer keeps it a candidate', () => {
    const n = node();
    n.step({ type: 'electionTimeout' });
    n.step(msg(vote('S2', 1)));
    expect(n.role).toBe('candidate');
    n.step(msg(vote('S2', 1))); // the same voter twice counts once
    expect(n.role).toBe('candidate');
    n.step(msg(vote('S4', 1, false)));
    expect(n.role).toBe('candidate');
    n.step(msg(vote('S3', 1)));
    expect(n.role).toBe('leader');
  });

  it('TestSingleServerElectsItself: a one-server cluster wins its own election', () => {
    const n = node('S1', {}, { servers: ['S1'] });
    n.step({ type: 'electionTimeout' });
    expect(n.role).toBe('leader');
    expect(n.commitIndex).toBe(1);
  });

  it('TestCandidateRetriesOnTimeout: a split vote leads to a new election in a higher term', () => {
    const n = node();
    n.step({ type: 'electionTimeout' });
    n.step({ type: 'electionTimeout' });
    expect([n.role, n.currentTerm, n.votedFor]).toEqual(['candidate', 2, 'S1']);
  });

  it('TestVoteOncePerTerm: a server grants at most one vote per term, first come first served', () => {
    const n = node('S1', { currentTerm: 1 });
    const a = sentOf(n.step(msg(rv('S2', 2))), 'RequestVoteResponse')[0];
    const b = sentOf(n.step(msg(rv('S3', 2))), 'RequestVoteResponse')[0];
    const again = sentOf(n.step(msg(rv('S2', 2))), 'RequestVoteResponse')[0];
    expect(a.voteGranted).toBe(true);
    expect(b).toMatchObject({ voteGranted: false, reason: 'alreadyVoted' });
    expect(again.voteGranted).toBe(true); // a retransmitted request from the same candidate
    expect(n.votedFor).toBe('S2');
    // A new term frees the vote.
    expect(sentOf(n.step(msg(rv('S3', 3))), 'RequestVoteResponse')[0].voteGranted).toBe(true);
  });

  it('TestGrantingVoteResetsElectionTimer: a follower resets its timer only when it grants a vote', () => {
    const n = node('S1', { currentTerm: 1 });
    expect(n.step(msg(rv('S2', 2)))).toContainEqual({ type: 'resetElectionTimer' });
    expect(n.step(msg(rv('S3', 2)))).not.toContainEqual({ type: 'resetElectionTimer' });
  });

  it('TestCandidateFallsBackOnAppendEntries: a candidate that hears from a leader of its term becomes a follower', () => {
    const n = node();
    n.step({ type: 'electionTimeout' });
    n.step(msg(ae('S2', 1, 0, 0, [])));
    expect(n.role).toBe('follower');
    expect(n.leaderId).toBe('S2');
    expect(n.currentTerm).toBe(1);
  });
});

describe('§5.4.1 election restriction', () => {
  // The voter's last entry is (index 3, term 2).
  const cases: [string, number, number, boolean][] = [
    ['higher last term, shorter log', 1, 3, true],
    ['same last term, longer log', 4, 2, true],
    ['same last term, same length', 3, 2, true],
    ['same last term, shorter log', 2, 2, false],
    ['lower last term, longer log', 9, 1, false],
  ];
  for (const [name, lastLogIndex, lastLogTerm, granted] of cases) {
    it(`TestVoterUpToDateCheck: ${name} → ${granted ? 'granted' : 'refused'}`, () => {
      const n = node('S1', { currentTerm: 2, log: terms(1, 1, 2) });
      const r = sentOf(n.step(msg(rv('S2', 3, lastLogIndex, lastLogTerm))), 'RequestVoteResponse')[0];
      expect(r.voteGranted).toBe(granted);
      if (!granted) expect(r.reason).toBe('logNotUpToDate');
    });
  }

  it('TestSkipUpToDateCheckUnsafe: with the unsafe switch the same stale candidate gets the vote', () => {
    const n = node('S1', { currentTerm: 2, log: terms(1, 1, 2) }, { unsafe: { skipUpToDateCheck: true } });
    expect(sentOf(n.step(msg(rv('S2', 3, 9, 1))), 'RequestVoteResponse')[0].voteGranted).toBe(true);
  });
});

describe('§5.3 log replication', () => {
  it('TestLeaderAppendsNoopOnElection: a new leader appends a no-op of its term and sends it to every follower (§8)', () => {
    const n = node('S1', { currentTerm: 1, log: terms(1) });
    n.step({ type: 'electionTimeout' });
    n.step(msg(vote('S2', 2)));
    const fx = n.step(msg(vote('S3', 2)));
    expect(n.log.map((e) => e.term)).toEqual([1, 2]);
    expect(n.log[1].command).toEqual({ type: 'noop' });
    const aes = sentOf(fx, 'AppendEntries');
    expect(aes.map((m) => m.to)).toEqual(['S2', 'S3', 'S4', 'S5']);
    for (const m of aes) expect(m).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1, entries: [noop(2)] });
    expect(n.replicationView().nextIndex).toEqual({ S2: 2, S3: 2, S4: 2, S5: 2 });
    expect(n.replicationView().matchIndex).toEqual({ S2: 0, S3: 0, S4: 0, S5: 0 });
  });

  it('TestLeaderSendsHeartbeats: every heartbeatMs the leader sends AppendEntries to each follower and re-arms the timer', () => {
    const l = leader();
    for (const p of ['S2', 'S3', 'S4', 'S5']) l.step(msg(aeOk(p, 1, 1)));
    const fx = l.step({ type: 'heartbeatTimeout' });
    const aes = sentOf(fx, 'AppendEntries');
    expect(aes).toHaveLength(4);
    for (const m of aes) expect(m).toMatchObject({ entries: [], prevLogIndex: 1, leaderCommit: 1 });
    expect(fx).toContainEqual({ type: 'setHeartbeatTimer', delayMs: 50 });
  });

  it('TestFollowerCheckAppendEntries: a follower rejects AppendEntries whose prevLogIndex/prevLogTerm it does not hold', () => {
    const n = node('S1', { currentTerm: 2, log: terms(1, 2) });
    const missing = sentOf(n.step(msg(ae('S2', 2, 5, 2, [noop(2)]))), 'AppendEntriesResponse')[0];
    expect(missing).toMatchObject({ success: false, reason: 'missingEntry', conflictTerm: 0, conflictIndex: 3 });
    const mismatch = sentOf(n.step(msg(ae('S2', 2, 2, 1, [noop(2)]))), 'AppendEntriesResponse')[0];
    expect(mismatch).toMatchObject({ success: false, reason: 'termMismatch', conflictTerm: 2, conflictIndex: 2 });
    expect(n.log.map((e) => e.term)).toEqual([1, 2]);
  });

  it('TestFollowerTruncatesConflictingSuffix: an entry that conflicts with a new one is deleted with all that follow it', () => {
    const n = node('S1', { currentTerm: 3, log: terms(1, 2, 2, 2) });
    const fx = n.step(msg(ae('S2', 3, 1, 1, [noop(3), noop(3)])));
    expect(n.log.map((e) => e.term)).toEqual([1, 3, 3]);
    expect(fx).toContainEqual({ type: 'logChanged', fromIndex: 2 });
    expect(sentOf(fx, 'AppendEntriesResponse')[0]).toMatchObject({ success: true, matchIndex: 3 });
  });

  it('TestFollowerKeepsEntriesOnStaleAppendEntries: entries that already match are not deleted by an older, shorter AppendEntries', () => {
    const n = node('S1', { currentTerm: 3, log: terms(1, 3, 3, 3) });
    const fx = n.step(msg(ae('S2', 3, 1, 1, [noop(3)])));
    expect(n.log.map((e) => e.term)).toEqual([1, 3, 3, 3]);
    expect(fx.some((f) => f.type === 'logChanged')).toBe(false);
    expect(sentOf(fx, 'AppendEntriesResponse')[0]).toMatchObject({ success: true, matchIndex: 2 });
  });

  it('TestNoTruncateOnConflictUnsafe: with the unsafe switch the conflicting entry is overwritten but its successors survive', () => {
    const n = node('S1', { currentTerm: 3, log: terms(1, 2, 2, 2) }, { unsafe: { noTruncateOnConflict: true } });
    n.step(msg(ae('S2', 3, 1, 1, [noop(3)])));
    expect(n.log.map((e) => e.term)).toEqual([1, 3, 2, 2]);
  });

  it('TestFollowerCommitIndex: commitIndex becomes min(leaderCommit, index of last new entry) and entries are applied in order', () => {
    const n = node('S1', { currentTerm: 1 });
    const fx = n.step(msg(ae('S2', 1, 0, 0, [put(1, 'a', '1', 1), put(1, 'b', '2', 2)], 5)));
    expect(n.commitIndex).toBe(2);
    expect(fx.filter((f) => f.type === 'apply').map((f) => (f as { index: number }).index)).toEqual([1, 2]);
    // A heartbeat with prevLogIndex 1 can only vouch for index 1.
    const m = node('S1', { currentTerm: 1, log: [noop(1), noop(1), noop(1)] });
    m.step(msg(ae('S2', 1, 1, 1, [], 3)));
    expect(m.commitIndex).toBe(1);
  });

  it('TestAcceleratedLogBacktracking: a rejection names the conflicting term so the leader skips that whole term at once', () => {
    // Leader log terms [1,1,1,4,4,5,5,6,6,6]; follower f of Figure 7 [1,1,1,2,2,2,3,3,3,3,3].
    const l = leader({ currentTerm: 7, log: terms(1, 1, 1, 4, 4, 5, 5, 6, 6, 6) });
    expect(l.currentTerm).toBe(8);
    const f = node('S2', { currentTerm: 3, log: terms(1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3) });
    let toF = sentOf(l.step({ type: 'heartbeatTimeout' }), 'AppendEntries').find((m) => m.to === 'S2')!;
    let rounds = 0;
    for (; rounds < 20; rounds++) {
      const resp = sentOf(f.step(msg(toF)), 'AppendEntriesResponse')[0];
      const next = sentOf(l.step(msg(resp)), 'AppendEntries').find((m) => m.to === 'S2');
      if (resp.success && !next) break;
      if (!next) break;
      toF = next;
    }
    expect(f.log.map((e) => e.term)).toEqual([1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8]);
    // One entry at a time would take 8 rejections; by term it takes 3 (terms 3, 2, then the match).
    expect(rounds).toBeLessThanOrEqual(4);
  });
});

describe('Figure 2, Leaders: nextIndex and matchIndex', () => {
  it('TestLeaderStartReplication: a client command is appended to the leader\'s log in its term and sent at once to every follower that has room', () => {
    const l = leader();
    for (const p of ['S2', 'S3', 'S4', 'S5']) l.step(msg(aeOk(p, 1, 1)));
    const fx = l.step({ type: 'propose', command: { type: 'kv', clientId: 'c1', seq: 1, op: { op: 'put', key: 'x', value: '1' } } });
    expect(l.log.map((e) => e.term)).toEqual([1, 1]);
    expect(fx).toContainEqual({ type: 'appended', fromIndex: 2, count: 1 });
    const aes = sentOf(fx, 'AppendEntries');
    expect(aes.map((m) => m.to)).toEqual(['S2', 'S3', 'S4', 'S5']);
    for (const m of aes) expect(m).toMatchObject({ term: 1, prevLogIndex: 1, prevLogTerm: 1, entries: [l.log[1]], leaderCommit: 1 });
  });

  it('TestLeaderUpdatesNextIndexAndMatchIndexOnSuccess: "If successful: update nextIndex and matchIndex for follower"', () => {
    const l = leader();
    expect(l.replicationView().matchIndex.S2).toBe(0);
    l.step(msg(aeOk('S2', 1, 1)));
    expect([l.replicationView().nextIndex.S2, l.replicationView().matchIndex.S2]).toEqual([2, 1]);
    l.step({ type: 'propose', command: { type: 'noop' } });
    l.step({ type: 'propose', command: { type: 'noop' } });
    l.step(msg(aeOk('S2', 1, 3, 'S1', 2)));
    expect([l.replicationView().nextIndex.S2, l.replicationView().matchIndex.S2]).toEqual([4, 3]);
    // An older acknowledgement arriving late never lowers them.
    l.step(msg(aeOk('S2', 1, 2)));
    expect([l.replicationView().nextIndex.S2, l.replicationView().matchIndex.S2]).toEqual([4, 3]);
  });

  it('TestLeaderDecrementsNextIndexOnRejection: "If AppendEntries fails because of log inconsistency: decrement nextIndex and retry", skipping by the follower\'s hints', () => {
    const l = leader({ currentTerm: 3, log: terms(1, 1, 2, 3, 3) }); // term 4, no-op at 6
    const f = node('S2', { currentTerm: 3, log: terms(1, 1, 1, 1) });
    const probe = sentOf(l.step({ type: 'heartbeatTimeout' }), 'AppendEntries').find((m) => m.to === 'S2')!;
    expect(probe.prevLogIndex).toBe(0); // a heartbeat sits at matchIndex 0 and is accepted
    // The no-op's probe (prevLogIndex 5) is rejected: S2's log ends at 4.
    const r1 = sentOf(f.step(msg(ae('S1', 4, 5, 3, [noop(4)]))), 'AppendEntriesResponse')[0];
    expect(r1).toMatchObject({ success: false, prevLogIndex: 5, conflictIndex: 5, conflictTerm: 0 });
    const retry = sentOf(l.step(msg(r1)), 'AppendEntries').find((m) => m.to === 'S2')!;
    expect(retry).toMatchObject({ prevLogIndex: 4, prevLogTerm: 3 });
    expect(l.replicationView().nextIndex.S2).toBe(5);
    // Index 4 is term 1 on S2, term 3 on the leader: the hint names term 1, which the leader has up to index 2.
    const r2 = sentOf(f.step(msg(retry)), 'AppendEntriesResponse')[0];
    expect(r2).toMatchObject({ success: false, conflictTerm: 1, conflictIndex: 1 });
    const retry2 = sentOf(l.step(msg(r2)), 'AppendEntries').find((m) => m.to === 'S2')!;
    expect(retry2).toMatchObject({ prevLogIndex: 2, prevLogTerm: 1 });
    expect(retry2.entries.map((e) => e.term)).toEqual([2, 3, 3, 4]);
    const r3 = sentOf(f.step(msg(retry2)), 'AppendEntriesResponse')[0];
    expect(r3).toMatchObject({ success: true, matchIndex: 6 });
    l.step(msg(r3));
    expect([l.replicationView().nextIndex.S2, l.replicationView().matchIndex.S2]).toEqual([7, 6]);
    expect(f.log.map((e) => e.term)).toEqual([1, 1, 2, 3, 3, 4]);
  });

  it('TestLeaderIgnoresStaleResponses: responses from an earlier term change nothing (§5.1)', () => {
    const l = leader({ currentTerm: 2 }); // term 3
    const fx = l.step(msg(aeOk('S2', 2, 1)));
    expect(fx).toEqual([]);
    expect(l.replicationView().matchIndex.S2).toBe(0);
  });
});

describe('Figure 2, Followers: the election timer', () => {
  it('TestFollowerResetsElectionTimerOnAppendEntries: AppendEntries from the current leader, heartbeats included, resets the timer; a stale one does not', () => {
    const n = node('S1', { currentTerm: 2 });
    expect(n.step(msg(ae('S2', 2, 0, 0, [])))).toContainEqual({ type: 'resetElectionTimer' });
    expect(n.step(msg(ae('S2', 2, 0, 0, [noop(2)])))).toContainEqual({ type: 'resetElectionTimer' });
    expect(n.step(msg(ae('S3', 1, 0, 0, [])))).not.toContainEqual({ type: 'resetElectionTimer' });
    // A rejected AppendEntries still comes from the current leader: the timer is reset (the paper's rule).
    expect(n.step(msg(ae('S2', 2, 9, 2, [noop(2)])))).toContainEqual({ type: 'resetElectionTimer' });
  });

  it('TestLeaderIgnoresElectionTimeout: a leader stays leader when its election timer fires', () => {
    const l = leader();
    expect(l.step({ type: 'electionTimeout' })).toEqual([]);
    expect([l.role, l.currentTerm]).toEqual(['leader', 1]);
  });
});

describe('internal assertions (src/raft/assert.ts)', () => {
  it('a corrupted node throws a RaftAssertionError naming the broken rule', () => {
    const a = node('S1', { currentTerm: 1, log: terms(1) });
    a.volatile.commitIndex = 5; // beyond the log
    expect(() => a.step({ type: 'heartbeatTimeout' })).toThrow(RaftAssertionError);
    expect(() => a.step({ type: 'heartbeatTimeout' })).toThrow(/commitWithinLog/);
    const b = node('S1', { currentTerm: 1, log: terms(1) });
    b.volatile.lastApplied = 1; // applied without being committed
    expect(() => b.step({ type: 'heartbeatTimeout' })).toThrow(/appliedWithinCommit/);
  });

  it('unsafe switches break protocol rules, not internal ones: a follower losing a committed entry keeps running, for the checker to report', () => {
    const f = node('S1', { currentTerm: 2, log: terms(1, 1, 2) });
    f.step(msg(ae('S2', 2, 3, 2, [], 3)));
    expect(f.commitIndex).toBe(3);
    // A leader of term 3 without that entry (only possible with a broken rule, e.g. skipUpToDateCheck) overwrites it.
    expect(() => f.step(msg(ae('S3', 3, 1, 1, [noop(3)])))).not.toThrow();
    expect(f.log.map((e) => e.term)).toEqual([1, 3]);
    expect(f.volatile.committedEntryRemoved).toBe(true);
  });

  it('a leader ignores an AppendEntries of its own term (a second leader only exists once Election Safety is broken): it never overwrites its log', () => {
    const l = leader({ currentTerm: 0, log: [] });
    const before = l.log.slice();
    expect(l.step(msg(ae('S2', 1, 0, 0, [put(1, 'x', 'other')])))).toEqual([]);
    expect(l.log).toEqual(before);
    expect(l.role).toBe('leader');
  });
});

describe('§5.4.2 committing entries from previous terms', () => {
  it('TestLeaderCommitsEntryReplicatedOnMajority: an entry of the current term stored on a majority is committed and applied', () => {
    const l = leader();
    const fx1 = l.step({ type: 'propose', command: { type: 'kv', clientId: 'c1', seq: 1, op: { op: 'put', key: 'x', value: '1' } } });
    expect(fx1).toContainEqual({ type: 'proposeResult', accepted: true, index: 2, term: 1 });
    l.step(msg(aeOk('S2', 1, 2)));
    expect(l.commitIndex).toBe(0);
    const fx = l.step(msg(aeOk('S3', 1, 2)));
    expect(l.commitIndex).toBe(2);
    expect(fx.filter((f) => f.type === 'apply').map((f) => (f as { index: number }).index)).toEqual([1, 2]);
  });

  it('TestLeaderOnlyCommitsLogFromCurrentTerm: old-term entries on a majority are not committed by counting until a current-term entry is', () => {
    // S1 holds entries of term 2 and becomes leader of term 4 (the Figure 8 situation).
    const l = leader({ currentTerm: 3, log: terms(1, 2) });
    expect(l.currentTerm).toBe(4);
    l.step(msg(aeOk('S2', 4, 2)));
    l.step(msg(aeOk('S3', 4, 2)));
    expect(l.commitIndex).toBe(0); // index 2 (term 2) is on 3 of 5 servers, but it is not of term 4
    l.step(msg(aeOk('S2', 4, 3)));
    l.step(msg(aeOk('S3', 4, 3)));
    expect(l.commitIndex).toBe(3); // the term-4 no-op commits, and index 2 with it
  });

  it('TestCommitPreviousTermEntriesUnsafe: with the Figure 8 bug switched on, the old-term entry is committed by counting', () => {
    const n = node('S1', { currentTerm: 3, log: terms(1, 2) }, { unsafe: { commitPreviousTermEntries: true } });
    n.step({ type: 'electionTimeout' });
    n.step(msg(vote('S2', 4)));
    n.step(msg(vote('S3', 4)));
    n.step(msg(aeOk('S2', 4, 2)));
    n.step(msg(aeOk('S3', 4, 2)));
    expect(n.commitIndex).toBe(2);
  });
});

describe('clients and restarts', () => {
  it('TestFollowerRedirectsClientToLeader: a follower refuses a client command and names the leader it knows', () => {
    const n = node('S1', { currentTerm: 1 });
    n.step(msg(ae('S3', 1, 0, 0, [])));
    const cmd: Command = { type: 'kv', clientId: 'c1', seq: 1, op: { op: 'put', key: 'x', value: '1' } };
    expect(n.step({ type: 'propose', command: cmd })).toEqual([{ type: 'proposeResult', accepted: false, leaderHint: 'S3' }]);
    expect(n.log).toHaveLength(0);
  });

  it('TestRestartKeepsPersistentState: a restarted server keeps currentTerm, votedFor and log but starts as a follower with commitIndex 0', () => {
    const l = leader();
    const restarted = new RaftNode({ id: 'S1', servers: SERVERS, heartbeatMs: 50 }, l.persistent);
    expect([restarted.currentTerm, restarted.votedFor, restarted.log.length]).toEqual([1, 'S1', 1]);
    expect([restarted.role, restarted.commitIndex, restarted.lastApplied]).toEqual(['follower', 0, 0]);
    const forgetful = new RaftNode({ id: 'S1', servers: SERVERS, heartbeatMs: 50, unsafe: { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: true, noTruncateOnConflict: false } }, l.persistent);
    expect(forgetful.votedFor).toBeNull();
  });
});
