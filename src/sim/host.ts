/**
 * The host: what runs a Raft node as a server. It carries out the effects a node's `step` returns
 * (send messages, arm and stop the election and heartbeat timers, apply committed entries to the
 * server's KV state machine, answer the client waiting on an entry once it is applied), takes in
 * client requests, fires timers, and keeps each server's bookkeeping across crash, restart, pause
 * and resume. It tells the observers what the node did (role changes, log changes, commits,
 * applies, persistent state) and mixes its decisions into the trace hash.
 *
 * "Respond after applied" (Raft paper §5.3 / Figure 2 "Rules for Servers", thesis §6.3) lives in
 * one place: `apply`.
 */
import { KvStateMachine, type KvStore } from '../kv/store';
import type { Command, KvOp, KvSnapshot } from '../kv/types';
import { RaftNode } from '../raft/node';
import type { ConfChange, ConfChangeSingle, LogEntry, MembershipConfig, NodeId, PersistentState, PersistWrite, RaftEffect, RaftInput, RaftMessage, Snapshot, UnsafeFlags } from '../raft/types';
import { Wal } from '../raft/wal';
import type { SimEvent, SimKernel } from './kernel';
import { KvDigest } from './kvDigest';
import type { ObservedNode } from './observer';
import { RandomStream, quantizeMs } from './rng';
import type { Transport } from './transport';
import type { EtcdLayer } from './etcd';
import type { ClientRequest, ClientResponse, EtcdRequest, MemberOutcome, MemberRequest, Membership, MessageRecord, ReadMode, ServerView, WalView } from './types';

/** What the host needs to build and run the cluster's nodes. Times in ms of simulated time. */
export interface HostConfig {
  seed: number;
  servers: NodeId[];
  heartbeatMs: number;
  /** Election timeouts are drawn from [min, max) (Raft paper §5.2). */
  electionTimeoutMs: [number, number];
  /** Persistent state at time 0, per server. */
  initial?: ReadonlyMap<NodeId, PersistentState<Command>>;
  unsafe: UnsafeFlags;
  leaderNoop?: boolean;
  maxEntriesPerAppend?: number;
  maxInflightMsgs?: number;
  /** Revisions of KV history each server keeps (see SimConfig.autoCompactionRetention); 0 keeps all. */
  autoCompactionRetention?: number;
  /** PreVote (Raft thesis §9.6; RaftConfig.preVote); default false. */
  preVote?: boolean;
  /** CheckQuorum (thesis §6.2, §4.2.3; RaftConfig.checkQuorum); default false. */
  checkQuorum?: boolean;
  /**
   * How linearizable gets are served (thesis §6.4): `log` (default) proposes them as log entries;
   * `readIndex` asks the node for a read index (RaftConfig.readOnly 'safe'); `lease` for a lease
   * read ('leaseBased', needs checkQuorum). Serializable gets are answered locally in every mode.
   */
  reads?: ReadMode;
  /** The lease's clock-drift bound (RaftConfig.clockDriftBound, ≥ 1); default 1.1. */
  clockDriftBound?: number;
  /**
   * Each server's clock rate (default 1): its local clock advances `rate` ms per ms of simulated
   * time, and its timers (election, heartbeat, and through them CheckQuorum, leases and leader
   * transfers) run on that clock. Servers not listed run at rate 1.
   */
  clockRate?: ReadonlyMap<NodeId, number>;
  /** Servers outside the bootstrap configuration (SimConfig.spares); they start when a change adds them. */
  spares?: NodeId[];
  /** Bootstrap learners (SimConfig.learners). */
  learners?: NodeId[];
  /** Snapshot after this many applied entries past the last snapshot (SimConfig.snapshotCount); 0: never. */
  snapshotCount?: number;
  /** RaftConfig.snapshotCatchUpEntries (default 5). */
  snapshotCatchUpEntries?: number;
  /** Stable-storage write latency, ms (SimConfig.fsyncMs); > 0 (or unsafe.ackBeforeFsync) turns on RaftConfig.asyncStorage. */
  fsyncMs?: number;
}

export type { ReadMode } from './types';

/**
 * Default revisions of KV history a server keeps at least (SimConfig.autoCompactionRetention):
 * etcd keeps everything until compacted; the simulator compacts on its own so that a long run's
 * memory stays bounded, keeping 1,000 to 10,000 revisions per server (see Host.autoCompact).
 */
export const DEFAULT_AUTO_COMPACTION_RETENTION = 1_000;
/** A server compacts once its store is this many times the retention past its last compaction. */
export const AUTO_COMPACTION_WINDOW = 10;

/** A client request a server has proposed and will answer when the entry is applied. */
interface PendingRequest {
  clientId: string;
  seq: number;
  /** The log index the request was proposed at. */
  index: number;
}

/**
 * A linearizable get given to the node as a `readIndex` input (thesis §6.4), with its ctx
 * (`clientId:seq`): answered from this server's state machine once its applied index reaches
 * `readyIndex` (null until the node's readReady effect gives it). One per client, as `pending`:
 * a client runs one operation at a time, so a newer read replaces a lost one.
 */
