/**
 * An {@link EtcdClient} over one in-memory etcd member: a KvStore, its Lessor (primary, as on a
 * leader) and a WatchHub, with a simulated clock that only moves when {@link MemoryEtcdServer.advance}
 * is called. For tests of etcdctl and the recipes, and for a console that runs before a cluster
 * is wired. Deterministic: lease IDs come from a seeded PRNG (seedrandom), keep-alives and lease
 * expiries happen at exact simulated times, watchers are served in ID order.
 *
 * Replies are synchronous: a request made from outside the server is served, and its
 * {@link Pending} settled, before the method returns. A request made from inside a callback (a
 * watch event, a reply's continuation, a keep-alive) waits in a queue until the work in progress
 * is done, then runs in the same call: one request at a time, in the order they were sent, so a
 * reaction never runs in the middle of another request (a watch would otherwise see a later event
 * before an earlier one).
 *
 * What is made up (there is no Raft log or disk here): the Raft term (fixed), the Raft index
 * (one entry per write request, after the initial configuration entries), and the db sizes
 * (20 kB of bbolt pages plus 4 KiB pages for the kept history).
 */
import seedrandom from 'seedrandom';
import {
  ERR_LEASE_NOT_FOUND,
  KvStore,
  Lessor,
  WatchHub,
  drawLeaseId,
  minLeaseTtlSeconds,
  type CompactionRequest,
  type KvResponse,
  type LeaseId,
  type RequestOp,
  type WatchCreateRequest,
  type WatchResponse,
} from '../kv';
import {
  EtcdClientError,
  type EtcdClient,
  type FullHeader,
  type KvResponseFor,
  type LeaseGrantResult,
  type LeaseKeepAliveResult,
  type LeaseLeasesResult,
  type LeaseTimeToLiveResult,
  type Member,
  type MemberAddResult,
  type MemberListResult,
  type StatusResult,
  type Subscription,
  type WatchEventsResult,
} from './client';
import { Pending } from './pending';
import { clientUrlFor, clusterIdFor, memberIdFor, memberIdFromPeerUrls, peerUrlFor, type MemberId } from './members';

/** The etcd version the simulated servers report (the etcdctl whose formats this module prints). */
export const ETCD_VERSION = '3.6.14';
/** The storage version of that etcd. */
export const STORAGE_VERSION = '3.6.0';
/** etcd's default backend quota (2 GiB). */
export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

/** rpctypes.ErrGRPCPeerURLExist. */
export const ERR_PEER_URL_EXIST = 'etcdserver: Peer URLs already exists';
/** rpctypes.ErrGRPCMemberNotFound. */
export const ERR_MEMBER_NOT_FOUND = 'etcdserver: member not found';
/** rpctypes.ErrGRPCMemberNotLearner. */
export const ERR_MEMBER_NOT_LEARNER = 'etcdserver: can only promote a learner member';
/** rpctypes.ErrGRPCLearnerNotReady. */
export const ERR_LEARNER_NOT_READY = 'etcdserver: can only promote a learner member which is in sync with leader';
/** rpctypes.ErrGRPCBadLeaderTransferee. */
export const ERR_BAD_LEADER_TRANSFEREE = 'etcdserver: bad leader transferee';
/** What clientv3 reports when an endpoint cannot be reached within the dial timeout. */
export const ERR_DEADLINE_EXCEEDED = 'context deadline exceeded';

/** Options of {@link MemoryEtcdServer}. */
export interface MemoryServerOptions {
  /** The member's name (default `S1`): its URLs are made up from it. */
  name?: string;
  /** Seed of the lease-ID PRNG (default `raftsim`). */
  seed?: string;
  /** Election timeout in ms (default etcd's 1000) and heartbeat (100): they set the minimum lease TTL. */
  electionTimeoutMs?: number;
  heartbeatMs?: number;
  /** Raft term reported in headers (default 2, what a fresh single-member etcd shows). */
  raftTerm?: number;
}

interface KeepAliveLoop {
  id: LeaseId;
  nextMs: number;
  onResponse: (r: LeaseKeepAliveResult) => void;
  onClose: () => void;
  closed: boolean;
}

