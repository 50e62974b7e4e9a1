/**
 * The run's message log, stored by columns: every message sent, in send order, for the timeline
 * and the inspector. A finished message (delivered or dropped) costs a few typed-array cells
 * (times, status, its fields) instead of a ~270-byte object graph; a `MessageRecord` is built on
 * demand by `at(i)`. Messages still in flight are kept as their live record objects (the transport
 * mutates them: delay, drop, arrival) and are written to the columns when they finish.
 *
 * Layout: chunks of CHUNK rows. Per row: sendMs, deliverMs (Float64), status and drop reason
 * (one byte), the message's shape (Uint16: its keys and the kind of each value, shared by every
 * message of that shape) and an offset into the chunk's Int32 value pool, where the message's
 * fields sit (numbers, interned strings, booleans, and references to the object fields such as
 * `entries`, a client's op or a result, which are shared with the logs and never copied). A
 * duplicate's `duplicateOf` sits in a small per-chunk map.
 *
 * Copies (checkpoints, branches) share the chunks: `clone()` is O(number of chunks). The log that
 * made a chunk owns it and writes in place; a copy writes to a chunk it does not own only after
 * copying it (copy-on-write). Rows a copy cannot see (appended after the copy) or that it still
 * has in flight (it reads its own live records for those) may change under it; nothing else does.
 *
 * Optionally bounded (`retain(limit)`): past `limit` messages the oldest chunks are forgotten and
 * only a summary of each (time span, counts per message type) is kept, so a 24-hour run does not
 * keep 28 million messages. Ids are assigned in send order from 1, so row i holds message id i + 1.
 */
import type { DropReason, MessageRecord, SimMessage } from './types';

const CHUNK_BITS = 12;
/** Rows per chunk. */
export const MESSAGE_CHUNK = 1 << CHUNK_BITS;
const ROW_MASK = MESSAGE_CHUNK - 1;

/** How a field's value is stored. Tags with no slot carry their value in the shape itself. */
const enum Tag {
  Int, // one slot
  Float, // two slots: the float64's bits
  Str, // one slot: interned string id
  Obj, // one slot: index into the chunk's object list
  True,
  False,
  Null,
  Undef,
  EmptyArray, // a fresh [] on each read
  Const, // the shape's constant string (the `type` field)
}

const STATUS = ['inFlight', 'delivered', 'dropped'] as const;
const DROP_REASONS: (DropReason | undefined)[] = [undefined, 'loss', 'partition', 'crashed', 'manual'];
const DROP_CODE: Record<DropReason, number> = { loss: 1, partition: 2, crashed: 3, manual: 4 };

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

interface Shape {
  id: number;
  keys: string[];
  tags: Tag[];
  /** The `type` field's value (every SimMessage has one). */
  type: string;
}

/** Strings and shapes, shared by a log and all its copies (append-only, so sharing is safe). */
class Dictionary {
  strings: string[] = [];
  stringIds = new Map<string, number>();
  shapes: Shape[] = [];
  /** Shapes by message type, tried in order. */
  byType = new Map<string, Shape[]>();
  /** The shapes encodeHot writes: AppendEntries without and with entries, AppendEntriesResponse succeeded and not. */
  hot: (Shape | undefined)[] = [];

