/**
 * The deterministic simulation engine: one discrete-event loop that owns simulated time, the
 * event queue, the run's trace hash and its observers, and drives the modules that do the work:
 * the transport (transport.ts: sending, delivery, loss, duplication, delay, link state), the host
 * (host.ts: a node's effects, timers, apply, replies, crash and restart) and the simulated clients
 * (client.ts). Same configuration + same seed + same commands ⇒ same trace and `traceHash`.
 *
 * The loop: pop the earliest event (ties by insertion order), hand it to the transport, the host
 * or a client. The verbs (crash, isolate, a client's put, ...) are methods here that delegate to
 * the module that carries them out; verbs.ts names them once for scenario steps, UI and replay.
 *
 * The engine imports nothing above src/sim: checkers and the trace subscribe as observers
 * (observer.ts); the scenario runner attaches the invariant checker (src/scenario/runner.ts).
 */
import type { Command } from '../kv/types';
import type { LogEntry, MembershipConfig, NodeId, PersistentState, UnsafeFlags } from '../raft/types';
import { SAFE } from '../raft/types';
import { SimClient, describeOp, type ClientHost, type ClientOpHandle, type ClientOpSpec, type ClientRunOptions } from './client';
import { memberIdFor } from '../etcdctl/members';
import { parseCommandLine } from '../etcdctl/parse';
import { execute, type CommandResult } from '../etcdctl/run';
import type { EtcdClient } from '../etcdctl/client';
import { EtcdLayer, type EngineEtcdClient, type EtcdEnv, type EtcdLeaseEvent } from './etcd';
import { EtcdRun } from './etcdRun';
import { TraceHasher } from './hash';
import { EventHeap } from './heap';
import { Host, SimServer } from './host';
import type { SimEvent, SimKernel } from './kernel';
import type { MessageLog } from './messageLog';
import type { Network } from './network';
import { TraceLog, type SimChecker, type SimObserver } from './observer';
import { Transport } from './transport';
import type { ClientRequest, ClientResponse, EtcdResponse, HistoryRecord, LinkSettings, MemberOutcome, MemberRequest, MessageRecord, ReadMode, ServerView, SimStats, StepReason, TraceEvent } from './types';

export { SimServer } from './host';

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
  /** Persistent state at time 0, per server name (to set up the paper's figures); a Map, as every lookup by name. */
  initial?: ReadonlyMap<NodeId, PersistentState<Command>>;
  unsafe?: Partial<UnsafeFlags>;
  /** A new leader appends a no-op of its term (Raft paper §8); default true. */
  leaderNoop?: boolean;
  /** Most entries per AppendEntries (RaftConfig.maxEntriesPerAppend; default 64). */
  maxEntriesPerAppend?: number;
  /** Most unacknowledged AppendEntries per follower in replicate (RaftConfig.maxInflightMsgs; default 8). */
  maxInflightMsgs?: number;
  /** Keep every message record and trace event (default true; benchmarks may turn it off). */
  keepTrace?: boolean;
  /**
   * Keep the message records (`messages`), for the timeline and the inspector; default: as
   * keepTrace. The CLI and the fuzzer never read them and turn them off.
   */
  keepMessages?: boolean;
  /**
   * Revisions of KV history each server keeps before compacting automatically (etcd
   * `--auto-compaction-mode=revision --auto-compaction-retention=N`, driven by applied revisions so
   * it is the same on every replica; see Host.autoCompact). 0 keeps everything, as etcd without
   * auto compaction. Default DEFAULT_AUTO_COMPACTION_RETENTION (1,000; history of 1,000 to 10,000 revisions).
   */
  autoCompactionRetention?: number;
  /** PreVote (Raft thesis §9.6); default false. See HostConfig. */
  preVote?: boolean;
  /** CheckQuorum (thesis §6.2, §4.2.3); default false. */
  checkQuorum?: boolean;
  /** How linearizable gets are served: `log` (default), `readIndex` or `lease` (thesis §6.4; lease needs checkQuorum). */
  reads?: ReadMode;
  /** The lease's clock-drift bound (≥ 1; default 1.1; thesis §6.4.1). */
  clockDriftBound?: number;
  /** Clock rate per server name (default 1 each): its timers run on a clock advancing `rate` ms per ms (clock drift). */
  clockRate?: ReadonlyMap<NodeId, number>;
  // ---- issue 13 (all absent: the cluster runs exactly as before) ----
  /**
   * Servers of `servers` outside the bootstrap configuration (scenario `cluster.spares`): they exist
   * but are not members; each starts, empty, when a change that adds it is proposed (as etcd's docs
   * start a member right after `etcdctl member add`). Default none.
   */
  spares?: NodeId[];
  /** Servers of the bootstrap configuration that are learners, not voters (etcd ConfState.Learners). Default none. */
  learners?: NodeId[];
  /** A server snapshots its state machine once it applied this many entries past its last snapshot (etcd --snapshot-count); 0 (default): never on its own. */
  snapshotCount?: number;
  /** Entries kept in the log behind a snapshot (etcd SnapshotCatchUpEntries; RaftConfig.snapshotCatchUpEntries; default 5). */
  snapshotCatchUpEntries?: number;
  /**
   * A write to stable storage completes this many ms after it is issued (etcd's WAL fsync); a
   * server acknowledges a vote or entries only once the write holding them completed, and a crash
   * loses writes in progress (RaftConfig.asyncStorage; src/raft/wal.ts). 0 (default): every write
   * completes at once, as before. `unsafe.ackBeforeFsync` acknowledges before the write completes.
   */
  fsyncMs?: number;
}

