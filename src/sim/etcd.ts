/**
 * The etcd v3 API through the engine (issue 14): the server side (each server's Lessor and
 * WatchHub, requests, replies after apply, the leader's lease expiry on its own clock, lease
 * promotion, watch delivery after apply) and the client side (an {@link EtcdClient} per simulated
 * client, whose requests are messages and whose Pendings settle in the event that delivers the
 * reply; src/etcdctl/README.md "Plugging it in").
 *
 * Rules followed:
 * - Writes, lease grants and revocations go through the Raft log as {@link EtcdCommand}s and are
 *   answered by the proposer after it applies them (Raft paper §8, thesis §6.3), as the host's
 *   `apply` does for kv commands. A serializable range is answered from the contacted server's
 *   applied state; a linearizable one goes through the log (`reads: log`) or takes a read index
 *   (`readIndex`, `lease`; thesis §6.4), as the existing gets do.
 * - The leader's lessor decides expiry on the leader's own clock (HostConfig.clockRate) and
 *   proposes a LeaseRevoke through the log (etcd lessor.go + etcdserver revokeExpiredLeases);
 *   keep-alives, time-to-live and lease lists are answered by the leader (a follower answers
 *   "not leader" and the client goes to the leader, as etcd forwards them); a new leader extends
 *   every lease by the election timeout plus its full TTL (etcd lessor.Promote), so a leader
 *   change never expires a lease early. Lease IDs come from the seed (`drawLeaseId`); the TTL is
 *   raised to etcd's minimum, 1.5 × the election timeout (`minLeaseTtlSeconds`).
 * - A watch is registered in the WatchHub of the server the client is connected to; events are
 *   sent after that server applies entries, in revision order. A client whose watch server
 *   crashes reconnects to the next server (clientv3 resumes at the last revision + 1) after
 *   `clientTimeoutMs`, and ignores what the old stream still had in flight: each event exactly once.
 *
 * Deterministic: no native promise, no clock, no timer outside the engine's queue (`etcdTimer`
 * events). The client side keeps closures (etcdctl's continuations), so a simulation that used
 * etcd is cloned by replay (engine.ts), not copied.
 */
import { EtcdClientError, type EtcdClient, type FullHeader, type KvResponseFor, type LeaseGrantResult, type LeaseKeepAliveResult, type LeaseLeasesResult, type LeaseTimeToLiveResult, type Member, type MemberAddResult, type MemberListResult, type StatusResult, type Subscription, type WatchEventsResult } from '../etcdctl/client';
import { clientUrlFor, clusterIdFor, memberIdFor, peerUrlFor, type MemberId } from '../etcdctl/members';
import { DEFAULT_QUOTA_BYTES, ERR_BAD_LEADER_TRANSFEREE, ERR_DEADLINE_EXCEEDED, ETCD_VERSION, STORAGE_VERSION } from '../etcdctl/memory';
import { Pending } from '../etcdctl/pending';
import { ERR_LEASE_NOT_FOUND, Lessor, WatchHub, drawLeaseId, effectiveLeaseTtl, minLeaseTtlSeconds, type CompactionRequest, type EtcdCommand, type KvRequest, type KvResponse, type KvStore, type LeaseId, type RequestOp, type WatchCreateRequest, type WatchResponse, type WatcherInfo } from '../kv';
import type { Command } from '../kv/types';
import type { LogEntry, NodeId } from '../raft/types';
import type { KvStateMachine } from '../kv/store';
import type { RaftNode } from '../raft/node';
import { RandomStream } from './rng';
import type { EtcdWireRequest, EtcdWireResponse, WireHeader, WireMember, WireStatus } from './etcdWire';
import type { MemberOutcome, MemberRequest } from './types';
import { ERR_MEMBER_NOT_FOUND, ERR_MEMBER_NOT_LEARNER, ERR_PEER_URL_EXIST } from '../etcdctl/memory';
import { historyOnReturn, historyUnknown, recordable, type PendingHistory } from './etcdHistory';
import type { EtcdRequest, EtcdResponse, HistoryRecord, ReadMode } from './types';

/** etcd's error when a proposal was lost to a leader change (rpctypes.ErrGRPCLeaderChanged). */
export const ERR_LEADER_CHANGED = 'etcdserver: leader changed';
/** etcd's error when there is no leader to serve a request (rpctypes.ErrGRPCNoLeader). */
export const ERR_NO_LEADER = 'etcdserver: no leader';
/** etcd's error when a leader transfer does not finish in time (rpctypes.ErrGRPCTimeoutLeaderTransfer). */
export const ERR_LEADER_TRANSFER_TIMEOUT = 'etcdserver: request timed out, leader transfer took too long';
/** etcd's error for a membership change it refuses as unsafe now (rpctypes.ErrGRPCUnhealthy). */
export const ERR_UNHEALTHY = 'etcdserver: unhealthy cluster';
/** `member add` of peer URLs no server of the simulated cluster has: only `cluster.spares` can join. */
export const ERR_NO_SUCH_SPARE = 'etcdserver: no server of this simulated cluster has these peer URLs (a member can be added only from cluster.spares)';

/** What the etcd layer reads of a server (the host's SimServer; named here so that etcd.ts does not import host.ts). */
export interface EtcdServerNode {
  readonly id: NodeId;
  up: boolean;
  paused: boolean;
  raft: RaftNode<Command>;
  sm: KvStateMachine;
  appliedIndex: number;
  /** Declared a spare (outside the bootstrap configuration). */
  readonly spare?: boolean;
}

/** What the etcd layer needs from the engine and the host. Times in ms of simulated time unless named local. */
export interface EtcdEnv {
  nowMs(): number;
  serverIds(): NodeId[];
  server(id: NodeId): EtcdServerNode;
  /** A server's own clock now (HostConfig.clockRate). */
  localNow(s: EtcdServerNode): number;
  /** A delay of `localMs` on a server's own clock, in ms of simulated time. */
  simDelay(s: EtcdServerNode, localMs: number): number;
  send(m: EtcdRequest | EtcdResponse): void;
  /** Queues `etcdTimer` event `id` at `atMs`. */
  schedule(id: number, atMs: number): void;
  /** Proposes a command on a server's node; the log index if accepted, else the reason and leader hint. */
  propose(s: EtcdServerNode, command: Command): { accepted: true; index: number; term: number } | { accepted: false; leaderHint: NodeId | null };
  /** Gives the node a readIndex input with this ctx (thesis §6.4); the answer comes back through onReadReady / onReadRefused. */
  readIndex(s: EtcdServerNode, ctx: string, mode: 'safe' | 'leaseBased' | undefined): void;
  /** Asks the current leader to hand over to `to` (Host.transfer). */
  transfer(to: NodeId): void;
  /** Asks the current leader for a membership change (Host.member: a ConfChange, Raft paper §6). */
  member(r: MemberRequest): MemberOutcome;
  /** Appends a finished (or given-up) operation to the run's history. */
  recordHistory(rec: HistoryRecord): void;
  nextOrder(): number;
  readonly config: { seed: number; heartbeatMs: number; electionTimeoutMs: [number, number]; clientTimeoutMs: number; reads: ReadMode };
}

/**
 * A lease event for the timeline, ms of simulated time: `grant`: the leader (primary lessor)
 * applied a LeaseGrant; `expire`: the leader's lessor found the lease's TTL run out and proposed
 * its LeaseRevoke (etcd lessor.go revokeExpiredLeases), at log `index`.
 */
export interface EtcdLeaseEvent {
  atMs: number;
  kind: 'grant' | 'expire';
  server: NodeId;
  id: LeaseId;
  /** grant: the TTL granted, seconds. */
  ttlSeconds?: number;
  /** expire: the revocation's log index. */
  index?: number;
}

