/**
 * The client history that the linearizability checker reads: one entry per client operation,
 * as recorded by the simulated clients (same shape as the simulator's HistoryRecord), plus a
 * strict JSON loader. See docs/history-format.md.
 *
 * This module only parses and validates data: it never evaluates anything from the input.
 */

/** One client operation as recorded by a simulated client. Times are ms of simulated time. */
export interface HistoryEntry {
  /** Client name, e.g. "c1". */
  client: string;
  op: 'put' | 'get' | 'delete' | 'cas';
  key: string;
  /** put: the value written; get: the value read (null = key absent) when result is 'ok'. */
  value?: string | null;
  /** cas: expected current value (null = key must be absent). */
  from?: string | null;
  /** cas: new value. */
  to?: string;
  /** get/delete over a prefix (every key starting with `key`): the checker models a prefix delete as a delete of each key it covers and skips prefix gets. */
  prefix?: boolean;
  /**
   * get answered from a server's local state (may be stale — the checker still checks it,
   * so stale reads show up as non-linearizable).
   */
  serializable?: boolean;
  invokeMs: number;
  /** null when the outcome is unknown (the client gave up). */
  returnMs: number | null;
  /**
   * Position of the invocation in the run's global event order: one per-run counter that
   * increases at every invoke and every return, so `a.returnOrder < b.invokeOrder` exactly when
   * a returned before b was invoked, even within one ms. Optional; without it an invoke and a
   * return at the same ms are concurrent.
   */
  invokeOrder?: number;
  /** Position of the return in the same order; absent or null when the outcome is unknown. */
  returnOrder?: number | null;
  result: 'ok' | 'fail' | 'unknown';
  /** Raw reply, not used by the checker. */
  response?: unknown;
}

import { formatReason, reason } from '../scenario/reasons';
import { LIMITS } from '../scenario/schema';
import { jsonTooDeepAt, positionIn, textEncodingProblem } from '../scenario/textFile';

const OPS: ReadonlySet<string> = new Set(['put', 'get', 'delete', 'cas']);
const RESULTS: ReadonlySet<string> = new Set(['ok', 'fail', 'unknown']);

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  // JSON.parse turns a number too large for a double (1e999) into Infinity, which JSON.stringify writes as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number too large to store (out of range)';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/**
 * Validate one parsed entry and return a clean copy (only the known fields).
 * Throws an Error whose message names `where` (file, index and key).
 */