interface PendingRead {
  ctx: string;
  clientId: string;
  seq: number;
  op: KvOp;
  readyIndex: number | null;
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
  /** Client requests proposed here, by client, waiting for their entry to be applied. */
  pending = new Map<string, PendingRequest>();
  /** Paused by the user: alive, but processing nothing; messages and fired timers wait for resume. */
  paused = false;
  held: MessageRecord[] = [];
  heldTimers: ('electionTimeout' | 'heartbeatTimeout')[] = [];
  /** Digest of the state machine's KV state for the checker's Replica Agreement (kvDigest.ts). */
  digest = new KvDigest();
  /** The view observers are given (see `observed`). */
  readonly observedView: ObservedNode;
  /** The last KV snapshot a view built, for the store and revision it shows (see Host.view). */
  kvView: { store: KvStore; revision: number; snapshot: KvSnapshot } | null = null;
  /** Linearizable gets given to the node as readIndex inputs, by client (reads: readIndex or lease). */
  reads = new Map<string, PendingRead>();
  /** Index of the last entry applied to `sm` (the host's own count: answers wait for the state machine, not the node). */
  appliedIndex = 0;
  /**
   * On this server's own clock (ms; see HostConfig.clockRate): when the queued heartbeat timer and
   * the election timer are due. A timer event passes that deadline as the node's clock reading.
   */
  heartbeatLocalMs: number | null = null;
  electionLocalMs: number | null = null;
  /** Stable storage, write by write (with fsyncMs / asyncStorage only; null: every write completes at once). */
  wal: Wal<Command> | null = null;
  /** Generation of the queued fsync completions: a crash bumps it (writes in progress are lost). */
  walGen = 0;
  /** A write that completed while the server was paused: `persisted` is stepped on resume (the highest id). */
  heldPersisted: number | null = null;
  /** Declared a spare (SimConfig.spares). */
  spare = false;
  /** A member at some point (bootstrap, or listed by an applied configuration): not a spare any more. */
  joined = true;
  /** Its process was started at some point (false for a spare until a change adds it, or a restart starts it). */
  started = true;
  constructor(readonly id: NodeId, raft: RaftNode<Command>, readonly electionRng: RandomStream, readonly clockRate = 1) {
    this.raft = raft;
    this.observedView = {
      id, role: raft.role, currentTerm: raft.currentTerm, log: raft.log, commitIndex: raft.commitIndex,
      firstIndex: raft.firstIndex, snapshotIndex: raft.snapshotIndex, snapshotTerm: raft.snapshotTerm,
      entryAt: (i) => this.raft.entryAt(i), termAt: (i) => this.raft.termAt(i),
    };
  }

  /** An independent copy (Raft node, state machine, timers, randomness). */
  clone(): SimServer {
    const c = new SimServer(this.id, this.raft.clone(), this.electionRng.clone(), this.clockRate);
    c.up = this.up;
    c.reads = new Map([...this.reads].map(([k, r]) => [k, { ...r }]));
    c.appliedIndex = this.appliedIndex;
    c.heartbeatLocalMs = this.heartbeatLocalMs;
    c.electionLocalMs = this.electionLocalMs;
    c.sm = this.sm.clone();
    c.digest = this.digest.cloneFor(this.sm.store, c.sm.store);
    c.electionGen = this.electionGen;
    c.heartbeatGen = this.heartbeatGen;
    c.electionDeadlineMs = this.electionDeadlineMs;
    c.electionArmedMs = this.electionArmedMs;
    c.electionEventMs = this.electionEventMs;
    c.pending = new Map([...this.pending].map(([k, p]) => [k, { ...p }]));
    c.paused = this.paused;
    c.heldTimers = this.heldTimers.slice();
    c.held = this.held.slice(); // re-pointed to the clone's records by Host.clone
    c.wal = this.wal ? cloneWal(this.wal) : null;
    c.walGen = this.walGen;
    c.heldPersisted = this.heldPersisted;
    c.spare = this.spare;
    c.joined = this.joined;
    c.started = this.started;
    return c;
  }
}

export class Host {
  readonly servers = new Map<NodeId, SimServer>();
  readonly serverIds: NodeId[];
  /** Whether an observer compares replicas' KV states (onAppliedState): only then is the digest kept. */
  private digesting: boolean;
  /** The etcd v3 API's server side (src/sim/etcd.ts, issue 14); set by the engine. */
  etcd: EtcdLayer | null = null;

  /** Builds every server's Raft node (from `initial` where given); nothing runs until `start`. */
  constructor(private readonly k: SimKernel, private transport: Transport, private readonly config: HostConfig) {
    this.serverIds = config.servers.slice();
    this.digesting = k.observers.some((o) => o.onAppliedState || o.onSnapshotRestored);
    const spares = new Set(config.spares ?? []);
    for (const id of this.serverIds) {
      const initial = config.initial?.get(id);
      const raft = this.makeRaft(id, initial);
      const s = new SimServer(id, raft, new RandomStream(config.seed, `election:${id}`), config.clockRate?.get(id) ?? 1);
      if (this.asyncStorage) s.wal = new Wal<Command>(raft.persistent);
      if (spares.has(id)) {
        // A spare's process is not running until a change adds it (etcd: start it after `member add`).
        s.spare = true;
        s.joined = false;
        s.started = false;
        s.up = false;
      }
      this.servers.set(id, s);
    }
  }

  /** Whether the nodes write stable storage asynchronously (RaftConfig.asyncStorage): fsyncMs > 0 or ackBeforeFsync. */
  private get asyncStorage(): boolean {
    return (this.config.fsyncMs ?? 0) > 0 || this.config.unsafe.ackBeforeFsync === true;
  }

  /** Time 0: observers see every initial log, then every node starts (arms its election timer). */
  start(): void {
    for (const id of this.serverIds) {
      const s = this.servers.get(id)!;
      if (!s.up) continue; // a spare, not started yet
      if (this.k.observers.length && s.raft.log.length) {
        const n = observed(s);
        for (const o of this.k.observers) o.onAppended?.(n, s.raft.firstIndex, 0);
      }
      this.execute(s, s.raft.start(this.localNow(s)), 0);
    }
  }

  /** A server's Raft node, with the cluster's options (src/raft/HOST.md §1). */
  private makeRaft(id: NodeId, persistent?: PersistentState<Command>): RaftNode<Command> {
    const c = this.config;
    const reads = c.reads ?? 'log';
    const spares = c.spares ?? [];
    const learners = c.learners ?? [];
    const voters = spares.length || learners.length ? this.serverIds.filter((s) => !spares.includes(s) && !learners.includes(s)) : this.serverIds;
    return new RaftNode<Command>({
      id, servers: voters, heartbeatMs: c.heartbeatMs, leaderNoop: c.leaderNoop, unsafe: c.unsafe,
      ...(learners.length ? { learners } : {}),
      ...(spares.includes(id) ? { spare: true } : {}),
      ...(c.snapshotCatchUpEntries !== undefined ? { snapshotCatchUpEntries: c.snapshotCatchUpEntries } : {}),
      ...(this.asyncStorage ? { asyncStorage: true } : {}),
      maxEntriesPerAppend: c.maxEntriesPerAppend, maxInflightMsgs: c.maxInflightMsgs,
      minElectionTimeoutMs: c.electionTimeoutMs[0],
      preVote: c.preVote ?? false, checkQuorum: c.checkQuorum ?? false,
      readOnly: reads === 'lease' ? 'leaseBased' : 'safe',
      ...(c.clockDriftBound !== undefined ? { clockDriftBound: c.clockDriftBound } : {}),
    }, persistent);
  }


