/**
 * etcd's concurrency recipes over an {@link EtcdClient}, step for step as etcd's client library
 * does them (go.etcd.io/etcd/client/v3/concurrency session.go, mutex.go, key.go, election.go, and
 * client/v3/experimental/recipes queue.go, key.go):
 *
 * - **Session**: a lease (default TTL 60 s) kept alive by the client; `done` settles when the
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
 *
 * Every step is a {@link Pending} continuation: a recipe reacts to a reply (or a watch event, or an
 * abort) inside the call that delivered it, so the engine's event order alone decides when its
 * next request is sent (see pending.ts and client.ts).
 */
import { FROM_KEY_END, prefixEnd, type KeyValue, type LeaseId } from '../kv';
import { EtcdClientError, type EtcdClient, type FullHeader, type Subscription, type WatchEventsResult } from './client';
import { Pending } from './pending';

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

/** `p` with a failure ignored, as Go's `_ = m.Unlock(ctx)` ignores it: fulfils when `p` settles either way. */
function ignoringErrors(p: Pending<unknown>): Pending<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}

/** A prefix range `{key, rangeEnd}` (clientv3 WithPrefix). */
function prefix(p: string): { key: string; rangeEnd: string } {
  return p === '' ? { key: '\0', rangeEnd: FROM_KEY_END } : { key: p, rangeEnd: prefixEnd(p) };
}

/** concurrency.Session: a lease kept alive until it expires, is revoked or the session is closed. */
export class Session {
  private sub: Subscription | null = null;
  private readonly ended = Pending.deferred<void>();
  private closed = false;
  /** Settles when the keep-alive loop has ended (concurrency Session.Done). */
  readonly done: Pending<void> = this.ended.pending;

  private constructor(
    readonly client: EtcdClient,
    readonly lease: LeaseId,
    readonly ttl: number,
  ) {}

