/**
 * The typed form of a scenario file (scenarios/*.yaml) after parsing and validation.
 * The YAML contract is documented in docs/scenarios.md. All durations are ms of simulated time.
 *
 * Names and keys from outside (issue 11 #1, #2). A server or client name, or a KV key, comes from
 * a scenario, a link, a trace, a history or the page, and may be any text the rules allow:
 * `toString`, `constructor`, `hasOwnProperty`, and for KV keys `__proto__` too. The one rule:
 * **whatever is looked up by such a name or key is a `Map`** (`ReadonlyMap` in the types, so
 * `x[name]` does not compile). The parser turns every mapping keyed by them (`cluster.initial`,
 * `expect.role` / `term` / `log` / `kv`, a prefix get's `expect.values`) into a Map, with every
 * key the file wrote (`__proto__` is a key like any other); the engine's config takes Maps, and the
 * Raft core and engine keep servers, clients and sessions in Maps. Plain objects keyed by them
 * exist only as JSON-shaped data to print or save (the `--json` report, views, store snapshots):
 * built with `Object.fromEntries` or `Object.create(null)`, read back with `Object.entries`,
 * never indexed by a name from elsewhere.
 */
import type { MemberRequest } from '../sim/types';
import type { UserAction } from '../sim/verbs';
import type { Reason } from './reasons';

/** Network settings; rates are probabilities in [0, 1]. */
export interface NetworkConfig {
  /** One-way latency drawn uniformly from [min, max] ms for every message. */
  latencyMs: [number, number];
  dropRate: number;
  duplicateRate: number;
}

/** One log entry of an `initial` log: a no-op of a term, or a put of a term. */
export type InitialEntry = { term: number; put?: [string, string] };

/** Persistent state a server starts with at time 0 (to set up the paper's figures). */
export interface InitialServerState {
  term: number;
  votedFor: string | null;
  log: InitialEntry[];
}

export interface ClusterConfig {
  /** Server names, 1 to 9 of them ("S1".."Sn" when the file gives a count). */
  nodes: string[];
  heartbeatMs: number;
  /** Election timeout drawn uniformly from [min, max) ms (Raft paper §5.2). */
  electionTimeoutMs: [number, number];
  /** A client retries an attempt that got no reply after this long. */
  clientTimeoutMs: number;
  network: NetworkConfig;
  /** Persistent state at time 0 of the servers the file lists (server name → state). */
  initial: ReadonlyMap<string, InitialServerState>;
  /** A new leader appends a no-op entry of its term (Raft paper §8); default true. */
  leaderNoop: boolean;
  /** Most entries one AppendEntries carries (default 64). */
  maxEntriesPerAppend: number;
  /** Most AppendEntries a leader keeps unacknowledged to one follower in replicate (default 8; etcd raft MaxInflightMsgs). */
  maxInflightMsgs: number;
  /**
   * Revisions of KV history each server keeps at least, compacting on its own once 10 times as many
   * have accumulated (default 1,000; 0 keeps all; etcd `--auto-compaction-mode=revision`, driven by
   * applied revisions; see SimConfig).
   */
  autoCompactionRetention: number;
  /** Deliberate deviations from the paper, for teaching (issue 3); empty by default. */
  unsafe: string[];
  /**
   * Which defaults the keys the file leaves out take: `paper` (default) or `etcd` (heartbeatMs
   * 100, electionTimeoutMs [1000, 2000], preVote, checkQuorum, reads readIndex; see PROFILE_DEFAULTS).
   */
  profile: 'paper' | 'etcd';
  /** PreVote (Raft thesis §9.6). */
  preVote: boolean;
  /** CheckQuorum (thesis §6.2, §4.2.3). */
  checkQuorum: boolean;
  /** How linearizable gets are served: through the log, by ReadIndex (thesis §6.4) or by a lease read (§6.4.1). */
  reads: 'log' | 'readIndex' | 'lease';
  /** The lease's clock-drift bound (≥ 1; default 1.1; thesis §6.4.1). */
  clockDriftBound: number;
  /** Clock rate of the servers the file lists (server name → rate in (0.1, 10)); the others run at 1. */
  clockRate: ReadonlyMap<string, number>;
  // ---- issue 13 ----
  /**
   * Servers that exist but are not members at time 0 (`cluster.spares`: a count, named after the
   * initial servers, e.g. S4, S5 after 3 nodes; or a list of names). A `member` step adds them.
   * `nodes` + `spares` are every server (at most 9).
   */
  spares: string[];
  /** Initial members that are learners (`cluster.learners`, among `nodes`); default none. */
  learners: string[];
  /** Snapshot after this many applied entries past the last snapshot (etcd --snapshot-count); 0 (default): never. */
  snapshotCount: number;
  /** Entries kept in the log behind a snapshot (etcd SnapshotCatchUpEntries); default 5. */
  snapshotCatchUpEntries: number;
  /** A stable-storage write completes this many ms after it is issued; 0 (default): at once. */
  fsyncMs: number;
}

