/**
 * "Why": one whole sentence per trace event, with the reason and the Raft paper section for every
 * vote granted or refused, AppendEntries rejected, commitIndex advance and step-down. Used by the
 * why feed and the timeline's tooltips. Role events are not worded: the notes around them say more.
 */
import { localReason } from '../i18n/errorText';
import type { ConfChange, RaftNote } from '../../raft/types';
import { fmtMs } from '../../scenario/runner';
import type { TraceEvent } from '../../sim/types';
import { t, tn } from '../i18n';
import { captionText, propertyName, violationDetail } from '../i18n/words';

export type WhyTone = 'vote' | 'refusal' | 'commit' | 'role' | 'fault' | 'client' | 'caption' | 'error';

/** What a sentence may depend on besides its event: the run's unsafe switches (SimConfig.unsafe). */
export interface WhyContext {
  /** ConfChanges of several servers are applied at once, without joint consensus (Raft paper Figure 10). */
  unsafeMultiServerChange?: boolean;
}

/** The context of a run's sentences (its unsafe switches). */
export function whyContextOf(sim: { unsafe: { unsafeMultiServerChange?: boolean } }): WhyContext {
  return sim.unsafe.unsafeMultiServerChange ? { unsafeMultiServerChange: true } : {};
}

export interface WhyLine {
  text: string;
  tone: WhyTone;
}

function noteWhy(node: string, n: RaftNote, clusterSize: number, ctx: WhyContext): WhyLine | null {
  switch (n.kind) {
    case 'electionStarted':
      return { text: t('why.electionStarted', { node, term: n.term }), tone: 'role' };
    case 'electionWon':
      return { text: t('why.electionWon', { node, term: n.term, votes: n.votes.join(', '), count: n.votes.length, size: clusterSize }), tone: 'role' };
    case 'voteGranted':
      return { text: t('why.voteGranted', { node, candidate: n.candidate, term: n.term }), tone: 'vote' };
    case 'voteRefused':
      switch (n.reason) {
        case 'staleTerm':
          return { text: t('why.voteRefused.staleTerm', { node, candidate: n.candidate, term: n.term }), tone: 'refusal' };
        case 'alreadyVoted':
          return { text: t('why.voteRefused.alreadyVoted', { node, candidate: n.candidate, term: n.term }), tone: 'refusal' };
        case 'logNotUpToDate':
          return {
            text: t('why.voteRefused.logNotUpToDate', {
              node, candidate: n.candidate, term: n.term,
              cIndex: n.candidateLast[0], cTerm: n.candidateLast[1], myIndex: n.myLast[0], myTerm: n.myLast[1],
            }),
            tone: 'refusal',
          };
      }
      return null;
    case 'appendRejected':
      switch (n.reason) {
        case 'staleTerm':
          return { text: t('why.appendRejected.staleTerm', { node, leader: n.leader, term: n.term }), tone: 'refusal' };
        case 'missingEntry':
          return { text: t('why.appendRejected.missingEntry', { node, leader: n.leader, prevLogIndex: n.prevLogIndex }), tone: 'refusal' };
        case 'termMismatch':
          return { text: t('why.appendRejected.termMismatch', { node, leader: n.leader, prevLogIndex: n.prevLogIndex, prevLogTerm: n.prevLogTerm }), tone: 'refusal' };
      }
      return null;
    case 'commitAdvanced': {
      if (n.replicas === 0) return { text: t('why.commitFollower', { node, from: n.from, to: n.to }), tone: 'commit' };
      const p = { node, from: n.from, to: n.to, replicas: n.replicas, size: clusterSize, term: n.term, entryTerm: n.entryTerm };
      // The sentence states the entry's own term; only `unsafe.commitPreviousTermEntries` lets a
      // leader count replicas of an earlier term's entry, which breaks §5.4.2 (Figure 8).
      if (n.previousTermCounted) return { text: t('why.commitLeaderPreviousTerm', p), tone: 'commit' };
      if (n.entryTerm !== n.term) return { text: t('why.commitLeaderEarlierTerm', p), tone: 'commit' };
      return { text: t('why.commitLeader', p), tone: 'commit' };
    }
    case 'steppedDown':
      if (n.cause === 'checkQuorum') return { text: t('why.steppedDown.checkQuorum', { node, count: n.heardFrom.length, size: n.servers, window: ms(n.windowMs) }), tone: 'role' };
      return n.cause === 'higherTerm'
        ? { text: t('why.steppedDown.higherTerm', { node, from: n.from, term: n.term }), tone: 'role' }
        : { text: t('why.steppedDown.leaderDiscovered', { node, from: n.from, term: n.term }), tone: 'role' };
    case 'progressChanged': {
      // etcd raft tracker/progress.go: BecomeReplicate after an answer that shows where the logs
      // match, BecomeProbe after a rejection or entries presumed lost.
      const p = { node, peer: n.peer, from: n.from, to: n.to, index: n.index };
      const tone: WhyTone = n.to === 'replicate' ? 'commit' : 'refusal';
      switch (n.cause) {
        case 'appendAccepted': return { text: t('why.progress.appendAccepted', p), tone };
        case 'appendRejected': return { text: t('why.progress.appendRejected', p), tone };
        case 'heartbeatResponse': return { text: t('why.progress.heartbeatResponse', p), tone };
        case 'appendUnacknowledged': return { text: t('why.progress.appendUnacknowledged', p), tone };
        case 'snapshotSent': return { text: t('why.progress.snapshotSent', p), tone: 'role' };
        case 'snapshotInstalled': return { text: t('why.progress.snapshotInstalled', p), tone };
        case 'snapshotIgnored': return { text: t('why.progress.snapshotIgnored', p), tone };
        case 'snapshotUnacknowledged': return { text: t('why.progress.snapshotUnacknowledged', p), tone };
      }
      return null;
    }
    default: return electWhy(node, n, clusterSize, ctx);
  }
}

