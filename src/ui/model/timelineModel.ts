/**
 * What the space-time timeline draws, derived incrementally from the branch head's trace and
 * message records: per-server role bands (from `role` and crash/restart `fault` events), term
 * boundaries, markers (elections won, leader commits, faults, captions, violations) and a
 * time-ordered index of messages for drawing only the visible window and for hit-testing.
 *
 * `sync(head)` only reads what was appended since the last call; switching to another branch (a
 * different head, or a head whose arrays were replaced) starts over once.
 */
import { answersHeartbeat, type NodeId, type Role } from '../../raft/types';
import type { ScenarioRunner } from '../../scenario/runner';
import { MESSAGE_CHUNK, type MessageLog } from '../../sim/messageLog';
import type { MessageRecord, TraceEvent } from '../../sim/types';

/** A lane's state: a role, crashed (`down`), or a spare not started yet (`spare`: not a member, nothing runs). */
export type LaneRole = Role | 'down' | 'spare';

/** A stretch of a server's lane in one role (until the next segment starts). */
export interface Segment {
  startMs: number;
  role: LaneRole;
  term: number;
}

export interface TermChange {
  atMs: number;
  term: number;
}

/**
 * `confChange`: the leader applied a single-server ConfChange (thesis §4.1); `jointEnter` /
 * `jointLeave`: the leader entered / left a joint configuration (Raft paper §6); `snapshot`: a
 * server took a snapshot or installed one sent by the leader (paper §7).
 */
export type MarkerKind = 'elected' | 'commit' | 'crash' | 'restart' | 'fault' | 'caption' | 'invariant' | 'stepFailed' | 'confChange' | 'jointEnter' | 'jointLeave' | 'snapshot' | EtcdMarkerKind;

/**
 * Issue 14's etcd markers: `leaseGrant`: the leader (etcd's primary lessor) applied a LeaseGrant;
 * `leaseExpire`: the leader's lessor found a lease's TTL run out and proposed its LeaseRevoke
 * (etcd lessor.go, etcdserver revokeExpiredLeases); `watchEvents`: a watch response with events
 * was delivered to the watching client (on the client's lane). Derived from the engine's
 * `etcdLeaseEvents` and the message log, not from the trace.
 */
export type EtcdMarkerKind = 'leaseGrant' | 'leaseExpire' | 'watchEvents';

export interface Marker {
  atMs: number;
  kind: MarkerKind;
  /** The lane it sits on (a server, or a client for `watchEvents`), or null for the events row (captions, network-wide faults). */
  lane: NodeId | null;
  /** Index of the trace event in the head's trace (for the "why" text); -1 for the etcd markers (no trace event). */
  traceIndex: number;
  /**
   * The etcd markers' words for their label (`timeline.marker.<kind>`): `id` the lease ID (hex),
   * `ttl` its TTL in s, `server`; for `watchEvents` `n` the number of events, `client`, `server`
   * (the sender) and `message` (the EtcdResponse's message id).
   */
  params?: Record<string, string | number>;
}

