/**
 * Configuration changes as pure functions over a MembershipConfig (etcd raft confchange/
 * confchange.go `Changer`: EnterJoint, LeaveJoint, Simple). The node calls `applyConfChange` when
 * it applies a ConfChange entry, and `checkProposal` when the leader is asked to append one.
 *
 * Rules (etcd raft, Raft paper §6, thesis Chapter 4):
 * - changes to voters are made to the incoming half (`voters`); `votersOutgoing` is empty, or holds
 *   C_old while joint;
 * - a simple change may change at most one voter (thesis §4.1: any two majorities of configurations
 *   that differ by one server overlap), unless `unsafeMultiServerChange` (the Figure 10 hazard);
 * - entering a joint configuration copies the voters to the outgoing half, then applies the changes
 *   to the incoming half; leaving it drops the outgoing half and turns staged learners
 *   (`learnersNext`) into learners;
 * - a configuration never has zero voters; a server is never both voter and learner.
 */
import { isJoint } from './quorum';
import type { ConfChange, ConfChangeRefusal, ConfChangeSingle, MembershipConfig, NodeId } from './types';

/** A new configuration, or why the change cannot be made. */
export type ChangeResult =
  | { ok: true; config: MembershipConfig; joint: 'entered' | 'left' | 'none' }
  | { ok: false; reason: ConfChangeRefusal };

/** Builds a frozen configuration; `learners` defaults to none. @throws Error when a server is both voter and learner or listed twice */
export function makeConfig(voters: readonly NodeId[], learners: readonly NodeId[] = []): MembershipConfig {
  return freeze({ voters: voters.slice(), votersOutgoing: [], learners: learners.slice(), learnersNext: [], autoLeave: false });
}

/** An empty configuration (a server that knows of no cluster yet, etcd "voters=()"). */
export const EMPTY_CONFIG: MembershipConfig = makeConfig([]);

function freeze(c: { voters: NodeId[]; votersOutgoing: NodeId[]; learners: NodeId[]; learnersNext: NodeId[]; autoLeave: boolean }): MembershipConfig {
  checkInvariants(c);
  Object.freeze(c.voters);
  Object.freeze(c.votersOutgoing);
  Object.freeze(c.learners);
  Object.freeze(c.learnersNext);
  return Object.freeze(c);
}

/**
 * etcd confchange checkInvariants: no repeats; learners and voters (either half) disjoint; every
 * staged learner is an outgoing voter; outside joint, nothing staged and no autoLeave.
 * @throws Error naming the broken rule
 */
function checkInvariants(c: MembershipConfig): void {
  for (const [name, ids] of [['voters', c.voters], ['votersOutgoing', c.votersOutgoing], ['learners', c.learners], ['learnersNext', c.learnersNext]] as const) {
    if (new Set(ids).size !== ids.length) throw new Error(`configuration: ${name} lists a server twice: ${ids.join(', ')}`);
  }
  for (const id of c.learners) {
    if (c.voters.includes(id) || c.votersOutgoing.includes(id)) throw new Error(`configuration: ${id} is both a learner and a voter`);
  }
  for (const id of c.learnersNext) {
    if (!c.votersOutgoing.includes(id)) throw new Error(`configuration: ${id} is in learnersNext but not an outgoing voter`);
  }
  if (c.votersOutgoing.length === 0 && (c.learnersNext.length > 0 || c.autoLeave)) {
    throw new Error('configuration: learnersNext and autoLeave must be empty outside a joint configuration');
  }
}

/** A mutable working copy. */
function draft(c: MembershipConfig) {
  return { voters: c.voters.slice(), votersOutgoing: c.votersOutgoing.slice(), learners: c.learners.slice(), learnersNext: c.learnersNext.slice(), autoLeave: c.autoLeave };
}
type Draft = ReturnType<typeof draft>;

const without = (ids: NodeId[], id: NodeId): NodeId[] => ids.filter((x) => x !== id);

/** Applies single changes to the incoming half (etcd Changer.apply, makeVoter, makeLearner, remove). */
function applySingles(d: Draft, changes: readonly ConfChangeSingle[]): ConfChangeRefusal | null {
  for (const cc of changes) {
    const id = cc.nodeId;
    switch (cc.type) {
      case 'addNode':
        // makeVoter: add, or promote a learner (or a staged one).
        d.learners = without(d.learners, id);
        d.learnersNext = without(d.learnersNext, id);
        if (!d.voters.includes(id)) d.voters.push(id);
        break;
      case 'addLearnerNode':
        if (d.learners.includes(id) || d.learnersNext.includes(id)) break;
        d.voters = without(d.voters, id);
        // A voter of the outgoing half cannot be a learner yet: staged until the joint config is left.
        if (d.votersOutgoing.includes(id)) d.learnersNext.push(id);
        else d.learners.push(id);
        break;
      case 'removeNode':
        d.voters = without(d.voters, id);
        d.learners = without(d.learners, id);
        d.learnersNext = without(d.learnersNext, id);
        break;
    }
  }
  return d.voters.length === 0 ? 'removesAllVoters' : null;
}

