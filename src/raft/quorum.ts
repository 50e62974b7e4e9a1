/**
 * Quorums of a configuration (etcd raft quorum/: MajorityConfig, JointConfig). Every decision that
 * needs "a majority" goes through these: commit (Figure 2, Leaders), elections and PreVote (§5.2,
 * thesis §9.6), CheckQuorum (thesis §6.2), ReadIndex confirmation and leases (thesis §6.4). In a
 * joint configuration (Raft paper §6; thesis §4.3) a decision needs a majority of the incoming
 * voters AND a majority of the outgoing ones. Learners never count.
 */
import type { MembershipConfig, NodeId } from './types';

/** etcd raft quorum.VoteResult: the votes so far win, lose, or can still go either way. */
export type VoteResult = 'won' | 'lost' | 'pending';

/** Votes needed in a majority configuration of `n` voters (⌊n/2⌋ + 1). */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The result of an election in one majority configuration (etcd MajorityConfig.VoteResult):
 * `vote(id)` is true (granted), false (refused) or undefined (not answered yet). An empty
 * configuration wins, by convention, so that a joint configuration without an outgoing half
 * behaves as its incoming half alone.
 */
export function majorityVote(voters: readonly NodeId[], vote: (id: NodeId) => boolean | undefined): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = vote(id);
    if (v === true) granted++;
    else if (v === undefined) missing++;
  }
  const q = majority(voters.length);
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

/** The result of an election in a configuration (etcd JointConfig.VoteResult): both halves must win; either losing loses. */
export function voteResult(cfg: MembershipConfig, vote: (id: NodeId) => boolean | undefined): VoteResult {
  const a = majorityVote(cfg.voters, vote);
  const b = majorityVote(cfg.votersOutgoing, vote);
  if (a === 'won' && b === 'won') return 'won';
  if (a === 'lost' || b === 'lost') return 'lost';
  return 'pending';
}

/** Whether the voters for which `ok` holds form a quorum of `cfg` (a majority of each half). */
export function hasQuorum(cfg: MembershipConfig, ok: (id: NodeId) => boolean): boolean {
  return voteResult(cfg, (id) => ok(id)) === 'won';
}

/**
 * The largest value that a majority of `voters` have reached (etcd MajorityConfig.CommittedIndex):
 * the majority(n)-th largest of `value(id)`. +Infinity for an empty configuration (etcd returns
 * math.MaxUint64), so that it never limits a joint configuration's minimum.
 */
export function majorityCommitted(voters: readonly NodeId[], value: (id: NodeId) => number): number {
  if (voters.length === 0) return Number.POSITIVE_INFINITY;
  const values = voters.map(value).sort((a, b) => b - a);
  return values[majority(voters.length) - 1];
}

/** The largest value a quorum of `cfg` has reached (etcd JointConfig.CommittedIndex): the smaller of the two halves'. */
export function committedValue(cfg: MembershipConfig, value: (id: NodeId) => number): number {
  return Math.min(majorityCommitted(cfg.voters, value), majorityCommitted(cfg.votersOutgoing, value));
}

/** Every voter of `cfg`, incoming first, then outgoing-only ones, without repeats (etcd JointConfig.IDs). */
export function voterIds(cfg: MembershipConfig): NodeId[] {
  const out = cfg.voters.slice();
  for (const id of cfg.votersOutgoing) if (!out.includes(id)) out.push(id);
  return out;
}

/** Every server `cfg` replicates to: voters (incoming, outgoing), learners and staged learners, without repeats. */
export function memberIds(cfg: MembershipConfig): NodeId[] {
  const out = voterIds(cfg);
  for (const id of cfg.learners) if (!out.includes(id)) out.push(id);
  for (const id of cfg.learnersNext) if (!out.includes(id)) out.push(id);
  return out;
}

/** Whether `id` votes in `cfg` (incoming or outgoing half; etcd promotable). */
export function isVoter(cfg: MembershipConfig, id: NodeId): boolean {
  return cfg.voters.includes(id) || cfg.votersOutgoing.includes(id);
}

/** Whether `cfg` is a joint configuration (etcd: len(Voters[1]) > 0). */
export function isJoint(cfg: MembershipConfig): boolean {
  return cfg.votersOutgoing.length > 0;
}

/** Whether the only voter of `cfg` is `id` (etcd ProgressTracker.IsSingleton): it decides alone. */
export function isSingleton(cfg: MembershipConfig, id: NodeId): boolean {
  return cfg.votersOutgoing.length === 0 && cfg.voters.length === 1 && cfg.voters[0] === id;
}
