/**
 * Types of the Raft core. Names follow the Raft paper's Figure 2 and etcd raft (Progress, probe,
 * replicate, snapshot, inflights). Log indexes are 1-based as in the paper; index 0 means "before
 * the first entry" (term 0).
 *
 * Commands are opaque to the core: every type that carries log entries takes the command type `C`
 * as a parameter (the engine uses the KV store's command). The only command the core makes itself
 * is a new leader's no-op (Raft paper §8).
 */

/** A server's name, unique in the cluster. Always used as a `Map` key inside the core, never as an object key. */
export type NodeId = string;
/**
 * The roles of the Raft paper's Figure 4, plus PreVote's `preCandidate` (Raft thesis §9.6, etcd
 * raft's StatePreCandidate): a server that asks for pre-votes for currentTerm + 1 without raising
 * its term. Only a node with RaftConfig.preVote ever becomes one.
 */
export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** The entry a new leader appends in its term so that earlier entries can commit (Raft paper §8). */
export interface NoopCommand {
  readonly type: 'noop';
}

/** The no-op command; shared, never mutated. */
export const NOOP: NoopCommand = Object.freeze({ type: 'noop' });

/**
 * One log entry: the term in which a leader created it and the command it carries (Figure 2).
 * `C` is the state machine's command type; the core never looks inside it.
 */
export interface LogEntry<C = unknown> {
  readonly term: number;
  readonly command: C | NoopCommand;
  /**
   * Present only on a configuration change entry (etcd raft EntryConfChange / EntryConfChangeV2).
   * Its `command` is then NOOP, so a host that knows nothing of membership applies it as a no-op;
   * the node itself switches its configuration when it applies the entry (see ConfChange).
   */
  readonly confChange?: ConfChange;
}

// ---- membership (etcd raft tracker.Config, raftpb.ConfChangeV2) ----------------------------

/**
 * A server's configuration: who votes and who only receives the log (etcd raft tracker.Config).
 * Outside joint consensus `votersOutgoing` and `learnersNext` are empty. In a joint configuration
 * (Raft paper §6, "C_old,new"; thesis §4.3) decisions (commit, elections, PreVote, CheckQuorum,
 * ReadIndex, leases) need a majority of `voters` (C_new) AND a majority of `votersOutgoing` (C_old).
 * A learner receives entries and snapshots, never campaigns and counts in no quorum. A voter of
 * `votersOutgoing` made a learner in the joint change waits in `learnersNext` until the joint
 * configuration is left (etcd LearnersNext). `autoLeave`: the leader proposes the empty ConfChange
 * that leaves the joint configuration as soon as the joint one is applied (etcd AutoLeave).
 * Arrays keep insertion order (deterministic); objects are frozen and replaced, never mutated.
 */
export interface MembershipConfig {
  readonly voters: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly learnersNext: readonly NodeId[];
  readonly autoLeave: boolean;
}

/** One change of a ConfChange (etcd raftpb.ConfChangeSingle). `addNode` of a learner promotes it. */
export interface ConfChangeSingle {
  readonly type: 'addNode' | 'addLearnerNode' | 'removeNode';
  readonly nodeId: NodeId;
}

/**
 * A configuration change, carried by a log entry and applied when that entry is applied (etcd raft
 * ConfChangeV2; a V1 ConfChange is one change). How it is applied (etcd ConfChangeV2.EnterJoint):
 * - no changes: leave the joint configuration (C_old,new → C_new);
 * - one change and `transition` 'auto' (the default): a single-server change (thesis §4.1), at once;
 * - more than one change, or `transition` 'explicit': enter a joint configuration (paper §6). With
 *   'auto' the leader leaves it by itself once it is applied (AutoLeave); with 'explicit' only an
 *   empty ConfChange proposed by the host leaves it.
 * With `unsafe.unsafeMultiServerChange` several changes with 'auto' are applied at once, without
 * joint consensus (the paper's Figure 10 hazard).
 */
export interface ConfChange {
  readonly transition?: 'auto' | 'explicit';
  readonly changes: readonly ConfChangeSingle[];
}

/**
 * Why a `proposeConfChange` was refused (etcd raft stepLeader MsgProp checks and confchange.Changer
 * errors, plus the checks a member step needs):
 * - `confChangePending`: a change is proposed and not yet applied (etcd pendingConfIndex);
 * - `inJointConfig`: in a joint configuration, only the empty change that leaves it is allowed;
 * - `notInJointConfig`: an empty change outside a joint configuration;
 * - `removesAllVoters`: the change would leave no voter;
 * - `tooManyVoterChanges`: more than one voter would change without joint consensus;
 * - `alreadyVoter` / `alreadyLearner`: adding a server that already has that role;
 * - `notMember`: removing a server that is neither voter nor learner;
 * - `transferring`: a leader transfer is under way (thesis §3.10).
 */
