/**
 * Lease IDs and TTL rules shared by the store, the lessor, the engine and etcdctl's output.
 *
 * etcd's lease.LeaseID is an int64; the server only hands out positive ones
 * (`reqIDGen.Next() & ((1 << 63) - 1)`, etcdserver/v3_server.go LeaseGrant) and never 0
 * (lease.NoLease). etcdctl prints IDs as `%016x` and parses them with strconv.ParseInt(s, 16, 64).
 * Here an ID is that 16-digit lowercase hex string, so it stays exact in JSON.
 */
import type { LeaseId } from './types';

/** etcd lease.NoLease (0): "no lease". */
export const NO_LEASE: LeaseId = '0000000000000000';

const CANONICAL = /^[0-7][0-9a-f]{15}$/;

/** True for a canonical lease ID: 16 lowercase hex digits of a positive int64 (not NO_LEASE). */
export function isLeaseId(id: unknown): id is LeaseId {
  return typeof id === 'string' && CANONICAL.test(id) && id !== NO_LEASE;
}

/**
 * Parses an ID the way etcdctl does (hex, optional leading zeros, at most a positive int64),
 * returning the canonical 16-digit form, or null if the text is not one. `parseLeaseId('0')` is
 * NO_LEASE.
 */
export function parseLeaseId(text: string): LeaseId | null {
  const t = text.trim().toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(t)) return null;
  const id = t.padStart(16, '0');
  return id[0] <= '7' ? id : null;
}

/**
 * etcdctl's printing of a lease ID (`%016x`): 16 hex digits. Accepts a LeaseId (returned in
 * canonical form) or a bigint; throws a RangeError for anything that is not a non-negative int64.
 */
export function formatLeaseId(id: LeaseId | bigint): string {
  if (typeof id === 'bigint') {
    if (id < 0n || id >= 1n << 63n) throw new RangeError(`lease ID ${id} is not a non-negative int64`);
    return id.toString(16).padStart(16, '0');
  }
  const p = parseLeaseId(id);
  if (p === null) throw new RangeError(`invalid lease ID ${JSON.stringify(id)}`);
  return p;
}

/** The ID as a decimal int64, as etcd's JSON output (`-w json`) prints it. */
export function leaseIdToDecimal(id: LeaseId): string {
  return BigInt(`0x${formatLeaseId(id)}`).toString(10);
}

/**
 * Draws a fresh lease ID from a seeded source of 32-bit unsigned integers (two draws per try),
 * as etcd's leader does from its request-ID generator: positive (top bit cleared), never 0,
 * never one of `taken`. Throws a RangeError if `nextUint32` returns something that is not a uint32.
 */
export function drawLeaseId(nextUint32: () => number, taken: (id: LeaseId) => boolean = () => false): LeaseId {
  for (;;) {
    const hi = nextUint32();
    const lo = nextUint32();
    for (const x of [hi, lo]) {
      if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new RangeError(`drawLeaseId: ${x} is not a uint32`);
    }
    const id = ((hi & 0x7fffffff) >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
    if (id !== NO_LEASE && !taken(id)) return id;
  }
}

/**
 * etcd's minimum lease TTL, seconds: 1.5 × the election timeout, rounded up
 * (etcdserver/server.go: `minTTL := time.Duration((3*cfg.ElectionTicks)/2) * heartbeat`,
 * `MinLeaseTTL: int64(math.Ceil(minTTL.Seconds()))`). With `heartbeatMs` the election timeout is
 * counted in whole heartbeat ticks and 3×ticks/2 rounded down, exactly as etcd does. A lease
 * shorter than this could expire during a leader election. Throws a RangeError for a timeout
 * that is not a positive finite number.
 */
export function minLeaseTtlSeconds(electionTimeoutMs: number, heartbeatMs?: number): number {
  if (!(electionTimeoutMs > 0) || !Number.isFinite(electionTimeoutMs)) {
    throw new RangeError(`electionTimeoutMs must be a positive number, got ${electionTimeoutMs}`);
  }
  let minMs = 1.5 * electionTimeoutMs;
  if (heartbeatMs !== undefined) {
    if (!(heartbeatMs > 0) || !Number.isFinite(heartbeatMs)) throw new RangeError(`heartbeatMs must be a positive number, got ${heartbeatMs}`);
    const ticks = Math.round(electionTimeoutMs / heartbeatMs);
    minMs = Math.floor((3 * ticks) / 2) * heartbeatMs;
  }
  return Math.ceil(minMs / 1000);
}

/**
 * The TTL a grant really gets: the requested one raised to the minimum (etcd lessor.Grant:
 * `if l.ttl < le.minLeaseTTL { l.ttl = le.minLeaseTTL }`). The proposer applies it before the
 * request enters the log, so every server stores the same TTL.
 */
export function effectiveLeaseTtl(requestedTtlSeconds: number, minTtlSeconds: number): number {
  return Math.max(requestedTtlSeconds, minTtlSeconds);
}
