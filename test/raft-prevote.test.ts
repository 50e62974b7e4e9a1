/**
 * PreVote (Raft thesis §9.6; etcd raft `becomePreCandidate`, `MsgPreVote`), driving RaftNodes through
 * the tiny in-test network of raft-net.ts. Tests named Test… mirror the etcd raft test of that name
 * (raft_test.go, testdata/prevote.txt); where raftsim's rule differs from etcd's the test says how.
 *
 * The one deliberate difference: with PreVote alone, raftsim refuses a pre-vote while the voter has
 * heard from a leader within the minimum election timeout (the thesis' rule). etcd raft applies that
 * condition only with CheckQuorum ("Unlike the Raft thesis, the recent leader condition requires
 * CheckQuorum and is not enforced with PreVote alone", prevote.txt). etcd's tests run without time
 * passing, so where they expect a grant from a follower of a live leader, these let the minimum
 * election timeout pass first (the leader is down or cut off, as the story of the test says).
 */
import { describe, expect, it } from 'vitest';
import { RaftNode } from '../src/raft/node';
import { nextRole } from '../src/raft/roleMachine';
import type { PreVote, PreVoteResponse, RaftEffect, RaftMessage } from '../src/raft/types';
import { ELECTION_MS, Net, terms } from './raft-net';

const THREE = ['S1', 'S2', 'S3'];
const FIVE = ['S1', 'S2', 'S3', 'S4', 'S5'];
const PRE = { preVote: true };

const sends = (fx: RaftEffect[]): RaftMessage[] => fx.flatMap((f) => (f.type === 'send' ? [f.msg] : []));
const roleEvents = (fx: RaftEffect[]) => fx.flatMap((f) => (f.type === 'roleChanged' ? [`${f.from}>${f.to}:${f.event}`] : []));

function preVote(from: string, to: string, term: number, lastLogIndex: number, lastLogTerm: number): PreVote {
  return { type: 'PreVote', from, to, term, candidateId: from, lastLogIndex, lastLogTerm };
}

describe('Figure 4 with a pre-candidate (thesis §9.6)', () => {
  it('TestPreVoteStatechart: timeout leads to preCandidate; a won pre-vote to candidate; a lost one, a leader or a higher term back to follower', () => {
    expect(nextRole('follower', { type: 'TIMEOUT_PRE_VOTE' })).toBe('preCandidate');
    expect(nextRole('preCandidate', { type: 'TIMEOUT_PRE_VOTE' })).toBe('preCandidate');
    expect(nextRole('preCandidate', { type: 'WIN_PRE_VOTE' })).toBe('candidate');
    expect(nextRole('preCandidate', { type: 'LOSE_PRE_VOTE' })).toBe('follower');
    expect(nextRole('preCandidate', { type: 'DISCOVER_LEADER' })).toBe('follower');
    expect(nextRole('preCandidate', { type: 'DISCOVER_HIGHER_TERM' })).toBe('follower');
    expect(nextRole('candidate', { type: 'TIMEOUT_PRE_VOTE' })).toBe('preCandidate');
    expect(nextRole('follower', { type: 'TIMEOUT_NOW' })).toBe('candidate');
    expect(nextRole('leader', { type: 'LOSE_QUORUM' })).toBe('follower');
    // Not in the chart: a pre-candidate cannot win an election, a leader cannot pre-vote.
    expect(nextRole('preCandidate', { type: 'WIN_ELECTION' })).toBe('preCandidate');
    expect(nextRole('leader', { type: 'TIMEOUT_PRE_VOTE' })).toBe('leader');
  });

  it('without preVote a timeout goes straight to candidate and no PreVote is sent (today\'s behaviour)', () => {
    const net = new Net(THREE);
    const fx = net.timeout('S1');
    expect(roleEvents(fx)).toEqual(['follower>candidate:TIMEOUT']);
    expect(sends(fx).map((m) => m.type)).toEqual(['RequestVote', 'RequestVote']);
  });
});