  str(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** The shape of a message with these keys and values (`Object.keys` / `Object.values` of it). */
  shapeOf(type: string, keys: string[], values: unknown[]): Shape {
    let list = this.byType.get(type);
    if (!list) this.byType.set(type, (list = []));
    for (const s of list) if (matches(s, keys, values)) return s;
    const tags = keys.map((k, j) => (k === 'type' ? Tag.Const : tagOf(values[j])));
    if (this.shapes.length >= 0xffff) throw new Error('message log: too many message shapes');
    const s: Shape = { id: this.shapes.length + 1, keys, tags, type };
    this.shapes.push(s);
    list.push(s);
    return s;
  }
}

const AE_KEYS = ['type', 'from', 'to', 'term', 'leaderId', 'prevLogIndex', 'prevLogTerm', 'entries', 'leaderCommit'];
const AER_KEYS = ['type', 'from', 'to', 'term', 'success', 'matchIndex', 'prevLogIndex', 'conflictTerm', 'conflictIndex'];

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isInt32(v: number): boolean {
  return (v | 0) === v && !(v === 0 && 1 / v < 0);
}

function tagOf(v: unknown): Tag {
  switch (typeof v) {
    case 'number': return isInt32(v) ? Tag.Int : Tag.Float;
    case 'string': return Tag.Str;
    case 'boolean': return v ? Tag.True : Tag.False;
    case 'undefined': return Tag.Undef;
    default:
      if (v === null) return Tag.Null;
      if (Array.isArray(v) && v.length === 0) return Tag.EmptyArray;
      return Tag.Obj;
  }
}

function matches(s: Shape, keys: string[], values: unknown[]): boolean {
  const sk = s.keys;
  if (sk.length !== keys.length) return false;
  const tags = s.tags;
  for (let j = 0; j < sk.length; j++) {
    if (sk[j] !== keys[j]) return false;
    const t = tags[j];
    if (t !== Tag.Const && tagOf(values[j]) !== t) return false;
  }
  return true;
}

interface Chunk {
  /** The log allowed to write in place (see the file comment). */
  owner: object;
  sendMs: Float64Array;
  deliverMs: Float64Array;
  /** status (bits 0-1) | drop reason code << 2; meaningful once the row is encoded. */
  meta: Uint8Array;
  /** Shape id of the encoded message; 0 while not encoded (in flight). */
  shape: Uint16Array;
  off: Int32Array;
  vals: Int32Array;
  nvals: number;
  /** Rows with an encoding; when all have one, `vals` is trimmed to `nvals` (it grows again if needed). */
  encoded: number;
  objs: unknown[];
  /** row → duplicateOf, for the (rare) duplicates. */
  dups: Map<number, number> | null;
}

/** Value slots reserved per row at first (the common messages need 5 to 8). */
const SLOTS_PER_ROW = 8;

function newChunk(owner: object): Chunk {
  return {
    owner, sendMs: new Float64Array(MESSAGE_CHUNK), deliverMs: new Float64Array(MESSAGE_CHUNK), meta: new Uint8Array(MESSAGE_CHUNK),
    shape: new Uint16Array(MESSAGE_CHUNK), off: new Int32Array(MESSAGE_CHUNK), vals: new Int32Array(MESSAGE_CHUNK * SLOTS_PER_ROW), nvals: 0, encoded: 0, objs: [], dups: null,
  };
}

function copyChunk(c: Chunk, owner: object): Chunk {
  return {
    owner, sendMs: c.sendMs.slice(), deliverMs: c.deliverMs.slice(), meta: c.meta.slice(), shape: c.shape.slice(), off: c.off.slice(),
    vals: c.vals.slice(), nvals: c.nvals, encoded: c.encoded, objs: c.objs.slice(), dups: c.dups ? new Map(c.dups) : null,
  };
}

/** What is left of a forgotten chunk of messages (see `retain`). Times in ms of simulated time. */
export interface MessageSummary {
  /** Ids fromId..toId (inclusive) were forgotten. */
  fromId: number;
  toId: number;
  firstSendMs: number;
  lastSendMs: number;
  /** Messages per type (`SimMessage['type']`; heartbeats count as AppendEntries). */
  counts: Record<string, number>;
}

export class MessageLog implements Iterable<MessageRecord> {
  private dict: Dictionary;
  private chunks: Chunk[] = [];
  /** Chunk number of chunks[0] (earlier ones were forgotten). */
  private firstChunk = 0;
  /** Rows below this are not kept even if their chunk is (a prefix cut below `start`, see `prefix`). */
  private startRow = 0;
  private total = 0;
  /** Rows still in flight: their live records (row → record). */
  private live = new Map<number, MessageRecord>();
  private limit = Infinity;
  private summaries: MessageSummary[] = [];
  /** This log's identity as a chunk owner. */
  private readonly token = {};

  constructor(dict?: Dictionary) {
    this.dict = dict ?? new Dictionary();
  }

  /** Number of messages sent so far (ids 1..length); rows below `start` were forgotten. */
  get length(): number {
    return this.total;
  }

  /** The first row still kept (0 unless `retain` forgot older ones). */
  get start(): number {
    return Math.max(this.firstChunk << CHUNK_BITS, this.startRow);
  }

  /** Messages kept as live objects (in flight). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Rows kept in the columns or live (length - start). */
  get retained(): number {
    return this.total - this.start;
  }

  /** Summaries of the forgotten chunks, oldest first. */
  get forgotten(): readonly MessageSummary[] {
    return this.summaries;
  }