/** A proposal a server will answer once the entry at `index` (of `term`) is applied. */
interface Proposal {
  clientId: string;
  reqId: number;
  term: number;
  kind: 'kv' | 'leaseGrant' | 'leaseRevoke' | 'member';
  /** For a MemberAdd: the server added. */
  added?: NodeId;
}

/** A linearizable range waiting for its read index on a server. */
interface EtcdRead {
  clientId: string;
  reqId: number;
  request: KvRequest;
  readyIndex: number | null;
}

/** A server's etcd side: volatile (lost on crash, rebuilt from the log on restart). */
class EtcdServerSide {
  lessor = new Lessor();
  hub = new WatchHub();
  /** Watch ID → the client stream it belongs to. */
  owners = new Map<number, { clientId: string; stream: number; reqId: number; seq: number }>();
  proposals = new Map<number, Proposal>();
  reads = new Map<string, EtcdRead>();
  /** The queued lessor check (an etcdTimer id), or null. */
  lessorTimer: number | null = null;
  /** Pending move-leader requests asked of this server. */
  moves: Array<{ clientId: string; reqId: number; target: NodeId; timer: number }> = [];
  /** The response of the entry being applied (between apply and afterApply). */
  lastResponse: { index: number; response: KvResponse } | null = null;
}

/** What the client keeps of a request until its reply. */
interface InFlight {
  body: EtcdWireRequest;
  target: NodeId;
  pinned: NodeId | null;
  redirects: number;
  onReply: (r: EtcdWireResponse, from: NodeId) => void;
  onError: (e: EtcdClientError) => void;
  deadline: number | null;
  /** The resend timer: no answer within clientTimeoutMs, ask the next server (unpinned) or the pinned endpoint again. */
  retry: number | null;
  /** The history this request writes when it returns (src/sim/etcdHistory.ts), or null. */
  history: PendingHistory | null;
}

/** A watch as the client keeps it (across reconnects: one stream per connection). */
interface ClientWatch {
  req: WatchCreateRequest;
  stream: number;
  server: NodeId;
  /** The next revision this watch has not delivered (clientv3 resumes there). */
  nextRev: number;
  watchId: number | null;
  onEvents: (r: WatchEventsResult) => void;
  cancelled: boolean;
  created: boolean;
  retryTimer: number | null;
  /** The next response number of the current stream, and those that arrived early (the stream is ordered). */
  expectSeq: number;
  early: Map<number, { response: WatchResponse; header: WireHeader }>;
}

class EtcdClientSide {
  leaderGuess: NodeId;
  nextReqId = 0;
  nextStream = 0;
  inflight = new Map<number, InFlight>();
  /** Watches by stream. */
  watches = new Map<number, ClientWatch>();
  constructor(first: NodeId) {
    this.leaderGuess = first;
  }
}

/** See the module comment. One per simulation. */
export class EtcdLayer {
  private servers = new Map<NodeId, EtcdServerSide>();
  private clients = new Map<string, EtcdClientSide>();
  private timers = new Map<number, () => void>();
  private nextTimer = 0;
  private leaseRng: RandomStream;
  /** Lease revocations proposed by lessors, by `term:index`: when, for the history of their deletions. */
  private revokeProposals = new Map<string, { invokeMs: number; invokeOrder: number }>();
  /** Revocation entries already recorded in the history (`term:index`). */
  private revokesRecorded = new Set<string>();
  /** Whether any etcd request was made (the simulation is then cloned by replay). */
  used = false;
  /**
   * Lease grants applied by a primary lessor and lease expiries its check proposed, in time order:
   * what the timeline marks (not in the trace, so no traceHash changes; rebuilt by a replayed clone).
   */
  readonly leaseEvents: EtcdLeaseEvent[] = [];
  readonly minTtlSeconds: number;

  constructor(private env: EtcdEnv) {
    for (const id of env.serverIds()) this.servers.set(id, new EtcdServerSide());
    this.leaseRng = new RandomStream(env.config.seed, 'etcd:lease');
    this.minTtlSeconds = minLeaseTtlSeconds(env.config.electionTimeoutMs[0], env.config.heartbeatMs);
  }

  /** A copy for an engine that never used etcd (only the lessors' primary state matters then). */
  cloneUnused(env: EtcdEnv): EtcdLayer {
    if (this.used) throw new Error('internal: an etcd layer in use is cloned by replay');
    const c = new EtcdLayer(env);
    c.leaseRng = this.leaseRng.clone();
    for (const [id, s] of this.servers) {
      const d = c.servers.get(id)!;
      d.lessor = s.lessor.clone();
      d.hub = s.hub.clone();
    }
    return c;
  }

  // ---- timers -----------------------------------------------------------------------------

  private timer(atMs: number, f: () => void): number {
    const id = ++this.nextTimer;
    this.timers.set(id, f);
    this.env.schedule(id, atMs);
    return id;
  }

  private clearTimer(id: number | null): void {
    if (id !== null) this.timers.delete(id);
  }

  /** Whether a queued etcdTimer still does something. */
  timerIsLive(id: number): boolean {
    return this.timers.has(id);
  }

  /** An etcdTimer event fired. */
  timerFired(id: number): void {
    const f = this.timers.get(id);
    if (!f) return;
    this.timers.delete(id);
    f();
  }

  // ---- the server side ----------------------------------------------------------------------

  private side(s: EtcdServerNode): EtcdServerSide {
    return this.servers.get(s.id)!;
  }

  private header(s: EtcdServerNode, revision = s.sm.store.revision): WireHeader {
    return { revision, raftTerm: s.raft.currentTerm };
  }

  private reply(s: EtcdServerNode, clientId: string, reqId: number, body: EtcdWireResponse): void {
    this.env.send({ type: 'EtcdResponse', from: s.id, to: clientId, term: 0, clientId, reqId, body });
  }

  private notLeader(s: EtcdServerNode, m: EtcdRequest): void {
    this.reply(s, m.clientId, m.reqId, { kind: 'notLeader', leaderHint: s.raft.leaderId === s.id ? null : s.raft.leaderId });
  }

  private isLeader(s: EtcdServerNode): boolean {
    return s.raft.role === 'leader';
  }

