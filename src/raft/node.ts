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
 * current role, `stepLeader`, `stepCandidate`, `stepPreCandidate` or `stepFollower`, each of which
 * reads top to bottom. Roles change only through `becomeFollower`, `becomePreCandidate`,
 * `becomeCandidate` and `becomeLeader`, which move the Figure 4 statechart (roleMachine.ts). PreVote's
 * pre-candidate (Raft thesis §9.6) was added that way: one more step function, one more `become…`
 * and one more entry in `stepByRole`; the follower and candidate call `campaign()`, which decides
 * between a pre-vote and an election as etcd raft's `hup` does.
 *
 * Time: the node has no clock. Rules that depend on time (PreVote's and CheckQuorum's "heard from a
 * leader within the minimum election timeout", CheckQuorum's step-down, read leases, abandoning a
 * leader transfer) read the server's own clock as the host passes it: `step(input, nowMs)` and
 * `start(nowMs)`, ms of that server's local clock, which may run at a different rate from other
 * servers' (clock drift). The node keeps the last reading; a rule that needs it throws when none
 * was ever given. Leader-side timing runs on the heartbeat timer (as etcd raft's `tickHeartbeat`
 * also counts the election timeout): no extra timer to arm.
 *
 * The leader replicates through one `Progress` per follower (etcd raft tracker/progress.go; see
 * progress.ts): each entry is sent once to a follower in replicate, with at most maxInflightMsgs
 * AppendEntries unacknowledged, instead of re-sending everything unacknowledged on every response.
 *
 * Membership (Raft paper §6, thesis Chapter 4; etcd raft confchange/, tracker/, quorum/): every
 * "majority" — commit, elections, PreVote, CheckQuorum, ReadIndex, leases — is a quorum of the
 * applied configuration (quorum.ts: a majority of each half when joint; learners never count). A
 * ConfChange is a log entry (`proposeConfChange`) that takes effect on a server when it is applied,
 * which the node does itself as it emits the entry's `apply` effect (applyCommitted): the node
 * already decides lastApplied, so no separate ApplyConfChange input is needed and the node stays
 * pure. Log compaction (paper §7): the host hands the node a snapshot of its state machine
 * (`compact`); the log then starts after `compactedIndex`, indexes keep their meaning, and a
 * follower that needs compacted entries is sent the snapshot (InstallSnapshot, Progress `snapshot`).
 * Stable storage (etcd raft's async storage writes): with RaftConfig.asyncStorage a step that
 * changes the hard state, the log or the snapshot ends with a `persist` effect, and what
 * acknowledges that state (a granted vote, AppendEntries success, an InstallSnapshot answer, a
 * candidate's own vote, the leader's own log for commit) waits for the `persisted` input; wal.ts
 * models the WAL a host keeps. Without it, every write is taken as completed at once.
 * src/raft/HOST13.md says what a host must do to use these.
 *
 * Rules are from the Raft paper (Ongaro & Ousterhout 2014), Figure 2 and §5, and etcd raft's
 * raft.go; each is cited where it is applied. Internal rules are asserted (assert.ts).
 */
import { raftAssert } from './assert';
import { applyConfChange, checkProposal, makeConfig } from './confchange';
import { Progress } from './progress';
import { committedValue, hasQuorum, isSingleton, isVoter, memberIds, voteResult, voterIds } from './quorum';
import { ReadOnly } from './readOnly';
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
  type ConfChange,
  type ConfChangeRefusal,
  type InstallSnapshot,
  type InstallSnapshotResponse,
  type LogEntry,
  type MembershipConfig,
  type HardState,
  type NodeId,
  type PersistentState,
  type PersistWrite,
  type PreVote,
  type PreVoteRefusal,
  type ProgressChangeCause,
  type ProgressState,
  type ProgressView,
  type RaftEffect,
  type RaftInput,
  type RaftMessage,
  type RaftNote,
  type ReadIndex,
  type ReadIndexResponse,
  type ReadRefusal,
  type PreVoteResponse,
  type RequestVote,
  type RequestVoteResponse,
  type Role,
  type RoleEvent,
  type Snapshot,
  type TransferRefusal,
  type UnsafeFlags,
  type VoteRefusal,
} from './types';

/** Static settings of one server. */
export interface RaftConfig {
  id: NodeId;
  /**
   * The voters of the bootstrap configuration (the cluster as it started), in a fixed order. It
   * includes this server unless `spare` (or `learners` names it). A server's configuration is this
   * one until a snapshot or an applied ConfChange replaces it (etcd raft Config.peers / ConfState).
   */
  servers: NodeId[];
  /** The learners of the bootstrap configuration (default none; etcd ConfState.Learners). */
  learners?: NodeId[];
  /**
   * This server exists but is not in the bootstrap configuration (a spare, to be added by a
   * ConfChange; etcd's `--initial-cluster-state existing`): it never campaigns until a
   * configuration that makes it a voter is applied. Without it a server missing from
   * `servers`/`learners` is refused, as a likely typo.
   */
  spare?: boolean;
  /**
   * Entries kept in the log behind a snapshot so that a slightly slow follower can still be sent
   * entries instead of the snapshot (etcd's SnapshotCatchUpEntries; default 5, etcd keeps 5,000).
   */
  snapshotCatchUpEntries?: number;
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
  /**
   * The minimum election timeout, in ms of this server's own clock: the low end of the range the
   * host draws election timeouts from (etcd raft Config.ElectionTick). The "within an election
   * timeout" rules use it: PreVote's and CheckQuorum's leader check, CheckQuorum's step-down
   * interval, the read lease, and abandoning a leader transfer. Required with preVote, checkQuorum
   * or readOnly 'leaseBased'; a leader transfer without it throws.
   */
  minElectionTimeoutMs?: number;
  /**
   * PreVote (Raft thesis §9.6; etcd raft Config.PreVote; default false): on election timeout the
   * server becomes preCandidate and asks for pre-votes for currentTerm + 1 without raising its term;
   * only a majority of pre-votes makes it a candidate. With it on this server also refuses a
   * pre-vote while it has heard from a leader within minElectionTimeoutMs (the thesis' rule; etcd
   * enforces that condition only with CheckQuorum, where the request is ignored instead).
   */
  preVote?: boolean;
  /**
   * CheckQuorum (thesis §6.2, §4.2.3; etcd raft Config.CheckQuorum; default false): a leader that
   * has not heard from a majority (itself included) in minElectionTimeoutMs steps down; a server
   * that has heard from a leader within minElectionTimeoutMs ignores RequestVote and PreVote of a
   * higher term (the leader lease), except a leader transfer's election.
   */
  checkQuorum?: boolean;
  /**
   * How a leader confirms a `readIndex` (etcd raft Config.ReadOnlyOption; default 'safe'):
   * 'safe': one heartbeat round acknowledged by a majority (thesis §6.4); 'leaseBased': at once
   * while its lease holds, else as 'safe' (thesis §6.4.1; requires checkQuorum).
   */
  readOnly?: 'safe' | 'leaseBased';
  /**
   * The clock drift bound of lease reads (thesis §6.4.1; default 1.1, ≥ 1): the lease lasts
   * minElectionTimeoutMs / clockDriftBound from the send time of the heartbeat round a majority
   * acknowledged, on the leader's clock. Safe while no follower's clock runs faster than the
   * leader's by more than this factor.
   */
  clockDriftBound?: number;
  /**
   * Stable storage as etcd raft's async storage writes (default false: the host keeps
   * `persistent` as it is after every step, as if every write completed at once, and no `persist`
   * effect is emitted). When true, a step that changes the hard state (currentTerm, votedFor,
   * commitIndex), the log or the snapshot ends with a `persist` effect; the host writes it (a WAL,
   * see wal.ts) and steps `persisted` when the write completed. Until then the node holds back what
   * acknowledges that state: a granted RequestVoteResponse, a successful AppendEntriesResponse, an
   * InstallSnapshotResponse, a candidate's own vote; and a leader counts its own log for commit
   * only up to its persisted index (etcd raft Config.AsyncStorageWrites, msgsAfterAppend,
   * MsgStorageAppendResp). `unsafe.ackBeforeFsync` sends them at once.
   */
  asyncStorage?: boolean;
}

/**
 * The node's side of asynchronous stable storage (RaftConfig.asyncStorage): what was last written,
 * what is still being written, and the acknowledgements waiting for a write to complete. Volatile.
 */
export interface StorageState {
  /** The id of the last `persist` effect emitted (0: none yet in this incarnation). */
  lastId: number;
  /** Every write up to this id has completed (`persisted`). */
  persistedId: number;
  /** The hard state as of the last write emitted. */
  hard: HardState;
  /** The first log index changed since the last write emitted (0: none). */
  logDirtyFrom: number;
  /** A snapshot was taken or installed since the last write emitted. */
  snapshotDirty: boolean;
  /** The id reserved for the write this step will emit (0: none reserved yet). */
  stepId: number;
  /** The last write that changed currentTerm, votedFor, the log or the snapshot (what acknowledgements depend on). */
  lastDurableId: number;
  /** Writes emitted and not yet completed: their id, hard state, the last log index they hold, and where they truncated the log (0: nowhere). */
  writes: { id: number; hard: HardState; lastIndex: number; truncFrom: number }[];
  /** The hard state of the last completed write (what a crash now would keep). */
  durableHard: HardState;
  /** The last log index whose entry is on stable storage as it is in the log (the leader's self-acknowledgement). */
  durableIndex: number;
  /** Acknowledgements waiting for write `id`: a message, or a candidate's own vote in `selfVoteTerm`. */
  held: { id: number; msg?: RaftMessage; selfVoteTerm?: number }[];
}

function cloneStorage(s: StorageState): StorageState {
  return { ...s, hard: { ...s.hard }, durableHard: { ...s.durableHard }, writes: s.writes.map((w) => ({ ...w })), held: s.held.slice() };
}

/** Default of RaftConfig.clockDriftBound (thesis §6.4.1). */
export const DEFAULT_CLOCK_DRIFT_BOUND = 1.1;
/** Default of RaftConfig.snapshotCatchUpEntries (etcd's is 5,000; small here so the picture shows it). */
export const DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES = 5;