/** A ms figure as the why feed shows it (two decimals at most). */
function ms(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * Issue 12's notes (Raft thesis §9.6 PreVote, §6.2 and §4.2.3 CheckQuorum, §6.4 ReadIndex, §6.4.1
 * lease reads, §3.10 leader transfer), one whole sentence each with its source.
 */
function electWhy(node: string, n: RaftNote, clusterSize: number, ctx: WhyContext): WhyLine | null {
  switch (n.kind) {
    case 'preVoteStarted':
      return { text: t('why.preVoteStarted', { node, term: n.term }), tone: 'role' };
    case 'preVoteGranted':
      return { text: t('why.preVoteGranted', { node, candidate: n.candidate, term: n.term }), tone: 'vote' };
    case 'preVoteRefused': {
      const p = { node, candidate: n.candidate, term: n.term };
      switch (n.reason) {
        case 'leaderActive':
          return n.leader === node || n.leader === undefined
            ? { text: t('why.preVoteRefused.isLeader', p), tone: 'refusal' }
            : { text: t('why.preVoteRefused.leaderActive', { ...p, leader: n.leader, ago: ms(n.heardAgoMs ?? 0) }), tone: 'refusal' };
        case 'staleTerm': return { text: t('why.preVoteRefused.staleTerm', p), tone: 'refusal' };
        case 'alreadyVoted': return { text: t('why.preVoteRefused.alreadyVoted', p), tone: 'refusal' };
        case 'logNotUpToDate':
          return {
            text: t('why.preVoteRefused.logNotUpToDate', { ...p, cIndex: n.candidateLast[0], cTerm: n.candidateLast[1], myIndex: n.myLast[0], myTerm: n.myLast[1] }),
            tone: 'refusal',
          };
      }
      return null;
    }
    case 'preVoteWon':
      return { text: t('why.preVoteWon', { node, term: n.term, count: n.votes.length, size: clusterSize, votes: n.votes.join(', ') }), tone: 'role' };
    case 'preVoteLost':
      return { text: t('why.preVoteLost', { node, term: n.term, refusedBy: n.refusedBy.join(', ') }), tone: 'refusal' };
    case 'voteIgnored': {
      const self = n.leader === node;
      const id = n.preVote ? (self ? 'why.voteIgnored.preVoteSelf' : 'why.voteIgnored.preVote') : (self ? 'why.voteIgnored.requestVoteSelf' : 'why.voteIgnored.requestVote');
      return { text: t(id, { node, candidate: n.candidate, term: n.term, leader: n.leader, ago: ms(n.heardAgoMs) }), tone: 'refusal' };
    }
    case 'readConfirmed':
      return n.confirmedBy.length
        ? { text: t('why.readConfirmed', { node, ctx: n.ctx, index: n.index, by: n.confirmedBy.join(', ') }), tone: 'commit' }
        : { text: t('why.readConfirmedAlone', { node, ctx: n.ctx, index: n.index }), tone: 'commit' };
    case 'readDeferred':
      return { text: t('why.readDeferred', { node, ctx: n.ctx, term: n.term }), tone: 'role' };
    case 'leaseRead':
      return { text: t('why.leaseRead', { node, ctx: n.ctx, index: n.index, until: ms(n.leaseUntilMs) }), tone: 'commit' };
    case 'leaseLapsed':
      return n.leaseUntilMs === null
        ? { text: t('why.leaseNone', { node, ctx: n.ctx }), tone: 'role' }
        : { text: t('why.leaseLapsed', { node, ctx: n.ctx, until: ms(n.leaseUntilMs) }), tone: 'role' };
    case 'readLocal':
      return { text: t('why.readLocal', { node, ctx: n.ctx, index: n.index }), tone: 'error' };
    case 'readForwarded':
      return { text: t('why.readForwarded', { node, ctx: n.ctx, leader: n.leader }), tone: 'role' };
    case 'readIndexFromLeader':
      return { text: t('why.readIndexFromLeader', { node, ctx: n.ctx, index: n.index, leader: n.leader }), tone: 'commit' };
    case 'readRefused':
      return { text: t(`why.readRefused.${n.reason}`, { node, ctx: n.ctx }), tone: 'refusal' };
    case 'transferStarted':
      return { text: t('why.transferStarted', { node, to: n.to, match: n.matchIndex, last: n.lastLogIndex }), tone: 'role' };
    case 'timeoutNowSent':
      return { text: t('why.timeoutNowSent', { node, to: n.to, match: n.matchIndex }), tone: 'role' };
    case 'transferAbandoned':
      return { text: t(`why.transferAbandoned.${n.reason}`, { node, to: n.to, elapsed: ms(n.elapsedMs) }), tone: 'refusal' };
    case 'transferRefused':
      return { text: t(`why.transferRefused.${n.reason}`, { node, to: n.to }), tone: 'refusal' };
    case 'timeoutNowReceived':
      return { text: t('why.timeoutNowReceived', { node, from: n.from }), tone: 'role' };
    default:
      return membersWhy(node, n, ctx);
  }
}

