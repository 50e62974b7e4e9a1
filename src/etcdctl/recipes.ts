/**
 * etcd's concurrency recipes over an {@link EtcdClient}, step for step as etcd's client library
 * does them (go.etcd.io/etcd/client/v3/concurrency session.go, mutex.go, key.go, election.go, and
 * client/v3/experimental/recipes queue.go, key.go):
 *
 * - **Session**: a lease (default TTL 60 s) kept alive by the client; `done` resolves when the
 *   keep-alive loop ends (the lease expired or was revoked, or the session was orphaned).
 * - **Mutex** (lock): the key `<name>/<lease id in hex>` is created in a txn guarded by
 *   `createRevision(key) = 0` and attached to the session lease; the holder is the key of the
 *   prefix with the lowest createRevision; a waiter watches only the key created just before its
 *   own (waitDeletes: the last key with createRevision < its own), so a release wakes one waiter
 *   (no herd). Losing the session lease deletes the key and so releases the lock.
 * - **Election**: campaign creates `<name>/<lease id>` the same way (value: the proposal) and waits
 *   for the keys before it; proclaim updates the value if still leader; resign deletes the key;
 *   observe reports the leader (the lowest createRevision) and every change of its value.
 * - **Queue**: enqueue puts `<prefix>/<sequence of 16 digits>` (newSequentialKV: the next number
 *   after the last key, guarded by a compare on `__<prefix>`); dequeue takes the key with the
 *   lowest modRevision and deletes it in a txn guarded by `modRevision(key) = its modRevision`, so
 *   only one consumer gets each item; with nothing queued it waits for a PUT under the prefix.
 *
 * Cancellation is by AbortSignal (Go's context): an aborted wait rejects with
 * {@link CONTEXT_CANCELED}. Nothing here reads a clock or draws randomness.
 */
import { FROM_KEY_END, prefixEnd, type KeyValue, type LeaseId } from '../kv';
import { EtcdClientError, type EtcdClient, type FullHeader, type Subscription } from './client';

/** Go's context.Canceled text. */
export const CONTEXT_CANCELED = 'context canceled';
/** concurrency.ErrSessionExpired. */
export const ERR_SESSION_EXPIRED = 'mutex: session is expired';
/** concurrency.ErrLockReleased. */
export const ERR_LOCK_RELEASED = 'mutex: lock has already been released';
/** concurrency.ErrElectionNotLeader. */
export const ERR_ELECTION_NOT_LEADER = 'election: not leader';
/** concurrency.ErrElectionNoLeader. */
export const ERR_ELECTION_NO_LEADER = 'election: no leader';

/** concurrency.defaultSessionTTL, seconds. */
export const DEFAULT_SESSION_TTL = 60;

function aborted(signal?: AbortSignal): never | void {
  if (signal?.aborted) throw new EtcdClientError(CONTEXT_CANCELED);
}

/** A prefix range `{key, rangeEnd}` (clientv3 WithPrefix). */
function prefix(p: string): { key: string; rangeEnd: string } {
  return p === '' ? { key: '\0', rangeEnd: FROM_KEY_END } : { key: p, rangeEnd: prefixEnd(p) };
}

/** concurrency.Session: a lease kept alive until it expires, is revoked or the session is closed. */
export class Session {
  private sub: Subscription | null = null;
  private resolveDone!: () => void;
  private closed = false;
  /** Resolves when the keep-alive loop has ended (concurrency Session.Done). */
  readonly done: Promise<void>;

