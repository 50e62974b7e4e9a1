/**
 * Membership changes in the Raft node (Raft paper §6, thesis Chapter 4; etcd raft confchange/,
 * tracker/, quorum/ and raft.go applyConfChange / switchToConfig), driving RaftNodes through the
 * in-test network of raft-net.ts. Tests named Test… mirror the etcd raft test of that name
 * (raft_test.go) or the datadriven transcript named (testdata/confchange_*.txt).
 */
import { describe, expect, it } from 'vitest';
import { applyConfChange, checkProposal, describeConfig, makeConfig, simple } from '../src/raft/confchange';
import { committedValue, voteResult } from '../src/raft/quorum';
import { RaftNode } from '../src/raft/node';
import type { ConfChange, LogEntry, NodeId, RaftEffect } from '../src/raft/types';
import { Net, type Options } from './raft-net';

const add = (id: NodeId): ConfChange => ({ changes: [{ type: 'addNode', nodeId: id }] });
const addLearner = (id: NodeId): ConfChange => ({ changes: [{ type: 'addLearnerNode', nodeId: id }] });
const remove = (id: NodeId): ConfChange => ({ changes: [{ type: 'removeNode', nodeId: id }] });

/** A Net of `all` servers whose bootstrap configuration is `voters` (+ `learners`); the rest are spares. */
function cluster(all: NodeId[], voters: NodeId[], learners: NodeId[] = [], options: Options = {}): Net {
  const perNode: Record<NodeId, Options> = {};
  for (const id of all) if (!voters.includes(id) && !learners.includes(id)) perNode[id] = { spare: true };
  return new Net(all, { servers: voters, learners, ...options }, perNode);
}

const applied = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'apply' ? [f.index] : []));
const appliedEntries = (fx: RaftEffect[]): LogEntry[] => fx.flatMap((f) => (f.type === 'apply' ? [f.entry] : []));
const cfg = (n: RaftNode) => describeConfig(n.config);

describe('quorums (etcd raft quorum/: majority and joint)', () => {
  it('majority_vote / joint_vote: a joint configuration wins only with a majority of each half, and loses if either half loses', () => {
    const joint = { voters: ['S1', 'S4', 'S5'], votersOutgoing: ['S1', 'S2', 'S3'], learners: [], learnersNext: [], autoLeave: true };
    const votes = (granted: string[], refused: string[] = []) => (id: string) => (granted.includes(id) ? true : refused.includes(id) ? false : undefined);
    expect(voteResult(joint, votes(['S1', 'S2']))).toBe('pending'); // old half won, new half pending
    expect(voteResult(joint, votes(['S1', 'S2', 'S4']))).toBe('won');
    expect(voteResult(joint, votes(['S1', 'S4', 'S5'], ['S2', 'S3']))).toBe('lost');
    expect(voteResult(makeConfig(['S1']), votes(['S1']))).toBe('won');
  });

  it('majority_commit / joint_commit: the committed index of a joint configuration is the smaller of the two halves\'', () => {
    const joint = { voters: ['S1', 'S4', 'S5'], votersOutgoing: ['S1', 'S2', 'S3'], learners: [], learnersNext: [], autoLeave: false };
    const match: Record<string, number> = { S1: 10, S2: 9, S3: 8, S4: 3, S5: 2 };
    expect(committedValue(joint, (id) => match[id])).toBe(3);
    expect(committedValue(makeConfig(['S1', 'S2', 'S3']), (id) => match[id])).toBe(9);
  });
});

