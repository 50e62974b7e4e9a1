/**
 * The etcd-v3 KV state machine that every Raft server applies committed log entries to.
 *
 * - {@link KvStore}: an etcd MVCC keyspace (etcd server/storage/mvcc) with leases: every revision
 *   of every key is kept until compacted, deletions leave tombstones, reads can ask for a past
 *   revision, and every applied revision produces watch events. Two APIs:
 *   - {@link KvStore.execute}: etcd's requests and responses (Range, Put, DeleteRange, Txn with
 *     nesting, Compaction, LeaseGrant, LeaseRevoke; see types.ts);
 *   - {@link KvStore.apply}: the original KvOp/KvResult API (put/get/delete/txn), unchanged, now
 *     a thin layer over `execute`.
 * - {@link KvStateMachine}: a KvStore plus the client session table used for duplicate
 *   suppression (Raft thesis §6.3), so a retried command is applied at most once.
 *
 * Expiry of leases is not decided here (see lessor.ts) and watchers live outside the store (see
 * watch.ts): both read what the store applied. Everything is deterministic and synchronous: no
 * randomness, clocks, timers or I/O. The state is made of persistent structures (a treap index,
 * immutable per-key version lists, an append-only event log shared between copies), so
 * {@link KvStore.clone} is O(1).
 */