/** Who watches the run from time 0 (observers must see the initial logs, so they are given at construction). */
export interface SimOptions {
  /** The run's checker (`Simulation.checker`), attached first; null or absent: none. */
  checker?: SimChecker | null;
  /** Further observers, attached in order after the checker and before the trace. */
  observers?: SimObserver[];
}

/** Kinds of events, as the UI's "step one event" shows them. */
export type ProcessedEvent =
  | { kind: 'deliver'; atMs: number; record: MessageRecord }
  | { kind: 'electionTimeout' | 'heartbeat'; atMs: number; node: NodeId }
  | { kind: 'clientTimer'; atMs: number; client: string }
  /** A server's stable-storage write `id` completed (cluster.fsyncMs). */
  | { kind: 'fsync'; atMs: number; node: NodeId; id: number }
  /** An etcd timer: a lessor check, a keep-alive, a request deadline, a watch reconnect (src/sim/etcd.ts). */
  | { kind: 'etcdTimer'; atMs: number };

/** Maps objects of a simulation to their copies in a clone (client operations, messages). */
export interface CloneMap {
  handles: Map<ClientOpHandle, ClientOpHandle>;
  records: Map<MessageRecord, MessageRecord>;
  /** etcdctl runs (issue 14), old → new; filled when given. */
  etcdRuns?: Map<EtcdRun, EtcdRun>;
}

/**
 * One input to the simulation from outside (a verb, a client operation, an etcdctl run, a
 * caption, a step outcome), at the position it was given: what a replayed clone re-applies.
 */
interface JournalEntry {
  events: number;
  atMs: number;
  /** The event queue's insertion count then (a replay checks it has done the same lazy re-queues). */
  insertions: number;
  method: string;
  args: unknown[];
  /** What the call returned (a client operation's handle, an etcdctl run), to map old → new. */
  out?: unknown;
}

export class Simulation implements SimKernel {
  readonly config: SimConfig;
  readonly unsafe: UnsafeFlags;
  nowMs = 0;
  readonly serverIds: NodeId[];
  clients = new Map<string, SimClient>();
  /** Every client operation that returned or gave up, in return order. */
  history: HistoryRecord[] = [];
  /** The run's checker (an observer), or null: what `expect: { invariants }`, reports and the UI read. */
  checker: SimChecker | null;
  stats: SimStats = { events: 0, messagesSent: 0, messagesDelivered: 0, messagesDropped: 0, electionsStarted: 0, leadersElected: 0 };
  /** For the modules the engine drives (SimKernel): the run's trace hash. */
  hasher = new TraceHasher();
  /** For the modules (SimKernel): the attached observers, checker first, trace last. */
  observers: SimObserver[] = [];
  /** For the modules (SimKernel): whether any observer takes trace events. */
  tracing = false;
  /** Called when a client operation returns or gives up (a driver's hook, e.g. the benchmark's load); not copied by clone. */
  onClientReturn: ((h: ClientOpHandle) => void) | null = null;
  private transport: Transport;
  private host: Host;
  private traceLog: TraceLog;
  /** Timer events, and deliveries as their MessageRecords (see isDelivery). */
  private queue = new EventHeap<SimEvent | MessageRecord>();
  private keepTrace: boolean;
  private clientHost: ClientHost;
  /** The history order counter (see HistoryRecord.invokeOrder); not hashed. */
  private order = 0;
  /** The etcd v3 API through the cluster (src/sim/etcd.ts, issue 14). */
  private etcd!: EtcdLayer;
  /** etcdctl runs started, in order, and the `as` names given to them. */
  private etcdRuns: EtcdRun[] = [];
  private etcdNames = new Map<string, EtcdRun>();
  /**
   * A structural copy of this simulation taken just before its first etcdctl command, and the
   * map from this run's client operations then to the copy's (null until etcd is used): a clone
   * is then that copy's copy with the journal replayed on it.
   */
  private replayBase: { sim: Simulation; handles: Map<ClientOpHandle, ClientOpHandle> } | null = null;
  /** Every input from outside since `replayBase`, in order (see JournalEntry); entries are immutable and shared by clones. */
  private journal: JournalEntry[] = [];
  /** Replaying a journal (inputs are not journaled again). */
  private replaying = false;
  /** The raw etcd client was handed out: its callers' requests are not journaled, so no clone is possible. */
  private etcdDirect = false;