describe('configuration changes (etcd raft confchange/: Simple, EnterJoint, LeaveJoint)', () => {
  it('simple_safety: a simple change may change at most one voter, never leave zero voters', () => {
    const c = makeConfig(['S1', 'S2', 'S3']);
    expect(simple(c, [{ type: 'addNode', nodeId: 'S4' }, { type: 'addNode', nodeId: 'S5' }])).toEqual({ ok: false, reason: 'tooManyVoterChanges' });
    expect(simple(makeConfig(['S1']), [{ type: 'removeNode', nodeId: 'S1' }])).toEqual({ ok: false, reason: 'removesAllVoters' });
    const r = simple(c, [{ type: 'addLearnerNode', nodeId: 'S4' }, { type: 'addLearnerNode', nodeId: 'S5' }]);
    expect(r.ok && describeConfig(r.config)).toBe('voters=(S1 S2 S3) learners=(S4 S5)');
  });

  it('simple_promote_demote: addNode of a learner promotes it; addLearnerNode of a voter demotes it', () => {
    let c = makeConfig(['S1', 'S2'], ['S3']);
    let r = applyConfChange(c, add('S3'));
    expect(r.ok && describeConfig(r.config)).toBe('voters=(S1 S2 S3)');
    c = (r as { config: typeof c }).config;
    r = applyConfChange(c, addLearner('S2'));
    expect(r.ok && describeConfig(r.config)).toBe('voters=(S1 S3) learners=(S2)');
  });

  it('joint_learners_next: demoting an outgoing voter in a joint change stages it in learnersNext until the joint configuration is left', () => {
    const c = makeConfig(['S1', 'S2', 'S3']);
    const r = applyConfChange(c, { changes: [{ type: 'addLearnerNode', nodeId: 'S3' }, { type: 'addNode', nodeId: 'S4' }] });
    expect(r.ok && describeConfig(r.config)).toBe('voters=(S1 S2 S4)&&(S1 S2 S3) learners_next=(S3) autoleave');
    const left = applyConfChange((r as { config: typeof c }).config, { changes: [] });
    expect(left.ok && describeConfig(left.config)).toBe('voters=(S1 S2 S4) learners=(S3)');
  });

  it('a proposal is checked against the applied configuration: no second joint change, no empty change outside joint, no adding a member in the role it has, no removing a non-member', () => {
    const c = makeConfig(['S1', 'S2'], ['S3']);
    expect(checkProposal(c, add('S1'))).toBe('alreadyVoter');
    expect(checkProposal(c, addLearner('S3'))).toBe('alreadyLearner');
    expect(checkProposal(c, remove('S9'))).toBe('notMember');
    expect(checkProposal(c, { changes: [] })).toBe('notInJointConfig');
    expect(checkProposal(makeConfig(['S1']), remove('S1'))).toBe('removesAllVoters');
    const joint = applyConfChange(c, { changes: [{ type: 'addNode', nodeId: 'S4' }, { type: 'addNode', nodeId: 'S5' }] });
    expect(joint.ok && checkProposal(joint.config, add('S6'))).toBe('inJointConfig');
    expect(joint.ok && checkProposal(joint.config, { changes: [] })).toBe(null);
  });
});