  /**
   * A server's own clock now, ms: `clockRate × simulated time` (src/raft/HOST.md §2), never less
   * than the node's last reading (a timer's reading is its exact local deadline, which rounding
   * may put a hair past this).
   */
  localNow(s: SimServer): number {
    const t = s.clockRate === 1 ? this.k.nowMs : quantizeMs(s.clockRate * this.k.nowMs);
    const last = s.raft.clockMs;
    return last !== null && last > t ? last : t;
  }

  /** A delay of `localMs` on a server's own clock, in ms of simulated time. */
  simDelay(s: SimServer, localMs: number): number {
    return s.clockRate === 1 ? localMs : quantizeMs(localMs / s.clockRate);
  }

  // ---- queries ---------------------------------------------------------------------------

  /** @throws Error naming the cluster's servers if `id` is not one of them */
  server(id: NodeId): SimServer {
    const s = this.servers.get(id);
    if (!s) throw new Error(`unknown server "${id}" (servers are ${this.serverIds.join(', ')})`);
    return s;
  }

  /** The live server in role leader with the highest term, or null. */
  leader(): SimServer | null {
    let best: SimServer | null = null;
    for (const s of this.servers.values()) {
      if (s.up && s.raft.role === 'leader' && (!best || s.raft.currentTerm > best.raft.currentTerm)) best = s;
    }
    return best;
  }

  /**
   * A plain-data view of a server (copies; safe to keep). `kv` is built when first read, from an
   * O(1) copy of the store taken now, and shared (frozen) by every view of the same store at the
   * same revision: the UI asks for views every frame, and a snapshot of 10,000 keys costs ~3 ms.
   * @throws Error for an unknown server
   */
  view(id: NodeId): ServerView {
    const s = this.server(id);
    const r = s.raft;
    const store = s.sm.store;
    const revision = store.revision;
    let capture: KvStore | null = null;
    const cached = s.kvView;
    const kvNow = cached && cached.store === store && cached.revision === revision ? cached.snapshot : null;
    if (!kvNow) capture = store.clone();
    let kv: KvSnapshot | null = kvNow;
    return {
      id, up: s.up, paused: s.up && s.paused, role: r.role, currentTerm: r.currentTerm, votedFor: r.votedFor,
      commitIndex: s.up ? r.commitIndex : 0, lastApplied: s.up ? r.lastApplied : 0, leaderId: s.up ? r.leaderId : null,
      log: r.log.slice(), votesGranted: r.volatile.votesGranted.slice(),
      ...r.replicationView(),
      electionDeadlineMs: s.up ? s.electionDeadlineMs : null, electionArmedMs: s.up ? s.electionArmedMs : null,
      localClockMs: this.localNow(s), clockRate: s.clockRate,
      leaseUntilMs: s.up ? r.leaseUntilMs() : null, transferee: s.up ? r.transferee : null,
      firstIndex: r.firstIndex, snapshotIndex: r.snapshotIndex, snapshotTerm: r.snapshotTerm,
      config: r.config, pendingConfIndex: s.up && r.role === 'leader' ? r.pendingConfIndex : 0,
      spare: s.spare, membership: this.membershipOf(s), wal: this.walView(s),
      get kv(): KvSnapshot {
        if (kv) return kv;
        const c = s.kvView;
        if (c && c.store === store && c.revision === revision) kv = c.snapshot;
        else {
          kv = frozenSnapshot(capture!);
          if (s.sm.store === store && store.revision === revision) s.kvView = { store, revision, snapshot: kv };
        }
        capture = null;
        return kv;
      },
    };
  }

  // ---- timers ----------------------------------------------------------------------------

  /** Whether a queued timer no longer does anything: re-armed, stopped, or its server crashed. */
  isStale(e: Extract<SimEvent, { type: 'electionTimer' | 'heartbeatTimer' }>): boolean {
    const s = this.servers.get(e.node)!;
    return !s.up || e.gen !== (e.type === 'electionTimer' ? s.electionGen : s.heartbeatGen);
  }

  /**
   * Whether a queued election timer comes up before its server's (since extended) deadline; if so
   * the caller takes it off the queue and calls `requeueElectionTimer`.
   */
  firesEarly(e: Extract<SimEvent, { type: 'electionTimer' }>): boolean {
    const s = this.servers.get(e.node)!;
    return s.electionDeadlineMs !== null && e.atMs < s.electionDeadlineMs;
  }

  /** Queues the server's election timer again, at its deadline. */
  requeueElectionTimer(id: NodeId): void {
    const s = this.servers.get(id)!;
    s.electionEventMs = s.electionDeadlineMs;
    this.k.schedule({ type: 'electionTimer', node: s.id, gen: s.electionGen, atMs: s.electionDeadlineMs! });
  }

  /** A (live) timer fired: the node steps on it, or a paused server keeps it for when it resumes. */
  timerFired(e: Extract<SimEvent, { type: 'electionTimer' | 'heartbeatTimer' }>): void {
    const s = this.servers.get(e.node)!;
    if (e.type === 'electionTimer') {
      s.electionDeadlineMs = null;
      s.electionEventMs = null;
      if (s.paused) {
        s.heldTimers.push('electionTimeout');
        return;
      }
      this.k.hasher.str('et').str(e.node).num(e.atMs);
      const local = s.electionLocalMs;
      s.electionLocalMs = null;
      this.step(s, { type: 'electionTimeout' }, local);
      return;
    }
    if (s.paused) {
      s.heldTimers.push('heartbeatTimeout');
      return;
    }
    const local = s.heartbeatLocalMs;
    s.heartbeatLocalMs = null;
    this.step(s, { type: 'heartbeatTimeout' }, local);
  }

  // ---- messages --------------------------------------------------------------------------

  /** A message crossed the network to its server: dropped if the server is down, held if paused, else taken in. */
  arrive(rec: MessageRecord): void {
    const s = this.servers.get(rec.msg.to)!;
    if (!s.up) return this.transport.drop(rec, 'crashed');
    if (s.paused) {
      s.held.push(rec);
      this.transport.hold(rec);
      return;
    }
    this.receive(s, rec);
  }