import { KvError, MAX_LEASE_TTL } from './errors';
import { AppendLog } from './eventLog';
import { NO_LEASE, isLeaseId } from './leaseId';
import { type KeyInterval, inInterval, interval, prefixRange } from './range';
import { SortedMap } from './sortedMap';
import type {
  ClientSession,
  Command,
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  EtcdCommand,
  KeyValue,
  KvCompare,
  KvDumpVersion,
  KvEvent,
  KvOp,
  KvRequest,
  KvResponse,
  KvResult,
  KvSnapshot,
  KvStateMachineSnapshot,
  KvStoreDump,
  KvTxnOp,
  LeaseId,
  LeaseInfo,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types';
import { checkRequest, putHasLease } from './validate';

/** etcd's initial store revision: an empty store reports revision 1, so the first write is revision 2. */
export const INITIAL_REVISION = 1;

/**
 * Error text of a txn that writes one key twice, for the {@link KvStore.apply} API (etcd
 * rpctypes.ErrGRPCDuplicateKey without the "etcdserver: " prefix; `execute` returns etcd's full
 * text, errors.ts ERR_DUPLICATE_KEY).
 */
export const DUPLICATE_KEY_ERROR = 'duplicate key given in txn request';

/** Error text of a put, or a get/delete without `prefix`, on the empty key, for {@link KvStore.apply} (etcd rpctypes.ErrGRPCEmptyKey without the prefix). */
export const EMPTY_KEY_ERROR = 'key is not provided';

/** Error text returned for a client request older than the last one applied for that client. */
export const STALE_REQUEST_ERROR = 'stale request';

/** Key order: plain JS string (UTF-16 code unit) order, which equals etcd's byte order for BMP keys. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A fresh copy of a record for the outside world (no `lease` field when the key has none). */
function copyKv(kv: KeyValue): KeyValue {
  const c: KeyValue = {
    key: kv.key,
    value: kv.value,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
  };
  if (kv.lease !== undefined) c.lease = kv.lease;
  return c;
}


/** A null-prototype record, so keys like `__proto__` are ordinary own properties. */
function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/**
 * One version of a key: etcd's keyIndex revision and the backend's KeyValue in one immutable
 * record, linked to the key's previous version (newest first). `modRevision` and `sub` are etcd's
 * revision {main, sub}: the store revision of the write and its position among the changes of
 * that revision's txn. A tombstone (`tomb`) has etcd's deleted KeyValue: value '', createRevision
 * 0, version 0, which is exactly what a DELETE event carries. The same record is the key's entry
 * in the index and the change in the event log, so a write retains one object.
 */
interface Version extends KeyValue {
  readonly sub: number;
  readonly tomb: boolean;
  readonly older: Version | null;
}

/** Every Version is made here, so all have one shape (one hidden class for the JIT). */
function version(
  key: string, value: string, createRevision: number, modRevision: number, ver: number,
  lease: LeaseId | undefined, sub: number, tomb: boolean, older: Version | null,
): Version {
  return { key, value, createRevision, modRevision, version: ver, lease, sub, tomb, older };
}

/** A tombstone: etcd's deleted KeyValue (value '', createRevision 0, version 0) at `modRevision`. */
function tombstone(key: string, modRevision: number, sub: number, older: Version | null): Version {
  return version(key, '', 0, modRevision, 0, undefined, sub, true, older);
}

/** An entry of the event log: the one change of a revision, or its changes in txn order. */
type LogEntry = Version | readonly Version[];

const isMany = (e: LogEntry): e is readonly Version[] => Array.isArray(e);

/** A lease as the replicated state knows it (etcd lessor's leaseMap entry, without expiry). */
interface LeaseRecord {
  readonly id: LeaseId;
  readonly ttl: number;
  readonly keys: SortedMap<true>;
}

/** The key as of revision `rev` (the newest version with modRevision <= rev), or null if absent then. */
function versionAt(head: Version | undefined | null, rev: number): Version | null {
  let v = head ?? null;
  while (v && v.modRevision > rev) v = v.older;
  return v && !v.tomb ? v : null;
}

/** The live record a version list starts with, or null if the key is deleted or absent. */
function live(head: Version | undefined | null): Version | null {
  return head && !head.tomb ? head : null;
}

/** An open write txn (etcd storeTxnWrite): its revision and the changes made so far. */
interface WriteTxn {
  /** beginRev + 1: the revision every change carries. */
  readonly rev: number;
  readonly changes: Version[];
}

/** The branch choices of a txn and its nested txns (etcd compareToPath, as a tree). */
interface Decision {
  succeeded: boolean;
  /** One per nested txn of the chosen branch, in order. */
  nested: Decision[];
}

const isDefaultOrdering = (target: string, order: string): boolean => order === 'NONE' || (target === 'KEY' && order === 'ASCEND');

const SORTERS: Record<string, (a: KeyValue, b: KeyValue) => number> = {
  KEY: (a, b) => compareStrings(a.key, b.key),
  VERSION: (a, b) => a.version - b.version,
  CREATE: (a, b) => a.createRevision - b.createRevision,
  MOD: (a, b) => a.modRevision - b.modRevision,
  VALUE: (a, b) => compareStrings(a.value, b.value),
};

/**
 * An etcd v3 MVCC keyspace with leases.
 *
 * Revision rules (etcd mvcc kvstore_txn.go): the store starts at revision 1 with no keys; every
 * request that changes something (a put, a delete that deletes, a txn with such ops, a lease
 * revocation that deletes keys) raises the revision by exactly one, and every change it makes
 * carries that new revision; reads, no-op deletes, compactions and lease grants leave it
 * unchanged. Per key, `createRevision` is the revision of the put that created it,
 * `modRevision` that of its last put, `version` the number of puts since creation; a delete
 * leaves a tombstone, so a later put starts a new generation at version 1.
 *
 * Every KeyValue handed out is a fresh copy.
 */
export class KvStore {
  /** etcd treeIndex: key → its versions, newest first. */
  private index: SortedMap<Version> = SortedMap.empty();
  private currentRevision = INITIAL_REVISION;
  /** etcd compactMainRev: -1 until the first compaction. */
  private compactRev = -1;
  /**
   * Events by revision (etcd's backend, keyed by revision): log entry i holds the changes of
   * revision logBase + i, up to the current revision. Shared with clones (eventLog.ts).
   */
  private log = new AppendLog<LogEntry>([[]]);
  private logBase = INITIAL_REVISION;
  /** etcd lessor leaseMap (IDs, TTLs, attached keys). */
  private leaseTable: SortedMap<LeaseRecord> = SortedMap.empty();
  private liveKeys = 0;

  /** An empty store at etcd's initial revision 1. */
  constructor() {}

  /** The store revision (etcd ResponseHeader.revision): 1 initially, +1 per changing request. */
  get revision(): number {
    return this.currentRevision;
  }

  /** etcd compactMainRev: reads and watches below it fail as compacted; -1 if never compacted. */
  get compactRevision(): number {
    return this.compactRev;
  }

  /**
   * The oldest revision whose events are kept: a watch may start there or later (etcd refuses
   * watchers whose start is below the compacted revision). max(1, compactRevision) normally.
   */
  get oldestEventRevision(): number {
    return this.logBase;
  }

  /** Number of keys currently present (tombstoned keys not counted). */
  get size(): number {
    return this.liveKeys;
  }

  // ---- the etcd API ------------------------------------------------------------------------

  /**
   * Applies one etcd request and returns its response; never throws for a bad request. A refused
   * request changes nothing and returns `{op:'error', header, code, error}` with etcd's error
   * text (errors.ts). Rules, with their etcd source:
   *
   * - **range** (txn/range.go executeRange, mvcc rangeKeys): the keys of the range as of
   *   `revision` (0: current; above the current revision: FutureRev; below the compacted
   *   revision: Compacted); `count` is every key of the range (before `limit` and the revision
   *   filters); sortTarget KEY with sortOrder NONE is ascending by key, any other target with
   *   NONE sorts ascending; ties keep ascending key order (etcd's sort is unstable: any order is
   *   etcd's); `more` when `limit` cut keys off; `keysOnly` blanks values; `countOnly` returns no
   *   kvs. The header revision is always the current revision.
   * - **put** (txn/put.go): `lease` must exist (LeaseNotFound); `ignoreValue` / `ignoreLease`
   *   keep the key's value / lease and need the key to exist (KeyNotFound); a put without lease
   *   detaches the key from its lease, with another lease moves it (mvcc storeTxnWrite.put).
   * - **deleteRange** (txn/delete.go): tombstones every key of the range; one revision if any.
   * - **txn** (txn/txn.go): every compare of the txn and of its nested txns on the chosen path is
   *   evaluated against the state before the txn (compareToPath), then the chosen path is checked
   *   (checkTxn: leases exist, ignore* keys exist, range revisions valid) before anything is
   *   written, then run in order; later ops see earlier writes. One revision for the whole txn,
   *   none if nothing changed. Sub-responses carry etcd's header revisions (a put: the new
   *   revision; a range or delete: the new revision once something changed, else the old one; a
   *   nested txn: 0, as etcd leaves it).
   * - **compact** (mvcc kvstore.go updateCompactRev, key_index.go compact): `revision` <= the
   *   compacted revision is Compacted, above the current one FutureRev; otherwise every key keeps
   *   its versions above it and the newest at or below it, unless that one is a tombstone older
   *   than it; reads below it fail from then on. Does not change the revision.
   * - **leaseGrant** (lease/lessor.go Grant): NO_LEASE is LeaseNotFound, a TTL above
   *   MAX_LEASE_TTL is LeaseTTLTooLarge, an existing ID LeaseExist. No revision change.
   * - **leaseRevoke** (lessor.go Revoke): LeaseNotFound, or the lease's keys are deleted in key
   *   order in one revision and the lease is gone.
   */
  execute(req: KvRequest): KvResponse {
    const err = checkRequest(req);
    if (err) return err.response(this.currentRevision);
    const saved = this.save();
    try {
      switch (req.op) {
        case 'range':
          return this.rangeRead(req, this.currentRevision);
        case 'put': {
          this.checkPut(req);
          const w = this.beginWrite();
          const resp = this.putOp(w, req);
          this.endWrite(w);
          return resp;
        }
        case 'deleteRange': {
          const w = this.beginWrite();
          const resp = this.deleteOp(w, req);
          this.endWrite(w);
          return resp;
        }
        case 'txn':
          return this.txn(req);
        case 'compact':
          this.compact(req.revision);
          return { op: 'compact', header: { revision: this.currentRevision } };
        case 'leaseGrant':
          return this.leaseGrant(req.id, req.ttl);
        case 'leaseRevoke':
          this.leaseRevoke(req.id);
          return { op: 'leaseRevoke', header: { revision: this.currentRevision } };
      }
    } catch (e) {
      this.restoreSaved(saved);
      if (e instanceof KvError) return e.response(this.currentRevision);
      throw e;
    }
  }

  /**
   * The state fields, to undo a request that failed halfway (only a bug, or etcd's from-key
   * delete quirk before an ignoreValue put, can make that happen). Nothing can fail after a
   * request's events are appended, so the log needs no undo.
   */
  private save() {
    return {
      index: this.index,
      rev: this.currentRevision,
      compactRev: this.compactRev,
      log: this.log,
      logBase: this.logBase,
      leases: this.leaseTable,
      live: this.liveKeys,
    };
  }

  private restoreSaved(s: ReturnType<KvStore['save']>): void {
    this.index = s.index;
    this.currentRevision = s.rev;
    this.compactRev = s.compactRev;
    this.log = s.log;
    this.logBase = s.logBase;
    this.leaseTable = s.leases;
    this.liveKeys = s.live;
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** Visits the keys of `iv` present as of `rev`, ascending; `fn` returning false stops. */
  private visitAt(iv: KeyInterval, rev: number, fn: (kv: KeyValue) => boolean | void): void {
    if (iv.single) {
      const kv = versionAt(this.index.get(iv.start), rev);
      if (kv) fn(kv);
      return;
    }
    this.index.forEachInRange(iv.start, iv.end, (_k, head) => {
      const kv = versionAt(head, rev);
      if (kv) return fn(kv);
      return true;
    });
  }

  /**
   * etcd executeRange over a view whose revision is `curRev` (the current revision, or inside a
   * write txn the txn's revision once it changed something). Throws KvError FutureRev/Compacted.
   */
  private rangeRead(r: RangeRequest, curRev: number): RangeResponse {
    let rev = r.revision ?? 0;
    if (rev > curRev) throw new KvError('FutureRev');
    if (rev <= 0) rev = curRev;
    if (rev < this.compactRev) throw new KvError('Compacted');
    const target = r.sortTarget ?? 'KEY';
    let order = r.sortOrder ?? 'NONE';
    const limit = r.limit !== undefined && r.limit > 0 ? r.limit : 0;
    const filters = !!(r.minModRevision || r.maxModRevision || r.minCreateRevision || r.maxCreateRevision);
    // etcd rangeLimit: fetch everything when the result is re-sorted or filtered, else limit + 1.
    const fetch = !isDefaultOrdering(target, order) || filters || limit === 0 ? Infinity : limit + 1;
    let count = 0;
    let kvs: KeyValue[] = [];
    this.visitAt(interval(r.key, r.rangeEnd), rev, (kv) => {
      count++;
      if (!r.countOnly && kvs.length < fetch) kvs.push(kv);
    });
    // etcd filterRangeResults (after counting: count ignores these filters).
    if (r.maxModRevision) kvs = kvs.filter((kv) => kv.modRevision <= r.maxModRevision!);
    if (r.minModRevision) kvs = kvs.filter((kv) => kv.modRevision >= r.minModRevision!);
    if (r.maxCreateRevision) kvs = kvs.filter((kv) => kv.createRevision <= r.maxCreateRevision!);
    if (r.minCreateRevision) kvs = kvs.filter((kv) => kv.createRevision >= r.minCreateRevision!);
    // etcd sortRangeResults.
    if (target !== 'KEY' && order === 'NONE') order = 'ASCEND';
    if (!isDefaultOrdering(target, order)) {
      const by = SORTERS[target];
      kvs.sort(order === 'DESCEND' ? (a, b) => by(b, a) : by); // Array.prototype.sort is stable
    }
    let more = false;
    if (limit > 0 && kvs.length > limit) {
      kvs = kvs.slice(0, limit);
      more = true;
    }
    const out = kvs.map((kv) => {
      const c = copyKv(kv);
      if (r.keysOnly) c.value = '';
      return c;
    });
    return { op: 'range', header: { revision: curRev }, kvs: out, more, count };
  }

  /** The current record of a key (internal, not a copy). */
  private current(key: string): Version | null {
    return live(this.index.get(key));
  }

  /** etcd applyCompare against the current state. */
  private compareHolds(c: Compare): boolean {
    const matched: KeyValue[] = [];
    this.visitAt(interval(c.key, c.rangeEnd), this.currentRevision, (kv) => {
      matched.push(kv);
    });
    if (matched.length === 0) {
      // "Always fail if comparing a value on a key/keys that doesn't exist"
      if (c.target === 'value') return false;
      return compareKv(c, null);
    }
    return matched.every((kv) => compareKv(c, kv));
  }

  // ---- writes --------------------------------------------------------------------------------

  private beginWrite(): WriteTxn {
    return { rev: this.currentRevision + 1, changes: [] };
  }

  /** etcd storeTxnWrite.End: the revision moves on only if something changed; the events are logged. */
  private endWrite(w: WriteTxn): void {
    if (w.changes.length === 0) return;
    this.currentRevision = w.rev;
    this.log.push(w.changes.length === 1 ? w.changes[0] : Object.freeze(w.changes));
  }

  /** The view revision of an open write txn (etcd storeTxnWrite.Range). */
  private viewRev(w: WriteTxn): number {
    return w.changes.length > 0 ? w.rev : w.rev - 1;
  }

  /** etcd storeTxnWrite.put, including lease attach/detach; `head` is the key's current version list. */
  private putKey(w: WriteTxn, key: string, head: Version | undefined, value: string, lease: LeaseId | undefined): void {
    const prev = live(head);
    const v = version(key, value, prev ? prev.createRevision : w.rev, w.rev, prev ? prev.version + 1 : 1, lease, w.changes.length, false, head ?? null);
    this.index = this.index.set(key, v);
    if (!prev) this.liveKeys++;
    w.changes.push(v);
    const oldLease = prev ? prev.lease : undefined;
    if (oldLease === lease) return;
    if (oldLease !== undefined) this.detach(oldLease, key);
    if (lease !== undefined) this.attach(lease, key);
  }

  /** etcd storeTxnWrite.delete: a tombstone; the key leaves its lease. */
  private deleteKey(w: WriteTxn, key: string): void {
    const head = this.index.get(key);
    const prev = live(head);
    if (!prev) throw new Error(`internal: deleting absent key ${JSON.stringify(key)}`);
    const tomb = tombstone(key, w.rev, w.changes.length, head!);
    this.index = this.index.set(key, tomb);
    this.liveKeys--;
    w.changes.push(tomb);
    if (prev.lease !== undefined) this.detach(prev.lease, key);
  }

  private attach(id: LeaseId, key: string): void {
    const l = this.leaseTable.get(id);
    if (!l) throw new Error(`internal: attaching ${JSON.stringify(key)} to unknown lease ${id}`);
    this.leaseTable = this.leaseTable.set(id, { id, ttl: l.ttl, keys: l.keys.set(key, true) });
  }

  private detach(id: LeaseId, key: string): void {
    const l = this.leaseTable.get(id);
    if (!l) throw new Error(`internal: detaching ${JSON.stringify(key)} from unknown lease ${id}`);
    this.leaseTable = this.leaseTable.set(id, { id, ttl: l.ttl, keys: l.keys.delete(key) });
  }

  /** etcd checkPut (checkLease + checkAndGetPrevKV) against the current state. Throws KvError. */
  private checkPut(p: PutRequest): void {
    if (putHasLease(p) && !this.leaseTable.has(p.lease!)) throw new KvError('LeaseNotFound');
    if ((p.ignoreValue || p.ignoreLease) && !this.current(p.key)) throw new KvError('KeyNotFound');
  }

  /** etcd txn put(): executes a checked put inside `w`. */
  private putOp(w: WriteTxn, p: PutRequest): PutResponse {
    const head = this.index.get(p.key);
    const prev = live(head);
    if ((p.ignoreValue || p.ignoreLease) && !prev) throw new KvError('KeyNotFound'); // only after an etcd-quirk delete in this txn
    const value = p.ignoreValue ? prev!.value : p.value;
    const lease = p.ignoreLease ? prev!.lease : putHasLease(p) ? p.lease : undefined;
    this.putKey(w, p.key, head, value, lease);
    const resp: PutResponse = { op: 'put', header: { revision: w.rev } };
    if (p.prevKv && prev) resp.prevKv = copyKv(prev);
    return resp;
  }

  /** etcd txn deleteRange(): executes a delete inside `w`. */
  private deleteOp(w: WriteTxn, d: DeleteRangeRequest): DeleteRangeResponse {
    const hit: KeyValue[] = [];
    this.visitAt(interval(d.key, d.rangeEnd), this.viewRev(w), (kv) => {
      hit.push(kv);
    });
    for (const kv of hit) this.deleteKey(w, kv.key);
    const revision = hit.length > 0 || w.changes.length > 0 ? w.rev : w.rev - 1;
    const resp: DeleteRangeResponse = { op: 'deleteRange', header: { revision }, deleted: hit.length };
    if (d.prevKv) resp.prevKvs = hit.map(copyKv);
    return resp;
  }

  /** etcd compareToPath: every compare on the chosen path, against the state before the txn. */
  private decide(t: TxnRequest): Decision {
    const succeeded = t.compare.every((c) => this.compareHolds(c));
    const nested: Decision[] = [];
    for (const op of succeeded ? t.success : t.failure) if (op.op === 'txn') nested.push(this.decide(op));
    return { succeeded, nested };
  }

  /** etcd checkTxn on the chosen path: range revisions, put leases and ignore* keys. Throws KvError. */
  private checkPath(t: TxnRequest, d: Decision): void {
    let n = 0;
    for (const op of d.succeeded ? t.success : t.failure) {
      if (op.op === 'range') {
        // etcd txn.checkRange
        const rev = op.revision ?? 0;
        if (rev === 0) continue;
        if (rev > this.currentRevision) throw new KvError('FutureRev');
        if (rev < this.compactRev) throw new KvError('Compacted');
      } else if (op.op === 'put') {
        this.checkPut(op);
      } else if (op.op === 'txn') {
        this.checkPath(op, d.nested[n++]);
      }
    }
  }

  /** etcd executeTxn: runs the chosen branch (recursively) inside `w`. */
  private runTxn(w: WriteTxn, t: TxnRequest, d: Decision): TxnResponse {
    const responses: ResponseOp[] = [];
    let n = 0;
    for (const op of d.succeeded ? t.success : t.failure) {
      switch (op.op) {
        case 'range':
          responses.push(this.rangeRead(op, this.viewRev(w)));
          break;
        case 'put':
          responses.push(this.putOp(w, op));
          break;
        case 'deleteRange':
          responses.push(this.deleteOp(w, op));
          break;
        case 'txn':
          responses.push(this.runTxn(w, op, d.nested[n++]));
          break;
      }
    }
    return { op: 'txn', header: { revision: 0 }, succeeded: d.succeeded, responses };
  }

  private txn(t: TxnRequest): TxnResponse {
    const d = this.decide(t);
    this.checkPath(t, d);
    const w = this.beginWrite();
    const resp = this.runTxn(w, t, d);
    this.endWrite(w);
    resp.header.revision = this.currentRevision;
    return resp;
  }

  // ---- compaction ----------------------------------------------------------------------------

  /**
   * etcd kvstore Compact + keyIndex.compact: see {@link execute}. Versions with main == rev are
   * all kept (etcd keeps only the newest of them, which differs only for a key changed twice in
   * one txn), so the events of revision `rev` stay complete for watchers starting there.
   */
  private compact(rev: number): void {
    if (rev <= this.compactRev) throw new KvError('Compacted');
    if (rev > this.currentRevision) throw new KvError('FutureRev');
    this.compactRev = rev;
    const rebuilt = new Map<Version, Version>();
    this.index = this.index.update((_k, head) => compactVersions(head, rev, rebuilt));
    const drop = Math.max(0, rev - this.logBase);
    // The kept events of rebuilt version lists point to the new records, so the dropped versions can be freed.
    this.log = new AppendLog(this.log.slice(drop).map((e) => (isMany(e) ? Object.freeze(e.map((v) => rebuilt.get(v) ?? v)) : rebuilt.get(e) ?? e)));
    this.logBase += drop;
  }

  // ---- leases --------------------------------------------------------------------------------

  private leaseGrant(id: LeaseId, ttl: number): KvResponse {
    if (id === NO_LEASE) throw new KvError('LeaseNotFound');
    if (ttl > MAX_LEASE_TTL) throw new KvError('LeaseTTLTooLarge');
    if (this.leaseTable.has(id)) throw new KvError('LeaseExist');
    this.leaseTable = this.leaseTable.set(id, { id, ttl, keys: SortedMap.empty() });
    return { op: 'leaseGrant', header: { revision: this.currentRevision }, id, ttl };
  }

  private leaseRevoke(id: LeaseId): void {
    const l = this.leaseTable.get(id);
    if (!l) throw new KvError('LeaseNotFound');
    const w = this.beginWrite();
    for (const key of l.keys.keys()) this.deleteKey(w, key); // sorted, as lessor.Revoke does
    this.leaseTable = this.leaseTable.delete(id);
    this.endWrite(w);
  }

  /** Every lease, ascending by ID (etcd LeaseLeases lists IDs; the TTLs and keys are the store's). */
  leases(): LeaseInfo[] {
    return this.leaseTable.entries().map(([, l]) => ({ id: l.id, ttl: l.ttl, keys: l.keys.keys() }));
  }

  /** One lease (granted TTL in seconds, attached keys ascending), or undefined (etcd: TTL -1). */
  lease(id: LeaseId): LeaseInfo | undefined {
    const l = this.leaseTable.get(id);
    return l ? { id: l.id, ttl: l.ttl, keys: l.keys.keys() } : undefined;
  }

  /** Whether the lease exists (etcd lessor.Lookup). */
  hasLease(id: LeaseId): boolean {
    return this.leaseTable.has(id);
  }

  // ---- watch support -------------------------------------------------------------------------

  /**
   * The events of revisions [fromRevision, toRevision] (default: up to the current one) in
   * revision order, and within a revision in the order the txn made them; only keys inside
   * `range` (default: all). `prevKv` is included when `withPrevKv` and etcd would find it: not
   * for a creation (a PUT at version 1), and only if the revision before the event is not
   * compacted (etcd's watch server reads it with Range at modRevision - 1). Copies.
   *
   * Throws a RangeError if `fromRevision` is below {@link oldestEventRevision} (those events are
   * compacted: watchers there must be cancelled, see watch.ts).
   */
  events(fromRevision: number, toRevision = this.currentRevision, range?: KeyInterval, withPrevKv = false): KvEvent[] {
    if (fromRevision < this.logBase) {
      throw new RangeError(`events from revision ${fromRevision} are compacted (oldest kept: ${this.logBase})`);
    }
    const out: KvEvent[] = [];
    const emit = (v: Version): void => {
      if (range && !inInterval(range, v.key)) return;
      const e: KvEvent = { type: v.tomb ? 'DELETE' : 'PUT', kv: copyKv(v) };
      // etcd watch.go: prevKv for every event but a creation, read at modRevision - 1.
      if (withPrevKv && (v.tomb || v.version > 1) && v.modRevision - 1 >= this.compactRev) {
        const prev = versionAt(v.older, v.modRevision - 1);
        if (prev) e.prevKv = copyKv(prev);
      }
      out.push(e);
    };
    const last = Math.min(toRevision, this.logBase + this.log.length - 1);
    for (let r = fromRevision; r <= last; r++) {
      const e = this.log.at(r - this.logBase)!;
      if (isMany(e)) e.forEach(emit);
      else emit(e);
    }
    return out;
  }

  /**
   * Every kept version of a key, oldest first (tombstones as `kv: null`): what the KV panel shows
   * as the key's revision history. Empty if the key was never written or all is compacted.
   */
  history(key: string): KvDumpVersion[] {
    const out: KvDumpVersion[] = [];
    for (let v = this.index.get(key) ?? null; v; v = v.older) {
      out.push({ revision: v.modRevision, sub: v.sub, kv: v.tomb ? null : copyKv(v) });
    }
    return out.reverse();
  }

  // ---- the KvOp API (unchanged) ----------------------------------------------------------------

  /**
   * Executes one op as one etcd transaction and returns its result; never throws.
   *
   * - put: creates the key (createRevision = modRevision = revision+1, version 1) or updates it
   *   (modRevision = revision+1, version+1, createRevision kept); always bumps the revision, even
   *   if the value is unchanged; the key leaves any lease it had. Result `{op:'put', revision, prevKv?}`.
   * - get: the key, or with `prefix` every key starting with `key` ('' = all keys) in ascending
   *   key order. Read-only. Result `{op:'get', revision, kvs}` (copies).
   * - delete: removes the key or every key under the prefix; one revision bump if anything was
   *   deleted, none otherwise. Result `{op:'delete', revision, deleted, prevKvs}` (key order).
   * - txn: evaluates every compare against the state before the txn (all must hold), then runs
   *   `success` or `failure` in order; later ops see earlier writes of the same txn. At most one
   *   revision bump for the whole txn. Result `{op:'txn', revision, succeeded, responses}` where
   *   each response's revision is the txn's final revision.
   *
   * Rejected requests change nothing and return `{op:'error', revision, error}` with the
   * current revision: a txn branch that puts a key twice or puts a key it also deletes
   * ({@link DUPLICATE_KEY_ERROR}, checked on both branches as etcd does), an empty key
   * without `prefix` ({@link EMPTY_KEY_ERROR}), a malformed compare, an unknown op.
   */
  apply(op: KvOp): KvResult {
    const err = validateOp(op, false);
    if (err !== null) return { op: 'error', revision: this.currentRevision, error: err };
    const resp = this.execute(toRequest(op));
    if (resp.op === 'error') return { op: 'error', revision: this.currentRevision, error: resp.error };
    return toResult(resp as ResponseOp, this.currentRevision);
  }

  /** Copy of one key's record, or undefined if absent (a read outside any txn; no revision change). */
  get(key: string): KeyValue | undefined {
    const kv = this.current(key);
    return kv ? copyKv(kv) : undefined;
  }

  /**
   * Applied state as plain data: key → value, keys in ascending order (a null-prototype object,
   * so any key is an ordinary property). This is what scenario `kv` expectations are checked against.
   */
  entries(): Record<string, string> {
    const out = dict<string>();
    this.index.forEach((k, head) => {
      if (!head.tomb) out[k] = head.value;
    });
    return out;
  }

  /**
   * Deep plain-data copy of the current keys `{revision, kvs: key → KeyValue}` (keys in
   * ascending order, a null-prototype object); JSON-safe. The history is in {@link dump}.
   */
  snapshot(): KvSnapshot {
    const kvs = dict<KeyValue>();
    this.index.forEach((k, head) => {
      if (!head.tomb) kvs[k] = copyKv(head);
    });
    return { revision: this.currentRevision, kvs };
  }

  /**
   * Rebuilds a store from {@link snapshot} output (current keys only, no history: reads below
   * the snapshot's revision fail as compacted, watches must start after it); shares nothing
   * with `s`. Throws a RangeError if the snapshot is inconsistent: revision not an integer ≥ 1,
   * a record whose `key` differs from its map key, a record without
   * 1 ≤ createRevision ≤ modRevision ≤ revision and version ≥ 1, or a record with a lease (a
   * snapshot has no lease TTLs: use {@link dump} and {@link restore}).
   */
  static fromSnapshot(s: KvSnapshot): KvStore {
    if (!Number.isInteger(s.revision) || s.revision < INITIAL_REVISION) {
      throw new RangeError(`invalid snapshot revision ${s.revision}`);
    }
    const store = new KvStore();
    const entries: Array<[string, Version]> = [];
    for (const [k, kv] of Object.entries(s.kvs)) {
      if (!validRecord(k, kv, s.revision)) throw new RangeError(`invalid snapshot record for key ${JSON.stringify(k)}`);
      if (kv.lease !== undefined) {
        throw new RangeError(`snapshot record for key ${JSON.stringify(k)} has a lease; restore leases from a dump`);
      }
      entries.push([k, version(k, kv.value, kv.createRevision, kv.modRevision, kv.version, undefined, 0, false, null)]);
    }
    store.index = SortedMap.of(entries);
    store.liveKeys = store.index.size;
    store.currentRevision = s.revision;
    store.compactRev = s.revision;
    store.log = new AppendLog();
    store.logBase = s.revision + 1;
    return store;
  }

  /** The whole MVCC state and the leases as plain data (see {@link KvStoreDump}); JSON-safe. */
  dump(): KvStoreDump {
    const keys: KvStoreDump['keys'] = [];
    this.index.forEach((key) => {
      keys.push({ key, versions: this.history(key) });
    });
    return {
      revision: this.currentRevision,
      compactRevision: this.compactRev,
      oldestEventRevision: this.logBase,
      keys,
      leases: this.leaseTable.entries().map(([, l]) => ({ id: l.id, ttl: l.ttl })),
    };
  }

  /**
   * Rebuilds a store from {@link dump} output; the result shares nothing with `d` and behaves
   * exactly like the dumped store (reads at past revisions, watch replays, leases). Throws a
   * RangeError naming the first inconsistency (revisions out of order or above the store
   * revision, a record not matching its version, a live key on an unknown lease...).
   */
  static restore(d: KvStoreDump): KvStore {
    const fail = (what: string): never => {
      throw new RangeError(`invalid store dump: ${what}`);
    };
    if (!Number.isInteger(d.revision) || d.revision < INITIAL_REVISION) fail(`revision ${d.revision}`);
    if (!Number.isInteger(d.compactRevision) || d.compactRevision < -1 || d.compactRevision > d.revision) {
      fail(`compactRevision ${d.compactRevision}`);
    }
    const oldest = d.oldestEventRevision;
    if (!Number.isInteger(oldest) || oldest < Math.max(1, d.compactRevision) || oldest > d.revision + 1) {
      fail(`oldestEventRevision ${oldest}`);
    }
    const store = new KvStore();
    let leases = SortedMap.empty<LeaseRecord>();
    for (const l of d.leases) {
      if (!isLeaseId(l.id) || !Number.isSafeInteger(l.ttl) || leases.has(l.id)) fail(`lease ${JSON.stringify(l)}`);
      leases = leases.set(l.id, { id: l.id, ttl: l.ttl, keys: SortedMap.empty() });
    }
    const byRevision = new Map<number, Version[]>();
    const entries: Array<[string, Version]> = [];
    let live = 0;
    let lastKey: string | null = null;
    for (const { key, versions } of d.keys) {
      if (typeof key !== 'string' || (lastKey !== null && key <= lastKey)) fail(`keys not strictly ascending at ${JSON.stringify(key)}`);
      lastKey = key;
      if (versions.length === 0) fail(`key ${JSON.stringify(key)} without versions`);
      let head: Version | null = null;
      for (const v of versions) {
        const ok =
          Number.isInteger(v.revision) && Number.isInteger(v.sub) && v.sub >= 0 && v.revision <= d.revision &&
          (head === null || v.revision > head.modRevision || (v.revision === head.modRevision && v.sub > head.sub)) &&
          (v.kv === null ? head === null || !head.tomb : validRecord(key, v.kv, d.revision) && v.kv.modRevision === v.revision);
        if (!ok) fail(`version ${JSON.stringify(v)} of key ${JSON.stringify(key)}`);
        const kv = v.kv;
        const node: Version = kv
          ? version(key, kv.value, kv.createRevision, kv.modRevision, kv.version, kv.lease, v.sub, false, head)
          : tombstone(key, v.revision, v.sub, head);
        if (v.revision >= oldest) {
          const list = byRevision.get(v.revision) ?? [];
          list.push(node);
          byRevision.set(v.revision, list);
        }
        head = node;
      }
      entries.push([key, head!]);
      if (!head!.tomb) {
        live++;
        const lid = head!.lease;
        if (lid !== undefined) {
          const l = leases.get(lid);
          if (!l) fail(`key ${JSON.stringify(key)} is attached to unknown lease ${lid}`);
          leases = leases.set(lid, { id: l!.id, ttl: l!.ttl, keys: l!.keys.set(key, true) });
        }
      }
    }
    const log: LogEntry[] = [];
    for (let r = oldest; r <= d.revision; r++) {
      const list = byRevision.get(r) ?? [];
      if (list.length === 0 && r > INITIAL_REVISION) fail(`no change recorded at revision ${r}`);
      list.sort((a, b) => a.sub - b.sub);
      log.push(list.length === 1 ? list[0] : Object.freeze(list));
    }
    store.index = SortedMap.of(entries);
    store.currentRevision = d.revision;
    store.compactRev = d.compactRevision;
    store.log = new AppendLog(log);
    store.logBase = oldest;
    store.leaseTable = leases;
    store.liveKeys = live;
    return store;
  }

  /**
   * Independent copy in O(1): every structure is persistent (shared, never mutated); the event
   * log is shared too, and a copy that appends after the other one did copies at most one chunk
   * of it (eventLog.ts).
   */
  clone(): KvStore {
    const c = new KvStore();
    c.restoreSaved(this.save());
    c.log = this.log.clone();
    return c;
  }
}

/**
 * keyIndex.compact on one key's versions (newest first): undefined when nothing is left, `head`
 * itself when nothing was dropped, else a rebuilt list (each old record kept is mapped to its
 * copy in `rebuilt`).
 */
function compactVersions(head: Version, rev: number, rebuilt: Map<Version, Version>): Version | undefined {
  const chain: Version[] = [];
  let v: Version | null = head;
  while (v && v.modRevision > rev) {
    chain.push(v);
    v = v.older;
  }
  if (!v) return head; // every version is above the compaction revision
  // v is the newest version at or below rev: keep it and its siblings of the same revision,
  // unless it is a tombstone older than rev (its generation is over). A tombstone at exactly rev
  // is kept, as etcd does since PR #18274 (issue #18089: v3.4/v3.5 dropped it, and a watch from
  // rev lost that DELETE); keyIndex.keep, which skips it, only feeds etcd's hash.
  if (!v.tomb || v.modRevision === rev) {
    for (let s: Version | null = v; s && (s === v || s.modRevision === rev); s = s.older) chain.push(s);
  }
  if (chain.length === 0) return undefined;
  if (chain[chain.length - 1].older === null) return head; // nothing was dropped
  let tail: Version | null = null;
  for (let i = chain.length - 1; i >= 0; i--) {
    const c = chain[i];
    const copy = version(c.key, c.value, c.createRevision, c.modRevision, c.version, c.lease, c.sub, c.tomb, tail);
    rebuilt.set(chain[i], copy);
    tail = copy;
  }
  return tail!;
}

/** etcd compareKV: the key's field against the compare's value; `kv` null is etcd's empty KeyValue. */
function compareKv(c: Compare, kv: KeyValue | null): boolean {
  let cmp: number;
  switch (c.target) {
    case 'value':
      cmp = compareStrings(kv ? kv.value : '', c.value as string);
      break;
    case 'lease':
      // 16-digit hex strings order like the int64s they are.
      cmp = compareStrings(kv?.lease ?? NO_LEASE, c.value as string);
      break;
    default: {
      const actual = kv ? kv[c.target] : 0;
      const want = c.value as number;
      cmp = actual < want ? -1 : actual > want ? 1 : 0;
    }
  }
  switch (c.result) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '>':
      return cmp > 0;
  }
}

function validRecord(k: string, kv: KeyValue, revision: number): boolean {
  return (
    kv !== null &&
    typeof kv === 'object' &&
    kv.key === k &&
    typeof kv.value === 'string' &&
    Number.isInteger(kv.createRevision) &&
    Number.isInteger(kv.modRevision) &&
    Number.isInteger(kv.version) &&
    kv.createRevision >= 1 &&
    kv.createRevision <= kv.modRevision &&
    kv.modRevision <= revision &&
    kv.version >= 1 &&
    (kv.lease === undefined || isLeaseId(kv.lease))
  );
}

// ---- the KvOp API's own checks and translation ---------------------------------------------------

const OLD_TARGETS: ReadonlySet<string> = new Set(['value', 'version', 'createRevision', 'modRevision']);
const OLD_RESULTS: ReadonlySet<string> = new Set(['=', '!=', '<', '>']);

/**
 * Checks the shape of a KvOp the way etcd's gRPC layer does before it reaches the store.
 * Returns the error text, or null if the op is acceptable. Only put/get/delete may appear
 * inside a txn branch of this API (nested txns are in the etcd API).
 */
function validateOp(op: KvOp, inTxn: boolean): string | null {
  switch (op?.op) {
    case 'put':
      return op.key === '' ? EMPTY_KEY_ERROR : null;
    case 'get':
    case 'delete':
      return op.key === '' && !op.prefix ? EMPTY_KEY_ERROR : null;
    case 'txn': {
      if (inTxn) return 'nested txn is not supported';
      for (const c of op.compare) {
        const err = validateCompare(c);
        if (err) return err;
      }
      for (const branch of [op.success, op.failure]) {
        for (const sub of branch) {
          const err = validateOp(sub, true);
          if (err) return err;
        }
        if (hasDuplicateWrite(branch)) return DUPLICATE_KEY_ERROR;
      }
      return null;
    }
    default:
      return `unknown op ${JSON.stringify((op as { op?: unknown } | undefined)?.op)}`;
  }
}

function validateCompare(c: KvCompare): string | null {
  if (!OLD_TARGETS.has(c.target)) return `invalid compare target ${JSON.stringify(c.target)}`;
  if (!OLD_RESULTS.has(c.result)) return `invalid compare result ${JSON.stringify(c.result)}`;
  const want = c.target === 'value' ? 'string' : 'number';
  if (typeof c.value !== want) return `invalid compare: target ${c.target} needs a ${want} value`;
  if (want === 'number' && !Number.isSafeInteger(c.value)) return `invalid compare: target ${c.target} needs an integer`;
  return null;
}

/**
 * etcd's checkIntervals for one txn branch of this API: a put may not hit a key that another put
 * in the same branch writes, nor a key inside a delete range of the same branch (a prefix ''
 * covers every key). Overlapping deletes are allowed (as in etcd). Order inside the branch does
 * not matter.
 */
function hasDuplicateWrite(branch: readonly KvTxnOp[]): boolean {
  const deletes = branch.filter((o): o is Extract<KvTxnOp, { op: 'delete' }> => o.op === 'delete');
  const puts = new Set<string>();
  for (const o of branch) {
    if (o.op !== 'put') continue;
    if (puts.has(o.key)) return true;
    for (const d of deletes) {
      if (d.prefix ? o.key.startsWith(d.key) : o.key === d.key) return true;
    }
    puts.add(o.key);
  }
  return false;
}

function rangeOf(key: string, prefix: boolean | undefined): { key: string; rangeEnd?: string } {
  return prefix ? prefixRange(key) : { key };
}

/** The etcd request for a (validated) KvOp. */
function toRequest(op: KvOp): RequestOp {
  switch (op.op) {
    case 'put':
      return { op: 'put', key: op.key, value: op.value, prevKv: true };
    case 'get':
      return { op: 'range', ...rangeOf(op.key, op.prefix) };
    case 'delete':
      return { op: 'deleteRange', ...rangeOf(op.key, op.prefix), prevKv: true };
    case 'txn':
      return {
        op: 'txn',
        compare: op.compare.map((c) => ({ key: c.key, target: c.target, result: c.result, value: c.value })),
        success: op.success.map(toRequest),
        failure: op.failure.map(toRequest),
      };
  }
}

/** The KvResult of an etcd response; every revision is the request's final revision. */
function toResult(r: ResponseOp, revision: number): KvResult {
  switch (r.op) {
    case 'put':
      return r.prevKv ? { op: 'put', revision, prevKv: r.prevKv } : { op: 'put', revision };
    case 'range':
      return { op: 'get', revision, kvs: r.kvs };
    case 'deleteRange':
      return { op: 'delete', revision, deleted: r.deleted, prevKvs: r.prevKvs ?? [] };
    case 'txn':
      return { op: 'txn', revision, succeeded: r.succeeded, responses: r.responses.map((x) => toResult(x, revision)) };
  }
}

// ---- the replicated state machine ------------------------------------------------------------------

const isEtcdResponse = (r: KvResult | KvResponse): r is KvResponse => 'header' in r;

/**
 * What each Raft server applies committed log entries to: a {@link KvStore} plus the client
 * session table `clientId → {seq, result}` for duplicate suppression (Raft thesis §6.3), so a
 * command retried by a client after a leader change is applied at most once.
 */
export class KvStateMachine {
  private kv: KvStore;
  private sessions: Map<string, ClientSession>;

  /** An empty store (revision 1) and no sessions. */
  constructor() {
    this.kv = new KvStore();
    this.sessions = new Map();
  }

  /** The live store (not a copy); writing to it directly bypasses duplicate suppression. */
  get store(): KvStore {
    return this.kv;
  }

  /**
   * Applies one committed log entry.
   * - `{type:'noop'}` (a new leader's first entry): returns null, changes nothing.
   * - `{type:'kv', clientId, seq, op}`: if `seq` is at most the client's last applied seq the
   *   command is a duplicate and nothing changes: `seq` equal → a copy of the cached result;
   *   `seq` lower → `{op:'error', revision, error: 'stale request'}` (current revision).
   *   Otherwise the op is applied with {@link KvStore.apply} (reads too: linearizable gets go
   *   through the log), `{seq, result}` becomes the client's session, and the result is returned.
   *   Error results from the store are recorded like any other result.
   * The returned result is the cached object itself on first application: treat it as read-only.
   * Throws a TypeError for a command of unknown type, and an Error if a retried seq was first
   * applied as an {@link EtcdCommand} (a client must not reuse a seq for another command).
   */
  applyCommand(cmd: Command): KvResult | null {
    if (cmd.type === 'noop') return null;
    if (cmd.type !== 'kv') {
      throw new TypeError(`unknown command type ${JSON.stringify((cmd as { type?: unknown }).type)}`);
    }
    const session = this.sessions.get(cmd.clientId);
    if (session && cmd.seq <= session.seq) {
      if (cmd.seq < session.seq) return { op: 'error', revision: this.kv.revision, error: STALE_REQUEST_ERROR };
      if (isEtcdResponse(session.result)) {
        throw new Error(`client ${JSON.stringify(cmd.clientId)} reused seq ${cmd.seq} for a different command`);
      }
      return structuredClone(session.result);
    }
    const result = this.kv.apply(cmd.op);
    this.sessions.set(cmd.clientId, { seq: cmd.seq, result });
    return result;
  }

  /**
   * Applies one committed etcd request ({@link KvStore.execute}). With `clientId` and `seq` the
   * session table suppresses duplicates exactly as {@link applyCommand} does (same seq → a copy of
   * the cached response; lower → an error response `stale request`); without them (a lessor's
   * revocation) the request is simply applied. Throws a TypeError if only one of clientId/seq is
   * given, and an Error if a retried seq was first applied as a {@link Command}.
   */
  applyEtcdCommand(cmd: EtcdCommand): KvResponse {
    if ((cmd.clientId === undefined) !== (cmd.seq === undefined)) {
      throw new TypeError('an etcd command needs both clientId and seq, or neither');
    }
    if (cmd.clientId === undefined || cmd.seq === undefined) return this.kv.execute(cmd.request);
    const session = this.sessions.get(cmd.clientId);
    if (session && cmd.seq <= session.seq) {
      if (cmd.seq < session.seq) {
        return { op: 'error', header: { revision: this.kv.revision }, code: 'InvalidRequest', error: STALE_REQUEST_ERROR };
      }
      if (!isEtcdResponse(session.result)) {
        throw new Error(`client ${JSON.stringify(cmd.clientId)} reused seq ${cmd.seq} for a different command`);
      }
      return structuredClone(session.result);
    }
    const result = this.kv.execute(cmd.request);
    this.sessions.set(cmd.clientId, { seq: cmd.seq, result });
    return result;
  }

  /** Copy of a client's session `{seq, result}`, or undefined if none was applied for it. */
  session(clientId: string): ClientSession | undefined {
    const s = this.sessions.get(clientId);
    return s ? structuredClone(s) : undefined;
  }

  /**
   * Deep plain-data copy `{store, sessions, history}` (session keys in ascending order,
   * null-prototype records); JSON-safe. `history` is the store's full {@link KvStore.dump}.
   */
  snapshot(): KvStateMachineSnapshot {
    const ids = [...this.sessions.keys()].sort(compareStrings);
    const sessions = dict<ClientSession>();
    for (const id of ids) sessions[id] = structuredClone(this.sessions.get(id)!);
    return { store: this.kv.snapshot(), sessions, history: this.kv.dump() };
  }

  /**
   * Rebuilds a state machine from {@link snapshot} output; the result shares nothing with `s`.
   * The store comes from `history` when present ({@link KvStore.restore}), else from `store`
   * ({@link KvStore.fromSnapshot}, no history). Throws a RangeError for an inconsistent store
   * or a session whose seq is not a finite number.
   */
  static fromSnapshot(s: KvStateMachineSnapshot): KvStateMachine {
    const sm = new KvStateMachine();
    sm.kv = s.history ? KvStore.restore(s.history) : KvStore.fromSnapshot(s.store);
    for (const [id, session] of Object.entries(s.sessions)) {
      if (!Number.isFinite(session.seq)) throw new RangeError(`invalid session seq for client ${JSON.stringify(id)}`);
      sm.sessions.set(id, structuredClone(session));
    }
    return sm;
  }

  /** Independent copy: the store in O(1) ({@link KvStore.clone}), the sessions deeply. */
  clone(): KvStateMachine {
    const sm = new KvStateMachine();
    sm.kv = this.kv.clone();
    for (const [id, session] of this.sessions) sm.sessions.set(id, structuredClone(session));
    return sm;
  }
}
