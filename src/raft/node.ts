/**
 * A Raft server as a pure state machine (in the manner of etcd raft's `Step`/`Tick`).
 *
 * `RaftNode.step(input)` takes one input (a timer fired, a message arrived, a client proposal) and
 * returns the effects the host must carry out (messages to send, timers to set, committed entries
 * to apply). The node has no clock, network, storage or randomness: the host owns all of those.
 * Rules are from the Raft paper (Ongaro & Ousterhout 2014), Figure 2 and §5; section numbers are
 * cited where each rule is applied.
 */
import { nextRole } from './roleMachine';
import {
  SAFE,
  type AppendEntries,
  type AppendEntriesResponse,
  type LogEntry,
  type NodeId,
  type PersistentState,
  type RaftEffect,
  type RaftInput,
  type RaftMessage,
  type RequestVote,
  type RequestVoteResponse,
  type Role,
  type RoleEvent,
  type UnsafeFlags,
} from './types';
import type { Command } from '../kv/types';

/** Static settings of one server. */
export interface RaftConfig {
  id: NodeId;
  /** Every server of the cluster, this one included, in a fixed order. */
  servers: NodeId[];
  /** Interval between a leader's AppendEntries to each follower, in ms of simulated time. */
  heartbeatMs: number;
  /** Most entries carried by one AppendEntries. */
  maxEntriesPerAppend?: number;
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
  /** Leaders: for each server, index of the next log entry to send (Figure 2). */
  nextIndex: Record<NodeId, number>;
  /** Leaders: for each server, index of the highest log entry known to be replicated (Figure 2). */
  matchIndex: Record<NodeId, number>;
  /** The last role change: from, to, the statechart event and the term it happened in. */
  lastTransition: { from: Role; to: Role; event: RoleEvent['type']; term: number } | null;
}

/** Plain-data copy of a node, for snapshots, checkpoints and the UI. */
export interface RaftNodeState {
  persistent: PersistentState;
  volatile: VolatileState;
}

const DEFAULT_MAX_ENTRIES = 64;
/** Shared by every heartbeat (an AppendEntries with no entries); never mutated. */
const NO_ENTRIES: LogEntry[] = Object.freeze([]) as unknown as LogEntry[];

function freshVolatile(): VolatileState {
  return {
    role: 'follower',
    commitIndex: 0,
    lastApplied: 0,
    leaderId: null,
    votesGranted: [],
    nextIndex: {},
    matchIndex: {},
    lastTransition: null,
  };
}

/**
 * One Raft server. Construct it from persistent state (a fresh server, or one restarting after a
 * crash: volatile state always starts empty, Figure 2) and feed it inputs with `step`.
 * The host must call `start()` once after construction to arm the election timer.
 */
export class RaftNode {
  readonly id: NodeId;
  readonly servers: NodeId[];
  readonly peers: NodeId[];
  readonly heartbeatMs: number;
  readonly maxEntries: number;
  readonly unsafe: UnsafeFlags;
  readonly leaderNoop: boolean;
  persistent: PersistentState;
  volatile: VolatileState;
  private out: RaftEffect[] = [];

  /**
   * @param config  the cluster membership and timing
   * @param persistent  state from stable storage; copied, so the caller's object is not aliased.
   *   With `unsafe.forgetVoteOnRestart` votedFor is dropped here, as if it had never been persisted.
   * @throws Error when `config.servers` does not include `config.id`
   */
  constructor(config: RaftConfig, persistent?: PersistentState, volatile?: VolatileState) {
    if (!config.servers.includes(config.id)) throw new Error(`server ${config.id} is not in the cluster ${config.servers.join(', ')}`);
    this.id = config.id;
    this.servers = config.servers.slice();
    this.peers = this.servers.filter((s) => s !== config.id);
    this.heartbeatMs = config.heartbeatMs;
    this.maxEntries = config.maxEntriesPerAppend ?? DEFAULT_MAX_ENTRIES;
    this.unsafe = config.unsafe ?? SAFE;
    this.leaderNoop = config.leaderNoop ?? true;
    this.persistent = persistent
      ? { currentTerm: persistent.currentTerm, votedFor: persistent.votedFor, log: persistent.log.slice() }
      : { currentTerm: 0, votedFor: null, log: [] };
    if (this.unsafe.forgetVoteOnRestart && !volatile) this.persistent.votedFor = null;
    this.volatile = volatile ? cloneVolatile(volatile) : freshVolatile();
  }