  /** An EtcdRequest reached a live, running server. */
  onRequest(s: EtcdServerNode, m: EtcdRequest): void {
    const b = m.body;
    const side = this.side(s);
    switch (b.kind) {
      case 'kv': {
        const req = b.request;
        if (req.op === 'range' && req.serializable) {
          this.reply(s, m.clientId, m.reqId, { kind: 'kv', response: s.sm.store.execute(req), header: this.header(s) });
          return;
        }
        const reads = this.env.config.reads;
        if (req.op === 'range' && reads !== 'log') {
          const ctx = `etcd:${m.clientId}:${m.reqId}`;
          side.reads.set(ctx, { clientId: m.clientId, reqId: m.reqId, request: req, readyIndex: null });
          this.env.readIndex(s, ctx, undefined);
          return;
        }
        this.proposeFor(s, m, req, 'kv');
        return;
      }
      case 'leaseGrant': {
        if (!this.isLeader(s)) return this.notLeader(s, m);
        const store = s.sm.store;
        const id = drawLeaseId(() => Math.floor(this.leaseRng.next() * 0x100000000) >>> 0, (x) => store.hasLease(x) || side.lessor.has(x));
        const ttl = effectiveLeaseTtl(b.ttl, this.minTtlSeconds);
        this.proposeFor(s, m, { op: 'leaseGrant', id, ttl }, 'leaseGrant');
        return;
      }
      case 'leaseRevoke':
        if (!this.isLeader(s)) return this.notLeader(s, m);
        this.proposeFor(s, m, { op: 'leaseRevoke', id: b.id }, 'leaseRevoke');
        return;
      case 'keepAlive': {
        if (!this.isLeader(s) || !side.lessor.isPrimary) return this.notLeader(s, m);
        const r = side.lessor.keepAlive(b.id, this.env.localNow(s));
        this.armLessor(s);
        this.reply(s, m.clientId, m.reqId, { kind: 'keepAlive', id: b.id, ttl: 'ttl' in r ? r.ttl : 0, header: this.header(s) });
        return;
      }
      case 'timeToLive': {
        if (!this.isLeader(s) || !side.lessor.isPrimary) return this.notLeader(s, m);
        const r = side.lessor.timeToLive(b.id, this.env.localNow(s));
        const info = s.sm.store.lease(b.id);
        const ttl = info && 'ttl' in r ? r.ttl : -1;
        const grantedTtl = info && 'grantedTtl' in r ? r.grantedTtl : 0;
        this.reply(s, m.clientId, m.reqId, { kind: 'timeToLive', id: b.id, ttl, grantedTtl, keys: b.keys && info ? info.keys : [], header: this.header(s) });
        return;
      }
      case 'leases': {
        if (!this.isLeader(s) || !side.lessor.isPrimary) return this.notLeader(s, m);
        const now = this.env.localNow(s);
        const left = (id: LeaseId): number => side.lessor.remainingMs(id, now) ?? Infinity;
        const ids = s.sm.store.leases().map((l) => l.id).sort((a, c) => left(a) - left(c) || (a < c ? -1 : 1));
        this.reply(s, m.clientId, m.reqId, { kind: 'leases', ids, header: this.header(s) });
        return;
      }
      case 'watchCreate': {
        // a duplicated creation message (the network may copy it) must not open a second watcher on the stream
        for (const o of side.owners.values()) if (o.clientId === m.clientId && o.stream === b.stream) return;
        const created = side.hub.watch(s.sm.store, b.watch);
        if (!created.canceled) side.owners.set(created.watchId, { clientId: m.clientId, stream: b.stream, reqId: m.reqId, seq: 1 });
        this.reply(s, m.clientId, m.reqId, { kind: 'watch', stream: b.stream, seq: 0, response: created, header: this.header(s) });
        if (!created.canceled) this.pollWatchers(s);
        return;
      }
      case 'watchCancel': {
        const o = side.owners.get(b.watchId);
        if (o && o.clientId === m.clientId && o.stream === b.stream) {
          side.owners.delete(b.watchId);
          side.hub.cancel(b.watchId, s.sm.store);
        }
        return;
      }
      case 'memberList':
        this.reply(s, m.clientId, m.reqId, { kind: 'memberList', members: this.membersOf(s), header: this.header(s, 0) });
        return;
      case 'memberAdd':
      case 'memberRemove':
      case 'memberPromote':
        this.memberChange(s, m, b);
        return;
      case 'status':
        this.reply(s, m.clientId, m.reqId, { kind: 'status', status: this.status(s), header: this.header(s) });
        return;
      case 'moveLeader': {
        if (!this.isLeader(s)) return this.notLeader(s, m);
        if (!this.env.serverIds().includes(b.target)) {
          this.reply(s, m.clientId, m.reqId, { kind: 'error', error: ERR_BAD_LEADER_TRANSFEREE, header: this.header(s) });
          return;
        }
        if (b.target === s.id) {
          this.reply(s, m.clientId, m.reqId, { kind: 'moveLeader', header: this.header(s) });
          return;
        }
        // etcd MoveLeader waits for the transferee to lead, up to an election timeout or so.
        const waitMs = this.env.config.electionTimeoutMs[1] * 2;
        const entry = { clientId: m.clientId, reqId: m.reqId, target: b.target, timer: 0 };
        entry.timer = this.timer(this.env.nowMs() + waitMs, () => {
          side.moves = side.moves.filter((x) => x !== entry);
          this.reply(s, entry.clientId, entry.reqId, { kind: 'error', error: ERR_LEADER_TRANSFER_TIMEOUT, header: this.header(s) });
        });
        side.moves.push(entry);
        this.env.transfer(b.target);
        return;
      }
    }
  }

  /** The members as `s` has applied its configuration: voters (both halves when joint) and learners, by name. */
  private membersOf(s: EtcdServerNode): WireMember[] {
    const c = s.raft.config;
    const out: WireMember[] = [];
    const seen = new Set<NodeId>();
    for (const [list, isLearner] of [[c.voters, false], [c.votersOutgoing, false], [c.learners, true], [c.learnersNext, true]] as const) {
      for (const name of list) if (!seen.has(name)) {
        seen.add(name);
        out.push({ name, isLearner });
      }
    }
    return out;
  }

  /**
   * etcd Cluster.MemberAdd / MemberRemove / MemberPromote at the leader: a ConfChange proposed with
   * Simulation.member (Raft paper §6, thesis ch. 4), answered with the members once this server has
   * applied it (as etcd answers after the change is applied), or refused with etcd's error.
   */
  private memberChange(s: EtcdServerNode, m: EtcdRequest, b: Extract<EtcdWireRequest, { kind: 'memberAdd' | 'memberRemove' | 'memberPromote' }>): void {
    if (!this.isLeader(s)) return this.notLeader(s, m);
    const fail = (error: string) => this.reply(s, m.clientId, m.reqId, { kind: 'error', error, header: this.header(s) });
    const members = this.membersOf(s);
    let r: MemberRequest;
    let added: NodeId | undefined;
    if (b.kind === 'memberAdd') {
      const target = this.env.serverIds().find((id) => b.peerUrls.includes(peerUrlFor(id)));
      if (!target) return fail(ERR_NO_SUCH_SPARE);
      if (members.some((x) => x.name === target)) return fail(ERR_PEER_URL_EXIST);
      r = { add: target, ...(b.isLearner ? { learner: true } : {}) };
      added = target;
    } else if (b.kind === 'memberRemove') {
      if (!members.some((x) => x.name === b.target)) return fail(ERR_MEMBER_NOT_FOUND);
      r = { remove: b.target };
    } else {
      const x = members.find((y) => y.name === b.target);
      if (!x) return fail(ERR_MEMBER_NOT_FOUND);
      if (!x.isLearner) return fail(ERR_MEMBER_NOT_LEARNER);
      r = { promote: b.target };
    }
    const out = this.env.member(r);
    if (!out.accepted) {
      if (out.reason === 'noLeader' || out.reason === 'transferring') return this.notLeader(s, m);
      return fail(out.reason === 'alreadyVoter' || out.reason === 'alreadyLearner' ? ERR_PEER_URL_EXIST : out.reason === 'notMember' ? ERR_MEMBER_NOT_FOUND : ERR_UNHEALTHY);
    }
    this.side(s).proposals.set(out.index, { clientId: m.clientId, reqId: m.reqId, term: out.term, kind: 'member', ...(added ? { added } : {}) });
  }

  private proposeFor(s: EtcdServerNode, m: EtcdRequest, request: KvRequest, kind: Proposal['kind']): void {
    // One session per request (Raft thesis §6.3): a copy of the request (duplicated by the network,
    // or resent after a redirect) that is proposed again is applied once, and answered with the same response.
    const command: EtcdCommand = { type: 'etcd', clientId: `etcd:${m.clientId}:${m.reqId}`, seq: 1, request };
    const r = this.env.propose(s, command);
    if (!r.accepted) {
      this.reply(s, m.clientId, m.reqId, { kind: 'notLeader', leaderHint: r.leaderHint === s.id ? null : r.leaderHint });
      return;
    }
    this.side(s).proposals.set(r.index, { clientId: m.clientId, reqId: m.reqId, term: r.term, kind });
    // a revocation's deletions are in the history from the proposal on (see apply)
    if (request.op === 'leaseRevoke') this.revokeProposals.set(`${r.term}:${r.index}`, { invokeMs: this.env.nowMs(), invokeOrder: this.env.nextOrder() });
  }

