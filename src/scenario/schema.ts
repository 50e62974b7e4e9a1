/**
 * JSON Schema (draft-07) of a scenario file (scenarios/*.yaml), documented in docs/scenarios.md.
 *
 * It is a plain, JSON-serialisable object: parse.ts compiles it with ajv, and an editor can feed it
 * to any JSON-Schema-aware YAML editor. It has no `$ref`s (shared parts are copied in), so every
 * error's schemaPath is a literal path in this object.
 *
 * Two extensions are used; both are annotations that other tools ignore:
 * - `discriminator` (OpenAPI / ajv `discriminator: true`) selects the `wait` variant by its `for` key;
 * - `x-expected` is the phrase error messages use ("must be <x-expected>"), `x-noun` the noun of a
 *   counted list ("too many servers: 12 (at most 9)").
 *
 * What the schema cannot say is checked in parse.ts: that names refer to the cluster's servers and
 * clients, that electionTimeoutMs min < max and heartbeatMs < min, latency min <= max, that initial
 * logs have non-decreasing terms no higher than the server's term, partition groups don't overlap,
 * cut.from != cut.to, `say` has text or en (not both), a `say` with `ask` pauses and its answer is one
 * of its choices (as many in Chinese), and wait/expect `nodes` <= cluster size.
 */
import { DEFAULT_CLOCK_DRIFT_BOUND } from '../raft/node';
import { DEFAULT_MAX_ENTRIES_PER_APPEND, DEFAULT_MAX_INFLIGHT_MSGS } from '../raft/types';

import { DEFAULT_AUTO_COMPACTION_RETENTION } from '../sim/host';
import { VERB_NAMES, verbOf, type VerbArgType, type VerbName } from '../sim/verbs';

import { MAX_SEED, SEED_RANGE_TEXT } from './seed';

export type JsonSchema = { [keyword: string]: unknown };

/** Limits enforced on every scenario file. */
export const LIMITS = {
  /** Largest accepted file, in UTF-8 bytes. */
  maxBytes: 1_000_000,
  maxSteps: 10_000,
  maxServers: 9,
  /**
   * Alias ("billion laughs") protection: one anchor may be used by at most this many aliases, and
   * aliases inside an aliased node count multiplied (yaml's maxAliasCount, see parse.ts).
   */
  maxAliasCount: 100,
  /** Deepest nesting of lists and mappings (a scenario needs about 7 levels). */
  maxDepth: 64,
  /** Longest run, in ms of simulated time: the sum of `run` steps, each wait's or client step's withinMs, and `replay.until`. */
  maxSimulatedMs: 24 * 3600 * 1000,
  /** Most recorded actions in `replay`. */
  maxReplayActions: 10_000,
  /** Largest cluster.maxEntriesPerAppend and cluster.maxInflightMsgs. */
  maxFlowControl: 10_000,
  /** Largest cluster.autoCompactionRetention (revisions). */
  maxAutoCompactionRetention: 1_000_000,
  /** Largest cluster.snapshotCount and cluster.snapshotCatchUpEntries (entries). */
  maxSnapshotCount: 1_000_000,
  /** Largest cluster.fsyncMs. */
  maxFsyncMs: 10_000,
  /** Longest etcdctl command line (a txn with its blocks included), characters. */
  maxEtcdctlChars: 10_000,
} as const;

/** Server and client names. */
export const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]{0,15}$';
/** Words with a meaning of their own in steps; never usable as server or client names. */
export const RESERVED_WORDS = ['leader', 'all', 'none', 'any'] as const;

/** The step keys, in the order error messages list them. */
export const STEP_KEYS = [
  'say', 'run', 'wait', 'pause', 'crash', 'restart', 'timeout', 'partition', 'isolate', 'reconnect',
  'cut', 'heal', 'network', 'transfer', 'member', 'compact', 'do', 'put', 'get', 'delete', 'cas', 'etcdctl', 'cancel', 'expect',
] as const;
export type StepKey = (typeof STEP_KEYS)[number];

/** Deliberate deviations from the Raft paper a scenario may switch on (cluster.unsafe). */
export const UNSAFE_FLAGS = [
  'commitPreviousTermEntries', 'skipUpToDateCheck', 'forgetVoteOnRestart', 'noTruncateOnConflict', 'leaderReadsLocally',
  'unsafeMultiServerChange', 'ackBeforeFsync',
] as const;

/** Cluster profiles (cluster.profile): the paper's timing with every issue 12 option off, or etcd's server defaults. */
export const PROFILES = ['paper', 'etcd'] as const;
export type Profile = (typeof PROFILES)[number];

