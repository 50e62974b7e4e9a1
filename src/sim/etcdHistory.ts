/**
 * etcd operations in the run's client history, for the linearizability checker (issue 14;
 * src/check/linearizability.ts checks each key as a register: put, get, delete, cas).
 *
 * What goes in, per request (the checker checks keys one by one, so the writes of a multi-key
 * request can be recorded one per key: the projection of a linearizable history on one key is
 * linearizable):
 * - a range of one key at the current revision (no rangeEnd, rev, limit, keys-only, count-only or
 *   filters): a get, with the value read;
 * - a put: a put (`--ignore-value` puts are left out: their value is not in the request);
 * - a deleteRange of one key: a delete; of a prefix (`del --prefix`): a prefix delete;
 * - a txn of the cas shape (one compare `value = X`, or `version = 0` / `createRevision = 0` for
 *   "absent", a success branch of one put of that key, a failure branch empty or of reads of it): a cas;
 * - any other txn: the writes of the branch that ran, each a put or delete (its compares are not
 *   checked); if its outcome is unknown, the writes of every branch, each of unknown outcome;
 * - a lease revocation (by a client or by the leader's lessor on expiry): a delete of each attached
 *   key by the client `lessor`, from the proposal to the first apply anywhere (src/sim/etcd.ts).
 * Not checked: reads of several keys, of a past revision, or inside a txn; deleteRange over a
 * range that is neither one key nor a prefix (left out; a later read of one of its keys may then
 * be reported as a violation); compaction and leases (no key changes of their own).
 */
import { prefixEnd, type KvRequest, type KvResponse, type RequestOp, type ResponseOp } from '../kv';
import type { HistoryRecord } from './types';

/** A request's history in progress: what it may write, from its invocation. */
export interface PendingHistory {
  client: string;
  request: KvRequest;
  invokeMs: number;
  invokeOrder: number;
}

/** Whether a request is recorded at all (see the module comment). */
export function recordable(r: KvRequest): boolean {
  switch (r.op) {
    case 'range': return singleKeyRead(r);
    case 'put': return !r.ignoreValue;
    case 'deleteRange': return deleteShape(r) !== null;
    case 'txn': return true;
    default: return false;
  }
}

const singleKeyRead = (r: Extract<KvRequest, { op: 'range' }>): boolean =>
  !r.rangeEnd && !r.revision && !r.countOnly && !r.keysOnly && !r.limit && !r.minModRevision && !r.maxModRevision && !r.minCreateRevision && !r.maxCreateRevision;

function deleteShape(r: Extract<KvRequest, { op: 'deleteRange' }>): { prefix: boolean } | null {
  if (!r.rangeEnd) return { prefix: false };
  if (r.rangeEnd === prefixEnd(r.key)) return { prefix: true };
  return null;
}

/**
 * A txn the register model reads as a cas: one compare on one key (`value = X`, or `version = 0` /
 * `createRevision = 0` for "absent"), a success branch of one put of that key, and a failure
 * branch empty or of single-key reads of it.
 */
export function casShape(t: Extract<KvRequest, { op: 'txn' }>): { key: string; from: string | null; to: string } | null {
  if (t.compare.length !== 1 || t.success.length !== 1) return null;
  const c = t.compare[0];
  const put = t.success[0];
  if (c.rangeEnd || put.op !== 'put' || put.key !== c.key || put.ignoreValue) return null;
  if (!t.failure.every((f) => f.op === 'range' && f.key === c.key && !f.rangeEnd)) return null;
  if (c.target === 'value' && c.result === '=' && typeof c.value === 'string') return { key: c.key, from: c.value, to: put.value };
  if ((c.target === 'version' || c.target === 'createRevision') && c.result === '=' && c.value === 0) return { key: c.key, from: null, to: put.value };
  return null;
}

type Timing = Pick<HistoryRecord, 'invokeMs' | 'invokeOrder' | 'returnMs' | 'returnOrder'>;

