/**
 * A fake engine for the etcdctl tests: a synchronous discrete-event loop shaped like src/sim's
 * (a queue of events ordered by simulated time, then by the order they were scheduled;
 * `advance(untilMs)` handles every event due in one call), and an {@link EtcdClient} on top of it
 * that does what the README asks of the engine host: a request is a message that reaches the
 * member after `latencyMs`, the member (a MemoryEtcdServer) serves it, and the reply reaches the
 * client `latencyMs` later, in an event whose handler settles the request's Pending. Watch events
 * and keep-alive answers travel the same way. Everything a client sends is logged with the index
 * of the event it was sent in.
 */
import {
  MemoryEtcdServer,
  Pending,
  type EtcdClient,
  type LeaseKeepAliveResult,
  type MemoryEtcdClient,
  type Subscription,
  type WatchEventsResult,
} from '../src/etcdctl';
import type { CompactionRequest, LeaseId, RequestOp, WatchCreateRequest } from '../src/kv';

interface EngineEvent {
  atMs: number;
  seq: number;
  run: () => void;
}

/** See the module comment. */
export class FakeEngine {
  readonly server: MemoryEtcdServer;
  private clockMs = 0;
  private moving = false;
  /** Index of the event being handled (-1 outside any event). */
  current = -1;
  /** `#<event> @<ms>ms <what>` for every request sent and every line noted. */
  readonly log: string[] = [];
  private handled = 0;
  private seq = 0;
  private queue: EngineEvent[] = [];

  constructor(readonly latencyMs = 1) {
    this.server = new MemoryEtcdServer();
  }

  /** Queues `run` at `atMs` (not before now). */
  at(atMs: number, run: () => void): void {
    if (atMs < this.nowMs) throw new Error(`event at ${atMs} ms is in the past (now ${this.nowMs} ms)`);
    this.queue.push({ atMs, seq: this.seq++, run });
    this.queue.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  }

  /** Queues `run` `delayMs` from now. */
  after(delayMs: number, run: () => void): void {
    this.at(this.nowMs + delayMs, run);
  }

  /** Appends `#<event> @<ms>ms text` to the log. */
  note(text: string): void {
    this.log.push(`#${this.current} @${this.nowMs}ms ${text}`);
  }

  /** Whether no event is queued. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Simulated time, ms (while the member's own clock moves: the time of its keep-alive tick or lease expiry). */
  get nowMs(): number {
    return this.moving ? this.server.nowMs : this.clockMs;
  }

  /**
   * As src/sim's advance: handles, in this one call, every event due at or before `untilMs`
   * (events those handlers queue included), then moves the clock to `untilMs`.
   */
  advance(untilMs: number): void {
    for (;;) {
      const head = this.queue[0];
      const target = Math.min(head ? head.atMs : Infinity, untilMs);
      if (!Number.isFinite(target)) return;
      if (this.server.nowMs < target) this.tick(target);
      else if (head && head.atMs <= untilMs) this.handle(this.queue.shift()!);
      else {
        this.clockMs = Math.max(this.clockMs, untilMs);
        return;
      }
    }
  }

  /** Handles the next event only (moving the clock to it); false if there is none. */
  step(): boolean {
    for (;;) {
      const head = this.queue[0];
      if (!head) return false;
      if (this.server.nowMs < head.atMs) this.tick(head.atMs);
      else {
        this.handle(this.queue.shift()!);
        return true;
      }
    }
  }

  /** A client named `name` (the log says who sent what). */
  client(name: string): EtcdClient {
    return new FakeClient(this, name, this.server.client());
  }

  /**
   * Moves the member's clock towards `targetMs` by at most one latency, so that what its own
   * timers send (keep-alive answers, lease expiries seen by watches) is queued no earlier than
   * the end of the move, in time order with the other events.
   */
  private tick(targetMs: number): void {
    this.moving = true;
    try {
      this.server.advance(Math.min(this.latencyMs, targetMs - this.server.nowMs));
    } finally {
      this.moving = false;
    }
    this.clockMs = this.server.nowMs;
  }

  private handle(ev: EngineEvent): void {
    this.clockMs = ev.atMs;
    this.current = this.handled++;
    try {
      ev.run();
    } finally {
      this.current = -1;
    }
  }
}

/** A short, readable form of a KV request for the log. */
export function describeRequest(req: RequestOp | CompactionRequest): string {
  switch (req.op) {
    case 'range': {
      const opts = [
        req.rangeEnd !== undefined ? `end=${req.rangeEnd}` : '',
        req.maxCreateRevision !== undefined ? `maxCreateRevision=${req.maxCreateRevision}` : '',
        req.sortTarget !== undefined ? `sort=${req.sortTarget}/${req.sortOrder ?? 'NONE'}` : '',
        req.limit !== undefined ? `limit=${req.limit}` : '',
      ].filter((x) => x !== '');
      return `Range ${req.key}${opts.length > 0 ? ` ${opts.join(' ')}` : ''}`;
    }
    case 'put':
      return `Put ${req.key}${req.lease !== undefined ? ` lease=${req.lease}` : ''}`;
    case 'deleteRange':
      return `DeleteRange ${req.key}`;
    case 'txn':
      return `Txn if ${req.compare.map((c) => `${c.target}(${c.key}) ${c.result} ${String(c.value)}`).join(', ')} then [${req.success.map((o) => describeRequest(o)).join('; ')}] else [${req.failure.map((o) => describeRequest(o)).join('; ')}]`;
    default:
      return req.op;
  }
}