  /** A node's status as Maintenance.Status reports it; the db sizes are made up from the kept history (as MemoryEtcdServer). */
  private status(s: EtcdServerNode): WireStatus {
    let historyBytes = 0;
    let liveBytes = 0;
    for (const k of s.sm.store.dump().keys) {
      for (const v of k.versions) historyBytes += 64 + k.key.length + (v.kv?.value.length ?? 0);
      const last = k.versions[k.versions.length - 1];
      if (last?.kv) liveBytes += 64 + k.key.length + last.kv.value.length;
    }
    const page = (n: number): number => Math.ceil(n / 4096) * 4096;
    return {
      leader: s.raft.leaderId,
      raftIndex: s.raft.lastLogIndex,
      raftTerm: s.raft.currentTerm,
      raftAppliedIndex: s.appliedIndex,
      dbSize: 20480 + page(historyBytes),
      dbSizeInUse: 16384 + page(liveBytes),
    };
  }

  /**
   * Applies an etcd entry to the server's state machine (called by Host.apply in place of
   * applyCommand): mirrors grants and revocations in the lessor, and records the deletions of a
   * revocation in the history the first time any server applies that entry.
   */
  apply(s: EtcdServerNode, index: number, entry: LogEntry<Command>): KvResponse {
    const cmd = entry.command as EtcdCommand;
    const store = s.sm.store;
    const req = cmd.request;
    const revoked = req.op === 'leaseRevoke' ? store.lease(req.id)?.keys ?? [] : [];
    const resp = s.sm.applyEtcdCommand(cmd);
    const side = this.side(s);
    if (resp.op === 'leaseGrant') {
      if (!side.lessor.has(resp.id)) side.lessor.grant(resp.id, resp.ttl, this.env.localNow(s));
      if (side.lessor.isPrimary) {
        this.leaseEvents.push({ atMs: this.env.nowMs(), kind: 'grant', server: s.id, id: resp.id, ttlSeconds: resp.ttl });
        this.armLessor(s);
      }
    } else if (req.op === 'leaseRevoke' && resp.op === 'leaseRevoke') {
      side.lessor.revoke(req.id);
      const key = `${entry.term}:${index}`;
      if (!this.revokesRecorded.has(key)) {
        this.revokesRecorded.add(key);
        const proposed = this.revokeProposals.get(key);
        this.revokeProposals.delete(key);
        // The lessor's (or a revoking client's) deletion of each attached key: one operation per key,
        // from the proposal (or the first apply, when this server did not see it) to this apply.
        for (const k of revoked) {
          const invokeOrder = proposed?.invokeOrder ?? this.env.nextOrder();
          this.env.recordHistory({
            client: 'lessor', op: 'delete', key: k, invokeMs: proposed?.invokeMs ?? this.env.nowMs(), invokeOrder,
            returnMs: this.env.nowMs(), returnOrder: this.env.nextOrder(), result: 'ok',
          });
        }
      }
    }
    side.lastResponse = { index, response: resp };
    return resp;
  }

  /** After an entry was applied (and appliedIndex moved): answer its proposer, waiting reads and watchers. */
  afterApply(s: EtcdServerNode, index: number, entry: LogEntry<Command>): void {
    const side = this.side(s);
    const p = side.proposals.get(index);
    if (p) {
      side.proposals.delete(index);
      const last = side.lastResponse;
      if (p.kind === 'member') {
        if (entry.term === p.term && entry.confChange) this.reply(s, p.clientId, p.reqId, { kind: 'memberList', members: this.membersOf(s), ...(p.added ? { added: p.added } : {}), header: this.header(s, 0) });
        else this.reply(s, p.clientId, p.reqId, { kind: 'error', error: ERR_LEADER_CHANGED, header: this.header(s) });
      } else if (entry.term === p.term && entry.command.type === 'etcd' && last && last.index === index) {
        this.reply(s, p.clientId, p.reqId, { kind: 'kv', response: last.response, header: this.header(s, last.response.header.revision) });
      } else {
        this.reply(s, p.clientId, p.reqId, { kind: 'error', error: ERR_LEADER_CHANGED, header: this.header(s) });
      }
    }
    side.lastResponse = null;
    for (const [ctx, r] of side.reads) {
      if (r.readyIndex !== null && r.readyIndex <= index) this.answerRead(s, ctx, r);
    }
    if (side.hub.size > 0) this.pollWatchers(s);
  }

  /** A read index for an etcd read is known (HOST.md §5): answer once applied. */
  onReadReady(s: EtcdServerNode, ctx: string, index: number): void {
    const side = this.side(s);
    const r = side.reads.get(ctx);
    if (!r) return;
    r.readyIndex = index;
    if (s.appliedIndex >= index) this.answerRead(s, ctx, r);
  }

  onReadRefused(s: EtcdServerNode, ctx: string, leaderHint: NodeId | null): void {
    const side = this.side(s);
    const r = side.reads.get(ctx);
    if (!r) return;
    side.reads.delete(ctx);
    this.reply(s, r.clientId, r.reqId, { kind: 'notLeader', leaderHint: leaderHint === s.id ? null : leaderHint });
  }

  private answerRead(s: EtcdServerNode, ctx: string, r: EtcdRead): void {
    this.side(s).reads.delete(ctx);
    this.reply(s, r.clientId, r.reqId, { kind: 'kv', response: s.sm.store.execute(r.request), header: this.header(s) });
  }

  /** Sends each watcher's pending events (or its compaction cancel) to its client, in watch-ID order. */
  private pollWatchers(s: EtcdServerNode): void {
    const side = this.side(s);
    for (const r of side.hub.poll(s.sm.store)) {
      const o = side.owners.get(r.watchId);
      if (!o) continue;
      if (r.canceled) side.owners.delete(r.watchId);
      this.reply(s, o.clientId, o.reqId, { kind: 'watch', stream: o.stream, seq: o.seq++, response: r, header: this.header(s) });
    }
  }

  /** A server's role changed: lease promotion on becoming leader, demotion when it stops. */
  onRoleChanged(s: EtcdServerNode, to: string): void {
    const side = this.side(s);
    if (to === 'leader') {
      side.lessor.promote(this.env.config.electionTimeoutMs[0], this.env.localNow(s));
      this.armLessor(s);
      return;
    }
    if (side.lessor.isPrimary) side.lessor.demote();
    this.clearTimer(side.lessorTimer);
    side.lessorTimer = null;
    for (const mv of side.moves) {
      this.clearTimer(mv.timer);
      // the leader this request was asked of has stepped down: the transfer happened (or another election did)
      this.reply(s, mv.clientId, mv.reqId, { kind: 'moveLeader', header: this.header(s) });
    }
    side.moves = [];
  }

  /** Some server became leader: move-leader requests waiting for it are answered. */
  onLeaderElected(leader: EtcdServerNode): void {
    for (const id of this.env.serverIds()) {
      if (id === leader.id) continue;
      const side = this.servers.get(id)!;
      if (side.moves.length === 0) continue;
      const s = this.env.server(id);
      for (const mv of side.moves) {
        this.clearTimer(mv.timer);
        this.reply(s, mv.clientId, mv.reqId, mv.target === leader.id ? { kind: 'moveLeader', header: this.header(s) } : { kind: 'error', error: ERR_LEADER_TRANSFER_TIMEOUT, header: this.header(s) });
      }
      side.moves = [];
    }
  }