/** How linearizable gets are served (cluster.reads; thesis §6.4). */
export const READ_MODES = ['log', 'readIndex', 'lease'] as const;

/** Clock rates (cluster.clockRate) must lie strictly between these. */
export const CLOCK_RATE_RANGE = [0.1, 10] as const;
/** Largest cluster.clockDriftBound (its smallest is 1). */
export const MAX_CLOCK_DRIFT_BOUND = 10;

/**
 * What each profile sets when the scenario does not give the key itself. `paper`: the defaults
 * below (the 2014 paper's §5, every issue 12 option off). `etcd`: as etcd's server configures its
 * raft node (heartbeat 100 ms, election 1000 ms, PreVote, CheckQuorum, ReadIndex reads; etcd
 * server/etcdserver/raft.go, embed/config.go).
 */
export const PROFILE_DEFAULTS: Record<Profile, {
  heartbeatMs: number; electionTimeoutMs: [number, number]; preVote: boolean; checkQuorum: boolean; reads: (typeof READ_MODES)[number];
}> = {
  paper: { heartbeatMs: 50, electionTimeoutMs: [150, 300], preVote: false, checkQuorum: false, reads: 'log' },
  etcd: { heartbeatMs: 100, electionTimeoutMs: [1000, 2000], preVote: true, checkQuorum: true, reads: 'readIndex' },
};

/** Defaults filled in by the parser. */
export const DEFAULTS = {
  description: '',
  seed: 1,
  nodes: 5,
  heartbeatMs: 50,
  electionTimeoutMs: [150, 300] as [number, number],
  clientTimeoutMs: 500,
  latencyMs: [10, 20] as [number, number],
  dropRate: 0,
  duplicateRate: 0,
  clients: ['c1'],
  withinMs: 5000,
  maxEntriesPerAppend: DEFAULT_MAX_ENTRIES_PER_APPEND,
  maxInflightMsgs: DEFAULT_MAX_INFLIGHT_MSGS,
  autoCompactionRetention: DEFAULT_AUTO_COMPACTION_RETENTION,
  profile: 'paper' as Profile,
  clockDriftBound: DEFAULT_CLOCK_DRIFT_BOUND,
  /** etcd's SnapshotCatchUpEntries is 5,000; 5 keeps the picture small (RaftConfig.snapshotCatchUpEntries' default). */
  snapshotCatchUpEntries: 5,
} as const;

const NAME_RULE = 'a letter followed by up to 15 letters, digits, "_" or "-"';

/** A name; `allow` lists the reserved words that are accepted here as words. */
function name(expected: string, allow: string[] = [], description?: string): JsonSchema {
  return {
    type: 'string',
    pattern: NAME_PATTERN,
    not: { enum: RESERVED_WORDS.filter((w) => !allow.includes(w)) },
    'x-expected': expected,
    ...(description ? { description } : {}),
  };
}

const serverName = () => name('a server name');
const serverOrLeader = () => name('a server name or "leader"', ['leader']);
const clientName = () => name('a client name');

const positiveMs = (description: string): JsonSchema => ({ type: 'number', exclusiveMinimum: 0, description });
const rate = (description: string): JsonSchema => ({ type: 'number', minimum: 0, maximum: 1, description });
const withinMs = (): JsonSchema =>
  positiveMs(`Give up after this many ms of simulated time (default ${DEFAULTS.withinMs}).`);

/** KV keys and values: strings; a bare YAML number is accepted and becomes its text. */
const kvText = (): JsonSchema => ({ type: ['string', 'number'], 'x-expected': 'a string' });
const kvTextOrNull = (): JsonSchema => ({
  type: ['string', 'number', 'null'],
  'x-expected': 'a string, or null (= absent)',
});

const latencyMs = (): JsonSchema => ({
  type: 'array',
  items: { type: 'number', minimum: 0 },
  minItems: 2,
  maxItems: 2,
  'x-expected': 'two numbers [min, max] with 0 <= min <= max',
  description: 'One-way message latency, drawn uniformly from [min, max] ms.',
});

const networkProps = (): JsonSchema => ({
  latencyMs: latencyMs(),
  dropRate: rate('Probability that a message is lost.'),
  duplicateRate: rate('Probability that a message is delivered twice.'),
});