/** Common options of client steps (put / get / delete / cas). */
export interface ClientStepOptions {
  /** Client name; default the first client. */
  client: string;
  /** Send every attempt to this server only (default: the server the client believes leads). */
  via?: string;
  /** Retry on timeout / redirect (default true). */
  retry: boolean;
  /** Don't wait for the reply before the next step (default false). */
  async: boolean;
  /** Give up (history result "unknown") after this long; default 5000. */
  withinMs: number;
}

/** Inline check of a client reply. Only the given fields are checked. */
export interface ClientExpect {
  /** Expected value of a single-key get; null means "key absent". */
  value?: string | null;
  /** For prefix gets: the full key → value map expected. */
  values?: ReadonlyMap<string, string>;
  /** "ok" | "fail" | "unknown". */
  result?: 'ok' | 'fail' | 'unknown';
  /** For cas: whether the compare held. */
  succeeded?: boolean;
  /** For delete: how many keys were deleted. */
  deleted?: number;
}

/** A server reference in a step: a name or the word "leader" (the live leader with the highest term). */
export type ServerRef = string;

/**
 * Predict mode: a question asked at a presenter pause, answered before Continue shows what
 * happens. `answer` is the index of the right one in `choices`; `zh` gives the question and the
 * choices in Chinese, in the same order.
 */
export interface Ask {
  question: string;
  choices: string[];
  answer: number;
  zh?: { question: string; choices: string[] };
}

export type StepBody =
  /** A caption; with `pause` the presentation holds after it, and `ask` (only with `pause`) asks the audience first. */
  | { kind: 'say'; text: string; zh?: string; pause: boolean; ask?: Ask }
  | { kind: 'pause' }
  | { kind: 'run'; durationMs: number }
  | { kind: 'wait'; for: 'leader'; among?: string[]; withinMs: number }
  /** Wait until `nodes` live servers have commitIndex >= logIndex (the YAML key is `index`). */
  | { kind: 'wait'; for: 'commit'; logIndex: number; nodes?: number; withinMs: number }
  /** `optional`: when a target is "leader" and there is none, the step does nothing instead of failing. */
  | { kind: 'crash'; targets: ServerRef[]; optional?: boolean }
  | { kind: 'restart'; targets: ServerRef[] | 'all' }
  | { kind: 'timeout'; target: ServerRef }
  | { kind: 'partition'; groups: string[][] }
  | { kind: 'isolate'; target: ServerRef }
  | { kind: 'reconnect'; target: ServerRef }
  | { kind: 'cut'; from: string; to: string; both: boolean }
  | { kind: 'heal' }
  | { kind: 'network'; settings: Partial<NetworkConfig> }
  /** Ask the leader to transfer leadership to `to` (thesis §3.10): instant; the outcome shows in the trace. */
  | { kind: 'transfer'; to: string }
  /**
   * A membership change asked of the leader (Raft paper §6, thesis Chapter 4); waits until the
   * change is applied on the leader (for a joint change: until the joint configuration is left),
   * within `withinMs` (default 5000). A refusal fails the run with the reason.
   */
  | { kind: 'member'; request: MemberRequest; withinMs: number }
  /** A server (or every live server) snapshots its state machine now and compacts its log (Raft paper §7). */
  | { kind: 'compact'; target: string | 'all' }
  /** Any verb but the presenter's continue, as a recorded action; a server argument may be "leader". */
  | { kind: 'do'; action: UserAction }
  | ({ kind: 'put'; key: string; value: string; expect?: ClientExpect } & ClientStepOptions)
  /** `read`: how this linearizable get is served, overriding cluster.reads. */
  | ({ kind: 'get'; key: string; prefix: boolean; serializable: boolean; read?: 'log' | 'readIndex' | 'lease'; expect?: ClientExpect } & ClientStepOptions)
  | ({ kind: 'delete'; key: string; prefix: boolean; expect?: ClientExpect } & ClientStepOptions)
  | ({ kind: 'cas'; key: string; from: string | null; to: string; expect?: ClientExpect } & ClientStepOptions)
  /** An etcdctl command (issue 14): waits for the reply unless it runs in the background. */
  | { kind: 'etcdctl'; command: string; client: string; via?: string; as?: string; withinMs: number; expect?: EtcdctlExpect }
  /** Ctrl-C on the background etcdctl command named `name`. */
  | { kind: 'cancel'; name: string }
  | { kind: 'expect'; checks: ExpectChecks };