/** See the module comment. */
export class MemoryEtcdServer {
  readonly store = new KvStore();
  readonly lessor = new Lessor();
  readonly hub = new WatchHub();
  readonly name: string;
  readonly memberId: MemberId;
  readonly clusterId: MemberId;
  readonly raftTerm: number;
  readonly minTtlSeconds: number;
  private now = 0;
  private raftIndex: number;
  private members: Member[];
  private readonly rng: () => number;
  private keepAlives: KeepAliveLoop[] = [];
  private watchers = new Map<number, (r: WatchResponse) => void>();
  private tasks: Array<() => void> = [];
  private draining = false;

  constructor(opts: MemoryServerOptions = {}) {
    this.name = opts.name ?? 'S1';
    this.memberId = memberIdFor(this.name);
    this.clusterId = clusterIdFor([this.memberId]);
    this.raftTerm = opts.raftTerm ?? 2;
    this.minTtlSeconds = minLeaseTtlSeconds(opts.electionTimeoutMs ?? 1000, opts.heartbeatMs ?? 100);
    this.members = [{ id: this.memberId, name: this.name, peerUrls: [peerUrlFor(this.name)], clientUrls: [clientUrlFor(this.name)], isLearner: false }];
    this.raftIndex = this.members.length + 1;
    const prng = seedrandom(opts.seed ?? 'raftsim');
    this.rng = () => prng.int32() >>> 0;
    this.lessor.promote(0, this.now);
  }

  /** The simulated clock, ms. */
  get nowMs(): number {
    return this.now;
  }

  /** The member's client URL (its only endpoint). */
  get endpoint(): string {
    return clientUrlFor(this.name);
  }

  /** A header as this member fills it. */
  header(revision = this.store.revision): FullHeader {
    return { clusterId: this.clusterId, memberId: this.memberId, revision, raftTerm: this.raftTerm };
  }

  /**
   * Runs `task` now, or, when called while a task is running (from a callback), after it and the
   * tasks queued before: the member serves one thing at a time, in order.
   */
  run(task: () => void): void {
    this.tasks.push(task);
    if (this.draining) return;
    this.draining = true;
    // a task throws only when a host's onSettle callback does: the queue is still emptied, then the first error goes on up
    let failed: { error: unknown } | null = null;
    for (let t = this.tasks.shift(); t; t = this.tasks.shift()) {
      try {
        t();
      } catch (e) {
        failed ??= { error: e };
      }
    }
    this.draining = false;
    if (failed) throw failed.error;
  }

  /** A client of this member. */
  client(): MemoryEtcdClient {
    return new MemoryEtcdClient(this, this.endpoint);
  }

  /** Applies one store request (as the applied log entry would), then serves the watchers. */
  apply(req: Parameters<KvStore['execute']>[0]): KvResponse {
    const before = this.store.revision;
    const resp = this.store.execute(req);
    if (resp.op !== 'error' && req.op !== 'range' && !(req.op === 'txn' && this.store.revision === before && isReadOnlyTxn(req))) this.raftIndex++;
    if (resp.op === 'leaseGrant') this.lessor.grant(resp.id, resp.ttl, this.now);
    if (resp.op === 'leaseRevoke' && req.op === 'leaseRevoke') this.lessor.revoke(req.id);
    if (this.store.revision !== before || resp.op === 'compact') this.serveWatchers();
    return resp;
  }

  /** Delivers pending watch responses, in watch-ID order. */
  serveWatchers(): void {
    for (const r of this.hub.poll(this.store)) {
      const cb = this.watchers.get(r.watchId);
      if (r.canceled) this.watchers.delete(r.watchId);
      cb?.(r);
    }
  }

  /** Draws a lease ID no lease has. */
  drawLeaseId(): LeaseId {
    return drawLeaseId(this.rng, (id) => this.store.hasLease(id));
  }

  /** Registers a watcher; the creation response (refused: `canceled` with a reason). */
  watch(req: WatchCreateRequest, cb: (r: WatchResponse) => void): WatchResponse {
    const created = this.hub.watch(this.store, req);
    if (!created.canceled) {
      this.watchers.set(created.watchId, cb);
      this.serveWatchers();
    }
    return created;
  }

