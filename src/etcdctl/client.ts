/**
 * The client etcdctl and the recipes talk to: a small interface shaped like clientv3
 * (go.etcd.io/etcd/client/v3: KV, Lease, Watcher, Cluster, Maintenance). The engine implements it
 * over the simulated cluster (requests through the Raft log, answers when a server replies);
 * {@link MemoryEtcdClient} (memory.ts) implements it over one store for tests and for a console
 * that runs before a cluster is wired.
 *
 * Every method returns a {@link Pending} (pending.ts) that the client fulfils with etcd's response
 * or rejects with an {@link EtcdClientError} whose message is the text clientv3 gives
 * (`etcdserver: requested lease not found`, …). Requests use the store's types (src/kv);
 * responses add the full etcd ResponseHeader.
 *
 * The contract that keeps a run deterministic: the client settles a request's Pending, and calls
 * the `onEvents` / `onResponse` / `onClose` callbacks, inside the engine event that delivers the
 * reply to the client, and nowhere else. Everything the caller does in reaction (sending the next
 * request, printing, finishing) then happens synchronously in that event. A method may be called
 * from inside such a callback: the client must then send the request as a new message (queued in
 * the engine at the current time), not serve it re-entrantly inside the event being handled.
 * A method must not throw; a request it cannot send is a rejected Pending.
 */
import type {
  CompactionRequest,
  KeyValue,
  KvEvent,
  LeaseId,
  RangeResponse,
  RequestOp,
  ResponseOp,
  CompactionResponse,
  DeleteRangeResponse,
  PutResponse,
  TxnResponse,
  RangeRequest,
  PutRequest,
  DeleteRangeRequest,
  TxnRequest,
} from '../kv';
import type { WatchCreateRequest } from '../kv';
import type { MemberId } from './members';
import type { Pending } from './pending';

/** A failed request, with the message clientv3 returns (etcd's error text). */
export class EtcdClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdClientError';
  }
}

/**
 * etcd's ResponseHeader in full (etcdserverpb.ResponseHeader): which cluster and member answered,
 * the store revision and the Raft term (currentTerm of the answering server).
 */
export interface FullHeader {
  clusterId: MemberId;
  memberId: MemberId;
  revision: number;
  raftTerm: number;
}

/** A response of the store with the full header instead of the store's `{revision}`. */
export type WithHeader<T> = Omit<T, 'header'> & { header: FullHeader };

/** The KV response for each request type. Sub-responses of a txn keep the store's `{revision}` headers (etcd fills only the top one). */
export type KvResponseFor<R> = R extends RangeRequest
  ? WithHeader<RangeResponse>
  : R extends PutRequest
    ? WithHeader<PutResponse>
    : R extends DeleteRangeRequest
      ? WithHeader<DeleteRangeResponse>
      : R extends TxnRequest
        ? WithHeader<TxnResponse>
        : R extends CompactionRequest
          ? WithHeader<CompactionResponse>
          : never;

/** clientv3 LeaseGrantResponse. */
export interface LeaseGrantResult {
  header: FullHeader;
  id: LeaseId;
  /** Seconds; raised to the server's minimum TTL. */
  ttl: number;
}

/** clientv3 LeaseKeepAliveResponse: TTL 0 means the lease is gone (expired or revoked). */
export interface LeaseKeepAliveResult {
  header: FullHeader;
  id: LeaseId;
  ttl: number;
}

/** clientv3 LeaseTimeToLiveResponse: `ttl` -1 and `grantedTtl` 0 for a lease that does not exist. */
export interface LeaseTimeToLiveResult {
  header: FullHeader;
  id: LeaseId;
  /** Remaining seconds (truncated). */
  ttl: number;
  grantedTtl: number;
  /** Attached keys, when asked. */
  keys: string[];
}

/** clientv3 LeaseLeasesResponse. */
export interface LeaseLeasesResult {
  header: FullHeader;
  leases: Array<{ id: LeaseId }>;
}

