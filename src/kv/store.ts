/**
 * The etcd-v3-style KV state machine that every Raft server applies committed log entries to.
 *
 * - {@link KvStore}: the current state of an etcd MVCC keyspace (no history, no compaction):
 *   a store-wide `revision` plus, per key, `createRevision`, `modRevision` and `version`.
 * - {@link KvStateMachine}: a KvStore plus the client session table used for duplicate
 *   suppression (Raft thesis §6.3), so a retried command is applied at most once.
 *
 * Everything here is deterministic and synchronous: no randomness, clocks, timers or I/O.
 */
import type {
  ClientSession,
  Command,
  KeyValue,
  KvCompare,
  KvOp,
  KvResult,
  KvSnapshot,
  KvStateMachineSnapshot,
  KvTxnOp,
} from './types';

/** etcd's initial store revision: an empty store reports revision 1, so the first write is revision 2. */
export const INITIAL_REVISION = 1;

/** Error text of a txn that writes one key twice (etcd rpctypes.ErrGRPCDuplicateKey, without the "etcdserver: " prefix). */
export const DUPLICATE_KEY_ERROR = 'duplicate key given in txn request';

/** Error text of a put, or a get/delete without `prefix`, on the empty key (etcd rpctypes.ErrGRPCEmptyKey). */
export const EMPTY_KEY_ERROR = 'key is not provided';

/** Error text returned for a client request older than the last one applied for that client. */
export const STALE_REQUEST_ERROR = 'stale request';

/** Key order: plain JS string (UTF-16 code unit) order, which equals etcd's byte order for ASCII keys. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byKey(a: KeyValue, b: KeyValue): number {
  return compareKeys(a.key, b.key);
}

function copyKv(kv: KeyValue): KeyValue {
  return {
    key: kv.key,
    value: kv.value,
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
    version: kv.version,
  };
}

/** Result of one read/write inside a write section; `revision` is filled in once the section ends. */
type Pending =
  | { op: 'put'; revision: number; prevKv?: KeyValue }
  | { op: 'get'; revision: number; kvs: KeyValue[] }
  | { op: 'delete'; revision: number; deleted: number; prevKvs: KeyValue[] };

const TARGETS: ReadonlySet<string> = new Set(['value', 'version', 'createRevision', 'modRevision']);
const RESULTS: ReadonlySet<string> = new Set(['=', '!=', '<', '>']);

/**
 * Checks the shape of a request the way etcd's gRPC layer does before it reaches the store.
 * Returns the error text, or null if the op is acceptable. Only put/get/delete may appear
 * inside a txn branch (this simulator has no nested txns).
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
  if (!TARGETS.has(c.target)) return `invalid compare target ${JSON.stringify(c.target)}`;
  if (!RESULTS.has(c.result)) return `invalid compare result ${JSON.stringify(c.result)}`;
  const want = c.target === 'value' ? 'string' : 'number';
  if (typeof c.value !== want) return `invalid compare: target ${c.target} needs a ${want} value`;
  return null;
}

/**
 * etcd's checkIntervals for one txn branch: a put may not hit a key that another put in the
 * same branch writes, nor a key inside a delete range of the same branch. Overlapping deletes
 * are allowed (as in etcd). Order inside the branch does not matter.
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

/**
 * Current state of an etcd v3 MVCC keyspace.
 *
 * Revision rules (etcd mvcc): the store starts at revision 1 with no keys; every transaction
 * that changes something raises the revision by exactly one, and every change it makes carries
 * that new revision; reads and no-op deletes leave it unchanged. Per key, `createRevision` is
 * the revision of the put that created it, `modRevision` that of its last put, and `version`
 * the number of puts since creation (a delete removes the key, so a later put starts again at
 * version 1 with a new createRevision).
 *
 * Internally a Map of immutable KeyValue records: writes replace records, never mutate them,
 * so {@link clone} is a shallow Map copy. Every KeyValue handed out is a fresh copy.
 */
export class KvStore {
  private kvs: Map<string, KeyValue>;
  private currentRevision: number;

  /** An empty store at etcd's initial revision 1. */
  constructor() {
    this.kvs = new Map();
    this.currentRevision = INITIAL_REVISION;
  }