export type ConfChangeRefusal =
  | 'confChangePending' | 'inJointConfig' | 'notInJointConfig' | 'removesAllVoters' | 'tooManyVoterChanges'
  | 'alreadyVoter' | 'alreadyLearner' | 'notMember' | 'transferring';

// ---- snapshots (Raft paper §7, Figure 13; etcd raftpb.Snapshot) ---------------------------

/**
 * What a snapshot replaces: the log up to and including `index` (of term `term`), and the
 * configuration applied at that index (etcd SnapshotMetadata: Index, Term, ConfState).
 */
export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly config: MembershipConfig;
}

/**
 * A snapshot of the state machine at `metadata.index`. `data` is opaque to the node: the host puts
 * its state machine there (`compact` input) and restores it from there (`restoreSnapshot` effect).
 */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: unknown;
}

/** State every server keeps on stable storage before answering RPCs (Figure 2, "Persistent state"). */
export interface PersistentState<C = unknown> {
  currentTerm: number;
  votedFor: NodeId | null;
  /**
   * The entries after `compacted.index`: log[0] holds index compacted.index + 1 (index 1 when
   * nothing was compacted). Entries are never mutated; the array is truncated and appended to.
   */
  log: LogEntry<C>[];
  /**
   * The last entry removed by log compaction (Raft paper §7): its index and term (etcd
   * MemoryStorage's dummy first entry). Absent or { 0, 0 } when nothing was compacted.
   */
  compacted?: { index: number; term: number };
  /** The latest snapshot (paper §7), covering at least every entry up to `compacted.index`; absent or null when none. */
  snapshot?: Snapshot | null;
  /**
   * The commitIndex last written to stable storage (etcd HardState.Commit), or absent. Only a host
   * that models the WAL (RaftConfig.asyncStorage, wal.ts) fills it in; a restarting node then starts
   * with this commitIndex and re-applies the entries up to it in `start()`.
   */
  commitIndex?: number;
}

/**
 * The hard state a `persist` effect writes (etcd raftpb.HardState: Term, Vote, Commit):
 * Figure 2's persistent currentTerm and votedFor, plus commitIndex as etcd persists it.
 */
export interface HardState {
  currentTerm: number;
  votedFor: NodeId | null;
  commitIndex: number;
}

/**
 * One write to stable storage (RaftConfig.asyncStorage; etcd raft's MsgStorageAppend): the hard
 * state after the step, the log entries from `entries.fromIndex` on (the WAL drops what it held
 * from that index, then appends them), and the snapshot this server took or installed, if any.
 * Writes are numbered 1, 2, 3, … per node incarnation (`id`).
 */
export interface PersistWrite<C = unknown> {
  id: number;
  hardState: HardState;
  entries?: { fromIndex: number; entries: LogEntry<C>[] };
  snapshot?: Snapshot;
}

/**
 * Deliberate deviations from the paper, for teaching and to prove the checkers can fail (issue 3).
 * All false in a correct cluster.
 */
export interface UnsafeFlags {
  /** Count replicas of entries from earlier terms to commit them: the Figure 8 bug (breaks §5.4.2). */
  commitPreviousTermEntries: boolean;
  /** Grant votes without the §5.4.1 up-to-date check. */
  skipUpToDateCheck: boolean;
  /** votedFor is not persisted: a restart forgets the vote (breaks one vote per term). */
  forgetVoteOnRestart: boolean;
  /** Overwrite conflicting entries in place without deleting the entries that follow (breaks §5.3). */
  noTruncateOnConflict: boolean;
  /**
   * A leader answers a `readIndex` at once with its commitIndex, with no heartbeat round and no
   * lease (breaks thesis §6.4): a deposed leader cut off in a minority serves stale reads.
   * Optional so that flag sets written before it existed still type-check; absent = false.
   */
  leaderReadsLocally?: boolean;
  /**
   * A ConfChange of several servers (transition 'auto') is applied at once, without joint
   * consensus (the Raft paper's Figure 10 hazard): two disjoint majorities of the old and the new
   * configuration can elect two leaders in one term. Optional; absent = false.
   */
  unsafeMultiServerChange?: boolean;
  /**
   * With RaftConfig.asyncStorage: acknowledge (grant a vote, answer AppendEntries or
   * InstallSnapshot, count the leader's own log for commit) before the write that holds the state
   * completed (etcd raft sends these only after MsgStorageAppendResp). A crash before the write
   * completes then loses entries a majority acknowledged. Optional; absent = false.
   */
  ackBeforeFsync?: boolean;
}