  private constructor(
    readonly client: EtcdClient,
    readonly lease: LeaseId,
    readonly ttl: number,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** concurrency.NewSession: grants a lease of `ttl` seconds (or uses `lease`) and starts keeping it alive. */
  static async create(client: EtcdClient, opts: { ttl?: number; lease?: LeaseId } = {}): Promise<Session> {
    const ttl = opts.ttl !== undefined && opts.ttl > 0 ? opts.ttl : DEFAULT_SESSION_TTL;
    const id = opts.lease ?? (await client.leaseGrant(ttl)).id;
    const s = new Session(client, id, ttl);
    s.sub = await client.leaseKeepAlive(id, () => {}, () => s.finish());
    return s;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.resolveDone();
  }

  /** Whether the keep-alive loop has ended. */
  get isDone(): boolean {
    return this.closed;
  }

  /** Session.Orphan: stops keeping the lease alive (it expires after its TTL). */
  orphan(): void {
    this.sub?.cancel();
    this.finish();
  }

  /** Session.Close: orphans the session and revokes the lease (its keys are deleted at once). */
  async close(): Promise<void> {
    this.orphan();
    await this.client.leaseRevoke(this.lease);
  }
}

/**
 * Watches `key` from revision `rev` until a DELETE event (concurrency waitDelete). Rejects with
 * {@link CONTEXT_CANCELED} when `signal` aborts, or with the server's reason when the watch is
 * cancelled (compaction).
 */
export function waitDelete(client: EtcdClient, key: string, rev: number, signal?: AbortSignal, onWatch?: (key: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let sub: Subscription | null = null;
    let settled = false;
    const end = (err?: Error): void => {
      if (settled) return;
      settled = true;
      sub?.cancel();
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = (): void => end(new EtcdClientError(CONTEXT_CANCELED));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    onWatch?.(key);
    client
      .watch({ key, startRevision: rev }, (r) => {
        if (r.events.some((e) => e.type === 'DELETE')) end();
        else if (r.canceled) end(new EtcdClientError(r.cancelReason ?? 'lost watcher waiting for delete'));
      })
      .then((s) => {
        sub = s;
        if (settled) s.cancel();
      }, (e) => end(e as Error));
  });
}

/**
 * concurrency waitDeletes: until no key under `pfx` has createRevision <= `maxCreateRev`, waits
 * for the deletion of the last such key (the one just before the caller's): one watch at a time.
 */
export async function waitDeletes(client: EtcdClient, pfx: string, maxCreateRev: number, signal?: AbortSignal, onWatch?: (key: string) => void): Promise<void> {
  for (;;) {
    aborted(signal);
    const resp = await client.kv({ op: 'range', ...prefix(pfx), sortTarget: 'CREATE', sortOrder: 'DESCEND', limit: 1, maxCreateRevision: maxCreateRev });
    if (resp.kvs.length === 0) return;
    await waitDelete(client, resp.kvs[0].key, resp.header.revision, signal, onWatch);
  }
}

/** concurrency.Mutex. */
export class Mutex {
  private readonly pfx: string;
  private myKey = '';
  private myRev = -1;
  /** The header of the response that granted the lock (Mutex.Header). */
  header: FullHeader | null = null;
  /** Keys this mutex watched while waiting, in order (to show there is no herd: one key per wait). */
  readonly watched: string[] = [];

  constructor(
    readonly session: Session,
    name: string,
  ) {
    this.pfx = `${name}/`;
  }

  /** The lock key `<name>/<lease id>` (Mutex.Key), '' before the first try. */
  get key(): string {
    return this.myKey;
  }

  /** The createRevision of the lock key (-1 when not held or waiting). */
  get revision(): number {
    return this.myRev;
  }

  private async tryAcquire(): Promise<{ acquired: boolean; header: FullHeader }> {
    const c = this.session.client;
    this.myKey = `${this.pfx}${BigInt(`0x${this.session.lease}`).toString(16)}`;
    const getOwner = { op: 'range' as const, ...prefix(this.pfx), sortTarget: 'CREATE' as const, sortOrder: 'ASCEND' as const, limit: 1 };
    const resp = await c.kv({
      op: 'txn',
      compare: [{ key: this.myKey, target: 'createRevision', result: '=', value: 0 }],
      success: [{ op: 'put', key: this.myKey, value: '', lease: this.session.lease }, getOwner],
      failure: [{ op: 'range', key: this.myKey }, getOwner],
    });
    this.myRev = resp.header.revision;
    if (!resp.succeeded) this.myRev = (resp.responses[0] as { kvs: KeyValue[] }).kvs[0].createRevision;
    const owner = (resp.responses[1] as { kvs: KeyValue[] }).kvs;
    return { acquired: owner.length === 0 || owner[0].createRevision === this.myRev, header: resp.header };
  }