  /** The store revision (etcd ResponseHeader.revision): 1 initially, +1 per changing txn. */
  get revision(): number {
    return this.currentRevision;
  }

  /** Number of keys currently present. */
  get size(): number {
    return this.kvs.size;
  }

  /**
   * Executes one op as one etcd transaction and returns its result; never throws.
   *
   * - put: creates the key (createRevision = modRevision = revision+1, version 1) or updates it
   *   (modRevision = revision+1, version+1, createRevision kept); always bumps the revision, even
   *   if the value is unchanged. Result `{op:'put', revision, prevKv?}`.
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
    if (op.op !== 'txn') return this.runWrites([op])[0];
    const succeeded = op.compare.every((c) => this.compareHolds(c));
    const responses = this.runWrites(succeeded ? op.success : op.failure);
    return { op: 'txn', revision: this.currentRevision, succeeded, responses };
  }

  /**
   * Runs ops as one etcd write txn: all writes carry revision+1, the revision is bumped once at
   * the end if anything changed, and every result gets the final revision. Ops are validated.
   */
  private runWrites(ops: readonly KvTxnOp[]): Pending[] {
    const next = this.currentRevision + 1;
    let changed = false;
    const out: Pending[] = [];
    for (const o of ops) {
      if (o.op === 'put') {
        const prev = this.kvs.get(o.key);
        this.kvs.set(o.key, {
          key: o.key,
          value: o.value,
          createRevision: prev ? prev.createRevision : next,
          modRevision: next,
          version: prev ? prev.version + 1 : 1,
        });
        changed = true;
        out.push(prev ? { op: 'put', revision: 0, prevKv: copyKv(prev) } : { op: 'put', revision: 0 });
      } else if (o.op === 'get') {
        out.push({ op: 'get', revision: 0, kvs: this.range(o.key, o.prefix).map(copyKv) });
      } else {
        const hit = this.range(o.key, o.prefix);
        for (const kv of hit) this.kvs.delete(kv.key);
        if (hit.length > 0) changed = true;
        out.push({ op: 'delete', revision: 0, deleted: hit.length, prevKvs: hit.map(copyKv) });
      }
    }
    if (changed) this.currentRevision = next;
    for (const r of out) r.revision = this.currentRevision;
    return out;
  }

  /** Internal records (not copies) for a key or prefix, in ascending key order. */
  private range(key: string, prefix: boolean | undefined): KeyValue[] {
    if (!prefix) {
      const kv = this.kvs.get(key);
      return kv ? [kv] : [];
    }
    const hit: KeyValue[] = [];
    for (const kv of this.kvs.values()) if (kv.key.startsWith(key)) hit.push(kv);
    return hit.sort(byKey);
  }

