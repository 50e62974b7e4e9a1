/**
 * The leader's Progress per follower and its flow control, mirroring etcd raft's
 * tracker/progress_test.go, tracker/inflights_test.go and the flow-control tests of raft_test.go
 * (TestMsgAppFlowControl*, TestSendAppendForProgress*), plus the heartbeat rules of
 * testdata/probe_and_replicate.txt and replicate_pause.txt. RaftNode is driven directly: no
 * engine, no network, no mocks.
 */
import { describe, expect, it } from 'vitest';
import { RaftAssertionError } from '../src/raft/assert';
import { Inflights } from '../src/raft/inflights';
import { RaftNode } from '../src/raft/node';
import { Progress } from '../src/raft/progress';
import type {
  AppendEntries, AppendEntriesResponse, LogEntry, PersistentState, RaftEffect, RaftMessage, RaftNote, RequestVoteResponse,
} from '../src/raft/types';

const SERVERS = ['S1', 'S2', 'S3', 'S4', 'S5'];
const noop = (term: number): LogEntry => ({ term, command: { type: 'noop' } });
const terms = (...ts: number[]): LogEntry[] => ts.map(noop);
const msg = (m: RaftMessage) => ({ type: 'message' as const, msg: m });
const sentAE = (fx: RaftEffect[], to?: string): AppendEntries[] =>
  fx.flatMap((f) => (f.type === 'send' && f.msg.type === 'AppendEntries' && (!to || f.msg.to === to) ? [f.msg] : []));
const notes = (fx: RaftEffect[], kind: RaftNote['kind']) =>
  fx.flatMap((f) => (f.type === 'note' && f.note.kind === kind ? [f.note] : []));
const propose = (n: RaftNode, v = 'x') => n.step({ type: 'propose', command: { v } });

function vote(from: string, term: number): RequestVoteResponse {
  return { type: 'RequestVoteResponse', from, to: 'S1', term, voteGranted: true, lastLogIndex: 0, lastLogTerm: 0 };
}
/** The follower's success answer to an AppendEntries with prevLogIndex `prev` and `count` entries. */
function ok(from: string, term: number, prev: number, count: number): AppendEntriesResponse {
  return { type: 'AppendEntriesResponse', from, to: 'S1', term, success: true, matchIndex: prev + count, prevLogIndex: prev, conflictTerm: 0, conflictIndex: 0 };
}
/** The answer to a heartbeat (no entries) at prevLogIndex `prev`. */
const hbOk = (from: string, term: number, prev: number) => ok(from, term, prev, 0);
function rejected(from: string, term: number, prev: number, conflictIndex: number, conflictTerm = 0): AppendEntriesResponse {
  return {
    type: 'AppendEntriesResponse', from, to: 'S1', term, success: false, matchIndex: 0, prevLogIndex: prev,
    conflictTerm, conflictIndex, reason: conflictTerm ? 'termMismatch' : 'missingEntry',
  };
}

/** S1 as leader of term (persistent term + 1); followers in probe with the no-op in flight. */
function leader(persistent: Partial<PersistentState> = {}, maxInflightMsgs?: number, maxEntriesPerAppend?: number): RaftNode {
  const n = new RaftNode(
    { id: 'S1', servers: SERVERS, heartbeatMs: 50, maxInflightMsgs, maxEntriesPerAppend },
    { currentTerm: 0, votedFor: null, log: [], ...persistent },
  );
  n.step({ type: 'electionTimeout' });
  n.step(msg(vote('S2', n.currentTerm)));
  n.step(msg(vote('S3', n.currentTerm)));
  expect(n.role).toBe('leader');
  return n;
}

/** A leader of term 1 whose four followers acknowledged the no-op (index 1) and are in replicate. */
function replicatingLeader(maxInflightMsgs?: number): RaftNode {
  const l = leader({}, maxInflightMsgs);
  for (const p of ['S2', 'S3', 'S4', 'S5']) l.step(msg(ok(p, 1, 0, 1)));
  for (const p of ['S2', 'S3', 'S4', 'S5']) expect(l.progressOf(p)!.state).toBe('replicate');
  return l;
}