const logEntry = (): JsonSchema => ({
  'x-expected': 'a term (a whole number >= 1) or a mapping { term, put: [key, value] }',
  oneOf: [
    { type: 'integer', minimum: 1, 'x-expected': 'a term (a whole number >= 1)', description: 'A no-op entry of this term.' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['term'],
      properties: {
        term: { type: 'integer', minimum: 1 },
        put: {
          type: 'array',
          items: kvText(),
          minItems: 2,
          maxItems: 2,
          'x-expected': 'a pair [key, value]',
        },
      },
    },
  ],
});

const initialServer = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['term'],
  properties: {
    term: { type: 'integer', minimum: 0, description: 'currentTerm at time 0.' },
    votedFor: {
      type: ['string', 'null'],
      pattern: NAME_PATTERN,
      not: { enum: [...RESERVED_WORDS] },
      'x-expected': 'a server name or null',
      description: 'votedFor at time 0 (default null).',
    },
    log: { type: 'array', items: logEntry(), description: 'Log entries, oldest first (default []).' },
  },
});

const cluster = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  description: 'The simulated cluster; every field has a default.',
  properties: {
    nodes: {
      'x-expected': `a count from 1 to ${LIMITS.maxServers}, or a list of 1 to ${LIMITS.maxServers} server names`,
      description: `A count (servers S1..Sn) or a list of distinct names (default ${DEFAULTS.nodes}).`,
      oneOf: [
        { type: 'integer', minimum: 1, maximum: LIMITS.maxServers, 'x-noun': 'server' },
        {
          type: 'array',
          minItems: 1,
          maxItems: LIMITS.maxServers,
          uniqueItems: true,
          'x-noun': 'server',
          items: name(`a server name: ${NAME_RULE}`),
        },
      ],
    },
    heartbeatMs: positiveMs(`Leader heartbeat interval (default ${DEFAULTS.heartbeatMs}); must be below the election timeout minimum.`),
    electionTimeoutMs: {
      type: 'array',
      items: { type: 'number', exclusiveMinimum: 0 },
      minItems: 2,
      maxItems: 2,
      'x-expected': 'two numbers [min, max] with 0 < min < max',
      description: 'Election timeout drawn uniformly from [min, max) ms (default [150, 300]).',
    },
    clientTimeoutMs: positiveMs(`A client retries an attempt with no reply after this long (default ${DEFAULTS.clientTimeoutMs}).`),
    network: { type: 'object', additionalProperties: false, properties: networkProps() },
    initial: {
      type: 'object',
      description: 'Persistent state at time 0, per server name.',
      propertyNames: serverName(),
      additionalProperties: initialServer(),
    },
    maxEntriesPerAppend: {
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxFlowControl,
      'x-expected': `a whole number from 1 to ${LIMITS.maxFlowControl}`,
      description: `Most entries one AppendEntries carries (default ${DEFAULTS.maxEntriesPerAppend}).`,
    },
    maxInflightMsgs: {
      type: 'integer',
      minimum: 1,
      maximum: LIMITS.maxFlowControl,
      'x-expected': `a whole number from 1 to ${LIMITS.maxFlowControl}`,
      description: `Most AppendEntries a leader keeps unacknowledged to one follower while replicating (default ${DEFAULTS.maxInflightMsgs}; etcd raft MaxInflightMsgs).`,
    },
    autoCompactionRetention: {
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxAutoCompactionRetention,
      'x-expected': `a whole number from 0 to ${LIMITS.maxAutoCompactionRetention}`,
      description: `Revisions of key-value history each server keeps at least; it compacts on its own once 10 times as many have accumulated (default ${DEFAULTS.autoCompactionRetention}; 0 keeps all; etcd --auto-compaction-mode=revision).`,
    },
    profile: {
      enum: [...PROFILES],
      description: 'Defaults for the keys not given: paper (default: heartbeatMs 50, electionTimeoutMs [150, 300], every option below off) or etcd (heartbeatMs 100, electionTimeoutMs [1000, 2000], preVote, checkQuorum, reads readIndex, as etcd\'s server runs raft).',
    },
    preVote: { type: 'boolean', description: 'PreVote (Raft thesis §9.6): a server that times out first asks for pre-votes without raising its term (default false; true under the etcd profile).' },
    checkQuorum: { type: 'boolean', description: 'CheckQuorum (thesis §6.2, §4.2.3): a leader that has not heard from a majority within an election timeout steps down, and a server that hears from its leader ignores RequestVote from others (default false; true under the etcd profile).' },
    reads: {
      enum: [...READ_MODES],
      description: 'How linearizable gets are served: log (through the log, the default), readIndex (a heartbeat round, thesis §6.4; the etcd profile\'s) or lease (a lease read, thesis §6.4.1; needs checkQuorum).',
    },
    clockDriftBound: {
      type: 'number',
      minimum: 1,
      maximum: MAX_CLOCK_DRIFT_BOUND,
      description: `The clock-drift bound of lease reads (thesis §6.4.1): the lease lasts the minimum election timeout divided by it (default ${DEFAULT_CLOCK_DRIFT_BOUND}).`,
    },
    clockRate: {
      type: 'object',
      description: 'Per server: how fast its clock runs, ms per ms of simulated time (default 1); its timers run on that clock. E.g. { S1: 0.5 }.',
      propertyNames: serverName(),
      additionalProperties: {
        type: 'number',
        exclusiveMinimum: CLOCK_RATE_RANGE[0],
        exclusiveMaximum: CLOCK_RATE_RANGE[1],
        'x-expected': `a clock rate between ${CLOCK_RATE_RANGE[0]} and ${CLOCK_RATE_RANGE[1]} (both excluded)`,
      },
    },
    spares: {
      'x-expected': `a count from 0 to ${LIMITS.maxServers - 1}, or a list of server names`,
      description: 'Servers that exist but are not members yet: a count (named after the initial servers, e.g. S4, S5 after 3 nodes) or a list of names (default none). A member step adds them; nodes and spares together are at most 9.',
      oneOf: [
        { type: 'integer', minimum: 0, maximum: LIMITS.maxServers - 1, 'x-noun': 'server' },
        { type: 'array', maxItems: LIMITS.maxServers - 1, uniqueItems: true, 'x-noun': 'server', items: name(`a server name: ${NAME_RULE}`) },
      ],
    },
    learners: {
      type: 'array',
      uniqueItems: true,
      items: serverName(),
      description: 'Initial servers (of nodes) that are learners: they receive the log but do not vote (etcd raft learners; default none).',
    },
    snapshotCount: {
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxSnapshotCount,
      'x-expected': `a whole number from 0 to ${LIMITS.maxSnapshotCount}`,
      description: 'A server snapshots its state machine after this many applied entries since its last snapshot and compacts its log (etcd --snapshot-count; default 0: never).',
    },
    snapshotCatchUpEntries: {
      type: 'integer',
      minimum: 0,
      maximum: LIMITS.maxSnapshotCount,
      'x-expected': `a whole number from 0 to ${LIMITS.maxSnapshotCount}`,
      description: `Entries kept in the log behind a snapshot, so that a slightly slow follower can still be sent entries (etcd SnapshotCatchUpEntries; default ${DEFAULTS.snapshotCatchUpEntries}; etcd keeps 5,000).`,
    },
    fsyncMs: {
      type: 'number',
      minimum: 0,
      maximum: LIMITS.maxFsyncMs,
      'x-expected': `a number of ms from 0 to ${LIMITS.maxFsyncMs}`,
      description: 'A write to stable storage (the WAL) completes this many ms after it is issued; a server answers a vote or acknowledges entries only after the write that holds them completed, and a crash loses writes in progress (default 0: at once).',
    },
    leaderNoop: {
      type: 'boolean',
      description: 'A new leader appends a no-op entry of its term (Raft paper §8; default true). false shows Figure 8 as the paper draws it.',
    },
    unsafe: {
      type: 'array',
      uniqueItems: true,
      items: { enum: [...UNSAFE_FLAGS] },
      description: 'Deliberate deviations from the paper, for teaching (default []).',
    },
  },
});