describe('adding and removing servers (thesis §4.1, etcd raft applyConfChange)', () => {
  it('TestAddNode: a single server adds a spare; the change takes effect when applied, and from then on commits need both', () => {
    const net = cluster(['S1', 'S2'], ['S1']);
    net.campaign('S1');
    expect(net.node('S1').role).toBe('leader');
    expect(cfg(net.node('S2'))).toBe('voters=(S1)'); // the spare knows the bootstrap configuration, without itself
    const res = net.proposeConf('S1', add('S2'));
    expect(res).toMatchObject({ accepted: true, index: 2 });
    expect(net.notes('S1', 'confChangeApplied').map((n) => [n.index, describeConfig(n.config), n.joint])).toEqual([[2, 'voters=(S1 S2)', 'none']]);
    expect(net.node('S1').members).toEqual(['S1', 'S2']);
    // The leader probed the new voter at once; it caught up and applied the change too.
    net.heartbeatRound('S1');
    expect(net.node('S2').lastLogIndex).toBe(2);
    expect(cfg(net.node('S2'))).toBe('voters=(S1 S2)');
    expect(net.node('S2').promotable).toBe(true);
    // Now a majority of two is two: with S2 cut off nothing commits.
    net.isolate('S2');
    const before = net.node('S1').commitIndex;
    net.propose('S1');
    expect(net.node('S1').commitIndex).toBe(before);
  });

  it('TestRemoveNode: removing a voter shrinks the quorum; removing the last voter is refused', () => {
    const net = cluster(['S1', 'S2'], ['S1', 'S2']);
    net.campaign('S1');
    net.proposeConf('S1', remove('S2'));
    expect(cfg(net.node('S1'))).toBe('voters=(S1)');
    expect(net.node('S1').progressOf('S2')).toBeUndefined();
    const before = net.effectsOf('S1').length;
    const res = net.proposeConf('S1', remove('S1'));
    expect(res).toEqual({ type: 'proposeResult', accepted: false, leaderHint: 'S1', reason: 'removesAllVoters' });
    expect(net.effectsOf('S1', before).some((f) => f.type === 'appended')).toBe(false);
    // Alone now, S1 commits by itself.
    net.isolate('S2');
    const r = net.propose('S1');
    expect(net.node('S1').commitIndex).toBe(r.accepted ? r.index : -1);
  });

  it('TestCommitAfterRemoveNode: an entry waiting for a removed server commits once the removal is applied', () => {
    const net = cluster(['S1', 'S2'], ['S1', 'S2']);
    net.campaign('S1');
    net.heartbeatRound('S1');
    const cc = net.step('S1', { type: 'proposeConfChange', change: remove('S2') });
    const ccIndex = (cc.find((f) => f.type === 'proposeResult') as { index: number }).index;
    net.step('S1', { type: 'propose', command: 'hello' });
    const from = net.effectsOf('S1').length;
    // S2 receives and acknowledges only the AppendEntries with the ConfChange.
    net.deliverOnly((m) => (m.type === 'AppendEntries' && m.entries.some((e) => e.confChange)) || (m.type === 'AppendEntriesResponse' && m.matchIndex === ccIndex));
    net.clearQueue();
    const fx = net.effectsOf('S1', from);
    expect(applied(fx)).toEqual([ccIndex, ccIndex + 1]);
    expect(appliedEntries(fx).map((e) => e.command)).toEqual([{ type: 'noop' }, 'hello']);
    expect(net.notes('S1', 'commitAdvanced').slice(-2).map((n) => [n.to, n.replicas])).toEqual([[ccIndex, 2], [ccIndex + 1, 1]]);
  });

  it('TestPendingConfChange (TestStepIgnoreConfig): a second change is refused while the first is not applied, and accepted once it is', () => {
    const net = cluster(['S1', 'S2', 'S3', 'S4', 'S5'], ['S1', 'S2', 'S3']);
    net.campaign('S1');
    net.step('S1', { type: 'proposeConfChange', change: add('S4') });
    const second = net.step('S1', { type: 'proposeConfChange', change: add('S5') });
    expect(second.find((f) => f.type === 'proposeResult')).toEqual({ type: 'proposeResult', accepted: false, leaderHint: 'S1', reason: 'confChangePending' });
    expect(net.notes('S1', 'confChangeRefused')).toEqual([{ kind: 'confChangeRefused', term: 1, change: add('S5'), reason: 'confChangePending', pendingIndex: 2 }]);
    net.deliver();
    expect(net.proposeConf('S1', add('S5'))).toMatchObject({ accepted: true });
  });

  it('TestNewLeaderPendingConfig: a new leader refuses a change until it has applied every entry it had when elected', () => {
    const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2', 'S3']);
    net.campaign('S1');
    net.isolate('S2');
    net.isolate('S3');
    net.step('S1', { type: 'propose', command: 'x' });
    net.recover();
    net.isolate('S3');
    net.deliver(); // S2 gets index 2, uncommitted; S1 is cut off next
    net.clearQueue();
    net.recover();
    net.isolate('S1');
    net.timeout('S2');
    net.deliverOnly((m) => m.type === 'RequestVote' || m.type === 'RequestVoteResponse');
    // S2 is elected; it may not propose a change before its own no-op (index 3) commits.
    expect(net.node('S2').role).toBe('leader');
    const fx = net.step('S2', { type: 'proposeConfChange', change: remove('S1') });
    expect(fx.find((f) => f.type === 'proposeResult')).toMatchObject({ accepted: false, reason: 'confChangePending' });
    net.deliver();
    expect(net.proposeConf('S2', remove('S1'))).toMatchObject({ accepted: true });
  });

  it('TestStepDownOnRemoval (confchange_v1_remove_leader_stepdown): the removed leader keeps leading until the change is applied, then steps down and never campaigns again', () => {
    const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2', 'S3']);
    net.campaign('S1');
    net.step('S1', { type: 'proposeConfChange', change: remove('S1') });
    expect(net.node('S1').role).toBe('leader'); // appended, not applied
    const from = net.effectsOf('S1').length;
    net.deliver();
    const s1 = net.node('S1');
    expect([s1.role, s1.currentTerm, cfg(s1)]).toEqual(['follower', 1, 'voters=(S2 S3)']);
    expect(net.notes('S1', 'leaderRemoved')).toEqual([{ kind: 'leaderRemoved', term: 1, index: 2 }]);
    expect(net.effectsOf('S1', from).filter((f) => f.type === 'roleChanged')).toEqual([{ type: 'roleChanged', from: 'leader', to: 'follower', term: 1, event: 'REMOVED' }]);
    // The removed server's timer fires: it does not campaign.
    const fx = net.timeout('S1');
    expect(fx.some((f) => f.type === 'send')).toBe(false);
    expect(net.notes('S1', 'campaignSkipped')).toEqual([{ kind: 'campaignSkipped', term: 1, reason: 'notMember' }]);
    // Its last heartbeats told the others the commit: they apply it and elect a leader of {S2, S3}.
    expect(cfg(net.node('S2'))).toBe('voters=(S2 S3)');
    net.campaign('S2');
    expect(net.node('S2').role).toBe('leader');
    expect(cfg(net.node('S3'))).toBe('voters=(S2 S3)');
    expect(net.deliveredOf('RequestVote').filter((m) => m.term === 2).map((m) => m.to)).toEqual(['S3']);
  });

  it('a removed server that never hears of its removal disrupts the cluster with a higher term (thesis §4.2.3); with CheckQuorum its votes are ignored', () => {
    for (const checkQuorum of [false, true]) {
      const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2', 'S3'], [], { checkQuorum });
      net.campaign('S1');
      net.isolate('S3');
      net.proposeConf('S1', remove('S3'));
      expect(cfg(net.node('S1'))).toBe('voters=(S1 S2)');
      net.heartbeatRound('S1');
      net.recover();
      // S3 still believes it is a voter of three; S1 no longer heartbeats it, so its timer fires.
      expect(net.node('S3').promotable).toBe(true);
      net.advance(100);
      net.campaign('S3');
      if (checkQuorum) {
        expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['leader', 1]);
        expect(net.notes('S2', 'voteIgnored').map((n) => n.candidate)).toEqual(['S3']);
      } else {
        expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['follower', 2]);
      }
    }
  });
});