describe('pre-candidate', () => {
  it('TestLeaderElectionPreVote: pre-vote then election; a pre-vote that fails leaves the pre-candidate in its term', () => {
    const cases: { servers: string[]; dead: string[]; role: string; term: number }[] = [
      { servers: THREE, dead: [], role: 'leader', term: 1 },
      { servers: THREE, dead: ['S3'], role: 'leader', term: 1 },
      { servers: THREE, dead: ['S2', 'S3'], role: 'preCandidate', term: 0 },
      { servers: ['S1', 'S2', 'S3', 'S4'], dead: ['S2', 'S3'], role: 'preCandidate', term: 0 },
      { servers: FIVE, dead: ['S2', 'S3'], role: 'leader', term: 1 },
    ];
    for (const c of cases) {
      const net = new Net(c.servers, PRE);
      for (const d of c.dead) net.isolate(d);
      net.campaign('S1');
      expect([net.node('S1').role, net.node('S1').currentTerm], JSON.stringify(c)).toEqual([c.role, c.term]);
    }
    // Three logs further along than S1's, in term 1: they refuse with term 1, so S1 adopts it as a follower.
    const net = new Net(FIVE, PRE, {}, {
      S2: { currentTerm: 1, log: terms(1) }, S3: { currentTerm: 1, log: terms(1) }, S4: { currentTerm: 1, log: terms(1, 1) },
    });
    net.campaign('S1');
    expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['follower', 1]);
  });

  it('TestPreCandidateKeepsTermAndVote: a pre-candidate asks for currentTerm + 1 without raising its term or recording a vote (§9.6)', () => {
    const net = new Net(THREE, PRE, {}, { S1: { currentTerm: 4, log: terms(1, 4) } });
    const fx = net.timeout('S1');
    const s1 = net.node('S1');
    expect(roleEvents(fx)).toEqual(['follower>preCandidate:TIMEOUT_PRE_VOTE']);
    expect([s1.role, s1.currentTerm, s1.votedFor]).toEqual(['preCandidate', 4, null]);
    expect(sends(fx)).toEqual([preVote('S1', 'S2', 5, 2, 4), preVote('S1', 'S3', 5, 2, 4)]);
    expect(fx).toContainEqual({ type: 'resetElectionTimer' });
    expect(fx).toContainEqual({ type: 'note', note: { kind: 'preVoteStarted', term: 5 } });
    // A majority of pre-votes: candidate of term 5, then leader.
    net.deliver();
    expect([s1.role, s1.currentTerm, s1.votedFor]).toEqual(['leader', 5, 'S1']);
    expect(roleEvents(net.effectsOf('S1'))).toEqual([
      'follower>preCandidate:TIMEOUT_PRE_VOTE', 'preCandidate>candidate:WIN_PRE_VOTE', 'candidate>leader:WIN_ELECTION',
    ]);
    expect(net.notes('S1', 'preVoteWon')).toEqual([{ kind: 'preVoteWon', term: 5, votes: ['S1', 'S2'] }]);
  });

  it('TestPreVoteNeverChangesVoterState: granting or refusing a pre-vote changes neither currentTerm, votedFor nor the election timer', () => {
    const v = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100, minElectionTimeoutMs: ELECTION_MS, preVote: true }, { currentTerm: 3, votedFor: 'S3', log: terms(1, 3) });
    v.start(0);
    const granted = v.step({ type: 'message', msg: preVote('S1', 'S2', 4, 2, 3) }, 5000);
    const refused = v.step({ type: 'message', msg: preVote('S1', 'S2', 4, 1, 1) }, 5001);
    expect([v.currentTerm, v.votedFor, v.role]).toEqual([3, 'S3', 'follower']);
    for (const fx of [granted, refused]) expect(fx.some((f) => f.type === 'resetElectionTimer')).toBe(false);
    const r1 = sends(granted)[0] as PreVoteResponse;
    const r2 = sends(refused)[0] as PreVoteResponse;
    // A grant carries the term asked for, a refusal the voter's own (etcd raft: "we include the term from the message").
    expect([r1.type, r1.voteGranted, r1.term]).toEqual(['PreVoteResponse', true, 4]);
    expect([r2.voteGranted, r2.term, r2.reason]).toEqual([false, 3, 'logNotUpToDate']);
  });

  it('TestPreVoteFromAnyState: a pre-vote for a later term is granted in every role without changing role, term or vote (once no leader was heard from within the election timeout)', () => {
    for (const state of ['follower', 'preCandidate', 'candidate'] as const) {
      // A candidate: one that timed out before PreVote was switched on (as in a rolling upgrade).
      const net = new Net(THREE, { preVote: state !== 'candidate' }, {}, { S1: { currentTerm: 1 } });
      if (state !== 'follower') net.timeout('S1');
      if (state === 'candidate') net.reconfigure('S1', { preVote: true });
      const s1 = net.node('S1');
      expect(s1.role).toBe(state);
      const [term, vote] = [s1.currentTerm, s1.votedFor];
      const fx = net.step('S1', { type: 'message', msg: preVote('S2', 'S1', term + 1, 42, term + 1) });
      const resp = sends(fx) as PreVoteResponse[];
      expect(resp.length, state).toBe(1);
      expect([resp[0].type, resp[0].voteGranted, resp[0].term], state).toEqual(['PreVoteResponse', true, term + 1]);
      expect([s1.role, s1.currentTerm, s1.votedFor], state).toEqual([state, term, vote]);
    }
  });

  it('TestPreVoteRefusedWhileLeaderActive: a follower that heard from its leader within the minimum election timeout, or the leader itself, refuses (thesis §9.6)', () => {
    const net = new Net(THREE, PRE);
    net.campaign('S1');
    net.advance(300);
    // S3 asks for term 2 with a log as good as anyone's: refused by the follower and by the leader.
    const last = [net.node('S3').lastLogIndex, net.node('S3').lastLogTerm];
    net.step('S2', { type: 'message', msg: preVote('S3', 'S2', 2, last[0], last[1]) });
    net.step('S1', { type: 'message', msg: preVote('S3', 'S1', 2, last[0], last[1]) });
    expect(net.notes('S2', 'preVoteRefused')).toEqual([{
      kind: 'preVoteRefused', candidate: 'S3', term: 2, reason: 'leaderActive', candidateLast: last, myLast: last, leader: 'S1', heardAgoMs: 300,
    }]);
    expect(net.notes('S1', 'preVoteRefused')[0]).toMatchObject({ reason: 'leaderActive', leader: 'S1', heardAgoMs: 0 });
    // Once the election timeout has passed without word from S1, S2 grants.
    net.advance(ELECTION_MS - 300);
    net.step('S2', { type: 'message', msg: preVote('S3', 'S2', 2, last[0], last[1]) });
    expect(net.notes('S2', 'preVoteGranted').at(-1)).toEqual({ kind: 'preVoteGranted', candidate: 'S3', term: 2 });
  });

  it('TestRecvMsgPreVote: a pre-vote in the voter\'s own term is granted only to an up-to-date log, and only if it has not voted for another', () => {
    // etcd's table: the voter's log holds terms [2, 2]; (index, logTerm) is the candidate's last entry.
    const table: [string, number, number, string | null, boolean][] = [
      ['follower', 0, 0, null, true], ['follower', 0, 1, null, true], ['follower', 0, 2, null, true], ['follower', 0, 3, null, false],
      ['follower', 1, 0, null, true], ['follower', 1, 1, null, true], ['follower', 1, 2, null, true], ['follower', 1, 3, null, false],
      ['follower', 2, 0, null, true], ['follower', 2, 1, null, true], ['follower', 2, 2, null, false], ['follower', 2, 3, null, false],
      ['follower', 3, 0, null, true], ['follower', 3, 1, null, true], ['follower', 3, 2, null, false], ['follower', 3, 3, null, false],
      ['follower', 3, 2, 'S2', false], ['follower', 3, 2, 'S1', true],
      ['preCandidate', 3, 3, 'S1', true], ['candidate', 3, 3, 'S1', true],
    ];
    for (const [state, index, logTerm, votedFor, reject] of table) {
      const term = Math.max(2, logTerm);
      const n = new RaftNode({ id: 'S1', servers: ['S1'], heartbeatMs: 100, minElectionTimeoutMs: ELECTION_MS, preVote: true }, { currentTerm: term, votedFor, log: terms(2, 2) });
      n.start(0);
      if (state !== 'follower') n.volatile.role = state as 'preCandidate' | 'candidate';
      const out = sends(n.step({ type: 'message', msg: preVote('S2', 'S1', term, index, logTerm) }, 0)) as PreVoteResponse[];
      expect(out.length).toBe(1);
      expect([out[0].type, !out[0].voteGranted], JSON.stringify([state, index, logTerm, votedFor])).toEqual(['PreVoteResponse', reject]);
    }
  });

  it('TestPreVoteWithSplitVote: with the leader down both followers pass the pre-vote, split the vote, and the next election settles it', () => {
    const net = new Net(THREE, PRE);
    net.campaign('S1');
    expect(net.node('S1').role).toBe('leader');
    // Simulate the leader going down: time passes with no word from it.
    net.isolate('S1');
    net.advance(ELECTION_MS);
    net.timeout('S2');
    net.timeout('S3');
    net.deliver();
    for (const id of ['S2', 'S3']) expect([net.node(id).role, net.node(id).currentTerm], id).toEqual(['candidate', 2]);
    // S2's election timer fires first.
    net.advance(ELECTION_MS);
    net.campaign('S2');
    expect([net.node('S2').role, net.node('S2').currentTerm]).toEqual(['leader', 3]);
    expect([net.node('S3').role, net.node('S3').currentTerm]).toEqual(['follower', 3]);
  });

  it('TestPreVoteLost: a pre-candidate refused by a majority goes back to follower in its own term (etcd VoteLost)', () => {
    const net = new Net(THREE, PRE, {}, { S2: { currentTerm: 0, log: terms(1) }, S3: { currentTerm: 0, log: terms(1) } });
    net.campaign('S1');
    const s1 = net.node('S1');
    expect([s1.role, s1.currentTerm, s1.votedFor]).toEqual(['follower', 0, null]);
    expect(net.notes('S1', 'preVoteLost')).toEqual([{ kind: 'preVoteLost', term: 1, refusedBy: ['S2', 'S3'] }]);
    expect(roleEvents(net.effectsOf('S1')).at(-1)).toBe('preCandidate>follower:LOSE_PRE_VOTE');
  });

  it('TestPreVoteStaleGrantIgnored: a grant for an earlier pre-vote does not count toward the current one', () => {
    const net = new Net(THREE, PRE);
    net.timeout('S1'); // pre-vote for term 1; S3's grant arrives, S2's is late
    net.deliverOnly((m) => m.to === 'S3' || (m.from === 'S3' && m.type === 'PreVoteResponse'));
    expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['candidate', 1]);
    net.clearQueue(); // the election of term 1 is lost
    net.timeout('S1'); // pre-vote for term 2
    net.clearQueue();
    expect(roleEvents(net.effectsOf('S1')).at(-1)).toBe('candidate>preCandidate:TIMEOUT_PRE_VOTE');
    const late: PreVoteResponse = { type: 'PreVoteResponse', from: 'S2', to: 'S1', term: 1, voteGranted: true, lastLogIndex: 0, lastLogTerm: 0 };
    net.step('S1', { type: 'message', msg: late });
    expect([net.node('S1').role, net.node('S1').currentTerm, net.node('S1').volatile.votesGranted]).toEqual(['preCandidate', 1, ['S1']]);
  });

  it('TestPreVoteStaleTermRefused: a pre-vote for a term below the voter\'s is refused with the voter\'s term, and the pre-candidate adopts it', () => {
    const net = new Net(THREE, PRE, {}, { S2: { currentTerm: 7 } });
    net.campaign('S1');
    const r = net.deliveredOf('PreVoteResponse').find((m) => m.from === 'S2')!;
    expect([r.voteGranted, r.term, r.reason]).toEqual([false, 7, 'staleTerm']);
    expect(net.node('S1').currentTerm).toBeGreaterThanOrEqual(7);
    expect(net.node('S2').currentTerm).toBe(net.node('S1').currentTerm);
  });
});