const clientOptions = (): JsonSchema => ({
  client: { ...clientName(), description: 'Which client sends it (default the first client).' },
  via: { ...serverName(), description: 'Send every attempt to this server only.' },
  retry: { type: 'boolean', description: 'Retry on timeout or redirect (default true).' },
  async: { type: 'boolean', description: "Don't wait for the reply before the next step (default false)." },
  withinMs: withinMs(),
});

const resultEnum = (): JsonSchema => ({ enum: ['ok', 'fail', 'unknown'] });

/** Inline expect of a client step; which keys are allowed depends on the operation. */
const clientExpect = (kind: 'put' | 'get' | 'delete' | 'cas'): JsonSchema => {
  const props: JsonSchema = { result: resultEnum() };
  if (kind === 'get') {
    props.value = kvTextOrNull();
    props.values = { type: 'object', additionalProperties: kvText(), description: 'For prefix gets: the whole key -> value map.' };
  }
  if (kind === 'cas') props.succeeded = { type: 'boolean' };
  if (kind === 'delete') props.deleted = { type: 'integer', minimum: 0 };
  return {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: props,
    description: 'Checked against the reply; a mismatch fails the run.',
  };
};

const clientStep = (kind: 'put' | 'get' | 'delete' | 'cas'): JsonSchema => {
  const own: JsonSchema = { key: kvText() };
  const required = ['key'];
  if (kind === 'put') {
    own.value = kvText();
    required.push('value');
  }
  if (kind === 'get') {
    own.prefix = { type: 'boolean' };
    own.serializable = { type: 'boolean' };
    own.read = { enum: [...READ_MODES], description: "How this linearizable get is served, overriding cluster.reads: log, readIndex or lease (for lessons comparing read paths)." };
  }
  if (kind === 'delete') own.prefix = { type: 'boolean' };
  if (kind === 'cas') {
    own.from = kvTextOrNull();
    own.to = kvText();
    required.push('from', 'to');
  }
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: { ...own, ...clientOptions(), expect: clientExpect(kind) },
  };
};

