/**
 * Types of the Raft core. Names follow the Raft paper's Figure 2.
 * Log indexes are 1-based as in the paper; index 0 means "before the first entry" (term 0).
 */
import type { Command } from '../kv/types';

export type NodeId = string;
export type Role = 'follower' | 'candidate' | 'leader';

/** One log entry: the term in which a leader created it and the command it carries (Figure 2). */
export interface LogEntry {
  readonly term: number;
  readonly command: Command;
}

/** State every server keeps on stable storage before answering RPCs (Figure 2, "Persistent state"). */
export interface PersistentState {
  currentTerm: number;
  votedFor: NodeId | null;
  /** log[0] holds index 1. Entries are never mutated; the array is truncated and appended to. */
  log: LogEntry[];
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

/** AppendEntries RPC arguments (Figure 2). An empty `entries` is a heartbeat. */
export interface AppendEntries {
  type: 'AppendEntries';
  from: NodeId;
  to: NodeId;
  term: number;
  leaderId: NodeId;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: LogEntry[];
  leaderCommit: number;
}

/**
 * AppendEntries RPC results (Figure 2) plus the hints of accelerated log backtracking (§5.3):
 * on rejection, `conflictTerm` is the term of the follower's entry at prevLogIndex (0 when the
 * follower's log is too short) and `conflictIndex` the first index the follower holds with that term
 * (or its log length + 1). On success `matchIndex` is the index of the last entry known to match.
 */
export interface AppendEntriesResponse {
  type: 'AppendEntriesResponse';
  from: NodeId;
  to: NodeId;
  term: number;
  success: boolean;
  matchIndex: number;
  conflictTerm: number;
  conflictIndex: number;
  reason?: AppendRejection;
}

export type RaftMessage = RequestVote | RequestVoteResponse | AppendEntries | AppendEntriesResponse;

/** What can happen to a node: its timers fire, a message arrives, a client asks for a command. */
export type RaftInput =
  | { type: 'electionTimeout' }
  | { type: 'heartbeatTimeout' }
  | { type: 'message'; msg: RaftMessage }
  | { type: 'propose'; command: Command };

/** Something that changed a node's commitIndex or role, worded for the "why" feed. */
export type RaftNote =
  | { kind: 'voteGranted'; candidate: NodeId; term: number }
  | { kind: 'voteRefused'; candidate: NodeId; term: number; reason: VoteRefusal; candidateLast: [number, number]; myLast: [number, number] }
  | { kind: 'appendRejected'; leader: NodeId; term: number; reason: AppendRejection; prevLogIndex: number; prevLogTerm: number }
  | { kind: 'commitAdvanced'; from: number; to: number; term: number; replicas: number }
  | { kind: 'steppedDown'; term: number; cause: 'higherTerm' | 'leaderDiscovered'; from: NodeId }
  | { kind: 'electionStarted'; term: number }
  | { kind: 'electionWon'; term: number; votes: NodeId[] };

/**
 * What a node asks its host to do after a step (the equivalent of etcd raft's Ready).
 * Durations are ms of simulated time.
 */
export type RaftEffect =
  | { type: 'send'; msg: RaftMessage }
  /** (Re)start the election timer with a fresh random timeout (§5.2). */
  | { type: 'resetElectionTimer' }
  | { type: 'stopElectionTimer' }
  /** Fire heartbeatTimeout after `delayMs`. */
  | { type: 'setHeartbeatTimer'; delayMs: number }
  | { type: 'stopHeartbeatTimer' }
  /** Apply this committed entry to the state machine; emitted in index order. */
  | { type: 'apply'; index: number; entry: LogEntry }
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
