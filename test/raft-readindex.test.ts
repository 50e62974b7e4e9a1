/**
 * Linearizable reads without the log (Raft thesis §6.4 ReadIndex, §6.4.1 leases; etcd raft
 * read_only.go, `ReadOnlySafe`, `ReadOnlyLeaseBased`), driving RaftNodes through the in-test network
 * of raft-net.ts. Tests named Test… mirror the etcd raft test of that name (raft_test.go).
 *
 * Differences from etcd that the tests show: a lease read in raftsim checks the lease against the
 * leader's own clock (etcd's ReadOnlyLeaseBased answers at once on the strength of CheckQuorum
 * alone), so a lease needs one heartbeat round acknowledged by a majority first; and a read held
 * by a leader that steps down is refused (`steppedDown`) rather than dropped, so the host can tell
 * its client to retry.
 */
import { describe, expect, it } from 'vitest';
import { RaftNode } from '../src/raft/node';
import type { AppendEntries, RaftEffect } from '../src/raft/types';
import { ELECTION_MS, HEARTBEAT_MS, Net, terms } from './raft-net';

const THREE = ['S1', 'S2', 'S3'];
const LEASE = { checkQuorum: true, readOnly: 'leaseBased' as const };

const read = (ctx: string) => ({ type: 'readIndex' as const, ctx });
const refusals = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'readRefused' ? [{ ctx: f.ctx, reason: f.reason, leaderHint: f.leaderHint }] : []));
const roundsSent = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'send' && f.msg.type === 'AppendEntries' && f.msg.round !== undefined ? [f.msg.round] : []));

