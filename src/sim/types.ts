/**
 * Types shared by the engine, the scenario runner, the CLI and the UI.
 * Every time is in ms of simulated time since the start of the run.
 */
import type { Command, KvOp, KvResult, KvSnapshot } from '../kv/types';
import type { EtcdWireRequest, EtcdWireResponse } from './etcdWire';
import type { ConfChangeRefusal, HardState, LogEntry, MembershipConfig, NodeId, ProgressView, RaftMessage, RaftNote, Role } from '../raft/types';

/** A client's request to a server (Raft thesis §6.3: it carries clientId and a sequence number). */
export interface ClientRequest {
  type: 'ClientRequest';
  from: string;
  to: NodeId;
  term: 0;
  clientId: string;
  seq: number;
  op: KvOp;
  /** For gets: answer from the contacted server's applied state, without going through the log. */
  serializable: boolean;
  /** For linearizable gets: how to serve this one, overriding the cluster's reads mode (absent: the cluster's). */
  read?: ReadMode;
}

/** How linearizable gets are served: through the log, by ReadIndex, or by a lease read (thesis §6.4, §6.4.1). */
export type ReadMode = 'log' | 'readIndex' | 'lease';

/** A server's answer to a client. `ok: false` means "not done here": see `leaderHint` / `error`. */
export interface ClientResponse {
  type: 'ClientResponse';
  from: NodeId;
  to: string;
  term: 0;
  clientId: string;
  seq: number;
  ok: boolean;
  result?: KvResult;
  /**
   * When the server is not the leader: the leader it knows, if any. With `transferring`: the
   * target of the leader transfer under way (the likely next leader).
   */
  leaderHint?: NodeId | null;
  /**
   * `notLeader`: not done here, try `leaderHint`; `overwritten`: the entry was replaced (never
   * committed); `transferring`: the leader refuses proposals during a leader transfer (thesis
   * §3.10): back off, then retry.
   */
  error?: 'notLeader' | 'overwritten' | 'transferring';
}

/**
 * An etcd v3 request from a simulated client to a server (issue 14; src/sim/etcd.ts): `reqId`
 * numbers the client's requests (a redirect resends the same one); `body` is the request.
 */
export interface EtcdRequest {
  type: 'EtcdRequest';
  from: string;
  to: NodeId;
  term: 0;
  clientId: string;
  reqId: number;
  body: EtcdWireRequest;
}

/** A server's answer to an EtcdRequest, or a watch response pushed on a watch stream. */
export interface EtcdResponse {
  type: 'EtcdResponse';
  from: NodeId;
  to: string;
  term: 0;
  clientId: string;
  reqId: number;
  body: EtcdWireResponse;
}

export type SimMessage = RaftMessage<Command> | ClientRequest | ClientResponse | EtcdRequest | EtcdResponse;

/** Why a message did not arrive. */
export type DropReason = 'loss' | 'partition' | 'crashed' | 'manual';

/** One message's life: sent, then delivered or dropped. */
export interface MessageRecord {
  id: number;
  msg: SimMessage;
  sendMs: number;
  /** When it arrives (or would have arrived). */
  deliverMs: number;
  status: 'inFlight' | 'delivered' | 'dropped';
  dropReason?: DropReason;
  /** Set on the extra copy made by duplication: the id of the original. */
  duplicateOf?: number;
}

/**
 * Type slots a higher layer fills in for the engine without the engine importing it (declaration
 * merging, the "Register" pattern): the scenario layer adds `stepReason: Reason` in
 * src/scenario/reasons.ts. The engine only stores such values and passes them on.
 */
export interface SimTypeRegistry {}

/**
 * Why a scenario step failed, as data (a message id and its parameters): the scenario layer's
 * `Reason` once it has registered it in SimTypeRegistry, otherwise any object with an id.
 */
export type StepReason = SimTypeRegistry extends { stepReason: infer R } ? R : { id: string; params?: Record<string, unknown> };

/** Kinds of trace events (for the readable timeline, the event feed and the UI's markers). */
export type TraceEvent =
  | { atMs: number; kind: 'role'; node: NodeId; from: Role; to: Role; term: number }
  | { atMs: number; kind: 'note'; node: NodeId; note: RaftNote }
  | { atMs: number; kind: 'fault'; action: string; nodes: NodeId[]; detail?: string }
  | { atMs: number; kind: 'client'; phase: 'invoke' | 'return'; client: string; opText: string; result?: string; server?: NodeId }
  | { atMs: number; kind: 'caption'; text: string; zh?: string }
  | { atMs: number; kind: 'step'; index: number; line: number; ok: boolean; message: string; why?: StepReason }
  | { atMs: number; kind: 'invariant'; property: string; detail: string };

/** Per-link network settings (ms of simulated time, probabilities in [0, 1]). */
export interface LinkSettings {
  latencyMs: [number, number];
  dropRate: number;
  duplicateRate: number;
}