  /**
   * Builds the cluster at time 0 and arms every server's election timer. Observers given in
   * `options` see everything from time 0 (the initial logs included).
   * @throws Error for an empty cluster, duplicate names, or an election range with min >= max
   */
  constructor(config: SimConfig, options: SimOptions = {}) {
    if (config.servers.length < 1) throw new Error('a cluster needs at least one server');
    if (new Set(config.servers).size !== config.servers.length) throw new Error('server names must be distinct');
    if (!(config.electionTimeoutMs[0] < config.electionTimeoutMs[1])) throw new Error('electionTimeoutMs needs min < max');
    checkMembership(config);
    this.config = config;
    this.unsafe = { ...SAFE, ...(config.unsafe ?? {}) };
    this.serverIds = config.servers.slice();
    this.keepTrace = config.keepTrace ?? true;
    this.checker = options.checker ?? null;
    if (this.checker) this.observers.push(this.checker);
    this.observers.push(...(options.observers ?? []));
    this.traceLog = new TraceLog();
    if (this.keepTrace) this.observers.push(this.traceLog);
    this.tracing = this.observers.some((o) => o.onTrace);
    this.transport = new Transport(this, this.deliveryTarget(), this.serverIds, config.network, config.seed, this.keepTrace && (config.keepMessages ?? true));
    this.hasher.num(config.seed).str(this.serverIds.join(','));
    this.host = new Host(this, this.transport, {
      seed: config.seed, servers: this.serverIds, heartbeatMs: config.heartbeatMs, electionTimeoutMs: config.electionTimeoutMs,
      initial: config.initial, unsafe: this.unsafe, leaderNoop: config.leaderNoop,
      maxEntriesPerAppend: config.maxEntriesPerAppend, maxInflightMsgs: config.maxInflightMsgs,
      autoCompactionRetention: config.autoCompactionRetention,
      preVote: config.preVote, checkQuorum: config.checkQuorum, reads: config.reads,
      clockDriftBound: config.clockDriftBound, clockRate: config.clockRate,
      spares: config.spares, learners: config.learners, snapshotCount: config.snapshotCount,
      snapshotCatchUpEntries: config.snapshotCatchUpEntries, fsyncMs: config.fsyncMs,
    });
    this.clientHost = this.makeClientHost();
    for (const c of config.clients) {
      this.clients.set(c, new SimClient(c, this.clientHost, config.clientTimeoutMs, config.heartbeatMs));
    }
    this.etcd = new EtcdLayer(this.etcdEnv());
    this.host.etcd = this.etcd;
    this.host.start();
  }

  /** What the etcd layer uses of this engine and its host. */
  private etcdEnv(): EtcdEnv {
    const cfg = this.config;
    return {
      nowMs: () => this.nowMs,
      serverIds: () => this.serverIds,
      server: (id) => this.host.server(id),
      localNow: (s) => this.host.localNow(s as SimServer),
      simDelay: (s, ms) => this.host.simDelay(s as SimServer, ms),
      send: (m) => this.transport.send(m),
      schedule: (id, atMs) => this.queue.push({ type: 'etcdTimer', id, atMs }, atMs),
      propose: (s, command) => this.host.propose(s as SimServer, command),
      readIndex: (s, ctx, mode) => this.host.readIndexFor(s as SimServer, ctx, mode),
      transfer: (to) => this.host.transfer(to),
      member: (r) => this.host.member(r),
      recordHistory: (rec) => {
        this.history.push(rec);
        this.hasher.str('ret').str(rec.client).str(rec.op).str(rec.key).str(rec.result);
      },
      nextOrder: () => this.nextOrder(),
      config: {
        seed: cfg.seed, heartbeatMs: cfg.heartbeatMs, electionTimeoutMs: cfg.electionTimeoutMs,
        clientTimeoutMs: cfg.clientTimeoutMs, reads: cfg.reads ?? 'log',
      },
    };
  }

  /** Records an input from outside (see JournalEntry). */
  private journalInput(method: string, args: unknown[], out?: unknown): void {
    if (this.replaying || !this.replayBase) return;
    this.journal.push({ events: this.stats.events, atMs: this.nowMs, insertions: this.queue.insertions, method, args, ...(out !== undefined ? { out } : {}) });
  }

  /**
   * An independent copy of the whole simulation at this instant (for checkpoints and branches):
   * running both forward with the same commands gives the same trace. Delivered and dropped message
   * records, trace events and history records are immutable and shared; in-flight records, servers,
   * clients, queue, network, randomness and observers (checker and trace included) are copied.
   * `map` receives old → new client operations and in-flight messages so callers can re-point
   * their own references.
   */
  clone(map: CloneMap = { handles: new Map(), records: new Map() }): Simulation {
    if (this.etcdDirect) throw new Error('this simulation cannot be cloned: etcdClient() was used directly (use etcdctl(), which is journaled)');
    if (this.replayBase) return this.replayClone(map);
    return this.structuralClone(map);
  }