  /** Re-arms a leader's lessor check at its next deadline (on its own clock). */
  private armLessor(s: EtcdServerNode): void {
    const side = this.side(s);
    this.clearTimer(side.lessorTimer);
    side.lessorTimer = null;
    const next = side.lessor.nextDeadlineMs();
    if (next === null) return;
    const wait = Math.max(0, next - this.env.localNow(s));
    side.lessorTimer = this.timer(this.env.nowMs() + this.env.simDelay(s, wait), () => {
      side.lessorTimer = null;
      this.lessorCheck(s);
    });
  }

  /** The leader's lessor check: propose a LeaseRevoke for every lease whose time is up. */
  private lessorCheck(s: EtcdServerNode): void {
    const side = this.side(s);
    if (!s.up || !side.lessor.isPrimary) return;
    if (s.paused) {
      // a paused process checks nothing; look again a heartbeat later
      side.lessorTimer = this.timer(this.env.nowMs() + this.env.config.heartbeatMs, () => {
        side.lessorTimer = null;
        this.lessorCheck(s);
      });
      return;
    }
    for (const id of side.lessor.expired(this.env.localNow(s))) {
      const invokeOrder = this.env.nextOrder();
      const r = this.env.propose(s, { type: 'etcd', request: { op: 'leaseRevoke', id } });
      if (!r.accepted) continue;
      this.revokeProposals.set(`${r.term}:${r.index}`, { invokeMs: this.env.nowMs(), invokeOrder });
      this.leaseEvents.push({ atMs: this.env.nowMs(), kind: 'expire', server: s.id, id, index: r.index });
    }
    if (side.lessor.isPrimary) this.armLessor(s);
  }

  /** A server crashed: its etcd side is volatile; its watch clients reconnect elsewhere. */
  onCrash(s: EtcdServerNode): void {
    const side = this.side(s);
    this.clearTimer(side.lessorTimer);
    for (const mv of side.moves) this.clearTimer(mv.timer);
    const owners = [...side.owners.values()];
    this.servers.set(s.id, new EtcdServerSide());
    for (const o of owners) {
      const w = this.clients.get(o.clientId)?.watches.get(o.stream);
      if (w && !w.cancelled) this.scheduleReconnect(o.clientId, w, s.id);
    }
  }

  /**
   * A server's state machine became a snapshot's (InstallSnapshot, or a restart from one): its
   * lessor takes the snapshot's leases (etcd lessor.Recover; a primary gives each its full TTL),
   * proposals the snapshot covers are answered "leader changed" (their entry's response is not
   * known here), and reads and watchers catch up.
   */
  onSnapshotRestored(s: EtcdServerNode, index: number): void {
    const side = this.side(s);
    side.lessor.recover(s.sm.store.leases().map((l) => ({ id: l.id, ttl: l.ttl })), this.env.localNow(s));
    for (const [i, p] of side.proposals) {
      if (i > index) continue;
      side.proposals.delete(i);
      this.reply(s, p.clientId, p.reqId, { kind: 'error', error: ERR_LEADER_CHANGED, header: this.header(s) });
    }
    for (const [ctx, r] of side.reads) if (r.readyIndex !== null && r.readyIndex <= index) this.answerRead(s, ctx, r);
    if (side.hub.size > 0) this.pollWatchers(s);
    if (side.lessor.isPrimary) this.armLessor(s);
  }

  /** A server restarted: a fresh etcd side (its lessor is rebuilt as it re-applies the log). */
  onRestart(s: EtcdServerNode): void {
    this.servers.set(s.id, new EtcdServerSide());
  }

  /** What the inspector shows of a server: its leases (with remaining ms on its clock, null if held forever) and watchers. */
  serverView(id: NodeId): { primary: boolean; leases: Array<{ id: LeaseId; remainingMs: number | null }>; watchers: Array<WatcherInfo & { client?: string }> } {
    const side = this.servers.get(id)!;
    const s = this.env.server(id);
    const now = this.env.localNow(s);
    return {
      primary: side.lessor.isPrimary,
      leases: side.lessor.ids().map((l) => ({ id: l, remainingMs: side.lessor.remainingMs(l, now) ?? null })),
      // each with the client whose stream it serves
      watchers: side.hub.watchers().map((w) => {
        const o = side.owners.get(w.watchId);
        return o ? { ...w, client: o.clientId } : w;
      }),
    };
  }

  // ---- the client side ----------------------------------------------------------------------

  private clientSide(clientId: string): EtcdClientSide {
    let c = this.clients.get(clientId);
    if (!c) {
      c = new EtcdClientSide(this.env.serverIds()[0]);
      this.clients.set(clientId, c);
    }
    return c;
  }

  /** A client of `clientId` connected to `pinned` (or to the leader it finds). */
  client(clientId: string, pinned: NodeId | null): EtcdClient {
    this.used = true;
    return new EngineEtcdClient(this, clientId, pinned);
  }

