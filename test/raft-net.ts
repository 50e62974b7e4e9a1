/**
 * A tiny in-test network for driving pure RaftNodes together (the role etcd raft's `network` plays in
 * raft_test.go): no engine, no timers, no randomness. Each server has its own local clock, which the
 * test advances (at any rate it likes, to model drift) and which is passed with every input as
 * `nowMs`. Messages queue in send order and `deliver()` hands them over one by one, with the
 * messages they cause, until none is left (etcd's `nt.send`). Timers are fired by the test
 * (`timeout`, `heartbeat`), as etcd's tests tick.
 */
import { RaftNode, type RaftConfig } from '../src/raft/node';
import type { ConfChange, LogEntry, NodeId, PersistentState, RaftEffect, RaftInput, RaftMessage, RaftNote } from '../src/raft/types';

/** etcd's defaults, in ms: heartbeat 100, election timeout 1000 (the low end of [1000, 2000)). */
export const HEARTBEAT_MS = 100;
export const ELECTION_MS = 1000;

/** Node options; `servers` (the bootstrap voters) defaults to every server of the Net, so a Net can hold spares. */
export type Options = Partial<Omit<RaftConfig, 'id'>>;

export const noop = (term: number): LogEntry => ({ term, command: { type: 'noop' } });
export const terms = (...ts: number[]): LogEntry[] => ts.map(noop);

export class Net {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly clock = new Map<NodeId, number>();
  /** Messages sent and not yet delivered, in send order. */
  queue: RaftMessage[] = [];
  /** Every effect each node returned, in order. */
  readonly effects = new Map<NodeId, RaftEffect[]>();
  /** Every message delivered (after the filters), in order. */
  readonly delivered: RaftMessage[] = [];
  private readonly isolated = new Set<NodeId>();
  /** Drops a message when it returns true (etcd's `ignore` / `msgHook`). */
  drop: ((m: RaftMessage) => boolean) | null = null;

  constructor(readonly servers: NodeId[], options: Options = {}, perNode: Record<NodeId, Options> = {}, initial: Record<NodeId, Partial<PersistentState>> = {}) {
    for (const id of servers) {
      const p = initial[id];
      const persistent: PersistentState | undefined = p ? { currentTerm: 0, votedFor: null, log: [], ...p } : undefined;
      this.nodes.set(id, new RaftNode({ id, servers, ...config(options), ...perNode[id] }, persistent));
      this.clock.set(id, 0);
      this.effects.set(id, []);
      this.record(id, this.nodes.get(id)!.start(0));
    }
  }

  node(id: NodeId): RaftNode {
    return this.nodes.get(id)!;
  }

  /**
   * Crashes and restarts `id` from its persistent state (a new node: volatile state lost, Figure 2),
   * or from `persistent` when given (what a WAL model kept); its queued messages are dropped.
   * Returns the new node's start effects.
   */
  restart(id: NodeId, persistent?: PersistentState): RaftEffect[] {
    const n = this.node(id);
    this.queue = this.queue.filter((m) => m.to !== id && m.from !== id);
    const fresh = new RaftNode(configOf(n), persistent ?? n.state().persistent);
    this.nodes.set(id, fresh);
    const fx = fresh.start(this.clock.get(id)!);
    this.record(id, fx);
    return fx;
  }

  /** Proposes a ConfChange at `id` and delivers everything; returns the proposeResult. */
  proposeConf(id: NodeId, change: ConfChange): Extract<RaftEffect, { type: 'proposeResult' }> {
    const fx = this.step(id, { type: 'proposeConfChange', change });
    this.deliver();
    return fx.find((f): f is Extract<RaftEffect, { type: 'proposeResult' }> => f.type === 'proposeResult')!;
  }

  /** Rebuilds `id` with other options, keeping its persistent and volatile state (etcd tests flip `preVote` on a live node). */
  reconfigure(id: NodeId, options: Options): void {
    const n = this.node(id);
    const s = n.state();
    this.nodes.set(id, new RaftNode({ ...configOf(n), ...options }, s.persistent, s.volatile));
  }

  /** Steps `id` on `input` at its local clock; what it sends is queued. Returns its effects. */
  step(id: NodeId, input: RaftInput): RaftEffect[] {
    const fx = this.node(id).step(input, this.clock.get(id)!);
    this.record(id, fx);
    return fx;
  }

  protected record(id: NodeId, fx: RaftEffect[]): void {
    this.effects.get(id)!.push(...fx);
    for (const f of fx) if (f.type === 'send') this.queue.push(f.msg);
  }

  /** Advances the local clocks of `ids` (default: every server) by `ms`. */
  advance(ms: number, ids: NodeId[] = this.servers): void {
    for (const id of ids) this.clock.set(id, this.clock.get(id)! + ms);
  }

  /** The election timer of `id` fires (etcd MsgHup); nothing is delivered. */
  timeout(id: NodeId): RaftEffect[] {
    return this.step(id, { type: 'electionTimeout' });
  }

