/**
 * The deterministic simulation engine: one discrete-event loop that owns simulated time, all
 * randomness (seeded sub-streams), the network, faults and the simulated clients, and drives pure
 * Raft nodes. Same configuration + same seed + same commands ⇒ same trace and `traceHash`.
 *
 * The loop: pop the earliest event (ties by insertion order), hand it to a node or client, carry
 * out the effects the node returns (send messages, arm timers, apply committed entries).
 */
import type { Reason } from '../scenario/reasons';
import { InvariantChecker, type CheckedNode } from '../check/invariants';
import { KvStateMachine } from '../kv/store';
import type { Command, KvOp } from '../kv/types';
import { RaftNode } from '../raft/node';
import { SAFE, type LogEntry, type NodeId, type PersistentState, type RaftEffect, type RaftInput, type RaftMessage, type UnsafeFlags } from '../raft/types';
import { SimClient, describeOp, type ClientHost, type ClientOpHandle, type ClientOpSpec, type ClientRunOptions } from './client';
import { TraceHasher } from './hash';
import { EventHeap, type Scheduled } from './heap';
import { Network } from './network';
import { RandomStream } from './rng';
import type {
  ClientRequest, ClientResponse, DropReason, HistoryRecord, LinkSettings, MessageRecord, ServerView, SimMessage, SimStats, TraceEvent,
} from './types';

/** Everything needed to build a cluster. Times in ms of simulated time. */
export interface SimConfig {
  seed: number;
  servers: NodeId[];
  clients: string[];
  heartbeatMs: number;
  /** Election timeouts are drawn from [min, max) (Raft paper §5.2). */
  electionTimeoutMs: [number, number];
  clientTimeoutMs: number;
  network: LinkSettings;
  /** Persistent state at time 0, per server (to set up the paper's figures). */
  initial?: Record<NodeId, PersistentState<Command>>;
  unsafe?: Partial<UnsafeFlags>;
  /** A new leader appends a no-op of its term (Raft paper §8); default true. */
  leaderNoop?: boolean;
  /** Most entries per AppendEntries (RaftConfig.maxEntriesPerAppend; default 64). */
  maxEntriesPerAppend?: number;
  /** Most unacknowledged AppendEntries per follower in replicate (RaftConfig.maxInflightMsgs; default 8). */
  maxInflightMsgs?: number;
  /** Check the Figure 3 safety properties as the run goes (default true). */
  checkInvariants?: boolean;
  /** Keep every message record and trace event (default true; benchmarks may turn it off). */
  keepTrace?: boolean;
}

type SimEvent = Scheduled & (
  | { type: 'deliver'; rec: MessageRecord }
  | { type: 'electionTimer'; node: NodeId; gen: number }
  | { type: 'heartbeatTimer'; node: NodeId; gen: number }
  | { type: 'clientTimer'; client: string; gen: number }
);

/** Kinds of events, as the UI's "step one event" shows them. */
export type ProcessedEvent =
  | { kind: 'deliver'; atMs: number; record: MessageRecord }
  | { kind: 'electionTimeout' | 'heartbeat'; atMs: number; node: NodeId }
  | { kind: 'clientTimer'; atMs: number; client: string };

/** A client request a server has proposed and will answer when the entry is applied. */
interface PendingRequest {
  clientId: string;
  seq: number;
  index: number;
}

/** One server: its Raft node, its copy of the KV state machine and its host-side timers. */
export class SimServer {
  up = true;
  raft: RaftNode<Command>;
  sm = new KvStateMachine();
  electionGen = 0;
  heartbeatGen = 0;
  electionDeadlineMs: number | null = null;
  electionArmedMs: number | null = null;
  /** Time of the election-timer event in the queue (it may be earlier than the deadline; see resetElectionTimer). */
  electionEventMs: number | null = null;
  pending = new Map<string, PendingRequest>();
  /** Paused by the user: alive, but processing nothing; messages and fired timers wait for resume. */
  paused = false;
  held: MessageRecord[] = [];
  heldTimers: ('electionTimeout' | 'heartbeatTimeout')[] = [];
  constructor(readonly id: NodeId, raft: RaftNode<Command>, readonly electionRng: RandomStream) {
    this.raft = raft;
  }