function validateEntry(raw: unknown, where: string): HistoryEntry {
  if (!isPlainObject(raw)) throw new Error(`${where}: must be an object, got ${show(raw)}`);
  const o = raw;
  const bad = (field: string, want: string): never => {
    throw new Error(`${where}: "${field}" must be ${want}, got ${show(o[field])}`);
  };
  const get = (k: string): unknown => (has(o, k) ? o[k] : undefined);

  const client = get('client');
  if (typeof client !== 'string' || client === '') bad('client', 'a non-empty string');
  const op = get('op');
  if (typeof op !== 'string' || !OPS.has(op)) bad('op', 'one of "put", "get", "delete", "cas"');
  const result = get('result');
  if (typeof result !== 'string' || !RESULTS.has(result)) bad('result', 'one of "ok", "fail", "unknown"');

  const prefix = get('prefix');
  if (prefix !== undefined && typeof prefix !== 'boolean') bad('prefix', 'a boolean when present');
  if (prefix === true && op !== 'get' && op !== 'delete') bad('prefix', `absent or false for a ${op as string}`);
  const serializable = get('serializable');
  if (serializable !== undefined && typeof serializable !== 'boolean') bad('serializable', 'a boolean when present');
  if (serializable === true && op !== 'get') bad('serializable', `absent or false for a ${op as string}`);

  const key = get('key');
  if (typeof key !== 'string') bad('key', 'a string');
  // The scenario parser's rule and words for the empty key (etcd: "key is not provided").
  if (key === '' && prefix !== true) throw new Error(`${where}: "key": ${formatReason(reason('emptyKey'))}`);

  const invokeMs = get('invokeMs');
  if (typeof invokeMs !== 'number' || !Number.isFinite(invokeMs) || invokeMs < 0) {
    bad('invokeMs', 'a finite number >= 0');
  }
  const returnMs = get('returnMs');
  if (result === 'unknown') {
    if (returnMs !== undefined && returnMs !== null &&
        (typeof returnMs !== 'number' || !Number.isFinite(returnMs) || returnMs < (invokeMs as number))) {
      bad('returnMs', `null, absent or a finite number >= invokeMs (${invokeMs as number}) for an unknown outcome`);
    }
  } else if (typeof returnMs !== 'number' || !Number.isFinite(returnMs) || returnMs < (invokeMs as number)) {
    bad('returnMs', `a finite number >= invokeMs (${invokeMs as number}) when result is "${result as string}"`);
  }

  // Global event order (optional, see HistoryEntry.invokeOrder): finite numbers >= 0, a return
  // after its own invocation. For an unknown outcome returnOrder is ignored, as returnMs is.
  const isOrder = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const invokeOrder = get('invokeOrder');
  if (invokeOrder !== undefined && !isOrder(invokeOrder)) bad('invokeOrder', 'a finite number >= 0 when present');
  const returnOrder = get('returnOrder');
  if (returnOrder !== undefined) {
    const want = invokeOrder === undefined ? 'a finite number >= 0' : `a finite number > invokeOrder (${invokeOrder as number})`;
    const okOrder = isOrder(returnOrder) && (invokeOrder === undefined || (returnOrder as number) > (invokeOrder as number));
    if (result === 'unknown') {
      if (returnOrder !== null && !okOrder) bad('returnOrder', `null, absent or ${want} for an unknown outcome`);
    } else if (!okOrder) {
      bad('returnOrder', `${want} when result is "${result as string}", or absent`);
    }
  }

  const value = get('value');
  const from = get('from');
  const to = get('to');
  if (op === 'put') {
    if (typeof value !== 'string') bad('value', 'a string (the value written by the put)');
  } else if (op === 'get') {
    if (value !== undefined && value !== null && typeof value !== 'string') bad('value', 'a string, null or absent');
    if (result === 'ok' && prefix !== true && value === undefined) {
      bad('value', 'a string or null (the value read) for a single-key get with result "ok"');
    }
  } else if (value !== undefined && value !== null && typeof value !== 'string') {
    bad('value', 'a string, null or absent');
  }
  if (op === 'cas') {
    if (from !== null && typeof from !== 'string') bad('from', 'a string or null (null = key must be absent)');
    if (typeof to !== 'string') bad('to', 'a string (the new value of the cas)');
  } else {
    if (from !== undefined) bad('from', `absent for a ${op as string}`);
    if (to !== undefined) bad('to', `absent for a ${op as string}`);
  }

  const e: HistoryEntry = {
    client: client as string,
    op: op as HistoryEntry['op'],
    key: key as string,
    invokeMs: invokeMs as number,
    returnMs: result === 'unknown' && returnMs === undefined ? null : (returnMs as number | null),
    result: result as HistoryEntry['result'],
  };
  if (invokeOrder !== undefined) e.invokeOrder = invokeOrder as number;
  if (returnOrder !== undefined) e.returnOrder = returnOrder as number | null;
  if (value !== undefined) e.value = value as string | null;
  if (op === 'cas') {
    e.from = from as string | null;
    e.to = to as string;
  }
  if (prefix !== undefined) e.prefix = prefix as boolean;
  if (serializable !== undefined) e.serializable = serializable as boolean;
  if (has(o, 'response')) e.response = o.response;
  return e;
}

/**
 * Parse and validate a history from JSON text. Accepts either an array of entries or an object
 * with a `history` array (the shape of the CLI's `--json` output; other fields are ignored).
 * Every known field of every entry is validated; unknown fields are ignored and dropped.
 * Errors are thrown as `Error`s whose message names the file, the entry index and its key.
 * Uses JSON.parse only; nothing in the input is ever evaluated.
 */