/** The records of a request that returned with `response` (null: refused without a store answer, e.g. no leader). */
export function historyOnReturn(p: PendingHistory, response: KvResponse | null, returnMs: number, returnOrder: number): HistoryRecord[] {
  const t: Timing = { invokeMs: p.invokeMs, invokeOrder: p.invokeOrder, returnMs, returnOrder };
  const failed = response === null || response.op === 'error';
  const r = p.request;
  const base = (result: HistoryRecord['result']) => ({ client: p.client, ...t, result, ...(response ? { response } : {}) });
  switch (r.op) {
    case 'range': {
      const value = !failed && response.op === 'range' ? (response.kvs.length ? response.kvs[0].value : null) : undefined;
      return [{ ...base(failed ? 'fail' : 'ok'), op: 'get', key: r.key, ...(value !== undefined ? { value } : {}), ...(r.serializable ? { serializable: true } : {}) }];
    }
    case 'put':
      return [{ ...base(failed ? 'fail' : 'ok'), op: 'put', key: r.key, value: r.value }];
    case 'deleteRange':
      return [{ ...base(failed ? 'fail' : 'ok'), op: 'delete', key: r.key, ...(deleteShape(r)!.prefix ? { prefix: true } : {}) }];
    case 'txn': {
      const cas = casShape(r);
      if (cas) {
        const ok = !failed && response.op === 'txn' && response.succeeded;
        return [{ ...base(ok ? 'ok' : 'fail'), op: 'cas', key: cas.key, from: cas.from, to: cas.to }];
      }
      if (failed || response.op !== 'txn') return [];
      return writesOf(response.succeeded ? r.success : r.failure, response.responses).map((w) => ({ ...w, client: p.client, ...t, result: 'ok' as const }));
    }
    default:
      return [];
  }
}

/** The records of a request whose outcome is unknown (no reply; it may yet take effect). */
export function historyUnknown(p: PendingHistory): HistoryRecord[] {
  const t: Timing = { invokeMs: p.invokeMs, invokeOrder: p.invokeOrder, returnMs: null };
  const r = p.request;
  const rec = (w: Write): HistoryRecord => ({ ...w, client: p.client, ...t, result: 'unknown' });
  switch (r.op) {
    case 'range': return [rec({ op: 'get', key: r.key, ...(r.serializable ? { serializable: true } : {}) })];
    case 'put': return [rec({ op: 'put', key: r.key, value: r.value })];
    case 'deleteRange': return [rec({ op: 'delete', key: r.key, ...(deleteShape(r)!.prefix ? { prefix: true } : {}) })];
    case 'txn': {
      const cas = casShape(r);
      if (cas) return [rec({ op: 'cas', key: cas.key, from: cas.from, to: cas.to })];
      return [...writesOf(r.success, null), ...writesOf(r.failure, null)].map(rec);
    }
    default: return [];
  }
}

type Write = Pick<HistoryRecord, 'op' | 'key' | 'value' | 'prefix' | 'serializable' | 'from' | 'to'>;

/** The writes of a txn branch (nested txns: the branch that ran, or both when `responses` is null). */
function writesOf(ops: RequestOp[], responses: ResponseOp[] | null): Write[] {
  const out: Write[] = [];
  ops.forEach((op, i) => {
    if (op.op === 'put' && !op.ignoreValue) out.push({ op: 'put', key: op.key, value: op.value });
    else if (op.op === 'deleteRange') {
      const d = deleteShape(op);
      if (d) out.push({ op: 'delete', key: op.key, ...(d.prefix ? { prefix: true } : {}) });
    } else if (op.op === 'txn') {
      const sub = responses?.[i];
      if (sub && sub.op === 'txn') out.push(...writesOf(sub.succeeded ? op.success : op.failure, sub.responses));
      else out.push(...writesOf(op.success, null), ...writesOf(op.failure, null));
    }
  });
  return out;
}