describe('Inflights (etcd raft tracker/inflights.go)', () => {
  it('TestInflightsAdd: indexes are kept in order up to the size; adding to a full window throws inflightBound', () => {
    const inf = new Inflights(3, 'S1');
    inf.add(2);
    inf.add(5);
    expect([inf.count, inf.full]).toEqual([2, false]);
    inf.add(9);
    expect([inf.count, inf.full]).toEqual([3, true]);
    expect(() => inf.add(10)).toThrow(RaftAssertionError);
    try { inf.add(10); } catch (e) { expect((e as RaftAssertionError).rule).toBe('inflightBound'); }
  });

  it('TestInflightsAddOutOfOrder: an index not above the last one added throws inflightOrder', () => {
    const inf = new Inflights(4, 'S1');
    inf.add(5);
    expect(() => inf.add(5)).toThrow(/inflightOrder/);
  });

  it('TestInflightFreeTo: freeLE frees every message whose last index is at or below the acknowledged one', () => {
    const inf = new Inflights(10, 'S1');
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) inf.add(i);
    inf.freeLE(0);
    expect(inf.count).toBe(10);
    inf.freeLE(4);
    expect(inf.count).toBe(6);
    inf.freeLE(8);
    expect(inf.count).toBe(2);
    inf.freeLE(100);
    expect([inf.count, inf.full]).toEqual([0, false]);
  });

  it('TestInflightsClone: a clone is independent', () => {
    const a = new Inflights(2, 'S1');
    a.add(1);
    const b = a.clone();
    b.add(2);
    expect([a.count, b.count]).toEqual([1, 2]);
  });
});

describe('Progress (etcd raft tracker/progress.go)', () => {
  const pr = (next = 6, max = 4) => new Progress('S2', 'S1', next, max);

  it('TestProgressIsPaused: probe pauses while a probe is unanswered, replicate while inflights are full, snapshot always', () => {
    const p = pr();
    expect(p.isPaused()).toBe(false);
    p.sentEntries(1);
    expect(p.isPaused()).toBe(true);
    expect(p.nextIndex).toBe(6); // a probe does not move nextIndex
    p.matchIndex = 5;
    p.becomeReplicate();
    for (let i = 0; i < 4; i++) {
      expect(p.isPaused()).toBe(false);
      p.sentEntries(1);
    }
    expect(p.isPaused()).toBe(true);
    p.becomeSnapshot(20);
    expect(p.isPaused()).toBe(true);
  });

  it('TestProgressBecomeProbe: nextIndex goes back to matchIndex + 1, or past a pending snapshot', () => {
    const p = pr(10);
    p.matchIndex = 1;
    p.becomeReplicate();
    p.sentEntries(3);
    p.becomeProbe();
    expect([p.state, p.nextIndex, p.inflights.count]).toEqual(['probe', 2, 0]);
    const s = pr(10);
    s.matchIndex = 1;
    s.becomeSnapshot(10);
    s.becomeProbe();
    expect([s.state, s.nextIndex]).toEqual(['probe', 11]);
    const t = pr(10);
    t.becomeSnapshot(10);
    t.maybeUpdate(12); // the follower got further than the snapshot
    t.becomeProbe();
    expect(t.nextIndex).toBe(13);
  });

  it('TestProgressBecomeReplicate: nextIndex = matchIndex + 1, inflights empty', () => {
    const p = pr(10);
    p.matchIndex = 1;
    p.probeSent = true;
    p.becomeReplicate();
    expect([p.state, p.nextIndex, p.probeSent, p.inflights.count]).toEqual(['replicate', 2, false, 0]);
  });

  it('TestProgressBecomeSnapshot: nextIndex is just past the snapshot', () => {
    const p = pr(10);
    p.matchIndex = 1;
    p.becomeSnapshot(10);
    expect([p.state, p.pendingSnapshot, p.nextIndex]).toEqual(['snapshot', 10, 11]);
  });

  it('TestProgressUpdate: maybeUpdate raises matchIndex (and nextIndex past it) only for something new', () => {
    const cases: [number, boolean, number, number][] = [
      // [acknowledged index, updated?, matchIndex after, nextIndex after] for matchIndex 3, nextIndex 5
      [2, false, 3, 5],
      [3, false, 3, 5],
      [4, true, 4, 5],
      [5, true, 5, 6],
      [6, true, 6, 7],
    ];
    for (const [index, updated, match, next] of cases) {
      const p = pr(5);
      p.matchIndex = 3;
      expect(p.maybeUpdate(index)).toBe(updated);
      expect([p.matchIndex, p.nextIndex]).toEqual([match, next]);
    }
  });

  it('TestProgressMaybeDecr: in replicate a rejection at or below matchIndex is stale; in probe only the outstanding probe counts', () => {
    const r = pr(10);
    r.matchIndex = 5;
    r.becomeReplicate();
    r.sentEntries(4); // nextIndex 10
    expect(r.maybeDecrTo(5, 3)).toBe(false);
    expect(r.nextIndex).toBe(10);
    expect(r.maybeDecrTo(7, 3)).toBe(true);
    expect(r.nextIndex).toBe(6); // to matchIndex + 1, the hint is not used in replicate (as etcd)

    const cases: [number, number, number, boolean, number][] = [
      // [nextIndex, rejected prevLogIndex, hinted nextIndex, decreased?, nextIndex after], matchIndex 0
      [5, 3, 2, false, 5], // not the outstanding probe (prevLogIndex 4): stale
      [5, 4, 2, true, 2], // the hint is used
      [5, 4, 9, true, 4], // never above the rejected index
      [5, 4, 0, true, 1], // never below matchIndex + 1
    ];
    for (const [next, rej, hint, decreased, after] of cases) {
      const p = pr(next);
      p.sentEntries(1);
      expect(p.maybeDecrTo(rej, hint)).toBe(decreased);
      expect(p.nextIndex).toBe(after);
      expect(p.probeSent).toBe(!decreased);
    }
  });

  it('TestProgressMatchBelowNext: breaking matchIndex < nextIndex throws a RaftAssertionError naming the rule', () => {
    const p = pr(5);
    p.matchIndex = 7; // corrupted from outside
    expect(() => p.sentEntries(1)).toThrow(/matchBelowNext/);
  });
});