/** Default of RaftConfig.maxEntriesPerAppend: most entries one AppendEntries carries. */
export const DEFAULT_MAX_ENTRIES_PER_APPEND = 64;
/**
 * Default of RaftConfig.maxInflightMsgs: most unacknowledged AppendEntries per follower in
 * replicate (etcd raft Config.MaxInflightMsgs; etcd's server uses 512, a small cap keeps the picture readable).
 */
export const DEFAULT_MAX_INFLIGHT_MSGS = 8;

/** Every unsafe switch off: the protocol as the paper gives it. */
export const SAFE: UnsafeFlags = Object.freeze({
  commitPreviousTermEntries: false,
  skipUpToDateCheck: false,
  forgetVoteOnRestart: false,
  noTruncateOnConflict: false,
  leaderReadsLocally: false,
  unsafeMultiServerChange: false,
});

/** Why a vote was refused (shown in the UI's "why"). */
export type VoteRefusal = 'staleTerm' | 'alreadyVoted' | 'logNotUpToDate';
/**
 * Why a pre-vote was refused (Raft thesis §9.6): the three reasons of a vote, plus `leaderActive`:
 * the voter heard from a leader of its term within the minimum election timeout (or is the leader).
 */
export type PreVoteRefusal = VoteRefusal | 'leaderActive';
/**
 * Why a read (a `readIndex` input) was refused; the host turns each into a client retry:
 * - `noLeader`: this server is not leader and knows no leader to ask;
 * - `notLeader`: the server asked for a read index is not (or no longer) the leader;
 * - `staleTerm`: the leader asked is in a later term than the request (the asker was behind);
 * - `steppedDown`: the leader stepped down before the read was confirmed.
 */
export type ReadRefusal = 'noLeader' | 'notLeader' | 'staleTerm' | 'steppedDown';
/**
 * Why a `transferLeadership` input was refused (Raft thesis §3.10; etcd raft stepLeader
 * MsgTransferLeader): to the leader itself, to a server that is not in the cluster, to the server
 * a transfer is already under way to, asked of a server that is not leader, or to a learner (etcd:
 * "is learner. Ignored transferring leadership").
 */
export type TransferRefusal = 'toSelf' | 'unknownServer' | 'alreadyTransferring' | 'notLeader' | 'learner';
/** Why an AppendEntries was rejected. */
export type AppendRejection = 'staleTerm' | 'missingEntry' | 'termMismatch';

/** RequestVote RPC arguments (Figure 2). */
export interface RequestVote {
  type: 'RequestVote';
  from: NodeId;
  to: NodeId;
  term: number;
  candidateId: NodeId;
  lastLogIndex: number;
  lastLogTerm: number;
  /**
   * Present (true) only on the election a TimeoutNow started (leader transfer, thesis §3.10; etcd
   * raft's campaignTransfer context): voters grant it even within the CheckQuorum leader lease.
   */
  transfer?: true;
}

/** RequestVote RPC results (Figure 2); `reason` and the voter's last entry explain a refusal. */
export interface RequestVoteResponse {
  type: 'RequestVoteResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  voteGranted: boolean;
  reason?: VoteRefusal;
  /** The voter's last log entry, so a refusal for §5.4.1 can be explained. */
  lastLogIndex: number;
  lastLogTerm: number;
}

/**
 * AppendEntries RPC arguments (Figure 2). An empty `entries` is a heartbeat (§5.2); a leader builds
 * its heartbeats at the follower's matchIndex (prevLogIndex = matchIndex, leaderCommit =
 * min(commitIndex, matchIndex), as etcd raft's heartbeat commit), so a heartbeat is never rejected.
 */
export interface AppendEntries<C = unknown> {
  type: 'AppendEntries';
  from: NodeId;
  to: NodeId;
  term: number;
  leaderId: NodeId;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: LogEntry<C>[];
  leaderCommit: number;
  /**
   * Heartbeats only, and only while reads need it (pending ReadIndex reads, or every heartbeat in
   * lease mode): the leader's heartbeat round, echoed in the response (etcd raft MsgHeartbeat
   * Context). A majority acknowledging round r confirms the leader was still leader after r was sent.
   */
  round?: number;
}

/**
 * AppendEntries RPC results (Figure 2) plus the hints of accelerated log backtracking (§5.3):
 * on rejection, `conflictTerm` is the term of the follower's entry at prevLogIndex (0 when the
 * follower's log is too short) and `conflictIndex` the first index the follower holds with that term
 * (or its log length + 1). On success `matchIndex` is the index of the last entry known to match
 * (prevLogIndex + the number of entries carried; 0 on rejection).
 * `prevLogIndex` echoes the request's: on rejection it is the rejected index, which lets the leader
 * tell a stale rejection from a real one (etcd raft's MsgAppResp Index, tracker/progress.go
 * MaybeDecrTo); on success `matchIndex === prevLogIndex` means the request carried no entries (a
 * heartbeat response, etcd's MsgHeartbeatResp; see `answersHeartbeat`).
 */