describe('learners (etcd raft Progress.IsLearner)', () => {
  it('TestLearnerElectionTimeout: a learner does not campaign when its election timer fires', () => {
    const net = cluster(['S1', 'S2'], ['S1'], ['S2']);
    const fx = net.timeout('S2');
    expect(net.node('S2').role).toBe('follower');
    expect(fx).toEqual([{ type: 'note', note: { kind: 'campaignSkipped', term: 0, reason: 'learner' } }, { type: 'resetElectionTimer' }]);
    expect(net.node('S2').isLearner).toBe(true);
  });

  it('TestLearnerPromotion: a learner receives the log; once promoted (addNode) and applied, it campaigns and wins', () => {
    const net = cluster(['S1', 'S2'], ['S1'], ['S2']);
    net.campaign('S1');
    expect(net.node('S1').role).toBe('leader');
    net.propose('S1');
    net.heartbeatRound('S1');
    expect(net.node('S2').commitIndex).toBe(2); // the learner holds and applies the log
    net.proposeConf('S1', add('S2'));
    net.heartbeatRound('S1');
    expect(net.node('S2').isLearner).toBe(false);
    expect(cfg(net.node('S2'))).toBe('voters=(S1 S2)');
    net.advance(1000);
    net.campaign('S2');
    expect([net.node('S1').role, net.node('S2').role]).toEqual(['follower', 'leader']);
  });

  it('TestLearnerCannotVote: a candidate asks only voters and does not count a learner\'s vote (a learner still answers a RequestVote, etcd TestLearnerCanVote)', () => {
    const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2'], ['S3']);
    net.isolate('S2');
    net.campaign('S1');
    expect(net.deliveredOf('RequestVote')).toEqual([]); // only S2 was asked, and it is cut off
    // A learner asked anyway grants (it may have been promoted without knowing yet)...
    const rv = { type: 'RequestVote' as const, from: 'S1', to: 'S3', term: 1, candidateId: 'S1', lastLogIndex: 0, lastLogTerm: 0 };
    net.recover();
    net.step('S3', { type: 'message', msg: rv });
    const resp = net.queue.find((m) => m.type === 'RequestVoteResponse');
    expect(resp).toMatchObject({ from: 'S3', voteGranted: true });
    // ...but the candidate, for which S3 is a learner, does not count it.
    net.deliverOnly((m) => m.type === 'RequestVoteResponse');
    expect(net.node('S1').role).toBe('candidate');
  });

  it('a learner\'s acknowledgement does not count towards commit, and a transfer to it is refused', () => {
    const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2'], ['S3']);
    net.campaign('S1');
    net.isolate('S2');
    const before = net.node('S1').commitIndex;
    net.propose('S1');
    expect(net.node('S1').progressOf('S3')?.matchIndex).toBe(net.node('S1').lastLogIndex);
    expect(net.node('S1').commitIndex).toBe(before);
    expect(net.node('S1').replicationView().progress.find((p) => p.id === 'S3')?.learner).toBe(true);
    net.step('S1', { type: 'transferLeadership', to: 'S3' });
    expect(net.notes('S1', 'transferRefused').map((n) => n.reason)).toEqual(['learner']);
  });
});

