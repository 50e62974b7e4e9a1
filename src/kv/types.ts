/**
 * Types of the etcd-v3-style key-value store that sits on top of the replicated log.
 * Names follow etcd's API: revision, createRevision (etcd create_revision), modRevision, version.
 */

/** One key as etcd returns it (mvccpb.KeyValue). Revisions are store-wide counters, version is per key. */
export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
  /** Number of writes since creation; 1 after the first put, reset by delete. */
  version: number;
  /**
   * The lease the key is attached to (etcd KeyValue.lease), as 16 hex digits; absent when the key
   * has no lease (etcd's lease 0, omitted as etcd's JSON omits it).
   */
  lease?: LeaseId;
}

/** A read or write a client asks for. `prefix: true` treats `key` as a prefix (etcd WithPrefix). */
export type KvOp =
  | { op: 'put'; key: string; value: string }
  | { op: 'get'; key: string; prefix?: boolean }
  | { op: 'delete'; key: string; prefix?: boolean }
  | { op: 'txn'; compare: KvCompare[]; success: KvTxnOp[]; failure: KvTxnOp[] };

/** Operations allowed inside a txn branch. */
export type KvTxnOp = Extract<KvOp, { op: 'put' } | { op: 'get' } | { op: 'delete' }>;

/**
 * A txn guard (etcd Compare). `target` picks what is compared; a missing key has value ''
 * (compares unequal to any given string), version 0, createRevision 0 and modRevision 0, as in etcd.
 */
export interface KvCompare {
  key: string;
  target: 'value' | 'version' | 'createRevision' | 'modRevision';
  result: '=' | '!=' | '<' | '>';
  /** A string for target 'value', a number for the others. */
  value: string | number;
}

/** Result of one op; `revision` is the store revision after the op (etcd ResponseHeader.revision). */
export type KvResult =
  | { op: 'put'; revision: number; prevKv?: KeyValue }
  | { op: 'get'; revision: number; kvs: KeyValue[] }
  | { op: 'delete'; revision: number; deleted: number; prevKvs: KeyValue[] }
  | { op: 'txn'; revision: number; succeeded: boolean; responses: KvResult[] }
  | { op: 'error'; revision: number; error: string };

/** A command carried by a Raft log entry: a no-op (a new leader's first entry) or a client's KV op. */
export type Command =
  | { type: 'noop' }
  | { type: 'kv'; clientId: string; seq: number; op: KvOp }
  /** An etcd v3 request (issue 14), applied with KvStateMachine.applyEtcdCommand. */
  | EtcdCommand;

/** Plain-data copy of a store, for snapshots, the UI and the CLI's JSON. */
export interface KvSnapshot {
  revision: number;
  kvs: Record<string, KeyValue>;
}

/**
 * One client's entry in the state machine's session table (Raft thesis §6.3): the highest
 * sequence number applied for that client and the result it produced, replayed on a retry.
 */
export interface ClientSession {
  seq: number;
  /** A {@link KvResult} for a {@link Command}, a {@link KvResponse} for an {@link EtcdCommand}. */
  result: KvResult | KvResponse;
}

/** Plain-data copy of a KvStateMachine: the store plus the session table keyed by clientId. */
export interface KvStateMachineSnapshot {
  /** The current keys (what the UI shows). */
  store: KvSnapshot;
  sessions: Record<string, ClientSession>;
  /** The full MVCC history and leases; when absent (older snapshots), `store` is restored without history. */
  history?: KvStoreDump;
}

// ---- The etcd v3 API (etcdserverpb, rpc.proto), beside the KvOp API above ----------------------
//
// Requests and responses are named after etcd's messages, in camelCase, tagged by `op`. Ranges are
// etcd's: `rangeEnd` absent or '' means the single key `key`; `rangeEnd` '\0' means every key
// >= `key` (from-key); otherwise [key, rangeEnd). A prefix is [key, prefixEnd(key)) (see
// `prefixRange` in range.ts, clientv3 WithPrefix).

/**
 * A lease ID (etcd lease.LeaseID, a positive int64) as exactly 16 lowercase hex digits, the way
 * etcdctl prints it (`%016x`, e.g. `694d5765fc71500b`). Strings keep it exact in JSON.
 */
