/**
 * Leadership transfer (Raft thesis §3.10; etcd raft `MsgTransferLeader`, `MsgTimeoutNow`,
 * `leadTransferee`), driving RaftNodes through the in-test network of raft-net.ts. Tests named Test…
 * mirror the etcd raft test of that name (raft_test.go). A transfer is an input to the leader
 * (`transferLeadership`); a follower refuses it (etcd forwards it to the leader instead: the host
 * sends it to the leader).
 */
import { describe, expect, it } from 'vitest';
import { RaftNode } from '../src/raft/node';
import type { RaftEffect } from '../src/raft/types';
import { ELECTION_MS, HEARTBEAT_MS, Net } from './raft-net';

const THREE = ['S1', 'S2', 'S3'];

const transfer = (to: string) => ({ type: 'transferLeadership' as const, to });
const roleEvents = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'roleChanged' ? [`${f.from}>${f.to}:${f.event}`] : []));

/** etcd's checkLeaderTransferState: `id`'s role and leader, and no transfer under way. */
function expectTransferState(net: Net, id: string, role: string, leader: string): void {
  const n = net.node(id);
  expect([n.role, n.leaderId, n.transferee]).toEqual([role, leader, null]);
}

/** Runs `id`'s heartbeat timer for `ms` of its clock, delivering after each beat. */
function beat(net: Net, id: string, ms: number): void {
  for (let t = 0; t < ms; t += HEARTBEAT_MS) {
    net.advance(HEARTBEAT_MS);
    net.heartbeat(id);
    net.deliver();
  }
}