/** A leader transfer under way (etcd raft leadTransferee). `startedAtMs` is on the leader's clock. */
export interface TransferState {
  to: NodeId;
  startedAtMs: number;
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
  /** The last reading of this server's own clock the host passed (ms), or null if none yet. */
  clockMs: number | null;
  /** When (this server's clock) it last got an AppendEntries from leaderId; null when it knows no leader. */
  leaderHeardAtMs: number | null;
  /** Pre-candidates: servers that refused the pre-vote (a majority of them ends it, etcd VoteLost). */
  votesRefused: NodeId[];
  /** Leaders with CheckQuorum: when (own clock) the current CheckQuorum interval began. */
  quorumCheckAtMs: number | null;
  /** Leaders: the leader transfer under way, if any (etcd raft leadTransferee). */
  transfer: TransferState | null;
  /** Leaders: pending reads, heartbeat rounds and acknowledgements (read_only.go). */
  readOnly: ReadOnly;
  /**
   * The configuration this server has applied (etcd raft trk.Config): the latest snapshot's, or the
   * bootstrap one, then each ConfChange as its entry is applied. Frozen; replaced, never mutated.
   */
  config: MembershipConfig;
  /**
   * Leaders: the index of the latest ConfChange appended; no other may be proposed until
   * lastApplied reaches it (etcd raft pendingConfIndex). A new leader sets it to its last index.
   */
  pendingConfIndex: number;
  /** RaftConfig.asyncStorage: writes under way and held acknowledgements; null without it. */
  storage: StorageState | null;
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
/** Sort comparator, largest first. */
const DESCENDING = (a: number, b: number): number => b - a;
/** Shared by every heartbeat (an AppendEntries with no entries); never mutated. */
const NO_ENTRIES: LogEntry<never>[] = Object.freeze([]) as unknown as LogEntry<never>[];

function freshVolatile(config: MembershipConfig): VolatileState {
  return {
    config,
    pendingConfIndex: 0,
    role: 'follower',
    commitIndex: 0,
    lastApplied: 0,
    leaderId: null,
    votesGranted: [],
    progress: new Map(),
    committedEntryRemoved: false,
    lastTransition: null,
    clockMs: null,
    leaderHeardAtMs: null,
    votesRefused: [],
    quorumCheckAtMs: null,
    transfer: null,
    readOnly: new ReadOnly(),
    storage: null,
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
 * The host must call `start(nowMs)` once after construction to arm the election timer, and pass
 * the server's own clock with every input (`step(input, nowMs)`; see src/raft/HOST.md).
 * `C` is the state machine's command type, opaque to the node.
 */
export class RaftNode<C = unknown> {
  readonly id: NodeId;
  /** RaftConfig.servers: the bootstrap configuration's voters (see `config` for the one in force). */
  readonly servers: NodeId[];
  /** RaftConfig.learners: the bootstrap configuration's learners. */
  readonly bootstrapLearners: NodeId[];
  /** RaftConfig.spare. */
  readonly spare: boolean;
  /** RaftConfig.snapshotCatchUpEntries with its default filled in. */
  readonly snapshotCatchUpEntries: number;
  readonly heartbeatMs: number;
  /** RaftConfig.maxEntriesPerAppend with its default filled in. */
  readonly maxEntries: number;
  /** RaftConfig.maxInflightMsgs with its default filled in. */
  readonly maxInflight: number;
  readonly unsafe: UnsafeFlags;
  readonly leaderNoop: boolean;
  /** RaftConfig.minElectionTimeoutMs (undefined when not given). */
  readonly minElectionTimeoutMs: number | undefined;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readOnlyOption: 'safe' | 'leaseBased';
  /** RaftConfig.clockDriftBound with its default filled in. */
  readonly clockDriftBound: number;
  /** RaftConfig.asyncStorage with its default filled in. */
  readonly asyncStorage: boolean;
  persistent: PersistentState<C>;
  volatile: VolatileState;
  private out: RaftEffect<C>[] = [];
  private peersOf: MembershipConfig | null = null;
  private peersCache: NodeId[] = [];
  private votingPeersOf: MembershipConfig | null = null;
  private votingPeersCache: NodeId[] = [];
  /** Set while applyCommitted runs, so that a commit it causes does not re-enter the apply loop. */
  private applying = false;

  /**
   * @param config  the cluster membership, timing and flow-control limits
   * @param persistent  state from stable storage; copied, so the caller's object is not aliased.
   *   With `unsafe.forgetVoteOnRestart` votedFor is dropped here, as if it had never been persisted.
   * @param volatile  volatile state to continue from (clones only); copied
   * @throws Error when neither `config.servers` nor `config.learners` includes `config.id` and it is
   *   not `spare`, snapshotCatchUpEntries is not a whole number ≥ 0, `persistent` has a compacted
   *   log without a snapshot or a snapshot older than its compacted index, a limit is not a whole number
   *   ≥ 1, minElectionTimeoutMs is not a positive number or is missing while preVote, checkQuorum or
   *   lease reads need it, readOnly is 'leaseBased' without checkQuorum (etcd raft Config.validate),
   *   or clockDriftBound is not a number ≥ 1
   */
  constructor(config: RaftConfig, persistent?: PersistentState<C>, volatile?: VolatileState) {
    const learners = config.learners ?? [];
    if (!config.spare && !config.servers.includes(config.id) && !learners.includes(config.id)) {
      throw new Error(`server ${config.id} is not in the cluster ${config.servers.join(', ')}`);
    }
    this.id = config.id;
    this.servers = config.servers.slice();
    this.bootstrapLearners = learners.slice();
    this.spare = config.spare ?? false;
    const catchUp = config.snapshotCatchUpEntries ?? DEFAULT_SNAPSHOT_CATCH_UP_ENTRIES;
    if (!Number.isInteger(catchUp) || catchUp < 0) throw new Error(`snapshotCatchUpEntries must be a whole number ≥ 0, got ${catchUp}`);
    this.snapshotCatchUpEntries = catchUp;
    const bootstrap = makeConfig(this.servers, this.bootstrapLearners);
    this.heartbeatMs = config.heartbeatMs;
    this.maxEntries = positiveInteger(config.maxEntriesPerAppend, DEFAULT_MAX_ENTRIES_PER_APPEND, 'maxEntriesPerAppend');
    this.maxInflight = positiveInteger(config.maxInflightMsgs, DEFAULT_MAX_INFLIGHT_MSGS, 'maxInflightMsgs');
    this.unsafe = config.unsafe ?? SAFE;
    this.leaderNoop = config.leaderNoop ?? true;
    this.preVote = config.preVote ?? false;
    this.checkQuorum = config.checkQuorum ?? false;
    this.readOnlyOption = config.readOnly ?? 'safe';
    this.clockDriftBound = config.clockDriftBound ?? DEFAULT_CLOCK_DRIFT_BOUND;
    this.minElectionTimeoutMs = config.minElectionTimeoutMs;
    this.asyncStorage = config.asyncStorage ?? false;
    const minEt = config.minElectionTimeoutMs;
    if (minEt !== undefined && !(Number.isFinite(minEt) && minEt > 0)) throw new Error(`minElectionTimeoutMs must be a number > 0, got ${minEt}`);
    if (minEt === undefined && (this.preVote || this.checkQuorum || this.readOnlyOption === 'leaseBased')) {
      throw new Error('minElectionTimeoutMs is required with preVote, checkQuorum or readOnly leaseBased');
    }
    if (this.readOnlyOption !== 'safe' && this.readOnlyOption !== 'leaseBased') throw new Error(`readOnly must be safe or leaseBased, got ${String(this.readOnlyOption)}`);
    if (this.readOnlyOption === 'leaseBased' && !this.checkQuorum) throw new Error('readOnly leaseBased requires checkQuorum (etcd raft Config.validate)');
    if (!(Number.isFinite(this.clockDriftBound) && this.clockDriftBound >= 1)) throw new Error(`clockDriftBound must be a number ≥ 1, got ${this.clockDriftBound}`);
    this.persistent = persistent ? copyPersistent(persistent) : { currentTerm: 0, votedFor: null, log: [] };
    if (this.unsafe.forgetVoteOnRestart && !volatile) this.persistent.votedFor = null;
    const snap = this.persistent.snapshot;
    if (snap && snap.metadata.index < this.compactedIndex) throw new Error(`${this.id}: the snapshot (index ${snap.metadata.index}) is older than the compacted log (index ${this.compactedIndex})`);
    if (!snap && this.compactedIndex > 0) throw new Error(`${this.id}: a compacted log needs a snapshot`);
    if (volatile) {
      this.volatile = cloneVolatile(volatile);
    } else {
      // A (re)starting server: its configuration is its snapshot's, or the bootstrap one; what the
      // snapshot covers is committed and applied (the host restores its state machine from it).
      this.volatile = freshVolatile(snap ? snap.metadata.config : bootstrap);
      if (snap) this.volatile.commitIndex = this.volatile.lastApplied = snap.metadata.index;
      // etcd HardState.Commit: a persisted commitIndex is re-applied in start() (within the log kept).
      const pc = this.persistent.commitIndex ?? 0;
      if (pc > this.volatile.commitIndex) this.volatile.commitIndex = Math.min(pc, this.lastLogIndex);
    }
    if (this.asyncStorage && !this.volatile.storage) {
      const p = this.persistent;
      const hard = { currentTerm: p.currentTerm, votedFor: p.votedFor, commitIndex: this.volatile.commitIndex };
      this.volatile.storage = {
        lastId: 0, persistedId: 0, hard, durableHard: { ...hard },
        logDirtyFrom: 0, snapshotDirty: false, stepId: 0, lastDurableId: 0, writes: [], durableIndex: this.lastLogIndex, held: [],
      };
    }
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
  /**
   * The log (Figure 2, persistent) as far as it is kept: log[0] holds index `firstIndex` (1 unless
   * the log was compacted, paper §7). Read-only for callers; use `entryAt(index)` to read by index.
   */
  get log(): readonly LogEntry<C>[] { return this.persistent.log; }
  /** Index of the first entry kept in the log (compactedIndex + 1; etcd raftLog.firstIndex). */
  get firstIndex(): number { return this.compactedIndex + 1; }
  /** Index of the last entry removed by compaction (0 when none was). Entries up to it are in the snapshot. */
  get compactedIndex(): number { return this.persistent.compacted?.index ?? 0; }
  /** The latest snapshot (paper §7), or null when this server has none. */
  get snapshot(): Snapshot | null { return this.persistent.snapshot ?? null; }
  /** Index of the latest snapshot's last included entry (0 when none). */
  get snapshotIndex(): number { return this.persistent.snapshot?.metadata.index ?? 0; }
  /** Term of the latest snapshot's last included entry (0 when none). */
  get snapshotTerm(): number { return this.persistent.snapshot?.metadata.term ?? 0; }
  /** Index of the last log entry (0 when the log is empty and nothing was compacted). */
  get lastLogIndex(): number { return this.compactedIndex + this.persistent.log.length; }
  /** Term of the last log entry (0 when the log is empty and nothing was compacted). */
  get lastLogTerm(): number { return this.termAt(this.lastLogIndex); }
  /**
   * Term of the entry at `index` (1-based): 0 for index 0, past the end, or compacted away (below
   * compactedIndex); the compacted index itself keeps its term (etcd raftLog.term).
   */
  termAt(index: number): number {
    const c = this.persistent.compacted;
    const base = c?.index ?? 0;
    if (index === base) return c?.term ?? 0;
    return index > base && index <= base + this.persistent.log.length ? this.persistent.log[index - base - 1].term : 0;
  }
  /** The entry at `index`, or undefined when past the end or compacted away. */
  entryAt(index: number): LogEntry<C> | undefined {
    const base = this.compactedIndex;
    return index > base ? this.persistent.log[index - base - 1] : undefined;
  }
  /**
   * Votes needed to win an election or commit outside joint consensus: a majority of the voters.
   * In a joint configuration decisions need a majority of each half (see quorum.ts); this is then
   * the incoming half's.
   */
  get quorum(): number { return Math.floor(this.volatile.config.voters.length / 2) + 1; }
  /** The configuration this server has applied (voters, learners, joint state; etcd tracker.Config). */
  get config(): MembershipConfig { return this.volatile.config; }
  /** Every server of the applied configuration: voters (both halves when joint), then learners. */
  get members(): NodeId[] { return memberIds(this.volatile.config); }
  /** Every member but this server: the servers a leader replicates to. Shared, do not modify. */
  get peers(): readonly NodeId[] {
    const c = this.volatile.config;
    if (this.peersOf !== c) {
      this.peersOf = c;
      this.peersCache = memberIds(c).filter((s) => s !== this.id);
    }
    return this.peersCache;
  }
  /** Voters of the applied configuration but this server: the servers asked for votes. Shared, do not modify. */
  private get votingPeers(): readonly NodeId[] {
    const c = this.volatile.config;
    if (this.votingPeersOf !== c) {
      this.votingPeersOf = c;
      this.votingPeersCache = voterIds(c).filter((s) => s !== this.id);
    }
    return this.votingPeersCache;
  }
  /** Whether this server is a learner of its configuration. */
  get isLearner(): boolean {
    const c = this.volatile.config;
    return c.learners.includes(this.id) || c.learnersNext.includes(this.id);
  }
  /** Whether this server may campaign: it is a voter of its applied configuration (etcd raft promotable). */
  get promotable(): boolean { return isVoter(this.volatile.config, this.id); }
  /** A leader's ConfChange appended and not yet applied (its index), or 0 (etcd pendingConfIndex > applied). */
  get pendingConfIndex(): number {
    const v = this.volatile;
    return v.role === 'leader' && v.pendingConfIndex > v.lastApplied ? v.pendingConfIndex : 0;
  }
  /**
   * The hard state on stable storage (what a crash now would keep): with asyncStorage, that of the
   * last completed write; without it, the current one (every write completes at once). The
   * checker's Term and Vote Persistence reads this: a term or vote lost with a write in progress
   * was never acknowledged to anyone.
   */
  get durableHardState(): HardState {
    const s = this.volatile.storage;
    if (s) return { ...s.durableHard };
    return { currentTerm: this.persistent.currentTerm, votedFor: this.persistent.votedFor, commitIndex: this.volatile.commitIndex };
  }
  /** The last reading of this server's own clock the host passed (ms), or null. */
  get clockMs(): number | null { return this.volatile.clockMs; }
  /** A leader's transfer target while a leader transfer is under way (thesis §3.10), else null. */
  get transferee(): NodeId | null { return this.volatile.transfer?.to ?? null; }

  /**
   * Lease reads (thesis §6.4.1): until when, on this server's clock, a leader's lease holds: the send
   * time of the latest heartbeat round a majority acknowledged, plus minElectionTimeoutMs /
   * clockDriftBound. Null when not leader, not in lease mode, no round has been acknowledged by a
   * majority yet, a leader transfer is under way, or TimeoutNow was sent in this term.
   */
  leaseUntilMs(): number | null {
    const v = this.volatile;
    if (v.role !== 'leader' || this.readOnlyOption !== 'leaseBased') return null;
    const ro = v.readOnly;
    if (ro.leaseRevoked || v.transfer) return null;
    const rq = this.quorumRound();
    const sentAt = rq > 0 ? ro.roundSentAtMs.get(rq) : undefined;
    return sentAt === undefined ? null : sentAt + this.minElectionTimeout() / this.clockDriftBound;
  }

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
    const config = this.volatile.config;
    for (const peer of this.peers) {
      const pr = this.volatile.progress.get(peer);
      if (!pr) continue;
      nextIndex[peer] = pr.nextIndex;
      matchIndex[peer] = pr.matchIndex;
      const view = pr.view();
      if (config.learners.includes(peer) || config.learnersNext.includes(peer)) view.learner = true;
      progress.push(view);
    }
    return { nextIndex, matchIndex, progress };
  }

  /** Deep copy of this node's state (entries, snapshots and configurations are immutable and shared). */
  state(): RaftNodeState<C> {
    return { persistent: copyPersistent(this.persistent), volatile: cloneVolatile(this.volatile) };
  }

  /** A copy of this node that evolves independently (for checkpoints). */
  clone(): RaftNode<C> {
    return new RaftNode<C>(
      {
        id: this.id, servers: this.servers, learners: this.bootstrapLearners, spare: this.spare,
        snapshotCatchUpEntries: this.snapshotCatchUpEntries, heartbeatMs: this.heartbeatMs, maxEntriesPerAppend: this.maxEntries,
        maxInflightMsgs: this.maxInflight, leaderNoop: this.leaderNoop, unsafe: this.unsafe,
        minElectionTimeoutMs: this.minElectionTimeoutMs, preVote: this.preVote, checkQuorum: this.checkQuorum,
        readOnly: this.readOnlyOption, clockDriftBound: this.clockDriftBound, asyncStorage: this.asyncStorage,
      },
      this.persistent,
      this.volatile,
    );
  }

  // ---- inputs ----------------------------------------------------------------------------

  /**
   * Arms the election timer of a server that has just started (every server starts as a follower, §5.2).
   * @param nowMs  this server's own clock (see `step`)
   */
  start(nowMs?: number): RaftEffect<C>[] {
    this.out = [];
    if (nowMs !== undefined) this.setClock(nowMs);
    // A server restarting from a snapshot on stable storage restores its state machine from it (paper §7).
    const snap = this.persistent.snapshot;
    if (snap && this.volatile.lastApplied === snap.metadata.index) this.out.push({ type: 'restoreSnapshot', snapshot: snap });
    // A commitIndex from stable storage (etcd HardState.Commit): apply up to it again, ConfChanges included.
    if (this.volatile.commitIndex > this.volatile.lastApplied) this.applyCommitted();
    this.out.push({ type: 'resetElectionTimer' });
    this.emitPersist();
    return this.flush();
  }

  /**
   * Processes one input and returns the effects to carry out, in order (etcd raft `Step`).
   * Messages go through the term rules common to every role first (§5.1), then RequestVote and
   * PreVote are answered and a ReadIndexResponse taken (every role alike), then the role's own step
   * function takes the rest.
   * @param nowMs  this server's own clock when the input happens, ms (it may drift from simulated
   *   time); never less than an earlier reading. Optional: only the time rules read it (preVote,
   *   checkQuorum, lease reads, leader transfer), and those throw if no reading was ever given.
   * @throws RaftAssertionError when an internal rule breaks (a bug in src/raft; see assert.ts)
   * @throws Error when `nowMs` goes backwards or is not finite, or a time rule runs with no clock reading
   */
  step(input: RaftInput<C>, nowMs?: number): RaftEffect<C>[] {
    this.out = [];
    if (nowMs !== undefined) this.setClock(nowMs);
    const commitBefore = this.volatile.commitIndex;
    const wasLeader = this.volatile.role === 'leader';
    const lastBefore = this.lastLogIndex;
    const lastEntryBefore = this.entryAt(lastBefore);
    if (input.type === 'message') this.stepMessage(input.msg);
    else if (input.type === 'compact') this.compact(input.data);
    else if (input.type === 'persisted') this.handlePersisted(input.id);
    else this.stepByRole[this.volatile.role](input);
    this.emitPersist();
    this.assertRules(commitBefore, wasLeader, lastBefore, lastEntryBefore);
    return this.flush();
  }

  // ---- stable storage (RaftConfig.asyncStorage; etcd raft async storage writes) --------------

  /** Notes that log entries from `from` on changed (appended, overwritten or truncated) since the last write. */
  private logDirty(from: number): void {
    const s = this.volatile.storage;
    if (s && (s.logDirtyFrom === 0 || from < s.logDirtyFrom)) s.logDirtyFrom = from;
  }

  /** Whether currentTerm, votedFor, the log or the snapshot changed since the last write emitted. */
  private durableDirty(s: StorageState): boolean {
    const p = this.persistent;
    return s.logDirtyFrom !== 0 || s.snapshotDirty || p.currentTerm !== s.hard.currentTerm || p.votedFor !== s.hard.votedFor;
  }

  /**
   * The write an acknowledgement made now must wait for: this step's write when the state it
   * acknowledges changed in this step, else the last such write if it has not completed; 0 when
   * nothing is pending (or without asyncStorage, or with `unsafe.ackBeforeFsync`): send at once.
   */
  private holdId(): number {
    const s = this.volatile.storage;
    if (!s || this.unsafe.ackBeforeFsync) return 0;
    if (this.durableDirty(s)) {
      if (s.stepId === 0) s.stepId = ++s.lastId;
      return s.stepId;
    }
    return s.lastDurableId > s.persistedId ? s.lastDurableId : 0;
  }

  /**
   * Sends a message that acknowledges durable state (a granted vote, AppendEntries success, an
   * InstallSnapshot answer) once the write holding that state completed (etcd raft msgsAfterAppend).
   */
  private sendAck(msg: RaftMessage<C>): void {
    const id = this.holdId();
    if (id === 0) this.out.push({ type: 'send', msg });
    else this.volatile.storage!.held.push({ id, msg: msg as RaftMessage });
  }

  /** The leader's own match index for commit: its last index, or only its persisted part with asyncStorage (etcd self MsgStorageAppendResp). */
  private selfMatchIndex(): number {
    const s = this.volatile.storage;
    return s && !this.unsafe.ackBeforeFsync ? Math.min(this.lastLogIndex, s.durableIndex) : this.lastLogIndex;
  }

  /** At the end of a step: emits the `persist` effect of what changed in it (RaftConfig.asyncStorage). */
  private emitPersist(): void {
    const s = this.volatile.storage;
    if (!s) return;
    const p = this.persistent;
    const v = this.volatile;
    const durable = this.durableDirty(s);
    // A reserved id always has a write: what made the step dirty (a term, a vote, entries) stays changed.
    raftAssert(s.stepId === 0 || durable, 'persistReserved', this.id, () => `write ${s.stepId} was reserved for an acknowledgement but nothing durable changed`);
    if (!durable && v.commitIndex === s.hard.commitIndex) return;
    const id = s.stepId || ++s.lastId;
    const hardState: HardState = { currentTerm: p.currentTerm, votedFor: p.votedFor, commitIndex: v.commitIndex };
    const write: PersistWrite<C> = { id, hardState };
    let truncFrom = 0;
    if (s.logDirtyFrom !== 0) {
      const from = Math.max(s.logDirtyFrom, this.firstIndex);
      write.entries = { fromIndex: from, entries: p.log.slice(from - this.firstIndex) };
      truncFrom = from;
      s.durableIndex = Math.min(s.durableIndex, from - 1);
    }
    if (s.snapshotDirty && p.snapshot) write.snapshot = p.snapshot;
    s.writes.push({ id, hard: hardState, lastIndex: this.lastLogIndex, truncFrom });
    if (durable) s.lastDurableId = id;
    s.hard = hardState;
    s.logDirtyFrom = 0;
    s.snapshotDirty = false;
    s.stepId = 0;
    this.out.push({ type: 'persist', ...write });
  }

  /**
   * Every write up to `id` completed: the log is durable up to the last of them (less what later
   * writes under way truncate), the acknowledgements held for them are sent in order, a candidate
   * counts its own vote, and a leader may commit what its own log now holds durably.
   * @throws Error without asyncStorage, or for an id never emitted
   */
  private handlePersisted(id: number): void {
    const s = this.volatile.storage;
    if (!s) throw new Error(`${this.id}: a persisted input needs RaftConfig.asyncStorage`);
    if (!Number.isInteger(id) || id > s.lastId) throw new Error(`${this.id}: persisted ${id}, but the last write emitted is ${s.lastId}`);
    if (id <= s.persistedId) return;
    s.persistedId = id;
    let done = 0;
    while (done < s.writes.length && s.writes[done].id <= id) done++;
    if (done > 0) {
      s.durableIndex = s.writes[done - 1].lastIndex;
      s.durableHard = { ...s.writes[done - 1].hard };
    }
    s.writes = s.writes.slice(done);
    for (const w of s.writes) if (w.truncFrom > 0) s.durableIndex = Math.min(s.durableIndex, w.truncFrom - 1);
    const v = this.volatile;
    let release = 0;
    while (release < s.held.length && s.held[release].id <= id) release++;
    const ready = s.held.slice(0, release);
    s.held = s.held.slice(release);
    for (const h of ready) {
      if (h.msg) this.out.push({ type: 'send', msg: h.msg as RaftMessage<C> });
      else if (h.selfVoteTerm === this.persistent.currentTerm && v.role === 'candidate' && !v.votesGranted.includes(this.id)) {
        v.votesGranted.push(this.id);
        if (this.tally() === 'won') this.becomeLeader();
      }
    }
    if (v.role === 'leader') this.maybeCommit();
  }

  private flush(): RaftEffect<C>[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private setClock(nowMs: number): void {
    const before = this.volatile.clockMs;
    if (!Number.isFinite(nowMs)) throw new Error(`${this.id}: nowMs must be a finite number, got ${nowMs}`);
    if (before !== null && nowMs < before) throw new Error(`${this.id}: local clock went backwards, from ${before} to ${nowMs} ms`);
    this.volatile.clockMs = nowMs;
  }

  /** This server's clock (the last `nowMs` given). @throws Error when the host never passed one */
  private now(): number {
    const t = this.volatile.clockMs;
    if (t === null) throw new Error(`${this.id}: a time rule (preVote, checkQuorum, lease read or leader transfer) needs the server's clock: pass nowMs to step/start`);
    return t;
  }

  /** RaftConfig.minElectionTimeoutMs. @throws Error when it was not configured */
  private minElectionTimeout(): number {
    if (this.minElectionTimeoutMs === undefined) throw new Error(`${this.id}: this rule needs RaftConfig.minElectionTimeoutMs`);
    return this.minElectionTimeoutMs;
  }

  private note(note: RaftNote): void {
    this.out.push({ type: 'note', note });
  }

  /** Each role's step function (etcd raft's `r.step`, swapped by becomeFollower/becomePreCandidate/becomeCandidate/becomeLeader). */
  private readonly stepByRole: Record<Role, (input: RaftInput<C>) => void> = {
    follower: (input) => this.stepFollower(input),
    preCandidate: (input) => this.stepPreCandidate(input),
    candidate: (input) => this.stepCandidate(input),
    leader: (input) => this.stepLeader(input),
  };

  /**
   * §5.1, for every role: "If RPC request or response contains term T > currentTerm: set
   * currentTerm = T, convert to follower"; a request with a stale term is refused with the current
   * term so its sender learns it; a stale response is dropped. RequestVote and PreVote are then
   * answered here and a ReadIndexResponse taken (etcd raft answers MsgVote and MsgPreVote in Step
   * too); the rest goes to the role's step function.
   *
   * Three exceptions to "a higher term makes you a follower", all etcd raft's Step:
   * - CheckQuorum's leader lease (thesis §4.2.3): a RequestVote or PreVote of a higher term that
   *   reaches a server which heard from a leader within the minimum election timeout is ignored,
   *   unanswered and without adopting its term, unless it is a leader transfer's election;
   * - a PreVote never changes the voter's term (thesis §9.6);
   * - a granted PreVoteResponse carries the term asked for, currentTerm + 1 of its receiver, which
   *   the pre-candidate adopts only by winning the pre-vote.
   */
  private stepMessage(m: RaftMessage<C>): void {
    const term = this.persistent.currentTerm;
    if (m.term > term) {
      if (this.checkQuorum && (m.type === 'PreVote' || (m.type === 'RequestVote' && !m.transfer)) && this.inLease()) {
        this.ignoreVote(m);
        return;
      }
      if (m.type !== 'PreVote' && !(m.type === 'PreVoteResponse' && m.voteGranted)) {
        this.becomeFollower(m.term, m.type === 'AppendEntries' || m.type === 'InstallSnapshot' ? m.leaderId : null, 'higherTerm', m.from);
      }
    } else if (m.term < term) {
      if (m.type === 'RequestVote') this.answerVote(m, 'staleTerm');
      else if (m.type === 'AppendEntries') this.rejectAppend(m, 'staleTerm', 0, 0);
      else if (m.type === 'PreVote') this.answerPreVote(m, 'staleTerm');
      else if (m.type === 'ReadIndex') this.refuseRead(m.ctx, m.from, 'staleTerm');
      else if (m.type === 'InstallSnapshot') this.answerSnapshot(m, 0); // Figure 13: 1. reply immediately if term < currentTerm
      return;
    }
    switch (m.type) {
      case 'RequestVote':
        this.handleRequestVote(m);
        return;
      case 'PreVote':
        this.handlePreVote(m);
        return;
      case 'ReadIndexResponse':
        this.handleReadIndexResponse(m);
        return;
    }
    this.stepByRole[this.volatile.role]({ type: 'message', msg: m });
  }

  // ---- the four roles --------------------------------------------------------------------

  /**
   * A follower (Figure 2, Followers): answers the leader's AppendEntries, starts an election (or a
   * pre-vote) when its timer fires or at once on TimeoutNow, points clients at the leader it knows
   * and asks that leader for read indexes. Messages here have term = currentTerm.
   */
  private stepFollower(input: RaftInput<C>): void {
    switch (input.type) {
      case 'electionTimeout':
        this.campaign();
        return;
      case 'propose':
      case 'proposeConfChange':
        this.out.push({ type: 'proposeResult', accepted: false, leaderHint: this.volatile.leaderId });
        return;
      case 'heartbeatTimeout':
        return;
      case 'readIndex': {
        // Thesis §6.4: a follower asks the leader for a read index (etcd raft stepFollower MsgReadIndex).
        const leader = this.volatile.leaderId;
        if (leader === null) {
          this.refuseRead(input.ctx, null, 'noLeader');
          return;
        }
        this.note({ kind: 'readForwarded', ctx: input.ctx, leader });
        const ri: ReadIndex = { type: 'ReadIndex', from: this.id, to: leader, term: this.persistent.currentTerm, ctx: input.ctx, ...(input.readOnly ? { readOnly: input.readOnly } : {}) };
        this.out.push({ type: 'send', msg: ri });
        return;
      }
      case 'transferLeadership':
        this.refuseTransfer(input.to, 'notLeader');
        return;
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntries') {
          // The sender is the leader of currentTerm (§5.2: at most one per term).
          this.volatile.leaderId = m.leaderId;
          this.out.push({ type: 'resetElectionTimer' });
          this.handleAppendEntries(m);
        } else if (m.type === 'InstallSnapshot') {
          this.volatile.leaderId = m.leaderId;
          this.out.push({ type: 'resetElectionTimer' });
          this.handleInstallSnapshot(m);
        } else if (m.type === 'TimeoutNow') {
          // Thesis §3.10: the transfer's target starts an election at once, skipping PreVote (etcd
          // raft stepFollower MsgTimeoutNow, campaignTransfer).
          this.note({ kind: 'timeoutNowReceived', from: m.from, term: m.term });
          this.campaign('transfer');
        } else if (m.type === 'ReadIndex') {
          this.refuseRead(m.ctx, m.from, 'notLeader');
        }
        // A RequestVoteResponse, PreVoteResponse or AppendEntriesResponse of this term is late: nothing to do.
        return;
      }
    }
  }

  /**
   * A pre-candidate (Raft thesis §9.6; etcd raft stepCandidate in StatePreCandidate): counts
   * pre-votes for currentTerm + 1 and becomes candidate with a majority, returns to follower when a
   * majority refuses or a leader of its term appears, and pre-votes again when its timer fires.
   */
  private stepPreCandidate(input: RaftInput<C>): void {
    this.stepCampaigner(input, (m) => {
      if (m.type !== 'PreVoteResponse') return; // TimeoutNow is ignored here (etcd raft stepCandidate); a RequestVoteResponse is late.
      const v = this.volatile;
      const asked = this.persistent.currentTerm + 1;
      if (m.voteGranted) {
        // A grant carries the term asked for; one for an earlier pre-vote does not count.
        if (m.term !== asked) return;
        if (!v.votesGranted.includes(m.from)) v.votesGranted.push(m.from);
        if (this.tally() === 'won') {
          this.note({ kind: 'preVoteWon', term: asked, votes: v.votesGranted.slice() });
          this.campaign('election', 'WIN_PRE_VOTE');
        }
      } else {
        if (!v.votesRefused.includes(m.from)) v.votesRefused.push(m.from);
        // etcd raft VoteLost: so many refused that a majority (of each half) can no longer grant.
        if (this.tally() === 'lost') {
          this.becomeFollowerBy(this.persistent.currentTerm, null, { type: 'LOSE_PRE_VOTE' },
            { kind: 'preVoteLost', term: asked, refusedBy: v.votesRefused.slice() });
        }
      }
    });
  }

  /**
   * A candidate (§5.2): counts votes and becomes leader with a majority; a leader's AppendEntries of
   * its term makes it a follower; a timeout starts a new election (or a pre-vote).
   */
  private stepCandidate(input: RaftInput<C>): void {
    this.stepCampaigner(input, (m) => {
      // TimeoutNow is ignored (etcd raft stepCandidate); a PreVoteResponse is from its pre-vote, now over.
      if (m.type !== 'RequestVoteResponse' || !m.voteGranted) return;
      const votes = this.volatile.votesGranted;
      if (!votes.includes(m.from)) votes.push(m.from);
      if (this.tally() === 'won') this.becomeLeader();
    });
  }

  /**
   * What a pre-candidate and a candidate do alike (etcd raft has one stepCandidate for both): a
   * timeout campaigns again; proposals, reads and transfers are refused (no leader known); a
   * leader's AppendEntries or InstallSnapshot of its term makes it a follower ("If AppendEntries RPC
   * received from new leader: convert to follower", Figure 2, Candidates). Any other message of its
   * term goes to `onResponse`, which counts the votes of its own kind.
   */
  private stepCampaigner(input: RaftInput<C>, onResponse: (m: RaftMessage<C>) => void): void {
    switch (input.type) {
      case 'electionTimeout':
        this.campaign();
        return;
      case 'propose':
      case 'proposeConfChange':
        this.out.push({ type: 'proposeResult', accepted: false, leaderHint: null });
        return;
      case 'heartbeatTimeout':
        return;
      case 'readIndex':
        this.refuseRead(input.ctx, null, 'noLeader');
        return;
      case 'transferLeadership':
        this.refuseTransfer(input.to, 'notLeader');
        return;
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntries') {
          this.becomeFollower(m.term, m.leaderId, 'leaderDiscovered', m.leaderId);
          this.out.push({ type: 'resetElectionTimer' });
          this.handleAppendEntries(m);
        } else if (m.type === 'InstallSnapshot') {
          this.becomeFollower(m.term, m.leaderId, 'leaderDiscovered', m.leaderId);
          this.out.push({ type: 'resetElectionTimer' });
          this.handleInstallSnapshot(m);
        } else if (m.type === 'ReadIndex') {
          this.refuseRead(m.ctx, m.from, 'notLeader');
        } else onResponse(m);
        return;
      }
    }
  }

