/**
 * The checks etcd's gRPC layer makes before a request reaches the store
 * (etcd server/etcdserver/api/v3rpc/key.go: checkRangeRequest, checkPutRequest,
 * checkDeleteRequest, checkTxnRequest, checkIntervals), plus shape checks for what etcd's
 * protobuf types make impossible (a number where a string belongs, an unknown op).
 */
import { KvError, MAX_TXN_OPS, invalid } from './errors';
import { NO_LEASE, isLeaseId } from './leaseId';
import type { Compare, DeleteRangeRequest, KvRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './types';

const SORT_ORDERS: ReadonlySet<unknown> = new Set(['NONE', 'ASCEND', 'DESCEND']);
const SORT_TARGETS: ReadonlySet<unknown> = new Set(['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE']);
const TARGETS: ReadonlySet<unknown> = new Set(['value', 'version', 'createRevision', 'modRevision', 'lease']);
const RESULTS: ReadonlySet<unknown> = new Set(['=', '!=', '<', '>']);

const isInt = (x: unknown): x is number => Number.isSafeInteger(x);
const optInt = (x: unknown): boolean => x === undefined || isInt(x);
const optBool = (x: unknown): boolean => x === undefined || typeof x === 'boolean';
const optStr = (x: unknown): boolean => x === undefined || typeof x === 'string';

/** A lease field: absent, NO_LEASE (both "no lease") or a canonical ID. */
export function leaseOrNone(x: unknown): boolean {
  return x === undefined || x === NO_LEASE || isLeaseId(x);
}

/** True if the put names a lease (etcd `r.Lease != 0`). */
export function putHasLease(p: PutRequest): boolean {
  return p.lease !== undefined && p.lease !== NO_LEASE;
}

function checkRange(r: RangeRequest): KvError | null {
  if (typeof r.key !== 'string' || !optStr(r.rangeEnd)) return invalid('range key and rangeEnd must be strings');
  for (const f of ['limit', 'revision', 'minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision'] as const) {
    if (!optInt(r[f])) return invalid(`range ${f} must be an integer`);
  }
  for (const f of ['serializable', 'keysOnly', 'countOnly'] as const) {
    if (!optBool(r[f])) return invalid(`range ${f} must be a boolean`);
  }
  if (r.key === '') return new KvError('EmptyKey');
  if (r.sortOrder !== undefined && !SORT_ORDERS.has(r.sortOrder)) return new KvError('InvalidSortOption');
  if (r.sortTarget !== undefined && !SORT_TARGETS.has(r.sortTarget)) return new KvError('InvalidSortOption');
  return null;
}

function checkPut(r: PutRequest): KvError | null {
  if (typeof r.key !== 'string' || typeof r.value !== 'string') return invalid('put key and value must be strings');
  if (!leaseOrNone(r.lease)) return invalid(`put lease ${JSON.stringify(r.lease)} is not a lease ID (16 hex digits)`);
  for (const f of ['prevKv', 'ignoreValue', 'ignoreLease'] as const) {
    if (!optBool(r[f])) return invalid(`put ${f} must be a boolean`);
  }
  if (r.key === '') return new KvError('EmptyKey');
  if (r.ignoreValue && r.value.length !== 0) return new KvError('ValueProvided');
  if (r.ignoreLease && putHasLease(r)) return new KvError('LeaseProvided');
  return null;
}

function checkDelete(r: DeleteRangeRequest): KvError | null {
  if (typeof r.key !== 'string' || !optStr(r.rangeEnd)) return invalid('deleteRange key and rangeEnd must be strings');
  if (!optBool(r.prevKv)) return invalid('deleteRange prevKv must be a boolean');
  if (r.key === '') return new KvError('EmptyKey');
  return null;
}

function checkCompare(c: Compare): KvError | null {
  if (c === null || typeof c !== 'object') return invalid('a compare must be an object');
  if (typeof c.key !== 'string' || !optStr(c.rangeEnd)) return invalid('compare key and rangeEnd must be strings');
  if (!TARGETS.has(c.target)) return invalid(`compare target ${JSON.stringify(c.target)}`);
  if (!RESULTS.has(c.result)) return invalid(`compare result ${JSON.stringify(c.result)}`);
  if (c.target === 'value') {
    if (typeof c.value !== 'string') return invalid('compare on value needs a string');
  } else if (c.target === 'lease') {
    if (c.value !== NO_LEASE && !isLeaseId(c.value)) return invalid('compare on lease needs a lease ID (16 hex digits)');
  } else if (!isInt(c.value)) {
    return invalid(`compare on ${c.target} needs an integer`);
  }
  return null;
}

/** etcd checkTxnRequest: ops per level bounded, compare keys present, every op checked recursively. */
function checkTxn(r: TxnRequest, maxTxnOps: number): KvError | null {
  if (!Array.isArray(r.compare) || !Array.isArray(r.success) || !Array.isArray(r.failure)) {
    return invalid('txn compare, success and failure must be lists');
  }
  const opc = Math.max(r.compare.length, r.success.length, r.failure.length);
  if (opc > maxTxnOps) return new KvError('TooManyOps');
  for (const c of r.compare) {
    const err = checkCompare(c);
    if (err) return err;
    if (c.key === '') return new KvError('EmptyKey');
  }
  for (const branch of [r.success, r.failure]) {
    for (const u of branch) {
      const err = checkRequestOp(u, maxTxnOps - opc);
      if (err) return err;
    }
  }
  return null;
}

/** etcd checkRequestOp. */
function checkRequestOp(u: RequestOp, maxTxnOps: number): KvError | null {
  switch (u?.op) {
    case 'range':
      return checkRange(u);
    case 'put':
      return checkPut(u);
    case 'deleteRange':
      return checkDelete(u);
    case 'txn':
      return checkTxn(u, maxTxnOps);
    default:
      return invalid(`unknown txn op ${JSON.stringify((u as { op?: unknown } | undefined)?.op)}`);
  }
}

interface Interval {
  begin: string;
  /** '' = +infinity (etcd adt.StringAffineComparable). */
  end: string;
}

/** adt interval tree Intersects for the point [k, k+"\0"): begin <= k < end, '' as +infinity. */
function intersectsPoint(dels: readonly Interval[], k: string): boolean {
  return dels.some((d) => d.begin <= k && (d.end === '' || k < d.end));
}

/**
 * etcd checkIntervals: within one list of ops, a put may not hit a key another put of the list
 * writes, nor a key inside a delete of the list or of a nested txn's branches; puts of a nested
 * txn's then and else branches may overlap each other (only one runs). Returns this level's puts
 * and deletes for the enclosing level, or the duplicate-key error.
 *
 * etcd quirk kept: a from-key delete (rangeEnd "\0") is the interval [key, "\0"), which contains
 * no key, so it never conflicts with a put.
 */
function checkIntervals(reqs: readonly RequestOp[]): { puts: Set<string>; dels: Interval[] } | KvError {
  const dels: Interval[] = [];
  for (const r of reqs) {
    if (r.op !== 'deleteRange') continue;
    dels.push(r.rangeEnd ? { begin: r.key, end: r.rangeEnd } : { begin: r.key, end: r.key + '\0' });
  }
  const puts = new Set<string>();
  for (const r of reqs) {
    if (r.op !== 'txn') continue;
    const then = checkIntervals(r.success);
    if (then instanceof KvError) return then;
    const els = checkIntervals(r.failure);
    if (els instanceof KvError) return els;
    for (const k of then.puts) {
      if (puts.has(k) || intersectsPoint(dels, k)) return new KvError('DuplicateKey');
      puts.add(k);
    }
    for (const k of els.puts) {
      if (puts.has(k) && !then.puts.has(k)) return new KvError('DuplicateKey');
      if (intersectsPoint(dels, k)) return new KvError('DuplicateKey');
      puts.add(k);
    }
    dels.push(...then.dels, ...els.dels);
  }
  for (const r of reqs) {
    if (r.op !== 'put') continue;
    if (puts.has(r.key) || intersectsPoint(dels, r.key)) return new KvError('DuplicateKey');
    puts.add(r.key);
  }
  return { puts, dels };
}

/**
 * Checks a request as etcd does before applying it; returns the error or null. For a txn this is
 * kvServer.Txn: checkTxnRequest, then checkIntervals on each branch. Errors that depend on the
 * store's state (lease not found, compacted, future revision, key not found) come later, from
 * the store itself.
 */
export function checkRequest(req: KvRequest, maxTxnOps = MAX_TXN_OPS): KvError | null {
  if (req === null || typeof req !== 'object') return invalid('a request must be an object');
  switch (req.op) {
    case 'range':
    case 'put':
    case 'deleteRange':
      return checkRequestOp(req, maxTxnOps);
    case 'txn': {
      const err = checkTxn(req, maxTxnOps);
      if (err) return err;
      for (const branch of [req.success, req.failure]) {
        const r = checkIntervals(branch);
        if (r instanceof KvError) return r;
      }
      return null;
    }
    case 'compact':
      return isInt(req.revision) ? null : invalid('compact revision must be an integer');
    case 'leaseGrant':
      if (!leaseOrNone(req.id) || req.id === undefined) return invalid(`lease ID ${JSON.stringify(req.id)} is not 16 hex digits`);
      return isInt(req.ttl) ? null : invalid('lease TTL must be an integer number of seconds');
    case 'leaseRevoke':
      return leaseOrNone(req.id) && req.id !== undefined ? null : invalid(`lease ID ${JSON.stringify(req.id)} is not 16 hex digits`);
    default:
      return invalid(`unknown op ${JSON.stringify((req as { op?: unknown }).op)}`);
  }
}