  /** Cancels a watcher. */
  cancelWatch(watchId: number): void {
    if (this.watchers.delete(watchId)) this.hub.cancel(watchId, this.store);
  }

  /** Starts a client keep-alive loop (clientv3 sends one now, then every TTL/3). */
  startKeepAlive(id: LeaseId, onResponse: (r: LeaseKeepAliveResult) => void, onClose: () => void): Subscription {
    const loop: KeepAliveLoop = { id, nextMs: this.now, onResponse, onClose, closed: false };
    this.keepAlives.push(loop);
    this.runKeepAlive(loop);
    return {
      cancel: () => {
        if (loop.closed) return;
        loop.closed = true;
        this.keepAlives = this.keepAlives.filter((l) => l !== loop);
        onClose();
      },
    };
  }

  private runKeepAlive(loop: KeepAliveLoop): void {
    const r = this.lessor.keepAlive(loop.id, this.now);
    const ttl = 'ttl' in r ? r.ttl : 0;
    if (ttl <= 0) {
      loop.closed = true;
      this.keepAlives = this.keepAlives.filter((l) => l !== loop);
      loop.onClose();
      return;
    }
    loop.nextMs = this.now + Math.floor((ttl * 1000) / 3);
    loop.onResponse({ header: this.header(), id: loop.id, ttl });
  }

  /**
   * Moves the clock `ms` forward, running every keep-alive and lease expiry that falls due, in time
   * order (keep-alives first at equal times, as a client renewing just in time keeps its lease).
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance: ${ms} is not a non-negative number of ms`);
    if (this.draining) throw new Error('advance: called from inside a request or a callback; move the clock between requests');
    const target = this.now + ms;
    for (;;) {
      const ka = this.keepAlives.reduce<KeepAliveLoop | null>((a, l) => (a === null || l.nextMs < a.nextMs ? l : a), null);
      const exp = this.lessor.nextDeadlineMs();
      const tKa = ka ? ka.nextMs : Infinity;
      const tExp = exp ?? Infinity;
      const t = Math.min(tKa, tExp);
      if (t > target) break;
      this.now = Math.max(this.now, t);
      // one task per due item: the requests its callbacks send are served at this time, before the next item
      this.run(() => {
        if (ka && tKa <= tExp) this.runKeepAlive(ka);
        else for (const id of this.lessor.expired(this.now)) this.apply({ op: 'leaseRevoke', id });
      });
    }
    this.now = target;
  }

  /** The members (copies), ascending by ID as etcd lists them (membership RaftCluster.Members). */
  memberList(): Member[] {
    return [...this.members].sort((a, b) => (a.id < b.id ? -1 : 1)).map((m) => ({ ...m, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls] }));
  }

  /** etcd MemberAdd: an unstarted member (no name, no client URLs) with an ID from its peer URLs. */
  memberAdd(peerUrls: string[], isLearner: boolean): Member {
    if (this.members.some((m) => m.peerUrls.some((u) => peerUrls.includes(u)))) throw new EtcdClientError(ERR_PEER_URL_EXIST);
    const m: Member = { id: memberIdFromPeerUrls(peerUrls), name: '', peerUrls: [...peerUrls], clientUrls: [], isLearner };
    this.members.push(m);
    this.raftIndex++;
    return { ...m };
  }

  memberRemove(id: MemberId): void {
    if (!this.members.some((m) => m.id === id)) throw new EtcdClientError(ERR_MEMBER_NOT_FOUND);
    this.members = this.members.filter((m) => m.id !== id);
    this.raftIndex++;
  }

  memberPromote(id: MemberId): void {
    const m = this.members.find((x) => x.id === id);
    if (!m) throw new EtcdClientError(ERR_MEMBER_NOT_FOUND);
    if (!m.isLearner) throw new EtcdClientError(ERR_MEMBER_NOT_LEARNER);
    if (m.name === '') throw new EtcdClientError(ERR_LEARNER_NOT_READY);
    m.isLearner = false;
    this.raftIndex++;
  }

  /** Maintenance.Status of this member. */
  status(): StatusResult {
    let historyBytes = 0;
    let liveBytes = 0;
    const dump = this.store.dump();
    for (const k of dump.keys) {
      for (const v of k.versions) historyBytes += 64 + k.key.length + (v.kv?.value.length ?? 0);
      const last = k.versions[k.versions.length - 1];
      if (last?.kv) liveBytes += 64 + k.key.length + last.kv.value.length;
    }
    const page = (n: number): number => Math.ceil(n / 4096) * 4096;
    const dbSize = 20480 + page(historyBytes);
    return {
      header: this.header(),
      version: ETCD_VERSION,
      dbSize,
      leader: this.memberId,
      raftIndex: this.raftIndex,
      raftTerm: this.raftTerm,
      raftAppliedIndex: this.raftIndex,
      errors: [],
      dbSizeInUse: 16384 + page(liveBytes),
      isLearner: false,
      storageVersion: STORAGE_VERSION,
      dbSizeQuota: DEFAULT_QUOTA_BYTES,
      downgradeInfo: { enabled: false, targetVersion: '' },
    };
  }
}