  /** A server takes in a delivered message. */
  private receive(s: SimServer, rec: MessageRecord): void {
    const m = rec.msg as RaftMessage<Command> | ClientRequest | EtcdRequest;
    this.transport.markDelivered(rec);
    if (m.type === 'ClientRequest') this.onClientRequest(s, m);
    else if (m.type === 'EtcdRequest') this.etcd?.onRequest(s, m);
    else this.step(s, { type: 'message', msg: m });
  }

  /**
   * A client request reaches a server. Serializable gets are answered from this server's applied
   * state at once (possibly stale); everything else is proposed to Raft (linearizable gets too)
   * and answered when applied (see `apply`), or refused with the leader this server knows.
   */
  private onClientRequest(s: SimServer, m: ClientRequest): void {
    if (m.serializable && m.op.op === 'get') {
      this.reply(s.id, m.clientId, m.seq, { ok: true, result: s.sm.store.apply(m.op) });
      return;
    }
    if (m.op.op === 'get' && (m.read ?? this.config.reads ?? 'log') !== 'log') {
      // Thesis §6.4: a linearizable read takes a read index instead of a log entry (HOST.md §4).
      // A request's own mode (ClientRequest.read) is passed on for that read alone.
      const ctx = `${m.clientId}:${m.seq}`;
      s.reads.set(m.clientId, { ctx, clientId: m.clientId, seq: m.seq, op: m.op, readyIndex: null });
      const readOnly = m.read === undefined ? undefined : m.read === 'lease' ? 'leaseBased' as const : 'safe' as const;
      this.step(s, { type: 'readIndex', ctx, ...(readOnly ? { readOnly } : {}) });
      return;
    }
    const command: Command = { type: 'kv', clientId: m.clientId, seq: m.seq, op: m.op };
    const commitBefore = s.raft.commitIndex;
    const effects = s.raft.step({ type: 'propose', command }, this.localNow(s));
    for (const fx of effects) {
      if (fx.type !== 'proposeResult') continue;
      if (fx.accepted) s.pending.set(m.clientId, { clientId: m.clientId, seq: m.seq, index: fx.index });
      else if (fx.reason === 'transferring') {
        // Thesis §3.10: no proposals during a leader transfer; the client backs off and retries (at the transferee).
        this.reply(s.id, m.clientId, m.seq, { ok: false, error: 'transferring', leaderHint: fx.transferee ?? fx.leaderHint });
      } else this.reply(s.id, m.clientId, m.seq, { ok: false, error: 'notLeader', leaderHint: fx.leaderHint });
    }
    this.execute(s, effects, commitBefore);
  }

  // ---- what the etcd layer asks of the node (src/sim/etcd.ts) -----------------------------

  /** Proposes `command` on a server's node (as a client request would be) and carries out the effects. */
  propose(s: SimServer, command: Command): { accepted: true; index: number; term: number } | { accepted: false; leaderHint: NodeId | null } {
    const commitBefore = s.raft.commitIndex;
    const effects = s.raft.step({ type: 'propose', command }, this.localNow(s));
    let out: { accepted: true; index: number; term: number } | { accepted: false; leaderHint: NodeId | null } = { accepted: false, leaderHint: s.raft.leaderId };
    for (const fx of effects) {
      if (fx.type !== 'proposeResult') continue;
      out = fx.accepted ? { accepted: true, index: fx.index, term: s.raft.currentTerm } : { accepted: false, leaderHint: fx.reason === 'transferring' ? fx.transferee ?? fx.leaderHint : fx.leaderHint };
    }
    this.execute(s, effects, commitBefore);
    return out;
  }

  /** Gives a server's node a readIndex input (thesis §6.4) for an etcd read; answered through the etcd layer. */
  readIndexFor(s: SimServer, ctx: string, readOnly: 'safe' | 'leaseBased' | undefined): void {
    this.step(s, { type: 'readIndex', ctx, ...(readOnly ? { readOnly } : {}) });
  }

  /** The pending read of this ctx, or undefined (the client gave up or moved on; a duplicate answer). */
  private readOf(s: SimServer, ctx: string): PendingRead | undefined {
    const r = s.reads.get(ctx.slice(0, ctx.lastIndexOf(':')));
    return r && r.ctx === ctx ? r : undefined;
  }

  /** Answers a pending read from this server's state machine (its applied index has reached the read index). */
  private answerRead(s: SimServer, r: PendingRead): void {
    s.reads.delete(r.clientId);
    this.reply(s.id, r.clientId, r.seq, { ok: true, result: s.sm.store.apply(r.op) });
  }

  private reply(from: NodeId, clientId: string, seq: number, body: Pick<ClientResponse, 'ok' | 'result' | 'leaderHint' | 'error'>): void {
    const m: ClientResponse = { type: 'ClientResponse', from, to: clientId, term: 0, clientId, seq, ...body };
    this.transport.send(m);
  }

  // ---- effects ---------------------------------------------------------------------------

  /**
   * The node steps on `input` at its clock reading `localMs` (default: its clock now; a timer
   * passes its local deadline, HOST.md §2); the host carries out what it returns.
   */
  private step(s: SimServer, input: RaftInput<Command>, localMs: number | null = null): RaftEffect<Command>[] {
    const commitBefore = s.raft.commitIndex;
    const now = this.localNow(s);
    const effects = s.raft.step(input, localMs !== null && localMs > now ? localMs : now);
    this.execute(s, effects, commitBefore);
    return effects;
  }