/** Message kinds as drawn (a heartbeat is an AppendEntries without entries). */
export const MESSAGE_KINDS = [
  'RequestVote', 'RequestVoteResponse', 'AppendEntries', 'Heartbeat', 'AppendEntriesResponse', 'ClientRequest', 'ClientResponse',
  'PreVote', 'PreVoteResponse', 'TimeoutNow', 'ReadIndex', 'ReadIndexResponse', 'InstallSnapshot', 'InstallSnapshotResponse',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The drawn kind of a message (a heartbeat is an AppendEntries without entries). */
export function messageKind(r: MessageRecord): MessageKind {
  const m = r.msg;
  if (m.type === 'AppendEntries' && m.entries.length === 0) return 'Heartbeat';
  // etcd v3 requests and answers (issue 14) are drawn as client messages
  if (m.type === 'EtcdRequest') return 'ClientRequest';
  if (m.type === 'EtcdResponse') return 'ClientResponse';
  return m.type;
}

/**
 * A heartbeat or its answer: an AppendEntries without entries, or a successful response to one
 * (`answersHeartbeat`: its matchIndex is the request's prevLogIndex). Hidden together.
 */
export function isHeartbeatish(r: MessageRecord): boolean {
  const m = r.msg;
  return (m.type === 'AppendEntries' && m.entries.length === 0) || (m.type === 'AppendEntriesResponse' && answersHeartbeat(m));
}

export function isResponse(r: MessageRecord): boolean {
  const t = r.msg.type;
  return t === 'RequestVoteResponse' || t === 'AppendEntriesResponse' || t === 'ClientResponse' || t === 'InstallSnapshotResponse';
}

const RESPONSE_OF: Partial<Record<MessageRecord['msg']['type'], MessageRecord['msg']['type']>> = {
  RequestVote: 'RequestVoteResponse',
  AppendEntries: 'AppendEntriesResponse',
  InstallSnapshot: 'InstallSnapshotResponse',
};
const REQUEST_OF: Partial<Record<MessageRecord['msg']['type'], MessageRecord['msg']['type']>> = {
  RequestVoteResponse: 'RequestVote',
  AppendEntriesResponse: 'AppendEntries',
  InstallSnapshotResponse: 'InstallSnapshot',
};

/** An AppendEntries and a response to it share prevLogIndex (the response echoes it); other pairs pass. */
function samePrev(req: MessageRecord, resp: MessageRecord): boolean {
  return req.msg.type !== 'AppendEntries' || resp.msg.type !== 'AppendEntriesResponse' || req.msg.prevLogIndex === resp.msg.prevLogIndex;
}

/** The first index in [lo, hi) whose key is >= value (keys ascending); lo/hi from a message log's kept rows or 0/n. */
function lowerBound(span: number | MessageLog, key: (i: number) => number, value: number): number {
  let lo = typeof span === 'number' ? 0 : span.start;
  let hi = typeof span === 'number' ? span : span.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class TimelineModel {
  private head: ScenarioRunner | null = null;
  private traceArr: TraceEvent[] | null = null;
  private msgArr: MessageLog | null = null;
  private traceScanned = 0;
  private msgScanned = 0;
  /** Records that were still in flight at the last sync (their span may still grow). */
  private open: MessageRecord[] = [];
  private lastTerm = new Map<NodeId, number>();
  /** The log index of the last configuration change marked. */
  private confMarked = 0;
  /** How many of the engine's etcdLeaseEvents were turned into markers. */
  private leaseScanned = 0;
  /** The longest sendMs → deliverMs of a finished message (bounds the visible-window search). */
  private maxSpan = 0;

  servers: NodeId[] = [];
  clients: string[] = [];
  segments = new Map<NodeId, Segment[]>();
  terms = new Map<NodeId, TermChange[]>();
  markers: Marker[] = [];
  /**
   * The head's messages (time-ordered by sendMs; rows `messages.start` to `messages.length - 1`,
   * read with `at(k)`) and trace. Null before the first sync.
   */
  messages: MessageLog | null = null;
  trace: TraceEvent[] = [];
  /** The head's simulated time: bands end here. */
  endMs = 0;
  /** Bumped whenever something was added (for cheap redraw checks). */
  version = 0;
  /** What the legend needs to explain: an InstallSnapshot was sent, a snapshot marker, a configuration change or joint marker. */
  seen = { installSnapshot: false, snapshot: false, confChange: false, joint: false, leaseGrant: false, leaseExpire: false, watchEvents: false };

  private reset(head: ScenarioRunner): void {
    const sim = head.sim;
    this.head = head;
    this.traceArr = sim.trace;
    this.msgArr = sim.messages;
    this.traceScanned = 0;
    this.msgScanned = sim.messages.start;
    this.open = [];
    this.maxSpan = 0;
    this.servers = sim.serverIds.slice();
    this.clients = [...sim.clients.keys()];
    this.segments = new Map();
    this.terms = new Map();
    this.lastTerm = new Map();
    this.markers = [];
    this.seen = { installSnapshot: false, snapshot: false, confChange: false, joint: false, leaseGrant: false, leaseExpire: false, watchEvents: false };
    this.confMarked = 0;
    this.leaseScanned = 0;
    const spares = new Set(sim.config.spares ?? []);
    for (const id of this.servers) {
      const t0 = sim.config.initial?.get(id)?.currentTerm ?? 0;
      this.segments.set(id, [{ startMs: 0, role: spares.has(id) ? 'spare' : 'follower', term: t0 }]);
      this.terms.set(id, [{ atMs: 0, term: t0 }]);
      this.lastTerm.set(id, t0);
    }
  }

  /** Brings the model up to date with the branch head `head`. */
  sync(head: ScenarioRunner): void {
    const sim = head.sim;
    if (head !== this.head || sim.trace !== this.traceArr || sim.messages !== this.msgArr || sim.trace.length < this.traceScanned || sim.messages.length < this.msgScanned || sim.etcdLeaseEvents.length < this.leaseScanned) {
      this.reset(head);
    }
    this.trace = sim.trace;
    this.messages = sim.messages;
    const leaseEvents = sim.etcdLeaseEvents;
    const changed = sim.trace.length !== this.traceScanned || sim.messages.length !== this.msgScanned || leaseEvents.length !== this.leaseScanned || this.endMs !== sim.nowMs;
    this.endMs = sim.nowMs;
    if (!changed && this.open.length === 0) return;

    // Term observations from both sources, merged by time (each source is time-ordered).
    const trace = sim.trace;
    const msgs = sim.messages;
    let i = this.traceScanned;
    let j = Math.max(this.msgScanned, msgs.start);
    while (i < trace.length || j < msgs.length) {
      const takeTrace = j >= msgs.length || (i < trace.length && trace[i].atMs <= msgs.sendMsAt(j));
      if (takeTrace) {
        this.onTrace(trace[i], i);
        i++;
      } else {
        const r = msgs.at(j++);
        const m = r.msg;
        // A PreVote (and a granted answer) carries the term asked for, not the sender's currentTerm (thesis §9.6).
        const ownTerm = m.type !== 'ClientRequest' && m.type !== 'ClientResponse' && m.type !== 'PreVote' && !(m.type === 'PreVoteResponse' && m.voteGranted);
        if (ownTerm) this.observeTerm(m.from, r.sendMs, m.term);
        if (m.type === 'InstallSnapshot') this.seen.installSnapshot = true;
        if (r.status === 'inFlight') this.open.push(r);
        else this.finished(r);
      }
    }
    this.traceScanned = trace.length;
    this.msgScanned = msgs.length;
    if (this.open.length) {
      const still: MessageRecord[] = [];
      for (const r of this.open) {
        if (r.status === 'inFlight') still.push(r);
        else this.finished(r);
      }
      this.open = still;
    }
    for (; this.leaseScanned < leaseEvents.length; this.leaseScanned++) {
      const e = leaseEvents[this.leaseScanned];
      const kind = e.kind === 'grant' ? 'leaseGrant' : 'leaseExpire';
      this.insertMarker({ atMs: e.atMs, kind, lane: e.server, traceIndex: -1, params: e.kind === 'grant' ? { id: e.id, ttl: e.ttlSeconds ?? 0, server: e.server } : { id: e.id, server: e.server } });
      this.seen[kind] = true;
    }
    this.version++;
  }

  /** A message stopped being in flight: its span, and a watchEvents marker for a delivered watch response with events. */
  private finished(r: MessageRecord): void {
    this.maxSpan = Math.max(this.maxSpan, r.deliverMs - r.sendMs);
    const m = r.msg;
    if (r.status !== 'delivered' || m.type !== 'EtcdResponse' || m.body.kind !== 'watch' || m.body.response.events.length === 0) return;
    this.insertMarker({ atMs: r.deliverMs, kind: 'watchEvents', lane: m.to, traceIndex: -1, params: { n: m.body.response.events.length, client: m.to, server: m.from, message: r.id } });
    this.seen.watchEvents = true;
  }

  /** Inserts a marker keeping `markers` ordered by time (after those of the same instant); etcd markers may come after later trace markers. */
  private insertMarker(mk: Marker): void {
    const ms = this.markers;
    let k = ms.length;
    while (k > 0 && ms[k - 1].atMs > mk.atMs) k--;
    ms.splice(k, 0, mk);
  }

  private observeTerm(node: NodeId, atMs: number, term: number): void {
    const last = this.lastTerm.get(node);
    if (last === undefined || term <= last) return;
    this.lastTerm.set(node, term);
    this.terms.get(node)!.push({ atMs, term });
  }

  private pushSegment(node: NodeId, s: Segment): void {
    const list = this.segments.get(node);
    if (!list) return;
    const last = list[list.length - 1];
    if (last.startMs === s.startMs) list[list.length - 1] = s;
    else list.push(s);
  }

  private onTrace(e: TraceEvent, index: number): void {
    switch (e.kind) {
      case 'role':
        this.observeTerm(e.node, e.atMs, e.term);
        this.pushSegment(e.node, { startMs: e.atMs, role: e.to, term: e.term });
        return;
      case 'note':
        if (e.note.kind === 'commitAdvanced' && e.note.replicas > 0) this.insertMarker({ atMs: e.atMs, kind: 'commit', lane: e.node, traceIndex: index });
        else if (e.note.kind === 'electionWon') this.insertMarker({ atMs: e.atMs, kind: 'elected', lane: e.node, traceIndex: index });
        else if (e.note.kind === 'confChangeApplied' && e.note.index > this.confMarked && this.segments.get(e.node)?.at(-1)?.role === 'leader') {
          // On the leader only (every member applies it), once per change (a new leader applying
          // an entry the old one had applied is not a new change): where the configuration changed.
          this.confMarked = e.note.index;
          const kind = e.note.joint === 'entered' ? 'jointEnter' : e.note.joint === 'left' ? 'jointLeave' : 'confChange';
          this.insertMarker({ atMs: e.atMs, kind, lane: e.node, traceIndex: index });
          if (kind === 'confChange') this.seen.confChange = true;
          else this.seen.joint = true;
        } else if (e.note.kind === 'snapshotTaken' || e.note.kind === 'snapshotRestored') {
          this.insertMarker({ atMs: e.atMs, kind: 'snapshot', lane: e.node, traceIndex: index });
          this.seen.snapshot = true;
        }
        return;
      case 'fault': {
        const node = e.nodes.length === 1 ? e.nodes[0] : null;
        if (e.action === 'crash' && node) {
          this.pushSegment(node, { startMs: e.atMs, role: 'down', term: this.lastTerm.get(node) ?? 0 });
          this.insertMarker({ atMs: e.atMs, kind: 'crash', lane: node, traceIndex: index });
        } else if (e.action === 'start' && node) {
          // A spare's process starts when a change that adds it is accepted (it runs as a follower).
          this.pushSegment(node, { startMs: e.atMs, role: 'follower', term: this.lastTerm.get(node) ?? 0 });
          this.insertMarker({ atMs: e.atMs, kind: 'restart', lane: node, traceIndex: index });
        } else if (e.action === 'restart' && node) {
          this.pushSegment(node, { startMs: e.atMs, role: 'follower', term: this.lastTerm.get(node) ?? 0 });
          this.insertMarker({ atMs: e.atMs, kind: 'restart', lane: node, traceIndex: index });
        } else {
          this.insertMarker({ atMs: e.atMs, kind: 'fault', lane: node, traceIndex: index });
        }
        return;
      }
      case 'caption':
        this.insertMarker({ atMs: e.atMs, kind: 'caption', lane: null, traceIndex: index });
        return;
      case 'invariant':
        this.insertMarker({ atMs: e.atMs, kind: 'invariant', lane: null, traceIndex: index });
        return;
      case 'step':
        if (!e.ok) this.insertMarker({ atMs: e.atMs, kind: 'stepFailed', lane: null, traceIndex: index });
        return;
      case 'client':
        return;
    }
  }

  /** Messages that may cross the time window [t0, t1] (sent by t1, arriving or dropped from t0 on). */
  visibleMessages(t0: number, t1: number): MessageRecord[] {
    const msgs = this.messages;
    const out: MessageRecord[] = [];
    if (!msgs) return out;
    const from = lowerBound(msgs, (k) => msgs.sendMsAt(k), t0 - this.maxSpan);
    for (let k = from; k < msgs.length; k++) {
      if (msgs.sendMsAt(k) > t1) break;
      const r = msgs.at(k);
      if (r.status === 'inFlight' || r.deliverMs >= t0) out.push(r);
    }
    // Long-delayed messages still in flight were sent before the search window: add them.
    for (const r of this.open) if (r.status === 'inFlight' && r.sendMs < t0 - this.maxSpan && r.deliverMs >= t0) out.push(r);
    return out;
  }

  markersIn(t0: number, t1: number): Marker[] {
    const ms = this.markers;
    const from = lowerBound(ms.length, (k) => ms[k].atMs, t0);
    const out: Marker[] = [];
    for (let k = from; k < ms.length && ms[k].atMs <= t1; k++) out.push(ms[k]);
    return out;
  }

  /** The term of `node` at time `ms`, as far as the timeline knows. */
  termAt(node: NodeId, ms: number): number {
    const list = this.terms.get(node);
    if (!list) return 0;
    const k = lowerBound(list.length, (i) => list[i].atMs, ms + 1e-9);
    return list[Math.max(0, k - 1)].term;
  }

  /** The message with this id on the branch, or null. Ids are assigned in send order. */
  message(id: number): MessageRecord | null {
    return this.messages?.byId(id) ?? null;
  }

  /**
   * The other half of a request/response pair: a response is sent by the request's receiver at
   * the instant the request was delivered, back to its sender; an AppendEntriesResponse also
   * echoes its request's prevLogIndex.
   */
  pairOf(r: MessageRecord): MessageRecord | null {
    const msgs = this.messages;
    if (!msgs) return null;
    const m = r.msg;
    if (m.type === 'ClientRequest' || m.type === 'ClientResponse') return this.clientPairOf(r);
    if (isResponse(r)) {
      const reqType = REQUEST_OF[m.type];
      const from = lowerBound(msgs, (k) => msgs.sendMsAt(k), r.sendMs - this.maxSpan - 1);
      let best: MessageRecord | null = null;
      for (let k = from; k < msgs.length && msgs.sendMsAt(k) <= r.sendMs; k++) {
        const q = msgs.at(k);
        if (q.status === 'delivered' && q.deliverMs === r.sendMs && q.msg.type === reqType && q.msg.from === m.to && q.msg.to === m.from && samePrev(q, r)) best = q;
      }
      return best;
    }
    const respType = RESPONSE_OF[m.type];
    if (!respType || r.status !== 'delivered') return null;
    const from = lowerBound(msgs, (k) => msgs.sendMsAt(k), r.deliverMs);
    for (let k = from; k < msgs.length && msgs.sendMsAt(k) <= r.deliverMs; k++) {
      const q = msgs.at(k);
      if (q.msg.type === respType && q.msg.from === m.to && q.msg.to === m.from && samePrev(r, q)) return q;
    }
    return null;
  }

  /** Client requests are answered when the entry is applied, not on arrival: pair by (client, seq, server). */
  private clientPairOf(r: MessageRecord): MessageRecord | null {
    const msgs = this.messages;
    if (!msgs) return null;
    const m = r.msg;
    const k0 = msgs.indexOfId(r.id);
    if (k0 < 0) return null;
    const LIMIT = 50_000;
    if (m.type === 'ClientResponse') {
      for (let k = k0 - 1; k >= msgs.start && k0 - k < LIMIT; k--) {
        const q = msgs.at(k);
        if (q.msg.type === 'ClientRequest' && q.msg.seq === m.seq && q.msg.from === m.to && q.msg.to === m.from && q.status === 'delivered' && q.deliverMs <= r.sendMs) return q;
      }
      return null;
    }
    if (m.type !== 'ClientRequest' || r.status !== 'delivered') return null;
    for (let k = k0 + 1; k < msgs.length && k - k0 < LIMIT; k++) {
      const q = msgs.at(k);
      if (q.msg.type === 'ClientResponse' && q.msg.seq === m.seq && q.msg.from === m.to && q.msg.to === m.from) return q;
      // A later attempt of the same operation to the same server takes over the pairing.
      if (q.msg.type === 'ClientRequest' && q.msg.seq === m.seq && q.msg.from === m.from && q.msg.to === m.to) return null;
    }
    return null;
  }

  /**
   * The note a leader wrote when this AppendEntriesResponse (or InstallSnapshotResponse) arrived and changed its Progress of
   * the sender (etcd raft BecomeProbe / BecomeReplicate), if any.
   */
  progressNoteFor(r: MessageRecord): { event: TraceEvent; index: number } | null {
    const m = r.msg;
    if ((m.type !== 'AppendEntriesResponse' && m.type !== 'InstallSnapshotResponse') || r.status !== 'delivered') return null;
    const tr = this.trace;
    const from = lowerBound(tr.length, (k) => tr[k].atMs, r.deliverMs);
    for (let k = from; k < tr.length && tr[k].atMs === r.deliverMs; k++) {
      const e = tr[k];
      if (e.kind === 'note' && e.node === m.to && e.note.kind === 'progressChanged' && e.note.peer === m.from) return { event: e, index: k };
    }
    return null;
  }

  /** A note the receiver wrote when this message arrived (vote decision, rejection), if any. */
  noteFor(r: MessageRecord): { event: TraceEvent; index: number } | null {
    const req = isResponse(r) ? this.pairOf(r) : r;
    if (!req || req.status !== 'delivered') return null;
    const t = req.deliverMs;
    const node = req.msg.to;
    const tr = this.trace;
    const from = lowerBound(tr.length, (k) => tr[k].atMs, t);
    for (let k = from; k < tr.length && tr[k].atMs === t; k++) {
      const e = tr[k];
      if (e.kind !== 'note' || e.node !== node) continue;
      const n = e.note;
      if ((n.kind === 'voteGranted' || n.kind === 'voteRefused') && req.msg.type === 'RequestVote' && n.candidate === req.msg.from) return { event: e, index: k };
      if (n.kind === 'appendRejected' && req.msg.type === 'AppendEntries' && n.leader === req.msg.from) return { event: e, index: k };
      if ((n.kind === 'snapshotRestored' || n.kind === 'snapshotIgnored') && req.msg.type === 'InstallSnapshot' && n.leader === req.msg.from) return { event: e, index: k };
    }
    return null;
  }
}