/**
 * A ConfChange as a list of phrases ("make S4 a learner, remove S1"); the empty change is "leave
 * the joint configuration" (Raft paper §6). `addNode` of a learner promotes it (etcd raft), so it
 * reads "make S4 a voter" whether S4 was a learner or a spare.
 */
export function confChangeText(change: ConfChange): string {
  if (change.changes.length === 0) return t('conf.leaveJoint');
  return change.changes.map((c) => t(`conf.${c.type}`, { id: c.nodeId })).join(t('conf.listSep'));
}

/** The server a single-server change is about (for refusals that name it), else the first one. */
function changeServer(change: ConfChange): string {
  return change.changes[0]?.nodeId ?? '';
}

/**
 * The ConfChange of a `member` fault, from the engine's detail ("+S4 (learner) +S5 −S1"; src/sim/host.ts
 * memberDetail), or null when it does not read as one.
 */
function changeFromDetail(detail: string): ConfChange | null {
  const changes: ConfChange['changes'][number][] = [];
  for (const part of detail.matchAll(/[+−]\S+(?: \(learner\))?/g)) {
    const m = /^([+−])(\S+?)( \(learner\))?$/.exec(part[0]);
    if (!m) return null;
    changes.push({ type: m[1] === '−' ? 'removeNode' : m[3] ? 'addLearnerNode' : 'addNode', nodeId: m[2] });
  }
  return changes.length ? { changes } : null;
}

/** A list of servers as the why feed writes it. */
function serverList(ids: readonly string[]): string {
  return ids.join(', ');
}

/**
 * Issue 13's notes: configuration changes (Raft paper §6, thesis Chapter 4, etcd raft confchange/),
 * learners, removed servers, snapshots and log compaction (paper §7, Figure 13).
 */