  /** An independent copy (Raft node, state machine, timers, randomness). */
  clone(): SimServer {
    const c = new SimServer(this.id, this.raft.clone(), this.electionRng.clone());
    c.up = this.up;
    c.sm = this.sm.clone();
    c.electionGen = this.electionGen;
    c.heartbeatGen = this.heartbeatGen;
    c.electionDeadlineMs = this.electionDeadlineMs;
    c.electionArmedMs = this.electionArmedMs;
    c.electionEventMs = this.electionEventMs;
    c.pending = new Map([...this.pending].map(([k, p]) => [k, { ...p }]));
    c.paused = this.paused;
    c.heldTimers = this.heldTimers.slice();
    c.held = this.held.slice(); // re-pointed to the clone's records by Simulation.clone
    return c;
  }
}

/** Maps objects of a simulation to their copies in a clone (client operations, messages). */
export interface CloneMap {
  handles: Map<ClientOpHandle, ClientOpHandle>;
  records: Map<MessageRecord, MessageRecord>;
}

const MSG_CODES: Record<SimMessage['type'], string> = {
  RequestVote: 'RV', RequestVoteResponse: 'RVR', AppendEntries: 'AE', AppendEntriesResponse: 'AER',
  ClientRequest: 'CQ', ClientResponse: 'CR',
};

export class Simulation {
  readonly config: SimConfig;
  readonly unsafe: UnsafeFlags;
  nowMs = 0;
  servers = new Map<NodeId, SimServer>();
  readonly serverIds: NodeId[];
  clients = new Map<string, SimClient>();
  network: Network;
  /** Every message sent, in send order (when keepTrace). */
  messages: MessageRecord[] = [];
  /** Messages sent and not yet delivered or dropped (what the UI draws moving). */
  inFlight = new Set<MessageRecord>();
  /** Protocol and fault events, in order (when keepTrace). */
  trace: TraceEvent[] = [];
  /** Every client operation that returned or gave up, in return order. */
  history: HistoryRecord[] = [];
  checker: InvariantChecker | null;
  stats: SimStats = { events: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0, electionsStarted: 0, leadersElected: 0 };
  private queue = new EventHeap<SimEvent>();
  private hasher = new TraceHasher();
  private netRng: RandomStream;
  private nextMsgId = 1;
  private keepTrace: boolean;
  private clientHost: ClientHost;
  /** Called for every trace event (the UI's live feed); optional. */
  onTrace: ((e: TraceEvent) => void) | null = null;

  /**
   * Builds the cluster at time 0 and arms every server's election timer.
   * @throws Error for an empty cluster, duplicate names, or an election range with min >= max
   */
  constructor(config: SimConfig) {
    if (config.servers.length < 1) throw new Error('a cluster needs at least one server');
    if (new Set(config.servers).size !== config.servers.length) throw new Error('server names must be distinct');
    if (!(config.electionTimeoutMs[0] < config.electionTimeoutMs[1])) throw new Error('electionTimeoutMs needs min < max');
    this.config = config;
    this.unsafe = { ...SAFE, ...(config.unsafe ?? {}) };
    this.serverIds = config.servers.slice();
    this.keepTrace = config.keepTrace ?? true;
    this.checker = config.checkInvariants === false ? null : new InvariantChecker();
    this.network = new Network(this.serverIds, config.network);
    this.netRng = new RandomStream(config.seed, 'network');
    this.hasher.num(config.seed).str(this.serverIds.join(','));
    for (const id of this.serverIds) {
      const initial = config.initial?.[id];
      const raft = this.makeRaft(id, initial);
      const s = new SimServer(id, raft, new RandomStream(config.seed, `election:${id}`));
      this.servers.set(id, s);
    }
    this.clientHost = this.makeClientHost();
    for (const c of config.clients) {
      this.clients.set(c, new SimClient(c, this.clientHost, config.clientTimeoutMs, config.heartbeatMs));
    }
    for (const id of this.serverIds) {
      const s = this.servers.get(id)!;
      if (this.checker && s.raft.log.length) this.checker.onAppended(this.checked(s), 1, 0);
      this.execute(s, s.raft.start(), 0);
    }
  }