  /**
   * etcd applyCompare on a single key. A missing key counts as version 0, createRevision 0 and
   * modRevision 0 (so `createRevision = 0` tests absence). A compare on the value of a missing key
   * always fails, '!=' included (etcd: "Always fail if comparing a value on a key that doesn't exist").
   */
  private compareHolds(c: KvCompare): boolean {
    const kv = this.kvs.get(c.key);
    let cmp: number;
    if (c.target === 'value') {
      if (!kv) return false;
      cmp = compareKeys(kv.value, c.value as string);
    } else {
      const actual = kv ? kv[c.target] : 0;
      const want = c.value as number;
      cmp = actual < want ? -1 : actual > want ? 1 : 0;
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

  /** Copy of one key's record, or undefined if absent (a read outside any txn; no revision change). */
  get(key: string): KeyValue | undefined {
    const kv = this.kvs.get(key);
    return kv ? copyKv(kv) : undefined;
  }

  /**
   * Applied state as plain data: key → value, keys in ascending order. This is what
   * scenario `kv` expectations are checked against.
   */
  entries(): Record<string, string> {
    const keys = [...this.kvs.keys()].sort(compareKeys);
    return Object.fromEntries(keys.map((k) => [k, this.kvs.get(k)!.value]));
  }

  /** Deep plain-data copy `{revision, kvs: key → KeyValue}` (keys in ascending order); JSON-safe. */
  snapshot(): KvSnapshot {
    const keys = [...this.kvs.keys()].sort(compareKeys);
    return { revision: this.currentRevision, kvs: Object.fromEntries(keys.map((k) => [k, copyKv(this.kvs.get(k)!)])) };
  }

  /**
   * Rebuilds a store from {@link snapshot} output; the result shares nothing with `s`.
   * Throws a RangeError if the snapshot is inconsistent: revision not an integer ≥ 1, a record
   * whose `key` differs from its map key, or a record without
   * 1 ≤ createRevision ≤ modRevision ≤ revision and version ≥ 1.
   */
  static fromSnapshot(s: KvSnapshot): KvStore {
    if (!Number.isInteger(s.revision) || s.revision < INITIAL_REVISION) {
      throw new RangeError(`invalid snapshot revision ${s.revision}`);
    }
    const store = new KvStore();
    store.currentRevision = s.revision;
    for (const [k, kv] of Object.entries(s.kvs)) {
      const ok =
        kv.key === k &&
        typeof kv.value === 'string' &&
        Number.isInteger(kv.createRevision) &&
        Number.isInteger(kv.modRevision) &&
        Number.isInteger(kv.version) &&
        kv.createRevision >= 1 &&
        kv.createRevision <= kv.modRevision &&
        kv.modRevision <= s.revision &&
        kv.version >= 1;
      if (!ok) throw new RangeError(`invalid snapshot record for key ${JSON.stringify(k)}`);
      store.kvs.set(k, copyKv(kv));
    }
    return store;
  }

  /** Independent copy (O(keys), records are shared because they are never mutated). */
  clone(): KvStore {
    const c = new KvStore();
    c.currentRevision = this.currentRevision;
    c.kvs = new Map(this.kvs);
    return c;
  }
}

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
   * Throws a TypeError for a command of unknown type.
   */
  applyCommand(cmd: Command): KvResult | null {
    if (cmd.type === 'noop') return null;
    if (cmd.type !== 'kv') {
      throw new TypeError(`unknown command type ${JSON.stringify((cmd as { type?: unknown }).type)}`);
    }
    const session = this.sessions.get(cmd.clientId);
    if (session && cmd.seq <= session.seq) {
      if (cmd.seq === session.seq) return structuredClone(session.result);
      return { op: 'error', revision: this.kv.revision, error: STALE_REQUEST_ERROR };
    }
    const result = this.kv.apply(cmd.op);
    this.sessions.set(cmd.clientId, { seq: cmd.seq, result });
    return result;
  }

  /** Copy of a client's session `{seq, result}`, or undefined if none was applied for it. */
  session(clientId: string): ClientSession | undefined {
    const s = this.sessions.get(clientId);
    return s ? structuredClone(s) : undefined;
  }

  /** Deep plain-data copy `{store, sessions}` (session keys in ascending order); JSON-safe. */
  snapshot(): KvStateMachineSnapshot {
    const ids = [...this.sessions.keys()].sort(compareKeys);
    return {
      store: this.kv.snapshot(),
      sessions: Object.fromEntries(ids.map((id) => [id, structuredClone(this.sessions.get(id)!)])),
    };
  }

  /**
   * Rebuilds a state machine from {@link snapshot} output; the result shares nothing with `s`.
   * Throws a RangeError for an inconsistent store snapshot (see {@link KvStore.fromSnapshot})
   * or a session whose seq is not a finite number.
   */
  static fromSnapshot(s: KvStateMachineSnapshot): KvStateMachine {
    const sm = new KvStateMachine();
    sm.kv = KvStore.fromSnapshot(s.store);
    for (const [id, session] of Object.entries(s.sessions)) {
      if (!Number.isFinite(session.seq)) throw new RangeError(`invalid session seq for client ${JSON.stringify(id)}`);
      sm.sessions.set(id, structuredClone(session));
    }
    return sm;
  }

  /** Independent deep copy of store and sessions. */
  clone(): KvStateMachine {
    const sm = new KvStateMachine();
    sm.kv = this.kv.clone();
    for (const [id, session] of this.sessions) sm.sessions.set(id, structuredClone(session));
    return sm;
  }
}
