/**
 * CheckQuorum (Raft thesis §6.2 and §4.2.3; etcd raft `checkQuorum`, `RecentActive`, the `inLease`
 * check of Step), driving RaftNodes through the in-test network of raft-net.ts. Tests named Test…
 * mirror the etcd raft test of that name (raft_test.go, testdata/checkquorum.txt). etcd's ticks are
 * ms of each server's own clock here: heartbeat 100 ms, minimum election timeout 1000 ms.
 */
import { describe, expect, it } from 'vitest';
import { RaftNode } from '../src/raft/node';
import type { RaftEffect, RaftMessage } from '../src/raft/types';
import { ELECTION_MS, HEARTBEAT_MS, Net } from './raft-net';

const THREE = ['S1', 'S2', 'S3'];
const FIVE = ['S1', 'S2', 'S3', 'S4', 'S5'];
const CQ = { checkQuorum: true };

/** Runs leader `id`'s heartbeat timer for `ms` (every server's clock advances), delivering after each beat. */
function beat(net: Net, id: string, ms: number): void {
  for (let t = 0; t < ms; t += HEARTBEAT_MS) {
    net.advance(HEARTBEAT_MS);
    if (net.node(id).role !== 'leader') return;
    net.heartbeat(id);
    net.deliver();
  }
}

const roleEvents = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'roleChanged' ? [`${f.from}>${f.to}:${f.event}`] : []));
const between = (a: string[], b: string[]) => (m: RaftMessage) => (a.includes(m.from) && b.includes(m.to)) || (b.includes(m.from) && a.includes(m.to));