  /**
   * A leader (Figure 2, Leaders; §5.3): heartbeats on its timer, appends and replicates client
   * commands, and moves each follower's Progress on its AppendEntriesResponses. It also confirms
   * reads (thesis §6.4), transfers leadership (§3.10) and, with CheckQuorum, steps down when it lost
   * touch with a majority (§6.2); the last two are timed on its heartbeat timer.
   */
  private stepLeader(input: RaftInput<C>): void {
    switch (input.type) {
      case 'heartbeatTimeout':
        if (this.leaderClockRules()) return;
        this.bcastHeartbeat();
        this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
        return;
      case 'propose': {
        const transfer = this.volatile.transfer;
        if (transfer) {
          // Thesis §3.10: the leader stops accepting client requests during a transfer (etcd raft
          // stepLeader MsgProp: ErrProposalDropped).
          this.out.push({ type: 'proposeResult', accepted: false, leaderHint: this.id, reason: 'transferring', transferee: transfer.to });
          return;
        }
        const index = this.appendLocal({ term: this.persistent.currentTerm, command: input.command });
        this.out.push({ type: 'proposeResult', accepted: true, index, term: this.persistent.currentTerm });
        this.bcastAppend(false);
        this.maybeCommit();
        return;
      }
      case 'proposeConfChange':
        this.proposeConfChange(input.change, false);
        return;
      case 'electionTimeout':
        return; // a leader's election timer is stopped; a forced timeout changes nothing (Figure 4)
      case 'readIndex':
        this.leaderRead(input.ctx, null, input.readOnly);
        return;
      case 'transferLeadership':
        this.transferLeadership(input.to);
        return;
      case 'message': {
        const m = input.msg;
        if (m.type === 'AppendEntriesResponse') this.handleAppendEntriesResponse(m);
        else if (m.type === 'InstallSnapshotResponse') this.handleInstallSnapshotResponse(m);
        else if (m.type === 'ReadIndex') this.leaderRead(m.ctx, m.from, m.readOnly);
        // An AppendEntries of this very term comes from a second leader of the term, which only a
        // broken Election Safety allows (unsafe.forgetVoteOnRestart). It is ignored, as etcd's
        // stepLeader ignores MsgApp: a leader never lets another overwrite its log (leaderAppendOnly).
        // A RequestVoteResponse or PreVoteResponse of this term is late: the election is already won.
        return;
      }
    }
  }

