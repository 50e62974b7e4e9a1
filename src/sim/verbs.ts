/**
 * The verbs: everything a scenario step, a user in the app, or a recorded replay can do to a
 * running cluster, named once. Each verb has its argument shape (what the scenario schema and
 * parser validate in a recorded action), its apply function (which engine primitive carries it
 * out) and its English label (branch labels, logs). `UserAction`, the serialized form of one use
 * of a verb, is derived from this table: `{ kind: <verb>, ...its arguments }`, exactly the shape
 * `replay:` sections and share links have always stored.
 *
 * Adding a verb is adding a row here (and the page's translation of its label in the UI).
 * Scenario-only concerns (resolving `leader`, `optional`, step outcomes) stay in the runner.
 */
import type { NodeId } from '../raft/types';
import type { ClientOpHandle, ClientOpSpec } from './client';
import type { Simulation } from './engine';
import type { EtcdRun } from './etcdRun';
import type { LinkSettings, MemberOutcome, MemberRequest } from './types';

/** The kinds of argument a verb takes; the scenario schema and parser give each its rule. */
export interface VerbArgTypes {
  /** A server of the cluster. */
  server: NodeId;
  /** Groups of servers (a partition). */
  serverGroups: NodeId[][];
  boolean: boolean;
  /** Some of latencyMs, dropRate, duplicateRate. */
  linkSettings: Partial<LinkSettings>;
  /** Link settings, or null for "back to the network's". */
  linkSettingsOrNull: Partial<LinkSettings> | null;
  /** A client of the scenario. */
  client: string;
  /** A client operation (put, get, delete, cas). */
  clientOp: ClientOpSpec;
  /** The id of a message in flight (MessageRecord.id). */
  messageId: number;
  /** A positive number of ms of simulated time. */
  durationMs: number;
  /** A membership operation (add, add as learner, promote, remove, or one joint change). */
  memberRequest: MemberRequest;
  /** A server of the cluster, or "all". */
  serverOrAll: NodeId | 'all';
  /** Free text (an etcdctl command line; issue 14). */
  text: string;
  /** An `as` name of an etcdctl command (L1, W1, …; issue 14). */
  name: string;
}

export type VerbArgType = keyof VerbArgTypes;

/** One argument of a verb: its kind, and whether it may be left out. */
export interface VerbArg {
  type: VerbArgType;
  optional?: boolean;
}

/** What a verb acts on: the run's engine, and the presenter's pause (held by the scenario runner). */
export interface VerbTarget {
  sim: Simulation;
  /** Lets a run held at a scenario `pause` go on (the presenter's Continue). */
  continueAtPause(): void;
}

/** The arguments object of a verb, from its argument shape. */
export type VerbArgs<S extends Record<string, VerbArg>> =
  & { [K in keyof S as S[K]['optional'] extends true ? never : K]: VerbArgTypes[S[K]['type']] }
  & { [K in keyof S as S[K]['optional'] extends true ? K : never]?: VerbArgTypes[S[K]['type']] };

/**
 * One verb. `steps` names the scenario step keys that reach it besides the recorded-action form
 * (e.g. `crash: leader`; the runner resolves such a step to actions); none for app-only verbs.
 */
export interface Verb<S extends Record<string, VerbArg>, R = void> {
  args: S;
  /** Carries the verb out now; R is what it gives back (a client operation's handle, for `client`). */
  apply(t: VerbTarget, a: VerbArgs<S>): R;
  label(a: VerbArgs<S>): string;
  steps: readonly string[];
}

function verb<const S extends Record<string, VerbArg>, R = void>(
  args: S, apply: (t: VerbTarget, a: VerbArgs<S>) => R, label: (a: VerbArgs<S>) => string, ...steps: string[]
): Verb<S, R> {
  return { args, apply, label, steps };
}

const server = { type: 'server' } as const;
const link = { from: server, to: server, both: { type: 'boolean' } } as const;
const groupsText = (groups: NodeId[][]) => groups.map((g) => `[${g.join(', ')}]`).join(' ');