describe('the leader sends through Progress (etcd raft raft_test.go)', () => {
  it('TestSendAppendForProgressProbe: in probe one AppendEntries with entries is sent, further proposals wait for the answer', () => {
    const l = leader(); // the no-op (index 1) went out as each follower's probe
    expect(l.progressOf('S2')!.isPaused()).toBe(true);
    const fx = propose(l);
    expect(sentAE(fx)).toEqual([]);
    expect(l.progressOf('S2')!.nextIndex).toBe(1); // probing does not run ahead
    // The answer to the probe moves S2 to replicate and sends what waited, in one AppendEntries.
    const after = l.step(msg(ok('S2', 1, 0, 1)));
    const ae = sentAE(after, 'S2');
    expect(ae).toHaveLength(1);
    expect(ae[0]).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1 });
    expect(ae[0].entries).toHaveLength(1);
  });

  it('TestSendAppendForProgressReplicate: in replicate each proposal goes out at once, nextIndex advancing optimistically', () => {
    const l = replicatingLeader();
    for (let i = 0; i < 5; i++) {
      const ae = sentAE(propose(l), 'S2');
      expect(ae).toHaveLength(1);
      expect(ae[0]).toMatchObject({ prevLogIndex: 1 + i, entries: [{ term: 1 }] });
    }
    const pr = l.progressOf('S2')!;
    expect([pr.matchIndex, pr.nextIndex, pr.inflights.count]).toEqual([1, 7, 5]);
  });

  it('TestMsgAppFlowControlFull: with maxInflightMsgs AppendEntries unacknowledged, nothing more is sent', () => {
    const l = replicatingLeader(3);
    for (let i = 0; i < 3; i++) expect(sentAE(propose(l), 'S2')).toHaveLength(1);
    expect(l.progressOf('S2')!.isPaused()).toBe(true);
    for (let i = 0; i < 5; i++) expect(sentAE(propose(l), 'S2')).toEqual([]);
    expect(l.progressOf('S2')!.inflights.count).toBe(3);
    expect(l.replicationView().progress.find((p) => p.id === 'S2')).toMatchObject({ inflight: 3, maxInflight: 3, paused: true });
  });

  it('TestMsgAppFlowControlMoveForward: each acknowledgement frees the inflights it covers and sends what waited', () => {
    const l = replicatingLeader(3);
    for (let i = 0; i < 8; i++) propose(l); // indexes 2..9; S2 got 2, 3, 4
    const fx = l.step(msg(ok('S2', 1, 1, 1))); // acknowledges index 2
    const ae = sentAE(fx, 'S2');
    expect(ae).toHaveLength(1);
    expect(ae[0].prevLogIndex).toBe(4);
    expect(ae[0].entries).toHaveLength(5); // 5..9 in one AppendEntries (maxEntriesPerAppend 64)
    expect(l.progressOf('S2')!.inflights.count).toBe(3);
    // A stale duplicate of that acknowledgement frees and sends nothing.
    expect(sentAE(l.step(msg(ok('S2', 1, 1, 1))), 'S2')).toEqual([]);
  });

  it('TestMsgAppFlowControlMaxEntries: a follower far behind gets maxEntriesPerAppend entries per AppendEntries, up to maxInflightMsgs of them', () => {
    const l = leader({ currentTerm: 1, log: terms(...Array(30).fill(1)) }, 2, 4);
    // S2 answers the probe at 30 with "my log ends at 0": probe from 1.
    const fx1 = l.step(msg(rejected('S2', 2, 30, 1)));
    expect(sentAE(fx1, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[0, 4]]);
    const fx2 = l.step(msg(ok('S2', 2, 0, 4)));
    expect(sentAE(fx2, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[4, 4], [8, 4]]);
  });

  it('TestHeartbeatNeverRejected: a heartbeat is anchored at matchIndex with leaderCommit = min(commitIndex, matchIndex), so a follower still missing in-flight entries accepts it', () => {
    const l = replicatingLeader();
    const f = new RaftNode({ id: 'S2', servers: SERVERS, heartbeatMs: 50 }, { currentTerm: 1, votedFor: 'S1', log: terms(1) });
    propose(l);
    propose(l); // entries 2 and 3 are in flight to S2, which has not received them
    l.step(msg(ok('S3', 1, 1, 1)));
    l.step(msg(ok('S3', 1, 2, 1)));
    l.step(msg(ok('S4', 1, 1, 2)));
    expect(l.commitIndex).toBe(3);
    const hb = sentAE(l.step({ type: 'heartbeatTimeout' }), 'S2')[0];
    expect(hb).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1, entries: [], leaderCommit: 1 });
    const resp = f.step(msg(hb)).find((e) => e.type === 'send')!;
    expect(resp).toMatchObject({ msg: { success: true, matchIndex: 1, prevLogIndex: 1 } });
    expect(f.commitIndex).toBe(1);
    // Its answer does not disturb the optimistic stream: nothing is re-sent.
    expect(sentAE(l.step(msg(hbOk('S2', 1, 1))), 'S2')).toEqual([]);
    expect(l.progressOf('S2')).toMatchObject({ state: 'replicate', nextIndex: 4 });
  });

  it('TestBcastBeat: heartbeats carry no entries and each follower\'s own min(commitIndex, matchIndex)', () => {
    const l = replicatingLeader();
    propose(l);
    l.step(msg(ok('S2', 1, 1, 1)));
    l.step(msg(ok('S3', 1, 1, 1)));
    expect(l.commitIndex).toBe(2);
    const hbs = sentAE(l.step({ type: 'heartbeatTimeout' }));
    expect(hbs.map((m) => [m.to, m.prevLogIndex, m.entries.length, m.leaderCommit])).toEqual([
      ['S2', 2, 0, 2], ['S3', 2, 0, 2], ['S4', 1, 0, 1], ['S5', 1, 0, 1],
    ]);
  });
});