export interface AppendEntriesResponse {
  type: 'AppendEntriesResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  success: boolean;
  matchIndex: number;
  prevLogIndex: number;
  conflictTerm: number;
  conflictIndex: number;
  reason?: AppendRejection;
  /** The heartbeat round of the AppendEntries this accepts, when it carried one (see AppendEntries.round). */
  round?: number;
}

/** Whether a successful AppendEntriesResponse answers an AppendEntries without entries (a heartbeat, §5.2). */
export function answersHeartbeat(m: AppendEntriesResponse): boolean {
  return m.success && m.matchIndex === m.prevLogIndex;
}

/**
 * PreVote RPC arguments (Raft thesis §9.6; etcd raft MsgPreVote): like RequestVote, but `term` is
 * the term the pre-candidate would stand in (its currentTerm + 1), which it has not adopted.
 * A voter answers without changing its currentTerm or votedFor.
 */
export interface PreVote {
  type: 'PreVote';
  from: NodeId;
  to: NodeId;
  term: number;
  candidateId: NodeId;
  lastLogIndex: number;
  lastLogTerm: number;
}

/**
 * PreVote RPC results (etcd raft MsgPreVoteResp). `term` is the term asked for when granted, the
 * voter's currentTerm when refused (so a pre-candidate that is behind learns the term).
 */
export interface PreVoteResponse {
  type: 'PreVoteResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  voteGranted: boolean;
  reason?: PreVoteRefusal;
  /** The voter's last log entry, so a refusal for §5.4.1 can be explained. */
  lastLogIndex: number;
  lastLogTerm: number;
}

/**
 * A leader tells the target of a leader transfer, whose log is up to date, to start an election at
 * once (Raft thesis §3.10; etcd raft MsgTimeoutNow). The target skips PreVote and its RequestVote
 * carries `transfer`, so voters grant it within the CheckQuorum lease.
 */
export interface TimeoutNow {
  type: 'TimeoutNow';
  from: NodeId;
  to: NodeId;
  term: number;
  leaderId: NodeId;
}

/**
 * A follower asks its leader for a read index on behalf of a read it was given (Raft thesis §6.4;
 * etcd raft MsgReadIndex). `ctx` is the read's opaque id, echoed in the answer.
 */
export interface ReadIndex {
  type: 'ReadIndex';
  from: NodeId;
  to: NodeId;
  term: number;
  ctx: string;
  /** The read's own confirmation mode, when its `readIndex` input gave one (see ReadOptionOverride). */
  readOnly?: ReadOnlyOption;
}

/**
 * How a leader confirms a read (RaftConfig.readOnly): 'safe' (a heartbeat round, thesis §6.4) or
 * 'leaseBased' (its lease, §6.4.1). A `readIndex` input may give one for that read alone (for
 * lessons that compare read paths in one run): the leader then confirms it that way, and
 * unsafe.leaderReadsLocally does not apply to it; a lease is only ever held in 'leaseBased' config.
 */
export type ReadOnlyOption = 'safe' | 'leaseBased';

/**
 * The leader's answer to a ReadIndex (etcd raft MsgReadIndexResp): on success `index` is the
 * confirmed read index (the asker may serve the read once its lastApplied reaches it); otherwise
 * `index` is 0 and `reason` says why.
 */
export interface ReadIndexResponse {
  type: 'ReadIndexResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  ctx: string;
  success: boolean;
  index: number;
  reason?: ReadRefusal;
}

/**
 * InstallSnapshot RPC arguments (Raft paper Figure 13; etcd raft MsgSnap): a leader sends a
 * follower whose nextIndex is at or below the leader's compacted index its latest snapshot, whole
 * (no `offset`/`done` chunks, as etcd). `lastIncludedIndex`/`lastIncludedTerm` repeat the
 * snapshot's metadata, as Figure 13 names them.
 */
export interface InstallSnapshot {
  type: 'InstallSnapshot';
  from: NodeId;
  to: NodeId;
  term: number;
  leaderId: NodeId;
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  snapshot: Snapshot;
}

/**
 * InstallSnapshot RPC results (Figure 13: `term`), plus `matchIndex` as etcd raft answers MsgSnap
 * with a MsgAppResp: the follower's last log index after restoring the snapshot, or its
 * commitIndex when it ignored it (it was not newer than what the follower had committed).
 */
export interface InstallSnapshotResponse {
  type: 'InstallSnapshotResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  matchIndex: number;
}

/** Every message between servers: Figure 2's two RPCs and their results, InstallSnapshot, PreVote, TimeoutNow and ReadIndex. */
export type RaftMessage<C = unknown> =
  | RequestVote | RequestVoteResponse | AppendEntries<C> | AppendEntriesResponse
  | PreVote | PreVoteResponse | TimeoutNow | ReadIndex | ReadIndexResponse
  | InstallSnapshot | InstallSnapshotResponse;