describe('ReadIndex (thesis §6.4)', () => {
  it('TestReadOnlyOptionSafe: a read at the leader or at a follower gets the leader\'s commitIndex once a majority acknowledged a heartbeat round', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    expect(net.node('S1').role).toBe('leader');
    const cases: [string, number, string][] = [['S1', 11, 'ctx1'], ['S2', 21, 'ctx2'], ['S3', 31, 'ctx3'], ['S1', 41, 'ctx4'], ['S2', 51, 'ctx5'], ['S3', 61, 'ctx6']];
    for (const [id, index, ctx] of cases) {
      for (let j = 0; j < 10; j++) net.propose('S1');
      const before = net.readsReady(id).length;
      net.step(id, read(ctx));
      expect(net.readsReady(id).length, ctx).toBe(before); // not before the heartbeat round
      net.deliver();
      expect(net.readsReady(id).slice(before), ctx).toEqual([{ ctx, index }]);
    }
    // Confirmed as soon as S2 answered: S2 and the leader are a majority of three.
    expect(net.notes('S1', 'readConfirmed')[0]).toEqual({ kind: 'readConfirmed', ctx: 'ctx1', index: 11, term: 1, confirmedBy: ['S2'] });
    expect(net.notes('S2', 'readForwarded')[0]).toEqual({ kind: 'readForwarded', ctx: 'ctx2', leader: 'S1' });
    expect(net.notes('S2', 'readIndexFromLeader')[0]).toEqual({ kind: 'readIndexFromLeader', ctx: 'ctx2', index: 21, leader: 'S1' });
    // No log entry is written for a read: 1 no-op + 60 proposals.
    expect(net.node('S1').lastLogIndex).toBe(61);
  });

  it('TestReadOnlyForNewLeader: a new leader holds a read until it has committed an entry of its own term', () => {
    // All hold entries 1–2 of term 1; commitIndex is volatile, so each starts at 0.
    const log = { currentTerm: 1, log: terms(1, 1) };
    const net = new Net(THREE, {}, {}, { S1: log, S2: log, S3: log });
    // Appends with entries are dropped: the leader cannot commit its no-op.
    net.drop = (m) => m.type === 'AppendEntries' && m.entries.length > 0;
    net.campaign('S1');
    const s1 = net.node('S1');
    expect([s1.role, s1.currentTerm]).toEqual(['leader', 2]);
    net.step('S1', read('ctx'));
    net.deliver();
    expect(net.readsReady('S1')).toEqual([]);
    expect(net.notes('S1', 'readDeferred')).toEqual([{ kind: 'readDeferred', ctx: 'ctx', term: 2 }]);
    net.recover();
    // The heartbeat timer fires and a proposal arrives before anything is delivered: 3 and 4 commit together.
    net.heartbeat('S1');
    net.propose('S1');
    expect(s1.commitIndex).toBe(4);
    expect(s1.termAt(s1.commitIndex)).toBe(s1.currentTerm);
    expect(net.readsReady('S1')).toEqual([{ ctx: 'ctx', index: 4 }]);
    // Now a read is taken at once (one heartbeat round).
    net.step('S1', read('ctx'));
    net.deliver();
    expect(net.readsReady('S1')).toEqual([{ ctx: 'ctx', index: 4 }, { ctx: 'ctx', index: 4 }]);
  });

  it('TestReadIndexNeedsMajority: a leader cut off from the majority never confirms a read; when it steps down the read is refused', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S1');
    net.step('S1', read('r'));
    net.deliver();
    net.heartbeatRound('S1');
    expect(net.readsReady('S1')).toEqual([]);
    net.campaign('S2');
    net.recover();
    net.heartbeatRound('S2');
    expect(net.node('S1').role).toBe('follower');
    expect(refusals(net.effectsOf('S1'))).toEqual([{ ctx: 'r', reason: 'steppedDown', leaderHint: 'S2' }]);
    expect(net.readsReady('S1')).toEqual([]);
  });

  it('TestReadIndexMinorityOfAcksDoesNotConfirm: of five, the leader and one follower are not enough; a second follower\'s acknowledgement confirms', () => {
    const net = new Net(['S1', 'S2', 'S3', 'S4', 'S5']);
    net.campaign('S1');
    net.drop = (m) => m.type === 'AppendEntriesResponse' && m.from !== 'S2';
    net.step('S1', read('r'));
    net.deliver();
    expect(net.readsReady('S1')).toEqual([]);
    net.drop = (m) => m.type === 'AppendEntriesResponse' && m.from !== 'S2' && m.from !== 'S4';
    net.heartbeatRound('S1');
    expect(net.readsReady('S1')).toEqual([{ ctx: 'r', index: 1 }]);
    expect(net.notes('S1', 'readConfirmed')).toEqual([{ kind: 'readConfirmed', ctx: 'r', index: 1, term: 1, confirmedBy: ['S2', 'S4'] }]);
  });

  it('TestReadIndexForwardedRefusedWhenLeaderStepsDown: a follower\'s read held by a leader that steps down comes back refused', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.drop = (m) => m.type === 'AppendEntriesResponse';
    net.step('S2', read('f'));
    net.deliver();
    expect(net.readsReady('S2')).toEqual([]);
    net.recover();
    net.advance(ELECTION_MS);
    net.campaign('S3'); // S1 steps down on S3's RequestVote of term 2
    expect(net.node('S1').role).toBe('follower');
    // The refusal reaches S2 before S3's first AppendEntries: it knows no leader of term 2 yet.
    expect(refusals(net.effectsOf('S2'))).toEqual([{ ctx: 'f', reason: 'steppedDown', leaderHint: null }]);
    expect(net.node('S2').leaderId).toBe('S3');
  });

  it('TestReadIndexWithoutLeader: a server that knows no leader refuses a read with noLeader (the host retries)', () => {
    const net = new Net(THREE);
    expect(refusals(net.step('S2', read('a')))).toEqual([{ ctx: 'a', reason: 'noLeader', leaderHint: null }]);
    net.timeout('S2');
    expect(net.node('S2').role).toBe('candidate');
    expect(refusals(net.step('S2', read('b')))).toEqual([{ ctx: 'b', reason: 'noLeader', leaderHint: null }]);
    expect(net.notes('S2', 'readRefused').map((n) => n.ctx)).toEqual(['a', 'b']);
  });

  it('TestReadIndexAtFormerLeader: a ReadIndex that reaches a server which is no longer leader is refused with notLeader', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.step('S2', { type: 'message', msg: { type: 'ReadIndex', from: 'S3', to: 'S2', term: 1, ctx: 'x' } });
    net.deliver();
    expect(refusals(net.effectsOf('S3'))).toEqual([{ ctx: 'x', reason: 'notLeader', leaderHint: 'S1' }]);
  });

  it('TestReadIndexSingleServer: a lone server answers at once, once it has committed an entry of its term', () => {
    const net = new Net(['S1']);
    net.timeout('S1');
    expect(net.node('S1').role).toBe('leader');
    net.step('S1', read('solo'));
    expect(net.readsReady('S1')).toEqual([{ ctx: 'solo', index: 1 }]);
  });

  it('heartbeats carry no round while no read waits (today\'s messages)', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.heartbeatRound('S1');
    const hb = net.deliveredOf('AppendEntries').filter((m) => m.entries.length === 0);
    expect(hb.length).toBe(2);
    for (const m of hb) expect(Object.keys(m)).not.toContain('round');
    for (const m of net.deliveredOf('AppendEntriesResponse')) expect(Object.keys(m)).not.toContain('round');
  });

  it('TestReadIndexLaterRoundConfirms: a lost heartbeat round is made up by the next timed heartbeat, which carries a later round', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.step('S1', read('r'));
    net.clearQueue(); // the round sent for the read is lost
    expect(net.readsReady('S1')).toEqual([]);
    const fx = net.heartbeat('S1');
    expect(roundsSent(fx)).toEqual([2, 2]);
    net.deliver();
    expect(net.readsReady('S1')).toEqual([{ ctx: 'r', index: 1 }]);
  });
});