export type LeaseId = string;

/** etcd ResponseHeader: the store revision when the request was answered. */
export interface ResponseHeader {
  revision: number;
}

/** Sort target of a range (etcd RangeRequest.SortTarget; etcdctl `--sort-by` says MODIFY for MOD). */
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

/** Sort order of a range (etcd RangeRequest.SortOrder). */
export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';

/** etcd RangeRequest. */
export interface RangeRequest {
  op: 'range';
  key: string;
  rangeEnd?: string;
  /** At most this many keys (0 or absent: no limit); `more` says whether keys were left out. */
  limit?: number;
  /** Read the store as of this revision (0 or absent: the current one). */
  revision?: number;
  /** Default NONE: ascending by key when sorting by KEY, ascending when sorting by another target. */
  sortOrder?: SortOrder;
  /** Default KEY. */
  sortTarget?: SortTarget;
  /** Served by any server from its applied state, without a ReadIndex/log round (the engine's concern). */
  serializable?: boolean;
  /** Values left out (''). */
  keysOnly?: boolean;
  /** Only `count`, no kvs. */
  countOnly?: boolean;
  /** Filters applied after the read (etcd: `count` still counts the unfiltered keys). 0 = none. */
  minModRevision?: number;
  maxModRevision?: number;
  minCreateRevision?: number;
  maxCreateRevision?: number;
}

/** etcd PutRequest. */
export interface PutRequest {
  op: 'put';
  key: string;
  value: string;
  /** Attach the key to this lease (absent: the key has no lease after the put). */
  lease?: LeaseId;
  /** Return the key-value before the put. */
  prevKv?: boolean;
  /** Keep the current value (the key must exist; `value` must be ''). */
  ignoreValue?: boolean;
  /** Keep the current lease (the key must exist; `lease` must be absent). */
  ignoreLease?: boolean;
}

/** etcd DeleteRangeRequest. */
export interface DeleteRangeRequest {
  op: 'deleteRange';
  key: string;
  rangeEnd?: string;
  /** Return the deleted key-values. */
  prevKv?: boolean;
}

/**
 * etcd Compare. A missing key compares as version 0, createRevision 0, modRevision 0, lease
 * NO_LEASE; a `value` compare on a missing key always fails. With `rangeEnd`, every key of the
 * range must satisfy it (an empty range compares like a missing key).
 */
export interface Compare {
  key: string;
  rangeEnd?: string;
  target: 'value' | 'version' | 'createRevision' | 'modRevision' | 'lease';
  result: '=' | '!=' | '<' | '>';
  /** A string for `value`, a LeaseId for `lease` (NO_LEASE for none), an integer for the others. */
  value: string | number;
}

/** An operation inside a txn branch (etcd RequestOp). */
export type RequestOp = RangeRequest | PutRequest | DeleteRangeRequest | TxnRequest;