export function parseHistoryJson(text: string, file: string): HistoryEntry[] {
  const encoding = textEncodingProblem(text);
  if (encoding) throw new Error(`${file}:${encoding.line}:${encoding.column}: ${formatReason(encoding.why)}`);
  const deep = jsonTooDeepAt(text, LIMITS.maxDepth);
  if (deep !== null) {
    const { line, column } = positionIn(text, deep);
    throw new Error(`${file}:${line}:${column}: arrays and objects are nested too deeply (more than ${LIMITS.maxDepth} levels); a history needs only a few`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  let list: unknown;
  if (Array.isArray(doc)) {
    list = doc;
  } else if (isPlainObject(doc) && has(doc, 'history')) {
    list = doc.history;
    if (!Array.isArray(list)) throw new Error(`${file}: "history" must be an array of entries, got ${show(list)}`);
  } else {
    throw new Error(`${file}: expected an array of history entries or an object with a "history" array`);
  }
  const entries = list as unknown[];
  const out: HistoryEntry[] = new Array(entries.length);
  const names: string[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const raw = entries[i];
    const k = isPlainObject(raw) && typeof raw.key === 'string' ? ` (key ${JSON.stringify(raw.key)})` : '';
    names[i] = `history entry ${i}${k}`;
    out[i] = validateEntry(raw, `${file}: ${names[i]}`);
  }
  checkOrders(out, names, file);
  return out;
}

/**
 * The orders of a history are one counter over the run (see HistoryEntry.invokeOrder): no two
 * events share a value, and a larger order never comes with an earlier ms. Throws an Error
 * naming the file and both entries.
 */
function checkOrders(list: readonly HistoryEntry[], names: readonly string[], file: string): void {
  interface Ev { order: number; ms: number | null; entry: number; field: 'invokeOrder' | 'returnOrder' }
  const evs: Ev[] = [];
  list.forEach((e, i) => {
    if (e.invokeOrder !== undefined) evs.push({ order: e.invokeOrder, ms: e.invokeMs, entry: i, field: 'invokeOrder' });
    if (typeof e.returnOrder === 'number') evs.push({ order: e.returnOrder, ms: e.returnMs, entry: i, field: 'returnOrder' });
  });
  if (evs.length === 0) return;
  evs.sort((x, y) => x.order - y.order || x.entry - y.entry);
  const msField = (ev: Ev): string => (ev.field === 'invokeOrder' ? 'invokeMs' : 'returnMs');
  let timed: Ev | undefined; // the last event (in order) with a time
  for (let j = 0; j < evs.length; j++) {
    const ev = evs[j];
    const prev = j > 0 ? evs[j - 1] : undefined;
    if (prev && prev.order === ev.order) {
      throw new Error(
        `${file}: ${names[ev.entry]}: "${ev.field}" (${ev.order}) is also the "${prev.field}" of ${names[prev.entry]}; ` +
        'orders must be distinct (one counter over the run)',
      );
    }
    if (ev.ms === null) continue;
    if (timed && (timed.ms as number) > ev.ms) {
      throw new Error(
        `${file}: ${names[ev.entry]}: "${ev.field}" (${ev.order}) is after the "${timed.field}" (${timed.order}) of ` +
        `${names[timed.entry]} but its "${msField(ev)}" (${ev.ms}) is before that entry's "${msField(timed)}" (${timed.ms as number}); ` +
        'orders must follow simulated time',
      );
    }
    timed = ev;
  }
}

/** Short human description of an entry, e.g. `c1 put "x"="1" [10–20 ms] ok`. */
export function describeEntry(e: HistoryEntry): string {
  const q = (v: string | null | undefined): string => (v === null || v === undefined ? 'absent' : JSON.stringify(v));
  let what: string;
  switch (e.op) {
    case 'put':
      what = `put ${JSON.stringify(e.key)}=${q(e.value)}`;
      break;
    case 'get':
      what = `get ${JSON.stringify(e.key)}${e.prefix ? ' (prefix)' : ''}` + (e.result === 'ok' && !e.prefix ? ` -> ${q(e.value)}` : '');
      break;
    case 'delete':
      what = `delete ${JSON.stringify(e.key)}${e.prefix ? ' (prefix)' : ''}`;
      break;
    case 'cas':
      what = `cas ${JSON.stringify(e.key)} ${q(e.from)} -> ${q(e.to)}`;
      break;
  }
  const ret = e.returnMs === null || e.result === 'unknown' ? '?' : String(e.returnMs);
  return `${e.client} ${what} [${e.invokeMs}–${ret} ms] ${e.result}`;
}