  // ---- read-only views -------------------------------------------------------------------

  get role(): Role { return this.volatile.role; }
  get currentTerm(): number { return this.persistent.currentTerm; }
  get votedFor(): NodeId | null { return this.persistent.votedFor; }
  get commitIndex(): number { return this.volatile.commitIndex; }
  get lastApplied(): number { return this.volatile.lastApplied; }
  get leaderId(): NodeId | null { return this.volatile.leaderId; }
  get log(): readonly LogEntry[] { return this.persistent.log; }
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

  /** Deep copy of this node's state (entries are immutable and shared). */
  state(): RaftNodeState {
    return {
      persistent: { currentTerm: this.persistent.currentTerm, votedFor: this.persistent.votedFor, log: this.persistent.log.slice() },
      volatile: cloneVolatile(this.volatile),
    };
  }

  /** A copy of this node that evolves independently (for checkpoints). */
  clone(): RaftNode {
    const n = new RaftNode(
      { id: this.id, servers: this.servers, heartbeatMs: this.heartbeatMs, maxEntriesPerAppend: this.maxEntries, leaderNoop: this.leaderNoop, unsafe: this.unsafe },
      this.persistent,
      this.volatile,
    );
    return n;
  }

  // ---- inputs ----------------------------------------------------------------------------

  /** Arms the election timer of a server that has just started (every server starts as a follower, §5.2). */
  start(): RaftEffect[] {
    this.out = [];
    this.out.push({ type: 'resetElectionTimer' });
    return this.flush();
  }

  /**
   * Processes one input and returns the effects to carry out, in order.
   * Term rules common to every role come first (§5.1), then the role's own handling.
   */
  step(input: RaftInput): RaftEffect[] {
    this.out = [];
    switch (input.type) {
      case 'electionTimeout':
        this.onElectionTimeout();
        break;
      case 'heartbeatTimeout':
        if (this.volatile.role === 'leader') {
          this.broadcastAppendEntries();
          this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
        }
        break;
      case 'message':
        this.onMessage(input.msg);
        break;
      case 'propose':
        this.onPropose(input.command);
        break;
    }
    return this.flush();
  }