describe('joint consensus (Raft paper §6; etcd raft ConfChangeV2, AutoLeave)', () => {
  it('confchange_v2_add_double_auto: two servers added at once enter a joint configuration, which the leader leaves by itself once applied', () => {
    const net = cluster(['S1', 'S2', 'S3'], ['S1']);
    net.campaign('S1');
    const res = net.proposeConf('S1', { changes: [{ type: 'addNode', nodeId: 'S2' }, { type: 'addNode', nodeId: 'S3' }] });
    expect(res).toMatchObject({ accepted: true, index: 2 });
    net.heartbeatRound('S1');
    const applied1 = net.notes('S1', 'confChangeApplied').map((n) => [n.index, describeConfig(n.config), n.joint]);
    expect(applied1).toEqual([[2, 'voters=(S1 S2 S3)&&(S1) autoleave', 'entered'], [3, 'voters=(S1 S2 S3)', 'left']]);
    expect(net.notes('S1', 'confChangeProposed').map((n) => [n.index, n.auto, n.change.changes.length])).toEqual([[2, false, 2], [3, true, 0]]);
    for (const id of ['S2', 'S3']) expect(cfg(net.node(id))).toBe('voters=(S1 S2 S3)');
  });

  it('in a joint configuration an entry commits only with a majority of the old AND of the new voters', () => {
    const net = cluster(['S1', 'S2', 'S3', 'S4', 'S5'], ['S1', 'S2', 'S3']);
    net.campaign('S1');
    // Replace S2 and S3 by S4 and S5; keep it joint (explicit) so that it is not left automatically.
    net.proposeConf('S1', { transition: 'explicit', changes: [{ type: 'addNode', nodeId: 'S4' }, { type: 'addNode', nodeId: 'S5' }, { type: 'removeNode', nodeId: 'S2' }, { type: 'removeNode', nodeId: 'S3' }] });
    net.heartbeatRound('S1');
    expect(cfg(net.node('S1'))).toBe('voters=(S1 S4 S5)&&(S1 S2 S3)');
    const commit = () => net.node('S1').commitIndex;
    const c0 = commit();
    net.isolate('S4');
    net.isolate('S5');
    net.propose('S1'); // old majority S1, S2, S3 only
    expect(commit()).toBe(c0);
    net.recover();
    net.isolate('S2');
    net.isolate('S3');
    net.heartbeatRound('S1'); // S4, S5 catch up: new majority S1, S4, S5, old majority S1 only
    expect(commit()).toBe(c0);
    net.recover();
    net.heartbeatRound('S1');
    expect(commit()).toBe(c0 + 1);
    // The host leaves an explicit joint configuration with the empty change.
    net.proposeConf('S1', { changes: [] });
    expect(cfg(net.node('S1'))).toBe('voters=(S1 S4 S5)');
    expect([...net.node('S1').replicationView().progress.map((p) => p.id)]).toEqual(['S4', 'S5']);
  });
});

