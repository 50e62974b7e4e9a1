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
  | { type: 'kv'; clientId: string; seq: number; op: KvOp };

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
  result: KvResult;
}

/** Plain-data copy of a KvStateMachine: the store plus the session table keyed by clientId. */
export interface KvStateMachineSnapshot {
  store: KvSnapshot;
  sessions: Record<string, ClientSession>;
}