  // ---- role changes (through the Figure 4 statechart) -------------------------------------

  private changeRole(event: RoleEvent): void {
    const from = this.volatile.role;
    const to = nextRole(from, event);
    if (to === from && event.type !== 'TIMEOUT' && event.type !== 'TIMEOUT_PRE_VOTE') return;
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
    this.becomeFollowerBy(term, leader, { type: cause === 'higherTerm' ? 'DISCOVER_HIGHER_TERM' : 'DISCOVER_LEADER' }, { kind: 'steppedDown', term, cause, from });
  }

  /**
   * becomeFollower with the statechart event and the note that explain it (a lost pre-vote or
   * CheckQuorum use their own). A leader also drops its reads and its transfer: each pending read is
   * refused (`steppedDown`), so that the host can tell its client to retry.
   */
  private becomeFollowerBy(term: number, leader: NodeId | null, event: RoleEvent, note: RaftNote): void {
    const v = this.volatile;
    const wasLeader = v.role === 'leader';
    if (term > this.persistent.currentTerm) {
      this.persistent.currentTerm = term;
      this.persistent.votedFor = null;
    }
    v.leaderId = leader;
    v.leaderHeardAtMs = null;
    v.votesGranted = [];
    v.votesRefused = [];
    v.progress = new Map();
    if (v.role !== 'follower') {
      this.note(note);
      this.changeRole(event);
    }
    if (wasLeader) {
      this.out.push({ type: 'stopHeartbeatTimer' });
      this.out.push({ type: 'resetElectionTimer' });
      const ro = v.readOnly;
      v.readOnly = new ReadOnly();
      v.transfer = null;
      v.quorumCheckAtMs = null;
      for (const r of [...ro.deferred, ...ro.pending]) this.refuseRead(r.ctx, r.from, 'steppedDown');
    }
  }