describe('lease reads (thesis §6.4.1)', () => {
  it('TestReadOnlyOptionLease: while its lease holds the leader answers at once, without a heartbeat round', () => {
    const net = new Net(THREE, LEASE);
    net.campaign('S1');
    net.heartbeatRound('S1'); // the lease starts with the first round a majority acknowledges
    const cases: [string, number, string][] = [['S1', 11, 'ctx1'], ['S2', 21, 'ctx2'], ['S3', 31, 'ctx3'], ['S1', 41, 'ctx4'], ['S2', 51, 'ctx5'], ['S3', 61, 'ctx6']];
    for (const [id, index, ctx] of cases) {
      for (let j = 0; j < 10; j++) net.propose('S1');
      const before = net.effectsOf('S1').length;
      net.step(id, read(ctx));
      net.deliver();
      expect(net.readsReady(id).at(-1), ctx).toEqual({ ctx, index });
      expect(roundsSent(net.effectsOf('S1', before)), ctx).toEqual([]);
    }
    expect(net.notes('S1', 'leaseRead')[0]).toEqual({ kind: 'leaseRead', ctx: 'ctx1', index: 11, term: 1, leaseUntilMs: ELECTION_MS / 1.1 });
  });

  it('TestLeaseRunsFromHeartbeatSendTime: the lease lasts minElectionTimeoutMs / clockDriftBound from when the acknowledged round was sent; then a read takes a round', () => {
    const net = new Net(THREE, { ...LEASE, clockDriftBound: 1.25 });
    net.campaign('S1');
    const s1 = net.node('S1');
    expect(s1.leaseUntilMs()).toBeNull();
    net.step('S1', read('early')); // no round acknowledged yet
    expect(net.notes('S1', 'leaseLapsed')).toEqual([{ kind: 'leaseLapsed', ctx: 'early', term: 1, leaseUntilMs: null }]);
    net.deliver();
    expect(net.readsReady('S1')).toEqual([{ ctx: 'early', index: 1 }]); // confirmed by its round instead
    // Round 1 (the read's) was sent at 0 on S1's clock: the lease holds until 800.
    expect(s1.leaseUntilMs()).toBe(800);
    net.advance(HEARTBEAT_MS);
    net.heartbeat('S1'); // round 2 sent at 100; its acknowledgements are delayed
    net.advance(699, ['S1']);
    net.step('S1', read('at799'));
    expect(net.notes('S1', 'leaseRead').at(-1)).toMatchObject({ ctx: 'at799', leaseUntilMs: 800 });
    net.advance(1, ['S1']);
    const fx = net.step('S1', read('at800'));
    expect(net.notes('S1', 'leaseLapsed').at(-1)).toEqual({ kind: 'leaseLapsed', ctx: 'at800', term: 1, leaseUntilMs: 800 });
    expect(roundsSent(fx)).toEqual([3, 3]);
    net.deliver(); // rounds 2 and 3 acknowledged: the lease now runs from round 3's send time
    expect(s1.leaseUntilMs()).toBe(800 + 800);
  });

  it('TestLeaseNeedsLeaseBasedWithCheckQuorum: lease reads without CheckQuorum are refused at construction (etcd raft Config.validate)', () => {
    expect(() => new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100, minElectionTimeoutMs: 1000, readOnly: 'leaseBased' })).toThrow(/requires checkQuorum/);
    expect(() => new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100, minElectionTimeoutMs: 1000, ...LEASE, clockDriftBound: 0.9 })).toThrow(/clockDriftBound/);
  });

  /**
   * S1 leads with a lease from a heartbeat round at 0; then it is cut off. Real time runs at rate 1
   * on S2 and S3 and at `rate` on S1. S2 ignores votes until its election timeout has passed since it
   * last heard from S1 (1000 ms of its clock); then S3 is elected and commits a write. S1 is asked for
   * a read at `readAtMs` of real time.
   */
  function partitionedLeaseLeader(rate: number, readAtMs: number, unsafe = false): { net: Net; index: number | null } {
    const net = new Net(THREE, unsafe ? { unsafe: { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, leaderReadsLocally: true } } : LEASE);
    net.campaign('S1');
    net.heartbeatRound('S1');
    net.isolate('S1');
    const at = (ms: number) => {
      net.advance(ms * rate, ['S1']);
      net.advance(ms, ['S2', 'S3']);
    };
    at(ELECTION_MS);
    net.campaign('S3');
    expect(net.node('S3').role).toBe('leader');
    net.propose('S3', 'new');
    expect(net.node('S3').commitIndex).toBe(3);
    at(readAtMs - ELECTION_MS);
    expect(net.node('S1').role).toBe('leader');
    net.step('S1', read('r'));
    net.deliver();
    const ready = net.readsReady('S1');
    return { net, index: ready.length ? ready[0].index : null };
  }

  it('TestLeaseReadSafeWithinClockDriftBound: a leader whose clock runs slow, but within the bound, lets its lease lapse before another leader can be elected', () => {
    // S1's clock runs at 0.95 (within 1/1.1): its lease ends at 909 ms of its clock, 957 ms of real time.
    const { net, index } = partitionedLeaseLeader(0.95, 1000);
    expect(index).toBeNull();
    expect(net.notes('S1', 'leaseLapsed').at(-1)).toMatchObject({ ctx: 'r', leaseUntilMs: ELECTION_MS / 1.1 });
  });

  it('TestLeaseReadStaleBeyondClockDriftBound: a leader whose clock runs at half speed still believes its lease after it was deposed, and serves a stale read', () => {
    // At 1500 ms of real time S1's clock reads 750 < 909: the lease "holds"; S3 committed index 3 at 1000.
    const { net, index } = partitionedLeaseLeader(0.5, 1500);
    expect(index).toBe(1);
    expect(index!).toBeLessThan(net.node('S3').commitIndex);
    expect(net.notes('S1', 'leaseRead').at(-1)).toMatchObject({ ctx: 'r', index: 1, leaseUntilMs: ELECTION_MS / 1.1 });
  });

  it('TestLeaderReadsLocallyUnsafe: with unsafe.leaderReadsLocally a deposed leader in a minority answers at once with its stale commitIndex', () => {
    const { net, index } = partitionedLeaseLeader(1, 5000, true);
    expect(index).toBe(1);
    expect(net.notes('S1', 'readLocal')).toEqual([{ kind: 'readLocal', ctx: 'r', index: 1, term: 1 }]);
    expect(net.node('S3').commitIndex).toBe(3);
  });

  it('a read\'s own mode: safe in a lease cluster takes a heartbeat round, at the leader and through a follower, and is exempt from leaderReadsLocally', () => {
    const unsafe = { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, leaderReadsLocally: true };
    const net = new Net(THREE, { ...LEASE, unsafe });
    net.campaign('S1');
    net.heartbeatRound('S1');
    expect(net.node('S1').leaseUntilMs()).not.toBeNull();
    for (const [id, ctx] of [['S1', 'own'], ['S2', 'fwd']] as const) {
      const before = net.effectsOf('S1').length;
      net.step(id, { type: 'readIndex', ctx, readOnly: 'safe' });
      expect(net.readsReady(id).some((r) => r.ctx === ctx), ctx).toBe(false); // not at once
      net.deliver();
      expect(net.readsReady(id).some((r) => r.ctx === ctx), ctx).toBe(true);
      expect(roundsSent(net.effectsOf('S1', before)).length, ctx).toBeGreaterThan(0);
    }
    expect(net.notes('S1', 'readConfirmed').map((n) => n.ctx)).toEqual(['own', 'fwd']);
    // Its own lease mode reads from the lease; a read with no mode of its own falls to the unsafe switch.
    net.step('S1', { type: 'readIndex', ctx: 'lease', readOnly: 'leaseBased' });
    net.step('S1', read('plain'));
    expect(net.notes('S1', 'leaseRead').map((n) => n.ctx)).toEqual(['lease']);
    expect(net.notes('S1', 'readLocal').map((n) => n.ctx)).toEqual(['plain']);
  });

  it('TestLeaseRevokedByTransfer: during a leader transfer, and for the rest of the term once TimeoutNow was sent, the lease does not hold', () => {
    const net = new Net(THREE, LEASE);
    net.campaign('S1');
    net.heartbeatRound('S1');
    const s1 = net.node('S1');
    expect(s1.leaseUntilMs()).toBe(ELECTION_MS / 1.1);
    // S3 is up to date, so TimeoutNow goes out at once; it is lost, and the transfer does not complete.
    net.drop = (m) => m.type === 'TimeoutNow';
    net.step('S1', { type: 'transferLeadership', to: 'S3' });
    expect(net.notes('S1', 'timeoutNowSent')).toEqual([{ kind: 'timeoutNowSent', to: 'S3', term: 1, matchIndex: 1 }]);
    expect(s1.leaseUntilMs()).toBeNull();
    net.step('S1', read('during'));
    expect(net.notes('S1', 'leaseLapsed')).toEqual([{ kind: 'leaseLapsed', ctx: 'during', term: 1, leaseUntilMs: null }]);
    // An election timeout later the transfer is abandoned; S3 may still act on a late TimeoutNow, so no lease this term.
    for (let t = 0; t < ELECTION_MS; t += HEARTBEAT_MS) {
      net.advance(HEARTBEAT_MS);
      net.heartbeatRound('S1');
    }
    expect(net.notes('S1', 'transferAbandoned')).toHaveLength(1);
    expect([s1.role, s1.transferee, s1.leaseUntilMs()]).toEqual(['leader', null, null]);
  });
});