  /**
   * Mutex.Lock: resolves when this session holds the lock. If `signal` aborts while waiting, the
   * waiting key is deleted and the promise rejects with {@link CONTEXT_CANCELED}; if the session
   * lease is lost while waiting, rejects with {@link ERR_SESSION_EXPIRED}.
   */
  async lock(signal?: AbortSignal): Promise<void> {
    const { acquired, header } = await this.tryAcquire();
    if (acquired) {
      this.header = header;
      return;
    }
    const c = this.session.client;
    try {
      await waitDeletes(c, this.pfx, this.myRev - 1, signal, (k) => this.watched.push(k));
    } catch (e) {
      await this.unlock().catch(() => {});
      throw e;
    }
    if (signal?.aborted) {
      // etcd: the Get with the cancelled context fails, and Lock unlocks before returning the error
      await this.unlock().catch(() => {});
      throw new EtcdClientError(CONTEXT_CANCELED);
    }
    const g = await c.kv({ op: 'range', key: this.myKey });
    if (g.kvs.length === 0) throw new EtcdClientError(ERR_SESSION_EXPIRED);
    this.header = g.header;
  }

  /** Mutex.Unlock: deletes the lock key. Rejects with {@link ERR_LOCK_RELEASED} if not held. */
  async unlock(): Promise<void> {
    if (this.myKey === '' || this.myRev <= 0 || this.myKey === '\0') throw new EtcdClientError(ERR_LOCK_RELEASED);
    await this.session.client.kv({ op: 'deleteRange', key: this.myKey });
    this.myKey = '\0';
    this.myRev = -1;
  }
}

/** A leader as Election.Observe reports it: the leader key-value and the header it was read at. */
export interface LeaderView {
  header: FullHeader;
  kv: KeyValue;
}

/** concurrency.Election. */
export class Election {
  private readonly pfx: string;
  private leaderKey = '';
  private leaderRev = 0;
  private leader: Session | null = null;
  /** The header of the last campaign / proclaim / resign response. */
  header: FullHeader | null = null;

  constructor(
    readonly session: Session,
    name: string,
  ) {
    this.pfx = `${name}/`;
  }

  /** This candidate's key (Election.Key), '' when not campaigning. */
  get key(): string {
    return this.leaderKey;
  }

  /**
   * Election.Campaign: puts `<name>/<lease id>` = `value` if absent (else proclaims `value`), then
   * waits until every key created before it is gone. Aborting `signal` resigns and rejects with
   * {@link CONTEXT_CANCELED}.
   */
  async campaign(value: string, signal?: AbortSignal): Promise<void> {
    const c = this.session.client;
    const k = `${this.pfx}${BigInt(`0x${this.session.lease}`).toString(16)}`;
    const resp = await c.kv({
      op: 'txn',
      compare: [{ key: k, target: 'createRevision', result: '=', value: 0 }],
      success: [{ op: 'put', key: k, value, lease: this.session.lease }],
      failure: [{ op: 'range', key: k }],
    });
    this.leaderKey = k;
    this.leaderRev = resp.header.revision;
    this.leader = this.session;
    if (!resp.succeeded) {
      const kv = (resp.responses[0] as { kvs: KeyValue[] }).kvs[0];
      this.leaderRev = kv.createRevision;
      if (kv.value !== value) {
        try {
          await this.proclaim(value);
        } catch (e) {
          await this.resign().catch(() => {});
          throw e;
        }
      }
    }
    try {
      await waitDeletes(c, this.pfx, this.leaderRev - 1, signal);
    } catch (e) {
      if (signal?.aborted) await this.resign().catch(() => {});
      else this.leader = null;
      throw e;
    }
    this.header = resp.header;
  }