const serverMap = (values: JsonSchema): JsonSchema => ({
  type: 'object',
  propertyNames: serverName(),
  additionalProperties: values,
});

/** Most choices a predict-mode question offers. */
export const MAX_ASK_CHOICES = 6;

const askText = (): JsonSchema => ({ type: 'string', pattern: '\\S', 'x-expected': 'a non-empty string' });
const askChoices = (): JsonSchema => ({
  type: 'array',
  minItems: 2,
  maxItems: MAX_ASK_CHOICES,
  uniqueItems: true,
  'x-noun': 'choice',
  items: askText(),
  'x-expected': `a list of 2 to ${MAX_ASK_CHOICES} different answers`,
});

/**
 * Predict mode: a question asked at a presenter pause (`say` with `pause: true`), answered before
 * Continue shows what happens. `answer` is one of `choices` (checked in parse.ts, as are `pause`
 * and the number of Chinese choices, which match the English ones by position).
 */
const askSchema = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['question', 'choices', 'answer'],
  'x-expected': 'a mapping { question, choices, answer, zh }',
  description: 'A question the audience answers at this pause before Continue shows what happens.',
  properties: {
    question: askText(),
    choices: askChoices(),
    answer: askText(),
    zh: {
      type: 'object',
      additionalProperties: false,
      required: ['question', 'choices'],
      'x-expected': 'a mapping { question, choices }',
      properties: { question: askText(), choices: askChoices() },
    },
  },
});