  /** Carries out a node's effects, in order; `commitBefore` is its commitIndex before the step. */
  private execute(s: SimServer, effects: RaftEffect<Command>[], commitBefore: number): void {
    const k = this.k;
    const obs = k.observers;
    for (const fx of effects) {
      switch (fx.type) {
        case 'send':
          if (fx.msg.type === 'InstallSnapshot') this.transport.send({ ...fx.msg, sizeBytes: snapshotBytes(fx.msg.snapshot) } as RaftMessage<Command>);
          else this.transport.send(fx.msg);
          break;
        case 'resetElectionTimer': {
          // Followers re-arm on every AppendEntries, so the queue keeps one event per server and
          // moves it lazily: a new event only when the deadline comes earlier than the queued one;
          // a queued event that fires before the deadline is re-queued at the deadline.
          // The timeout is drawn on the server's own clock and fires after drawn / rate of simulated time.
          const [min, max] = this.config.electionTimeoutMs;
          const drawn = quantizeMs(s.electionRng.between(min, max));
          const t = k.nowMs + (s.clockRate === 1 ? drawn : quantizeMs(drawn / s.clockRate));
          s.electionLocalMs = (s.raft.clockMs ?? this.localNow(s)) + drawn;
          s.electionArmedMs = k.nowMs;
          s.electionDeadlineMs = t;
          if (s.electionEventMs === null || t < s.electionEventMs) {
            s.electionGen++;
            s.electionEventMs = t;
            k.schedule({ type: 'electionTimer', node: s.id, gen: s.electionGen, atMs: t });
          }
          break;
        }
        case 'stopElectionTimer':
          s.electionGen++;
          s.electionLocalMs = null;
          s.electionDeadlineMs = null;
          s.electionArmedMs = null;
          s.electionEventMs = null;
          break;
        case 'setHeartbeatTimer':
          s.heartbeatGen++;
          s.heartbeatLocalMs = (s.raft.clockMs ?? this.localNow(s)) + fx.delayMs;
          k.schedule({ type: 'heartbeatTimer', node: s.id, gen: s.heartbeatGen, atMs: k.nowMs + this.simDelay(s, fx.delayMs) });
          break;
        case 'stopHeartbeatTimer':
          s.heartbeatGen++;
          s.heartbeatLocalMs = null;
          break;
        case 'readReady': {
          if (fx.ctx.startsWith('etcd:')) {
            this.etcd?.onReadReady(s, fx.ctx, fx.index);
            break;
          }
          // HOST.md §5: answer once this server's state machine has applied the read index.
          const r = this.readOf(s, fx.ctx);
          if (!r) break; // the client gave up, or a duplicate answer
          r.readyIndex = fx.index;
          if (s.appliedIndex >= fx.index) this.answerRead(s, r);
          break;
        }
        case 'readRefused': {
          if (fx.ctx.startsWith('etcd:')) {
            this.etcd?.onReadRefused(s, fx.ctx, fx.leaderHint);
            break;
          }
          const r = this.readOf(s, fx.ctx);
          if (!r) break;
          s.reads.delete(r.clientId);
          this.reply(s.id, r.clientId, r.seq, { ok: false, error: 'notLeader', leaderHint: fx.leaderHint });
          break;
        }
        case 'apply':
          this.apply(s, fx.index, fx.entry);
          break;
        case 'roleChanged':
          k.hasher.str('role').str(s.id).str(fx.to).num(fx.term);
          if (fx.to === 'candidate') k.stats.electionsStarted++;
          if (fx.to === 'leader') k.stats.leadersElected++;
          k.emit({ atMs: k.nowMs, kind: 'role', node: s.id, from: fx.from, to: fx.to, term: fx.term });
          if (this.etcd) {
            this.etcd.onRoleChanged(s, fx.to);
            if (fx.to === 'leader') this.etcd.onLeaderElected(s);
          }
          if (obs.length) {
            const n = observed(s);
            for (const o of obs) o.onRoleChanged?.(n, k.nowMs);
          }
          break;
        case 'logChanged':
          if (obs.length) {
            const n = observed(s);
            for (const o of obs) o.onLogChanged?.(n, fx.fromIndex, commitBefore, k.nowMs);
          }
          break;
        case 'appended':
          if (obs.length) {
            const n = observed(s);
            for (const o of obs) o.onAppended?.(n, fx.fromIndex, k.nowMs);
          }
          break;
        case 'note':
          if (k.tracing) k.emit({ atMs: k.nowMs, kind: 'note', node: s.id, note: fx.note });
          break;
        case 'proposeResult':
          break; // handled by the caller that proposed
        case 'configChanged':
          this.configChanged(fx.config);
          break;
        case 'compacted':
          if (obs.length) {
            const n = observed(s);
            for (const o of obs) o.onSnapshot?.(n, k.nowMs);
          }
          break;
        case 'restoreSnapshot':
          this.restoreSnapshot(s, fx.snapshot);
          break;
        case 'persist':
          this.persistWrite(s, fx);
          break;
      }
    }
    if (obs.length) {
      const hard = s.raft.durableHardState;
      for (const o of obs) o.onPersistentState?.(s.id, hard.currentTerm, hard.votedFor, k.nowMs);
      if (s.raft.commitIndex > commitBefore) {
        const leaders: ObservedNode[] = [];
        for (const l of this.servers.values()) if (l.up && l.raft.role === 'leader') leaders.push(observed(l));
        const n = observed(s);
        for (const o of obs) o.onCommitted?.(n, commitBefore, leaders, k.nowMs);
      }
    }
    this.maybeSnapshot(s);
  }

  /**
   * Applies a committed entry to the server's state machine and answers the client waiting on it:
   * the one place a client's write is acknowledged, and only after it is applied (Raft paper §8,
   * thesis §6.3). A request this server proposed at `index` whose entry was replaced by another
   * leader's (it lost leadership before commit) is answered "overwritten": it was not committed.
   */
  private apply(s: SimServer, index: number, entry: LogEntry<Command>): void {
    const k = this.k;
    const obs = k.observers;
    for (const o of obs) o.onApplied?.(s.id, index, entry, k.nowMs);
    const store = s.sm.store;
    const revisionBefore = store.revision;
    const cmd = entry.command;
    const put = this.digesting && cmd.type === 'kv' && cmd.op.op === 'put' ? cmd.op : null;
    const previous = put ? store.get(put.key)?.value : undefined;
    const result = cmd.type === 'etcd' ? null : s.sm.applyCommand(cmd);
    if (cmd.type === 'etcd') {
      if (!this.etcd) throw new Error(`internal: ${s.id} applied an etcd entry at ${index} without an etcd layer`);
      this.etcd.apply(s, index, entry);
    }
    if (this.digesting) {
      if (put) s.digest.updateAfterPut(store, revisionBefore, put.key, previous, put.value);
      else s.digest.update(store);
      const state = s.digest.text();
      for (const o of obs) o.onAppliedState?.(s.id, index, state, k.nowMs);
    }
    if (store.revision !== revisionBefore) this.autoCompact(s);
    s.appliedIndex = index;
    if (s.reads.size) {
      for (const r of s.reads.values()) if (r.readyIndex !== null && r.readyIndex <= index) this.answerRead(s, r);
    }
    this.etcd?.afterApply(s, index, entry);
    if (cmd.type === 'kv') {
      const p = s.pending.get(cmd.clientId);
      if (p && p.seq === cmd.seq) {
        s.pending.delete(cmd.clientId);
        this.reply(s.id, cmd.clientId, cmd.seq, { ok: true, result: result! });
        return;
      }
    }
    for (const [clientId, p] of s.pending) {
      if (p.index === index) {
        s.pending.delete(clientId);
        this.reply(s.id, clientId, p.seq, { ok: false, error: 'overwritten', leaderHint: s.raft.leaderId });
      }
    }
  }