  /** Election.Proclaim: a new value without a new election; rejects with {@link ERR_ELECTION_NOT_LEADER} if no longer leader. */
  async proclaim(value: string): Promise<void> {
    if (!this.leader) throw new EtcdClientError(ERR_ELECTION_NOT_LEADER);
    const r = await this.session.client.kv({
      op: 'txn',
      compare: [{ key: this.leaderKey, target: 'createRevision', result: '=', value: this.leaderRev }],
      success: [{ op: 'put', key: this.leaderKey, value, lease: this.leader.lease }],
      failure: [],
    });
    if (!r.succeeded) {
      this.leaderKey = '';
      throw new EtcdClientError(ERR_ELECTION_NOT_LEADER);
    }
    this.header = r.header;
  }

  /** Election.Resign: deletes this candidate's key if it is still the one it created. */
  async resign(): Promise<void> {
    if (!this.leader) return;
    const r = await this.session.client.kv({
      op: 'txn',
      compare: [{ key: this.leaderKey, target: 'createRevision', result: '=', value: this.leaderRev }],
      success: [{ op: 'deleteRange', key: this.leaderKey }],
      failure: [],
    });
    this.header = r.header;
    this.leaderKey = '';
    this.leader = null;
  }

  /** Election.Leader: the current leader's key-value; rejects with {@link ERR_ELECTION_NO_LEADER}. */
  async currentLeader(): Promise<LeaderView> {
    const r = await this.session.client.kv({ op: 'range', ...prefix(this.pfx), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 });
    if (r.kvs.length === 0) throw new EtcdClientError(ERR_ELECTION_NO_LEADER);
    return { header: r.header, kv: r.kvs[0] };
  }

  /**
   * Election.Observe: calls `onLeader` with the leader now (or, if there is none, the first one
   * elected), every new value it proclaims, and each next leader after it resigns or its lease
   * ends. Runs until `signal` aborts (resolves) or a watch is cancelled by the server (rejects).
   */
  async observe(onLeader: (v: LeaderView) => void, signal: AbortSignal): Promise<void> {
    const c = this.session.client;
    for (;;) {
      if (signal.aborted) return;
      const r = await c.kv({ op: 'range', ...prefix(this.pfx), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 });
      let view: LeaderView;
      if (r.kvs.length === 0) {
        const first = await nextEvent(c, { ...prefix(this.pfx), startRevision: r.header.revision }, (e) => e.type === 'PUT', signal);
        if (!first) return;
        view = { header: { ...first.header, revision: first.kv.modRevision }, kv: first.kv };
      } else view = { header: r.header, kv: r.kvs[0] };
      onLeader(view);
      // follow the leader key until it is deleted
      const gone = await followKey(c, view.kv.key, view.header.revision + 1, (v) => onLeader(v), signal);
      if (!gone) return;
    }
  }
}

/** The first event matching `pred` on a watch, or null if `signal` aborts first. */
function nextEvent(
  c: EtcdClient,
  req: { key: string; rangeEnd?: string; startRevision: number },
  pred: (e: { type: 'PUT' | 'DELETE' }) => boolean,
  signal: AbortSignal,
): Promise<{ header: FullHeader; kv: KeyValue } | null> {
  return new Promise((resolve, reject) => {
    let sub: Subscription | null = null;
    let settled = false;
    const end = (v: { header: FullHeader; kv: KeyValue } | null, err?: Error): void => {
      if (settled) return;
      settled = true;
      sub?.cancel();
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(v);
    };
    const onAbort = (): void => end(null);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    c.watch(req, (r) => {
      const e = r.events.find(pred);
      if (e) end({ header: r.header, kv: e.kv });
      else if (r.canceled) end(null, new EtcdClientError(r.cancelReason ?? 'watch canceled'));
    }).then((s) => {
      sub = s;
      if (settled) s.cancel();
    }, (e) => end(null, e as Error));
  });
}

/** Reports each PUT of `key` from `rev` on; resolves true at its DELETE, false if `signal` aborts. */
function followKey(c: EtcdClient, key: string, rev: number, onPut: (v: LeaderView) => void, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let sub: Subscription | null = null;
    let settled = false;
    const end = (v: boolean, err?: Error): void => {
      if (settled) return;
      settled = true;
      sub?.cancel();
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(v);
    };
    const onAbort = (): void => end(false);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    c.watch({ key, startRevision: rev }, (r) => {
      for (const e of r.events) {
        if (settled) return;
        if (e.type === 'DELETE') return end(true);
        onPut({ header: r.header, kv: e.kv });
      }
      if (r.canceled) end(false, new EtcdClientError(r.cancelReason ?? 'watch canceled'));
    }).then((s) => {
      sub = s;
      if (settled) s.cancel();
    }, (e) => end(false, e as Error));
  });
}