function isReadOnlyTxn(req: { op: string; success?: unknown[]; failure?: unknown[] }): boolean {
  const ro = (ops: unknown[] = []): boolean => ops.every((o) => (o as { op: string }).op === 'range' || ((o as { op: string }).op === 'txn' && isReadOnlyTxn(o as never)));
  return ro(req.success) && ro(req.failure);
}

/** A client connected to one {@link MemoryEtcdServer} endpoint (see the module comment). */
export class MemoryEtcdClient implements EtcdClient {
  constructor(
    readonly server: MemoryEtcdServer,
    private readonly endpoint: string,
  ) {}

  private check(): void {
    if (this.endpoint !== this.server.endpoint) throw new EtcdClientError(ERR_DEADLINE_EXCEEDED);
  }

  /** Serves `f` as one task of the member (see {@link MemoryEtcdServer.run}); what it throws rejects. */
  private request<T>(f: () => T): Pending<T> {
    const d = Pending.deferred<T>();
    this.server.run(() => {
      let v: T;
      try {
        v = f();
      } catch (e) {
        d.reject(e);
        return;
      }
      d.resolve(v);
    });
    return d.pending;
  }

  endpoints(): string[] {
    return [this.endpoint];
  }

  at(endpoint: string): EtcdClient {
    return new MemoryEtcdClient(this.server, endpoint);
  }

  nowMs(): number {
    return this.server.nowMs;
  }

  kv<R extends RequestOp | CompactionRequest>(req: R): Pending<KvResponseFor<R>> {
    return this.request(() => {
      this.check();
      const resp = this.server.apply(req);
      if (resp.op === 'error') throw new EtcdClientError(resp.error);
      return { ...resp, header: this.server.header(resp.header.revision) } as unknown as KvResponseFor<R>;
    });
  }

  leaseGrant(ttlSeconds: number): Pending<LeaseGrantResult> {
    return this.request(() => {
      this.check();
      const ttl = Math.max(ttlSeconds, this.server.minTtlSeconds);
      const resp = this.server.apply({ op: 'leaseGrant', id: this.server.drawLeaseId(), ttl });
      if (resp.op === 'error') throw new EtcdClientError(resp.error);
      if (resp.op !== 'leaseGrant') throw new Error('leaseGrant: unexpected response');
      return { header: this.server.header(resp.header.revision), id: resp.id, ttl: resp.ttl };
    });
  }

  leaseRevoke(id: LeaseId): Pending<{ header: FullHeader }> {
    return this.request(() => {
      this.check();
      const resp = this.server.apply({ op: 'leaseRevoke', id });
      if (resp.op === 'error') throw new EtcdClientError(resp.error);
      return { header: this.server.header(resp.header.revision) };
    });
  }

  leaseKeepAliveOnce(id: LeaseId): Pending<LeaseKeepAliveResult> {
    return this.request(() => {
      this.check();
      const r = this.server.lessor.keepAlive(id, this.server.nowMs);
      // clientv3 KeepAliveOnce: a TTL <= 0 answer is ErrLeaseNotFound
      if (!('ttl' in r) || r.ttl <= 0) throw new EtcdClientError(ERR_LEASE_NOT_FOUND);
      return { header: this.server.header(), id, ttl: r.ttl };
    });
  }