describe('disruptive servers (thesis §4.2.3, §9.6)', () => {
  /** S3 is cut off while the others commit an entry; its election timer fires `timeouts` times. */
  function rejoin(preVote: boolean, timeouts: number): Net {
    const net = new Net(THREE, { preVote });
    net.campaign('S1');
    net.isolate('S3');
    net.propose('S1');
    for (let i = 0; i < timeouts; i++) {
      net.advance(ELECTION_MS);
      net.timeout('S3');
      net.deliver();
      net.heartbeatRound('S1');
    }
    net.recover();
    return net;
  }

  it('TestDisruptiveRejoinWithoutPreVote: a server cut off alone raises its term on every timeout and, on rejoining, deposes the working leader', () => {
    const net = rejoin(false, 3);
    expect(net.node('S3').currentTerm).toBe(4);
    net.heartbeatRound('S1'); // S3 answers the heartbeat of term 1 with term 4
    expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['follower', 4]);
  });

  it('TestDisruptiveRejoinWithPreVote: with PreVote its term stays, and the leader stays', () => {
    const net = rejoin(true, 3);
    expect([net.node('S3').role, net.node('S3').currentTerm]).toEqual(['preCandidate', 1]);
    // Its pre-votes are refused (S2 heard from S1 within the election timeout; S3's log is behind).
    net.timeout('S3');
    net.deliver();
    expect(net.notes('S2', 'preVoteRefused').at(-1)).toMatchObject({ candidate: 'S3', term: 2, reason: 'leaderActive', leader: 'S1' });
    net.heartbeatRound('S1');
    expect([net.node('S1').role, net.node('S1').currentTerm]).toEqual(['leader', 1]);
    expect([net.node('S3').role, net.node('S3').currentTerm, net.node('S3').leaderId]).toEqual(['follower', 1, 'S1']);
  });

  it('TestDisruptiveFollowerPreVote: a delayed heartbeat to a pre-candidate that is behind does not force the leader down', () => {
    const net = new Net(THREE, { checkQuorum: true });
    net.campaign('S1');
    net.isolate('S3');
    for (let i = 0; i < 3; i++) net.propose('S1');
    for (const id of THREE) net.reconfigure(id, { checkQuorum: true, preVote: true });
    net.recover();
    net.advance(ELECTION_MS, ['S3']);
    net.campaign('S3');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'preCandidate']);
    expect(THREE.map((id) => net.node(id).currentTerm)).toEqual([1, 1, 1]);
    net.heartbeatRound('S1');
    expect(net.node('S1').role).toBe('leader');
  });

  it('TestPreVoteMigrationWithFreeStuckPreCandidate: a server stuck at a higher term frees itself by deposing the leader with its answer to a heartbeat', () => {
    const net = migrationCluster();
    net.campaign('S3');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'preCandidate']);
    net.campaign('S3'); // pre-vote again
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'preCandidate']);
    net.heartbeatRound('S1');
    expect(net.node('S1').role).toBe('follower');
    expect(net.node('S1').currentTerm).toBe(net.node('S3').currentTerm);
  });

  it('TestPreVoteMigrationCanCompleteElection: after a rolling switch to PreVote, the cluster still elects a leader', () => {
    const net = migrationCluster();
    net.isolate('S1');
    net.advance(ELECTION_MS);
    net.campaign('S3');
    net.campaign('S2');
    expect([net.node('S2').role, net.node('S3').role]).toEqual(['follower', 'preCandidate']);
    net.campaign('S3');
    net.campaign('S2');
    expect(net.node('S2').role === 'leader' || net.node('S3').role === 'follower').toBe(true);
    expect(net.node('S2').role).toBe('leader');
  });

  /**
   * etcd's newPreVoteMigrationCluster: S1 leader and S2 follower of term 1 with PreVote; S3, without
   * PreVote, cut off, with a shorter log, campaigned twice to term 3; then PreVote on S3 and the network heals.
   */
  function migrationCluster(): Net {
    const net = new Net(THREE, PRE, { S3: { preVote: false } });
    net.campaign('S1');
    net.isolate('S3');
    net.propose('S1');
    net.campaign('S3');
    net.campaign('S3');
    expect(THREE.map((id) => net.node(id).role)).toEqual(['leader', 'follower', 'candidate']);
    expect(THREE.map((id) => net.node(id).currentTerm)).toEqual([1, 1, 3]);
    net.reconfigure('S3', { preVote: true });
    net.recover();
    return net;
  }
});