  /**
   * Keeps at most about `limit` messages (rounded up to whole chunks of MESSAGE_CHUNK), forgetting
   * the oldest chunks past it; Infinity (the default) keeps everything. Copies inherit the limit.
   * @throws RangeError for a limit below one chunk
   */
  retain(limit: number): void {
    if (!(limit >= MESSAGE_CHUNK)) throw new RangeError(`message log: keep at least ${MESSAGE_CHUNK} messages, got ${limit}`);
    this.limit = limit;
    this.forget();
  }

  // ---- writing (the transport) -----------------------------------------------------------

  /**
   * Appends a message just sent: `rec` stays the live record until `finish(rec)`.
   * @throws Error if `rec.id` is not the next id (ids are given in send order from 1)
   */
  append(rec: MessageRecord): void {
    const i = this.total;
    if (rec.id !== i + 1) throw new Error(`message log: expected id ${i + 1}, got ${rec.id}`);
    const row = i & ROW_MASK;
    let c: Chunk;
    if (row === 0) {
      c = newChunk(this.token);
      this.chunks.push(c);
    } else {
      c = this.writable(i);
    }
    c.sendMs[row] = rec.sendMs;
    c.deliverMs[row] = rec.deliverMs;
    c.shape[row] = 0;
    this.total = i + 1;
    this.live.set(i, rec);
    if (row === 0 && this.retained > this.limit + MESSAGE_CHUNK) this.forget();
  }

  /** `rec` was delivered or dropped (its final state): writes it to the columns and lets the object go. */
  finish(rec: MessageRecord): void {
    const i = rec.id - 1;
    if (!this.live.delete(i) || i < this.start) return;
    const c = this.writable(i);
    const row = i & ROW_MASK;
    c.deliverMs[row] = rec.deliverMs;
    c.meta[row] = STATUS.indexOf(rec.status) | ((rec.dropReason ? DROP_CODE[rec.dropReason] : 0) << 2);
    if (rec.duplicateOf !== undefined) (c.dups ??= new Map()).set(row, rec.duplicateOf);
    else c.dups?.delete(row);
    this.encode(c, row, rec.msg);
  }

  private writable(i: number): Chunk {
    const k = (i >> CHUNK_BITS) - this.firstChunk;
    let c = this.chunks[k];
    if (!c) {
      // Only after `prefix` cut below everything kept: this chunk's earlier rows are not kept.
      c = newChunk(this.token);
      this.chunks[k] = c;
    } else if (c.owner !== this.token) {
      c = copyChunk(c, this.token);
      this.chunks[k] = c;
    }
    return c;
  }

  private encode(c: Chunk, row: number, msg: SimMessage): void {
    const keys = Object.keys(msg);
    if (c.nvals + 2 * keys.length > c.vals.length) {
      const v = new Int32Array(Math.max(Math.ceil(c.vals.length * 1.5), c.nvals + 2 * keys.length));
      v.set(c.vals.subarray(0, c.nvals));
      c.vals = v;
    }
    const first = c.shape[row] === 0;
    if (!this.encodeHot(c, row, msg, keys)) this.encodeGeneric(c, row, msg, keys);
    if (first && ++c.encoded === MESSAGE_CHUNK && c.nvals < c.vals.length) c.vals = c.vals.slice(0, c.nvals);
  }