describe('leader transfer (thesis §3.10)', () => {
  it('TestLeaderTransferToUpToDateNode: a target that is up to date gets TimeoutNow at once and wins; leadership can come back', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    expect(net.node('S1').leaderId).toBe('S1');
    net.step('S1', transfer('S2'));
    expect(net.notes('S1', 'transferStarted')).toEqual([{ kind: 'transferStarted', to: 'S2', term: 1, matchIndex: 1, lastLogIndex: 1 }]);
    expect(net.notes('S1', 'timeoutNowSent')).toEqual([{ kind: 'timeoutNowSent', to: 'S2', term: 1, matchIndex: 1 }]);
    net.deliver();
    expectTransferState(net, 'S1', 'follower', 'S2');
    expect(roleEvents(net.effectsOf('S2'))).toEqual(['follower>candidate:TIMEOUT_NOW', 'candidate>leader:WIN_ELECTION']);
    expect(net.notes('S2', 'timeoutNowReceived')).toEqual([{ kind: 'timeoutNowReceived', from: 'S1', term: 1 }]);
    // After some replication, back to S1.
    net.propose('S2');
    net.step('S2', transfer('S1'));
    net.deliver();
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferWithCheckQuorum: the target\'s election is exempt from the CheckQuorum lease', () => {
    const net = new Net(THREE, { checkQuorum: true });
    net.campaign('S1');
    net.step('S1', transfer('S2'));
    net.deliver();
    // S3 heard from S1 just now, yet granted S2's vote: the RequestVote was a transfer's.
    expect(net.deliveredOf('RequestVote').filter((m) => m.from === 'S2').every((m) => m.transfer === true)).toBe(true);
    expect(net.notes('S3', 'voteIgnored')).toEqual([]);
    expectTransferState(net, 'S1', 'follower', 'S2');
    net.propose('S2');
    net.step('S2', transfer('S1'));
    net.deliver();
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferToSlowFollower: the leader first brings the target\'s log up to date, then sends TimeoutNow', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.propose('S1');
    net.recover();
    expect(net.node('S1').progressOf('S3')!.matchIndex).toBe(1);
    net.step('S1', transfer('S3'));
    expect(net.notes('S1', 'timeoutNowSent')).toEqual([]);
    net.deliver();
    expect(net.notes('S1', 'timeoutNowSent')).toEqual([{ kind: 'timeoutNowSent', to: 'S3', term: 1, matchIndex: 2 }]);
    expectTransferState(net, 'S1', 'follower', 'S3');
  });

  it('TestLeaderTransferToSelf: a transfer to the leader itself is refused with a note; nothing changes', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.step('S1', transfer('S1'));
    expect(net.notes('S1', 'transferRefused')).toEqual([{ kind: 'transferRefused', to: 'S1', term: 1, reason: 'toSelf', leaderHint: 'S1' }]);
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferToNonExistingNode: a transfer to a server outside the cluster is refused', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.step('S1', transfer('S4'));
    expect(net.notes('S1', 'transferRefused')).toEqual([{ kind: 'transferRefused', to: 'S4', term: 1, reason: 'unknownServer', leaderHint: 'S1' }]);
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferTimeout: a transfer not completed within an election timeout is abandoned on the leader\'s heartbeat timer', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    expect(net.node('S1').transferee).toBe('S3');
    beat(net, 'S1', HEARTBEAT_MS);
    expect(net.node('S1').transferee).toBe('S3');
    beat(net, 'S1', ELECTION_MS - 2 * HEARTBEAT_MS);
    expect(net.node('S1').transferee).toBe('S3');
    beat(net, 'S1', HEARTBEAT_MS);
    expectTransferState(net, 'S1', 'leader', 'S1');
    expect(net.notes('S1', 'transferAbandoned')).toEqual([{ kind: 'transferAbandoned', to: 'S3', term: 1, reason: 'timeout', elapsedMs: ELECTION_MS }]);
    // Proposals are accepted again.
    expect(net.propose('S1').accepted).toBe(true);
  });

  it('TestLeaderTransferIgnoreProposal: during a transfer the leader refuses proposals, naming the transfer', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    expect(net.node('S1').transferee).toBe('S3');
    expect(net.propose('S1')).toEqual({ type: 'proposeResult', accepted: false, leaderHint: 'S1', reason: 'transferring', transferee: 'S3' });
    expect(net.node('S1').lastLogIndex).toBe(1);
    expect(net.node('S1').progressOf('S2')!.matchIndex).toBe(1);
  });

  it('TestLeaderTransferReceiveHigherTermVote: a leader that steps down for a higher term drops its transfer', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    expect(net.node('S1').transferee).toBe('S3');
    net.campaign('S2');
    expectTransferState(net, 'S1', 'follower', 'S2');
  });

  it('TestLeaderTransferBack: a transfer to itself while one is under way cancels it', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    expect(net.node('S1').transferee).toBe('S3');
    net.step('S1', transfer('S1'));
    expectTransferState(net, 'S1', 'leader', 'S1');
    expect(net.notes('S1', 'transferAbandoned')).toEqual([{ kind: 'transferAbandoned', to: 'S3', term: 1, reason: 'superseded', elapsedMs: 0 }]);
    expect(net.propose('S1').accepted).toBe(true);
  });

  it('TestLeaderTransferSecondTransferToAnotherNode: a second transfer to another server replaces the first', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    expect(net.node('S1').transferee).toBe('S3');
    net.step('S1', transfer('S2'));
    net.deliver();
    expectTransferState(net, 'S1', 'follower', 'S2');
  });

  it('TestLeaderTransferSecondTransferToSameNode: a second request for the same target does not extend the timeout', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    net.step('S1', transfer('S3'));
    beat(net, 'S1', HEARTBEAT_MS);
    net.step('S1', transfer('S3'));
    expect(net.notes('S1', 'transferRefused')).toEqual([{ kind: 'transferRefused', to: 'S3', term: 1, reason: 'alreadyTransferring', leaderHint: 'S1' }]);
    beat(net, 'S1', ELECTION_MS - HEARTBEAT_MS);
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferFromFollowerRefused: only the leader takes a transfer; a follower refuses it naming the leader', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.step('S2', transfer('S3'));
    expect(net.notes('S2', 'transferRefused')).toEqual([{ kind: 'transferRefused', to: 'S3', term: 1, reason: 'notLeader', leaderHint: 'S1' }]);
    expectTransferState(net, 'S1', 'leader', 'S1');
  });

  it('TestLeaderTransferSkipsPreVote: the target starts a real election at once even with PreVote on', () => {
    const net = new Net(THREE, { preVote: true, checkQuorum: true });
    net.campaign('S1');
    net.step('S1', transfer('S3'));
    net.deliver();
    expect(roleEvents(net.effectsOf('S3'))).toEqual(['follower>candidate:TIMEOUT_NOW', 'candidate>leader:WIN_ELECTION']);
    expect(net.deliveredOf('PreVote').filter((m) => m.from === 'S3')).toEqual([]);
    expectTransferState(net, 'S1', 'follower', 'S3');
  });

  it('TestTimeoutNowIgnoredByCandidate: TimeoutNow reaching a candidate or pre-candidate changes nothing (etcd stepCandidate)', () => {
    for (const preVote of [false, true]) {
      const net = new Net(THREE, { preVote });
      net.timeout('S2');
      const [role, term] = [net.node('S2').role, net.node('S2').currentTerm];
      net.step('S2', { type: 'message', msg: { type: 'TimeoutNow', from: 'S1', to: 'S2', term, leaderId: 'S1' } });
      expect([net.node('S2').role, net.node('S2').currentTerm]).toEqual([role, term]);
    }
  });

  it('TestLeaderTransferNeedsElectionTimeout: without minElectionTimeoutMs a transfer cannot be timed, and throws', () => {
    const n = new RaftNode({ id: 'S1', servers: ['S1', 'S2'], heartbeatMs: 100 });
    n.start(0);
    n.step({ type: 'electionTimeout' }, 0);
    n.step({ type: 'message', msg: { type: 'RequestVoteResponse', from: 'S2', to: 'S1', term: 1, voteGranted: true, lastLogIndex: 0, lastLogTerm: 0 } }, 0);
    expect(n.role).toBe('leader');
    expect(() => n.step({ type: 'transferLeadership', to: 'S2' }, 0)).toThrow(/minElectionTimeoutMs/);
    expect(n.transferee).toBeNull();
  });
});
