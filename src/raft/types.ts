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
 * The roles of the Raft paper's Figure 4. A later issue adds `preCandidate` (Raft thesis §9.6,
 * etcd raft's StatePreCandidate) as one more role with its own step function.
 */
export type Role = 'follower' | 'candidate' | 'leader';

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
});

/** Why a vote was refused (shown in the UI's "why"). */
export type VoteRefusal = 'staleTerm' | 'alreadyVoted' | 'logNotUpToDate';
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
}

/** Whether a successful AppendEntriesResponse answers an AppendEntries without entries (a heartbeat, §5.2). */
export function answersHeartbeat(m: AppendEntriesResponse): boolean {
  return m.success && m.matchIndex === m.prevLogIndex;
}

/** Every message between servers (Figure 2's two RPCs and their results). */
export type RaftMessage<C = unknown> = RequestVote | RequestVoteResponse | AppendEntries<C> | AppendEntriesResponse;

/** What can happen to a node: its timers fire, a message arrives, a client asks for a command. */
export type RaftInput<C = unknown> =
  | { type: 'electionTimeout' }
  | { type: 'heartbeatTimeout' }
  | { type: 'message'; msg: RaftMessage<C> }
  | { type: 'propose'; command: C };

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
  | { kind: 'electionStarted'; term: number }
  | { kind: 'electionWon'; term: number; votes: NodeId[] }
  /** A leader's Progress for `peer` changed state (etcd raft tracker/progress.go BecomeProbe/BecomeReplicate). */
  | { kind: 'progressChanged'; peer: NodeId; term: number; from: ProgressState; to: ProgressState; cause: ProgressChangeCause; index: number };

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
  /** Answer to a `propose` input. */
  | { type: 'proposeResult'; accepted: true; index: number; term: number }
  | { type: 'proposeResult'; accepted: false; leaderHint: NodeId | null }
  /** The node's role changed; `event` is the statechart event that caused it. */
  | { type: 'roleChanged'; from: Role; to: Role; term: number; event: RoleEvent['type'] }
  /** Existing entries from `fromIndex` on were removed or overwritten (never allowed for a leader). */
  | { type: 'logChanged'; fromIndex: number }
  /** Entries were appended at `fromIndex` and after. */
  | { type: 'appended'; fromIndex: number; count: number }
  | { type: 'note'; note: RaftNote };

/** Events of the role statechart (Raft paper Figure 4). */
export type RoleEvent =
  | { type: 'TIMEOUT' }
  | { type: 'WIN_ELECTION' }
  | { type: 'DISCOVER_HIGHER_TERM' }
  | { type: 'DISCOVER_LEADER' };