  /** The heartbeat timer of `id` fires; nothing is delivered. */
  heartbeat(id: NodeId): RaftEffect[] {
    return this.step(id, { type: 'heartbeatTimeout' });
  }

  /** `id` times out and everything that follows is delivered (etcd `nt.send(MsgHup)`). */
  campaign(id: NodeId): void {
    this.timeout(id);
    this.deliver();
  }

  /** Delivers queued messages, and the messages they cause, until none is left; returns how many were delivered. */
  deliver(): number {
    let n = 0;
    while (this.queue.length) {
      const m = this.queue.shift()!;
      if (this.isolated.has(m.from) || this.isolated.has(m.to) || (this.drop && this.drop(m))) continue;
      this.delivered.push(m);
      this.step(m.to, { type: 'message', msg: m });
      n++;
    }
    return n;
  }

  /** Delivers only the queued messages (and what they cause) for which `pick` holds; the others stay queued in order. */
  deliverOnly(pick: (m: RaftMessage) => boolean): void {
    const keep: RaftMessage[] = [];
    while (this.queue.length) {
      const m = this.queue.shift()!;
      if (!pick(m)) {
        keep.push(m);
        continue;
      }
      if (this.isolated.has(m.from) || this.isolated.has(m.to) || (this.drop && this.drop(m))) continue;
      this.delivered.push(m);
      this.step(m.to, { type: 'message', msg: m });
    }
    this.queue = keep;
  }

  /** Cuts `id` off from everyone (messages to or from it are dropped at delivery). */
  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  /** Heals every isolation (etcd `nt.recover`), and clears the drop filter. */
  recover(): void {
    this.isolated.clear();
    this.drop = null;
  }

  /** Drops everything queued (messages lost in a slow network). */
  clearQueue(): void {
    this.queue = [];
  }

  /** Effects of `id` since index `from` of its record. */
  effectsOf(id: NodeId, from = 0): RaftEffect[] {
    return this.effects.get(id)!.slice(from);
  }

  /** Notes `id` emitted of `kind`, in order. */
  notes<K extends RaftNote['kind']>(id: NodeId, kind: K): Extract<RaftNote, { kind: K }>[] {
    const out: Extract<RaftNote, { kind: K }>[] = [];
    for (const f of this.effects.get(id)!) if (f.type === 'note' && f.note.kind === kind) out.push(f.note as Extract<RaftNote, { kind: K }>);
    return out;
  }

  /** readReady effects of `id`, in order. */
  readsReady(id: NodeId): { ctx: string; index: number }[] {
    const out: { ctx: string; index: number }[] = [];
    for (const f of this.effects.get(id)!) if (f.type === 'readReady') out.push({ ctx: f.ctx, index: f.index });
    return out;
  }

  /** Delivered messages of `type`, in order. */
  deliveredOf<T extends RaftMessage['type']>(type: T): Extract<RaftMessage, { type: T }>[] {
    return this.delivered.filter((m): m is Extract<RaftMessage, { type: T }> => m.type === type);
  }

  /** Proposes a command at `id` and delivers everything (etcd `nt.send(MsgProp)`); returns the proposeResult. */
  propose(id: NodeId, value = 'x'): Extract<RaftEffect, { type: 'proposeResult' }> {
    const fx = this.step(id, { type: 'propose', command: { type: 'kv', clientId: 'c', seq: 1, op: { op: 'put', key: 'k', value } } });
    this.deliver();
    return fx.find((f): f is Extract<RaftEffect, { type: 'proposeResult' }> => f.type === 'proposeResult')!;
  }

  /** One heartbeat round from leader `id`, delivered (what a heartbeat timer does, without time passing). */
  heartbeatRound(id: NodeId): void {
    this.heartbeat(id);
    this.deliver();
  }
}

function config(options: Options): Partial<Omit<RaftConfig, 'id'>> & { heartbeatMs: number } {
  return { heartbeatMs: HEARTBEAT_MS, minElectionTimeoutMs: ELECTION_MS, ...options };
}

/** The RaftConfig a node was built with (to rebuild it on restart). */
export function configOf(n: RaftNode): RaftConfig {
  return {
    id: n.id, servers: n.servers, learners: n.bootstrapLearners, spare: n.spare, snapshotCatchUpEntries: n.snapshotCatchUpEntries, heartbeatMs: n.heartbeatMs, maxEntriesPerAppend: n.maxEntries, maxInflightMsgs: n.maxInflight,
    leaderNoop: n.leaderNoop, unsafe: n.unsafe, minElectionTimeoutMs: n.minElectionTimeoutMs, preVote: n.preVote,
    checkQuorum: n.checkQuorum, readOnly: n.readOnlyOption, clockDriftBound: n.clockDriftBound, asyncStorage: n.asyncStorage,
  };
}