class FakeClient implements EtcdClient {
  constructor(
    private readonly engine: FakeEngine,
    private readonly name: string,
    private readonly inner: MemoryEtcdClient | EtcdClient,
  ) {}

  endpoints(): string[] {
    return this.inner.endpoints();
  }

  at(endpoint: string): EtcdClient {
    return new FakeClient(this.engine, this.name, this.inner.at(endpoint));
  }

  nowMs(): number {
    return this.engine.nowMs;
  }

  /** Delivers `f` to this client `latencyMs` from now, in an event of its own. */
  private deliver(f: () => void): void {
    this.engine.after(this.engine.latencyMs, f);
  }

  /**
   * Sends `what`: `serve` runs on the member when the request arrives; its answer comes back as a
   * reply event that settles the returned Pending. `afterReply` runs right after the reply is
   * scheduled, on the member (to send watch events after the created response).
   */
  private send<T>(what: string, serve: () => Pending<T>, afterReply?: () => void): Pending<T> {
    const d = Pending.deferred<T>();
    this.engine.note(`${this.name} sends ${what}`);
    this.deliver(() => {
      serve().then(
        (v) => this.deliver(() => d.resolve(v)),
        (e) => this.deliver(() => d.reject(e)),
      );
      afterReply?.();
    });
    return d.pending;
  }

  kv<R extends RequestOp | CompactionRequest>(req: R) {
    return this.send(describeRequest(req), () => this.inner.kv(req));
  }

  leaseGrant(ttlSeconds: number) {
    return this.send(`LeaseGrant ${ttlSeconds}`, () => this.inner.leaseGrant(ttlSeconds));
  }

  leaseRevoke(id: LeaseId) {
    return this.send(`LeaseRevoke ${id}`, () => this.inner.leaseRevoke(id));
  }

  leaseKeepAliveOnce(id: LeaseId) {
    return this.send(`LeaseKeepAlive once ${id}`, () => this.inner.leaseKeepAliveOnce(id));
  }

  leaseKeepAlive(id: LeaseId, onResponse: (r: LeaseKeepAliveResult) => void, onClose: () => void): Pending<Subscription> {
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      onClose();
    };
    return this.send(`LeaseKeepAlive ${id}`, () =>
      this.inner.leaseKeepAlive(
        id,
        (r) => this.deliver(() => !closed && onResponse(r)),
        () => this.deliver(close),
      ),
    ).then((sub) => ({
      cancel: () => {
        sub.cancel();
        close();
      },
    }));
  }

  leaseTimeToLive(id: LeaseId, keys: boolean) {
    return this.send(`LeaseTimeToLive ${id}`, () => this.inner.leaseTimeToLive(id, keys));
  }

  leaseLeases() {
    return this.send('LeaseLeases', () => this.inner.leaseLeases());
  }

  watch(req: WatchCreateRequest, onEvents: (r: WatchEventsResult) => void): Pending<Subscription> {
    let cancelled = false;
    let created = false;
    const early: WatchEventsResult[] = [];
    const forward = (r: WatchEventsResult): void =>
      this.deliver(() => {
        if (cancelled) return;
        this.engine.note(`${this.name} receives ${r.events.map((e) => `${e.type} ${e.kv.key}`).join(', ') || (r.canceled ? 'cancel' : 'nothing')}`);
        onEvents(r);
      });
    return this.send(
      `Watch ${req.key}${req.rangeEnd !== undefined ? ` end=${req.rangeEnd}` : ''} from ${req.startRevision ?? 0}`,
      () =>
        this.inner.watch(req, (r) => {
          if (created) forward(r);
          else early.push(r);
        }),
      () => {
        // etcd answers "created" first, then the events the watch has from its start revision
        created = true;
        for (const r of early.splice(0)) forward(r);
      },
    ).then((sub) => ({
      cancel: () => {
        cancelled = true;
        sub.cancel();
      },
    }));
  }

  memberList(opts?: { serializable?: boolean }) {
    return this.send('MemberList', () => this.inner.memberList(opts));
  }

  memberAdd(peerUrls: string[], isLearner: boolean) {
    return this.send('MemberAdd', () => this.inner.memberAdd(peerUrls, isLearner));
  }

  memberRemove(id: string) {
    return this.send('MemberRemove', () => this.inner.memberRemove(id));
  }

  memberPromote(id: string) {
    return this.send('MemberPromote', () => this.inner.memberPromote(id));
  }

  status(endpoint: string) {
    return this.send(`Status ${endpoint}`, () => this.inner.status(endpoint));
  }

  moveLeader(target: string) {
    return this.send(`MoveLeader ${target}`, () => this.inner.moveLeader(target));
  }
}