  /**
   * Thesis §9.6 (etcd raft becomePreCandidate): the server becomes pre-candidate without raising its
   * term or voting for itself persistently (its own pre-vote is counted in votesGranted only), forgets
   * its leader and resets its election timer.
   */
  private becomePreCandidate(): void {
    const v = this.volatile;
    raftAssert(v.role !== 'leader', 'roleTransition', this.id, () => 'leader → preCandidate (etcd raft: "invalid transition [leader -> pre-candidate]")');
    this.changeRole({ type: 'TIMEOUT_PRE_VOTE' });
    v.leaderId = null;
    v.leaderHeardAtMs = null;
    v.votesGranted = [this.id];
    v.votesRefused = [];
    v.progress = new Map();
    this.note({ kind: 'preVoteStarted', term: this.persistent.currentTerm + 1 });
    this.out.push({ type: 'resetElectionTimer' });
  }

  /**
   * §5.2: "To begin an election, a follower increments its current term and transitions to
   * candidate state. It then votes for itself", and resets its election timer. `event` is the
   * statechart event: a timeout, a won pre-vote (thesis §9.6) or TimeoutNow (§3.10).
   */
  private becomeCandidate(event: 'TIMEOUT' | 'WIN_PRE_VOTE' | 'TIMEOUT_NOW'): void {
    const v = this.volatile;
    this.persistent.currentTerm += 1;
    this.changeRole({ type: event });
    raftAssert(v.role === 'candidate', 'roleTransition', this.id, () => `${event} from ${this.volatile.lastTransition?.from ?? v.role} did not lead to candidate`);
    this.persistent.votedFor = this.id;
    v.leaderId = null;
    v.leaderHeardAtMs = null;
    // With asyncStorage the candidate's own vote counts once it is on stable storage (etcd raft
    // sends its self-vote through msgsAfterAppend too).
    const hold = this.holdId();
    v.votesGranted = hold === 0 ? [this.id] : [];
    if (hold !== 0) v.storage!.held.push({ id: hold, selfVoteTerm: this.persistent.currentTerm });
    v.votesRefused = [];
    v.progress = new Map();
    this.out.push({ type: 'note', note: { kind: 'electionStarted', term: this.persistent.currentTerm } });
    this.out.push({ type: 'resetElectionTimer' });
  }

  /**
   * A candidate with a majority becomes leader (§5.2). Every follower gets a Progress in probe with
   * nextIndex = last log index + 1 and matchIndex = 0 (Figure 2; etcd raft reset), the leader
   * appends a no-op of its term so that earlier entries can be committed (§5.4.2, §8) and probes
   * every follower at once (etcd: becomeLeader, then bcastAppend). Reads, transfer and the
   * CheckQuorum interval start afresh.
   */
  private becomeLeader(): void {
    const v = this.volatile;
    this.out.push({ type: 'note', note: { kind: 'electionWon', term: this.persistent.currentTerm, votes: v.votesGranted.slice() } });
    this.changeRole({ type: 'WIN_ELECTION' });
    v.leaderId = this.id;
    v.leaderHeardAtMs = null;
    v.readOnly = new ReadOnly();
    v.transfer = null;
    v.quorumCheckAtMs = this.checkQuorum ? this.now() : null;
    const next = this.lastLogIndex + 1;
    v.progress = new Map();
    for (const peer of this.peers) v.progress.set(peer, new Progress(peer, this.id, next, this.maxInflight));
    // Conservatively, any entry of the log may be an unapplied ConfChange (etcd becomeLeader).
    v.pendingConfIndex = this.lastLogIndex;
    this.out.push({ type: 'stopElectionTimer' });
    if (this.leaderNoop) this.appendLocal({ term: this.persistent.currentTerm, command: NOOP });
    this.bcastAppend(true);
    this.out.push({ type: 'setHeartbeatTimer', delayMs: this.heartbeatMs });
    this.maybeCommit();
  }

  // ---- elections (§5.2, §5.4.1) and pre-votes (thesis §9.6) -------------------------------

  /**
   * Starts a pre-vote or an election (etcd raft `hup` and `campaign(CampaignType)`):
   * `preElection` (the default with preVote) becomes pre-candidate and asks for pre-votes for
   * currentTerm + 1; `election` (the default without it, and after a won pre-vote) becomes
   * candidate and asks every other server for its vote (§5.2); `transfer` is the election a
   * TimeoutNow starts: no pre-vote, and its RequestVote is marked so that voters grant it within
   * the CheckQuorum lease (thesis §3.10).
   */
  private campaign(kind: 'preElection' | 'election' | 'transfer' = this.preVote ? 'preElection' : 'election', event: 'TIMEOUT' | 'WIN_PRE_VOTE' = 'TIMEOUT'): void {
    if (!this.promotable) {
      // etcd raft hup: "is unpromotable and can not campaign" (a learner, a spare, a removed server).
      this.note({ kind: 'campaignSkipped', term: this.persistent.currentTerm, reason: this.isLearner ? 'learner' : 'notMember' });
      this.out.push({ type: 'resetElectionTimer' });
      return;
    }
    if (this.hasUnappliedConfChanges()) {
      // etcd raft hup: "cannot campaign ... since there are still pending configuration changes to apply".
      this.note({ kind: 'campaignSkipped', term: this.persistent.currentTerm, reason: 'unappliedConfChange' });
      this.out.push({ type: 'resetElectionTimer' });
      return;
    }
    const lastLogIndex = this.lastLogIndex;
    const lastLogTerm = this.lastLogTerm;
    if (kind === 'preElection') {
      this.becomePreCandidate();
      if (this.tally() === 'won') {
        this.note({ kind: 'preVoteWon', term: this.persistent.currentTerm + 1, votes: this.volatile.votesGranted.slice() });
        this.campaign('election', 'WIN_PRE_VOTE');
        return;
      }
      const term = this.persistent.currentTerm + 1;
      for (const peer of this.votingPeers) {
        const pv: PreVote = { type: 'PreVote', from: this.id, to: peer, term, candidateId: this.id, lastLogIndex, lastLogTerm };
        this.out.push({ type: 'send', msg: pv });
      }
      return;
    }
    this.becomeCandidate(kind === 'transfer' ? 'TIMEOUT_NOW' : event);
    if (this.tally() === 'won') {
      this.becomeLeader();
      return;
    }
    for (const peer of this.votingPeers) {
      const rv: RequestVote = {
        type: 'RequestVote', from: this.id, to: peer, term: this.persistent.currentTerm,
        candidateId: this.id, lastLogIndex, lastLogTerm,
      };
      if (kind === 'transfer') rv.transfer = true;
      this.out.push({ type: 'send', msg: rv });
    }
  }

  /**
   * Whether a committed ConfChange is not applied yet (etcd raft hasUnappliedConfChanges): the
   * server's configuration may be out of date, so it must not campaign. Applies run within the step
   * that commits, so this holds only between a restart with a persisted commitIndex and `start()`.
   */
  private hasUnappliedConfChanges(): boolean {
    const v = this.volatile;
    for (let i = Math.max(v.lastApplied + 1, this.firstIndex); i <= v.commitIndex; i++) if (this.entryAt(i)?.confChange) return true;
    return false;
  }

  /**
   * The (pre-)vote so far, over the applied configuration (etcd ProgressTracker.TallyVotes): a
   * majority of the voters granted (of each half when joint), or refused, or neither yet. Learners'
   * answers do not count (they may grant, see handleRequestVote).
   */
  private tally(): 'won' | 'lost' | 'pending' {
    const v = this.volatile;
    return voteResult(v.config, (id) => (v.votesGranted.includes(id) ? true : v.votesRefused.includes(id) ? false : undefined));
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
    if (refusal === null) this.sendAck(resp);
    else this.out.push({ type: 'send', msg: resp });
  }

  /**
   * The leader this server follows, and how long ago (its own clock) it heard from it, when that was
   * within the minimum election timeout: the leader lease of thesis §4.2.3 and §9.6 (etcd raft's
   * `inLease`). A leader is its own active leader. Null when it knows no leader or the lease ran out.
   */
  private activeLeader(): { leader: NodeId; heardAgoMs: number } | null {
    const v = this.volatile;
    if (v.leaderId === null) return null;
    if (v.role === 'leader') return { leader: this.id, heardAgoMs: 0 };
    const heardAgoMs = this.now() - (v.leaderHeardAtMs ?? Number.NEGATIVE_INFINITY);
    return heardAgoMs < this.minElectionTimeout() ? { leader: v.leaderId, heardAgoMs } : null;
  }

  /** Whether CheckQuorum's leader lease holds here (see activeLeader). */
  private inLease(): boolean {
    return this.activeLeader() !== null;
  }

  /** CheckQuorum (thesis §4.2.3; etcd raft Step "lease is not expired"): a vote request within the leader lease is ignored. */
  private ignoreVote(m: RequestVote | PreVote): void {
    const active = this.activeLeader()!;
    this.note({ kind: 'voteIgnored', candidate: m.candidateId, term: m.term, preVote: m.type === 'PreVote', ...active });
  }

  /**
   * PreVote receiver (Raft thesis §9.6; etcd raft Step MsgPreVote), in every role; m.term ≥
   * currentTerm here. Nothing in the voter changes: not currentTerm, not votedFor, not its timer.
   * Grant unless (in this order):
   * - `alreadyVoted` / `leaderActive`: m.term is this server's own term and it voted for another
   *   server or knows that term's leader (etcd: canVote);
   * - `leaderActive` (only with preVote on here; the thesis' rule, which etcd raft applies only with
   *   CheckQuorum): it heard from a leader within the minimum election timeout, or is the leader;
   * - `logNotUpToDate`: the candidate's log is less up-to-date (§5.4.1; skipped with unsafe.skipUpToDateCheck).
   */
  private handlePreVote(m: PreVote): void {
    const p = this.persistent;
    const v = this.volatile;
    if (m.term === p.currentTerm && p.votedFor !== m.candidateId && (p.votedFor !== null || v.leaderId !== null)) {
      if (p.votedFor !== null) this.answerPreVote(m, 'alreadyVoted');
      else {
        const ago = v.role === 'leader' ? 0 : v.clockMs !== null && v.leaderHeardAtMs !== null ? v.clockMs - v.leaderHeardAtMs : undefined;
        this.answerPreVote(m, 'leaderActive', v.leaderId!, ago);
      }
      return;
    }
    const active = this.preVote ? this.activeLeader() : null;
    if (active) this.answerPreVote(m, 'leaderActive', active.leader, active.heardAgoMs);
    else if (!this.unsafe.skipUpToDateCheck && !this.isUpToDate(m.lastLogIndex, m.lastLogTerm)) this.answerPreVote(m, 'logNotUpToDate');
    else this.answerPreVote(m, null);
  }

  /** Sends the PreVote's answer (granted when `refusal` is null; then at the term asked for, else at currentTerm) with a note. */
  private answerPreVote(m: PreVote, refusal: PreVoteRefusal | null, leader?: NodeId, heardAgoMs?: number): void {
    const myLast: [number, number] = [this.lastLogIndex, this.lastLogTerm];
    if (refusal === null) {
      this.note({ kind: 'preVoteGranted', candidate: m.candidateId, term: m.term });
    } else {
      const note: Extract<RaftNote, { kind: 'preVoteRefused' }> = {
        kind: 'preVoteRefused', candidate: m.candidateId, term: m.term, reason: refusal, candidateLast: [m.lastLogIndex, m.lastLogTerm], myLast,
      };
      if (leader !== undefined) note.leader = leader;
      if (heardAgoMs !== undefined) note.heardAgoMs = heardAgoMs;
      this.note(note);
    }
    const resp: PreVoteResponse = {
      type: 'PreVoteResponse', from: this.id, to: m.from, term: refusal === null ? m.term : this.persistent.currentTerm,
      voteGranted: refusal === null, lastLogIndex: myLast[0], lastLogTerm: myLast[1],
    };
    if (refusal) resp.reason = refusal;
    this.out.push({ type: 'send', msg: resp });
  }

  // ---- the leader's clock: CheckQuorum (§6.2) and transfer timeout (§3.10) ---------------