/** Inline check of an etcdctl step: its output (both streams in order, trailing whitespace trimmed) and exit status. */
export interface EtcdctlExpect {
  /** The whole output, exactly. */
  output?: string;
  /** Text the output contains. */
  contains?: string;
  /** etcdctl's exit status. */
  exit?: number;
}

/** What an `expect` step can check; every key given must hold. */
export interface ExpectChecks {
  /** A server name, "none" or "any". */
  leader?: string;
  /** Server name → role it must have. */
  role?: ReadonlyMap<string, 'follower' | 'preCandidate' | 'candidate' | 'leader'>;
  /** Server name → its currentTerm. */
  term?: ReadonlyMap<string, number>;
  committed?: { index: number; nodes?: number };
  notCommitted?: { index: number };
  /** Entry terms of each listed server's log. */
  log?: ReadonlyMap<string, number[]>;
  /** Named watch → the events it has received so far, in order (`PUT key value` / `DELETE key`). */
  watched?: ReadonlyMap<string, string[]>;
  /** Applied KV contents, key → value; a null value means the key must be absent. */
  kv?: ReadonlyMap<string, string | null>;
  /** Which servers the kv check applies to (default: live servers). */
  on?: string[] | 'all';
  /**
   * The applied configuration of the leader (or of server `on`): `voters` (when joint, the incoming
   * half), `learners` (default []), and `votersOutgoing` when given (default: not checked). Compared as sets.
   */
  members?: { voters: string[]; learners: string[]; votersOutgoing?: string[]; on?: string };
  /** Server name → index of its latest snapshot (0: none). */
  snapshotIndex?: ReadonlyMap<string, number>;
  /** "ok": no violation so far; { violated }: each named Figure 3 property has been violated (unsafe demos). */
  invariants?: 'ok' | { violated: string[] };
  linearizable?: boolean;
}

/** One step with where it came from. `index` is 0-based; `line` is 1-based in the YAML file. */
export type Step = StepBody & { index: number; line: number };

export interface Scenario {
  /** File name the scenario came from (for messages), e.g. "scenarios/leader-crash.yaml". */
  file: string;
  title: string;
  description: string;
  /** One line for the scenario library. */
  summary: string;
  /** What the scenario teaches (library tags). */
  concepts: string[];
  /** Translations of title, summary and description, per language code. */
  i18n: { zh?: { title?: string; summary?: string; description?: string } };
  seed: number;
  cluster: ClusterConfig;
  clients: string[];
  steps: Step[];
  /** Actions recorded in the app at exact positions, and where the recording stopped ("Save as scenario"). */
  replay?: Replay;
}

/** A position in a run: events processed and simulated time (ms). */
export interface ReplayPosition {
  events: number;
  atMs: number;
}

/**
 * Recorded user actions. `do` has the shape of the time machine's UserAction (validated by the
 * schema); it is replayed exactly where it was taken.
 */
export interface Replay {
  actions: (ReplayPosition & { do: { kind: string } & Record<string, unknown> })[];
  until: ReplayPosition;
}

/**
 * A scenario that cannot be run: thrown by parseScenario with where and why.
 * `line`/`column` are 1-based; `key` is the dotted path of the offending key (e.g. "steps[3].crash").
 */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly key: string,
    readonly reason: string,
    /** The reason as data, for showing it in another language (null: only the English text exists). */
    readonly why: Reason | null = null,
  ) {
    super(`${file}:${line}:${column}: ${key ? key + ': ' : ''}${reason}`);
    this.name = 'ScenarioError';
  }
}