  private flush(): RaftEffect[] {
    const out = this.out;
    this.out = [];
    return out;
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
   * §5.1: "If RPC request or response contains term T > currentTerm: set currentTerm = T,
   * convert to follower". votedFor is cleared for the new term (one vote per term, §5.2).
   */
  private adoptHigherTerm(term: number, from: NodeId): void {
    const wasLeader = this.volatile.role === 'leader';
    this.persistent.currentTerm = term;
    this.persistent.votedFor = null;
    this.volatile.leaderId = null;
    this.volatile.votesGranted = [];
    if (this.volatile.role !== 'follower') {
      this.out.push({ type: 'note', note: { kind: 'steppedDown', term, cause: 'higherTerm', from } });
      this.changeRole({ type: 'DISCOVER_HIGHER_TERM' });
    }
    if (wasLeader) {
      this.out.push({ type: 'stopHeartbeatTimer' });
      this.out.push({ type: 'resetElectionTimer' });
    }
  }

  // ---- elections (§5.2) ------------------------------------------------------------------

  /** Followers and candidates start an election when the timer fires; a leader ignores it. */
  private onElectionTimeout(): void {
    if (this.volatile.role === 'leader') return;
    this.persistent.currentTerm += 1;
    this.changeRole({ type: 'TIMEOUT' });
    this.persistent.votedFor = this.id;
    this.volatile.leaderId = null;
    this.volatile.votesGranted = [this.id];
    this.out.push({ type: 'note', note: { kind: 'electionStarted', term: this.persistent.currentTerm } });
    this.out.push({ type: 'resetElectionTimer' });
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

  private onRequestVote(m: RequestVote): void {
    const p = this.persistent;
    let granted = false;
    let reason: RequestVoteResponse['reason'];
    if (m.term < p.currentTerm) {
      reason = 'staleTerm';
    } else if (p.votedFor !== null && p.votedFor !== m.candidateId) {
      reason = 'alreadyVoted';
    } else if (!this.unsafe.skipUpToDateCheck && !this.isUpToDate(m.lastLogIndex, m.lastLogTerm)) {
      reason = 'logNotUpToDate';
    } else {
      granted = true;
      p.votedFor = m.candidateId;
      // Granting a vote resets the election timer (Figure 2, Followers).
      this.out.push({ type: 'resetElectionTimer' });
    }
    const myLast: [number, number] = [this.lastLogIndex, this.lastLogTerm];
    if (granted) {
      this.out.push({ type: 'note', note: { kind: 'voteGranted', candidate: m.candidateId, term: m.term } });
    } else {
      this.out.push({
        type: 'note',
        note: { kind: 'voteRefused', candidate: m.candidateId, term: m.term, reason: reason!, candidateLast: [m.lastLogIndex, m.lastLogTerm], myLast },
      });
    }
    const resp: RequestVoteResponse = {
      type: 'RequestVoteResponse', from: this.id, to: m.from, term: p.currentTerm, voteGranted: granted,
      lastLogIndex: myLast[0], lastLogTerm: myLast[1],
    };
    if (reason) resp.reason = reason;
    this.out.push({ type: 'send', msg: resp });
  }

  private onRequestVoteResponse(m: RequestVoteResponse): void {
    if (this.volatile.role !== 'candidate' || m.term !== this.persistent.currentTerm || !m.voteGranted) return;
    const votes = this.volatile.votesGranted;
    if (!votes.includes(m.from)) votes.push(m.from);
    if (votes.length >= this.quorum) this.becomeLeader();
  }

  /**
   * A candidate with a majority becomes leader (§5.2): it initializes nextIndex to its last log
   * index + 1 and matchIndex to 0 for every server (Figure 2), appends a no-op entry of its term so
   * that earlier entries can be committed (§5.4.2, §8), and sends AppendEntries to all at once.
   */
  private becomeLeader(): void {
    const v = this.volatile;
    this.out.push({ type: 'note', note: { kind: 'electionWon', term: this.persistent.currentTerm, votes: v.votesGranted.slice() } });
    this.changeRole({ type: 'WIN_ELECTION' });
    v.leaderId = this.id;
    const next = this.lastLogIndex + 1;
    v.nextIndex = {};
    v.matchIndex = {};
    for (const peer of this.peers) {
      v.nextIndex[peer] = next;
      v.matchIndex[peer] = 0;
    }
    this.out.push({ type: 'stopElectionTimer' });
    if (this.leaderNoop) this.appendLocal({ term: this.persistent.currentTerm, command: { type: 'noop' } });
    this.broadcastAppendEntries();
    this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
    this.maybeAdvanceCommit();
  }

  // ---- log replication (§5.3) ------------------------------------------------------------

  private appendLocal(entry: LogEntry): number {
    this.persistent.log.push(entry);
    const index = this.persistent.log.length;
    this.out.push({ type: 'appended', fromIndex: index, count: 1 });
    return index;
  }

  /** A client command: the leader appends it and replicates it; others point at the leader they know. */
  private onPropose(command: Command): void {
    if (this.volatile.role !== 'leader') {
      this.out.push({ type: 'proposeResult', accepted: false, leaderHint: this.volatile.leaderId });
      return;
    }
    const index = this.appendLocal({ term: this.persistent.currentTerm, command });
    this.out.push({ type: 'proposeResult', accepted: true, index, term: this.persistent.currentTerm });
    this.broadcastAppendEntries();
    this.maybeAdvanceCommit();
  }

  private broadcastAppendEntries(): void {
    for (const peer of this.peers) this.sendAppendEntries(peer);
  }

  /** Sends `peer` the entries from nextIndex[peer] on (at most maxEntries), or a heartbeat. */
  private sendAppendEntries(peer: NodeId): void {
    const log = this.persistent.log;
    const nextIndex = this.volatile.nextIndex[peer];
    const prevLogIndex = nextIndex - 1;
    const end = Math.min(log.length, prevLogIndex + this.maxEntries);
    const ae: AppendEntries = {
      type: 'AppendEntries', from: this.id, to: peer, term: this.persistent.currentTerm, leaderId: this.id,
      prevLogIndex, prevLogTerm: this.termAt(prevLogIndex),
      entries: end > prevLogIndex ? log.slice(prevLogIndex, end) : NO_ENTRIES,
      leaderCommit: this.volatile.commitIndex,
    };
    this.out.push({ type: 'send', msg: ae });
  }

  /**
   * AppendEntries receiver implementation (Figure 2):
   * 1. reply false if term < currentTerm; 2. reply false if the log has no entry at prevLogIndex
   * whose term matches prevLogTerm; 3. delete a conflicting entry and all that follow it;
   * 4. append new entries not already in the log; 5. commitIndex = min(leaderCommit, index of last new entry).
   */
  private onAppendEntries(m: AppendEntries): void {
    const p = this.persistent;
    const v = this.volatile;
    const reject = (reason: AppendEntriesResponse['reason'], conflictTerm: number, conflictIndex: number) => {
      this.out.push({ type: 'note', note: { kind: 'appendRejected', leader: m.leaderId, term: m.term, reason: reason!, prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm } });
      this.out.push({
        type: 'send',
        msg: { type: 'AppendEntriesResponse', from: this.id, to: m.from, term: p.currentTerm, success: false, matchIndex: 0, conflictTerm, conflictIndex, reason },
      });
    };
    if (m.term < p.currentTerm) {
      reject('staleTerm', 0, 0);
      return;
    }
    // m.term === currentTerm here: the sender is the leader of this term (§5.2).
    if (v.role === 'candidate') {
      this.out.push({ type: 'note', note: { kind: 'steppedDown', term: m.term, cause: 'leaderDiscovered', from: m.leaderId } });
      this.changeRole({ type: 'DISCOVER_LEADER' });
      v.votesGranted = [];
    }
    v.leaderId = m.leaderId;
    this.out.push({ type: 'resetElectionTimer' });

    const log = p.log;
    if (m.prevLogIndex > log.length) {
      reject('missingEntry', 0, log.length + 1);
      return;
    }
    if (m.prevLogIndex > 0 && log[m.prevLogIndex - 1].term !== m.prevLogTerm) {
      // Accelerated log backtracking (§5.3): report the conflicting term and its first index.
      const conflictTerm = log[m.prevLogIndex - 1].term;
      let conflictIndex = m.prevLogIndex;
      while (conflictIndex > 1 && log[conflictIndex - 2].term === conflictTerm) conflictIndex--;
      reject('termMismatch', conflictTerm, conflictIndex);
      return;
    }
    let index = m.prevLogIndex;
    let appendedFrom = 0;
    for (let i = 0; i < m.entries.length; i++) {
      index++;
      const e = m.entries[i];
      if (index <= log.length) {
        if (log[index - 1].term === e.term) continue;
        // Conflict: same index, different term.
        if (this.unsafe.noTruncateOnConflict) {
          log[index - 1] = e;
          this.out.push({ type: 'logChanged', fromIndex: index });
          continue;
        }
        // (Removing an entry at or below commitIndex never happens in a correct cluster; the
        // invariant checker reports it as a State Machine Safety violation.)
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
      if (to > v.commitIndex) this.setCommitIndex(to, 0);
    }
    this.out.push({
      type: 'send',
      msg: { type: 'AppendEntriesResponse', from: this.id, to: m.from, term: p.currentTerm, success: true, matchIndex: lastNew, conflictTerm: 0, conflictIndex: 0 },
    });
  }

  private onAppendEntriesResponse(m: AppendEntriesResponse): void {
    const v = this.volatile;
    if (v.role !== 'leader' || m.term !== this.persistent.currentTerm) return;
    if (m.success) {
      if (m.matchIndex > v.matchIndex[m.from]) v.matchIndex[m.from] = m.matchIndex;
      if (v.matchIndex[m.from] + 1 > v.nextIndex[m.from]) v.nextIndex[m.from] = v.matchIndex[m.from] + 1;
      this.maybeAdvanceCommit();
      // Keep sending while the follower is behind (pipelining stays bounded by maxEntries).
      if (v.nextIndex[m.from] <= this.lastLogIndex && m.matchIndex === v.matchIndex[m.from]) this.sendAppendEntries(m.from);
      return;
    }
    if (m.reason === 'staleTerm') return;
    // §5.3: decrement nextIndex and retry; with the conflict hints, skip a whole term at once.
    let next: number;
    if (m.conflictTerm > 0) {
      let last = 0;
      for (let i = Math.min(this.lastLogIndex, v.nextIndex[m.from] - 1); i >= 1; i--) {
        const t = this.termAt(i);
        if (t === m.conflictTerm) { last = i; break; }
        if (t < m.conflictTerm) break;
      }
      next = last > 0 ? last + 1 : m.conflictIndex;
    } else {
      next = m.conflictIndex;
    }
    next = Math.max(1, Math.min(next, v.nextIndex[m.from] - 1 >= 1 ? v.nextIndex[m.from] - 1 : 1, this.lastLogIndex + 1));
    if (next <= v.matchIndex[m.from]) next = v.matchIndex[m.from] + 1;
    v.nextIndex[m.from] = next;
    this.sendAppendEntries(m.from);
  }

  /**
   * Figure 2, Leaders: "If there exists an N such that N > commitIndex, a majority of
   * matchIndex[i] ≥ N, and log[N].term == currentTerm: set commitIndex = N" (§5.3, §5.4.2).
   * With `unsafe.commitPreviousTermEntries` the term condition is skipped (the Figure 8 bug).
   */
  private maybeAdvanceCommit(): void {
    const v = this.volatile;
    const term = this.persistent.currentTerm;
    for (let n = this.lastLogIndex; n > v.commitIndex; n--) {
      const t = this.termAt(n);
      if (t !== term && !this.unsafe.commitPreviousTermEntries) {
        if (t < term) break;
        continue;
      }
      let replicas = 1;
      for (const peer of this.peers) if (v.matchIndex[peer] >= n) replicas++;
      if (replicas >= this.quorum) {
        this.setCommitIndex(n, replicas);
        return;
      }
    }
  }

  /** Raises commitIndex and applies every newly committed entry in order (Figure 2, All Servers). */
  private setCommitIndex(to: number, replicas: number): void {
    const v = this.volatile;
    this.out.push({ type: 'note', note: { kind: 'commitAdvanced', from: v.commitIndex, to, term: this.persistent.currentTerm, replicas } });
    v.commitIndex = to;
    const log = this.persistent.log;
    while (v.lastApplied < v.commitIndex) {
      v.lastApplied++;
      this.out.push({ type: 'apply', index: v.lastApplied, entry: log[v.lastApplied - 1] });
    }
  }

  // ---- dispatch --------------------------------------------------------------------------

  private onMessage(m: RaftMessage): void {
    // §5.1: a higher term in any RPC or response makes this server a follower of that term.
    if (m.term > this.persistent.currentTerm) this.adoptHigherTerm(m.term, m.from);
    switch (m.type) {
      case 'RequestVote':
        this.onRequestVote(m);
        break;
      case 'RequestVoteResponse':
        this.onRequestVoteResponse(m);
        break;
      case 'AppendEntries':
        this.onAppendEntries(m);
        break;
      case 'AppendEntriesResponse':
        this.onAppendEntriesResponse(m);
        break;
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
    nextIndex: { ...v.nextIndex },
    matchIndex: { ...v.matchIndex },
    lastTransition: v.lastTransition ? { ...v.lastTransition } : null,
  };
}
