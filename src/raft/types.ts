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
}

/** State every server keeps on stable storage before answering RPCs (Figure 2, "Persistent state"). */
export interface PersistentState<C = unknown> {
  currentTerm: number;
  votedFor: NodeId | null;
  /** log[0] holds index 1. Entries are never mutated; the array is truncated and appended to. */
  log: LogEntry<C>[];
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
 * a transfer is already under way to, or asked of a server that is not leader.
 */
export type TransferRefusal = 'toSelf' | 'unknownServer' | 'alreadyTransferring' | 'notLeader';
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

/** Every message between servers: Figure 2's two RPCs and their results, PreVote, TimeoutNow and ReadIndex. */
export type RaftMessage<C = unknown> =
  | RequestVote | RequestVoteResponse | AppendEntries<C> | AppendEntriesResponse
  | PreVote | PreVoteResponse | TimeoutNow | ReadIndex | ReadIndexResponse;

/**
 * What can happen to a node: its timers fire, a message arrives, a client asks for a command, a
 * linearizable read (`readIndex`, thesis §6.4: `ctx` is the read's opaque id, echoed in the
 * readReady/readRefused effect) or a leader transfer (`transferLeadership`, thesis §3.10).
 */
export type RaftInput<C = unknown> =
  | { type: 'electionTimeout' }
  | { type: 'heartbeatTimeout' }
  | { type: 'message'; msg: RaftMessage<C> }
  | { type: 'propose'; command: C }
  | { type: 'readIndex'; ctx: string; readOnly?: ReadOnlyOption }
  | { type: 'transferLeadership'; to: NodeId };

/**
 * The leader's view of how it replicates to one follower (etcd raft tracker/progress.go StateType):
 * `probe`: at most one AppendEntries with entries in flight, until the follower answers (used after
 * an election and after a rejection, to find where the logs match); `replicate`: entries are sent
 * optimistically as they arrive, at most maxInflightMsgs AppendEntries in flight; `snapshot`: waiting
 * for an InstallSnapshot to land (declared for the membership-and-snapshots issue; unused).
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/**
 * Why a follower's Progress changed state (data for the why feed; the UI words it):
 * - `appendAccepted`: the follower accepted entries up to `index` (probe → replicate);
 * - `appendRejected`: the follower rejected an AppendEntries at prevLogIndex `index` (replicate → probe);
 * - `heartbeatResponse`: a heartbeat response showed the follower holds the log up to matchIndex
 *   `index`, with nothing else in flight (probe → replicate, as etcd's MsgAppResp at Match);
 * - `appendUnacknowledged`: entries after matchIndex `index` are in flight but two heartbeat responses
 *   came back without an acknowledgement: they are presumed lost (replicate → probe).
 */
export type ProgressChangeCause = 'appendAccepted' | 'appendRejected' | 'heartbeatResponse' | 'appendUnacknowledged';

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
  | { kind: 'timeoutNowReceived'; from: NodeId; term: number };

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
   * `transferee` the target; thesis §3.10): the client should retry, like a redirect.
   */
  | { type: 'proposeResult'; accepted: true; index: number; term: number }
  | { type: 'proposeResult'; accepted: false; leaderHint: NodeId | null; reason?: 'transferring'; transferee?: NodeId }
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
  | { type: 'note'; note: RaftNote };

/**
 * Events of the role statechart (Raft paper Figure 4, with PreVote's pre-candidate, thesis §9.6):
 * `TIMEOUT` starts an election; `TIMEOUT_PRE_VOTE` starts a pre-vote instead (RaftConfig.preVote);
 * `WIN_PRE_VOTE` / `LOSE_PRE_VOTE`: a majority granted / refused the pre-vote; `TIMEOUT_NOW`: a
 * leader transfer's target starts an election at once (§3.10); `LOSE_QUORUM`: CheckQuorum (§6.2).
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
  | { type: 'LOSE_QUORUM' };