  /**
   * The two messages most runs are made of (AppendEntries, AppendEntriesResponse without a
   * rejection reason), written field by field; any other key list or value kind is left to
   * encodeGeneric. Writes the same slots, in the same order, as encodeGeneric would for the shape.
   */
  private encodeHot(c: Chunk, row: number, msg: SimMessage, keys: string[]): boolean {
    const d = this.dict;
    const vals = c.vals;
    let p = c.nvals;
    if (msg.type === 'AppendEntries') {
      if (!sameKeys(keys, AE_KEYS)) return false;
      const m = msg;
      if (typeof m.from !== 'string' || typeof m.to !== 'string' || typeof m.leaderId !== 'string' || !Array.isArray(m.entries)) return false;
      if (!isInt32(m.term) || !isInt32(m.prevLogIndex) || !isInt32(m.prevLogTerm) || !isInt32(m.leaderCommit)) return false;
      const empty = m.entries.length === 0;
      const shape = d.hot[empty ? 0 : 1] ??= d.shapeOf(msg.type, keys, Object.values(msg));
      c.off[row] = p;
      vals[p++] = d.str(m.from);
      vals[p++] = d.str(m.to);
      vals[p++] = m.term;
      vals[p++] = d.str(m.leaderId);
      vals[p++] = m.prevLogIndex;
      vals[p++] = m.prevLogTerm;
      if (!empty) {
        vals[p++] = c.objs.length;
        c.objs.push(m.entries);
      }
      vals[p++] = m.leaderCommit;
      c.nvals = p;
      c.shape[row] = shape.id;
      return true;
    }
    if (msg.type === 'AppendEntriesResponse') {
      if (!sameKeys(keys, AER_KEYS)) return false;
      const m = msg;
      if (typeof m.from !== 'string' || typeof m.to !== 'string' || typeof m.success !== 'boolean') return false;
      if (!isInt32(m.term) || !isInt32(m.matchIndex) || !isInt32(m.prevLogIndex) || !isInt32(m.conflictTerm) || !isInt32(m.conflictIndex)) return false;
      const shape = d.hot[m.success ? 2 : 3] ??= d.shapeOf(msg.type, keys, Object.values(msg));
      c.off[row] = p;
      vals[p++] = d.str(m.from);
      vals[p++] = d.str(m.to);
      vals[p++] = m.term;
      vals[p++] = m.matchIndex;
      vals[p++] = m.prevLogIndex;
      vals[p++] = m.conflictTerm;
      vals[p++] = m.conflictIndex;
      c.nvals = p;
      c.shape[row] = shape.id;
      return true;
    }
    return false;
  }

  private encodeGeneric(c: Chunk, row: number, msg: SimMessage, keys: string[]): void {
    const values = Object.values(msg) as unknown[];
    const shape = this.dict.shapeOf(msg.type, keys, values);
    const tags = shape.tags;
    const n = tags.length;
    const vals = c.vals;
    let p = c.nvals;
    c.off[row] = p;
    for (let j = 0; j < n; j++) {
      switch (tags[j]) {
        case Tag.Int: vals[p++] = values[j] as number; break;
        case Tag.Float:
          F64[0] = values[j] as number;
          vals[p++] = I32[0];
          vals[p++] = I32[1];
          break;
        case Tag.Str: vals[p++] = this.dict.str(values[j] as string); break;
        case Tag.Obj:
          vals[p++] = c.objs.length;
          c.objs.push(values[j]);
          break;
        default: break;
      }
    }
    c.nvals = p;
    c.shape[row] = shape.id;
  }

  private forget(): void {
    while (this.chunks.length > 1 && this.total - ((this.firstChunk + 1) << CHUNK_BITS) >= this.limit) {
      const c = this.chunks[0];
      const base = this.firstChunk << CHUNK_BITS;
      const counts: Record<string, number> = {};
      const from = Math.max(0, this.startRow - base);
      for (let row = from; row < MESSAGE_CHUNK; row++) {
        const type = this.typeAt(base + row, c);
        counts[type] = (counts[type] ?? 0) + 1;
      }
      if (from < MESSAGE_CHUNK) this.summaries.push({ fromId: base + from + 1, toId: base + MESSAGE_CHUNK, firstSendMs: c.sendMs[from], lastSendMs: c.sendMs[ROW_MASK], counts });
      this.chunks.shift();
      this.firstChunk++;
    }
  }

  private typeAt(i: number, c: Chunk): string {
    const r = this.live.get(i);
    if (r) return r.msg.type;
    const shape = c.shape[i & ROW_MASK];
    return shape ? this.dict.shapes[shape - 1].type : 'unknown';
  }

  // ---- reading ---------------------------------------------------------------------------

  private chunkOf(i: number): Chunk {
    if (!(i >= this.start && i < this.total)) throw new RangeError(`message log: row ${i} is not kept (rows ${this.start}..${this.total - 1})`);
    return this.chunks[(i >> CHUNK_BITS) - this.firstChunk];
  }

  /**
   * The record at row `i` (message id i + 1): the live object while in flight, else a fresh
   * MessageRecord built from the columns (equal to the record as it was when it finished).
   * @throws RangeError for a row not kept
   */
  at(i: number): MessageRecord {
    const c = this.chunkOf(i);
    if (this.live.size) {
      const r = this.live.get(i);
      if (r) return r;
    }
    const row = i & ROW_MASK;
    const meta = c.meta[row];
    const rec: MessageRecord = { id: i + 1, msg: this.decode(c, row), sendMs: c.sendMs[row], deliverMs: c.deliverMs[row], status: STATUS[meta & 3] };
    const dup = c.dups?.get(row);
    if (dup !== undefined) rec.duplicateOf = dup;
    const reason = DROP_REASONS[meta >> 2];
    if (reason) rec.dropReason = reason;
    return rec;
  }