/** recipe.Queue: a FIFO under a key prefix (see the module comment). */
export class Queue {
  constructor(
    readonly client: EtcdClient,
    readonly keyPrefix: string,
  ) {}

  /**
   * Enqueue as recipe newSequentialKV: `<prefix>/<16-digit sequence>` after the last key, in a
   * txn that also bumps `__<prefix>` and holds only if nobody enqueued since the read (else it
   * retries). Resolves with the new key.
   */
  async enqueue(value: string): Promise<string> {
    for (;;) {
      const last = await this.client.kv({ op: 'range', ...prefix(this.keyPrefix), sortTarget: 'KEY', sortOrder: 'DESCEND', limit: 1 });
      let seq = 0;
      if (last.kvs.length > 0) {
        const fields = last.kvs[0].key.split('/');
        const n = /^\d+/.exec(fields[fields.length - 1]);
        if (!n) throw new EtcdClientError(`expected integer, got ${JSON.stringify(fields[fields.length - 1])}`);
        seq = Number(n[0]) + 1;
      }
      const key = `${this.keyPrefix}/${String(seq).padStart(16, '0')}`;
      const baseKey = `__${this.keyPrefix}`;
      const r = await this.client.kv({
        op: 'txn',
        compare: [{ key: baseKey, target: 'modRevision', result: '<', value: last.header.revision + 1 }],
        success: [{ op: 'put', key: baseKey, value: '' }, { op: 'put', key, value }],
        failure: [],
      });
      if (r.succeeded) return key;
    }
  }

  /**
   * Dequeue as recipe Queue.Dequeue: the item with the lowest modRevision, claimed by a txn that
   * deletes it only if its modRevision is unchanged (deleteRevKey); if another consumer won, tries
   * again; with an empty queue waits for the next PUT under the prefix. Rejects with
   * {@link CONTEXT_CANCELED} if `signal` aborts while waiting.
   */
  async dequeue(signal?: AbortSignal): Promise<KeyValue> {
    for (;;) {
      aborted(signal);
      const resp = await this.client.kv({ op: 'range', ...prefix(this.keyPrefix), sortTarget: 'MOD', sortOrder: 'ASCEND', limit: 1 });
      for (const kv of resp.kvs) if (await this.claim(kv)) return kv;
      if (resp.kvs.length > 0 || resp.more) continue;
      const ctl = new AbortController();
      const stop = (): void => ctl.abort();
      signal?.addEventListener('abort', stop);
      try {
        const ev = await nextEvent(this.client, { ...prefix(this.keyPrefix), startRevision: resp.header.revision }, (e) => e.type === 'PUT', ctl.signal);
        aborted(signal);
        if (ev && (await this.claim(ev.kv))) return ev.kv;
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    }
  }

  /** recipe deleteRevKey: delete `kv.key` only if its modRevision is still `kv.modRevision`. */
  private async claim(kv: KeyValue): Promise<boolean> {
    const r = await this.client.kv({
      op: 'txn',
      compare: [{ key: kv.key, target: 'modRevision', result: '=', value: kv.modRevision }],
      success: [{ op: 'deleteRange', key: kv.key }],
      failure: [],
    });
    return r.succeeded;
  }
}