const stepSchemas = (): Record<StepKey, JsonSchema> => ({
  say: {
    'x-expected': 'a string, or a mapping { text, zh, pause, ask }',
    description: 'Narration shown to the audience.',
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          text: { type: 'string' },
          en: { type: 'string', description: 'Another name for text.' },
          zh: { type: 'string' },
          pause: { type: 'boolean' },
          ask: askSchema(),
        },
      },
    ],
  },
  run: { ...positiveMs('Advance simulated time by this many ms.') },
  wait: {
    type: 'object',
    'x-expected': 'a mapping with for: leader or for: commit',
    discriminator: { propertyName: 'for' },
    oneOf: [
      {
        additionalProperties: false,
        required: ['for'],
        properties: {
          for: { const: 'leader' },
          among: { type: 'array', minItems: 1, uniqueItems: true, items: serverName() },
          withinMs: withinMs(),
        },
      },
      {
        additionalProperties: false,
        required: ['for', 'index'],
        properties: {
          for: { const: 'commit' },
          index: { type: 'integer', minimum: 1 },
          nodes: { type: 'integer', minimum: 1, maximum: LIMITS.maxServers },
          withinMs: withinMs(),
        },
      },
    ],
  },
  pause: { const: true, 'x-expected': 'true', description: 'Presenter pause.' },
  crash: {
    'x-expected': 'a server name, "leader", a list of those, or { target, optional }',
    oneOf: [
      serverOrLeader(),
      { type: 'array', minItems: 1, uniqueItems: true, items: serverOrLeader() },
      {
        type: 'object',
        additionalProperties: false,
        required: ['target'],
        properties: {
          target: serverOrLeader(),
          optional: { type: 'boolean', description: 'When target is "leader" and there is none, do nothing instead of failing (used by the fuzzer).' },
        },
      },
    ],
  },
  restart: {
    'x-expected': '"all", a server name, or a list of server names',
    oneOf: [
      name('"all" or a server name', ['all']),
      { type: 'array', minItems: 1, uniqueItems: true, items: serverName() },
    ],
  },
  timeout: serverOrLeader(),
  partition: {
    type: 'array',
    minItems: 1,
    'x-expected': 'a list of groups of server names, e.g. [[S1, S2], [S3, S4, S5]]',
    items: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: serverName(),
      'x-expected': 'a group: a list of server names',
    },
  },
  isolate: serverOrLeader(),
  reconnect: serverOrLeader(),
  cut: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: {
      from: serverName(),
      to: serverName(),
      both: { type: 'boolean', description: 'Cut both directions (default false).' },
    },
  },
  heal: { const: 'all', 'x-expected': '"all"' },
  transfer: {
    type: 'object',
    additionalProperties: false,
    required: ['to'],
    description: 'Ask the leader to transfer leadership to this server (thesis §3.10; etcdctl move-leader). Instant; wait/expect check the outcome.',
    properties: { to: serverName() },
  },
  network: { type: 'object', additionalProperties: false, minProperties: 1, properties: networkProps() },
  member: {
    ...memberRequestSchema(true),
    description: 'A membership change asked of the leader (etcdctl member add / promote / remove; Raft paper §6, thesis Chapter 4); waits until it is applied on the leader (withinMs, default 5000). A refusal fails the run.',
  },
  compact: {
    ...name('"all" or a server name', ['all']),
    description: 'The server (or every live server) snapshots its state machine now and compacts its log (Raft paper §7).',
  },
  do: {
    type: 'object',
    description: 'Any verb of the app, in the recorded-action form, e.g. { kind: pauseServer, node: S2 } or { kind: link, from: S1, to: S2, settings: { latencyMs: [80, 120] } }; a server may be "leader". Not the presenter\'s continue.',
    discriminator: { propertyName: 'kind' },
    oneOf: stepActionSchemas(),
  },
  put: clientStep('put'),
  get: clientStep('get'),
  delete: clientStep('delete'),
  cas: clientStep('cas'),
  etcdctl: {
    'x-expected': 'an etcdctl command line, or a mapping { command, client, via, as, withinMs, expect }',
    description: 'Runs one etcdctl command as a client (issue 14) and waits for its reply, unless it runs in the background (watch, lease keep-alive, lock, elect). A txn takes its blocks on the next lines of the same string.',
    oneOf: [
      etcdctlLine(),
      {
        type: 'object',
        additionalProperties: false,
        required: ['command'],
        properties: {
          command: etcdctlLine(),
          client: { ...clientName(), description: 'Which client runs it (default the first client).' },
          via: { ...serverName(), description: 'The server it is connected to (etcdctl --endpoints; default the one the client finds leading).' },
          as: { ...name(`a name: ${NAME_RULE}`), description: 'Names what the command creates or starts (a lease, a watch, a keep-alive, a lock) for later commands (--lease=L1) and cancel.' },
          withinMs: withinMs(),
          expect: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            description: 'Checked against what etcdctl printed (both streams, trailing whitespace trimmed) and its exit status.',
            properties: {
              output: { type: 'string', description: 'The whole output, exactly.' },
              contains: { type: 'string', description: 'Text the output contains.' },
              exit: { type: 'integer', minimum: 0, maximum: 255, description: "etcdctl's exit status (0 success, 1 error, …)." },
            },
          },
        },
      },
    ],
  },
  cancel: { ...name(`the as name of a background etcdctl command: ${NAME_RULE}`), description: 'Ctrl-C on a background etcdctl command named with as: a cancelled keep-alive stops renewing, a cancelled lock releases it.' },
  expect: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      leader: name('a server name, "none" or "any"', ['none', 'any']),
      role: serverMap({ enum: ['follower', 'preCandidate', 'candidate', 'leader'] }),
      term: serverMap({ type: 'integer', minimum: 0 }),
      committed: {
        type: 'object',
        additionalProperties: false,
        required: ['index'],
        properties: {
          index: { type: 'integer', minimum: 1 },
          nodes: { type: 'integer', minimum: 1, maximum: LIMITS.maxServers },
        },
      },
      notCommitted: {
        type: 'object',
        additionalProperties: false,
        required: ['index'],
        properties: { index: { type: 'integer', minimum: 1 } },
      },
      log: serverMap({ type: 'array', items: { type: 'integer', minimum: 1 }, 'x-expected': 'a list of entry terms' }),
      kv: { type: 'object', additionalProperties: kvTextOrNull() },
      on: {
        'x-expected': '"all" or a list of server names',
        oneOf: [
          { type: 'string', const: 'all', 'x-expected': '"all" or a list of server names' },
          { type: 'array', minItems: 1, uniqueItems: true, items: serverName() },
        ],
      },
      invariants: {
        'x-expected': '"ok", or { violated: [property, ...] } naming Figure 3 properties',
        oneOf: [
          { const: 'ok' },
          {
            type: 'object',
            additionalProperties: false,
            required: ['violated'],
            properties: {
              violated: {
                type: 'array',
                minItems: 1,
                uniqueItems: true,
                items: { enum: ['Election Safety', 'Leader Append-Only', 'Log Matching', 'Leader Completeness', 'State Machine Safety'] },
              },
            },
          },
        ],
      },
      linearizable: { type: 'boolean' },
      members: {
        type: 'object',
        additionalProperties: false,
        required: ['voters'],
        description: "The leader's applied configuration (on: another server's): voters (when joint, the incoming half), learners (default []), votersOutgoing (checked when given). Order does not matter.",
        properties: {
          voters: { type: 'array', uniqueItems: true, items: serverName() },
          learners: { type: 'array', uniqueItems: true, items: serverName() },
          votersOutgoing: { type: 'array', uniqueItems: true, items: serverName() },
          on: serverName(),
        },
      },
      snapshotIndex: serverMap({ type: 'integer', minimum: 0 }),
      watched: {
        type: 'object',
        propertyNames: { type: 'string', pattern: NAME_PATTERN },
        additionalProperties: { type: 'array', items: { type: 'string' }, 'x-expected': 'a list of events, "PUT key value" or "DELETE key"' },
        description: 'The events each named watch has received so far, in order.',
      },
    },
  },
});