/** The table: verb name → argument shape, apply, label (and the scenario step keys that reach it). */
export const VERBS = {
  crash: verb({ node: server }, (t, a) => t.sim.crash(a.node), (a) => `crash ${a.node}`, 'crash'),
  restart: verb({ node: server }, (t, a) => t.sim.restart(a.node), (a) => `restart ${a.node}`, 'restart'),
  timeout: verb({ node: server }, (t, a) => t.sim.forceTimeout(a.node), (a) => `timeout ${a.node}`, 'timeout'),
  isolate: verb({ node: server }, (t, a) => t.sim.isolate(a.node), (a) => `isolate ${a.node}`, 'isolate'),
  reconnect: verb({ node: server }, (t, a) => t.sim.reconnect(a.node), (a) => `reconnect ${a.node}`, 'reconnect'),
  pauseServer: verb({ node: server }, (t, a) => t.sim.pauseServer(a.node), (a) => `pauseServer ${a.node}`),
  resumeServer: verb({ node: server }, (t, a) => t.sim.resumeServer(a.node), (a) => `resumeServer ${a.node}`),
  partition: verb({ groups: { type: 'serverGroups' } }, (t, a) => t.sim.partition(a.groups), (a) => `partition ${groupsText(a.groups)}`, 'partition'),
  cut: verb(link, (t, a) => t.sim.cut(a.from, a.to, a.both), (a) => `cut ${a.from} → ${a.to}${a.both ? ' both ways' : ''}`, 'cut'),
  restoreLink: verb(link, (t, a) => t.sim.restoreLink(a.from, a.to, a.both), (a) => `restoreLink ${a.from} → ${a.to}${a.both ? ' both ways' : ''}`),
  heal: verb({}, (t) => t.sim.heal(), () => 'heal', 'heal'),
  /** The presenter pressed Continue at a pause. */
  resume: verb({}, (t) => t.continueAtPause(), () => 'continue'),
  network: verb({ settings: { type: 'linkSettings' } }, (t, a) => t.sim.setNetwork(a.settings), (a) => `network ${JSON.stringify(a.settings)}`, 'network'),
  /** Per-link latency and loss (null clears the override). */
  link: verb(
    { from: server, to: server, settings: { type: 'linkSettingsOrNull' } },
    (t, a) => t.sim.setLink(a.from, a.to, a.settings),
    (a) => `link ${a.from} → ${a.to} ${JSON.stringify(a.settings)}`,
  ),
  client: verb(
    { client: { type: 'client' }, via: { type: 'server', optional: true }, retry: { type: 'boolean', optional: true }, withinMs: { type: 'durationMs', optional: true }, spec: { type: 'clientOp' } },
    (t, a): ClientOpHandle => t.sim.submit(a.client, a.spec, { via: a.via, retry: a.retry ?? true, withinMs: a.withinMs ?? 5000 }),
    (a) => `${a.client}: ${a.spec.op} ${a.spec.key}${a.via ? ` via ${a.via}` : ''}`,
    'put', 'get', 'delete', 'cas',
  ),
  dropMessage: verb({ id: { type: 'messageId' } }, (t, a) => t.sim.dropInFlight(a.id), (a) => `drop message #${a.id}`),
  duplicateMessage: verb({ id: { type: 'messageId' } }, (t, a) => t.sim.duplicateInFlight(a.id), (a) => `duplicate message #${a.id}`),
  delayMessage: verb({ id: { type: 'messageId' }, byMs: { type: 'durationMs' } }, (t, a) => t.sim.delayInFlight(a.id, a.byMs), (a) => `delay message #${a.id} by ${a.byMs} ms`),
  /** A leader transfer to `to` (thesis §3.10; etcd `move-leader`), asked of the current leader. */
  transfer: verb({ to: server }, (t, a) => t.sim.transferLeader(a.to), (a) => `transfer leadership to ${a.to}`, 'transfer'),
  /**
   * A membership change asked of the current leader (etcdctl member add / promote / remove; Raft
   * paper §6, thesis Chapter 4): instant; gives back the proposal's index or the refusal. The
   * scenario's `member` step then waits until the change is applied on the leader.
   */
  member: verb({ change: { type: 'memberRequest' } }, (t, a): MemberOutcome => t.sim.member(a.change), (a) => memberLabel(a.change), 'member'),
  /** A server (or every live server) snapshots its state machine now and compacts its log (Raft paper §7). */
  compact: verb({ node: { type: 'serverOrAll' } }, (t, a) => t.sim.compact(a.node), (a) => `compact ${a.node}`, 'compact'),
  /** One etcdctl command line run as a client (the console, the `etcdctl:` step; issue 14). */
  etcdctl: verb(
    { client: { type: 'client' }, via: { type: 'server', optional: true }, command: { type: 'text' }, as: { type: 'name', optional: true } },
    (t, a): EtcdRun => t.sim.etcdctl(a.command, { client: a.client, ...(a.via !== undefined ? { via: a.via } : {}), ...(a.as !== undefined ? { as: a.as } : {}) }),
    (a) => `${a.client}: etcdctl ${a.command.split('\n')[0]}${a.via ? ` via ${a.via}` : ''}`,
    'etcdctl',
  ),
  /** Ctrl-C on a named background etcdctl command (the `cancel:` step). */
  etcdCancel: verb({ name: { type: 'name' } }, (t, a) => t.sim.etcdCancel(a.name), (a) => `Ctrl-C ${a.name}`, 'cancel'),
};