  leaseKeepAlive(id: LeaseId, onResponse: (r: LeaseKeepAliveResult) => void, onClose: () => void): Pending<Subscription> {
    return this.request(() => {
      this.check();
      return this.server.startKeepAlive(id, onResponse, onClose);
    });
  }

  leaseTimeToLive(id: LeaseId, keys: boolean): Pending<LeaseTimeToLiveResult> {
    return this.request(() => {
      this.check();
      const r = this.server.lessor.timeToLive(id, this.server.nowMs);
      const info = this.server.store.lease(id);
      const ttl = 'ttl' in r ? r.ttl : -1;
      const grantedTtl = 'grantedTtl' in r ? r.grantedTtl : 0;
      return { header: this.server.header(), id, ttl: info ? ttl : -1, grantedTtl: info ? grantedTtl : 0, keys: keys && info ? info.keys : [] };
    });
  }

  /** Lease.Leases as etcd answers it: sorted by expiry on this member's lessor (lessor.Leases, leasesByExpiry), ties by ID. */
  leaseLeases(): Pending<LeaseLeasesResult> {
    return this.request(() => {
      this.check();
      const now = this.server.nowMs;
      const left = (id: LeaseId): number => this.server.lessor.remainingMs(id, now) ?? Infinity;
      const ids = this.server.store.leases().map((l) => l.id).sort((a, b) => left(a) - left(b) || (a < b ? -1 : 1));
      return { header: this.server.header(), leases: ids.map((id) => ({ id })) };
    });
  }

  watch(req: WatchCreateRequest, onEvents: (r: WatchEventsResult) => void): Pending<Subscription> {
    return this.request(() => {
      this.check();
      let cancelled = false;
      const created = this.server.watch(req, (r) => {
        if (cancelled) return;
        onEvents({
          header: this.server.header(r.header.revision),
          events: r.events,
          ...(r.canceled ? { canceled: true, cancelReason: r.cancelReason, ...(r.compactRevision !== undefined ? { compactRevision: r.compactRevision } : {}) } : {}),
        });
      });
      if (created.canceled) {
        // clientv3 delivers a refused creation as a canceled response on the channel
        onEvents({ header: this.server.header(created.header.revision), events: [], canceled: true, cancelReason: created.cancelReason, compactRevision: this.server.store.oldestEventRevision });
        return { cancel: () => {} };
      }
      const watchId = created.watchId;
      return {
        cancel: () => {
          cancelled = true;
          this.server.cancelWatch(watchId);
        },
      };
    });
  }

  private list(): MemberListResult {
    return { header: { ...this.server.header(), revision: 0 }, members: this.server.memberList() };
  }

  memberList(): Pending<MemberListResult> {
    return this.request(() => {
      this.check();
      return this.list();
    });
  }

  memberAdd(peerUrls: string[], isLearner: boolean): Pending<MemberAddResult> {
    return this.request(() => {
      this.check();
      const member = this.server.memberAdd(peerUrls, isLearner);
      return { ...this.list(), member };
    });
  }

  memberRemove(id: MemberId): Pending<MemberListResult> {
    return this.request(() => {
      this.check();
      this.server.memberRemove(id);
      return this.list();
    });
  }

  memberPromote(id: MemberId): Pending<MemberListResult> {
    return this.request(() => {
      this.check();
      this.server.memberPromote(id);
      return this.list();
    });
  }

  status(endpoint: string): Pending<StatusResult> {
    return this.request(() => {
      if (endpoint !== this.server.endpoint) throw new EtcdClientError(ERR_DEADLINE_EXCEEDED);
      return this.server.status();
    });
  }

  moveLeader(target: MemberId): Pending<{ header: FullHeader }> {
    return this.request(() => {
      this.check();
      const m = this.server.memberList().find((x) => x.id === target);
      if (!m || m.isLearner) throw new EtcdClientError(ERR_BAD_LEADER_TRANSFEREE);
      if (target !== this.server.memberId) throw new EtcdClientError('etcdserver: request timed out, leader transfer took too long');
      return { header: this.server.header() };
    });
  }
}
