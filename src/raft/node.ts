/**
 * A Raft server as a pure state machine, shaped like etcd raft's `raft` struct.
 *
 * `RaftNode.step(input)` takes one input (a timer fired, a message arrived, a client proposal) and
 * returns the effects the host must carry out (messages to send, timers to set, committed entries
 * to apply): the equivalent of etcd's `Step` + `Ready`. The node has no clock, network, storage or
 * randomness: the host owns all of those.
 *
 * `step` settles what is common to every role first: the term rules of §5.1 (a higher term makes
 * the server a follower of that term; a lower one is answered or ignored) and RequestVote, which
 * every role answers the same way (§5.2, §5.4.1). Everything else goes to the step function of the
 * current role, `stepLeader`, `stepCandidate` or `stepFollower`, each of which reads top to bottom.
 * Roles change only through `becomeFollower`, `becomeCandidate` and `becomeLeader`, which move the
 * Figure 4 statechart (roleMachine.ts). A further role (PreVote's pre-candidate, Raft thesis §9.6)
 * is one more step function, one more `become…` and one more entry in `stepByRole`.
 *
 * The leader replicates through one `Progress` per follower (etcd raft tracker/progress.go; see
 * progress.ts): each entry is sent once to a follower in replicate, with at most maxInflightMsgs
 * AppendEntries unacknowledged, instead of re-sending everything unacknowledged on every response.
 *
 * Rules are from the Raft paper (Ongaro & Ousterhout 2014), Figure 2 and §5, and etcd raft's
 * raft.go; each is cited where it is applied. Internal rules are asserted (assert.ts).
 */
import { raftAssert } from './assert';
import { Progress } from './progress';
import { nextRole } from './roleMachine';
import {
  DEFAULT_MAX_ENTRIES_PER_APPEND,
  DEFAULT_MAX_INFLIGHT_MSGS,
  NOOP,
  SAFE,
  answersHeartbeat,
  type AppendEntries,
  type AppendEntriesResponse,
  type AppendRejection,
  type LogEntry,
  type NodeId,
  type PersistentState,
  type ProgressChangeCause,
  type ProgressState,
  type ProgressView,
  type RaftEffect,
  type RaftInput,
  type RaftMessage,
  type RequestVote,
  type RequestVoteResponse,
  type Role,
  type RoleEvent,
  type UnsafeFlags,
  type VoteRefusal,
} from './types';

/** Static settings of one server. */
export interface RaftConfig {
  id: NodeId;
  /** Every server of the cluster, this one included, in a fixed order. */
  servers: NodeId[];
  /** Interval between a leader's heartbeats to each follower, in ms of simulated time (§5.2). */
  heartbeatMs: number;
  /** Most entries carried by one AppendEntries (default 64; etcd raft Config.MaxSizePerMsg, counted in entries). */
  maxEntriesPerAppend?: number;
  /**
   * Most AppendEntries with entries a leader keeps unacknowledged to one follower in replicate
   * (default 8; etcd raft Config.MaxInflightMsgs).
   */
  maxInflightMsgs?: number;
  /**
   * Append a no-op entry of its term when a server becomes leader (Raft paper §8; default true).
   * Turning it off is still safe by Figure 2, and shows the Figure 8 situation as the paper draws it.
   */
  leaderNoop?: boolean;
  unsafe?: UnsafeFlags;
}

/** Volatile state (Figure 2): lost on a crash. */
export interface VolatileState {
  role: Role;
  commitIndex: number;
  lastApplied: number;
  /** The leader this server believes in for currentTerm, if any. */
  leaderId: NodeId | null;
  /** Candidates: servers that granted their vote in currentTerm. */
  votesGranted: NodeId[];
  /**
   * Leaders: each follower's Progress (nextIndex, matchIndex and flow control; etcd raft
   * tracker.ProgressMap), keyed by server name. Empty unless leader.
   */
  progress: Map<NodeId, Progress>;
  /**
   * Set when this server removed an entry at or below its commitIndex. That never happens while
   * the protocol holds (State Machine Safety, which the invariant checker reports): only an unsafe
   * switch, or a scenario's `initial` logs that break Log Matching, get here. From then on
   * `commitWithinLog` is not asserted, so the run goes on and the checker can show what broke.
   */
  committedEntryRemoved: boolean;
  /** The last role change: from, to, the statechart event and the term it happened in. */
  lastTransition: { from: Role; to: Role; event: RoleEvent['type']; term: number } | null;
}

/** Plain-data copy of a node, for snapshots, checkpoints and the UI. */
export interface RaftNodeState<C = unknown> {
  persistent: PersistentState<C>;
  volatile: VolatileState;
}

/** nextIndex, matchIndex and Progress of every follower, as plain data (empty unless leader). */
export interface ReplicationView {
  nextIndex: Record<NodeId, number>;
  matchIndex: Record<NodeId, number>;
  progress: ProgressView[];
}

