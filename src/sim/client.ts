/**
 * Simulated clients: each runs one operation at a time (later ones queue), sends it to the server
 * it believes leads, follows leader hints, retries after `clientTimeoutMs` with the same
 * (clientId, seq) so the servers apply it once (Raft thesis §6.3), and records a history.
 */
import type { KvOp, KvResult } from '../kv/types';
import type { NodeId } from '../raft/types';
import type { ClientResponse, HistoryRecord, ReadMode } from './types';

/** What a client step asks for. */
export type ClientOpSpec =
  | { op: 'put'; key: string; value: string }
  /**
   * `read`: how this one linearizable get is served, overriding the cluster's `reads` (thesis §6.4:
   * through the log, by ReadIndex, or by a lease read); ignored for a serializable get.
   */
  | { op: 'get'; key: string; prefix?: boolean; serializable?: boolean; read?: ReadMode }
  | { op: 'delete'; key: string; prefix?: boolean }
  | { op: 'cas'; key: string; from: string | null; to: string };

/** How a client step runs. `withinMs` bounds the whole operation, retries included. */
export interface ClientRunOptions {
  via?: NodeId;
  retry: boolean;
  withinMs: number;
}

/** A client operation in progress or done; `record` is set when it has returned or given up. */
export interface ClientOpHandle {
  client: string;
  spec: ClientOpSpec;
  options: ClientRunOptions;
  seq: number;
  done: boolean;
  record?: HistoryRecord;
}

/** What a client needs from the engine. */
export interface ClientHost {
  nowMs(): number;
  servers(): NodeId[];
  sendRequest(client: string, to: NodeId, seq: number, op: KvOp, serializable: boolean, read?: ReadMode): void;
  /** Schedules this client's timer; the engine calls `onTimer(gen)` when it fires. */
  schedule(client: string, atMs: number, gen: number): void;
  /** The next value of the run's history order counter (see HistoryRecord.invokeOrder). */
  nextOrder(): number;
  onReturn(handle: ClientOpHandle): void;
}

/** The KV op a client sends for a spec: cas becomes an etcd txn (compare value / absence, then put). */
export function kvOpFor(spec: ClientOpSpec): KvOp {
  switch (spec.op) {
    case 'put':
      return { op: 'put', key: spec.key, value: spec.value };
    case 'get':
      return { op: 'get', key: spec.key, prefix: spec.prefix ?? false };
    case 'delete':
      return { op: 'delete', key: spec.key, prefix: spec.prefix ?? false };
    case 'cas':
      return {
        op: 'txn',
        // etcd's "prevExist: false" idea: an absent key has version 0.
        compare: [spec.from === null
          ? { key: spec.key, target: 'version', result: '=', value: 0 }
          : { key: spec.key, target: 'value', result: '=', value: spec.from }],
        success: [{ op: 'put', key: spec.key, value: spec.to }],
        failure: [],
      };
  }
}

/** Short text of an op for timelines, e.g. `put x="1"`. */
export function describeOp(spec: ClientOpSpec): string {
  switch (spec.op) {
    case 'put':
      return `put ${spec.key}=${JSON.stringify(spec.value)}`;
    case 'get':
      return `get ${spec.key}${spec.prefix ? '*' : ''}${spec.serializable ? ' (serializable)' : ''}${spec.read && !spec.serializable ? ` (${spec.read})` : ''}`;
    case 'delete':
      return `delete ${spec.key}${spec.prefix ? '*' : ''}`;
    case 'cas':
      return `cas ${spec.key}: ${JSON.stringify(spec.from)} → ${JSON.stringify(spec.to)}`;
  }
}

export class SimClient {
  /** The server this client sends to next. */
  leaderGuess: NodeId;
  private seq = 0;
  current: ClientOpHandle | null = null;
  readonly queue: ClientOpHandle[] = [];
  private invokeMs = 0;
  /** The history order of the current operation's invoke. */
  private invokeOrder = 0;
  private deadlineMs = 0;
  private attemptTarget: NodeId | null = null;
  /** Timer generation: a timer event with another generation is stale. */
  private gen = 0;
  /**
   * Servers that timed out on the current operation. Their hints are not followed and they are
   * skipped when rotating, so a client cannot bounce forever between a partitioned old leader and
   * a follower that still points at it. Cleared when every server is a suspect, and per operation.
   */
  private suspects = new Set<NodeId>();
  /** Servers that answered "not the leader" since the last timeout; with the suspects they may cover everyone. */
  private refusedBy = new Set<NodeId>();