/** An etcdctl command line (one line, or a txn with its blocks on the next lines). */
const etcdctlLine = (): JsonSchema => ({ type: 'string', pattern: '\\S', maxLength: LIMITS.maxEtcdctlChars, 'x-expected': 'an etcdctl command line' });

/** A position in a run: events processed and simulated time. */
const position = (): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['events', 'atMs'],
  properties: {
    events: { type: 'integer', minimum: 0, 'x-expected': 'a whole number of events >= 0' },
    atMs: { type: 'number', minimum: 0, maximum: LIMITS.maxSimulatedMs, 'x-expected': `a time in ms between 0 and ${LIMITS.maxSimulatedMs}` },
  },
});

const str = { type: 'string' };
const nodeRef = { type: 'string', pattern: NAME_PATTERN };
const linkSettings = { type: 'object', additionalProperties: false, properties: networkProps() };

/** The JSON Schema of each kind of verb argument (src/sim/verbs.ts VerbArgTypes). */
const verbArgSchema = (t: VerbArgType): JsonSchema => {
  switch (t) {
    case 'server': case 'client': return nodeRef;
    case 'serverGroups': return { type: 'array', items: { type: 'array', items: nodeRef } };
    case 'boolean': return { type: 'boolean' };
    case 'linkSettings': return linkSettings;
    case 'linkSettingsOrNull': return { oneOf: [linkSettings, { type: 'null' }] };
    case 'durationMs': return { type: 'number', exclusiveMinimum: 0, maximum: 3_600_000 };
    case 'messageId': return { type: 'integer', minimum: 1 };
    case 'serverOrAll': return nodeRef;
    case 'memberRequest': return memberRequestSchema();
    case 'text': return { type: 'string', maxLength: LIMITS.maxEtcdctlChars };
    case 'name': return { type: 'string', pattern: NAME_PATTERN };
    case 'clientOp': return {
      type: 'object', additionalProperties: false, required: ['op', 'key'],
      properties: { op: { enum: ['put', 'get', 'delete', 'cas'] }, key: str, value: str, prefix: { type: 'boolean' }, serializable: { type: 'boolean' }, read: { enum: [...READ_MODES] }, from: { oneOf: [str, { type: 'null' }] }, to: str },
    };
  }
};

/**
 * A membership operation (MemberRequest of src/sim/types.ts; the `member` step and verb):
 * `{ add, learner }`, `{ promote }`, `{ remove }`, or `{ change: { add, remove, learners } }` (joint consensus).
 */