  /**
   * Automatic compaction of the server's KV history, as etcd's `--auto-compaction-mode=revision`
   * (which compacts at "latest revision − retention" every 5 minutes), but driven by applied
   * revisions instead of a wall-clock period so that it is deterministic and the same on every
   * replica: once the store is AUTO_COMPACTION_WINDOW × retention revisions past its last
   * compaction it compacts at `revision − retention`. So between `retention` and 10 × `retention`
   * revisions of history are kept, and the cost of a compaction (it rebuilds the kept versions) is
   * spread over 9 × `retention` writes. Reads below the compacted revision fail with etcd's
   * ErrCompacted. Changes neither the KV contents nor the revision, the trace or the traceHash.
   */
  private autoCompact(s: SimServer): void {
    const retention = this.config.autoCompactionRetention ?? DEFAULT_AUTO_COMPACTION_RETENTION;
    if (retention <= 0) return;
    const store = s.sm.store;
    const base = Math.max(1, store.compactRevision);
    if (store.revision - base < AUTO_COMPACTION_WINDOW * retention) return;
    const r = store.execute({ op: 'compact', revision: store.revision - retention });
    if (r.op === 'error') throw new Error(`internal: automatic compaction of ${s.id} at ${store.revision - retention} failed: ${r.error}`);
  }

  // ---- crash, restart, pause, resume, timeout --------------------------------------------

  /**
   * Crashes a server: its volatile state, timers, state machine, pending client requests and held
   * messages are lost; its persistent state (currentTerm, votedFor, log) stays as if on disk.
   * No-op if it is down. @throws Error for an unknown server
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
    s.electionLocalMs = null;
    s.heartbeatLocalMs = null;
    s.pending.clear();
    s.reads.clear();
    s.appliedIndex = 0;
    s.paused = false;
    s.heldTimers = [];
    for (const r of s.held) this.transport.dropHeld(r);
    s.held = [];
    s.sm = new KvStateMachine(); // the state machine is volatile; a restart rebuilds it from the log
    if (s.wal) {
      s.wal.crash(); // writes in progress never reach the disk
      s.walGen++; // and their queued completions are stale
      s.heldPersisted = null;
    }
    this.etcd?.onCrash(s);
    this.k.fault('crash', [id]);
  }

  /**
   * Restarts a crashed server from its persistent state: a follower with commitIndex 0 whose
   * state machine is rebuilt by re-applying entries as it learns they are committed. No-op if up.
   * @throws Error for an unknown server
   */
  restart(id: NodeId): void {
    const s = this.server(id);
    if (s.up) return;
    s.up = true;
    s.started = true;
    s.raft = this.makeRaft(id, s.wal ? s.wal.state() : durableState(s.raft));
    s.sm = new KvStateMachine();
    s.appliedIndex = 0;
    this.etcd?.onRestart(s);
    for (const o of this.k.observers) o.onRestart?.(id);
    this.k.fault('restart', [id]);
    // The new node's clock goes on from where the server's clock is (HOST.md §2).
    this.execute(s, s.raft.start(this.localNow(s)), 0);
  }

  /**
   * Pauses a live server (as if its process were stopped, not crashed): it keeps all its state but
   * handles nothing; messages that arrive and timers that fire wait until `resume`.
   * @throws Error for an unknown server
   */
  pause(id: NodeId): void {
    const s = this.server(id);
    if (!s.up || s.paused) return;
    s.paused = true;
    this.k.fault('pause', [id]);
  }

  /** Resumes a paused server: it handles the timers that fired and the messages that arrived, in order. @throws Error for an unknown server */
  resume(id: NodeId): void {
    const s = this.server(id);
    if (!s.paused) return;
    s.paused = false;
    this.k.fault('resume', [id]);
    const timers = s.heldTimers;
    const held = s.held;
    s.heldTimers = [];
    s.held = [];
    if (s.heldPersisted !== null) {
      const id = s.heldPersisted;
      s.heldPersisted = null;
      this.step(s, { type: 'persisted', id });
    }
    for (const t of timers) if (s.up && !s.paused) this.step(s, { type: t });
    for (const r of held) {
      this.transport.release(r);
      if (s.up) this.receive(s, r);
    }
  }

  /** Fires a server's election timer now (a follower or candidate starts an election; a leader ignores it). @throws Error for an unknown server */
  forceTimeout(id: NodeId): void {
    const s = this.server(id);
    if (!s.up) return;
    this.k.fault('timeout', [id]);
    s.electionDeadlineMs = null;
    this.step(s, { type: 'electionTimeout' });
  }

  /**
   * A leader transfer (thesis §3.10; etcd's MsgTransferLeader, `etcdctl move-leader`): the current
   * leader (`leader()`) is asked to hand leadership to `to`; it refuses, with a note, a transfer to
   * itself or one already under way. With no leader there is no node to ask: the trace says so
   * (the fault event's detail is "no leader"). @throws Error for an unknown server
   */
  transfer(to: NodeId): void {
    this.server(to);
    const l = this.leader();
    if (!l) {
      this.k.fault('transfer', [to], 'no leader');
      return;
    }
    this.k.fault('transfer', [l.id, to]);
    if (l.paused) return; // a paused leader handles nothing; the request is lost like a message to it
    this.step(l, { type: 'transferLeadership', to });
  }

  // ---- issue 13: membership, snapshots, stable storage ------------------------------------