/** English label of a membership operation, e.g. "member add S4 (learner)", "member change +S4 +S5 −S1". */
export function memberLabel(r: MemberRequest): string {
  if ('add' in r) return `member add ${r.add}${r.learner ? ' (learner)' : ''}`;
  if ('promote' in r) return `member promote ${r.promote}`;
  if ('remove' in r) return `member remove ${r.remove}`;
  const c = r.change;
  return `member change ${[...(c.add ?? []).map((s) => `+${s}`), ...(c.learners ?? []).map((s) => `+${s} (learner)`), ...(c.remove ?? []).map((s) => `−${s}`)].join(' ')}`;
}

export type VerbName = keyof typeof VERBS;

/** Every verb's name, in table order. */
export const VERB_NAMES = Object.keys(VERBS) as VerbName[];

type ArgsOf<K extends VerbName> = (typeof VERBS)[K] extends Verb<infer S, unknown> ? VerbArgs<S> : never;

/** What carrying out a verb gives back (void for all but `client`, which gives the operation's handle, and `etcdctl`, its run). */
export type VerbResult<K extends VerbName> = ReturnType<(typeof VERBS)[K]['apply']>;

/** One use of a verb, as the app records it and `replay:` stores it: `{ kind, ...arguments }`. */
export type UserAction = { [K in VerbName]: { kind: K } & ArgsOf<K> }[VerbName];

/** The table row of a verb, typed loosely (for code that walks the table). */
export function verbOf(kind: VerbName): Verb<Record<string, VerbArg>, unknown> {
  return VERBS[kind] as unknown as Verb<Record<string, VerbArg>, unknown>;
}

/**
 * Carries out one action on a run now.
 * @throws Error for an unknown verb, server, client or message (as the engine primitive does)
 */
export function applyVerb<A extends UserAction>(t: VerbTarget, a: A): VerbResult<A['kind']> {
  if (!Object.prototype.hasOwnProperty.call(VERBS, a.kind)) throw new Error(`unknown action "${String(a.kind)}"`);
  return verbOf(a.kind).apply(t, a as never) as VerbResult<A['kind']>;
}

/** Short English label of an action, e.g. "crash S1", "cut S1 → S2 both ways" (the UI translates its own). */
export function verbLabel(a: UserAction): string {
  return verbOf(a.kind).label(a as never);
}