describe('CheckQuorum: a leader that lost touch with a majority steps down (§6.2)', () => {
  it('TestCheckQuorumStepDown: cut off with one follower of five, the leader steps down after an election timeout without a majority', () => {
    const net = new Net(FIVE, CQ);
    net.campaign('S1');
    net.drop = between(['S1', 'S2'], ['S3', 'S4', 'S5']);
    // The followers were active in the first interval (they answered the election's appends), so the
    // leader survives the first check and steps down at the second, as in etcd's checkquorum.txt.
    const before = net.effectsOf('S1').length;
    beat(net, 'S1', ELECTION_MS);
    expect(net.node('S1').role).toBe('leader');
    beat(net, 'S1', ELECTION_MS);
    const s1 = net.node('S1');
    expect([s1.role, s1.currentTerm, s1.leaderId]).toEqual(['follower', 1, null]);
    const fx = net.effectsOf('S1', before);
    expect(net.notes('S1', 'steppedDown')).toEqual([{ kind: 'steppedDown', term: 1, cause: 'checkQuorum', heardFrom: ['S1', 'S2'], servers: 5, windowMs: 1000 }]);
    expect(roleEvents(fx)).toEqual(['leader>follower:LOSE_QUORUM']);
    expect(fx).toContainEqual({ type: 'stopHeartbeatTimer' });
    expect(fx.at(-1)).toEqual({ type: 'resetElectionTimer' });
  });

  it('TestCheckQuorumKeepsLeaderWithMajority: a leader heard from by a majority stays leader', () => {
    const net = new Net(FIVE, CQ);
    net.campaign('S1');
    net.drop = between(['S1', 'S2', 'S3'], ['S4', 'S5']);
    beat(net, 'S1', 5 * ELECTION_MS);
    expect(net.node('S1').role).toBe('leader');
    expect(net.notes('S1', 'steppedDown')).toEqual([]);
  });

  it('TestLeaderInMinorityStaysLeaderWithoutCheckQuorum: without it, a leader cut off in a minority stays leader (today\'s behaviour)', () => {
    const net = new Net(FIVE);
    net.campaign('S1');
    net.drop = between(['S1', 'S2'], ['S3', 'S4', 'S5']);
    beat(net, 'S1', 10 * ELECTION_MS);
    expect(net.node('S1').role).toBe('leader');
  });

  it('TestCheckQuorumNeedsTheClock: CheckQuorum without minElectionTimeoutMs is refused, and a leader tick without a clock reading throws', () => {
    expect(() => new RaftNode({ id: 'S1', servers: ['S1'], heartbeatMs: 100, checkQuorum: true })).toThrow(/minElectionTimeoutMs/);
    const n = new RaftNode({ id: 'S1', servers: ['S1'], heartbeatMs: 100, minElectionTimeoutMs: 1000, checkQuorum: true });
    expect(() => n.step({ type: 'electionTimeout' })).toThrow(/needs the server's clock/);
  });

  it('TestLocalClockNeverGoesBack: a clock reading below an earlier one is refused', () => {
    const n = new RaftNode({ id: 'S1', servers: ['S1', 'S2'], heartbeatMs: 100 });
    n.start(500);
    expect(() => n.step({ type: 'heartbeatTimeout' }, 499)).toThrow(/went backwards/);
  });
});

describe('CheckQuorum: the leader lease (§4.2.3)', () => {
  it('TestVoteIgnoredWithinLease: a follower that heard from its leader within the election timeout, and the leader, ignore a RequestVote: no answer, no new term', () => {
    const net = new Net(THREE, CQ);
    net.campaign('S1');
    net.advance(250);
    net.campaign('S2');
    expect([net.node('S2').role, net.node('S2').currentTerm]).toEqual(['candidate', 2]);
    for (const id of ['S1', 'S3']) expect(net.node(id).currentTerm, id).toBe(1);
    expect(net.deliveredOf('RequestVoteResponse').filter((m) => m.term === 2)).toEqual([]);
    expect(net.notes('S3', 'voteIgnored')).toEqual([{ kind: 'voteIgnored', candidate: 'S2', term: 2, preVote: false, leader: 'S1', heardAgoMs: 250 }]);
    expect(net.notes('S1', 'voteIgnored')).toEqual([{ kind: 'voteIgnored', candidate: 'S2', term: 2, preVote: false, leader: 'S1', heardAgoMs: 0 }]);
  });

  it('TestLeaderElectionWithCheckQuorum: votes are cast freely before any leader is known; later only by servers whose lease ran out', () => {
    const net = new Net(THREE, CQ);
    net.campaign('S1');
    expect([net.node('S1').role, net.node('S3').role]).toEqual(['leader', 'follower']);
    // S1 and S2 see an election timeout pass with no heartbeat delivered; S3 campaigns.
    net.advance(ELECTION_MS, ['S1', 'S2']);
    net.campaign('S3');
    expect([net.node('S1').role, net.node('S3').role]).toEqual(['follower', 'leader']);
  });

  it('TestLeaderSupersedingWithCheckQuorum: a candidate wins only once a majority\'s lease has run out', () => {
    const net = new Net(THREE, CQ);
    net.campaign('S1');
    expect([net.node('S1').role, net.node('S3').role]).toEqual(['leader', 'follower']);
    net.campaign('S3');
    // S2 ignored S3's RequestVote: it heard from S1 within the election timeout.
    expect(net.node('S3').role).toBe('candidate');
    net.advance(ELECTION_MS, ['S2']);
    net.campaign('S3');
    expect(net.node('S3').role).toBe('leader');
  });

  it('TestFreeStuckCandidateWithCheckQuorum: a candidate at a higher term, stuck behind the lease, deposes the leader through its answer to a heartbeat', () => {
    const net = new Net(THREE, CQ);
    net.campaign('S1');
    net.isolate('S1');
    net.campaign('S3');
    expect([net.node('S2').role, net.node('S3').role]).toEqual(['follower', 'candidate']);
    expect(net.node('S3').currentTerm).toBe(net.node('S2').currentTerm + 1);
    net.campaign('S3');
    expect([net.node('S2').role, net.node('S3').role]).toEqual(['follower', 'candidate']);
    expect(net.node('S3').currentTerm).toBe(net.node('S2').currentTerm + 2);
    net.recover();
    net.heartbeatRound('S1');
    // The leader's heartbeat of term 1 is refused with term 3: the leader steps down.
    expect(net.node('S1').role).toBe('follower');
    expect(net.node('S1').currentTerm).toBe(net.node('S3').currentTerm);
    net.campaign('S3');
    expect(net.node('S3').role).toBe('leader');
  });

  it('TestDisruptiveFollower: a follower whose timer fires before a delayed heartbeat arrives deposes the leader with its answer', () => {
    const net = new Net(THREE, CQ);
    net.campaign('S1');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'follower']);
    net.advance(ELECTION_MS, ['S3']);
    net.timeout('S3'); // its RequestVotes stay queued
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'candidate']);
    expect(THREE.map((id) => net.node(id).currentTerm)).toEqual([1, 1, 2]);
    // The leader's heartbeat, sent with the lower term, reaches S3 first; S3's answer carries term 2.
    net.heartbeat('S1');
    net.deliverOnly((m) => m.type === 'AppendEntries' || m.type === 'AppendEntriesResponse');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['follower', 'follower', 'candidate']);
    expect(THREE.map((id) => net.node(id).currentTerm)).toEqual([2, 1, 2]);
  });

  it('TestPreVoteWithCheckQuorum: pre-votes are ignored within the lease; a pre-candidate has no leader, so it grants, and the cluster elects a new leader', () => {
    const opts = { checkQuorum: true, preVote: true };
    const net = new Net(THREE, opts);
    net.campaign('S1');
    net.isolate('S1');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'follower']);
    net.campaign('S3');
    expect(net.notes('S2', 'voteIgnored')).toEqual([{ kind: 'voteIgnored', candidate: 'S3', term: 2, preVote: true, leader: 'S1', heardAgoMs: 0 }]);
    net.campaign('S2');
    expect([net.node('S2').role, net.node('S3').role]).toEqual(['leader', 'follower']);
  });

  it('without CheckQuorum a RequestVote of a higher term is answered even while the leader is active (today\'s behaviour)', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.campaign('S2');
    expect(net.node('S2').role).toBe('leader');
    expect(net.notes('S3', 'voteIgnored')).toEqual([]);
  });
});