  /**
   * A membership change asked of the current leader (see Simulation.member): recorded as a fault
   * `member` (leader, then the servers named), proposed with `proposeConfChange`; a spare the
   * accepted change adds is started, empty (etcd: start the member after `member add`).
   * @throws Error for an unknown server or a change that names no server
   */
  member(r: MemberRequest): MemberOutcome {
    const change = confChangeOf(r);
    for (const c of change.changes) this.server(c.nodeId);
    const l = this.leader();
    const named = change.changes.map((c) => c.nodeId);
    if (!l) {
      this.k.fault('member', named, 'no leader');
      return { accepted: false, reason: 'noLeader', leader: null };
    }
    this.k.fault('member', [l.id, ...named.filter((id) => id !== l.id)], memberDetail(change));
    if (l.paused) return { accepted: false, reason: 'leaderPaused', leader: l.id };
    const effects = this.step(l, { type: 'proposeConfChange', change });
    const res = effects.find((f) => f.type === 'proposeResult');
    if (!res || res.type !== 'proposeResult') throw new Error(`internal: ${l.id} gave no answer to a ConfChange`);
    if (!res.accepted) return { accepted: false, reason: res.reason ?? 'noLeader', leader: res.leaderHint };
    for (const c of change.changes) {
      const t = this.servers.get(c.nodeId)!;
      if (c.type !== 'removeNode' && !t.started) this.startSpare(t);
    }
    return { accepted: true, leader: l.id, index: res.index, term: res.term };
  }

  /** A spare's process starts (empty, outside the configuration until the change adding it is applied). */
  private startSpare(s: SimServer): void {
    s.up = true;
    s.started = true;
    s.appliedIndex = 0;
    this.k.fault('start', [s.id]);
    this.execute(s, s.raft.start(this.localNow(s)), 0);
  }

  /** Server `id` (or every live, unpaused server) snapshots its state machine now (see Simulation.compact). @throws Error for an unknown server */
  compact(id: NodeId | 'all'): void {
    const targets = id === 'all' ? this.serverIds.map((i) => this.servers.get(i)!) : [this.server(id)];
    this.k.fault('compact', id === 'all' ? ['all'] : [id]);
    for (const s of targets) if (s.up && !s.paused) this.snapshotNow(s);
  }

  /** The node keeps a copy of the state machine as its snapshot at its lastApplied (HOST13.md §3). */
  private snapshotNow(s: SimServer): void {
    this.step(s, { type: 'compact', data: s.sm.clone() });
  }

  /** `cluster.snapshotCount` (etcd --snapshot-count): snapshot once that many entries were applied past the last snapshot. */
  private maybeSnapshot(s: SimServer): void {
    const every = this.config.snapshotCount ?? 0;
    if (every <= 0 || !s.up || s.paused) return;
    if (s.raft.lastApplied - s.raft.snapshotIndex >= every && s.appliedIndex === s.raft.lastApplied) this.snapshotNow(s);
  }

  /** An applied configuration lists these servers: none of them is a spare waiting to join any more. */
  private configChanged(config: MembershipConfig): void {
    for (const list of [config.voters, config.votersOutgoing, config.learners, config.learnersNext]) {
      for (const id of list) {
        const t = this.servers.get(id);
        if (t) t.joined = true;
      }
    }
  }

  /**
   * A follower installed a leader's snapshot, or a server restarted from one (Raft paper Figure 13
   * step 8): its state machine becomes a copy of the snapshot's, at the snapshot's index. Requests
   * proposed here at indexes it covers can no longer be answered from an apply: "overwritten" (the
   * client retries, and the session table in the snapshot answers a duplicate).
   */
  private restoreSnapshot(s: SimServer, snap: Snapshot): void {
    const k = this.k;
    const index = snap.metadata.index;
    s.sm = (snap.data as KvStateMachine).clone();
    s.appliedIndex = index;
    s.kvView = null;
    s.digest = new KvDigest();
    if (this.digesting) {
      s.digest.update(s.sm.store);
      const state = s.digest.text();
      for (const o of k.observers) o.onSnapshotRestored?.(s.id, index, state, k.nowMs);
    }
    for (const [clientId, p] of s.pending) {
      if (p.index <= index) {
        s.pending.delete(clientId);
        this.reply(s.id, clientId, p.seq, { ok: false, error: 'overwritten', leaderHint: s.raft.leaderId });
      }
    }
    for (const r of s.reads.values()) if (r.readyIndex !== null && r.readyIndex <= index) this.answerRead(s, r);
    this.etcd?.onSnapshotRestored(s, index);
  }

  /** A `persist` effect: the write goes to the server's WAL and completes fsyncMs later (HOST13.md §9). */
  private persistWrite(s: SimServer, w: PersistWrite<Command>): void {
    if (!s.wal) throw new Error(`internal: ${s.id} asked for a write without asynchronous storage`);
    s.wal.write(w);
    this.k.schedule({ type: 'fsync', node: s.id, gen: s.walGen, id: w.id, atMs: this.k.nowMs + (this.config.fsyncMs ?? 0) });
  }

  /** Whether a queued write completion no longer does anything (its server crashed since, or is down). */
  isFsyncStale(e: Extract<SimEvent, { type: 'fsync' }>): boolean {
    const s = this.servers.get(e.node)!;
    return !s.up || e.gen !== s.walGen;
  }

  /** Write `e.id` reached the disk: the WAL keeps it, and the node releases what waited for it (a paused one on resume). */
  fsyncDone(e: Extract<SimEvent, { type: 'fsync' }>): void {
    const s = this.servers.get(e.node)!;
    s.wal!.complete(e.id);
    this.k.hasher.str('fs').str(e.node).num(e.id);
    if (s.paused) {
      s.heldPersisted = Math.max(s.heldPersisted ?? 0, e.id);
      return;
    }
    this.step(s, { type: 'persisted', id: e.id });
  }

  /** How the cluster counts `s` now (ServerView.membership), from the leader's configuration (else its own). */
  private membershipOf(s: SimServer): Membership {
    const l = this.leader();
    const c = (l ?? s).raft.config;
    if (c.voters.includes(s.id) || c.votersOutgoing.includes(s.id)) return 'voter';
    if (c.learners.includes(s.id) || c.learnersNext.includes(s.id)) return 'learner';
    return s.spare && !s.joined ? 'spare' : 'removed';
  }