  private decode(c: Chunk, row: number): SimMessage {
    const shape = this.dict.shapes[c.shape[row] - 1];
    const strings = this.dict.strings;
    const vals = c.vals;
    const keys = shape.keys;
    const tags = shape.tags;
    let p = c.off[row];
    const m: Record<string, unknown> = {};
    for (let j = 0; j < tags.length; j++) {
      const k = keys[j];
      switch (tags[j]) {
        case Tag.Int: m[k] = vals[p++]; break;
        case Tag.Float:
          I32[0] = vals[p++];
          I32[1] = vals[p++];
          m[k] = F64[0];
          break;
        case Tag.Str: m[k] = strings[vals[p++]]; break;
        case Tag.Obj: m[k] = c.objs[vals[p++]]; break;
        case Tag.True: m[k] = true; break;
        case Tag.False: m[k] = false; break;
        case Tag.Null: m[k] = null; break;
        case Tag.Undef: m[k] = undefined; break;
        case Tag.EmptyArray: m[k] = []; break;
        case Tag.Const: m[k] = shape.type; break;
      }
    }
    return m as unknown as SimMessage;
  }

  /** The id of row `i` (i + 1). */
  idAt(i: number): number {
    return i + 1;
  }

  /** When row `i` was sent, without building its record. @throws RangeError for a row not kept */
  sendMsAt(i: number): number {
    return this.chunkOf(i).sendMs[i & ROW_MASK];
  }

  /** The row of message `id`, or -1 if it was never sent or is no longer kept. */
  indexOfId(id: number): number {
    const i = id - 1;
    return Number.isInteger(i) && i >= this.start && i < this.total ? i : -1;
  }

  /** The record of message `id`, or null if it was never sent or is no longer kept. */
  byId(id: number): MessageRecord | null {
    const i = this.indexOfId(id);
    return i < 0 ? null : this.at(i);
  }

  /** Records of rows [from, to) (clamped to the rows kept). */
  slice(from = this.start, to = this.total): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (let i = Math.max(from, this.start); i < Math.min(to, this.total); i++) out.push(this.at(i));
    return out;
  }

  /** Every kept record, in send order. */
  toArray(): MessageRecord[] {
    return this.slice();
  }

  *[Symbol.iterator](): Iterator<MessageRecord> {
    for (let i = this.start; i < this.total; i++) yield this.at(i);
  }

  // ---- copies ----------------------------------------------------------------------------

  /**
   * The log as it was when it had `length` rows, for a copy of the run taken then (a time-travel
   * checkpoint, which keeps no log of its own): shares the chunks; `live` are that copy's records
   * still in flight (those with ids up to `length` are its live rows; this log may have finished
   * them since). Rows this log has forgotten stay forgotten.
   * @throws RangeError if `length` is more than this log's length
   */
  prefix(length: number, live: Iterable<MessageRecord>): MessageLog {
    if (!(Number.isInteger(length) && length >= 0 && length <= this.total)) throw new RangeError(`message log: no prefix of ${length} rows (length ${this.total})`);
    const c = new MessageLog(this.dict);
    c.limit = this.limit;
    c.total = length;
    if (length > this.start) {
      c.chunks = this.chunks.slice(0, ((length - 1) >> CHUNK_BITS) - this.firstChunk + 1);
      c.firstChunk = this.firstChunk;
      c.startRow = this.startRow;
    } else {
      c.firstChunk = length >> CHUNK_BITS;
      c.startRow = length;
    }
    c.summaries = this.summaries.filter((m) => m.toId <= length);
    for (const r of live) if (r.id <= length) c.live.set(r.id - 1, r);
    return c;
  }

  /**
   * A copy sharing every chunk (O(number of chunks)); its live records are re-pointed through
   * `records` (old → new, the transport's copies of the messages in flight).
   */
  clone(records: Map<MessageRecord, MessageRecord> = new Map()): MessageLog {
    const c = new MessageLog(this.dict);
    c.chunks = this.chunks.slice();
    c.firstChunk = this.firstChunk;
    c.startRow = this.startRow;
    c.total = this.total;
    for (const [i, r] of this.live) c.live.set(i, records.get(r) ?? r);
    c.limit = this.limit;
    c.summaries = this.summaries.slice();
    return c;
  }
}