describe('Progress transitions, with the notes the why feed shows', () => {
  it('TestProgressProbeToReplicateOnAccept: the first accepted AppendEntries moves a follower from probe to replicate', () => {
    const l = leader();
    const fx = l.step(msg(ok('S2', 1, 0, 1)));
    expect(l.progressOf('S2')).toMatchObject({ state: 'replicate', matchIndex: 1, nextIndex: 2 });
    expect(notes(fx, 'progressChanged')).toEqual([{ kind: 'progressChanged', peer: 'S2', term: 1, from: 'probe', to: 'replicate', cause: 'appendAccepted', index: 1 }]);
  });

  it('TestProgressReplicateToProbeOnReject: a rejection drops a replicating follower back to probe, probing from matchIndex + 1', () => {
    const l = replicatingLeader();
    propose(l);
    propose(l);
    propose(l); // S2: 2, 3, 4 in flight; say 2 was lost and 3 arrived
    const fx = l.step(msg(rejected('S2', 1, 2, 2)));
    expect(l.progressOf('S2')).toMatchObject({ state: 'probe', matchIndex: 1, nextIndex: 2, probeSent: true });
    expect(notes(fx, 'progressChanged')).toEqual([{ kind: 'progressChanged', peer: 'S2', term: 1, from: 'replicate', to: 'probe', cause: 'appendRejected', index: 2 }]);
    expect(sentAE(fx, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[1, 3]]);
    // The rejection of 4 (prevLogIndex 3) still in flight is stale for the probe: nothing more is sent.
    const late = l.step(msg(rejected('S2', 1, 3, 2)));
    expect(sentAE(late, 'S2')).toEqual([]);
    expect(notes(late, 'progressChanged')).toEqual([]);
  });

  it('TestHeartbeatRespResumesProbe: a heartbeat response from a follower in probe sends the unanswered probe again', () => {
    const l = leader({ currentTerm: 1, log: terms(1, 1, 1) }); // no-op at 4 probed at prevLogIndex 3
    l.step(msg(rejected('S2', 2, 3, 2))); // S2 holds only index 1: probe at prevLogIndex 1
    expect(l.progressOf('S2')).toMatchObject({ state: 'probe', nextIndex: 2, matchIndex: 0, probeSent: true });
    // That probe is lost. The heartbeat (anchored at matchIndex 0) is answered.
    const hb = sentAE(l.step({ type: 'heartbeatTimeout' }), 'S2')[0];
    expect(hb.prevLogIndex).toBe(0);
    const fx = l.step(msg(hbOk('S2', 2, 0)));
    expect(sentAE(fx, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[1, 3]]);
    expect(l.progressOf('S2')!.state).toBe('probe');
  });

  it('TestHeartbeatRespRecoversFromProbing: a heartbeat response in probe with nothing probed beyond matchIndex moves the follower to replicate (etcd heartbeat_rep_recovers_from_probing)', () => {
    const l = replicatingLeader();
    propose(l);
    l.step(msg(rejected('S2', 1, 1, 2))); // a rejection at prevLogIndex 1 = matchIndex: stale (reordered), ignored
    expect(l.progressOf('S2')!.state).toBe('replicate');
    l.step(msg(rejected('S2', 1, 2, 2))); // genuine: back to probe, probing index 2 at prevLogIndex 1
    expect(l.progressOf('S2')).toMatchObject({ state: 'probe', matchIndex: 1, nextIndex: 2 });
    const fx = l.step(msg(hbOk('S2', 1, 1)));
    expect(l.progressOf('S2')).toMatchObject({ state: 'replicate', matchIndex: 1, nextIndex: 3 });
    expect(notes(fx, 'progressChanged')).toEqual([{ kind: 'progressChanged', peer: 'S2', term: 1, from: 'probe', to: 'replicate', cause: 'heartbeatResponse', index: 1 }]);
    expect(sentAE(fx, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[1, 1]]);
  });

  it('TestUnacknowledgedEntriesReprobed: entries unacknowledged across two heartbeat responses are presumed lost; the follower is probed again', () => {
    const l = replicatingLeader();
    propose(l);
    propose(l); // 2 and 3 to S2, both lost
    expect(sentAE(l.step(msg(hbOk('S2', 1, 1))), 'S2')).toEqual([]); // the first: they may be in flight
    expect(l.progressOf('S2')!.state).toBe('replicate');
    const fx = l.step(msg(hbOk('S2', 1, 1)));
    expect(l.progressOf('S2')).toMatchObject({ state: 'probe', nextIndex: 2, probeSent: true });
    expect(notes(fx, 'progressChanged')).toEqual([{ kind: 'progressChanged', peer: 'S2', term: 1, from: 'replicate', to: 'probe', cause: 'appendUnacknowledged', index: 1 }]);
    expect(sentAE(fx, 'S2').map((m) => [m.prevLogIndex, m.entries.length])).toEqual([[1, 2]]);
  });

  it('an acknowledgement between two heartbeat responses restarts the count: nothing is presumed lost', () => {
    const l = replicatingLeader();
    propose(l);
    propose(l);
    l.step(msg(hbOk('S2', 1, 1)));
    l.step(msg(ok('S2', 1, 1, 1))); // 2 acknowledged, 3 still in flight
    l.step(msg(hbOk('S2', 1, 2)));
    expect(l.progressOf('S2')!.state).toBe('replicate');
  });

  it('a leader without a no-op probes with an empty AppendEntries at its last index; the answer moves the follower to replicate', () => {
    const n = new RaftNode({ id: 'S1', servers: SERVERS, heartbeatMs: 50, leaderNoop: false }, { currentTerm: 1, votedFor: null, log: terms(1, 1) });
    n.step({ type: 'electionTimeout' });
    n.step(msg(vote('S2', 2)));
    const fx = n.step(msg(vote('S3', 2)));
    expect(sentAE(fx).map((m) => [m.to, m.prevLogIndex, m.entries.length])).toEqual([['S2', 2, 0], ['S3', 2, 0], ['S4', 2, 0], ['S5', 2, 0]]);
    n.step(msg(ok('S2', 2, 2, 0)));
    expect(n.progressOf('S2')).toMatchObject({ state: 'replicate', matchIndex: 2, nextIndex: 3 });
  });
});