  /** The copy of `clone` for a simulation whose etcd layer holds no closures (etcd never used). */
  private structuralClone(map: CloneMap): Simulation {
    if (this.etcd.used) throw new Error('internal: a simulation that used etcd has no structural copy');
    const c = Object.create(Simulation.prototype) as Simulation;
    const w = c as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(this)) w[k] = v;
    c.observers = this.observers.map((o) => o.clone());
    const at = (o: SimObserver | null) => (o ? c.observers[this.observers.indexOf(o)] : null);
    c.checker = at(this.checker) as SimChecker | null;
    w.traceLog = (at(this.traceLog) as TraceLog | null) ?? new TraceLog();
    c.history = this.history.slice();
    c.stats = { ...this.stats };
    c.hasher = this.hasher.clone();
    w.transport = this.transport.clone(c, c.deliveryTarget(), map.records);
    w.host = this.host.clone(c, c.transport, map.records);
    const q = this.queue.save();
    const queue = new EventHeap<SimEvent | MessageRecord>();
    queue.restore({ ...q, items: q.items.map((e) => (isDelivery(e) ? map.records.get(e) ?? { ...e } : e)) });
    w.queue = queue;
    w.clientHost = c.makeClientHost();
    c.clients = new Map();
    for (const [name, cl] of this.clients) c.clients.set(name, cl.cloneWith(c.clientHost, map.handles));
    c.onClientReturn = null;
    w.etcd = this.etcd.cloneUnused(c.etcdEnv());
    c.host.etcd = c.etcd;
    c.journal = [];
    c.replayBase = null;
    c.etcdRuns = [];
    c.etcdNames = new Map();
    return c;
  }

  /** Takes the replay base (see `replayBase`) if not taken yet: called before the first etcd input. */
  private ensureReplayBase(): void {
    if (this.replayBase || this.replaying) return;
    const map: CloneMap = { handles: new Map(), records: new Map() };
    const sim = this.structuralClone(map);
    this.replayBase = { sim, handles: map.handles };
  }

  /**
   * A clone made by replay (once etcd was used: etcdctl's continuations are closures, which
   * cannot be copied): a structural copy of the replay base (this run just before its first
   * etcdctl command), with every journaled input since re-applied at the same position (events
   * processed and time), then run to this one's position. The run is deterministic, so the copy
   * is exact (its traceHash, history, trace and state are this one's). O(events since the first
   * etcdctl command).
   * @throws Error if the raw etcd client was handed out (its requests are not journaled), or if
   *   the replay diverges (an internal error)
   */
  private replayClone(map: CloneMap): Simulation {
    const base = this.replayBase!;
    const baseMap: CloneMap = { handles: new Map(), records: new Map() };
    const c = base.sim.structuralClone(baseMap);
    // this run's client operations of before the base → the copy's
    const handlesAtBase = new Map<ClientOpHandle, ClientOpHandle>();
    for (const [h, hb] of base.handles) {
      const hc = baseMap.handles.get(hb);
      if (hc) {
        map.handles.set(h, hc);
        handlesAtBase.set(hc, hb);
      }
    }
    c.replaying = true;
    const until = (events: number, insertions: number): void => {
      while (c.stats.events < events) {
        if (!c.runNext(Infinity)) throw new Error(`internal: replay ran out of events at ${c.stats.events} of ${events}`);
      }
      if (c.queue.insertions < insertions) c.dropStale();
      if (c.queue.insertions !== insertions) throw new Error(`internal: replay diverged (queue insertions ${c.queue.insertions}, expected ${insertions})`);
    };
    const journal: JournalEntry[] = [];
    for (const e of this.journal) {
      until(e.events, e.insertions);
      c.advanceClock(e.atMs);
      const out = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[e.method](...e.args);
      if (e.method === 'submit') map.handles.set(e.out as ClientOpHandle, out as ClientOpHandle);
      if (e.method === 'etcdctl') map.etcdRuns?.set(e.out as EtcdRun, out as EtcdRun);
      journal.push(out !== undefined && e.out !== undefined ? { ...e, out } : e);
    }
    until(this.stats.events, this.queue.insertions);
    c.advanceClock(this.nowMs);
    c.replaying = false;
    c.journal = journal;
    c.replayBase = { sim: base.sim, handles: handlesAtBase };
    if (c.traceHash !== this.traceHash) throw new Error('internal: replay diverged (traceHash)');
    const byId = new Map<number, MessageRecord>();
    for (const r of c.inFlight) byId.set(r.id, r);
    for (const r of this.inFlight) {
      const n = byId.get(r.id);
      if (n) map.records.set(r, n);
    }
    for (const [name, cl] of this.clients) {
      const n = c.clients.get(name)!;
      for (const h of [cl.current, ...cl.queue]) if (h && !map.handles.has(h)) map.handles.set(h, n.current ?? h);
    }
    return c;
  }
  /** Where messages that crossed the network go: answers to the clients, the rest to the host. */
  private deliveryTarget() {
    return {
      toClient: (m: ClientResponse) => this.clients.get(m.to)?.onResponse(m),
      toEtcdClient: (m: EtcdResponse) => this.etcd.onResponse(m),
      toServer: (rec: MessageRecord) => this.host.arrive(rec),
    };
  }

  private makeClientHost(): ClientHost {
    return {
      nowMs: () => this.nowMs,
      servers: () => this.serverIds,
      sendRequest: (client, to, seq, op, serializable, read) => {
        const m: ClientRequest = { type: 'ClientRequest', from: client, to, term: 0, clientId: client, seq, op, serializable, ...(read ? { read } : {}) };
        this.transport.send(m);
      },
      schedule: (client, atMs, gen) => this.queue.push({ type: 'clientTimer', client, gen, atMs }, atMs),
      nextOrder: () => this.nextOrder(),
      onReturn: (h) => {
        const rec = h.record!;
        this.history.push(rec);
        this.hasher.str('ret').str(h.client).num(h.seq).str(rec.result);
        if (this.tracing) this.emit({ atMs: this.nowMs, kind: 'client', phase: 'return', client: h.client, opText: describeOp(h.spec), result: resultText(rec) });
        this.onClientReturn?.(h);
      },
    };
  }

  // ---- the kernel (what the modules use) -------------------------------------------------

  /** Queues an event (SimKernel). */
  schedule(e: SimEvent): void {
    this.queue.push(e, e.atMs);
  }

  /** Queues a message's delivery at its deliverMs (SimKernel). */
  scheduleDelivery(rec: MessageRecord): void {
    this.queue.push(rec, rec.deliverMs);
  }

  /** Records a trace event: every observer's onTrace (SimKernel). */
  emit(e: TraceEvent): void {
    for (const o of this.observers) o.onTrace?.(e);
  }

  /** Records a fault or user action in the hash and the trace (SimKernel). */
  fault(action: string, nodes: NodeId[], detail?: string): void {
    this.hasher.str('f').str(action).str(nodes.join(',')).str(detail ?? '').num(this.nowMs);
    this.emit({ atMs: this.nowMs, kind: 'fault', action, nodes, ...(detail ? { detail } : {}) });
  }

  /** The next history order (SimKernel): increases at every client invoke and return. */
  nextOrder(): number {
    return ++this.order;
  }

  // ---- queries ---------------------------------------------------------------------------

  /** The run's trace hash so far (hex). */
  get traceHash(): string {
    return this.hasher.hex();
  }

  /** Protocol and fault events, in order (when keepTrace; empty otherwise). */
  get trace(): TraceEvent[] {
    return this.traceLog.events;
  }

  set trace(events: TraceEvent[]) {
    this.traceLog.events = events;
  }

  /**
   * Every message sent, in send order (when keepTrace and keepMessages; empty otherwise), stored by columns: read
   * records with `at(i)` / `byId(id)`, or iterate (see messageLog.ts).
   */
  get messages(): MessageLog {
    return this.transport.messages;
  }

  /** Replaces the message log (the time machine gives a restored checkpoint its branch's log; see MessageLog.prefix). */
  set messages(log: MessageLog) {
    this.transport.messages = log;
  }

  /** Messages sent and not yet delivered or dropped (what the UI draws moving). */
  get inFlight(): Set<MessageRecord> {
    return this.transport.inFlight;
  }

  /** The network's link state and settings (read it; change it through the verbs). */
  get network(): Network {
    return this.transport.network;
  }

  /** The servers by name (read them; change them through the verbs). */
  get servers(): Map<NodeId, SimServer> {
    return this.host.servers;
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
    out.push(...this.etcd.pendingHistory());
    return out;
  }

  /** Time of the next event that will do something, or Infinity. */
  nextEventMs(): number {
    this.dropStale();
    return this.queue.size ? this.queue.peekTime() : Infinity;
  }

  /**
   * Whether a queued event no longer does anything: a timer that was re-armed or stopped, a timer
   * of a crashed server, a delivery of a message dropped or delayed by hand.
   */
  private isStale(e: SimEvent | MessageRecord, atMs: number): boolean {
    if (isDelivery(e)) return this.transport.isStale(e, atMs);
    switch (e.type) {
      case 'electionTimer':
      case 'heartbeatTimer': return this.host.isStale(e);
      case 'clientTimer': return !this.clients.get(e.client)!.timerIsLive(e.gen);
      case 'fsync': return this.host.isFsyncStale(e);
      case 'etcdTimer': return !this.etcd.timerIsLive(e.id);
    }
  }

  /**
   * Discards stale events at the front of the queue, and re-queues an election timer that comes up
   * before its (since extended) deadline. Neither moves the clock or counts as an event.
   */
  private dropStale(): void {
    for (let e = this.queue.peek(); e; e = this.queue.peek()) {
      if (this.isStale(e, this.queue.peekTime())) {
        this.queue.pop();
        continue;
      }
      if (!isDelivery(e) && e.type === 'electionTimer' && this.host.firesEarly(e)) {
        this.queue.pop();
        this.host.requeueElectionTimer(e.node);
        continue;
      }
      return;
    }
  }

  /** Events in the queue, stale ones included. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** The live server in role leader with the highest term, or null (what a step's `leader` means). */
  leader(): SimServer | null {
    return this.host.leader();
  }

  /** @throws Error naming the cluster's servers if `id` is not one of them */
  server(id: NodeId): SimServer {
    return this.host.server(id);
  }

  /** A plain-data view of a server (copies; safe to keep). */
  view(id: NodeId): ServerView {
    return this.host.view(id);
  }

  /** A view of every server, in cluster order. */
  views(): ServerView[] {
    return this.serverIds.map((id) => this.view(id));
  }

  // ---- the loop --------------------------------------------------------------------------

  /** Processes the next (non-stale) event if it is due at or before `limitMs`; returns it, or null. */
  processNext(limitMs = Infinity): ProcessedEvent | null {
    const e = this.nextEvent(limitMs);
    if (!e) return null;
    if (isDelivery(e)) return { kind: 'deliver', atMs: this.nowMs, record: e };
    switch (e.type) {
      case 'electionTimer': return { kind: 'electionTimeout', atMs: e.atMs, node: e.node };
      case 'heartbeatTimer': return { kind: 'heartbeat', atMs: e.atMs, node: e.node };
      case 'clientTimer': return { kind: 'clientTimer', atMs: e.atMs, client: e.client };
      case 'fsync': return { kind: 'fsync', atMs: e.atMs, node: e.node, id: e.id };
      case 'etcdTimer': return { kind: 'etcdTimer', atMs: e.atMs };
    }
  }

  /** As `processNext`, without describing the event: whether one was processed (the loops' fast path). */
  runNext(limitMs = Infinity): boolean {
    return this.nextEvent(limitMs) !== null;
  }

  private nextEvent(limitMs: number): SimEvent | MessageRecord | null {
    this.dropStale();
    const e = this.queue.peek();
    if (!e) return null;
    const atMs = this.queue.peekTime();
    if (atMs > limitMs) return null;
    this.queue.pop();
    this.nowMs = atMs;
    this.stats.events++;
    if (isDelivery(e)) {
      this.transport.deliver(e);
      return e;
    }
    switch (e.type) {
      case 'electionTimer':
      case 'heartbeatTimer':
        this.host.timerFired(e);
        break;
      case 'clientTimer':
        this.clients.get(e.client)!.onTimer(e.gen);
        break;
      case 'fsync':
        this.host.fsyncDone(e);
        break;
      case 'etcdTimer':
        this.etcd.timerFired(e.id);
        break;
    }
    return e;
  }

  /** Processes every event due at or before `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.nextEvent(untilMs)) { /* keep going */ }
    if (untilMs > this.nowMs && untilMs !== Infinity) this.nowMs = untilMs;
  }

  /** Moves the clock forward to `t` without processing anything (callers make sure nothing is due before). */
  advanceClock(t: number): void {
    if (t > this.nowMs) this.nowMs = t;
  }

  // ---- captions and step outcomes (the scenario runner's records) -----------------------

  /** Records a caption in the trace (scenario `say`). */
  caption(text: string, zh?: string): void {
    this.journalInput('caption', [text, zh]);
    this.hasher.str('say').str(text);
    this.emit({ atMs: this.nowMs, kind: 'caption', text, ...(zh ? { zh } : {}) });
  }

  /** Records a scenario step's outcome in the trace; `why` is the failure's reason as data. */
  stepOutcome(index: number, line: number, ok: boolean, message: string, why?: StepReason): void {
    this.journalInput('stepOutcome', [index, line, ok, message, why]);
    this.hasher.str('step').num(index).str(ok ? '1' : '0');
    this.emit({ atMs: this.nowMs, kind: 'step', index, line, ok, message, ...(why ? { why } : {}) });
  }

  // ---- the verbs' primitives (named once in verbs.ts) ------------------------------------

  /** Crashes a server (see Host.crash). No-op if down. @throws Error for an unknown server */
  crash(id: NodeId): void {
    this.journalInput('crash', [id]);
    this.host.crash(id);
  }

  /** Restarts a crashed server from its persistent state (see Host.restart). No-op if up. @throws Error for an unknown server */
  restart(id: NodeId): void {
    this.journalInput('restart', [id]);
    this.host.restart(id);
  }

  /** Pauses a live server: it keeps its state but handles nothing until resumed. @throws Error for an unknown server */
  pauseServer(id: NodeId): void {
    this.journalInput('pauseServer', [id]);
    this.host.pause(id);
  }

  /** Resumes a paused server: it handles what waited, in order. @throws Error for an unknown server */
  resumeServer(id: NodeId): void {
    this.journalInput('resumeServer', [id]);
    this.host.resume(id);
  }

  /** Fires a server's election timer now. @throws Error for an unknown server */
  forceTimeout(id: NodeId): void {
    this.journalInput('forceTimeout', [id]);
    this.host.forceTimeout(id);
  }

  /**
   * Asks the current leader to transfer leadership to `to` (thesis §3.10; see Host.transfer): the
   * step is instant, the outcome shows in the trace. @throws Error for an unknown server
   */
  transferLeader(to: NodeId): void {
    this.journalInput('transferLeader', [to]);
    this.host.transfer(to);
  }

  // ---- issue 13: membership and log compaction (see Host.member / Host.compact) ----------

  /**
   * Asks the current leader for a membership change (etcdctl member add / add --learner / promote /
   * remove, or one joint change; Raft paper §6, thesis Chapter 4; etcd raft ProposeConfChange).
   * Instant: gives back the proposal's index and term, or why it was refused (no leader, a change
   * pending, an already-member server, removing the last voter, ...). A spare the change adds
   * starts at once, empty. The change takes effect on each server when its entry is applied.
   * @throws Error for an unknown server, or a change naming no server
   */
  member(r: MemberRequest): MemberOutcome {
    this.journalInput('member', [r]);
    return this.host.member(r);
  }

  /**
   * Server `id` (or every live server, `all`) snapshots its state machine now and compacts its log
   * up to lastApplied − snapshotCatchUpEntries (Raft paper §7; etcd's snapshot + compact). A
   * server with nothing applied past its last snapshot does nothing. @throws Error for an unknown server
   */
  compact(id: NodeId | 'all'): void {
    this.journalInput('compact', [id]);
    this.host.compact(id);
  }

  /**
   * The cluster's configuration as the live leader with the highest term has applied it, with its
   * pending (proposed, unapplied) ConfChange index; null when there is no leader.
   */
  membership(): { leader: NodeId; config: MembershipConfig; pendingConfIndex: number } | null {
    const l = this.host.leader();
    return l ? { leader: l.id, config: l.raft.config, pendingConfIndex: l.raft.pendingConfIndex } : null;
  }

  /** A server's own clock now, ms (its clock rate × simulated time; see SimConfig.clockRate). @throws Error for an unknown server */
  localClockMs(id: NodeId): number {
    return this.host.localNow(this.host.server(id));
  }

  /** Only links inside each group stay up; servers in no group are alone. @throws Error for an unknown or repeated server */
  partition(groups: NodeId[][]): void {
    this.journalInput('partition', [groups]);
    this.transport.partition(groups);
  }

  /** Cuts every link of a server. @throws Error for an unknown server */
  isolate(id: NodeId): void {
    this.journalInput('isolate', [id]);
    this.transport.isolate(id);
  }

  /** Restores a server's links to every server that is not isolated. @throws Error for an unknown server */
  reconnect(id: NodeId): void {
    this.journalInput('reconnect', [id]);
    this.transport.reconnect(id);
  }

  /** Cuts the link from `from` to `to` (and back when `both`). @throws Error for an unknown server */
  cut(from: NodeId, to: NodeId, both: boolean): void {
    this.journalInput('cut', [from, to, both]);
    this.transport.cut(from, to, both);
  }

  /** Restores every link and clears isolation. */
  heal(): void {
    this.journalInput('heal', []);
    this.transport.heal();
  }

  /** Restores the link from `from` to `to` (and back when `both`). @throws Error for an unknown server */
  restoreLink(from: NodeId, to: NodeId, both: boolean): void {
    this.journalInput('restoreLink', [from, to, both]);
    this.transport.restoreLink(from, to, both);
  }

  /** Per-link latency, loss and duplication on one direction; null goes back to the network's. @throws Error for an unknown server */
  setLink(from: NodeId, to: NodeId, settings: Partial<LinkSettings> | null): void {
    this.journalInput('setLink', [from, to, settings]);
    this.transport.setLink(from, to, settings);
  }

  /** Changes the network-wide latency, loss or duplication from now on. */
  setNetwork(p: Partial<LinkSettings>): void {
    this.journalInput('setNetwork', [p]);
    this.transport.setNetwork(p);
  }

  /** Drops a message in flight. @throws Error if no message with that id is in flight */
  dropInFlight(id: number): void {
    this.journalInput('dropInFlight', [id]);
    this.transport.dropInFlight(id);
  }

  /** Sends another copy of a message in flight. @throws Error if no message with that id is in flight */
  duplicateInFlight(id: number): void {
    this.journalInput('duplicateInFlight', [id]);
    this.transport.duplicateInFlight(id);
  }

  /** Delays a message in flight by `byMs` ms. @throws Error if none with that id is in flight, or byMs <= 0 */
  delayInFlight(id: number, byMs: number): void {
    this.journalInput('delayInFlight', [id, byMs]);
    this.transport.delayInFlight(id, byMs);
  }

  /**
   * A client starts (or queues) an operation.
   * @throws Error for an unknown client or `via` server
   */
  submit(client: string, spec: ClientOpSpec, options: ClientRunOptions): ClientOpHandle {
    const c = this.clients.get(client);
    if (!c) throw new Error(`unknown client "${client}"`);
    if (options.via) this.server(options.via);
    const opText = describeOp(spec);
    this.hasher.str('op').str(client).str(opText);
    if (this.tracing) this.emit({ atMs: this.nowMs, kind: 'client', phase: 'invoke', client, opText, ...(options.via ? { server: options.via } : {}) });
    const h = c.submit(spec, options);
    this.journalInput('submit', [client, spec, options], h);
    return h;
  }

  // ---- the etcd v3 API (issue 14; src/sim/etcd.ts) ---------------------------------------

  /**
   * Runs one etcdctl command line as simulated client `client` (the console, an `etcdctl:` step,
   * the CLI), connected to `via` (etcdctl --endpoints) or to the server the client finds leading.
   * The run's output, state and result change in the engine events that bring the replies
   * (src/sim/etcdRun.ts). `as` names what it creates or starts, for later commands (`--lease=L1`)
   * and for `etcdCancel`. Journaled: clones and replays run it again at the same position.
   * Bad command lines are etcdctl's error output and exit status, not exceptions.
   * @throws Error for an unknown client or `via` server, or an `as` name already used
   */
  etcdctl(command: string, opts: { client: string; via?: NodeId; as?: string }): EtcdRun {
    if (!this.clients.has(opts.client)) throw new Error(`unknown client "${opts.client}"`);
    if (opts.via !== undefined) this.server(opts.via);
    if (opts.as !== undefined && this.etcdNames.has(opts.as)) throw new Error(`the name "${opts.as}" is already used by an earlier etcdctl command`);
    this.ensureReplayBase();
    const run = new EtcdRun(this.etcdRuns.length + 1, command, opts.client, opts.via, opts.as, this.nowMs);
    this.journalInput('etcdctl', [command, { ...opts }], run);
    this.etcdRuns.push(run);
    if (opts.as !== undefined) this.etcdNames.set(opts.as, run);
    const firstLine = command.split('\n')[0];
    this.hasher.str('etcdctl').str(opts.client).str(command);
    if (this.tracing) this.emit({ atMs: this.nowMs, kind: 'client', phase: 'invoke', client: opts.client, opText: `etcdctl ${firstLine}`, ...(opts.via ? { server: opts.via } : {}) });
    const parsed = parseCommandLine(command, { names: (n) => this.etcdName(n) });
    if (!parsed.ok) {
      run.finish(resultOf(parsed.stderr, parsed.exit));
      this.etcdReturned(run);
      return run;
    }
    const client = (this.etcd.client(opts.client, opts.via ?? null) as EngineEtcdClient).withTimeout(parsed.global.commandTimeoutMs);
    const start = (): void => {
      run.follow(execute(parsed, client));
      run.onDone(() => this.etcdReturned(run));
    };
    if (parsed.delayMs > 0) this.etcd.clientTimer(this.nowMs + parsed.delayMs, start);
    else start();
    return run;
  }

  /** A run finished: recorded in the hash and the trace. */
  private etcdReturned(run: EtcdRun): void {
    const r = run.result!;
    this.hasher.str('etcdret').num(run.id).num(r.exit).str(r.text);
    if (this.tracing) this.emit({ atMs: this.nowMs, kind: 'client', phase: 'return', client: run.client, opText: `etcdctl ${run.command.split('\n')[0]}`, result: `exit ${r.exit}` });
  }

  /** What an `as` name stands for in a command line: a lease or member ID; server names are member IDs. */
  private etcdName(name: string): string | undefined {
    const run = this.etcdNames.get(name);
    const c = run?.created;
    if (c) {
      switch (c.kind) {
        case 'lease': case 'keep-alive': return c.id;
        case 'member': return c.id;
        case 'lock': case 'election': case 'observer': return c.lease;
        case 'watch': return undefined;
      }
    }
    if (this.serverIds.includes(name)) return memberIdFor(name);
    return undefined;
  }

  /**
   * Ctrl-C on a background command (by its run or `as` name): a cancelled keep-alive stops
   * renewing, a cancelled lock deletes its key, a cancelled campaign resigns, a watch stops.
   * No-op on a finished run. @throws Error for an unknown name
   */
  etcdCancel(target: EtcdRun | string | { run: number }): void {
    const run = typeof target === 'string' ? this.etcdNames.get(target) : target instanceof EtcdRun ? target : this.etcdRuns[target.run - 1];
    if (!run) throw new Error(`no etcdctl command is named "${typeof target === 'string' ? target : JSON.stringify(target)}"`);
    this.journalInput('etcdCancel', [typeof target === 'string' ? target : { run: run.id }]);
    this.hasher.str('etcdcancel').num(run.id);
    if (this.tracing) this.emit({ atMs: this.nowMs, kind: 'client', phase: 'invoke', client: run.client, opText: `Ctrl-C etcdctl ${run.command.split('\n')[0]}` });
    if (run.background && run.background.running) run.background.cancel();
  }

  /** The etcdctl run named `name` by `as`, or undefined. */
  etcdNamed(name: string): EtcdRun | undefined {
    return this.etcdNames.get(name);
  }

  /** Every etcdctl run so far, in start order. */
  get etcdctlRuns(): readonly EtcdRun[] {
    return this.etcdRuns;
  }

  /**
   * A raw clientv3-like client of simulated client `clientId` (src/etcdctl/client.ts), connected
   * to `via` or to the leader it finds. Its requests are not journaled: a simulation whose raw
   * client was used cannot be cloned (use `etcdctl`). @throws Error for an unknown client or server
   */
  etcdClient(clientId: string, via?: NodeId): EtcdClient {
    if (!this.clients.has(clientId)) throw new Error(`unknown client "${clientId}"`);
    if (via !== undefined) this.server(via);
    this.etcdDirect = true;
    return this.etcd.client(clientId, via ?? null);
  }

  /** A server's etcd side as the inspector shows it: its lessor's leases (remaining ms on its clock, null = held forever) and watchers. */
  etcdServerView(id: NodeId): ReturnType<EtcdLayer['serverView']> {
    this.server(id);
    return this.etcd.serverView(id);
  }

  /** Lease grants applied by the leader and lease expiries its lessor proposed, in time order (for the timeline; not in the trace). */
  get etcdLeaseEvents(): readonly EtcdLeaseEvent[] {
    return this.etcd.leaseEvents;
  }

  /** etcd's minimum lease TTL for this cluster, seconds (1.5 × the election timeout). */
  get etcdMinLeaseTtlSeconds(): number {
    return this.etcd.minTtlSeconds;
  }
}