/** etcd TxnRequest: if every compare holds run `success`, else `failure`. */
export interface TxnRequest {
  op: 'txn';
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

/** etcd CompactionRequest: discard the history below `revision`. */
export interface CompactionRequest {
  op: 'compact';
  revision: number;
}

/**
 * etcd LeaseGrantRequest. The ID is chosen by the proposer (etcd's leader picks a random one; the
 * engine draws it from the seed, see `drawLeaseId`); the TTL is in seconds and already raised to
 * etcd's minimum by the proposer (see `minLeaseTtlSeconds`).
 */
export interface LeaseGrantRequest {
  op: 'leaseGrant';
  id: LeaseId;
  ttl: number;
}

/** etcd LeaseRevokeRequest: deletes the lease and, in one revision, every key attached to it. */
export interface LeaseRevokeRequest {
  op: 'leaseRevoke';
  id: LeaseId;
}

/** Every request the store applies (what etcd's InternalRaftRequest carries through the log). */
export type KvRequest = RequestOp | CompactionRequest | LeaseGrantRequest | LeaseRevokeRequest;

/** etcd RangeResponse. `count` is the number of keys in the range (before `limit`). */
export interface RangeResponse {
  op: 'range';
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

/** etcd PutResponse; `prevKv` only when asked and the key existed. */
export interface PutResponse {
  op: 'put';
  header: ResponseHeader;
  prevKv?: KeyValue;
}

/** etcd DeleteRangeResponse; `prevKvs` only when asked. */
export interface DeleteRangeResponse {
  op: 'deleteRange';
  header: ResponseHeader;
  deleted: number;
  prevKvs?: KeyValue[];
}

/** etcd ResponseOp. */
export type ResponseOp = RangeResponse | PutResponse | DeleteRangeResponse | TxnResponse;

/** etcd TxnResponse: `succeeded` says which branch ran; one response per op of that branch. */
export interface TxnResponse {
  op: 'txn';
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

/** etcd CompactionResponse. */
export interface CompactionResponse {
  op: 'compact';
  header: ResponseHeader;
}

/** etcd LeaseGrantResponse. */
export interface LeaseGrantResponse {
  op: 'leaseGrant';
  header: ResponseHeader;
  id: LeaseId;
  ttl: number;
}

/** etcd LeaseRevokeResponse. */
export interface LeaseRevokeResponse {
  op: 'leaseRevoke';
  header: ResponseHeader;
}

/**
 * Which etcd error a request failed with (rpctypes ErrGRPC…); `InvalidRequest` is this
 * simulator's own, for a request of the wrong shape (which etcd's protobuf types cannot express).
 */
export type KvErrorCode =
  | 'EmptyKey'
  | 'KeyNotFound'
  | 'ValueProvided'
  | 'LeaseProvided'
  | 'TooManyOps'
  | 'DuplicateKey'
  | 'InvalidSortOption'
  | 'Compacted'
  | 'FutureRev'
  | 'LeaseNotFound'
  | 'LeaseExist'
  | 'LeaseTTLTooLarge'
  | 'InvalidRequest';

/** A refused request: nothing changed. `error` is etcd's text, e.g. "etcdserver: key is not provided". */
export interface ErrorResponse {
  op: 'error';
  header: ResponseHeader;
  code: KvErrorCode;
  error: string;
}

/** Every response of {@link KvRequest}s. */
export type KvResponse =
  | ResponseOp
  | CompactionResponse
  | LeaseGrantResponse
  | LeaseRevokeResponse
  | ErrorResponse;

/**
 * One change of one key (etcd mvccpb.Event), as watchers receive it. A PUT carries the new
 * key-value; a DELETE carries `{key, value: '', createRevision: 0, modRevision: <revision of
 * the delete>, version: 0}` as etcd sends it. `prevKv` (when the watcher asked for it) is the
 * key as of the revision before.
 */
export interface KvEvent {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  prevKv?: KeyValue;
}

/** What the store knows of a lease (the replicated part; the remaining time is the lessor's). */
export interface LeaseInfo {
  id: LeaseId;
  /** Granted TTL, seconds. */
  ttl: number;
  /** Attached keys, ascending. */
  keys: string[];
}

/**
 * A log entry carrying an etcd request. `clientId`/`seq` (both or neither) enable duplicate
 * suppression in the session table as for {@link Command}; requests proposed by a leader's lessor
 * (lease revocations on expiry) have none.
 */
export interface EtcdCommand {
  type: 'etcd';
  clientId?: string;
  seq?: number;
  request: KvRequest;
}

/** One version of a key in a {@link KvStoreDump}: `kv` null is a deletion (a tombstone). */
export interface KvDumpVersion {
  /** The revision of the write (etcd revision.main). */
  revision: number;
  /** Its position inside that revision's txn (etcd revision.sub). */
  sub: number;
  kv: KeyValue | null;
}

/**
 * The whole MVCC state as plain data (JSON-safe): every kept version of every key (oldest
 * first), tombstones included, plus the leases. The events that watchers replay are rebuilt from
 * it, so a store restored from a dump behaves exactly like the original.
 */
export interface KvStoreDump {
  revision: number;
  /** etcd compactMainRev: -1 if never compacted. */
  compactRevision: number;
  /** Oldest revision whose events are kept (watches may start there). */
  oldestEventRevision: number;
  keys: Array<{ key: string; versions: KvDumpVersion[] }>;
  leases: Array<{ id: LeaseId; ttl: number }>;
}