  /** Members as etcd lists them (etcdserverpb.Member), ascending by ID. */
  members(list: WireMember[]): Member[] {
    return list
      .map((m) => ({ id: this.memberId(m.name), name: m.name, peerUrls: [peerUrlFor(m.name)], clientUrls: [clientUrlFor(m.name)], isLearner: m.isLearner }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private memberIds = new Map<NodeId, MemberId>();
  private clusterIdCache: MemberId | null = null;

  /** A server's member ID (memberIdFor, a hash: computed once per name). */
  memberId(name: NodeId): MemberId {
    let id = this.memberIds.get(name);
    if (id === undefined) {
      id = memberIdFor(name);
      this.memberIds.set(name, id);
    }
    return id;
  }

  /** The cluster ID: from the bootstrap members (spares are not among them), as etcd derives it once. */
  private clusterId(): MemberId {
    this.clusterIdCache ??= clusterIdFor(this.env.serverIds().filter((id) => !this.env.server(id).spare).map((n) => this.memberId(n)));
    return this.clusterIdCache;
  }

  fullHeader(from: NodeId, h: WireHeader): FullHeader {
    return { clusterId: this.clusterId(), memberId: this.memberId(from), revision: h.revision, raftTerm: h.raftTerm };
  }

  /** The server whose client URL (or name) is `endpoint`, or null. */
  serverOfEndpoint(endpoint: string): NodeId | null {
    for (const id of this.env.serverIds()) if (clientUrlFor(id) === endpoint || id === endpoint || endpoint === `${id.toLowerCase()}:2379`) return id;
    return null;
  }

  serverOfMember(id: MemberId): NodeId | null {
    for (const n of this.env.serverIds()) if (this.memberId(n) === id) return n;
    return null;
  }

  serverIds(): NodeId[] {
    return this.env.serverIds();
  }

  nowMs(): number {
    return this.env.nowMs();
  }

  /** The run's next history order (client invokes and returns). */
  nextOrder(): number {
    return this.env.nextOrder();
  }

  /**
   * Sends a request from `clientId` (to `pinned`, else to its leader guess) and calls `onReply`
   * in the event its answer arrives; "not leader" answers are followed to the hinted leader (etcd
   * forwards such requests). `deadlineMs` (absolute) rejects it with `context deadline exceeded`.
   */
  request(clientId: string, pinned: NodeId | null, body: EtcdWireRequest, deadlineMs: number | null, onReply: (r: EtcdWireResponse, from: NodeId) => void, onError: (e: EtcdClientError) => void): number {
    this.used = true;
    const c = this.clientSide(clientId);
    const history: PendingHistory | null = body.kind === 'kv' && recordable(body.request)
      ? { client: clientId, request: body.request, invokeMs: this.env.nowMs(), invokeOrder: this.env.nextOrder() }
      : null;
    const reqId = ++c.nextReqId;
    const f: InFlight = { body, target: pinned ?? c.leaderGuess, pinned, redirects: 0, onReply, onError, deadline: null, retry: null, history };
    c.inflight.set(reqId, f);
    if (deadlineMs !== null) {
      f.deadline = this.timer(Math.max(deadlineMs, this.env.nowMs()), () => {
        f.deadline = null;
        if (!c.inflight.delete(reqId)) return;
        this.clearTimer(f.retry);
        if (f.history) for (const h of historyUnknown(f.history)) this.env.recordHistory(h);
        onError(new EtcdClientError(ERR_DEADLINE_EXCEEDED));
      });
    }
    this.sendAttempt(clientId, reqId, f);
    return reqId;
  }

  /** Requests in flight as history records of unknown outcome (they may yet take effect): for Simulation.historyWithPending. */
  pendingHistory(): HistoryRecord[] {
    const out: HistoryRecord[] = [];
    for (const c of this.clients.values()) for (const f of c.inflight.values()) if (f.history) out.push(...historyUnknown(f.history));
    return out;
  }

  /** Forgets a request (its answer, if it comes, is ignored). */
  abandon(clientId: string, reqId: number): void {
    const c = this.clients.get(clientId);
    const f = c?.inflight.get(reqId);
    if (!c || !f) return;
    this.clearTimer(f.deadline);
    this.clearTimer(f.retry);
    c.inflight.delete(reqId);
  }

  /** Whether a request is still waiting for its answer. */
  inFlight(clientId: string, reqId: number): boolean {
    return this.clients.get(clientId)?.inflight.has(reqId) ?? false;
  }

  /**
   * Sends (or resends) a request to its target. A request not answered within clientTimeoutMs
   * is sent again: an unpinned one to the next server (clientv3's balancer moves to another
   * endpoint), a pinned one (`via`, etcdctl --endpoints) to its own endpoint, never elsewhere:
   * a follower forwards to the leader it knows, and when that leader is gone etcd's request waits
   * there until a new leader is elected (the resend asks the endpoint again; once it knows the new
   * leader it hints it). One session per request makes every resend safe (Raft thesis §6.3).
   */
  private sendAttempt(clientId: string, reqId: number, f: InFlight): void {
    this.env.send({ type: 'EtcdRequest', from: clientId, to: f.target, term: 0, clientId, reqId, body: f.body });
    this.clearTimer(f.retry);
    const c = this.clientSide(clientId);
    f.retry = this.timer(this.env.nowMs() + this.env.config.clientTimeoutMs, () => {
      f.retry = null;
      if (c.inflight.get(reqId) !== f) return;
      if (f.pinned) {
        f.target = f.pinned;
      } else {
        const n = this.env.serverIds();
        f.target = n[(n.indexOf(f.target) + 1) % n.length];
        c.leaderGuess = f.target;
      }
      this.sendAttempt(clientId, reqId, f);
    });
  }

  /** An EtcdResponse reached its client. */
  onResponse(m: EtcdResponse): void {
    const c = this.clients.get(m.clientId);
    if (!c) return;
    const b = m.body;
    if (b.kind === 'watch') return this.onWatchMessage(c, b.stream, b.seq, b.response, m.from, b.header);
    const f = c.inflight.get(m.reqId);
    if (!f) return; // answered already, abandoned, or timed out
    if (b.kind === 'notLeader') {
      f.redirects++;
      this.clearTimer(f.retry);
      f.retry = null;
      const n = this.env.serverIds();
      if (b.leaderHint && b.leaderHint !== f.target) {
        f.target = b.leaderHint;
        if (!f.pinned) c.leaderGuess = b.leaderHint;
        this.sendAttempt(m.clientId, m.reqId, f);
        return;
      }
      // no leader known: try again a heartbeat later (etcd would wait for an election), at the
      // next server, or a pinned request at its own endpoint
      const next = f.pinned ?? n[(n.indexOf(f.target) + 1) % n.length];
      f.target = next;
      if (!f.pinned) c.leaderGuess = next;
      this.timer(this.env.nowMs() + this.env.config.heartbeatMs, () => {
        if (c.inflight.get(m.reqId) === f) this.sendAttempt(m.clientId, m.reqId, f);
      });
      return;
    }
    c.inflight.delete(m.reqId);
    this.clearTimer(f.deadline);
    this.clearTimer(f.retry);
    if (!f.pinned && b.kind !== 'status' && !(b.kind === 'memberList' && f.body.kind === 'memberList') && !(f.body.kind === 'kv' && f.body.request.op === 'range' && f.body.request.serializable)) c.leaderGuess = m.from;
    if (f.history) {
      const order = this.env.nextOrder();
      for (const h of historyOnReturn(f.history, b.kind === 'kv' ? b.response : null, this.env.nowMs(), order)) this.env.recordHistory(h);
    }
    f.onReply(b, m.from);
  }

  // ---- watches (client side) ----------------------------------------------------------------

  /** Starts a watch from `clientId`; `onCreated` / `onRefused` settle its creation. */
  watch(clientId: string, pinned: NodeId | null, req: WatchCreateRequest, onEvents: (r: WatchEventsResult) => void, onCreated: (sub: Subscription) => void, onRefused: (r: WatchEventsResult) => void): void {
    this.used = true;
    const c = this.clientSide(clientId);
    const w: ClientWatch = { req, stream: ++c.nextStream, server: pinned ?? c.leaderGuess, nextRev: req.startRevision ?? 0, watchId: null, onEvents, cancelled: false, created: false, retryTimer: null, expectSeq: 0, early: new Map() };
    const sub: Subscription = {
      cancel: () => {
        if (w.cancelled) return;
        w.cancelled = true;
        this.clearTimer(w.retryTimer);
        c.watches.delete(w.stream);
        if (w.watchId !== null) this.sendWatch(clientId, w.server, { kind: 'watchCancel', stream: w.stream, watchId: w.watchId });
      },
    };
    (w as ClientWatch & { first: { onCreated: typeof onCreated; onRefused: typeof onRefused; sub: Subscription } | null }).first = { onCreated, onRefused, sub };
    c.watches.set(w.stream, w);
    this.createWatch(clientId, w);
  }

  private sendWatch(clientId: string, to: NodeId, body: EtcdWireRequest): void {
    const c = this.clientSide(clientId);
    this.env.send({ type: 'EtcdRequest', from: clientId, to, term: 0, clientId, reqId: ++c.nextReqId, body });
  }

  private createWatch(clientId: string, w: ClientWatch): void {
    const start = w.nextRev;
    this.sendWatch(clientId, w.server, { kind: 'watchCreate', stream: w.stream, watch: { ...w.req, ...(start > 0 ? { startRevision: start } : {}) } });
    // no creation reply within the client timeout: the server is gone; try the next one
    this.clearTimer(w.retryTimer);
    w.retryTimer = this.timer(this.env.nowMs() + this.env.config.clientTimeoutMs, () => {
      w.retryTimer = null;
      if (!w.created && !w.cancelled) this.reconnect(clientId, w, w.server);
    });
  }

  private scheduleReconnect(clientId: string, w: ClientWatch, lost: NodeId): void {
    this.clearTimer(w.retryTimer);
    w.retryTimer = this.timer(this.env.nowMs() + this.env.config.clientTimeoutMs, () => {
      w.retryTimer = null;
      if (!w.cancelled) this.reconnect(clientId, w, lost);
    });
  }

  /** The watch's connection is lost: a new stream on the next server, from the next revision. */
  private reconnect(clientId: string, w: ClientWatch, lost: NodeId): void {
    const c = this.clientSide(clientId);
    const ids = this.env.serverIds();
    c.watches.delete(w.stream);
    w.stream = ++c.nextStream;
    w.server = ids[(ids.indexOf(lost) + 1) % ids.length];
    w.created = false;
    w.watchId = null;
    w.expectSeq = 0;
    w.early = new Map();
    c.watches.set(w.stream, w);
    this.createWatch(clientId, w);
  }

  /** A watch stream's message: handed on in stream order (early ones wait for those before them). */
  private onWatchMessage(c: EtcdClientSide, stream: number, seq: number, r: WatchResponse, from: NodeId, h: WireHeader): void {
    const w = c.watches.get(stream);
    if (!w || w.cancelled || from !== w.server) return; // an old stream's leftovers: ignored (exactly once)
    if (seq !== w.expectSeq) {
      if (seq > w.expectSeq) w.early.set(seq, { response: r, header: h });
      return;
    }
    this.onWatchResponse(c, stream, r, from, h);
    for (;;) {
      const cur = c.watches.get(stream);
      if (cur !== w || w.cancelled) return;
      w.expectSeq++;
      const next = w.early.get(w.expectSeq);
      if (!next) return;
      w.early.delete(w.expectSeq);
      this.onWatchResponse(c, stream, next.response, from, next.header);
    }
  }

  private onWatchResponse(c: EtcdClientSide, stream: number, r: WatchResponse, from: NodeId, h: WireHeader): void {
    const w = c.watches.get(stream)!;
    const first = (w as ClientWatch & { first?: { onCreated: (s: Subscription) => void; onRefused: (r: WatchEventsResult) => void; sub: Subscription } | null }).first ?? null;
    if (r.created) {
      if (r.canceled) {
        c.watches.delete(stream);
        this.clearTimer(w.retryTimer);
        w.cancelled = true;
        const resp: WatchEventsResult = { header: this.fullHeader(from, h), events: [], canceled: true, ...(r.cancelReason !== undefined ? { cancelReason: r.cancelReason } : {}), ...(r.compactRevision !== undefined ? { compactRevision: r.compactRevision } : {}) };
        if (first) {
          (w as { first?: unknown }).first = null;
          first.onRefused(resp);
        } else w.onEvents(resp);
        return;
      }
      w.created = true;
      w.watchId = r.watchId;
      this.clearTimer(w.retryTimer);
      w.retryTimer = null;
      if (w.nextRev === 0) w.nextRev = r.header.revision + 1;
      if (first) {
        (w as { first?: unknown }).first = null;
        first.onCreated(first.sub);
      }
      return;
    }
    if (r.canceled) {
      c.watches.delete(stream);
      w.cancelled = true;
      w.onEvents({ header: this.fullHeader(from, h), events: [], canceled: true, ...(r.cancelReason !== undefined ? { cancelReason: r.cancelReason } : {}), ...(r.compactRevision !== undefined ? { compactRevision: r.compactRevision } : {}) });
      return;
    }
    const events = r.events.filter((e) => e.kv.modRevision >= w.nextRev);
    if (events.length === 0) return;
    w.nextRev = events[events.length - 1].kv.modRevision + 1;
    w.onEvents({ header: this.fullHeader(from, h), events });
  }

  /** Starts a new timer for a client (keep-alive loops). */
  clientTimer(atMs: number, f: () => void): number {
    return this.timer(atMs, f);
  }

  cancelTimer(id: number | null): void {
    this.clearTimer(id);
  }
}

/** The engine's EtcdClient (src/etcdctl/client.ts) for one simulated client. */
class EngineEtcdClient implements EtcdClient {
  constructor(
    private layer: EtcdLayer,
    private clientId: string,
    private pinned: NodeId | null,
    /** Deadline of each request, ms (etcdctl --command-timeout); null: none. */
    private timeoutMs: number | null = 5000,
  ) {}

  /** The same client with another per-request deadline (etcdctl's --command-timeout). */
  withTimeout(ms: number | null): EngineEtcdClient {
    return new EngineEtcdClient(this.layer, this.clientId, this.pinned, ms);
  }

  endpoints(): string[] {
    return this.pinned ? [clientUrlFor(this.pinned)] : this.layer.serverIds().map(clientUrlFor);
  }

  at(endpoint: string): EtcdClient {
    const s = this.layer.serverOfEndpoint(endpoint);
    if (s === null) return new UnreachableClient(endpoint, this.layer);
    return new EngineEtcdClient(this.layer, this.clientId, s, this.timeoutMs);
  }

  nowMs(): number {
    return this.layer.nowMs();
  }

  private deadline(): number | null {
    return this.timeoutMs === null ? null : this.layer.nowMs() + this.timeoutMs;
  }

  /** One request; `ok` turns the reply into the value or throws an EtcdClientError. */
  private call<T>(body: EtcdWireRequest, ok: (r: EtcdWireResponse, from: NodeId) => T, deadline = this.deadline()): Pending<T> {
    const d = Pending.deferred<T>();
    this.layer.request(this.clientId, this.pinned, body, deadline, (r, from) => {
      if (r.kind === 'error') {
        d.reject(new EtcdClientError(r.error));
        return;
      }
      let v: T;
      try {
        v = ok(r, from);
      } catch (e) {
        d.reject(e);
        return;
      }
      d.resolve(v);
    }, (e) => d.reject(e));
    return d.pending;
  }

  kv<R extends RequestOp | CompactionRequest>(req: R): Pending<KvResponseFor<R>> {
    return this.call({ kind: 'kv', request: req }, (r, from) => {
      if (r.kind !== 'kv') throw new EtcdClientError(`unexpected reply ${r.kind}`);
      const resp = r.response;
      if (resp.op === 'error') throw new EtcdClientError(resp.error);
      return { ...resp, header: this.layer.fullHeader(from, { revision: resp.header.revision, raftTerm: r.header.raftTerm }) } as unknown as KvResponseFor<R>;
    });
  }

  leaseGrant(ttlSeconds: number): Pending<LeaseGrantResult> {
    return this.call({ kind: 'leaseGrant', ttl: ttlSeconds }, (r, from) => {
      if (r.kind !== 'kv' || r.response.op !== 'leaseGrant') throw new EtcdClientError(r.kind === 'kv' && r.response.op === 'error' ? r.response.error : 'unexpected reply');
      return { header: this.layer.fullHeader(from, r.header), id: r.response.id, ttl: r.response.ttl };
    });
  }

  leaseRevoke(id: LeaseId): Pending<{ header: FullHeader }> {
    return this.call({ kind: 'leaseRevoke', id }, (r, from) => {
      if (r.kind !== 'kv') throw new EtcdClientError('unexpected reply');
      if (r.response.op === 'error') throw new EtcdClientError(r.response.error);
      return { header: this.layer.fullHeader(from, r.header) };
    });
  }

  leaseKeepAliveOnce(id: LeaseId): Pending<LeaseKeepAliveResult> {
    return this.call({ kind: 'keepAlive', id }, (r, from) => {
      if (r.kind !== 'keepAlive') throw new EtcdClientError('unexpected reply');
      // clientv3 KeepAliveOnce: a TTL <= 0 answer is ErrLeaseNotFound
      if (r.ttl <= 0) throw new EtcdClientError(ERR_LEASE_NOT_FOUND);
      return { header: this.layer.fullHeader(from, r.header), id, ttl: r.ttl };
    });
  }

  /**
   * clientv3 Lease.KeepAlive: a keep-alive now, then every TTL/3 of the client's clock (the
   * answer's TTL); a TTL 0 answer ends the loop (onClose). An unanswered keep-alive is not
   * retried: the next tick sends another one.
   */
  leaseKeepAlive(id: LeaseId, onResponse: (r: LeaseKeepAliveResult) => void, onClose: () => void): Pending<Subscription> {
    const d = Pending.deferred<Subscription>();
    let closed = false;
    let timer: number | null = null;
    let ttlMs = 0;
    let started = false;
    let pendingReq: number | null = null;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.layer.cancelTimer(timer);
      if (pendingReq !== null) this.layer.abandon(this.clientId, pendingReq);
      onClose();
    };
    const sub: Subscription = { cancel: close };
    const tick = (): void => {
      if (closed) return;
      // one keep-alive at a time (a stream): an unanswered one is still being retried at other servers
      if (pendingReq !== null && this.layer.inFlight(this.clientId, pendingReq)) {
        timer = this.layer.clientTimer(this.layer.nowMs() + Math.floor((ttlMs || this.layer.minTtlSeconds * 1000) / 3), tick);
        return;
      }
      pendingReq = this.layer.request(this.clientId, this.pinned, { kind: 'keepAlive', id }, null, (r, from) => {
        pendingReq = null;
        if (closed) return;
        const ttl = r.kind === 'keepAlive' ? r.ttl : 0;
        if (!started) {
          started = true;
          d.resolve(sub);
        }
        if (ttl <= 0) {
          close();
          return;
        }
        ttlMs = ttl * 1000;
        onResponse({ header: this.layer.fullHeader(from, 'header' in r ? r.header : { revision: 0, raftTerm: 0 }), id, ttl });
      }, (e) => {
        if (!started) {
          started = true;
          closed = true;
          d.reject(e);
        }
      });
      // the next keep-alive a third of the TTL later (the first TTL is unknown yet: a third of the minimum)
      timer = this.layer.clientTimer(this.layer.nowMs() + Math.floor((ttlMs || this.layer.minTtlSeconds * 1000) / 3), tick);
    };
    tick();
    return d.pending;
  }

  leaseTimeToLive(id: LeaseId, keys: boolean): Pending<LeaseTimeToLiveResult> {
    return this.call({ kind: 'timeToLive', id, keys }, (r, from) => {
      if (r.kind !== 'timeToLive') throw new EtcdClientError('unexpected reply');
      return { header: this.layer.fullHeader(from, r.header), id, ttl: r.ttl, grantedTtl: r.grantedTtl, keys: r.keys };
    });
  }

  leaseLeases(): Pending<LeaseLeasesResult> {
    return this.call({ kind: 'leases' }, (r, from) => {
      if (r.kind !== 'leases') throw new EtcdClientError('unexpected reply');
      return { header: this.layer.fullHeader(from, r.header), leases: r.ids.map((id) => ({ id })) };
    });
  }

  watch(req: WatchCreateRequest, onEvents: (r: WatchEventsResult) => void): Pending<Subscription> {
    const d = Pending.deferred<Subscription>();
    this.layer.watch(this.clientId, this.pinned, req, onEvents, (sub) => d.resolve(sub), (refused) => {
      // clientv3 delivers a refused creation as a canceled response on the channel
      onEvents(refused);
      d.resolve({ cancel: () => {} });
    });
    return d.pending;
  }

  private list(r: EtcdWireResponse, from: NodeId): MemberListResult {
    if (r.kind !== 'memberList') throw new EtcdClientError('unexpected reply');
    return { header: this.layer.fullHeader(from, r.header), members: this.layer.members(r.members) };
  }

  memberList(): Pending<MemberListResult> {
    return this.call({ kind: 'memberList' }, (r, from) => this.list(r, from));
  }

  memberAdd(peerUrls: string[], isLearner: boolean): Pending<MemberAddResult> {
    return this.call({ kind: 'memberAdd', peerUrls, isLearner }, (r, from) => {
      const l = this.list(r, from);
      const added = r.kind === 'memberList' ? r.added : undefined;
      const member = l.members.find((m) => m.name === added);
      if (!member) throw new EtcdClientError('unexpected reply');
      return { ...l, member };
    });
  }

  memberRemove(id: MemberId): Pending<MemberListResult> {
    const target = this.layer.serverOfMember(id);
    if (target === null) return Pending.reject(new EtcdClientError(ERR_MEMBER_NOT_FOUND));
    return this.call({ kind: 'memberRemove', target }, (r, from) => this.list(r, from));
  }

  memberPromote(id: MemberId): Pending<MemberListResult> {
    const target = this.layer.serverOfMember(id);
    if (target === null) return Pending.reject(new EtcdClientError(ERR_MEMBER_NOT_FOUND));
    return this.call({ kind: 'memberPromote', target }, (r, from) => this.list(r, from));
  }

  status(endpoint: string): Pending<StatusResult> {
    const s = this.layer.serverOfEndpoint(endpoint);
    if (s === null) return Pending.reject(new EtcdClientError(ERR_DEADLINE_EXCEEDED));
    const pinned = new EngineEtcdClient(this.layer, this.clientId, s, this.timeoutMs);
    return pinned.call({ kind: 'status' }, (r, from) => {
      if (r.kind !== 'status') throw new EtcdClientError('unexpected reply');
      const st = r.status;
      return {
        header: this.layer.fullHeader(from, r.header),
        version: ETCD_VERSION,
        dbSize: st.dbSize,
        leader: st.leader ? memberIdFor(st.leader) : '0000000000000000',
        raftIndex: st.raftIndex,
        raftTerm: st.raftTerm,
        raftAppliedIndex: st.raftAppliedIndex,
        errors: [],
        dbSizeInUse: st.dbSizeInUse,
        isLearner: false,
        storageVersion: STORAGE_VERSION,
        dbSizeQuota: DEFAULT_QUOTA_BYTES,
        downgradeInfo: { enabled: false, targetVersion: '' },
      };
    });
  }

  moveLeader(target: MemberId): Pending<{ header: FullHeader }> {
    const to = this.layer.serverOfMember(target);
    if (to === null) return Pending.reject(new EtcdClientError(ERR_BAD_LEADER_TRANSFEREE));
    return this.call({ kind: 'moveLeader', target: to }, (r, from) => {
      if (r.kind !== 'moveLeader') throw new EtcdClientError('unexpected reply');
      return { header: this.layer.fullHeader(from, r.header) };
    }, null);
  }
}

/** A client pinned to an endpoint no server has: every request fails as a dial timeout would. */
class UnreachableClient implements EtcdClient {
  constructor(private endpoint: string, private layer: EtcdLayer) {}
  private fail<T>(): Pending<T> {
    return Pending.reject(new EtcdClientError(ERR_DEADLINE_EXCEEDED));
  }
  endpoints(): string[] { return [this.endpoint]; }
  at(endpoint: string): EtcdClient { return new UnreachableClient(endpoint, this.layer); }
  nowMs(): number { return this.layer.nowMs(); }
  kv<R extends RequestOp | CompactionRequest>(): Pending<KvResponseFor<R>> { return this.fail(); }
  leaseGrant(): Pending<LeaseGrantResult> { return this.fail(); }
  leaseRevoke(): Pending<{ header: FullHeader }> { return this.fail(); }
  leaseKeepAliveOnce(): Pending<LeaseKeepAliveResult> { return this.fail(); }
  leaseKeepAlive(): Pending<Subscription> { return this.fail(); }
  leaseTimeToLive(): Pending<LeaseTimeToLiveResult> { return this.fail(); }
  leaseLeases(): Pending<LeaseLeasesResult> { return this.fail(); }
  watch(): Pending<Subscription> { return this.fail(); }
  memberList(): Pending<MemberListResult> { return this.fail(); }
  memberAdd(): Pending<MemberAddResult> { return this.fail(); }
  memberRemove(): Pending<MemberListResult> { return this.fail(); }
  memberPromote(): Pending<MemberListResult> { return this.fail(); }
  status(): Pending<StatusResult> { return this.fail(); }
  moveLeader(): Pending<{ header: FullHeader }> { return this.fail(); }
}

export type { KvStore };
export { EngineEtcdClient };