/** Plain-data view of one server for the UI and the CLI. */
export interface ServerView {
  id: NodeId;
  up: boolean;
  /** Paused by the user: alive and keeping its state, but handling nothing until resumed. */
  paused: boolean;
  role: Role;
  currentTerm: number;
  votedFor: NodeId | null;
  commitIndex: number;
  lastApplied: number;
  leaderId: NodeId | null;
  log: LogEntry<Command>[];
  votesGranted: NodeId[];
  nextIndex: Record<NodeId, number>;
  matchIndex: Record<NodeId, number>;
  /** A leader's Progress of each follower, in server order (etcd raft tracker.Progress); empty unless leader. */
  progress: ProgressView[];
  /** When the election timer fires next, or null if not armed. */
  electionDeadlineMs: number | null;
  /** When the current election timer was armed (for drawing the timer arc). */
  electionArmedMs: number | null;
  /** This server's own clock now, ms, and how fast it runs (SimConfig.clockRate; 1 unless set). */
  localClockMs: number;
  clockRate: number;
  /** A leader's read lease (lease reads, thesis §6.4.1): until when it holds on its own clock, or null. */
  leaseUntilMs: number | null;
  /** A leader's leader-transfer target while a transfer is under way (thesis §3.10), or null. */
  transferee: NodeId | null;
  kv: KvSnapshot;
  // ---- issue 13: membership, snapshots, stable storage --------------------------------------
  /** Index of `log[0]` (compactedIndex + 1; 1 when nothing was compacted): the log starts after the snapshot (Raft paper §7). */
  firstIndex: number;
  /** Index and term of this server's latest snapshot (0 when none). */
  snapshotIndex: number;
  snapshotTerm: number;
  /**
   * This server's applied configuration (etcd raft tracker.Config): voters, votersOutgoing (non-empty
   * only in a joint configuration, Raft paper §6), learners, learnersNext, autoLeave. Frozen.
   */
  config: MembershipConfig;
  /** On a leader: the index of its proposed, not yet applied ConfChange ("change pending"), else 0 (etcd pendingConfIndex). */
  pendingConfIndex: number;
  /** Declared in `cluster.spares` (not in the bootstrap configuration); stays true after it is added. */
  spare: boolean;
  /**
   * How the cluster counts this server now, from the configuration of the live leader with the
   * highest term (from the server's own configuration when there is no leader): a `voter` (either
   * half of a joint configuration), a `learner`, a `spare` (never added yet) or `removed` (was a
   * member, is not one any more).
   */
  membership: Membership;
  /** Stable storage as etcd names it (wal/ and snap/): what the WAL and the snap files hold. */
  wal: WalView;
}

/** How the cluster counts a server (ServerView.membership). */
export type Membership = 'voter' | 'learner' | 'spare' | 'removed';

/**
 * One server's stable storage, for the inspector (etcd's data dir: `member/wal/*.wal`,
 * `member/snap/*.snap`). With `cluster.fsyncMs` the WAL is modelled write by write (src/raft/wal.ts);
 * without it every write completes at once and `pendingWrites` is always empty.
 */
export interface WalView {
  /** The hard state on disk (etcd raftpb.HardState: Term, Vote, Commit), from completed writes only. */
  hardState: HardState;
  /** Entries on disk after the snapshot: their first and last index (first > last when none) and count. */
  firstIndex: number;
  lastIndex: number;
  entries: number;
  /** The snapshot files on disk, as etcd names them (`%016x-%016x.snap`, term-index), newest last; at most one here. */
  snapFiles: { name: string; index: number; term: number; sizeBytes: number }[];
  /** Ids of writes issued and not completed yet ("in progress"; lost by a crash), oldest first. */
  pendingWrites: number[];
  /** Whether writes take time (cluster.fsyncMs > 0). */
  async: boolean;
}

/**
 * A membership operation (etcdctl member add / add --learner / promote / remove, or one joint
 * change; Raft paper §6, thesis Chapter 4; etcd raftpb.ConfChangeV2): what the `member` verb and
 * the scenario's `member` step carry. `change` with more than one server is a joint consensus
 * change, left automatically (with `unsafeMultiServerChange`: applied at once).
 */
export type MemberRequest =
  | { add: NodeId; learner?: boolean }
  | { promote: NodeId }
  | { remove: NodeId }
  | { change: { add?: NodeId[]; remove?: NodeId[]; learners?: NodeId[] } };

/**
 * Why a membership operation was refused: the node's ConfChangeRefusal (src/raft/types.ts), or
 * the engine's own: `noLeader` (no live leader to ask), `leaderPaused` (the leader is paused and
 * handles nothing). An unknown server name throws instead, as in every verb.
 */
export type MemberRefusal = ConfChangeRefusal | 'noLeader' | 'leaderPaused';

/** What `Simulation.member` gives back: the proposal's index and term on `leader`, or why it was refused. */
export type MemberOutcome =
  | { accepted: true; leader: NodeId; index: number; term: number }
  | { accepted: false; reason: MemberRefusal; leader: NodeId | null };

/**
 * Size in bytes of the snapshot an InstallSnapshot message carries (the UTF-8 length of the
 * canonical JSON of its KV state, as the host computes it when it sends it), or null for any other
 * message. The host puts it on the message as `sizeBytes`.
 */
export function messageBytes(msg: SimMessage): number | null {
  if (msg.type !== 'InstallSnapshot') return null;
  const n = (msg as { sizeBytes?: unknown }).sizeBytes;
  return typeof n === 'number' ? n : null;
}

/** A client's request/response as recorded in the history (linearizability input). */
export interface HistoryRecord {
  client: string;
  op: 'put' | 'get' | 'delete' | 'cas';
  key: string;
  value?: string | null;
  from?: string | null;
  to?: string;
  prefix?: boolean;
  serializable?: boolean;
  invokeMs: number;
  /**
   * The engine's history order at the invoke: one per-run counter that increases at every invoke
   * and every return, so `a.returnOrder < b.invokeOrder` exactly when a returned before b was
   * invoked, even within one ms and one event. Not part of the traceHash.
   */
  invokeOrder: number;
  returnMs: number | null;
  /** The history order at the return (see invokeOrder); absent when the outcome is unknown. */
  returnOrder?: number;
  result: 'ok' | 'fail' | 'unknown';
  response?: unknown;
}

/** Counters of a run. */
export interface SimStats {
  events: number;
  messagesSent: number;
  messagesDelivered: number;
  messagesDropped: number;
  electionsStarted: number;
  leadersElected: number;
}
