/**
 * The errors of the etcd v3 API as etcd's gRPC layer words them (etcd api/v3rpc/rpctypes/error.go,
 * ErrGRPC…), which is what clients and etcdctl print (`Error: etcdserver: …`).
 */
import type { ErrorResponse, KvErrorCode } from './types';

/** rpctypes.ErrGRPCEmptyKey. */
export const ERR_EMPTY_KEY = 'etcdserver: key is not provided';
/** rpctypes.ErrGRPCKeyNotFound (also a put with ignoreValue/ignoreLease on a missing key, etcd errors.ErrKeyNotFound). */
export const ERR_KEY_NOT_FOUND = 'etcdserver: key not found';
/** rpctypes.ErrGRPCValueProvided: a put with ignoreValue and a value. */
export const ERR_VALUE_PROVIDED = 'etcdserver: value is provided';
/** rpctypes.ErrGRPCLeaseProvided: a put with ignoreLease and a lease. */
export const ERR_LEASE_PROVIDED = 'etcdserver: lease is provided';
/** rpctypes.ErrGRPCTooManyOps: more than {@link MAX_TXN_OPS} compares or ops in one txn level. */
export const ERR_TOO_MANY_OPS = 'etcdserver: too many operations in txn request';
/** rpctypes.ErrGRPCDuplicateKey. */
export const ERR_DUPLICATE_KEY = 'etcdserver: duplicate key given in txn request';
/** rpctypes.ErrGRPCInvalidSortOption. */
export const ERR_INVALID_SORT_OPTION = 'etcdserver: invalid sort option';
/** rpctypes.ErrGRPCCompacted (mvcc.ErrCompacted): a read, watch or compaction below the compacted revision. */
export const ERR_COMPACTED = 'etcdserver: mvcc: required revision has been compacted';
/** rpctypes.ErrGRPCFutureRev (mvcc.ErrFutureRev): a read or compaction above the current revision. */
export const ERR_FUTURE_REV = 'etcdserver: mvcc: required revision is a future revision';
/** rpctypes.ErrGRPCLeaseNotFound (lease.ErrLeaseNotFound). */
export const ERR_LEASE_NOT_FOUND = 'etcdserver: requested lease not found';
/** rpctypes.ErrGRPCLeaseExist (lease.ErrLeaseExists). */
export const ERR_LEASE_EXIST = 'etcdserver: lease already exists';
/** rpctypes.ErrGRPCLeaseTTLTooLarge (lease.ErrLeaseTTLTooLarge). */
export const ERR_LEASE_TTL_TOO_LARGE = 'etcdserver: too large lease TTL';
/** lease.ErrNotPrimary: a keep-alive sent to a lessor that is not the leader's (etcd forwards it to the leader). */
export const ERR_NOT_PRIMARY = 'not a primary lessor';

/** etcd's default `--max-txn-ops` (embed.DefaultMaxTxnOps). */
export const MAX_TXN_OPS = 128;

/** lease.MaxLeaseTTL, seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

const TEXT: Record<Exclude<KvErrorCode, 'InvalidRequest'>, string> = {
  EmptyKey: ERR_EMPTY_KEY,
  KeyNotFound: ERR_KEY_NOT_FOUND,
  ValueProvided: ERR_VALUE_PROVIDED,
  LeaseProvided: ERR_LEASE_PROVIDED,
  TooManyOps: ERR_TOO_MANY_OPS,
  DuplicateKey: ERR_DUPLICATE_KEY,
  InvalidSortOption: ERR_INVALID_SORT_OPTION,
  Compacted: ERR_COMPACTED,
  FutureRev: ERR_FUTURE_REV,
  LeaseNotFound: ERR_LEASE_NOT_FOUND,
  LeaseExist: ERR_LEASE_EXIST,
  LeaseTTLTooLarge: ERR_LEASE_TTL_TOO_LARGE,
};

/** A failure inside the store before anything was written; turned into an {@link ErrorResponse}. */
export class KvError {
  constructor(
    readonly code: KvErrorCode,
    /** Only for `InvalidRequest`: what is wrong with the request. */
    readonly detail?: string,
  ) {}

  /** etcd's text for the code (for InvalidRequest: `invalid request: <detail>`). */
  get message(): string {
    return this.code === 'InvalidRequest' ? `invalid request: ${this.detail ?? ''}` : TEXT[this.code];
  }

  response(revision: number): ErrorResponse {
    return { op: 'error', header: { revision }, code: this.code, error: this.message };
  }
}

/** Shorthand for an InvalidRequest error. */
export function invalid(detail: string): KvError {
  return new KvError('InvalidRequest', detail);
}