describe('the replication view (the inspector) and notes', () => {
  it('replicationView lists each follower\'s Progress in server order; nextIndex and matchIndex records agree; empty unless leader', () => {
    const l = replicatingLeader();
    propose(l);
    const v = l.replicationView();
    expect(v.progress.map((p) => p.id)).toEqual(['S2', 'S3', 'S4', 'S5']);
    expect(v.progress[0]).toEqual({ id: 'S2', state: 'replicate', nextIndex: 3, matchIndex: 1, inflight: 1, maxInflight: 8, paused: false });
    expect(v.nextIndex).toEqual({ S2: 3, S3: 3, S4: 3, S5: 3 });
    expect(v.matchIndex).toEqual({ S2: 1, S3: 1, S4: 1, S5: 1 });
    l.step(msg({ ...vote('S2', 5), voteGranted: false }));
    expect(l.role).toBe('follower');
    expect(l.replicationView()).toEqual({ nextIndex: {}, matchIndex: {}, progress: [] });
  });

  it('servers named like object properties (toString, constructor) are tracked like any other (issue 11 #1)', () => {
    const names = ['toString', 'constructor', 'hasOwnProperty'];
    const n = new RaftNode({ id: 'toString', servers: names, heartbeatMs: 50 });
    expect(n.replicationView().nextIndex['constructor']).toBeUndefined(); // not Object's constructor
    n.step({ type: 'electionTimeout' });
    n.step(msg({ ...vote('constructor', 1), to: 'toString' }));
    expect(n.role).toBe('leader');
    expect(n.replicationView().progress.map((p) => [p.id, p.state, p.nextIndex])).toEqual([['constructor', 'probe', 1], ['hasOwnProperty', 'probe', 1]]);
    n.step(msg({ ...ok('constructor', 1, 0, 1), to: 'toString' }));
    expect(n.commitIndex).toBe(1);
  });

  it('commitAdvanced names the term of the entry committed, and whether it took the Figure 8 bug to commit it', () => {
    // S1 holds index 2 of term 2 and becomes leader of term 4 with no no-op.
    const mk = (unsafe: boolean) => {
      const n = new RaftNode({
        id: 'S1', servers: SERVERS, heartbeatMs: 50, leaderNoop: false,
        unsafe: { commitPreviousTermEntries: unsafe, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false },
      }, { currentTerm: 3, votedFor: null, log: terms(1, 2) });
      n.step({ type: 'electionTimeout' });
      n.step(msg(vote('S2', 4)));
      n.step(msg(vote('S3', 4)));
      return n;
    };
    const bad = mk(true);
    bad.step(msg(ok('S2', 4, 2, 0)));
    const fx = bad.step(msg(ok('S3', 4, 2, 0)));
    expect(notes(fx, 'commitAdvanced')).toEqual([{ kind: 'commitAdvanced', from: 0, to: 2, term: 4, replicas: 3, entryTerm: 2, previousTermCounted: true }]);
    const good = mk(false);
    good.step(msg(ok('S2', 4, 2, 0)));
    good.step(msg(ok('S3', 4, 2, 0)));
    expect(good.commitIndex).toBe(0);
    propose(good); // index 3, term 4
    good.step(msg(ok('S2', 4, 2, 1)));
    const fx2 = good.step(msg(ok('S3', 4, 2, 1)));
    expect(notes(fx2, 'commitAdvanced')).toEqual([{ kind: 'commitAdvanced', from: 0, to: 3, term: 4, replicas: 3, entryTerm: 4, previousTermCounted: false }]);
  });
});