/**
 * What can happen to a node: its timers fire, a message arrives, a client asks for a command, a
 * linearizable read (`readIndex`, thesis §6.4: `ctx` is the read's opaque id, echoed in the
 * readReady/readRefused effect) or a leader transfer (`transferLeadership`, thesis §3.10), an
 * operator proposes a membership change (`proposeConfChange`), or the host snapshots its state
 * machine so that the log can be compacted (`compact`).
 */
export type RaftInput<C = unknown> =
  | { type: 'electionTimeout' }
  | { type: 'heartbeatTimeout' }
  | { type: 'message'; msg: RaftMessage<C> }
  | { type: 'propose'; command: C }
  | { type: 'readIndex'; ctx: string; readOnly?: ReadOnlyOption }
  | { type: 'transferLeadership'; to: NodeId }
  /** A membership change for the leader to append (etcd raft ProposeConfChange); answered by a proposeResult. */
  | { type: 'proposeConfChange'; change: ConfChange }
  /**
   * The host took a snapshot of its state machine at this server's lastApplied, `data` (opaque):
   * the node keeps it as its latest snapshot and discards the log up to lastApplied −
   * RaftConfig.snapshotCatchUpEntries (etcd: Storage.CreateSnapshot + Compact; Raft paper §7).
   */
  | { type: 'compact'; data: unknown }
  /**
   * RaftConfig.asyncStorage only: every write up to and including `id` (a `persist` effect) is on
   * stable storage (etcd raft MsgStorageAppendResp). Releases the acknowledgements held for them.
   */
  | { type: 'persisted'; id: number };

/**
 * The leader's view of how it replicates to one follower (etcd raft tracker/progress.go StateType):
 * `probe`: at most one AppendEntries with entries in flight, until the follower answers (used after
 * an election and after a rejection, to find where the logs match); `replicate`: entries are sent
 * optimistically as they arrive, at most maxInflightMsgs AppendEntries in flight; `snapshot`: waiting
 * for an InstallSnapshot to land (nothing else is sent meanwhile).
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/**
 * Why a follower's Progress changed state (data for the why feed; the UI words it):
 * - `appendAccepted`: the follower accepted entries up to `index` (probe → replicate);
 * - `appendRejected`: the follower rejected an AppendEntries at prevLogIndex `index` (replicate → probe);
 * - `heartbeatResponse`: a heartbeat response showed the follower holds the log up to matchIndex
 *   `index`, with nothing else in flight (probe → replicate, as etcd's MsgAppResp at Match);
 * - `appendUnacknowledged`: entries after matchIndex `index` are in flight but two heartbeat responses
 *   came back without an acknowledgement: they are presumed lost (replicate → probe);
 * - `snapshotSent`: the follower needs entries up to `index` that are compacted away: it is sent the
 *   snapshot (→ snapshot; etcd maybeSendSnapshot);
 * - `snapshotInstalled`: the follower answered the snapshot and now holds the log up to `index`
 *   (snapshot → replicate, through probe, as etcd's MsgAppResp in StateSnapshot);
 * - `snapshotIgnored`: the follower answered the snapshot without it catching it up to the log, at
 *   `index` (snapshot → probe);
 * - `snapshotUnacknowledged`: two heartbeat responses came back while the snapshot was unanswered:
 *   it is presumed lost (snapshot → probe; etcd learns it from MsgSnapStatus).
 */
export type ProgressChangeCause =
  | 'appendAccepted' | 'appendRejected' | 'heartbeatResponse' | 'appendUnacknowledged'
  | 'snapshotSent' | 'snapshotInstalled' | 'snapshotIgnored' | 'snapshotUnacknowledged';

/** Plain-data copy of one follower's Progress, as a leader keeps it (for the inspector). */
export interface ProgressView {
  id: NodeId;
  state: ProgressState;
  /** Index of the next log entry to send (Figure 2); in replicate it runs ahead of what is acknowledged. */
  nextIndex: number;
  /** Index of the highest log entry known to be replicated on the follower (Figure 2). */
  matchIndex: number;
  /** AppendEntries with entries sent and not yet acknowledged (replicate only; etcd Inflights.Count). */
  inflight: number;
  /** The cap on `inflight` (RaftConfig.maxInflightMsgs). */
  maxInflight: number;
  /** Sending entries is held back: probe with a probe in flight, replicate with inflight full, or snapshot (etcd IsPaused). */
  paused: boolean;
  /** Present (true) only for a learner (etcd Progress.IsLearner). */
  learner?: true;
  /** Present only in snapshot: the index of the snapshot sent (etcd PendingSnapshot). */
  pendingSnapshot?: number;
}