/**
 * Heartbeat responses from a follower in replicate, with entries in flight and none acknowledged in
 * between, after which the entries are presumed lost and the follower is probed again. etcd raft
 * instead sends an empty append at the optimistic nextIndex on each such response, which its
 * ordered transport only lets through once the entries arrived; this network reorders, so that
 * append would often be rejected while the entries are merely in flight.
 */
const LOST_AFTER_HEARTBEATS = 2;
/** Shared by every heartbeat (an AppendEntries with no entries); never mutated. */
const NO_ENTRIES: LogEntry<never>[] = Object.freeze([]) as unknown as LogEntry<never>[];

function freshVolatile(): VolatileState {
  return {
    role: 'follower',
    commitIndex: 0,
    lastApplied: 0,
    leaderId: null,
    votesGranted: [],
    progress: new Map(),
    committedEntryRemoved: false,
    lastTransition: null,
  };
}

function positiveInteger(value: number | undefined, fallback: number, key: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${key} must be a whole number ≥ 1, got ${value}`);
  return value;
}

/**
 * One Raft server. Construct it from persistent state (a fresh server, or one restarting after a
 * crash: volatile state always starts empty, Figure 2) and feed it inputs with `step`.
 * The host must call `start()` once after construction to arm the election timer.
 * `C` is the state machine's command type, opaque to the node.
 */
export class RaftNode<C = unknown> {
  readonly id: NodeId;
  readonly servers: NodeId[];
  /** Every server but this one, in cluster order. */
  readonly peers: NodeId[];
  readonly heartbeatMs: number;
  /** RaftConfig.maxEntriesPerAppend with its default filled in. */
  readonly maxEntries: number;
  /** RaftConfig.maxInflightMsgs with its default filled in. */
  readonly maxInflight: number;
  readonly unsafe: UnsafeFlags;
  readonly leaderNoop: boolean;
  persistent: PersistentState<C>;
  volatile: VolatileState;
  private out: RaftEffect<C>[] = [];

  /**
   * @param config  the cluster membership, timing and flow-control limits
   * @param persistent  state from stable storage; copied, so the caller's object is not aliased.
   *   With `unsafe.forgetVoteOnRestart` votedFor is dropped here, as if it had never been persisted.
   * @param volatile  volatile state to continue from (clones only); copied
   * @throws Error when `config.servers` does not include `config.id`, or a limit is not a whole number ≥ 1
   */
  constructor(config: RaftConfig, persistent?: PersistentState<C>, volatile?: VolatileState) {
    if (!config.servers.includes(config.id)) throw new Error(`server ${config.id} is not in the cluster ${config.servers.join(', ')}`);
    this.id = config.id;
    this.servers = config.servers.slice();
    this.peers = this.servers.filter((s) => s !== config.id);
    this.heartbeatMs = config.heartbeatMs;
    this.maxEntries = positiveInteger(config.maxEntriesPerAppend, DEFAULT_MAX_ENTRIES_PER_APPEND, 'maxEntriesPerAppend');
    this.maxInflight = positiveInteger(config.maxInflightMsgs, DEFAULT_MAX_INFLIGHT_MSGS, 'maxInflightMsgs');
    this.unsafe = config.unsafe ?? SAFE;
    this.leaderNoop = config.leaderNoop ?? true;
    this.persistent = persistent
      ? { currentTerm: persistent.currentTerm, votedFor: persistent.votedFor, log: persistent.log.slice() }
      : { currentTerm: 0, votedFor: null, log: [] };
    if (this.unsafe.forgetVoteOnRestart && !volatile) this.persistent.votedFor = null;
    this.volatile = volatile ? cloneVolatile(volatile) : freshVolatile();
  }

  // ---- read-only views -------------------------------------------------------------------

  /** The server's role (Figure 4). */
  get role(): Role { return this.volatile.role; }
  /** Latest term the server has seen (Figure 2, persistent). */
  get currentTerm(): number { return this.persistent.currentTerm; }
  /** The candidate that received this server's vote in currentTerm, or null (Figure 2, persistent). */
  get votedFor(): NodeId | null { return this.persistent.votedFor; }
  /** Index of the highest log entry known to be committed (Figure 2, volatile). */
  get commitIndex(): number { return this.volatile.commitIndex; }
  /** Index of the highest log entry applied to the state machine (Figure 2, volatile). */
  get lastApplied(): number { return this.volatile.lastApplied; }
  /** The leader of currentTerm this server knows of, if any (used to redirect clients, §8). */
  get leaderId(): NodeId | null { return this.volatile.leaderId; }
  /** The log (Figure 2, persistent); read-only for callers. */
  get log(): readonly LogEntry<C>[] { return this.persistent.log; }
  /** Index of the last log entry (0 when the log is empty). */
  get lastLogIndex(): number { return this.persistent.log.length; }
  /** Term of the last log entry (0 when the log is empty). */
  get lastLogTerm(): number { return this.termAt(this.persistent.log.length); }
  /** Term of the entry at `index` (1-based); 0 for index 0 or past the end. */
  termAt(index: number): number {
    return index >= 1 && index <= this.persistent.log.length ? this.persistent.log[index - 1].term : 0;
  }
  /** Votes needed to win an election or commit: a majority of the cluster. */
  get quorum(): number { return Math.floor(this.servers.length / 2) + 1; }

  /** A leader's Progress for `peer`, or undefined (not leader, or not a follower of this cluster). */
  progressOf(peer: NodeId): Progress | undefined {
    return this.volatile.progress.get(peer);
  }

  /**
   * Each follower's nextIndex, matchIndex and Progress as plain data, in server order (what the
   * inspector shows; empty unless leader). Fresh objects, safe to keep.
   */
  replicationView(): ReplicationView {
    // Null-prototype records: a server named `constructor` or `toString` reads as absent, not as a function.
    const nextIndex: Record<NodeId, number> = Object.create(null);
    const matchIndex: Record<NodeId, number> = Object.create(null);
    const progress: ProgressView[] = [];
    for (const peer of this.peers) {
      const pr = this.volatile.progress.get(peer);
      if (!pr) continue;
      nextIndex[peer] = pr.nextIndex;
      matchIndex[peer] = pr.matchIndex;
      progress.push(pr.view());
    }
    return { nextIndex, matchIndex, progress };
  }

  /** Deep copy of this node's state (entries are immutable and shared). */
  state(): RaftNodeState<C> {
    return {
      persistent: { currentTerm: this.persistent.currentTerm, votedFor: this.persistent.votedFor, log: this.persistent.log.slice() },
      volatile: cloneVolatile(this.volatile),
    };
  }

  /** A copy of this node that evolves independently (for checkpoints). */
  clone(): RaftNode<C> {
    return new RaftNode<C>(
      {
        id: this.id, servers: this.servers, heartbeatMs: this.heartbeatMs, maxEntriesPerAppend: this.maxEntries,
        maxInflightMsgs: this.maxInflight, leaderNoop: this.leaderNoop, unsafe: this.unsafe,
      },
      this.persistent,
      this.volatile,
    );
  }

  // ---- inputs ----------------------------------------------------------------------------

  /** Arms the election timer of a server that has just started (every server starts as a follower, §5.2). */
  start(): RaftEffect<C>[] {
    this.out = [];
    this.out.push({ type: 'resetElectionTimer' });
    return this.flush();
  }

  /**
   * Processes one input and returns the effects to carry out, in order (etcd raft `Step`).
   * Messages go through the term rules common to every role first (§5.1), then RequestVote is
   * answered (every role alike), then the role's own step function takes the rest.
   * @throws RaftAssertionError when an internal rule breaks (a bug in src/raft; see assert.ts)
   */
  step(input: RaftInput<C>): RaftEffect<C>[] {
    this.out = [];
    const commitBefore = this.volatile.commitIndex;
    const wasLeader = this.volatile.role === 'leader';
    const lastBefore = this.persistent.log.length;
    const lastEntryBefore = lastBefore ? this.persistent.log[lastBefore - 1] : undefined;
    if (input.type === 'message') this.stepMessage(input.msg);
    else this.stepByRole[this.volatile.role](input);
    this.assertRules(commitBefore, wasLeader, lastBefore, lastEntryBefore);
    return this.flush();
  }

  private flush(): RaftEffect<C>[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Each role's step function (etcd raft's `r.step`, swapped by becomeFollower/becomeCandidate/becomeLeader). */
  private readonly stepByRole: Record<Role, (input: RaftInput<C>) => void> = {
    follower: (input) => this.stepFollower(input),
    candidate: (input) => this.stepCandidate(input),
    leader: (input) => this.stepLeader(input),
  };

  /**
   * §5.1, for every role: "If RPC request or response contains term T > currentTerm: set
   * currentTerm = T, convert to follower"; a request with a stale term is refused with the current
   * term so its sender learns it; a stale response is dropped. RequestVote is then answered here
   * (etcd raft answers MsgVote in Step too); the rest goes to the role's step function.
   */
  private stepMessage(m: RaftMessage<C>): void {
    const term = this.persistent.currentTerm;
    if (m.term > term) {
      this.becomeFollower(m.term, m.type === 'AppendEntries' ? m.leaderId : null, 'higherTerm', m.from);
    } else if (m.term < term) {
      if (m.type === 'RequestVote') this.answerVote(m, 'staleTerm');
      else if (m.type === 'AppendEntries') this.rejectAppend(m, 'staleTerm', 0, 0);
      return;
    }
    if (m.type === 'RequestVote') {
      this.handleRequestVote(m);
      return;
    }
    this.stepByRole[this.volatile.role]({ type: 'message', msg: m });
  }

  // ---- the three roles -------------------------------------------------------------------

  /**
   * A follower (Figure 2, Followers): answers the leader's AppendEntries, starts an election when
   * its timer fires, and points clients at the leader it knows. Messages here have term = currentTerm.
   */
  private stepFollower(input: RaftInput<C>): void {
    switch (input.type) {
      case 'electionTimeout':
        this.campaign();
        return;
      case 'propose':
        this.out.push({ type: 'proposeResult', accepted: false, leaderHint: this.volatile.leaderId });
        return;
      case 'heartbeatTimeout':
        return;
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntries') {
          // The sender is the leader of currentTerm (§5.2: at most one per term).
          this.volatile.leaderId = m.leaderId;
          this.out.push({ type: 'resetElectionTimer' });
          this.handleAppendEntries(m);
        }
        // A RequestVoteResponse or AppendEntriesResponse of this term is late: nothing to do.
        return;
      }
    }
  }

  /**
   * A candidate (§5.2): counts votes and becomes leader with a majority; a leader's AppendEntries of
   * its term makes it a follower; a timeout starts a new election.
   */
  private stepCandidate(input: RaftInput<C>): void {
    switch (input.type) {
      case 'electionTimeout':
        this.campaign();
        return;
      case 'propose':
        this.out.push({ type: 'proposeResult', accepted: false, leaderHint: null });
        return;
      case 'heartbeatTimeout':
        return;
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntries') {
          // "If AppendEntries RPC received from new leader: convert to follower" (Figure 2, Candidates).
          this.becomeFollower(m.term, m.leaderId, 'leaderDiscovered', m.leaderId);
          this.out.push({ type: 'resetElectionTimer' });
          this.handleAppendEntries(m);
        } else if (m.type === 'RequestVoteResponse' && m.voteGranted) {
          const votes = this.volatile.votesGranted;
          if (!votes.includes(m.from)) votes.push(m.from);
          if (votes.length >= this.quorum) this.becomeLeader();
        }
        return;
      }
    }
  }

  /**
   * A leader (Figure 2, Leaders; §5.3): heartbeats on its timer, appends and replicates client
   * commands, and moves each follower's Progress on its AppendEntriesResponses.
   */
  private stepLeader(input: RaftInput<C>): void {
    switch (input.type) {
      case 'heartbeatTimeout':
        this.bcastHeartbeat();
        this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
        return;
      case 'propose': {
        const index = this.appendLocal({ term: this.persistent.currentTerm, command: input.command });
        this.out.push({ type: 'proposeResult', accepted: true, index, term: this.persistent.currentTerm });
        this.bcastAppend(false);
        this.maybeCommit();
        return;
      }
      case 'electionTimeout':
        return; // a leader's election timer is stopped; a forced timeout changes nothing (Figure 4)
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntriesResponse') this.handleAppendEntriesResponse(m);
        // An AppendEntries of this very term comes from a second leader of the term, which only a
        // broken Election Safety allows (unsafe.forgetVoteOnRestart). It is ignored, as etcd's
        // stepLeader ignores MsgApp: a leader never lets another overwrite its log (leaderAppendOnly).
        // A RequestVoteResponse of this term is late: the election is already won.
        return;
      }
    }
  }

  // ---- role changes (through the Figure 4 statechart) -------------------------------------

  private changeRole(event: RoleEvent): void {
    const from = this.volatile.role;
    const to = nextRole(from, event);
    if (to === from && event.type !== 'TIMEOUT') return;
    this.volatile.role = to;
    this.volatile.lastTransition = { from, to, event: event.type, term: this.persistent.currentTerm };
    this.out.push({ type: 'roleChanged', from, to, term: this.persistent.currentTerm, event: event.type });
  }

  /**
   * Becomes (or stays) a follower of `term`, following `leader` if known (etcd raft becomeFollower).
   * A higher term clears votedFor (one vote per term, §5.2). A leader stops heartbeating and arms its
   * election timer again.
   */
  private becomeFollower(term: number, leader: NodeId | null, cause: 'higherTerm' | 'leaderDiscovered', from: NodeId): void {
    const v = this.volatile;
    const wasLeader = v.role === 'leader';
    if (term > this.persistent.currentTerm) {
      this.persistent.currentTerm = term;
      this.persistent.votedFor = null;
    }
    v.leaderId = leader;
    v.votesGranted = [];
    v.progress = new Map();
    if (v.role !== 'follower') {
      this.out.push({ type: 'note', note: { kind: 'steppedDown', term, cause, from } });
      this.changeRole({ type: cause === 'higherTerm' ? 'DISCOVER_HIGHER_TERM' : 'DISCOVER_LEADER' });
    }
    if (wasLeader) {
      this.out.push({ type: 'stopHeartbeatTimer' });
      this.out.push({ type: 'resetElectionTimer' });
    }
  }

  /**
   * §5.2: "To begin an election, a follower increments its current term and transitions to
   * candidate state. It then votes for itself", and resets its election timer.
   */
  private becomeCandidate(): void {
    const v = this.volatile;
    this.persistent.currentTerm += 1;
    this.changeRole({ type: 'TIMEOUT' });
    this.persistent.votedFor = this.id;
    v.leaderId = null;
    v.votesGranted = [this.id];
    v.progress = new Map();
    this.out.push({ type: 'note', note: { kind: 'electionStarted', term: this.persistent.currentTerm } });
    this.out.push({ type: 'resetElectionTimer' });
  }

  /**
   * A candidate with a majority becomes leader (§5.2). Every follower gets a Progress in probe with
   * nextIndex = last log index + 1 and matchIndex = 0 (Figure 2; etcd raft reset), the leader
   * appends a no-op of its term so that earlier entries can be committed (§5.4.2, §8) and probes
   * every follower at once (etcd: becomeLeader, then bcastAppend).
   */
  private becomeLeader(): void {
    const v = this.volatile;
    this.out.push({ type: 'note', note: { kind: 'electionWon', term: this.persistent.currentTerm, votes: v.votesGranted.slice() } });
    this.changeRole({ type: 'WIN_ELECTION' });
    v.leaderId = this.id;
    const next = this.lastLogIndex + 1;
    v.progress = new Map();
    for (const peer of this.peers) v.progress.set(peer, new Progress(peer, this.id, next, this.maxInflight));
    this.out.push({ type: 'stopElectionTimer' });
    if (this.leaderNoop) this.appendLocal({ term: this.persistent.currentTerm, command: NOOP });
    this.bcastAppend(true);
    this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
    this.maybeCommit();
  }

  // ---- elections (§5.2, §5.4.1) ----------------------------------------------------------

  /** Starts an election: becomes candidate and asks every other server for its vote (§5.2). */
  private campaign(): void {
    this.becomeCandidate();
    if (this.volatile.votesGranted.length >= this.quorum) {
      this.becomeLeader();
      return;
    }
    const lastLogIndex = this.lastLogIndex;
    const lastLogTerm = this.lastLogTerm;
    for (const peer of this.peers) {
      const rv: RequestVote = {
        type: 'RequestVote', from: this.id, to: peer, term: this.persistent.currentTerm,
        candidateId: this.id, lastLogIndex, lastLogTerm,
      };
      this.out.push({ type: 'send', msg: rv });
    }
  }

  /**
   * §5.4.1: the candidate's log is at least as up-to-date as ours if its last term is higher, or
   * the same with a last index at least as large.
   */
  isUpToDate(lastLogIndex: number, lastLogTerm: number): boolean {
    const myTerm = this.lastLogTerm;
    return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= this.lastLogIndex);
  }

  /**
   * RequestVote receiver implementation (Figure 2), the same in every role; m.term ≥ currentTerm
   * here. Grant if votedFor is null or the candidate, and the candidate's log is at least as
   * up-to-date (§5.4.1, skipped with `unsafe.skipUpToDateCheck`).
   */
  private handleRequestVote(m: RequestVote): void {
    const p = this.persistent;
    if (p.votedFor !== null && p.votedFor !== m.candidateId) {
      this.answerVote(m, 'alreadyVoted');
    } else if (!this.unsafe.skipUpToDateCheck && !this.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
      this.answerVote(m, 'logNotUpToDate');
    } else {
      p.votedFor = m.candidateId;
      // Granting a vote resets the election timer (Figure 2, Followers).
      this.out.push({ type: 'resetElectionTimer' });
      this.answerVote(m, null);
    }
  }

  /** Sends the RequestVote's answer (granted when `refusal` is null) with a note for the why feed. */
  private answerVote(m: RequestVote, refusal: VoteRefusal | null): void {
    const myLast: [number, number] = [this.lastLogIndex, this.lastLogTerm];
    if (refusal === null) {
      this.out.push({ type: 'note', note: { kind: 'voteGranted', candidate: m.candidateId, term: m.term } });
    } else {
      this.out.push({
        type: 'note',
        note: { kind: 'voteRefused', candidate: m.candidateId, term: m.term, reason: refusal, candidateLast: [m.lastLogIndex, m.lastLogTerm], myLast },
      });
    }
    const resp: RequestVoteResponse = {
      type: 'RequestVoteResponse', from: this.id, to: m.from, term: this.persistent.currentTerm, voteGranted: refusal === null,
      lastLogIndex: myLast[0], lastLogTerm: myLast[1],
    };
    if (refusal) resp.reason = refusal;
    this.out.push({ type: 'send', msg: resp });
  }

  // ---- the follower's side of replication (§5.3) -----------------------------------------

  private rejectAppend(m: AppendEntries<C>, reason: AppendRejection, conflictTerm: number, conflictIndex: number): void {
    this.out.push({ type: 'note', note: { kind: 'appendRejected', leader: m.leaderId, term: m.term, reason, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm } });
    this.out.push({
      type: 'send',
      msg: {
        type: 'AppendEntriesResponse', from: this.id, to: m.from, term: this.persistent.currentTerm, success: false,
        matchIndex: 0, prevLogIndex: m.prevLogIndex, conflictTerm, conflictIndex, reason,
      },
    });
  }

  /**
   * AppendEntries receiver implementation (Figure 2), for m.term = currentTerm:
   * 2. reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm (with the
   * conflict hints of §5.3); 3. delete a conflicting entry and all that follow it; 4. append new
   * entries not already in the log; 5. commitIndex = min(leaderCommit, index of last new entry).
   * (Rule 1, term < currentTerm, is settled in stepMessage.)
   */
  private handleAppendEntries(m: AppendEntries<C>): void {
    const v = this.volatile;
    const log = this.persistent.log;
    raftAssert(v.role !== 'leader', 'leaderAppendOnly', this.id, () => `a leader handling AppendEntries from ${m.from}`);
    if (m.prevLogIndex > log.length) {
      this.rejectAppend(m, 'missingEntry', 0, log.length + 1);
      return;
    }
    if (m.prevLogIndex > 0 && log[m.prevLogIndex - 1].term !== m.prevLogTerm) {
      // Accelerated log backtracking (§5.3): report the conflicting term and its first index.
      const conflictTerm = log[m.prevLogIndex - 1].term;
      let conflictIndex = m.prevLogIndex;
      while (conflictIndex > 1 && log[conflictIndex - 2].term === conflictTerm) conflictIndex--;
      this.rejectAppend(m, 'termMismatch', conflictTerm, conflictIndex);
      return;
    }
    let index = m.prevLogIndex;
    let appendedFrom = 0;
    for (let i = 0; i < m.entries.length; i++) {
      index++;
      const e = m.entries[i];
      if (index <= log.length) {
        if (log[index - 1].term === e.term) continue;
        // Conflict: same index, different term. Never at or below commitIndex while the protocol
        // holds; the invariant checker reports it as a State Machine Safety violation.
        if (index <= v.commitIndex) v.committedEntryRemoved = true;
        if (this.unsafe.noTruncateOnConflict) {
          log[index - 1] = e;
          this.out.push({ type: 'logChanged', fromIndex: index });
          continue;
        }
        log.length = index - 1;
        this.out.push({ type: 'logChanged', fromIndex: index });
      }
      log.push(e);
      if (appendedFrom === 0) appendedFrom = index;
    }
    if (appendedFrom) this.out.push({ type: 'appended', fromIndex: appendedFrom, count: log.length - appendedFrom + 1 });
    const lastNew = m.prevLogIndex + m.entries.length;
    if (m.leaderCommit > v.commitIndex) {
      const to = Math.min(m.leaderCommit, lastNew);
      if (to > v.commitIndex) this.setCommitIndex(to, 0, false);
    }
    this.out.push({
      type: 'send',
      msg: {
        type: 'AppendEntriesResponse', from: this.id, to: m.from, term: this.persistent.currentTerm, success: true,
        matchIndex: lastNew, prevLogIndex: m.prevLogIndex, conflictTerm: 0, conflictIndex: 0,
      },
    });
  }

  // ---- the leader's side of replication (§5.3; etcd raft sendAppend, stepLeader MsgAppResp) ----

  private appendLocal(entry: LogEntry<C>): number {
    this.persistent.log.push(entry);
    const index = this.persistent.log.length;
    this.out.push({ type: 'appended', fromIndex: index, count: 1 });
    return index;
  }

  /** Offers entries to every follower (etcd bcastAppend); see maybeSendAppend for `sendIfEmpty`. */
  private bcastAppend(sendIfEmpty: boolean): void {
    for (const peer of this.peers) this.maybeSendAppend(peer, sendIfEmpty);
  }

  /**
   * Sends `peer` an AppendEntries with the entries from its nextIndex on (at most
   * maxEntriesPerAppend), unless its Progress is paused (etcd raft maybeSendAppend). With nothing to
   * send it sends an empty AppendEntries at nextIndex − 1 only if `sendIfEmpty` (a probe of a new
   * leader without a no-op). Returns whether it sent.
   */
  private maybeSendAppend(peer: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.volatile.progress.get(peer)!;
    if (pr.isPaused()) return false;
    const log = this.persistent.log;
    const prevLogIndex = pr.nextIndex - 1;
    const end = Math.min(log.length, prevLogIndex + this.maxEntries);
    if (end <= prevLogIndex && !sendIfEmpty) return false;
    const ae: AppendEntries<C> = {
      type: 'AppendEntries', from: this.id, to: peer, term: this.persistent.currentTerm, leaderId: this.id,
      prevLogIndex, prevLogTerm: this.termAt(prevLogIndex),
      entries: end > prevLogIndex ? log.slice(prevLogIndex, end) : NO_ENTRIES,
      leaderCommit: this.volatile.commitIndex,
    };
    this.out.push({ type: 'send', msg: ae });
    pr.sentEntries(ae.entries.length);
    return true;
  }

  /** Sends every follower a heartbeat (§5.2; etcd bcastHeartbeat). */
  private bcastHeartbeat(): void {
    for (const peer of this.peers) this.sendHeartbeat(peer);
  }

  /**
   * A heartbeat: an AppendEntries with no entries, anchored at the follower's matchIndex, with
   * leaderCommit = min(commitIndex, matchIndex) (etcd raft sendHeartbeat: "the leader MUST NOT
   * forward the follower's commit to an unmatched index"). Anchored at matchIndex, which the
   * follower is known to hold, it is never rejected, however far nextIndex has run ahead.
   */
  private sendHeartbeat(peer: NodeId): void {
    const pr = this.volatile.progress.get(peer)!;
    const prevLogIndex = pr.matchIndex;
    const ae: AppendEntries<C> = {
      type: 'AppendEntries', from: this.id, to: peer, term: this.persistent.currentTerm, leaderId: this.id,
      prevLogIndex, prevLogTerm: this.termAt(prevLogIndex), entries: NO_ENTRIES,
      leaderCommit: Math.min(this.volatile.commitIndex, pr.matchIndex),
    };
    this.out.push({ type: 'send', msg: ae });
  }

  private progressChanged(pr: Progress, from: ProgressState, cause: ProgressChangeCause, index: number): void {
    this.out.push({ type: 'note', note: { kind: 'progressChanged', peer: pr.id, term: this.persistent.currentTerm, from, to: pr.state, cause, index } });
  }

  /**
   * The leader's handling of an AppendEntriesResponse of its term (Figure 2, Leaders: "If
   * successful: update nextIndex and matchIndex for follower; if AppendEntries fails because of log
   * inconsistency: decrement nextIndex and retry"), through the follower's Progress as etcd raft's
   * stepLeader handles MsgAppResp and MsgHeartbeatResp.
   */
  private handleAppendEntriesResponse(m: AppendEntriesResponse): void {
    const pr = this.volatile.progress.get(m.from);
    if (!pr) return;
    if (!m.success) {
      // A staleTerm rejection answers an AppendEntries of an earlier term of ours: nothing to learn.
      if (m.reason === 'staleTerm') return;
      if (pr.maybeDecrTo(m.prevLogIndex, this.nextIndexFromHints(m))) {
        if (pr.state === 'replicate') {
          pr.becomeProbe();
          this.progressChanged(pr, 'replicate', 'appendRejected', m.prevLogIndex);
        }
        this.maybeSendAppend(m.from, true);
      }
      return;
    }
    if (pr.maybeUpdate(m.matchIndex)) {
      if (pr.state === 'probe') {
        pr.becomeReplicate();
        this.progressChanged(pr, 'probe', 'appendAccepted', m.matchIndex);
      }
      this.maybeCommit();
      // Flow control may now allow more than one AppendEntries (after probe → replicate, or when
      // one acknowledgement frees several inflights): send all that are allowed, none empty.
      while (this.maybeSendAppend(m.from, false)) { /* keep sending */ }
      return;
    }
    if (answersHeartbeat(m)) this.handleHeartbeatResponse(pr);
    // Otherwise a stale or duplicated acknowledgement: nothing new.
  }

  /**
   * A heartbeat response from a follower that is behind restarts sending (etcd raft stepLeader,
   * MsgHeartbeatResp). In probe: when nothing beyond matchIndex is being probed the follower is
   * known to hold exactly matchIndex, so it goes to replicate (etcd does so on an MsgAppResp at
   * Match); otherwise the unanswered probe is sent again (it may have been lost). In replicate with
   * entries in flight: unsent entries are sent if there is room, and after LOST_AFTER_HEARTBEATS
   * such responses with no acknowledgement in between the entries are presumed lost and the
   * follower is probed again.
   */
  private handleHeartbeatResponse(pr: Progress): void {
    if (pr.matchIndex >= this.lastLogIndex && pr.state !== 'probe') return;
    if (pr.state === 'probe') {
      if (pr.nextIndex === pr.matchIndex + 1) {
        pr.becomeReplicate();
        this.progressChanged(pr, 'probe', 'heartbeatResponse', pr.matchIndex);
        while (this.maybeSendAppend(pr.id, false)) { /* keep sending */ }
      } else {
        pr.probeSent = false;
        this.maybeSendAppend(pr.id, false);
      }
      return;
    }
    if (pr.state !== 'replicate') return;
    if (pr.inflights.count > 0 && ++pr.heartbeatsWithoutAck >= LOST_AFTER_HEARTBEATS) {
      pr.becomeProbe();
      this.progressChanged(pr, 'replicate', 'appendUnacknowledged', pr.matchIndex);
      this.maybeSendAppend(pr.id, false);
      return;
    }
    while (this.maybeSendAppend(pr.id, false)) { /* keep sending */ }
  }

  /**
   * Where to probe next after a rejection, from the follower's hints (accelerated log backtracking,
   * §5.3): if the follower named a conflicting term the leader also has, just past the leader's last
   * entry of that term; otherwise the first index the follower holds of that term (or its log
   * length + 1 when its log was too short).
   */
  private nextIndexFromHints(m: AppendEntriesResponse): number {
    if (m.conflictTerm > 0) {
      for (let i = Math.min(this.lastLogIndex, m.prevLogIndex); i >= 1; i--) {
        const t = this.termAt(i);
        if (t === m.conflictTerm) return i + 1;
        if (t < m.conflictTerm) break;
      }
    }
    return Math.max(1, m.conflictIndex);
  }

  /**
   * Figure 2, Leaders: "If there exists an N such that N > commitIndex, a majority of
   * matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N" (§5.3, §5.4.2).
   * With `unsafe.commitPreviousTermEntries` the term condition is skipped (the Figure 8 bug).
   * Followers learn the new commitIndex from the next AppendEntries or heartbeat (etcd raft also
   * broadcasts an append at once, at two messages per follower per commit).
   */
  private maybeCommit(): void {
    const v = this.volatile;
    const term = this.persistent.currentTerm;
    for (let n = this.lastLogIndex; n > v.commitIndex; n--) {
      const t = this.termAt(n);
      if (t !== term && !this.unsafe.commitPreviousTermEntries) {
        if (t < term) break;
        continue;
      }
      let replicas = 1;
      for (const pr of v.progress.values()) if (pr.matchIndex >= n) replicas++;
      if (replicas >= this.quorum) {
        this.setCommitIndex(n, replicas, t !== term);
        return;
      }
    }
  }

  /** Raises commitIndex and applies every newly committed entry in order (Figure 2, All Servers). */
  private setCommitIndex(to: number, replicas: number, previousTermCounted: boolean): void {
    const v = this.volatile;
    const log = this.persistent.log;
    this.out.push({
      type: 'note',
      note: { kind: 'commitAdvanced', from: v.commitIndex, to, term: this.persistent.currentTerm, replicas, entryTerm: this.termAt(to), previousTermCounted },
    });
    v.commitIndex = to;
    while (v.lastApplied < v.commitIndex) {
      v.lastApplied++;
      this.out.push({ type: 'apply', index: v.lastApplied, entry: log[v.lastApplied - 1] });
    }
  }

  // ---- assertions ------------------------------------------------------------------------

  /** The internal rules of assert.ts, checked after every step. */
  private assertRules(commitBefore: number, wasLeader: boolean, lastBefore: number, lastEntryBefore: LogEntry<C> | undefined): void {
    const v = this.volatile;
    const last = this.persistent.log.length;
    raftAssert(v.commitIndex >= commitBefore, 'commitIndexMonotonic', this.id, () => `commitIndex went from ${commitBefore} to ${v.commitIndex}`);
    raftAssert(v.lastApplied <= v.commitIndex, 'appliedWithinCommit', this.id, () => `lastApplied ${v.lastApplied} > commitIndex ${v.commitIndex}`);
    // A follower whose committed entries were removed (only an unsafe switch or impossible initial
    // logs allow it; see VolatileState.committedEntryRemoved) may hold fewer entries than commitIndex.
    raftAssert(v.commitIndex <= last || v.committedEntryRemoved, 'commitWithinLog', this.id, () => `commitIndex ${v.commitIndex} > last log index ${last}`);
    if (wasLeader && v.role === 'leader') {
      raftAssert(
        last >= lastBefore && (lastBefore === 0 || this.persistent.log[lastBefore - 1] === lastEntryBefore),
        'leaderAppendOnly', this.id, () => `the leader's log went from ${lastBefore} entries to ${last}, or entry ${lastBefore} was replaced`,
      );
    }
  }
}

function cloneVolatile(v: VolatileState): VolatileState {
  return {
    role: v.role,
    commitIndex: v.commitIndex,
    lastApplied: v.lastApplied,
    leaderId: v.leaderId,
    votesGranted: v.votesGranted.slice(),
    progress: new Map([...v.progress].map(([id, pr]) => [id, pr.clone()])),
    committedEntryRemoved: v.committedEntryRemoved,
    lastTransition: v.lastTransition ? { ...v.lastTransition } : null,
  };
}