function membersWhy(node: string, n: RaftNote, ctx: WhyContext): WhyLine | null {
  switch (n.kind) {
    case 'confChangeProposed': {
      const p = { node, index: n.index, change: confChangeText(n.change) };
      if (n.change.changes.length === 0) return { text: t('why.confChangeProposedLeave', p), tone: 'role' };
      if (n.change.changes.length > 1 && n.change.transition !== 'explicit' && ctx.unsafeMultiServerChange) return { text: t('why.confChangeProposedUnsafe', p), tone: 'error' };
      if (n.change.changes.length > 1 || n.change.transition === 'explicit') return { text: t('why.confChangeProposedJoint', p), tone: 'role' };
      return { text: t('why.confChangeProposed', p), tone: 'role' };
    }
    case 'confChangeRefused': {
      const p = { node, change: confChangeText(n.change), server: changeServer(n.change), pending: n.pendingIndex ?? 0 };
      if (n.reason === 'confChangePending' && !n.pendingIndex) return { text: t('why.confChangeRefused.confChangePendingNoIndex', p), tone: 'refusal' };
      return { text: t(`why.confChangeRefused.${n.reason}`, p), tone: 'refusal' };
    }
    case 'confChangeApplied': {
      const c = n.config;
      const p = { node, index: n.index, change: confChangeText(n.change), voters: serverList(c.voters), learners: serverList(c.learners), old: serverList(c.votersOutgoing), new: serverList(c.voters) };
      if (n.joint === 'entered') return { text: t('why.confChangeAppliedJoint', p), tone: 'commit' };
      if (n.joint === 'left') return { text: t('why.confChangeAppliedLeft', p), tone: 'commit' };
      // Several servers at once without a joint configuration: only under unsafeMultiServerChange.
      if (n.change.changes.length > 1) return { text: t('why.confChangeAppliedUnsafe', p), tone: 'error' };
      return { text: t(c.learners.length ? 'why.confChangeAppliedLearners' : 'why.confChangeApplied', p), tone: 'commit' };
    }
    case 'confChangeIgnored':
      return { text: t('why.confChangeIgnored', { node, index: n.index, change: confChangeText(n.change) }), tone: 'refusal' };
    case 'leaderRemoved':
      return { text: t('why.leaderRemoved', { node, index: n.index, term: n.term }), tone: 'role' };
    case 'campaignSkipped':
      return { text: t(`why.campaignSkipped.${n.reason}`, { node }), tone: 'role' };
    case 'snapshotTaken': {
      const p = { node, index: n.index, term: n.term, keptFrom: n.compactedIndex + 1 };
      return { text: t(n.compactedIndex >= n.index ? 'why.snapshotTakenAll' : 'why.snapshotTaken', p), tone: 'commit' };
    }
    case 'snapshotSent':
      return { text: t('why.snapshotSent', { node, peer: n.peer, index: n.index, next: n.nextIndex, first: n.compactedIndex + 1 }), tone: 'role' };
    case 'snapshotRestored': {
      const p = { node, leader: n.leader, index: n.index, term: n.term };
      return { text: n.discarded > 0 ? tn('why.snapshotRestoredDiscard', n.discarded, p) : t('why.snapshotRestored', p), tone: 'commit' };
    }
    case 'snapshotIgnored':
      return { text: t(`why.snapshotIgnored.${n.reason}`, { node, leader: n.leader, index: n.index, term: n.term }), tone: 'refusal' };
    default:
      return null;
  }
}