  /**
   * Run on each heartbeat tick of a leader, before it heartbeats (etcd raft tickHeartbeat counts
   * electionElapsed there too). With CheckQuorum, once minElectionTimeoutMs has passed on its clock
   * since the interval began: if fewer than a majority (itself included) answered an AppendEntries
   * in the interval it steps down to follower of the same term; either way a new interval begins.
   * A leader transfer not completed within minElectionTimeoutMs is abandoned. Returns whether the
   * leader stepped down.
   */
  private leaderClockRules(): boolean {
    const v = this.volatile;
    if (!this.checkQuorum && v.transfer === null) return false;
    const now = this.now();
    const minEt = this.minElectionTimeout();
    if (this.checkQuorum && now - v.quorumCheckAtMs! >= minEt) {
      const voters = voterIds(v.config);
      const heardFrom = voters.filter((s) => s === this.id || v.progress.get(s)?.recentActive);
      const windowMs = now - v.quorumCheckAtMs!;
      for (const pr of v.progress.values()) pr.recentActive = false;
      v.quorumCheckAtMs = now;
      if (!hasQuorum(v.config, (id) => heardFrom.includes(id))) {
        const term = this.persistent.currentTerm;
        this.becomeFollowerBy(term, null, { type: 'LOSE_QUORUM' }, { kind: 'steppedDown', term, cause: 'checkQuorum', heardFrom, servers: voters.length, windowMs });
        return true;
      }
    }
    if (v.transfer && now - v.transfer.startedAtMs >= minEt) this.abandonTransfer('timeout');
    return false;
  }

  // ---- leader transfer (thesis §3.10; etcd raft stepLeader MsgTransferLeader) -----------

  /**
   * Starts a transfer of leadership to `to`: proposals are refused from now on, the target is
   * brought up to date and then sent TimeoutNow (at once if it already is). Refused, with a note,
   * for a server outside the cluster, for the target of the transfer already under way (which keeps
   * its start time, etcd: "ignores request to same node") and for this leader itself; any other
   * transfer under way is abandoned first (`superseded`), so a transfer to itself cancels one.
   * @throws Error when RaftConfig.minElectionTimeoutMs is not set, or no clock reading was given
   */
  private transferLeadership(to: NodeId): void {
    this.minElectionTimeout(); // a transfer is abandoned after it: refuse to start one that cannot be timed
    const v = this.volatile;
    const pr = v.progress.get(to);
    if (to !== this.id && !pr) {
      this.refuseTransfer(to, 'unknownServer');
      return;
    }
    if (pr && !isVoter(v.config, to)) {
      this.refuseTransfer(to, 'learner'); // etcd stepLeader MsgTransferLeader: "is learner. Ignored"
      return;
    }
    if (v.transfer && v.transfer.to === to) {
      this.refuseTransfer(to, 'alreadyTransferring');
      return;
    }
    if (v.transfer) this.abandonTransfer('superseded');
    if (!pr) {
      this.refuseTransfer(to, 'toSelf');
      return;
    }
    v.transfer = { to, startedAtMs: this.now() };
    this.note({ kind: 'transferStarted', to, term: this.persistent.currentTerm, matchIndex: pr.matchIndex, lastLogIndex: this.lastLogIndex });
    if (pr.matchIndex === this.lastLogIndex) this.sendTimeoutNow(to);
    else this.maybeSendAppend(to, true);
  }

  /** The target's log is up to date: tell it to start an election now. From here this term's read lease no longer holds. */
  private sendTimeoutNow(to: NodeId): void {
    const term = this.persistent.currentTerm;
    this.volatile.readOnly.leaseRevoked = true;
    this.note({ kind: 'timeoutNowSent', to, term, matchIndex: this.volatile.progress.get(to)!.matchIndex });
    this.out.push({ type: 'send', msg: { type: 'TimeoutNow', from: this.id, to, term, leaderId: this.id } });
  }

  private abandonTransfer(reason: 'timeout' | 'superseded'): void {
    const t = this.volatile.transfer!;
    this.volatile.transfer = null;
    this.note({ kind: 'transferAbandoned', to: t.to, term: this.persistent.currentTerm, reason, elapsedMs: this.now() - t.startedAtMs });
  }

  private refuseTransfer(to: NodeId, reason: TransferRefusal): void {
    this.note({ kind: 'transferRefused', to, term: this.persistent.currentTerm, reason, leaderHint: this.volatile.leaderId });
  }

  // ---- reads (thesis §6.4; etcd raft read_only.go) --------------------------------------

  /** Whether the leader has committed an entry of its own term (etcd raft committedEntryInCurrentTerm). */
  private committedEntryInCurrentTerm(): boolean {
    return this.termAt(this.volatile.commitIndex) === this.persistent.currentTerm;
  }

  /**
   * A read reached the leader: from a `readIndex` input (`from` null) or a follower's ReadIndex.
   * With unsafe.leaderReadsLocally it is answered at once with commitIndex. Otherwise a leader that
   * has not committed an entry of its term yet holds it until it has (thesis §6.4 step 1: only then
   * is its commitIndex at least every committed entry; etcd raft TestReadOnlyForNewLeader).
   * `mode`: the read's own confirmation mode (RaftInput readIndex.readOnly), which also exempts it
   * from leaderReadsLocally.
   */
  private leaderRead(ctx: string, from: NodeId | null, mode?: 'safe' | 'leaseBased'): void {
    const term = this.persistent.currentTerm;
    if (this.unsafe.leaderReadsLocally && mode === undefined) {
      this.note({ kind: 'readLocal', ctx, index: this.volatile.commitIndex, term });
      this.answerRead(ctx, from, this.volatile.commitIndex);
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      this.volatile.readOnly.deferred.push({ ctx, from, ...(mode ? { readOnly: mode } : {}) });
      this.note({ kind: 'readDeferred', ctx, term });
      return;
    }
    this.serveRead(ctx, from, mode);
  }

  /**
   * Thesis §6.4 steps 1–2 (etcd raft sendMsgReadIndexResponse): the read index is commitIndex. A
   * single server answers at once; in lease mode a leader whose lease holds answers at once; else
   * the read waits for a majority to acknowledge a heartbeat round sent now.
   */
  private serveRead(ctx: string, from: NodeId | null, mode: 'safe' | 'leaseBased' = this.readOnlyOption): void {
    const v = this.volatile;
    const term = this.persistent.currentTerm;
    const index = v.commitIndex;
    if (isSingleton(v.config, this.id)) {
      this.note({ kind: 'readConfirmed', ctx, index, term, confirmedBy: [] });
      this.answerRead(ctx, from, index);
      return;
    }
    if (mode === 'leaseBased') {
      const until = this.leaseUntilMs();
      if (until !== null && this.now() < until) {
        this.note({ kind: 'leaseRead', ctx, index, term, leaseUntilMs: until });
        this.answerRead(ctx, from, index);
        return;
      }
      this.note({ kind: 'leaseLapsed', ctx, term, leaseUntilMs: until });
    }
    v.readOnly.pending.push({ ctx, from, index, round: v.readOnly.round + 1 });
    this.bcastHeartbeat();
  }

  /** A follower acknowledged heartbeat round `round`: confirm every read a majority has now covered (thesis §6.4 step 2). */
  private readAck(peer: NodeId, round: number): void {
    const ro = this.volatile.readOnly;
    ro.ack(peer, round);
    const done = ro.takeConfirmed(this.quorumRound());
    for (const r of done) {
      const confirmedBy = this.votingPeers.filter((p) => (ro.acks.get(p) ?? 0) >= r.round);
      this.note({ kind: 'readConfirmed', ctx: r.ctx, index: r.index, term: this.persistent.currentTerm, confirmedBy });
      this.answerRead(r.ctx, r.from, r.index);
    }
  }

  /**
   * The highest heartbeat round a quorum of the configuration has acknowledged, the leader counting
   * its own latest round when it is a voter (etcd readOnly.maybeAdvance via quorum.CommittedIndex).
   */
  private quorumRound(): number {
    const ro = this.volatile.readOnly;
    return committedValue(this.volatile.config, (id) => (id === this.id ? ro.round : ro.acks.get(id) ?? 0));
  }