/** Number of servers in exactly one of `a`, `b` (etcd symdiff). */
function symdiff(a: readonly NodeId[], b: readonly NodeId[]): number {
  let n = 0;
  for (const x of a) if (!b.includes(x)) n++;
  for (const x of b) if (!a.includes(x)) n++;
  return n;
}

/** etcd Changer.EnterJoint: C_old → C_old,new. */
export function enterJoint(c: MembershipConfig, autoLeave: boolean, changes: readonly ConfChangeSingle[]): ChangeResult {
  if (isJoint(c)) return { ok: false, reason: 'inJointConfig' };
  if (c.voters.length === 0) return { ok: false, reason: 'removesAllVoters' };
  const d = draft(c);
  d.votersOutgoing = c.voters.slice();
  const err = applySingles(d, changes);
  if (err) return { ok: false, reason: err };
  d.autoLeave = autoLeave;
  return { ok: true, config: freeze(d), joint: 'entered' };
}

/** etcd Changer.LeaveJoint: C_old,new → C_new; staged learners become learners. */
export function leaveJoint(c: MembershipConfig): ChangeResult {
  if (!isJoint(c)) return { ok: false, reason: 'notInJointConfig' };
  const d = draft(c);
  for (const id of d.learnersNext) if (!d.learners.includes(id)) d.learners.push(id);
  d.learnersNext = [];
  d.votersOutgoing = [];
  d.autoLeave = false;
  return { ok: true, config: freeze(d), joint: 'left' };
}

/**
 * etcd Changer.Simple: changes that alter the voters by at most one, applied at once. With
 * `allowMany` (unsafe.unsafeMultiServerChange) the one-voter limit is not checked.
 */
export function simple(c: MembershipConfig, changes: readonly ConfChangeSingle[], allowMany = false): ChangeResult {
  if (isJoint(c)) return { ok: false, reason: 'inJointConfig' };
  const d = draft(c);
  const err = applySingles(d, changes);
  if (err) return { ok: false, reason: err };
  if (!allowMany && symdiff(c.voters, d.voters) > 1) return { ok: false, reason: 'tooManyVoterChanges' };
  return { ok: true, config: freeze(d), joint: 'none' };
}

/**
 * Whether `cc` enters a joint configuration, and whether that is left automatically (etcd
 * ConfChangeV2.EnterJoint): with several changes or transition 'explicit'. Under
 * unsafeMultiServerChange, 'auto' changes never enter joint.
 */
export function entersJoint(cc: ConfChange, unsafeMulti: boolean): { joint: boolean; autoLeave: boolean } {
  const explicit = cc.transition === 'explicit';
  if (explicit) return { joint: true, autoLeave: false };
  if (cc.changes.length > 1 && !unsafeMulti) return { joint: true, autoLeave: true };
  return { joint: false, autoLeave: false };
}

/** The configuration after applying `cc` to `c` (etcd raft applyConfChange), or why it cannot be applied. */
export function applyConfChange(c: MembershipConfig, cc: ConfChange, unsafeMulti = false): ChangeResult {
  if (cc.changes.length === 0 && cc.transition !== 'explicit') return leaveJoint(c);
  const { joint, autoLeave } = entersJoint(cc, unsafeMulti);
  if (joint) return enterJoint(c, autoLeave, cc.changes);
  return simple(c, cc.changes, unsafeMulti);
}

/**
 * The checks a leader makes before appending `cc` to its log, against its applied configuration
 * `c` (etcd stepLeader MsgProp: "must transition out of joint config first", "not in joint state;
 * refusing empty conf change"; plus the Changer's errors, and the member-step rules: no adding a
 * server in the role it has, no removing a non-member). Null when it may be appended.
 */
export function checkProposal(c: MembershipConfig, cc: ConfChange, unsafeMulti = false): ConfChangeRefusal | null {
  const joint = isJoint(c);
  const leave = cc.changes.length === 0 && cc.transition !== 'explicit';
  if (joint && !leave) return 'inJointConfig';
  if (!joint && leave) return 'notInJointConfig';
  for (const ch of cc.changes) {
    const voter = c.voters.includes(ch.nodeId);
    const learner = c.learners.includes(ch.nodeId) || c.learnersNext.includes(ch.nodeId);
    if (ch.type === 'addNode' && voter) return 'alreadyVoter';
    if (ch.type === 'addLearnerNode' && learner) return 'alreadyLearner';
    if (ch.type === 'removeNode' && !voter && !learner) return 'notMember';
  }
  const r = applyConfChange(c, cc, unsafeMulti);
  return r.ok ? null : r.reason;
}

/** Text of a configuration, etcd-style: "voters=(S1 S2)&&(S1 S2 S3) learners=(S4)". For notes and test output. */
export function describeConfig(c: MembershipConfig): string {
  let t = `voters=(${c.voters.join(' ')})`;
  if (isJoint(c)) t += `&&(${c.votersOutgoing.join(' ')})`;
  if (c.learners.length) t += ` learners=(${c.learners.join(' ')})`;
  if (c.learnersNext.length) t += ` learners_next=(${c.learnersNext.join(' ')})`;
  if (c.autoLeave) t += ' autoleave';
  return t;
}