/**
 * The membership options must fit the servers: spares and learners are servers of the cluster,
 * no learner is a spare, and at least one server of the bootstrap configuration is a voter.
 * @throws Error naming the offending server
 */
function checkMembership(config: SimConfig): void {
  const all = new Set(config.servers);
  const spares = new Set(config.spares ?? []);
  for (const id of spares) if (!all.has(id)) throw new Error(`spare "${id}" is not one of the servers (${config.servers.join(', ')})`);
  for (const id of config.learners ?? []) {
    if (!all.has(id)) throw new Error(`learner "${id}" is not one of the servers (${config.servers.join(', ')})`);
    if (spares.has(id)) throw new Error(`learner "${id}" is a spare: a spare is not a member until it is added`);
  }
  const learners = new Set(config.learners ?? []);
  if (!config.servers.some((id) => !spares.has(id) && !learners.has(id))) throw new Error('the bootstrap configuration needs at least one voter');
  if ((config.snapshotCount ?? 0) < 0 || (config.snapshotCatchUpEntries ?? 0) < 0 || (config.fsyncMs ?? 0) < 0) {
    throw new Error('snapshotCount, snapshotCatchUpEntries and fsyncMs must be >= 0');
  }
}

/** A queued delivery is the MessageRecord itself; timer events have a `type`. */
function isDelivery(e: SimEvent | MessageRecord): e is MessageRecord {
  return (e as SimEvent).type === undefined;
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

export type { KvOp } from '../kv/types';

/** A settled result for a line that did not parse (etcdctl's error text and exit status). */
function resultOf(stderr: string, exit: number): CommandResult {
  const output = stderr.split('\n').map((text) => ({ stream: 'stderr' as const, text }));
  const text = output.map((l) => `${l.text}\n`).join('');
  return { exit, output, stdout: '', stderr: text, text };
}