export const memberRequestSchema = (step = false): JsonSchema => {
  const list = { type: 'array', minItems: 1, uniqueItems: true, items: serverName() };
  return {
    'x-expected': 'one of { add: S4 }, { add: S4, learner: true }, { promote: S4 }, { remove: S1 }, { change: { add: [...], remove: [...] } }',
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['add'], properties: { add: serverName(), learner: { type: 'boolean', description: 'Add it as a learner: it receives the log but does not vote (default false).' }, ...(step ? { withinMs: withinMs() } : {}) } },
      { type: 'object', additionalProperties: false, required: ['promote'], properties: { promote: serverName(), ...(step ? { withinMs: withinMs() } : {}) } },
      { type: 'object', additionalProperties: false, required: ['remove'], properties: { remove: serverName(), ...(step ? { withinMs: withinMs() } : {}) } },
      {
        type: 'object', additionalProperties: false, required: ['change'], properties: {
          change: {
            type: 'object', additionalProperties: false, minProperties: 1,
            description: 'Several servers at once: joint consensus (Raft paper §6), left automatically.',
            properties: { add: list, remove: list, learners: { ...list, description: 'Servers added as learners.' } },
          },
          ...(step ? { withinMs: withinMs() } : {}),
        },
      },
    ],
  };
};

/** One recorded user action (a UserAction of src/sim/verbs.ts), by its `kind`: derived from the verbs table. */
const actionSchemas = (): JsonSchema[] => VERB_NAMES.map((kind) => {
  const args = Object.entries(verbOf(kind).args);
  const properties: JsonSchema = { kind: { const: kind } };
  for (const [name, a] of args) properties[name] = verbArgSchema(a.type);
  return { type: 'object', additionalProperties: false, required: ['kind', ...args.filter(([, a]) => !a.optional).map(([name]) => name)], properties };
});

/** The verbs a `do` step may use: every verb but the presenter's continue (a scenario holds at a `pause` step instead). */
export const STEP_VERBS: readonly VerbName[] = VERB_NAMES.filter((k) => k !== 'resume');

/** The `do` step's branches: the recorded-action schema of each verb of STEP_VERBS. */
const stepActionSchemas = (): JsonSchema[] => actionSchemas().filter((s) => STEP_VERBS.includes((s.properties as { kind: { const: VerbName } }).kind.const));

/**
 * `replay`: actions a user took in the app, each at the exact position it was taken, and where the
 * recorded run stopped. Written by "Save as scenario"; replaying gives the same traceHash.
 */
function replaySchema(): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['actions', 'until'],
    description: 'Recorded user actions at exact positions, and where the recording stopped.',
    properties: {
      actions: {
        type: 'array',
        maxItems: LIMITS.maxReplayActions,
        'x-noun': 'action',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['events', 'atMs', 'do'],
          properties: {
            ...(position().properties as Record<string, JsonSchema>),
            do: { 'x-expected': 'a recorded action such as { kind: crash, node: S1 }', oneOf: actionSchemas() },
          },
        },
      },
      until: position(),
    },
  };
}

/** The JSON Schema of a scenario file. */
export const scenarioSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'raftsim scenario',
  type: 'object',
  'x-expected': 'a mapping with at least title and steps',
  additionalProperties: false,
  required: ['title', 'steps'],
  properties: {
    title: { type: 'string', pattern: '\\S', 'x-expected': 'a non-empty string' },
    description: { type: 'string', description: 'Markdown shown beside the run (default "").' },
    i18n: {
      type: 'object',
      additionalProperties: false,
      description: 'Translations of title, summary and description, per language (e.g. zh).',
      properties: {
        zh: {
          type: 'object',
          additionalProperties: false,
          properties: { title: { type: 'string' }, summary: { type: 'string' }, description: { type: 'string' } },
        },
      },
    },
    summary: { type: 'string', description: 'One line for the scenario library (default "").' },
    concepts: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', pattern: '\\S' },
      description: 'What the scenario teaches, e.g. ["leader election", "§5.4.1"], for the library page.',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_SEED,
      'x-expected': SEED_RANGE_TEXT,
      description: `Seed of the simulation's random choices (default ${DEFAULTS.seed}).`,
    },
    cluster: cluster(),
    clients: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      'x-noun': 'client',
      items: name(`a client name: ${NAME_RULE}`),
      description: 'Client names (default [c1]); must differ from server names.',
    },
    replay: replaySchema(),
    steps: {
      type: 'array',
      maxItems: LIMITS.maxSteps,
      'x-noun': 'step',
      'x-expected': 'a list of steps',
      items: {
        type: 'object',
        'x-expected': 'a mapping with one step key, e.g. "- run: 500"',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: stepSchemas(),
      },
    },
  },
};