  constructor(readonly name: string, private host: ClientHost, private clientTimeoutMs: number, private backoffMs: number) {
    this.leaderGuess = host.servers()[0];
  }

  /** Queues an operation; it starts at once if the client is idle. */
  submit(spec: ClientOpSpec, options: ClientRunOptions): ClientOpHandle {
    const h: ClientOpHandle = { client: this.name, spec, options, seq: 0, done: false };
    this.queue.push(h);
    if (!this.current) this.startNext();
    return h;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  private startNext(): void {
    const h = this.queue.shift();
    if (!h) return;
    this.current = h;
    h.seq = ++this.seq;
    this.suspects.clear();
    this.refusedBy.clear();
    this.invokeMs = this.host.nowMs();
    this.invokeOrder = this.host.nextOrder();
    this.deadlineMs = this.invokeMs + h.options.withinMs;
    this.sendAttempt(h.options.via ?? this.leaderGuess);
  }

  private sendAttempt(to: NodeId): void {
    const h = this.current!;
    this.attemptTarget = to;
    const s = h.spec;
    this.host.sendRequest(this.name, to, h.seq, kvOpFor(s), s.op === 'get' && !!s.serializable, s.op === 'get' ? s.read : undefined);
    this.arm(Math.min(this.host.nowMs() + this.clientTimeoutMs, this.deadlineMs));
  }

  private arm(atMs: number): void {
    this.gen++;
    this.host.schedule(this.name, atMs, this.gen);
  }

  /** The next server after `after` in ring order that is not a suspect. */
  private nextServer(after: NodeId): NodeId {
    const s = this.host.servers();
    if (this.suspects.size >= s.length) this.suspects.clear();
    let i = s.indexOf(after);
    for (let k = 0; k < s.length; k++) {
      i = (i + 1) % s.length;
      if (!this.suspects.has(s[i])) return s[i];
    }
    return s[(s.indexOf(after) + 1) % s.length];
  }

  /** Whether a timer event of generation `gen` would still do something. */
  timerIsLive(gen: number): boolean {
    return gen === this.gen && this.current !== null;
  }

  /** The client's timer fired: give up at the deadline, otherwise retry elsewhere. */
  onTimer(gen: number): void {
    if (gen !== this.gen || !this.current) return;
    const h = this.current;
    const now = this.host.nowMs();
    if (now >= this.deadlineMs || !h.options.retry) {
      this.finish('unknown', undefined);
      return;
    }
    if (this.attemptTarget === null) {
      // A back-off after a redirect without a hint has ended.
      this.sendAttempt(h.options.via ?? this.leaderGuess);
      return;
    }
    // No answer in clientTimeoutMs: suspect that server and try the next one (unless pinned with `via`).
    this.suspects.add(this.attemptTarget);
    this.refusedBy.clear();
    if (!h.options.via) this.leaderGuess = this.nextServer(this.attemptTarget);
    this.sendAttempt(h.options.via ?? this.leaderGuess);
  }

  /** A server answered. Stale answers (another seq) are ignored. */
  onResponse(r: ClientResponse): void {
    const h = this.current;
    if (!h || r.seq !== h.seq) return;
    if (r.ok) {
      // A serializable read may be answered by any server: it says nothing about who leads.
      if (!(h.spec.op === 'get' && h.spec.serializable)) this.leaderGuess = r.from;
      const result = r.result!;
      const failed = result.op === 'error' || (h.spec.op === 'cas' && result.op === 'txn' && !result.succeeded);
      this.finish(failed ? 'fail' : 'ok', result);
      return;
    }
    if (!h.options.retry) {
      // This copy was refused, but another copy of the request (the network may duplicate it)
      // may have reached a leader and been applied: the outcome is unknown, not a failure.
      this.finish('unknown', r);
      return;
    }
    if (r.error === 'transferring') {
      // Thesis §3.10: the leader is handing over (about one round trip, or abandoned after an
      // election timeout). Retrying at once would spin: back off, then try the transferee.
      if (!h.options.via && r.leaderHint) this.leaderGuess = r.leaderHint;
      this.attemptTarget = null;
      this.arm(Math.min(this.host.nowMs() + this.backoffMs, this.deadlineMs));
      return;
    }
    // Every server either timed out or refused: the suspects may have been slow, not gone. Forgive them.
    this.refusedBy.add(r.from);
    if (this.suspects.size && this.suspects.size + this.refusedBy.size >= this.host.servers().length) {
      this.suspects.clear();
      this.refusedBy.clear();
    }
    if (r.leaderHint && r.leaderHint !== r.from && !h.options.via && !this.suspects.has(r.leaderHint)) {
      this.leaderGuess = r.leaderHint;
      this.sendAttempt(r.leaderHint);
      return;
    }
    // No useful hint: wait a little, then try the next server.
    if (!h.options.via) this.leaderGuess = this.nextServer(r.from);
    this.attemptTarget = null;
    this.arm(Math.min(this.host.nowMs() + this.backoffMs, this.deadlineMs));
  }

  /** The operation in progress as a history record with result "unknown" (it may yet take effect), or null. */
  pendingRecord(): HistoryRecord | null {
    return this.current ? this.recordFor(this.current, 'unknown', undefined) : null;
  }

  /**
   * The operation returned (or gave up: "unknown"). Its record takes the next history order, and
   * the next queued operation starts after it, in the same event, with a later order.
   */
  private finish(result: HistoryRecord['result'], response: KvResult | ClientResponse | undefined): void {
    const h = this.current!;
    h.record = this.recordFor(h, result, response, result === 'unknown' ? undefined : this.host.nextOrder());
    h.done = true;
    this.current = null;
    this.gen++;
    this.host.onReturn(h);
    this.startNext();
  }

  private recordFor(h: ClientOpHandle, result: HistoryRecord['result'], response: KvResult | ClientResponse | undefined, returnOrder?: number): HistoryRecord {
    const rec: HistoryRecord = returnOrder === undefined
      ? { client: this.name, op: h.spec.op, key: h.spec.key, invokeMs: this.invokeMs, invokeOrder: this.invokeOrder, returnMs: result === 'unknown' ? null : this.host.nowMs(), result }
      : { client: this.name, op: h.spec.op, key: h.spec.key, invokeMs: this.invokeMs, invokeOrder: this.invokeOrder, returnMs: result === 'unknown' ? null : this.host.nowMs(), returnOrder, result };
    const s = h.spec;
    if (s.op === 'put') rec.value = s.value;
    if (s.op === 'cas') { rec.from = s.from; rec.to = s.to; }
    if ((s.op === 'get' || s.op === 'delete') && s.prefix) rec.prefix = true;
    if (s.op === 'get' && s.serializable) rec.serializable = true;
    if (s.op === 'get' && result === 'ok' && response && 'op' in response && response.op === 'get') {
      if (s.prefix) rec.value = null;
      else rec.value = response.kvs.length ? response.kvs[0].value : null;
    }
    if (response !== undefined) rec.response = response;
    return rec;
  }

  /**
   * Copy for checkpoints, bound to the copied engine's `host`. Operation handles are copied and
   * recorded in `handles` (old → new) so the scenario runner can re-point its references.
   */
  cloneWith(host: ClientHost, handles: Map<ClientOpHandle, ClientOpHandle>): SimClient {
    const copy = (h: ClientOpHandle): ClientOpHandle => {
      let n = handles.get(h);
      if (!n) {
        n = { ...h };
        handles.set(h, n);
      }
      return n;
    };
    const c = new SimClient(this.name, host, this.clientTimeoutMs, this.backoffMs);
    c.leaderGuess = this.leaderGuess;
    c.seq = this.seq;
    c.current = this.current ? copy(this.current) : null;
    c.queue.push(...this.queue.map(copy));
    c.invokeMs = this.invokeMs;
    c.invokeOrder = this.invokeOrder;
    c.deadlineMs = this.deadlineMs;
    c.attemptTarget = this.attemptTarget;
    c.gen = this.gen;
    c.suspects = new Set(this.suspects);
    c.refusedBy = new Set(this.refusedBy);
    return c;
  }
}