/** etcdserverpb.Member. A member added but not yet started has no name and no client URLs. */
export interface Member {
  id: MemberId;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** MemberListResponse, MemberRemoveResponse, MemberPromoteResponse. `members` ascending by ID, as etcd lists them. */
export interface MemberListResult {
  header: FullHeader;
  members: Member[];
}

/** MemberAddResponse: the new member and the members after the change. */
export interface MemberAddResult {
  header: FullHeader;
  member: Member;
  members: Member[];
}

/** etcdserverpb.StatusResponse (the Maintenance Status RPC answered by one endpoint). */
export interface StatusResult {
  header: FullHeader;
  /** etcd server version, e.g. "3.6.14". */
  version: string;
  /** Bytes. */
  dbSize: number;
  /** The member this endpoint believes is leader ('0000000000000000' for none). */
  leader: MemberId;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  /** Bytes. */
  dbSizeInUse: number;
  isLearner: boolean;
  storageVersion: string;
  /** Bytes (etcd's default quota: 2 GiB). */
  dbSizeQuota: number;
  downgradeInfo: { enabled: boolean; targetVersion: string };
}

/** clientv3 WatchResponse as a watcher's callback receives it. */
export interface WatchEventsResult {
  header: FullHeader;
  events: KvEvent[];
  /** The watch was cancelled by the server (compaction); `cancelReason` says why. */
  canceled?: boolean;
  compactRevision?: number;
  cancelReason?: string;
}

/** A running subscription (a watch or a keep-alive loop); `cancel` stops it, as closing its context does. */
export interface Subscription {
  cancel(): void;
}

/**
 * The operations etcdctl and the recipes need. An implementation is connected to a list of
 * endpoints (`endpoints()`); {@link at} pins one of them (etcdctl's per-endpoint commands).
 */
export interface EtcdClient {
  /** The client URLs this client is connected to (etcdctl `--endpoints`). */
  endpoints(): string[];
  /** A client connected to `endpoint` only. Rejects with "…: no such endpoint" style errors at use if unknown. */
  at(endpoint: string): EtcdClient;
  /** The client's clock, ms of simulated time (for the `took` of `endpoint health`). */
  nowMs(): number;
  /** One KV request (range, put, deleteRange, txn, compact); serializable ranges may be answered locally. */
  kv<R extends RequestOp | CompactionRequest>(req: R): Pending<KvResponseFor<R>>;
  /** clientv3 Lease.Grant(ttl seconds). */
  leaseGrant(ttlSeconds: number): Pending<LeaseGrantResult>;
  /** clientv3 Lease.Revoke. */
  leaseRevoke(id: LeaseId): Pending<{ header: FullHeader }>;
  /** clientv3 Lease.KeepAliveOnce. */
  leaseKeepAliveOnce(id: LeaseId): Pending<LeaseKeepAliveResult>;
  /**
   * clientv3 Lease.KeepAlive: sends a keep-alive now and then every TTL/3 seconds, calling
   * `onResponse` for each answer; when the lease is gone (TTL 0) or the subscription is
   * cancelled the loop stops and `onClose` is called once (also when cancelled). Rejects if the
   * first keep-alive fails.
   */
  leaseKeepAlive(id: LeaseId, onResponse: (r: LeaseKeepAliveResult) => void, onClose: () => void): Pending<Subscription>;
  /** clientv3 Lease.TimeToLive (with the attached keys when `keys`, ascending; etcd gives them in map order). */
  leaseTimeToLive(id: LeaseId, keys: boolean): Pending<LeaseTimeToLiveResult>;
  /** clientv3 Lease.Leases: soonest expiry first, as etcd's lessor.Leases sorts them. */
  leaseLeases(): Pending<LeaseLeasesResult>;
  /**
   * clientv3 Watcher.Watch: events in revision order, each exactly once, through `onEvents`; a
   * server-side cancel (compaction) is delivered as a response with `canceled` and ends the
   * watch. Resolves once the watch is created; rejects if creation is refused.
   */
  watch(req: WatchCreateRequest, onEvents: (r: WatchEventsResult) => void): Pending<Subscription>;
  memberList(opts?: { serializable?: boolean }): Pending<MemberListResult>;
  memberAdd(peerUrls: string[], isLearner: boolean): Pending<MemberAddResult>;
  memberRemove(id: MemberId): Pending<MemberListResult>;
  memberPromote(id: MemberId): Pending<MemberListResult>;
  /** Maintenance.Status of `endpoint`. */
  status(endpoint: string): Pending<StatusResult>;
  /** Maintenance.MoveLeader (sent to the leader): transfer leadership to `target`. */
  moveLeader(target: MemberId): Pending<{ header: FullHeader }>;
}

/** The KV responses etcdctl prints. */
export type AnyKvResponse = WithHeader<ResponseOp> | WithHeader<CompactionResponse>;

/** Re-exported for convenience. */
export type { KeyValue };