  /** Reads held for the leader's first commit in its term go on once it has one. */
  private releaseDeferredReads(): void {
    const ro = this.volatile.readOnly;
    if (ro.deferred.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const held = ro.deferred;
    ro.deferred = [];
    for (const r of held) this.serveRead(r.ctx, r.from, r.readOnly);
  }

  /** The read index of read `ctx` is known: tell the host (a local read) or the follower that asked. */
  private answerRead(ctx: string, from: NodeId | null, index: number): void {
    if (from === null) {
      this.out.push({ type: 'readReady', ctx, index });
      return;
    }
    const resp: ReadIndexResponse = { type: 'ReadIndexResponse', from: this.id, to: from, term: this.persistent.currentTerm, ctx, success: true, index };
    this.out.push({ type: 'send', msg: resp });
  }

  /** Refuses read `ctx`: to the host for a local read (effect and note), else to the follower that asked. */
  private refuseRead(ctx: string, from: NodeId | null, reason: ReadRefusal): void {
    if (from !== null) {
      const resp: ReadIndexResponse = { type: 'ReadIndexResponse', from: this.id, to: from, term: this.persistent.currentTerm, ctx, success: false, index: 0, reason };
      this.out.push({ type: 'send', msg: resp });
      return;
    }
    const leaderHint = this.volatile.leaderId === this.id ? null : this.volatile.leaderId;
    this.note({ kind: 'readRefused', ctx, reason, leaderHint });
    this.out.push({ type: 'readRefused', ctx, reason, leaderHint });
  }

  /** The leader's answer to this server's ReadIndex (etcd raft stepFollower MsgReadIndexResp), in whatever role it is now. */
  private handleReadIndexResponse(m: ReadIndexResponse): void {
    if (m.success) {
      this.note({ kind: 'readIndexFromLeader', ctx: m.ctx, index: m.index, leader: m.from });
      this.out.push({ type: 'readReady', ctx: m.ctx, index: m.index });
    } else {
      this.refuseRead(m.ctx, null, m.reason ?? 'notLeader');
    }
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
    const base = this.compactedIndex;
    raftAssert(v.role !== 'leader', 'leaderAppendOnly', this.id, () => `a leader handling AppendEntries from ${m.from}`);
    // Heard from the leader of currentTerm now (the leader lease of thesis §4.2.3 and §9.6 runs from here).
    v.leaderHeardAtMs = v.clockMs;
    if (m.prevLogIndex < base) {
      // prevLogIndex is compacted away here, so its term cannot be checked; it is below
      // commitIndex, and committed entries match the leader's (Leader Completeness): answer with
      // commitIndex as the match (etcd raft handleAppendEntries: m.Index < committed).
      this.answerAppend(m, v.commitIndex);
      return;
    }
    const last = this.lastLogIndex;
    if (m.prevLogIndex > last) {
      this.rejectAppend(m, 'missingEntry', 0, last + 1);
      return;
    }
    if (m.prevLogIndex > 0 && this.termAt(m.prevLogIndex) !== m.prevLogTerm) {
      // Accelerated log backtracking (§5.3): report the conflicting term and its first index.
      const conflictTerm = this.termAt(m.prevLogIndex);
      let conflictIndex = m.prevLogIndex;
      while (conflictIndex > base + 1 && this.termAt(conflictIndex - 1) === conflictTerm) conflictIndex--;
      this.rejectAppend(m, 'termMismatch', conflictTerm, conflictIndex);
      return;
    }
    let index = m.prevLogIndex;
    let appendedFrom = 0;
    for (let i = 0; i < m.entries.length; i++) {
      index++;
      const e = m.entries[i];
      if (index <= base + log.length) {
        if (log[index - base - 1].term === e.term) continue;
        // Conflict: same index, different term. Never at or below commitIndex while the protocol
        // holds; the invariant checker reports it as a State Machine Safety violation.
        if (index <= v.commitIndex) v.committedEntryRemoved = true;
        this.logDirty(index);
        if (this.unsafe.noTruncateOnConflict) {
          log[index - base - 1] = e;
          this.out.push({ type: 'logChanged', fromIndex: index });
          continue;
        }
        log.length = index - base - 1;
        this.out.push({ type: 'logChanged', fromIndex: index });
      }
      log.push(e);
      this.logDirty(index);
      if (appendedFrom === 0) appendedFrom = index;
    }
    if (appendedFrom) this.out.push({ type: 'appended', fromIndex: appendedFrom, count: base + log.length - appendedFrom + 1 });
    const lastNew = m.prevLogIndex + m.entries.length;
    if (m.leaderCommit > v.commitIndex) {
      const to = Math.min(m.leaderCommit, lastNew);
      if (to > v.commitIndex) this.setCommitIndex(to, 0, false);
    }
    this.answerAppend(m, lastNew);
  }

  /** A successful AppendEntriesResponse holding the log up to `matchIndex`, echoing the heartbeat round. */
  private answerAppend(m: AppendEntries<C>, matchIndex: number): void {
    const resp: AppendEntriesResponse = {
      type: 'AppendEntriesResponse', from: this.id, to: m.from, term: this.persistent.currentTerm, success: true,
      matchIndex, prevLogIndex: m.prevLogIndex, conflictTerm: 0, conflictIndex: 0,
    };
    if (m.round !== undefined) resp.round = m.round;
    this.sendAck(resp);
  }

  // ---- the leader's side of replication (§5.3; etcd raft sendAppend, stepLeader MsgAppResp) ----

  private appendLocal(entry: LogEntry<C>): number {
    this.persistent.log.push(entry);
    const index = this.lastLogIndex;
    this.logDirty(index);
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
    const pr = this.volatile.progress.get(peer);
    // No Progress: the peer was removed (or this server stepped down) by a change applied in this step.
    if (!pr || pr.isPaused()) return false;
    const log = this.persistent.log;
    const base = this.compactedIndex;
    const prevLogIndex = pr.nextIndex - 1;
    // The entries (or the term at prevLogIndex) are compacted away: send the snapshot (paper §7).
    if (prevLogIndex < base) return this.maybeSendSnapshot(pr);
    const end = Math.min(this.lastLogIndex, prevLogIndex + this.maxEntries);
    if (end <= prevLogIndex && !sendIfEmpty) return false;
    const ae: AppendEntries<C> = {
      type: 'AppendEntries', from: this.id, to: peer, term: this.persistent.currentTerm, leaderId: this.id,
      prevLogIndex, prevLogTerm: this.termAt(prevLogIndex),
      entries: end > prevLogIndex ? log.slice(prevLogIndex - base, end - base) : NO_ENTRIES,
      leaderCommit: this.volatile.commitIndex,
    };
    this.out.push({ type: 'send', msg: ae });
    pr.sentEntries(ae.entries.length);
    return true;
  }

  /**
   * Sends every follower a heartbeat (§5.2; etcd bcastHeartbeat). While reads wait for
   * confirmation, and always in lease mode, the heartbeats open a new round (etcd heartbeatCtx;
   * see readOnly.ts); otherwise they carry none, as without reads.
   */
  private bcastHeartbeat(): void {
    const ro = this.volatile.readOnly;
    const lease = this.readOnlyOption === 'leaseBased';
    const round = lease || ro.pending.length > 0 ? ro.nextRound(lease ? this.now() : null) : undefined;
    for (const peer of this.peers) this.sendHeartbeat(peer, round);
  }

  /**
   * A heartbeat: an AppendEntries with no entries, anchored at the follower's matchIndex, with
   * leaderCommit = min(commitIndex, matchIndex) (etcd raft sendHeartbeat: "the leader MUST NOT
   * forward the follower's commit to an unmatched index"). Anchored at matchIndex, which the
   * follower is known to hold, it is never rejected, however far nextIndex has run ahead.
   */
  private sendHeartbeat(peer: NodeId, round: number | undefined): void {
    const pr = this.volatile.progress.get(peer)!;
    // A matchIndex compacted away here has no term to send: anchor the heartbeat at index 0,
    // which always matches (it then carries no commitIndex).
    const prevLogIndex = pr.matchIndex >= this.compactedIndex ? pr.matchIndex : 0;
    const ae: AppendEntries<C> = {
      type: 'AppendEntries', from: this.id, to: peer, term: this.persistent.currentTerm, leaderId: this.id,
      prevLogIndex, prevLogTerm: this.termAt(prevLogIndex), entries: NO_ENTRIES,
      leaderCommit: Math.min(this.volatile.commitIndex, prevLogIndex),
    };
    if (round !== undefined) ae.round = round;
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
    pr.recentActive = true; // CheckQuorum: heard from this follower (etcd raft: MsgAppResp, MsgHeartbeatResp)
    if (m.success && m.round !== undefined) this.readAck(m.from, m.round);
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
      // A leader transfer's target has caught up: TimeoutNow (thesis §3.10; etcd raft MsgAppResp).
      const transfer = this.volatile.transfer;
      if (transfer && transfer.to === m.from && pr.matchIndex === this.lastLogIndex) this.sendTimeoutNow(m.from);
      return;
    }
    // A heartbeat to a follower whose matchIndex is compacted away carries prevLogIndex 0; a follower
    // whose own log is compacted answers it with its commitIndex (etcd: MsgAppResp at committed),
    // not 0: that is a heartbeat response too, or the leader would wait forever for inflights a
    // crash or the network lost (found by the issue 13 fuzzer).
    if (answersHeartbeat(m) || (m.success && m.prevLogIndex === 0 && pr.matchIndex < this.compactedIndex)) this.handleHeartbeatResponse(pr);
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
    if (pr.state === 'snapshot') {
      // No answer to the snapshot after LOST_AFTER_HEARTBEATS heartbeat responses: presumed lost
      // (etcd learns it from the transport, MsgSnapStatus reject: PendingSnapshot = 0, BecomeProbe).
      if (++pr.heartbeatsWithoutAck >= LOST_AFTER_HEARTBEATS) {
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
        this.progressChanged(pr, 'snapshot', 'snapshotUnacknowledged', pr.matchIndex);
        this.maybeSendAppend(pr.id, true);
      }
      return;
    }
    if (pr.matchIndex >= this.lastLogIndex && pr.state !== 'probe') return;
    if (pr.state === 'probe') {
      if (pr.nextIndex === pr.matchIndex + 1 && pr.matchIndex >= this.compactedIndex) {
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
      for (let i = Math.min(this.lastLogIndex, m.prevLogIndex); i >= Math.max(1, this.compactedIndex); i--) {
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
    if (v.role !== 'leader') return;
    // The highest index a quorum holds (etcd raft trk.Committed(), quorum.JointConfig.CommittedIndex).
    // Indexes above it have no quorum; below it, commitment follows from Log Matching.
    const n = this.quorumMatchIndex();
    if (!(n > v.commitIndex)) return;
    const term = this.persistent.currentTerm;
    const t = this.termAt(n);
    if (t !== term && !this.unsafe.commitPreviousTermEntries) return;
    this.setCommitIndex(n, this.replicasOf(n), t !== term);
    this.releaseDeferredReads();
  }

  /**
   * The largest index held by a majority of the voters (of each half when joint). The leader holds
   * its whole log; a leader that is not a voter (removed, until it applies that) is not counted,
   * as etcd counts only the configuration's voters. Written without closures: it runs on every
   * acknowledgement.
   */
  private quorumMatchIndex(): number {
    const c = this.volatile.config;
    const a = this.majorityMatchIndex(c.voters);
    return c.votersOutgoing.length ? Math.min(a, this.majorityMatchIndex(c.votersOutgoing)) : a;
  }

  private majorityMatchIndex(voters: readonly NodeId[]): number {
    const k = voters.length;
    if (k === 0) return Number.POSITIVE_INFINITY;
    const last = this.selfMatchIndex();
    const progress = this.volatile.progress;
    const values = new Array<number>(k);
    for (let i = 0; i < k; i++) values[i] = voters[i] === this.id ? last : progress.get(voters[i])?.matchIndex ?? 0;
    values.sort(DESCENDING);
    return values[k >> 1]; // the majority(k)-th largest
  }

  /** Voters (both halves, each once) holding index `n`, the leader included when it is one. */
  private replicasOf(n: number): number {
    const c = this.volatile.config;
    const last = this.selfMatchIndex();
    const progress = this.volatile.progress;
    let count = 0;
    for (const id of c.voters) if ((id === this.id ? last : progress.get(id)?.matchIndex ?? 0) >= n) count++;
    for (const id of c.votersOutgoing) {
      if (!c.voters.includes(id) && (id === this.id ? last : progress.get(id)?.matchIndex ?? 0) >= n) count++;
    }
    return count;
  }

  /** Raises commitIndex and applies every newly committed entry in order (Figure 2, All Servers). */
  private setCommitIndex(to: number, replicas: number, previousTermCounted: boolean): void {
    const v = this.volatile;
    this.out.push({
      type: 'note',
      note: { kind: 'commitAdvanced', from: v.commitIndex, to, term: this.persistent.currentTerm, replicas, entryTerm: this.termAt(to), previousTermCounted },
    });
    v.commitIndex = to;
    this.applyCommitted();
  }

  /**
   * Applies committed entries in order (Figure 2, All Servers: "If commitIndex > lastApplied:
   * increment lastApplied, apply log[lastApplied] to state machine"). A ConfChange entry takes
   * effect here, when it is applied (etcd raft semantics): the node hands the entry to the host in
   * the `apply` effect and switches its own configuration at the same point of the effect stream,
   * which is what etcd's host does by calling ApplyConfChange when it applies the entry. Once the
   * loop is done, a leader whose configuration changed may commit further (a smaller quorum) and
   * probes new members; then AutoLeave may propose leaving a joint configuration.
   */
  private applyCommitted(): void {
    if (this.applying) return;
    this.applying = true;
    const v = this.volatile;
    let changed = false;
    try {
      while (v.lastApplied < v.commitIndex) {
        v.lastApplied++;
        const entry = this.entryAt(v.lastApplied)!;
        this.out.push({ type: 'apply', index: v.lastApplied, entry });
        if (entry.confChange && this.applyConf(entry.confChange, v.lastApplied)) changed = true;
      }
    } finally {
      this.applying = false;
    }
    if (changed && v.role === 'leader') {
      this.maybeCommit();
      // Probe new members at once rather than at the next heartbeat (etcd switchToConfig).
      if (v.role === 'leader') this.bcastAppend(false);
    }
    this.maybeAutoLeave();
  }

  // ---- membership (Raft paper §6, thesis Chapter 4; etcd raft confchange/, switchToConfig) -----

  /**
   * The leader is asked to append a ConfChange (etcd raft stepLeader MsgProp with a conf entry).
   * Refused, with a note and a proposeResult reason, during a leader transfer, while another
   * change is appended and not yet applied (etcd pendingConfIndex: "possible unapplied conf
   * change"), or when the change does not fit the applied configuration (see checkProposal).
   * `auto` is AutoLeave's own empty change. Returns whether it was appended.
   */
  private proposeConfChange(change: ConfChange, auto: boolean): boolean {
    const v = this.volatile;
    const term = this.persistent.currentTerm;
    const refuse = (reason: ConfChangeRefusal, pendingIndex?: number): boolean => {
      const note: Extract<RaftNote, { kind: 'confChangeRefused' }> = { kind: 'confChangeRefused', term, change, reason };
      if (pendingIndex !== undefined) note.pendingIndex = pendingIndex;
      if (!auto) {
        this.note(note);
        const r: RaftEffect<C> = { type: 'proposeResult', accepted: false, leaderHint: this.id, reason };
        if (reason === 'transferring') r.transferee = v.transfer!.to;
        this.out.push(r);
      }
      return false;
    };
    if (v.transfer) return refuse('transferring');
    if (v.pendingConfIndex > v.lastApplied) return refuse('confChangePending', v.pendingConfIndex);
    const bad = checkProposal(v.config, change, this.unsafe.unsafeMultiServerChange ?? false);
    if (bad) return refuse(bad);
    const index = this.appendLocal({ term, command: NOOP, confChange: change });
    v.pendingConfIndex = index;
    this.note({ kind: 'confChangeProposed', index, term, change, auto });
    if (!auto) this.out.push({ type: 'proposeResult', accepted: true, index, term });
    this.bcastAppend(false);
    this.maybeCommit();
    return true;
  }

  /**
   * Applies the ConfChange entry at `index` to this server's configuration (etcd raft
   * applyConfChange + switchToConfig). A leader keeps a Progress for every member: new members get
   * one in probe (etcd initProgress: nextIndex = last index, recently active so that CheckQuorum
   * does not count them out before they could answer), removed ones lose theirs. A leader that is
   * no longer a voter steps down (StepDownOnRemoval, thesis §4.2.2: it kept leading, and replicating,
   * until the entry that removes it was committed); a transfer to a server that is no longer a
   * voter is abandoned. Returns whether the configuration changed.
   */
  private applyConf(change: ConfChange, index: number): boolean {
    const v = this.volatile;
    const r = applyConfChange(v.config, change, this.unsafe.unsafeMultiServerChange ?? false);
    if (!r.ok) {
      this.note({ kind: 'confChangeIgnored', index, change, reason: r.reason });
      return false;
    }
    v.config = r.config;
    this.note({ kind: 'confChangeApplied', index, change, config: r.config, joint: r.joint });
    this.out.push({ type: 'configChanged', index, config: r.config });
    if (v.role !== 'leader') return true;
    const members = this.peers;
    for (const id of [...v.progress.keys()]) if (!members.includes(id)) v.progress.delete(id);
    for (const id of members) {
      if (v.progress.has(id)) continue;
      const pr = new Progress(id, this.id, Math.max(this.lastLogIndex, 1), this.maxInflight);
      pr.recentActive = true;
      v.progress.set(id, pr);
    }
    if (!isVoter(v.config, this.id)) {
      // Tell the followers the commitIndex that covers the change before stepping down (etcd
      // broadcasts the commit before its host applies the entry), so they apply it too.
      this.bcastHeartbeat();
      const term = this.persistent.currentTerm;
      this.becomeFollowerBy(term, null, { type: 'REMOVED' }, { kind: 'leaderRemoved', term, index });
      return true;
    }
    if (v.transfer && !isVoter(v.config, v.transfer.to)) this.abandonTransfer('superseded');
    return true;
  }

  /**
   * etcd raft appliedTo with AutoLeave: a leader whose applied configuration is joint with
   * autoLeave, and which has applied its latest ConfChange, proposes the empty ConfChange that
   * leaves it. Refused during a leader transfer; tried again at the next apply.
   */
  private maybeAutoLeave(): void {
    const v = this.volatile;
    if (v.role !== 'leader' || !v.config.autoLeave || v.lastApplied < v.pendingConfIndex || v.transfer) return;
    this.proposeConfChange({ changes: [] }, true);
  }

  // ---- log compaction and snapshots (Raft paper §7, Figure 13; etcd raft restore, MsgSnap) ---

  /**
   * The host snapshotted its state machine at lastApplied (`data`): keep it as the latest snapshot
   * with the configuration applied there, and discard the log up to lastApplied −
   * snapshotCatchUpEntries (etcd server: CreateSnapshot at the applied index, then Compact at
   * appliedi − SnapshotCatchUpEntries). Nothing happens when lastApplied is not past the latest
   * snapshot (a snapshot at the same index would change nothing).
   */
  private compact(data: unknown): void {
    const v = this.volatile;
    const p = this.persistent;
    const index = v.lastApplied;
    if (index <= this.snapshotIndex) return;
    const term = this.termAt(index);
    p.snapshot = Object.freeze({ metadata: Object.freeze({ index, term, config: v.config }), data });
    if (v.storage) v.storage.snapshotDirty = true;
    const to = Math.max(this.compactedIndex, index - this.snapshotCatchUpEntries);
    this.discardLogTo(to);
    this.note({ kind: 'snapshotTaken', index, term, compactedIndex: this.compactedIndex });
  }

  /** Removes the log entries up to `to` (≤ lastApplied), keeping the term of `to` (etcd MemoryStorage.Compact). */
  private discardLogTo(to: number): void {
    const base = this.compactedIndex;
    if (to <= base) return;
    raftAssert(to <= this.volatile.lastApplied, 'compactApplied', this.id, () => `compacting to ${to} past lastApplied ${this.volatile.lastApplied}`);
    const term = this.termAt(to);
    this.persistent.log.splice(0, to - base);
    this.persistent.compacted = { index: to, term };
    this.out.push({ type: 'compacted', index: to, term });
  }

  /**
   * Sends `pr`'s follower the latest snapshot, whose log it can no longer be sent entries from
   * (etcd raft maybeSendSnapshot): not to a follower that has not answered recently (it may be
   * down; a heartbeat response makes it active), and the Progress waits in snapshot until the
   * follower answers. Returns whether it sent.
   */
  private maybeSendSnapshot(pr: Progress): boolean {
    const snap = this.persistent.snapshot;
    raftAssert(!!snap, 'compactApplied', this.id, () => 'the log is compacted but there is no snapshot');
    if (!pr.recentActive) return false;
    const nextIndex = pr.nextIndex;
    const from = pr.state;
    pr.becomeSnapshot(snap.metadata.index);
    const term = this.persistent.currentTerm;
    this.note({ kind: 'snapshotSent', peer: pr.id, term, index: snap.metadata.index, nextIndex, compactedIndex: this.compactedIndex });
    this.progressChanged(pr, from, 'snapshotSent', snap.metadata.index);
    const msg: InstallSnapshot = {
      type: 'InstallSnapshot', from: this.id, to: pr.id, term, leaderId: this.id,
      lastIncludedIndex: snap.metadata.index, lastIncludedTerm: snap.metadata.term, snapshot: snap,
    };
    this.out.push({ type: 'send', msg });
    return true;
  }

  /**
   * InstallSnapshot receiver implementation (Figure 13; etcd raft handleSnapshot and restore), for
   * m.term = currentTerm and a follower:
   * - a snapshot not past commitIndex is ignored (answered with commitIndex);
   * - if the log holds the snapshot's last entry with its term, commitIndex just moves up to it
   *   and the entries are applied as usual (etcd "fast-forwarded commit to snapshot"; Figure 13
   *   step 6 keeps the log after it);
   * - otherwise the log is discarded, the snapshot becomes the latest one, commitIndex and
   *   lastApplied move to its index, the configuration becomes the snapshot's, and the host is
   *   told to restore its state machine from it (Figure 13 steps 7–8).
   */
  private handleInstallSnapshot(m: InstallSnapshot): void {
    const v = this.volatile;
    v.leaderHeardAtMs = v.clockMs;
    const meta = m.snapshot.metadata;
    if (meta.index <= v.commitIndex) {
      this.note({ kind: 'snapshotIgnored', leader: m.leaderId, index: meta.index, term: meta.term, reason: 'committed' });
      this.answerSnapshot(m, v.commitIndex);
      return;
    }
    if (meta.index <= this.lastLogIndex && meta.index >= this.compactedIndex && this.termAt(meta.index) === meta.term) {
      this.note({ kind: 'snapshotIgnored', leader: m.leaderId, index: meta.index, term: meta.term, reason: 'fastForward' });
      this.setCommitIndex(meta.index, 0, false);
      this.answerSnapshot(m, v.commitIndex);
      return;
    }
    const p = this.persistent;
    const discarded = p.log.length;
    // Entries past the snapshot's index are not committed here (commitIndex < meta.index): dropping them removes nothing committed.
    if (this.lastLogIndex > meta.index) this.out.push({ type: 'logChanged', fromIndex: meta.index + 1 });
    p.log = [];
    p.compacted = { index: meta.index, term: meta.term };
    p.snapshot = m.snapshot;
    if (v.storage) v.storage.snapshotDirty = true;
    this.logDirty(meta.index + 1);
    v.commitIndex = meta.index;
    v.lastApplied = meta.index;
    v.config = meta.config;
    this.out.push({ type: 'compacted', index: meta.index, term: meta.term });
    this.out.push({ type: 'restoreSnapshot', snapshot: m.snapshot });
    this.note({ kind: 'snapshotRestored', leader: m.leaderId, index: meta.index, term: meta.term, discarded });
    this.out.push({ type: 'configChanged', index: meta.index, config: meta.config });
    this.answerSnapshot(m, this.lastLogIndex);
  }

  private answerSnapshot(m: InstallSnapshot, matchIndex: number): void {
    const resp: InstallSnapshotResponse = { type: 'InstallSnapshotResponse', from: this.id, to: m.from, term: this.persistent.currentTerm, matchIndex };
    this.sendAck(resp);
  }

  /**
   * The leader's handling of an InstallSnapshotResponse of its term (etcd raft stepLeader MsgAppResp
   * in StateSnapshot, snapshot_succeed_via_app_resp.txt): a follower that now holds the log at
   * least up to the leader's compacted index goes back to replicate (through probe); otherwise to
   * probe, to find where the logs match. Either way the snapshot state ends.
   */
  private handleInstallSnapshotResponse(m: InstallSnapshotResponse): void {
    const pr = this.volatile.progress.get(m.from);
    if (!pr) return;
    pr.recentActive = true;
    const advanced = pr.maybeUpdate(m.matchIndex);
    if (pr.state === 'snapshot') {
      if (pr.matchIndex + 1 >= this.firstIndex) {
        pr.becomeProbe();
        pr.becomeReplicate();
        this.progressChanged(pr, 'snapshot', 'snapshotInstalled', pr.matchIndex);
      } else {
        pr.pendingSnapshot = 0;
        pr.becomeProbe();
        this.progressChanged(pr, 'snapshot', 'snapshotIgnored', pr.matchIndex);
      }
    }
    if (advanced) this.maybeCommit();
    if (this.volatile.role !== 'leader') return;
    while (this.maybeSendAppend(m.from, false)) { /* keep sending */ }
    const transfer = this.volatile.transfer;
    if (transfer && transfer.to === m.from && pr.matchIndex === this.lastLogIndex) this.sendTimeoutNow(m.from);
  }

  // ---- assertions ------------------------------------------------------------------------

  /** The internal rules of assert.ts, checked after every step. */
  private assertRules(commitBefore: number, wasLeader: boolean, lastBefore: number, lastEntryBefore: LogEntry<C> | undefined): void {
    const v = this.volatile;
    const last = this.lastLogIndex;
    raftAssert(v.commitIndex >= commitBefore, 'commitIndexMonotonic', this.id, () => `commitIndex went from ${commitBefore} to ${v.commitIndex}`);
    raftAssert(v.lastApplied <= v.commitIndex, 'appliedWithinCommit', this.id, () => `lastApplied ${v.lastApplied} > commitIndex ${v.commitIndex}`);
    // A follower whose committed entries were removed (only an unsafe switch or impossible initial
    // logs allow it; see VolatileState.committedEntryRemoved) may hold fewer entries than commitIndex.
    raftAssert(v.commitIndex <= last || v.committedEntryRemoved, 'commitWithinLog', this.id, () => `commitIndex ${v.commitIndex} > last log index ${last}`);
    if (wasLeader && v.role === 'leader') {
      raftAssert(
        last >= lastBefore && (lastBefore <= this.compactedIndex || this.entryAt(lastBefore) === lastEntryBefore),
        'leaderAppendOnly', this.id, () => `the leader's log went from ${lastBefore} entries to ${last}, or entry ${lastBefore} was replaced`,
      );
    }
  }
}

/** A copy of persistent state: the log array is copied; entries, snapshots and configurations are immutable and shared. */
function copyPersistent<C>(p: PersistentState<C>): PersistentState<C> {
  const out: PersistentState<C> = { currentTerm: p.currentTerm, votedFor: p.votedFor, log: p.log.slice() };
  if (p.compacted && p.compacted.index > 0) out.compacted = { index: p.compacted.index, term: p.compacted.term };
  if (p.snapshot) out.snapshot = p.snapshot;
  if (p.commitIndex) out.commitIndex = p.commitIndex;
  return out;
}

function cloneVolatile(v: VolatileState): VolatileState {
  return {
    config: v.config,
    pendingConfIndex: v.pendingConfIndex,
    role: v.role,
    commitIndex: v.commitIndex,
    lastApplied: v.lastApplied,
    leaderId: v.leaderId,
    votesGranted: v.votesGranted.slice(),
    progress: new Map([...v.progress].map(([id, pr]) => [id, pr.clone()])),
    committedEntryRemoved: v.committedEntryRemoved,
    lastTransition: v.lastTransition ? { ...v.lastTransition } : null,
    clockMs: v.clockMs,
    leaderHeardAtMs: v.leaderHeardAtMs,
    votesRefused: v.votesRefused.slice(),
    quorumCheckAtMs: v.quorumCheckAtMs,
    transfer: v.transfer ? { ...v.transfer } : null,
    readOnly: v.readOnly.clone(),
    storage: v.storage ? cloneStorage(v.storage) : null,
  };
}