describe('joint quorums for CheckQuorum and ReadIndex (thesis §6.2, §6.4; etcd quorum.JointConfig)', () => {
  function jointNet(options: Options = {}): Net {
    const net = cluster(['S1', 'S2', 'S3', 'S4', 'S5'], ['S1', 'S2', 'S3'], [], options);
    net.campaign('S1');
    net.proposeConf('S1', { transition: 'explicit', changes: [{ type: 'addNode', nodeId: 'S4' }, { type: 'addNode', nodeId: 'S5' }, { type: 'removeNode', nodeId: 'S2' }, { type: 'removeNode', nodeId: 'S3' }] });
    net.heartbeatRound('S1');
    expect(cfg(net.node('S1'))).toBe('voters=(S1 S4 S5)&&(S1 S2 S3)');
    return net;
  }

  it('ReadIndex: a read is confirmed only when heartbeat acknowledgements form a majority of both halves', () => {
    const net = jointNet();
    net.isolate('S2');
    net.isolate('S3');
    net.step('S1', { type: 'readIndex', ctx: 'r1' });
    net.deliver(); // S4 and S5 acknowledge: the new half agrees, the old one (S1 only) does not
    expect(net.readsReady('S1')).toEqual([]);
    net.recover();
    net.heartbeatRound('S1');
    expect(net.readsReady('S1').map((r) => r.ctx)).toEqual(['r1']);
  });

  it('CheckQuorum: a joint leader that hears only from the new half steps down', () => {
    const net = jointNet({ checkQuorum: true });
    net.drop = (m) => ['S2', 'S3'].includes(m.from) || ['S2', 'S3'].includes(m.to);
    for (let t = 0; t < 2100 && net.node('S1').role === 'leader'; t += 100) {
      net.advance(100);
      net.heartbeatRound('S1');
    }
    expect(net.node('S1').role).toBe('follower');
    expect(net.notes('S1', 'steppedDown').at(-1)).toMatchObject({ cause: 'checkQuorum', heardFrom: ['S1', 'S4', 'S5'], servers: 5 });
  });
});

describe('unsafe.unsafeMultiServerChange (the Raft paper\'s Figure 10 hazard)', () => {
  /**
   * Five voters; the leader S1 removes S4 and S5 in one change. S1 and S2 apply it (voters S1 S2 S3,
   * majority 2); S3 holds the entry but never learns it committed (voters of five, majority 3).
   * Then S2 and S3 both stand in term 2.
   */
  function run(unsafeMultiServerChange: boolean, beforeElections: (net: Net) => void): Net {
    const all = ['S1', 'S2', 'S3', 'S4', 'S5'];
    const net = cluster(all, all, [], { unsafe: { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, unsafeMultiServerChange } });
    net.campaign('S1');
    net.drop = (m) => m.to === 'S4' || m.to === 'S5';
    net.proposeConf('S1', { changes: [{ type: 'removeNode', nodeId: 'S4' }, { type: 'removeNode', nodeId: 'S5' }] });
    net.drop = (m) => m.to === 'S3' || m.to === 'S4' || m.to === 'S5';
    net.heartbeatRound('S1');
    net.recover();
    beforeElections(net);
    net.timeout('S2');
    net.timeout('S3');
    net.deliver();
    return net;
  }
  const wonTerm2 = (net: Net) => ['S1', 'S2', 'S3', 'S4', 'S5'].filter((id) => net.notes(id, 'electionWon').some((n) => n.term === 2));

  it('applied at once, the old and the new configuration elect two leaders in one term', () => {
    const net = run(true, (n) => {
      expect(cfg(n.node('S2'))).toBe('voters=(S1 S2 S3)');
      expect(cfg(n.node('S3'))).toBe('voters=(S1 S2 S3 S4 S5)');
    });
    expect(wonTerm2(net)).toEqual(['S2', 'S3']);
    expect(net.notes('S3', 'electionWon').map((n) => n.votes)).toEqual([['S3', 'S4', 'S5']]);
  });

  it('with joint consensus (the default) the same run elects at most one leader in term 2', () => {
    const net = run(false, (n) => {
      // S3 applied only the joint configuration: it needs a majority of S1 S2 S3 too.
      expect(cfg(n.node('S3'))).toBe('voters=(S1 S2 S3)&&(S1 S2 S3 S4 S5) autoleave');
    });
    expect(wonTerm2(net)).toEqual(['S2']);
  });
});