  /** concurrency.NewSession: grants a lease of `ttl` seconds (or uses `lease`) and starts keeping it alive. */
  static create(client: EtcdClient, opts: { ttl?: number; lease?: LeaseId } = {}): Pending<Session> {
    const ttl = opts.ttl !== undefined && opts.ttl > 0 ? opts.ttl : DEFAULT_SESSION_TTL;
    const lease = opts.lease !== undefined ? Pending.resolve(opts.lease) : Pending.try(() => client.leaseGrant(ttl)).then((r) => r.id);
    return lease.then((id) => {
      const s = new Session(client, id, ttl);
      return client
        .leaseKeepAlive(
          id,
          () => {},
          () => s.finish(),
        )
        .then((sub) => {
          s.sub = sub;
          if (s.closed) sub.cancel();
          return s;
        });
    });
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.ended.resolve(undefined);
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
  close(): Pending<void> {
    this.orphan();
    return this.client.leaseRevoke(this.lease).then(() => undefined);
  }
}

/**
 * Settles on the first watch response for which `decide` returns a settlement ({value} or
 * {error}), or with `onAbort()` when `signal` aborts first; the watch is cancelled either way.
 * The watch's creation failing rejects.
 */
function watchUntil<T>(
  c: EtcdClient,
  req: { key: string; rangeEnd?: string; startRevision: number },
  decide: (r: WatchEventsResult) => { value: T } | { error: Error } | null,
  onAbort: () => { value: T } | { error: Error },
  signal?: AbortSignal,
): Pending<T> {
  const d = Pending.deferred<T>();
  let sub: Subscription | null = null;
  let settled = false;
  const end = (r: { value: T } | { error: Error }): void => {
    if (settled) return;
    settled = true;
    sub?.cancel();
    signal?.removeEventListener('abort', abort);
    if ('error' in r) d.reject(r.error);
    else d.resolve(r.value);
  };
  const abort = (): void => end(onAbort());
  if (signal?.aborted) {
    abort();
    return d.pending;
  }
  signal?.addEventListener('abort', abort);
  Pending.try(() =>
    c.watch(req, (r) => {
      if (settled) return;
      const out = decide(r);
      if (out) end(out);
    }),
  ).then(
    (s) => {
      sub = s;
      if (settled) s.cancel();
    },
    (e) => end({ error: e as Error }),
  );
  return d.pending;
}

/**
 * Watches `key` from revision `rev` until a DELETE event (concurrency waitDelete). Rejects with
 * {@link CONTEXT_CANCELED} when `signal` aborts, or with the server's reason when the watch is
 * cancelled (compaction).
 */
export function waitDelete(client: EtcdClient, key: string, rev: number, signal?: AbortSignal, onWatch?: (key: string) => void): Pending<void> {
  if (!signal?.aborted) onWatch?.(key);
  return watchUntil<void>(
    client,
    { key, startRevision: rev },
    (r) => {
      if (r.events.some((e) => e.type === 'DELETE')) return { value: undefined };
      if (r.canceled) return { error: new EtcdClientError(r.cancelReason ?? 'lost watcher waiting for delete') };
      return null;
    },
    () => ({ error: new EtcdClientError(CONTEXT_CANCELED) }),
    signal,
  );
}

/**
 * concurrency waitDeletes: until no key under `pfx` has createRevision <= `maxCreateRev`, waits
 * for the deletion of the last such key (the one just before the caller's): one watch at a time.
 */
export function waitDeletes(client: EtcdClient, pfx: string, maxCreateRev: number, signal?: AbortSignal, onWatch?: (key: string) => void): Pending<void> {
  const round = (): Pending<void> =>
    Pending.try(() => {
      aborted(signal);
      return client.kv({ op: 'range', ...prefix(pfx), sortTarget: 'CREATE', sortOrder: 'DESCEND', limit: 1, maxCreateRevision: maxCreateRev });
    }).then((resp) => (resp.kvs.length === 0 ? undefined : waitDelete(client, resp.kvs[0].key, resp.header.revision, signal, onWatch).then(round)));
  return round();
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

  private tryAcquire(): Pending<{ acquired: boolean; header: FullHeader }> {
    const c = this.session.client;
    this.myKey = `${this.pfx}${BigInt(`0x${this.session.lease}`).toString(16)}`;
    const getOwner = { op: 'range' as const, ...prefix(this.pfx), sortTarget: 'CREATE' as const, sortOrder: 'ASCEND' as const, limit: 1 };
    return c
      .kv({
        op: 'txn',
        compare: [{ key: this.myKey, target: 'createRevision', result: '=', value: 0 }],
        success: [{ op: 'put', key: this.myKey, value: '', lease: this.session.lease }, getOwner],
        failure: [{ op: 'range', key: this.myKey }, getOwner],
      })
      .then((resp) => {
        this.myRev = resp.header.revision;
        if (!resp.succeeded) this.myRev = (resp.responses[0] as { kvs: KeyValue[] }).kvs[0].createRevision;
        const owner = (resp.responses[1] as { kvs: KeyValue[] }).kvs;
        return { acquired: owner.length === 0 || owner[0].createRevision === this.myRev, header: resp.header };
      });
  }

  /**
   * Mutex.Lock: fulfils when this session holds the lock. If `signal` aborts while waiting, the
   * waiting key is deleted and it rejects with {@link CONTEXT_CANCELED}; if the session lease is
   * lost while waiting, rejects with {@link ERR_SESSION_EXPIRED}.
   */
  lock(signal?: AbortSignal): Pending<void> {
    const c = this.session.client;
    return this.tryAcquire().then(({ acquired, header }) => {
      if (acquired) {
        this.header = header;
        return undefined;
      }
      return waitDeletes(c, this.pfx, this.myRev - 1, signal, (k) => this.watched.push(k))
        .then(undefined, (e) =>
          ignoringErrors(this.unlock()).then(() => {
            throw e;
          }),
        )
        .then(() => {
          if (signal?.aborted) {
            // etcd: the Get with the cancelled context fails, and Lock unlocks before returning the error
            return ignoringErrors(this.unlock()).then(() => {
              throw new EtcdClientError(CONTEXT_CANCELED);
            });
          }
          return c.kv({ op: 'range', key: this.myKey }).then((g) => {
            if (g.kvs.length === 0) throw new EtcdClientError(ERR_SESSION_EXPIRED);
            this.header = g.header;
          });
        });
    });
  }

  /** Mutex.Unlock: deletes the lock key. Rejects with {@link ERR_LOCK_RELEASED} if not held. */
  unlock(): Pending<void> {
    if (this.myKey === '' || this.myRev <= 0 || this.myKey === '\0') return Pending.reject(new EtcdClientError(ERR_LOCK_RELEASED));
    return this.session.client.kv({ op: 'deleteRange', key: this.myKey }).then(() => {
      this.myKey = '\0';
      this.myRev = -1;
    });
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
  campaign(value: string, signal?: AbortSignal): Pending<void> {
    const c = this.session.client;
    const k = `${this.pfx}${BigInt(`0x${this.session.lease}`).toString(16)}`;
    return c
      .kv({
        op: 'txn',
        compare: [{ key: k, target: 'createRevision', result: '=', value: 0 }],
        success: [{ op: 'put', key: k, value, lease: this.session.lease }],
        failure: [{ op: 'range', key: k }],
      })
      .then((resp) => {
        this.leaderKey = k;
        this.leaderRev = resp.header.revision;
        this.leader = this.session;
        let proclaimed: Pending<void> = Pending.resolve(undefined);
        if (!resp.succeeded) {
          const kv = (resp.responses[0] as { kvs: KeyValue[] }).kvs[0];
          this.leaderRev = kv.createRevision;
          if (kv.value !== value) {
            proclaimed = this.proclaim(value).then(undefined, (e) =>
              ignoringErrors(this.resign()).then(() => {
                throw e;
              }),
            );
          }
        }
        return proclaimed
          .then(() =>
            waitDeletes(c, this.pfx, this.leaderRev - 1, signal).then(undefined, (e) => {
              if (!signal?.aborted) {
                this.leader = null;
                throw e;
              }
              return ignoringErrors(this.resign()).then(() => {
                throw e;
              });
            }),
          )
          .then(() => {
            this.header = resp.header;
          });
      });
  }

  /** Election.Proclaim: a new value without a new election; rejects with {@link ERR_ELECTION_NOT_LEADER} if no longer leader. */
  proclaim(value: string): Pending<void> {
    if (!this.leader) return Pending.reject(new EtcdClientError(ERR_ELECTION_NOT_LEADER));
    return this.session.client
      .kv({
        op: 'txn',
        compare: [{ key: this.leaderKey, target: 'createRevision', result: '=', value: this.leaderRev }],
        success: [{ op: 'put', key: this.leaderKey, value, lease: this.leader.lease }],
        failure: [],
      })
      .then((r) => {
        if (!r.succeeded) {
          this.leaderKey = '';
          throw new EtcdClientError(ERR_ELECTION_NOT_LEADER);
        }
        this.header = r.header;
      });
  }

  /** Election.Resign: deletes this candidate's key if it is still the one it created. */
  resign(): Pending<void> {
    if (!this.leader) return Pending.resolve(undefined);
    return this.session.client
      .kv({
        op: 'txn',
        compare: [{ key: this.leaderKey, target: 'createRevision', result: '=', value: this.leaderRev }],
        success: [{ op: 'deleteRange', key: this.leaderKey }],
        failure: [],
      })
      .then((r) => {
        this.header = r.header;
        this.leaderKey = '';
        this.leader = null;
      });
  }

  /** Election.Leader: the current leader's key-value; rejects with {@link ERR_ELECTION_NO_LEADER}. */
  currentLeader(): Pending<LeaderView> {
    return this.session.client.kv({ op: 'range', ...prefix(this.pfx), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 }).then((r) => {
      if (r.kvs.length === 0) throw new EtcdClientError(ERR_ELECTION_NO_LEADER);
      return { header: r.header, kv: r.kvs[0] };
    });
  }

  /**
   * Election.Observe: calls `onLeader` with the leader now (or, if there is none, the first one
   * elected), every new value it proclaims, and each next leader after it resigns or its lease
   * ends. Runs until `signal` aborts (fulfils) or a watch is cancelled by the server (rejects).
   */
  observe(onLeader: (v: LeaderView) => void, signal: AbortSignal): Pending<void> {
    const c = this.session.client;
    const round = (): Pending<void> => {
      if (signal.aborted) return Pending.resolve(undefined);
      return c
        .kv({ op: 'range', ...prefix(this.pfx), sortTarget: 'CREATE', sortOrder: 'ASCEND', limit: 1 })
        .then((r): LeaderView | null | Pending<LeaderView | null> => {
          if (r.kvs.length > 0) return { header: r.header, kv: r.kvs[0] };
          return nextEvent(c, { ...prefix(this.pfx), startRevision: r.header.revision }, (e) => e.type === 'PUT', signal).then((first) =>
            first ? { header: { ...first.header, revision: first.kv.modRevision }, kv: first.kv } : null,
          );
        })
        .then((view) => {
          if (!view) return undefined;
          onLeader(view);
          // follow the leader key until it is deleted
          return followKey(c, view.kv.key, view.header.revision + 1, (v) => onLeader(v), signal).then((gone) => (gone ? round() : undefined));
        });
    };
    return round();
  }
}

/** The first event matching `pred` on a watch, or null if `signal` aborts first. */
function nextEvent(
  c: EtcdClient,
  req: { key: string; rangeEnd?: string; startRevision: number },
  pred: (e: { type: 'PUT' | 'DELETE' }) => boolean,
  signal: AbortSignal,
): Pending<{ header: FullHeader; kv: KeyValue } | null> {
  return watchUntil<{ header: FullHeader; kv: KeyValue } | null>(
    c,
    req,
    (r) => {
      const e = r.events.find(pred);
      if (e) return { value: { header: r.header, kv: e.kv } };
      if (r.canceled) return { error: new EtcdClientError(r.cancelReason ?? 'watch canceled') };
      return null;
    },
    () => ({ value: null }),
    signal,
  );
}

/** Reports each PUT of `key` from `rev` on; fulfils with true at its DELETE, false if `signal` aborts. */
function followKey(c: EtcdClient, key: string, rev: number, onPut: (v: LeaderView) => void, signal: AbortSignal): Pending<boolean> {
  return watchUntil<boolean>(
    c,
    { key, startRevision: rev },
    (r) => {
      for (const e of r.events) {
        if (e.type === 'DELETE') return { value: true };
        onPut({ header: r.header, kv: e.kv });
        if (signal.aborted) return { value: false };
      }
      if (r.canceled) return { error: new EtcdClientError(r.cancelReason ?? 'watch canceled') };
      return null;
    },
    () => ({ value: false }),
    signal,
  );
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
   * retries). Fulfils with the new key.
   */
  enqueue(value: string): Pending<string> {
    const attempt = (): Pending<string> =>
      this.client.kv({ op: 'range', ...prefix(this.keyPrefix), sortTarget: 'KEY', sortOrder: 'DESCEND', limit: 1 }).then((last) => {
        let seq = 0;
        if (last.kvs.length > 0) {
          const fields = last.kvs[0].key.split('/');
          const n = /^\d+/.exec(fields[fields.length - 1]);
          if (!n) throw new EtcdClientError(`expected integer, got ${JSON.stringify(fields[fields.length - 1])}`);
          seq = Number(n[0]) + 1;
        }
        const key = `${this.keyPrefix}/${String(seq).padStart(16, '0')}`;
        const baseKey = `__${this.keyPrefix}`;
        return this.client
          .kv({
            op: 'txn',
            compare: [{ key: baseKey, target: 'modRevision', result: '<', value: last.header.revision + 1 }],
            success: [{ op: 'put', key: baseKey, value: '' }, { op: 'put', key, value }],
            failure: [],
          })
          .then((r) => (r.succeeded ? key : attempt()));
      });
    return attempt();
  }

  /**
   * Dequeue as recipe Queue.Dequeue: the item with the lowest modRevision, claimed by a txn that
   * deletes it only if its modRevision is unchanged (deleteRevKey); if another consumer won, tries
   * again; with an empty queue waits for the next PUT under the prefix. Rejects with
   * {@link CONTEXT_CANCELED} if `signal` aborts while waiting.
   */
  dequeue(signal?: AbortSignal): Pending<KeyValue> {
    const attempt = (): Pending<KeyValue> =>
      Pending.try(() => {
        aborted(signal);
        return this.client.kv({ op: 'range', ...prefix(this.keyPrefix), sortTarget: 'MOD', sortOrder: 'ASCEND', limit: 1 });
      }).then((resp) => {
        const first = resp.kvs[0];
        if (first) return this.claim(first).then((won) => (won ? first : attempt()));
        if (resp.more) return attempt();
        const ctl = new AbortController();
        const stop = (): void => ctl.abort();
        signal?.addEventListener('abort', stop);
        return nextEvent(this.client, { ...prefix(this.keyPrefix), startRevision: resp.header.revision }, (e) => e.type === 'PUT', ctl.signal)
          .finally(() => signal?.removeEventListener('abort', stop))
          .then((ev) => {
            aborted(signal);
            if (!ev) return attempt();
            return this.claim(ev.kv).then((won) => (won ? ev.kv : attempt()));
          });
      });
    return attempt();
  }

  /** recipe deleteRevKey: delete `kv.key` only if its modRevision is still `kv.modRevision`. */
  private claim(kv: KeyValue): Pending<boolean> {
    return this.client
      .kv({
        op: 'txn',
        compare: [{ key: kv.key, target: 'modRevision', result: '=', value: kv.modRevision }],
        success: [{ op: 'deleteRange', key: kv.key }],
        failure: [],
      })
      .then((r) => r.succeeded);
  }
}