  /** What is on the server's stable storage (ServerView.wal). */
  private walView(s: SimServer): WalView {
    const p = s.wal ? s.wal.state() : s.raft.persistent;
    const first = (p.compacted?.index ?? 0) + 1;
    const snap = p.snapshot ?? null;
    return {
      hardState: { currentTerm: p.currentTerm, votedFor: p.votedFor, commitIndex: s.wal ? p.commitIndex ?? 0 : s.up ? s.raft.commitIndex : 0 },
      firstIndex: first, lastIndex: first + p.log.length - 1, entries: p.log.length,
      snapFiles: snap ? [{ name: snapFileName(snap), index: snap.metadata.index, term: snap.metadata.term, sizeBytes: snapshotBytes(snap) }] : [],
      pendingWrites: s.wal ? s.wal.pendingIds : [],
      async: s.wal !== null,
    };
  }

  // ---- copies ----------------------------------------------------------------------------

  /** A copy bound to another engine and transport; held messages are re-pointed through `records`. */
  clone(k: SimKernel, transport: Transport, records: Map<MessageRecord, MessageRecord>): Host {
    const c = Object.create(Host.prototype) as Host;
    const w = c as unknown as { k: SimKernel; transport: Transport; config: HostConfig; servers: Map<NodeId, SimServer>; serverIds: NodeId[] };
    w.k = k;
    w.transport = transport;
    w.config = this.config;
    w.serverIds = this.serverIds;
    (c as unknown as { digesting: boolean }).digesting = this.digesting;
    w.servers = new Map([...this.servers].map(([id, s]) => [id, s.clone()]));
    for (const s of c.servers.values()) s.held = s.held.map((r) => records.get(r) ?? r);
    return c;
  }
}

/** A store's snapshot, frozen (records too) so that views may share it. */
function frozenSnapshot(store: KvStore): KvSnapshot {
  const snap = store.snapshot();
  for (const k in snap.kvs) Object.freeze(snap.kvs[k]);
  Object.freeze(snap.kvs);
  return Object.freeze(snap);
}

/** What observers read of a server: one view object per server, refreshed at each hook (observers don't keep it). */
function observed(s: SimServer): ObservedNode {
  const r = s.raft;
  const v = s.observedView;
  v.role = r.role;
  v.currentTerm = r.currentTerm;
  v.log = r.log;
  v.commitIndex = r.commitIndex;
  v.firstIndex = r.firstIndex;
  v.snapshotIndex = r.snapshotIndex;
  v.snapshotTerm = r.snapshotTerm;
  return v;
}

/**
 * What a server without a modelled WAL (every write completes at once) finds on stable storage at
 * a restart: its persistent state, plus its commitIndex (etcd HardState.Commit) when a committed
 * ConfChange is in its log. A configuration takes effect when applied (etcd raft), so a server
 * that forgot how far it had committed would restart with the configuration of its snapshot or
 * of the bootstrap, and could vote and count by an old configuration (two leaders in one term,
 * even with joint consensus). Without ConfChange entries the commitIndex is left out, as before:
 * the restarted server learns it from the leader (and the runs of earlier scenarios are unchanged).
 */
function durableState(r: RaftNode<Command>): PersistentState<Command> {
  const p = r.persistent;
  const commit = r.commitIndex;
  for (let i = Math.max(r.firstIndex, (p.commitIndex ?? 0) + 1); i <= commit; i++) {
    if (r.entryAt(i)?.confChange) return { ...p, commitIndex: commit };
  }
  return p.commitIndex !== undefined && p.commitIndex > 0 ? { ...p, commitIndex: Math.max(p.commitIndex, commit) } : p;
}

/** A copy of a WAL (records are never mutated once written, so the lists are copied, not the records). */
function cloneWal(w: Wal<Command>): Wal<Command> {
  const c = Object.create(Wal.prototype) as Wal<Command>;
  const from = w as unknown as { done: unknown[]; inProgress: unknown[]; base: PersistentState<Command> };
  Object.assign(c, { done: from.done.slice(), inProgress: from.inProgress.slice(), base: from.base });
  return c;
}

/** The ConfChange of a membership request (etcd raftpb.ConfChangeV2; HOST13.md §3). @throws Error when it names no server */
export function confChangeOf(r: MemberRequest): ConfChange {
  const changes: ConfChangeSingle[] = [];
  if ('add' in r) changes.push({ type: r.learner ? 'addLearnerNode' : 'addNode', nodeId: r.add });
  else if ('promote' in r) changes.push({ type: 'addNode', nodeId: r.promote });
  else if ('remove' in r) changes.push({ type: 'removeNode', nodeId: r.remove });
  else {
    for (const id of r.change.add ?? []) changes.push({ type: 'addNode', nodeId: id });
    for (const id of r.change.learners ?? []) changes.push({ type: 'addLearnerNode', nodeId: id });
    for (const id of r.change.remove ?? []) changes.push({ type: 'removeNode', nodeId: id });
  }
  if (changes.length === 0) throw new Error('a membership change must name at least one server');
  return { changes };
}

/** The trace's words for a ConfChange: "+S4 +S5(learner) −S1". */
function memberDetail(c: ConfChange): string {
  return c.changes.map((x) => (x.type === 'removeNode' ? `−${x.nodeId}` : x.type === 'addLearnerNode' ? `+${x.nodeId} (learner)` : `+${x.nodeId}`)).join(' ');
}

const snapshotSizes = new WeakMap<Snapshot, number>();
const utf8 = new TextEncoder();

/**
 * A snapshot's size in bytes: the UTF-8 length of the canonical JSON of what it holds (index, term,
 * configuration and the KV state: revision, every key with createRevision, modRevision, version).
 * Computed once per snapshot (they never change).
 */
export function snapshotBytes(snap: Snapshot): number {
  let n = snapshotSizes.get(snap);
  if (n === undefined) {
    const data = snap.data as KvStateMachine | null;
    const kv = data && typeof (data as KvStateMachine).store === 'object' ? data.store.snapshot() : data;
    n = utf8.encode(JSON.stringify({ metadata: snap.metadata, kv })).length;
    snapshotSizes.set(snap, n);
  }
  return n;
}

/** etcd's name of a snapshot file: `%016x-%016x.snap` of its term and index (server/etcdserver/api/snap). */
function snapFileName(snap: Snapshot): string {
  const hex = (n: number) => n.toString(16).padStart(16, '0');
  return `${hex(snap.metadata.term)}-${hex(snap.metadata.index)}.snap`;
}