function faultWhy(e: Extract<TraceEvent, { kind: 'fault' }>): string {
  const node = e.nodes[0] ?? '';
  const other = e.nodes[1] ?? '';
  const detail = e.detail ?? '';
  switch (e.action) {
    case 'crash': return t('why.fault.crash', { node });
    case 'restart': return t('why.fault.restart', { node });
    case 'timeout': return t('why.fault.timeout', { node });
    case 'isolate': return t('why.fault.isolate', { node });
    case 'reconnect': return t('why.fault.reconnect', { node });
    case 'pause': return t('why.fault.pause', { node });
    case 'resume': return t('why.fault.resume', { node });
    case 'partition': return t('why.fault.partition', { groups: detail });
    case 'heal': return t('why.fault.heal');
    case 'cut': return t(detail === 'both ways' ? 'why.fault.cutBoth' : 'why.fault.cutOne', { from: node, to: other });
    case 'restore link': return t(detail === 'both ways' ? 'why.fault.restoreBoth' : 'why.fault.restoreOne', { from: node, to: other });
    case 'link settings': return detail === 'default' ? t('why.fault.linkDefault', { from: node, to: other }) : t('why.fault.link', { from: node, to: other, detail });
    case 'network': return t('why.fault.network', { detail });
    case 'drop message': return t('why.fault.drop', { id: detail, from: node, to: other });
    case 'duplicate message': return t('why.fault.duplicate', { id: detail, from: node, to: other });
    case 'transfer': return e.nodes.length >= 2 ? t('why.fault.transfer', { from: node, to: other }) : t('why.fault.transferNoLeader', { to: node });
    case 'member': {
      if (detail === 'no leader') return t('why.fault.memberNoLeader', { servers: serverList(e.nodes) });
      const change = changeFromDetail(detail);
      return change ? t('why.fault.member', { leader: node, change: confChangeText(change) }) : t('why.fault.other', { action: e.action, nodes: e.nodes.join(', '), detail });
    }
    case 'start': return t('why.fault.start', { node });
    case 'compact': return node === 'all' ? t('why.fault.compactAll') : t('why.fault.compact', { node });
    case 'delay message': {
      // The engine's detail reads "#<id> by <ms> ms".
      const m = /^(#\d+) by (\d+(?:\.\d+)?) ms$/.exec(detail);
      return m ? t('why.fault.delayBy', { id: m[1], ms: m[2], from: node, to: other }) : t('why.fault.delay', { id: detail, from: node, to: other });
    }
    default: return t('why.fault.other', { action: e.action, nodes: e.nodes.join(', '), detail });
  }
}

/**
 * A client operation as the engine describes it ("put x=\"1\"", "get x (serializable)"): the
 * operation itself is etcd's syntax and stays; the serializable mark is worded.
 */
function opText(op: string): string {
  const m = /^(.*) \(serializable\)$/.exec(op);
  return m ? t('why.op.serializable', { op: m[1] }) : op;
}

/** A client reply as the engine words it ("ok", "ok (absent)", "ok \"1\"", "fail", "unknown"), in the page's language. */
function resultText(r: string): string {
  if (r === 'ok') return t('why.result.ok');
  if (r === 'ok (absent)') return t('why.result.okAbsent');
  if (r === 'fail') return t('why.result.fail');
  if (r === 'unknown') return t('why.result.unknown');
  const m = /^ok (.+)$/.exec(r);
  return m ? t('why.result.okValue', { value: m[1] }) : r;
}

/** The sentence for a trace event, or null for events the feed leaves out. */
export function whyLine(e: TraceEvent, clusterSize: number, ctx: WhyContext = {}): WhyLine | null {
  switch (e.kind) {
    case 'role':
      return null;
    case 'note':
      return noteWhy(e.node, e.note, clusterSize, ctx);
    case 'fault':
      return { text: faultWhy(e), tone: 'fault' };
    case 'client': {
      const op = opText(e.opText);
      if (e.phase === 'invoke') {
        return { text: e.server ? t('why.client.invokeVia', { client: e.client, op, server: e.server }) : t('why.client.invoke', { client: e.client, op }), tone: 'client' };
      }
      return { text: t('why.client.return', { client: e.client, op, result: resultText(e.result ?? '') }), tone: 'client' };
    }
    case 'caption':
      // Worded at each render from the event, so switching the language re-words lines already shown.
      return { text: t('why.caption', { text: captionText(e) }), tone: 'caption' };
    case 'step':
      return e.ok ? null : { text: t('why.stepFailed', { n: e.index + 1, line: e.line, message: e.why ? localReason(e.why) : e.message }), tone: 'error' };
    case 'invariant':
      return { text: t('why.invariant', { property: propertyName(e.property), detail: violationDetail(e.detail) }), tone: 'error' };
  }
}

/** "1234.5 ms" */
export function timeText(ms: number): string {
  return fmtMs(ms);
}