  /**
   * An independent copy of the whole simulation at this instant (for checkpoints and branches):
   * running both forward with the same commands gives the same trace. Delivered and dropped message
   * records, trace events and history records are immutable and shared; in-flight records, servers,
   * clients, queue, network, randomness and checker are copied. `map` receives old → new client
   * operations and in-flight messages so callers can re-point their own references.
   */
  clone(map: CloneMap = { handles: new Map(), records: new Map() }): Simulation {
    const c = Object.create(Simulation.prototype) as Simulation;
    const w = c as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(this)) w[k] = v;
    c.servers = new Map([...this.servers].map(([id, s]) => [id, s.clone()]));
    c.inFlight = new Set();
    for (const r of this.inFlight) {
      const copy = { ...r };
      map.records.set(r, copy);
      c.inFlight.add(copy);
    }
    for (const s of c.servers.values()) s.held = s.held.map((r) => map.records.get(r) ?? r);
    c.messages = this.keepTrace ? this.messages.map((r) => map.records.get(r) ?? r) : [];
    c.trace = this.trace.slice();
    c.history = this.history.slice();
    c.checker = this.checker ? this.checker.clone() : null;
    c.stats = { ...this.stats };
    c.network = this.network.clone();
    w.hasher = this.hasher.clone();
    w.netRng = this.netRng.clone();
    const q = this.queue.save();
    const queue = new EventHeap<SimEvent>();
    queue.restore({ items: q.items.map((e) => (e.type === 'deliver' ? { ...e, rec: map.records.get(e.rec) ?? { ...e.rec } } : e)), nextSeq: q.nextSeq });
    w.queue = queue;
    w.clientHost = c.makeClientHost();
    c.clients = new Map();
    for (const [name, cl] of this.clients) c.clients.set(name, cl.cloneWith(c.clientHost_(), map.handles));
    c.onTrace = null;
    c.onClientReturn = null;
    return c;
  }

  /** The client host of this simulation (for clones). */
  private clientHost_(): ClientHost {
    return this.clientHost;
  }

  private makeRaft(id: NodeId, persistent?: PersistentState<Command>): RaftNode<Command> {
    const c = this.config;
    return new RaftNode<Command>({
      id, servers: this.serverIds, heartbeatMs: c.heartbeatMs, leaderNoop: c.leaderNoop, unsafe: this.unsafe,
      maxEntriesPerAppend: c.maxEntriesPerAppend, maxInflightMsgs: c.maxInflightMsgs,
    }, persistent);
  }

  private makeClientHost(): ClientHost {
    return {
      nowMs: () => this.nowMs,
      servers: () => this.serverIds,
      sendRequest: (client, to, seq, op, serializable) => {
        const m: ClientRequest = { type: 'ClientRequest', from: client, to, term: 0, clientId: client, seq, op, serializable };
        this.send(m);
      },
      schedule: (client, atMs, gen) => this.queue.push({ type: 'clientTimer', client, gen, atMs, seq: 0 }),
      onReturn: (h) => {
        const rec = h.record!;
        this.history.push(rec);
        this.hasher.str('ret').str(h.client).num(h.seq).str(rec.result);
        this.emit({ atMs: this.nowMs, kind: 'client', phase: 'return', client: h.client, opText: describeOp(h.spec), result: resultText(rec) });
        this.onClientReturn?.(h);
      },
    };
  }

  /**
   * The history so far plus every operation still in progress as "unknown" (it may take effect
   * later): what a linearizability check of a run that stops now must look at.
   */
  historyWithPending(): HistoryRecord[] {
    const out = this.history.slice();
    for (const c of this.clients.values()) {
      const p = c.pendingRecord();
      if (p) out.push(p);
    }
    return out;
  }

  /** Called when a client operation returns or gives up (the scenario runner listens). */
  onClientReturn: ((h: ClientOpHandle) => void) | null = null;

  // ---- queries ---------------------------------------------------------------------------

  /** The run's trace hash so far (hex). */
  get traceHash(): string {
    return this.hasher.hex();
  }

  /** Time of the next event that will do something, or Infinity. */
  nextEventMs(): number {
    this.dropStale();
    const e = this.queue.peek();
    return e ? e.atMs : Infinity;
  }

  /**
   * Whether a queued event no longer does anything: a timer that was re-armed or stopped, a timer
   * of a crashed server, a delivery of a message dropped or delayed by hand.
   */
  private isStale(e: SimEvent): boolean {
    switch (e.type) {
      case 'deliver': return e.rec.status !== 'inFlight' || e.atMs !== e.rec.deliverMs;
      case 'electionTimer': {
        const s = this.servers.get(e.node)!;
        return !s.up || e.gen !== s.electionGen;
      }
      case 'heartbeatTimer': {
        const s = this.servers.get(e.node)!;
        return !s.up || e.gen !== s.heartbeatGen;
      }
      case 'clientTimer': return !this.clients.get(e.client)!.timerIsLive(e.gen);
    }
  }

  /**
   * Discards stale events at the front of the queue, and re-queues an election timer that comes up
   * before its (since extended) deadline. Neither moves the clock or counts as an event.
   */
  private dropStale(): void {
    for (let e = this.queue.peek(); e; e = this.queue.peek()) {
      if (this.isStale(e)) {
        this.queue.pop();
        continue;
      }
      if (e.type === 'electionTimer') {
        const s = this.servers.get(e.node)!;
        if (s.electionDeadlineMs !== null && e.atMs < s.electionDeadlineMs) {
          this.queue.pop();
          s.electionEventMs = s.electionDeadlineMs;
          this.queue.push({ type: 'electionTimer', node: s.id, gen: s.electionGen, atMs: s.electionDeadlineMs, seq: 0 });
          continue;
        }
      }
      return;
    }
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** The live server in role leader with the highest term, or null (what a step's `leader` means). */
  leader(): SimServer | null {
    let best: SimServer | null = null;
    for (const s of this.servers.values()) {
      if (s.up && s.raft.role === 'leader' && (!best || s.raft.currentTerm > best.raft.currentTerm)) best = s;
    }
    return best;
  }

  server(id: NodeId): SimServer {
    const s = this.servers.get(id);
    if (!s) throw new Error(`unknown server "${id}" (servers are ${this.serverIds.join(', ')})`);
    return s;
  }

  /** A plain-data view of a server (copies; safe to keep). */
  view(id: NodeId): ServerView {
    const s = this.server(id);
    const r = s.raft;
    return {
      id, up: s.up, paused: s.up && s.paused, role: r.role, currentTerm: r.currentTerm, votedFor: r.votedFor,
      commitIndex: s.up ? r.commitIndex : 0, lastApplied: s.up ? r.lastApplied : 0, leaderId: s.up ? r.leaderId : null,
      log: r.log.slice(), votesGranted: r.volatile.votesGranted.slice(),
      ...r.replicationView(),
      electionDeadlineMs: s.up ? s.electionDeadlineMs : null, electionArmedMs: s.up ? s.electionArmedMs : null,
      kv: s.sm.store.snapshot(),
    };
  }

  views(): ServerView[] {
    return this.serverIds.map((id) => this.view(id));
  }

  // ---- the loop --------------------------------------------------------------------------

  /** Processes the next (non-stale) event if it is due at or before `limitMs`; returns it, or null. */
  processNext(limitMs = Infinity): ProcessedEvent | null {
    this.dropStale();
    const e = this.queue.peek();
    if (!e || e.atMs > limitMs) return null;
    this.queue.pop();
    this.nowMs = e.atMs;
    this.stats.events++;
    switch (e.type) {
      case 'deliver':
        this.deliver(e.rec);
        return { kind: 'deliver', atMs: e.atMs, record: e.rec };
      case 'electionTimer': {
        const s = this.servers.get(e.node)!;
        s.electionDeadlineMs = null;
        s.electionEventMs = null;
        if (s.paused) {
          s.heldTimers.push('electionTimeout');
          return { kind: 'electionTimeout', atMs: e.atMs, node: e.node };
        }
        this.hasher.str('et').str(e.node).num(e.atMs);
        this.stepServer(s, { type: 'electionTimeout' });
        return { kind: 'electionTimeout', atMs: e.atMs, node: e.node };
      }
      case 'heartbeatTimer': {
        const s = this.servers.get(e.node)!;
        if (s.paused) {
          s.heldTimers.push('heartbeatTimeout');
          return { kind: 'heartbeat', atMs: e.atMs, node: e.node };
        }
        this.stepServer(s, { type: 'heartbeatTimeout' });
        return { kind: 'heartbeat', atMs: e.atMs, node: e.node };
      }
      case 'clientTimer': {
        this.clients.get(e.client)!.onTimer(e.gen);
        return { kind: 'clientTimer', atMs: e.atMs, client: e.client };
      }
    }
  }

  /** Processes every event due at or before `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.processNext(untilMs)) { /* keep going */ }
    if (untilMs > this.nowMs && untilMs !== Infinity) this.nowMs = untilMs;
  }

  /** Moves the clock forward to `t` without processing anything (callers make sure nothing is due before). */
  advanceClock(t: number): void {
    if (t > this.nowMs) this.nowMs = t;
  }

  private stepServer(s: SimServer, input: RaftInput<Command>): RaftEffect<Command>[] {
    const commitBefore = s.raft.commitIndex;
    const effects = s.raft.step(input);
    this.execute(s, effects, commitBefore);
    return effects;
  }

  /** Carries out a node's effects, in order; `commitBefore` is its commitIndex before the step. */
  private execute(s: SimServer, effects: RaftEffect<Command>[], commitBefore: number): void {
    for (const fx of effects) {
      switch (fx.type) {
        case 'send':
          this.send(fx.msg);
          break;
        case 'resetElectionTimer': {
          // Followers re-arm on every AppendEntries, so the queue keeps one event per server and
          // moves it lazily: a new event only when the deadline comes earlier than the queued one;
          // a queued event that fires before the deadline is re-queued at the deadline.
          const [min, max] = this.config.electionTimeoutMs;
          const t = this.nowMs + quantize(s.electionRng.between(min, max));
          s.electionArmedMs = this.nowMs;
          s.electionDeadlineMs = t;
          if (s.electionEventMs === null || t < s.electionEventMs) {
            s.electionGen++;
            s.electionEventMs = t;
            this.queue.push({ type: 'electionTimer', node: s.id, gen: s.electionGen, atMs: t, seq: 0 });
          }
          break;
        }
        case 'stopElectionTimer':
          s.electionGen++;
          s.electionDeadlineMs = null;
          s.electionArmedMs = null;
          s.electionEventMs = null;
          break;
        case 'setHeartbeatTimer':
          s.heartbeatGen++;
          this.queue.push({ type: 'heartbeatTimer', node: s.id, gen: s.heartbeatGen, atMs: this.nowMs + fx.delayMs, seq: 0 });
          break;
        case 'stopHeartbeatTimer':
          s.heartbeatGen++;
          break;
        case 'apply':
          this.apply(s, fx.index, fx.entry);
          break;
        case 'roleChanged':
          this.hasher.str('role').str(s.id).str(fx.to).num(fx.term);
          if (fx.to === 'candidate') this.stats.electionsStarted++;
          if (fx.to === 'leader') this.stats.leadersElected++;
          this.emit({ atMs: this.nowMs, kind: 'role', node: s.id, from: fx.from, to: fx.to, term: fx.term });
          if (this.checker) this.checker.onRoleChanged(this.checked(s), this.nowMs);
          break;
        case 'logChanged':
          if (this.checker) this.checker.onLogChanged(this.checked(s), fx.fromIndex, commitBefore, this.nowMs);
          break;
        case 'appended':
          if (this.checker) this.checker.onAppended(this.checked(s), fx.fromIndex, this.nowMs);
          break;
        case 'note':
          if (this.keepTrace || this.onTrace) this.emit({ atMs: this.nowMs, kind: 'note', node: s.id, note: fx.note });
          break;
        case 'proposeResult':
          break; // handled by the caller that proposed
      }
    }
    if (this.checker) this.checker.onPersistentState(s.id, s.raft.currentTerm, s.raft.votedFor, this.nowMs);
    if (this.checker && s.raft.commitIndex > commitBefore) {
      const leaders: CheckedNode[] = [];
      for (const o of this.servers.values()) if (o.up && o.raft.role === 'leader') leaders.push(this.checked(o));
      this.checker.onCommitted(this.checked(s), commitBefore, leaders, this.nowMs);
    }
  }

  private checked(s: SimServer): CheckedNode {
    const r = s.raft;
    return { id: s.id, role: r.role, currentTerm: r.currentTerm, log: r.log, commitIndex: r.commitIndex };
  }

  /** Applies a committed entry to the server's state machine and answers the client waiting on it. */
  private apply(s: SimServer, index: number, entry: LogEntry<Command>): void {
    this.checker?.onApplied(s.id, index, entry, this.nowMs);
    const result = s.sm.applyCommand(entry.command);
    if (this.checker) this.checker.onAppliedState(s.id, index, kvStateText(s.sm.store.revision, s.sm.store.entries()), this.nowMs);
    const cmd = entry.command;
    if (cmd.type === 'kv') {
      const p = s.pending.get(cmd.clientId);
      if (p && p.seq === cmd.seq) {
        s.pending.delete(cmd.clientId);
        this.reply(s.id, cmd.clientId, cmd.seq, { ok: true, result: result! });
        return;
      }
    }
    // A request proposed at this index whose entry was replaced by another leader's: not committed.
    for (const [clientId, p] of s.pending) {
      if (p.index === index) {
        s.pending.delete(clientId);
        this.reply(s.id, clientId, p.seq, { ok: false, error: 'overwritten', leaderHint: s.raft.leaderId });
      }
    }
  }

  private reply(from: NodeId, clientId: string, seq: number, body: Pick<ClientResponse, 'ok' | 'result' | 'leaderHint' | 'error'>): void {
    const m: ClientResponse = { type: 'ClientResponse', from, to: clientId, term: 0, clientId, seq, ...body };
    this.send(m);
  }

  // ---- network ---------------------------------------------------------------------------

  /** Sends a message: draws its latency, loss and duplication from the network stream. */
  private send(msg: SimMessage): void {
    const settings = this.network.linkSettings(msg.from, msg.to);
    this.stats.messagesSent++;
    this.enqueueCopy(msg, settings, undefined);
    if (this.netRng.chance(settings.duplicateRate)) {
      this.stats.messagesSent++;
      this.enqueueCopy(msg, settings, this.nextMsgId - 1);
    }
  }

  private enqueueCopy(msg: SimMessage, settings: LinkSettings, duplicateOf: number | undefined): void {
    const latency = quantize(this.netRng.between(settings.latencyMs[0], settings.latencyMs[1]));
    const lost = this.netRng.chance(settings.dropRate);
    const rec: MessageRecord = { id: this.nextMsgId++, msg, sendMs: this.nowMs, deliverMs: this.nowMs + latency, status: 'inFlight' };
    if (duplicateOf !== undefined) rec.duplicateOf = duplicateOf;
    if (lost) rec.dropReason = 'loss';
    this.hasher.str('s').num(rec.id).str(MSG_CODES[msg.type]).str(msg.from).str(msg.to).num(msg.term).num(rec.deliverMs);
    if (this.keepTrace) this.messages.push(rec);
    this.inFlight.add(rec);
    this.queue.push({ type: 'deliver', rec, atMs: rec.deliverMs, seq: 0 });
  }

  private drop(rec: MessageRecord, reason: DropReason): void {
    this.inFlight.delete(rec);
    rec.status = 'dropped';
    rec.dropReason = reason;
    rec.deliverMs = this.nowMs;
    this.stats.messagesDropped++;
    this.hasher.str('x').num(rec.id).str(reason);
  }

  private deliver(rec: MessageRecord): void {
    if (rec.status !== 'inFlight') return; // dropped by hand while in flight
    const m = rec.msg;
    if (rec.dropReason !== 'loss') this.inFlight.delete(rec);
    if (rec.dropReason === 'loss') return this.drop(rec, 'loss');
    if (m.type === 'ClientResponse') {
      rec.status = 'delivered';
      this.stats.messagesDelivered++;
      this.hasher.str('d').num(rec.id);
      this.clients.get(m.to)?.onResponse(m);
      return;
    }
    const s = this.servers.get(m.to)!;
    if (!this.network.isUp(m.from, m.to)) return this.drop(rec, 'partition');
    if (!s.up) return this.drop(rec, 'crashed');
    if (s.paused) {
      // Arrived, but the paused server reads it only when resumed.
      this.inFlight.add(rec);
      s.held.push(rec);
      this.hasher.str('h').num(rec.id);
      return;
    }
    this.receive(s, rec);
  }

  /** A server takes in a delivered message. */
  private receive(s: SimServer, rec: MessageRecord): void {
    const m = rec.msg as RaftMessage<Command> | ClientRequest;
    rec.status = 'delivered';
    this.stats.messagesDelivered++;
    this.hasher.str('d').num(rec.id);
    if (m.type === 'ClientRequest') this.onClientRequest(s, m);
    else this.stepServer(s, { type: 'message', msg: m });
  }

  /**
   * A client request reaches a server. Serializable gets are answered from this server's applied
   * state at once (possibly stale); everything else is proposed to Raft (linearizable gets too)
   * and answered when applied, or refused with the leader this server knows.
   */
  private onClientRequest(s: SimServer, m: ClientRequest): void {
    if (m.serializable && m.op.op === 'get') {
      this.reply(s.id, m.clientId, m.seq, { ok: true, result: s.sm.store.apply(m.op) });
      return;
    }
    const command: Command = { type: 'kv', clientId: m.clientId, seq: m.seq, op: m.op };
    const commitBefore = s.raft.commitIndex;
    const effects = s.raft.step({ type: 'propose', command });
    for (const fx of effects) {
      if (fx.type !== 'proposeResult') continue;
      if (fx.accepted) s.pending.set(m.clientId, { clientId: m.clientId, seq: m.seq, index: fx.index });
      else this.reply(s.id, m.clientId, m.seq, { ok: false, error: 'notLeader', leaderHint: fx.leaderHint });
    }
    this.execute(s, effects, commitBefore);
  }

  /**
   * Drops a message that is still in flight (the UI's "drop it").
   * @throws Error if no message with that id is in flight
   */
  dropInFlight(id: number): void {
    const rec = this.findInFlight(id);
    this.drop(rec, 'manual');
    this.fault('drop message', [rec.msg.from, rec.msg.to], `#${id}`);
  }

  private findInFlight(id: number): MessageRecord {
    for (const r of this.inFlight) if (r.id === id && r.status === 'inFlight') return r;
    throw new Error(`message ${id} is not in flight`);
  }

  /**
   * Sends another copy of a message that is in flight, with a fresh latency (the UI's "duplicate it").
   * @throws Error if no message with that id is in flight
   */
  duplicateInFlight(id: number): void {
    const rec = this.findInFlight(id);
    const settings = this.network.linkSettings(rec.msg.from, rec.msg.to);
    this.stats.messagesSent++;
    this.enqueueCopy(rec.msg, { ...settings, dropRate: 0 }, rec.id);
    this.fault('duplicate message', [rec.msg.from, rec.msg.to], `#${id}`);
  }

  /**
   * Delays a message in flight by `byMs` ms of simulated time (the UI's "delay it").
   * @throws Error if no message with that id is in flight, or byMs is not a positive number
   */
  delayInFlight(id: number, byMs: number): void {
    if (!(byMs > 0)) throw new Error(`delay must be a positive number of ms, got ${byMs}`);
    const rec = this.findInFlight(id);
    rec.deliverMs += byMs;
    this.queue.push({ type: 'deliver', rec, atMs: rec.deliverMs, seq: 0 });
    this.fault('delay message', [rec.msg.from, rec.msg.to], `#${id} by ${byMs} ms`);
  }

  // ---- faults and commands ---------------------------------------------------------------

  private emit(e: TraceEvent): void {
    if (this.keepTrace) this.trace.push(e);
    this.onTrace?.(e);
  }

  private fault(action: string, nodes: NodeId[], detail?: string): void {
    this.hasher.str('f').str(action).str(nodes.join(',')).str(detail ?? '').num(this.nowMs);
    this.emit({ atMs: this.nowMs, kind: 'fault', action, nodes, ...(detail ? { detail } : {}) });
  }

  /** Records a caption in the trace (scenario `say`). */
  caption(text: string, zh?: string): void {
    this.hasher.str('say').str(text);
    this.emit({ atMs: this.nowMs, kind: 'caption', text, ...(zh ? { zh } : {}) });
  }

  /** Records a scenario step's outcome in the trace. */
  stepOutcome(index: number, line: number, ok: boolean, message: string, why?: Reason): void {
    this.hasher.str('step').num(index).str(ok ? '1' : '0');
    this.emit({ atMs: this.nowMs, kind: 'step', index, line, ok, message, ...(why ? { why } : {}) });
  }

  /**
   * Crashes a server: its volatile state, timers, state machine and pending client requests are
   * lost; its persistent state (currentTerm, votedFor, log) stays as if on disk. No-op if down.
   */
  crash(id: NodeId): void {
    const s = this.server(id);
    if (!s.up) return;
    s.up = false;
    s.electionGen++;
    s.heartbeatGen++;
    s.electionDeadlineMs = null;
    s.electionArmedMs = null;
    s.electionEventMs = null;
    s.pending.clear();
    s.paused = false;
    s.heldTimers = [];
    for (const r of s.held) {
      this.inFlight.delete(r);
      r.status = 'dropped';
      r.dropReason = 'crashed';
      this.stats.messagesDropped++;
    }
    s.held = [];
    s.sm = new KvStateMachine(); // the state machine is volatile; a restart rebuilds it from the log
    this.fault('crash', [id]);
  }

  /**
   * Restarts a crashed server from its persistent state: a follower with commitIndex 0 whose
   * state machine is rebuilt by re-applying entries as it learns they are committed. No-op if up.
   */
  restart(id: NodeId): void {
    const s = this.server(id);
    if (s.up) return;
    s.up = true;
    s.raft = this.makeRaft(id, s.raft.persistent);
    s.sm = new KvStateMachine();
    this.checker?.onRestart(id);
    this.fault('restart', [id]);
    this.execute(s, s.raft.start(), 0);
  }

  /**
   * Pauses a live server (as if its process were stopped, not crashed): it keeps all its state but
   * handles nothing; messages that arrive and timers that fire wait until `resumeServer`.
   */
  pauseServer(id: NodeId): void {
    const s = this.server(id);
    if (!s.up || s.paused) return;
    s.paused = true;
    this.fault('pause', [id]);
  }

  /** Resumes a paused server: it handles the timers that fired and the messages that arrived, in order. */
  resumeServer(id: NodeId): void {
    const s = this.server(id);
    if (!s.paused) return;
    s.paused = false;
    this.fault('resume', [id]);
    const timers = s.heldTimers;
    const held = s.held;
    s.heldTimers = [];
    s.held = [];
    for (const t of timers) if (s.up && !s.paused) this.stepServer(s, { type: t });
    for (const r of held) {
      this.inFlight.delete(r);
      if (s.up) this.receive(s, r);
    }
  }

  /** Fires a server's election timer now (a follower or candidate starts an election; a leader ignores it). */
  forceTimeout(id: NodeId): void {
    const s = this.server(id);
    if (!s.up) return;
    this.fault('timeout', [id]);
    s.electionDeadlineMs = null;
    this.stepServer(s, { type: 'electionTimeout' });
  }

  /** Only links inside each group stay up; servers in no group are alone. */
  partition(groups: NodeId[][]): void {
    this.network.partition(groups);
    this.fault('partition', groups.flat(), groups.map((g) => `[${g.join(', ')}]`).join(' '));
  }

  isolate(id: NodeId): void {
    this.server(id);
    this.network.isolate(id);
    this.fault('isolate', [id]);
  }

  reconnect(id: NodeId): void {
    this.server(id);
    this.network.reconnect(id);
    this.fault('reconnect', [id]);
  }

  cut(from: NodeId, to: NodeId, both: boolean): void {
    this.server(from);
    this.server(to);
    this.network.cut(from, to, both);
    this.fault('cut', [from, to], both ? 'both ways' : 'one way');
  }

  heal(): void {
    this.network.heal();
    this.fault('heal', []);
  }

  /** Restores the link from `from` to `to` (and back when `both`). */
  restoreLink(from: NodeId, to: NodeId, both: boolean): void {
    this.server(from);
    this.server(to);
    this.network.restore(from, to, both);
    this.fault('restore link', [from, to], both ? 'both ways' : 'one way');
  }

  /** Per-link latency, loss and duplication on one direction; null goes back to the network's. */
  setLink(from: NodeId, to: NodeId, settings: Partial<LinkSettings> | null): void {
    this.server(from);
    this.server(to);
    this.network.setLink(from, to, settings ?? undefined);
    this.fault('link settings', [from, to], settings ? JSON.stringify(settings) : 'default');
  }

  /** Changes the network-wide latency, loss or duplication from now on. */
  setNetwork(p: Partial<LinkSettings>): void {
    this.network.update(p);
    this.fault('network', [], JSON.stringify(p));
  }

  /**
   * A client starts (or queues) an operation.
   * @throws Error for an unknown client or `via` server
   */
  submit(client: string, spec: ClientOpSpec, options: ClientRunOptions): ClientOpHandle {
    const c = this.clients.get(client);
    if (!c) throw new Error(`unknown client "${client}"`);
    if (options.via) this.server(options.via);
    this.hasher.str('op').str(client).str(describeOp(spec));
    this.emit({ atMs: this.nowMs, kind: 'client', phase: 'invoke', client, opText: describeOp(spec), ...(options.via ? { server: options.via } : {}) });
    return c.submit(spec, options);
  }
}

/** A server's KV state as text, to compare replicas at the same lastApplied. */
function kvStateText(revision: number, entries: Record<string, string>): string {
  let t = String(revision);
  for (const k in entries) t += '\u0000' + k + '\u0001' + entries[k];
  return t;
}

/** Draws are kept to 0.01 ms (10 µs) so times read well; still far finer than any latency. */
function quantize(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function resultText(r: HistoryRecord): string {
  if (r.result !== 'ok') return r.result;
  if (r.op === 'get') return r.prefix ? 'ok' : `ok ${r.value === null ? '(absent)' : JSON.stringify(r.value)}`;
  return 'ok';
}

/** Builds persistent state from terms/commands (for tests and `initial`). */
export function persistentFrom(term: number, votedFor: NodeId | null, log: LogEntry<Command>[]): PersistentState<Command> {
  return { currentTerm: term, votedFor, log };
}

export type { KvOp };