/** Something that changed a node's commitIndex, role or replication, as data for the "why" feed. */
export type RaftNote =
  | { kind: 'voteGranted'; candidate: NodeId; term: number }
  | { kind: 'voteRefused'; candidate: NodeId; term: number; reason: VoteRefusal; candidateLast: [number, number]; myLast: [number, number] }
  | { kind: 'appendRejected'; leader: NodeId; term: number; reason: AppendRejection; prevLogIndex: number; prevLogTerm: number }
  /**
   * commitIndex rose from `from` to `to`. `term` is the node's currentTerm, `entryTerm` the term of
   * the entry at `to`. `replicas` counts the servers holding `to` (a leader's commit, Figure 2
   * Leaders rule); 0 for a follower that learnt it from leaderCommit. `previousTermCounted` is true
   * when a leader committed an entry of an earlier term by counting replicas: only
   * `unsafe.commitPreviousTermEntries` allows that, breaking §5.4.2 (the Figure 8 bug).
   */
  | { kind: 'commitAdvanced'; from: number; to: number; term: number; replicas: number; entryTerm: number; previousTermCounted: boolean }
  | { kind: 'steppedDown'; term: number; cause: 'higherTerm' | 'leaderDiscovered'; from: NodeId }
  /**
   * CheckQuorum (thesis §6.2, etcd raft MsgCheckQuorum): a leader heard from only `heardFrom`
   * (itself included) of the cluster's `servers` in the last `windowMs` ms of its own clock, fewer
   * than a majority, and steps down to follower of the same term.
   */
  | { kind: 'steppedDown'; term: number; cause: 'checkQuorum'; heardFrom: NodeId[]; servers: number; windowMs: number }
  | { kind: 'electionStarted'; term: number }
  | { kind: 'electionWon'; term: number; votes: NodeId[] }
  /** A leader's Progress for `peer` changed state (etcd raft tracker/progress.go BecomeProbe/BecomeReplicate). */
  | { kind: 'progressChanged'; peer: NodeId; term: number; from: ProgressState; to: ProgressState; cause: ProgressChangeCause; index: number }
  // ---- PreVote (thesis §9.6) ----
  /** The server's election timer fired and it asks for pre-votes for `term` (its currentTerm + 1, not adopted). */
  | { kind: 'preVoteStarted'; term: number }
  /** Granted `candidate` a pre-vote for `term`; currentTerm and votedFor are unchanged. */
  | { kind: 'preVoteGranted'; candidate: NodeId; term: number }
  /**
   * Refused `candidate` a pre-vote for `term`. For `leaderActive`, `leader` is the leader heard
   * from (this server itself when it is the leader) and `heardAgoMs` how long ago, on this server's clock.
   */
  | {
    kind: 'preVoteRefused'; candidate: NodeId; term: number; reason: PreVoteRefusal;
    candidateLast: [number, number]; myLast: [number, number]; leader?: NodeId; heardAgoMs?: number;
  }
  /** A majority (`votes`, itself included) granted pre-votes for `term`: the server becomes candidate in it. */
  | { kind: 'preVoteWon'; term: number; votes: NodeId[] }
  /** A majority (`refusedBy`) refused pre-votes for `term`: the pre-candidate returns to follower, term unchanged. */
  | { kind: 'preVoteLost'; term: number; refusedBy: NodeId[] }
  // ---- CheckQuorum's leader lease (thesis §4.2.3; etcd raft Step, inLease) ----
  /**
   * Ignored, without an answer, a RequestVote (or PreVote when `preVote`) from `candidate` for
   * `term`: it heard from `leader` `heardAgoMs` ms ago, within the minimum election timeout
   * (`leader` is this server itself when it is the leader).
   */
  | { kind: 'voteIgnored'; candidate: NodeId; term: number; preVote: boolean; leader: NodeId; heardAgoMs: number }
  // ---- reads (thesis §6.4) ----
  /** The leader confirmed read `ctx` at read index `index`: a majority acknowledged a heartbeat sent after it arrived (`confirmedBy`: the followers; the leader counts too). */
  | { kind: 'readConfirmed'; ctx: string; index: number; term: number; confirmedBy: NodeId[] }
  /** A new leader holds read `ctx` until it has committed an entry of its term (etcd raft pendingReadIndexMessages). */
  | { kind: 'readDeferred'; ctx: string; term: number }
  /** The leader answered read `ctx` at once from its lease, which holds until `leaseUntilMs` on its own clock (thesis §6.4.1). */
  | { kind: 'leaseRead'; ctx: string; index: number; term: number; leaseUntilMs: number }
  /** Lease mode, but the lease does not hold (it ran out at `leaseUntilMs`, or null: never held, or revoked by a leader transfer): read `ctx` takes a heartbeat round instead. */
  | { kind: 'leaseLapsed'; ctx: string; term: number; leaseUntilMs: number | null }
  /** unsafe.leaderReadsLocally: the leader answered read `ctx` at once with its commitIndex, unconfirmed. */
  | { kind: 'readLocal'; ctx: string; index: number; term: number }
  /** A follower asked its leader for a read index for read `ctx`. */
  | { kind: 'readForwarded'; ctx: string; leader: NodeId }
  /** A follower got read index `index` for read `ctx` from `leader`. */
  | { kind: 'readIndexFromLeader'; ctx: string; index: number; leader: NodeId }
  /** Read `ctx` was refused here (see ReadRefusal); `leaderHint` is the leader this server knows, if any. */
  | { kind: 'readRefused'; ctx: string; reason: ReadRefusal; leaderHint: NodeId | null }
  // ---- leader transfer (thesis §3.10) ----
  /** The leader starts a transfer to `to`, whose matchIndex is `matchIndex` of `lastLogIndex`; it refuses proposals meanwhile. */
  | { kind: 'transferStarted'; to: NodeId; term: number; matchIndex: number; lastLogIndex: number }
  /** The leader sent TimeoutNow to `to`: its log is up to date (matchIndex = last log index). */
  | { kind: 'timeoutNowSent'; to: NodeId; term: number; matchIndex: number }
  /** The transfer to `to` was abandoned: not completed within the minimum election timeout (`elapsedMs`), or superseded by another transfer request. Proposals are accepted again. */
  | { kind: 'transferAbandoned'; to: NodeId; term: number; reason: 'timeout' | 'superseded'; elapsedMs: number }
  /** A transfer to `to` was refused (see TransferRefusal); `leaderHint` is the leader this server knows, if any. */
  | { kind: 'transferRefused'; to: NodeId; term: number; reason: TransferRefusal; leaderHint: NodeId | null }
  /** The server got TimeoutNow from leader `from` and starts an election at once, skipping PreVote. */
  | { kind: 'timeoutNowReceived'; from: NodeId; term: number }
  // ---- membership (Raft paper §6, thesis Chapter 4; etcd raft confchange/) ----
  /** The leader appended ConfChange `change` at `index`; `auto` when it is AutoLeave's empty change, proposed by the leader itself. */
  | { kind: 'confChangeProposed'; index: number; term: number; change: ConfChange; auto: boolean }
  /** A proposed ConfChange was refused (see ConfChangeRefusal); `pendingIndex` is the unapplied change's index for `confChangePending`. */
  | { kind: 'confChangeRefused'; term: number; change: ConfChange; reason: ConfChangeRefusal; pendingIndex?: number }
  /**
   * The ConfChange at `index` was applied here: this server's configuration is now `config`.
   * `joint`: 'entered' a joint configuration, 'left' one, or 'none' (a single-server change).
   */
  | { kind: 'confChangeApplied'; index: number; change: ConfChange; config: MembershipConfig; joint: 'entered' | 'left' | 'none' }
  /** The ConfChange at `index` could not be applied to the configuration in force (etcd would panic); it changes nothing. */
  | { kind: 'confChangeIgnored'; index: number; change: ConfChange; reason: ConfChangeRefusal }
  /**
   * The leader applied the ConfChange at `index`, which leaves it out of the voters (removed, or
   * made a learner): it steps down to follower of the same term (etcd raft StepDownOnRemoval;
   * thesis §4.2.2). A removed server does not campaign any more (campaignSkipped).
   */
  | { kind: 'leaderRemoved'; term: number; index: number }
  /** The election timer fired but this server may not campaign (etcd promotable): it is a learner, or not a voter of its configuration. */
  | { kind: 'campaignSkipped'; term: number; reason: 'learner' | 'notMember' | 'unappliedConfChange' }
  // ---- snapshots and log compaction (paper §7) ----
  /** The host snapshotted the state machine at `index` (term `term`); the log now starts after `compactedIndex`. */
  | { kind: 'snapshotTaken'; index: number; term: number; compactedIndex: number }
  /** The leader sent its snapshot (up to `index`) to `peer`, whose nextIndex was `nextIndex`, at or below the compacted index `compactedIndex`. */
  | { kind: 'snapshotSent'; peer: NodeId; term: number; index: number; nextIndex: number; compactedIndex: number }
  /** This server restored the snapshot from `leader` up to `index`, replacing its log (`discarded` entries dropped) and its state machine. */
  | { kind: 'snapshotRestored'; leader: NodeId; index: number; term: number; discarded: number }
  /**
   * This server did not restore the snapshot from `leader` up to `index`: it had committed that far
   * already (`committed`), or its log holds that entry with the same term, in which case it only
   * raised commitIndex to it (`fastForward`, etcd raft restore).
   */
  | { kind: 'snapshotIgnored'; leader: NodeId; index: number; term: number; reason: 'committed' | 'fastForward' };

/**
 * What a node asks its host to do after a step (the equivalent of etcd raft's Ready).
 * Durations are ms of simulated time.
 */
export type RaftEffect<C = unknown> =
  | { type: 'send'; msg: RaftMessage<C> }
  /** (Re)start the election timer with a fresh random timeout (§5.2). */
  | { type: 'resetElectionTimer' }
  | { type: 'stopElectionTimer' }
  /** Fire heartbeatTimeout after `delayMs`. */
  | { type: 'setHeartbeatTimer'; delayMs: number }
  | { type: 'stopHeartbeatTimer' }
  /** Apply this committed entry to the state machine; emitted in index order. */
  | { type: 'apply'; index: number; entry: LogEntry<C> }
  /**
   * Answer to a `propose` input. Refused by a server that is not leader (no `reason`; `leaderHint`
   * is the leader it knows), or by a leader during a leader transfer (`reason: 'transferring'`,
   * `transferee` the target; thesis §3.10): the client should retry, like a redirect. A
   * `proposeConfChange` may also be refused with a ConfChangeRefusal `reason` (not worth retrying
   * at once, except `confChangePending`, once the pending change is applied).
   */
  | { type: 'proposeResult'; accepted: true; index: number; term: number }
  | { type: 'proposeResult'; accepted: false; leaderHint: NodeId | null; reason?: 'transferring' | ConfChangeRefusal; transferee?: NodeId }
  /**
   * Read `ctx` (a `readIndex` input to this server) may be answered once this server's lastApplied
   * ≥ `index`, from its own state machine (thesis §6.4; etcd raft ReadState).
   */
  | { type: 'readReady'; ctx: string; index: number }
  /** Read `ctx` was refused (see ReadRefusal): the client should retry, at `leaderHint` if known. */
  | { type: 'readRefused'; ctx: string; reason: ReadRefusal; leaderHint: NodeId | null }
  /** The node's role changed; `event` is the statechart event that caused it. */
  | { type: 'roleChanged'; from: Role; to: Role; term: number; event: RoleEvent['type'] }
  /** Existing entries from `fromIndex` on were removed or overwritten (never allowed for a leader). */
  | { type: 'logChanged'; fromIndex: number }
  /** Entries were appended at `fromIndex` and after. */
  | { type: 'appended'; fromIndex: number; count: number }
  /**
   * The ConfChange at `index` was applied: this server's configuration is now `config` (the host
   * may start a server it adds, stop one it removes, redraw the ring).
   */
  | { type: 'configChanged'; index: number; config: MembershipConfig }
  /**
   * Log entries up to `index` (term `term`) were removed from the log: compacted into a snapshot,
   * or replaced by a restored one. The log now starts at index + 1.
   */
  | { type: 'compacted'; index: number; term: number }
  /**
   * Replace the state machine with `snapshot.data`: it now stands at `snapshot.metadata.index`
   * (this server's lastApplied). Emitted when a follower installs a leader's snapshot (Figure 13),
   * and by `start` when a server restarts from a snapshot on stable storage.
   */
  | { type: 'restoreSnapshot'; snapshot: Snapshot }
  /**
   * RaftConfig.asyncStorage only: write this to stable storage, then step `{ type: 'persisted', id }`
   * once the write completed (etcd raft MsgStorageAppend / MsgStorageAppendResp). Emitted last in a
   * step's effects; the acknowledgements that depend on it are held until then.
   */
  | ({ type: 'persist' } & PersistWrite<C>)
  | { type: 'note'; note: RaftNote };

/**
 * Events of the role statechart (Raft paper Figure 4, with PreVote's pre-candidate, thesis §9.6):
 * `TIMEOUT` starts an election; `TIMEOUT_PRE_VOTE` starts a pre-vote instead (RaftConfig.preVote);
 * `WIN_PRE_VOTE` / `LOSE_PRE_VOTE`: a majority granted / refused the pre-vote; `TIMEOUT_NOW`: a
 * leader transfer's target starts an election at once (§3.10); `LOSE_QUORUM`: CheckQuorum (§6.2);
 * `REMOVED`: a leader applied a configuration without itself as a voter (etcd StepDownOnRemoval).
 */
export type RoleEvent =
  | { type: 'TIMEOUT' }
  | { type: 'WIN_ELECTION' }
  | { type: 'DISCOVER_HIGHER_TERM' }
  | { type: 'DISCOVER_LEADER' }
  | { type: 'TIMEOUT_PRE_VOTE' }
  | { type: 'WIN_PRE_VOTE' }
  | { type: 'LOSE_PRE_VOTE' }
  | { type: 'TIMEOUT_NOW' }
  | { type: 'LOSE_QUORUM' }
  | { type: 'REMOVED' };
