/**
 * The lessor: when leases expire (etcd server/lease/lessor.go), as a deterministic class driven
 * by one server's clock.
 *
 * The replicated part of a lease (its ID, granted TTL and attached keys) lives in the store and
 * changes only through the log (LeaseGrant, LeaseRevoke). Expiry is decided by the leader alone:
 * every server keeps a Lessor mirroring the store's leases, but only the primary lessor (the
 * leader's, after {@link Lessor.promote}) has deadlines; the others hold every lease "forever".
 * The primary renews leases on keep-alives and reports expired ones; the engine then proposes a
 * LeaseRevoke for each through the log, so every server deletes the keys at the same revision.
 *
 * Times are ms of the server's own simulated clock (so they follow its clock rate). Nothing here
 * reads a clock, draws randomness or schedules timers: the engine asks
 * {@link Lessor.nextDeadlineMs} when to call {@link Lessor.expired} again.
 */
import { ERR_NOT_PRIMARY } from './errors';
import type { LeaseId } from './types';

/** etcd defaultExpiredleaseRetryInterval: an expired lease is reported again after this long if still there. */
export const EXPIRED_LEASE_RETRY_MS = 3000;

interface LessorLease {
  /** Granted TTL, seconds. */
  ttl: number;
  /** Deadline (ms); null = forever (not primary). */
  expiryMs: number | null;
  /** When an expired lease may be reported again (ms); null = report as soon as expired. */
  retryAtMs: number | null;
}

/** Plain-data copy of a Lessor (leases ascending by ID). */
export interface LessorSnapshot {
  primary: boolean;
  retryMs: number;
  leases: Array<{ id: LeaseId; ttl: number; expiryMs: number | null; retryAtMs: number | null }>;
}

/** The answer to a keep-alive (etcd LeaseKeepAliveResponse): TTL 0 when the lease is gone or expired. */
export type KeepAliveResult = { id: LeaseId; ttl: number } | { id: LeaseId; error: typeof ERR_NOT_PRIMARY };

/** The lessor's half of etcd LeaseTimeToLiveResponse (TTL -1: no such lease, as etcd answers). */
export type TimeToLiveResult = { id: LeaseId; ttl: number; grantedTtl: number } | { id: LeaseId; error: typeof ERR_NOT_PRIMARY };

function sortedIds(m: Map<LeaseId, unknown>): LeaseId[] {
  return [...m.keys()].sort();
}

/** See the module comment. */
export class Lessor {
  private leases = new Map<LeaseId, LessorLease>();
  private primary = false;

  /** @param retryMs how long before an expired, still unrevoked lease is reported again (etcd: 3 s). */
  constructor(private readonly retryMs: number = EXPIRED_LEASE_RETRY_MS) {
    if (!(retryMs > 0)) throw new RangeError(`retryMs must be positive, got ${retryMs}`);
  }

  /** Whether this is the leader's lessor (etcd lessor.isPrimary: promoted and not demoted). */
  get isPrimary(): boolean {
    return this.primary;
  }

  /** Number of leases known. */
  get size(): number {
    return this.leases.size;
  }

  /** IDs of every known lease, ascending. */
  ids(): LeaseId[] {
    return sortedIds(this.leases);
  }

  has(id: LeaseId): boolean {
    return this.leases.has(id);
  }

  /**
   * Mirrors an applied LeaseGrant (etcd lessor.Grant): on the primary the lease expires `ttl`
   * seconds from `nowMs`; elsewhere it is held forever. Throws an Error if the ID is already
   * known (the store refuses a second grant, so this is a bookkeeping bug).
   */
  grant(id: LeaseId, ttlSeconds: number, nowMs: number): void {
    if (this.leases.has(id)) throw new Error(`lessor: lease ${id} granted twice`);
    this.leases.set(id, {
      ttl: ttlSeconds,
      expiryMs: this.primary ? nowMs + ttlSeconds * 1000 : null,
      retryAtMs: null,
    });
  }

  /** Mirrors an applied LeaseRevoke (or a revocation on expiry): forgets the lease. False if unknown. */
  revoke(id: LeaseId): boolean {
    return this.leases.delete(id);
  }

  /**
   * A client's keep-alive reaching this server (etcd lessor.Renew): only the primary renews; it
   * sets the deadline to `nowMs` + TTL and answers the TTL. A lease it does not know, or one
   * already expired and waiting for its revocation, answers TTL 0 (etcd's keep-alive of a revoked
   * lease). A non-primary answers {@link ERR_NOT_PRIMARY} (etcd forwards the keep-alive to the leader).
   */
  keepAlive(id: LeaseId, nowMs: number): KeepAliveResult {
    if (!this.primary) return { id, error: ERR_NOT_PRIMARY };
    const l = this.leases.get(id);
    if (!l || (l.expiryMs !== null && l.expiryMs <= nowMs)) return { id, ttl: 0 };
    l.expiryMs = nowMs + l.ttl * 1000;
    l.retryAtMs = null;
    return { id, ttl: l.ttl };
  }

  /**
   * Leases whose deadline has passed (etcd findExpiredLeases: remaining <= 0), in deadline order
   * (ties by ID), for the engine to revoke through the log. Each reported lease is not reported
   * again for {@link EXPIRED_LEASE_RETRY_MS} unless it is revoked first (etcd re-registers it
   * with the retry interval, in case the revocation is lost). Empty unless primary.
   */
  expired(nowMs: number): LeaseId[] {
    if (!this.primary) return [];
    const due: Array<[LeaseId, number]> = [];
    for (const [id, l] of this.leases) {
      if (l.expiryMs === null || l.expiryMs > nowMs) continue;
      if (l.retryAtMs !== null && l.retryAtMs > nowMs) continue;
      due.push([id, l.expiryMs]);
    }
    due.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (const [id] of due) this.leases.get(id)!.retryAtMs = nowMs + this.retryMs;
    return due.map(([id]) => id);
  }

  /**
   * The earliest time (ms) at which {@link expired} could return something, or null if never
   * (not primary, or no leases): the engine's next lessor check.
   */
  nextDeadlineMs(): number | null {
    if (!this.primary) return null;
    let next: number | null = null;
    for (const l of this.leases.values()) {
      if (l.expiryMs === null) continue;
      const t = l.retryAtMs !== null ? Math.max(l.expiryMs, l.retryAtMs) : l.expiryMs;
      if (next === null || t < next) next = t;
    }
    return next;
  }

  /**
   * This server became leader (etcd lessor.Promote, called once the new leader has applied the
   * entries of earlier terms): every lease's deadline becomes `nowMs` + `extendMs` + its full TTL
   * (etcd Lease.refresh(extend)), so whatever time a lease had left under the old leader, a
   * change of leader never expires it early. etcd passes the election timeout as `extendMs`.
   */
  promote(extendMs: number, nowMs: number): void {
    this.primary = true;
    for (const l of this.leases.values()) {
      l.expiryMs = nowMs + extendMs + l.ttl * 1000;
      l.retryAtMs = null;
    }
  }

  /** This server is no longer leader (etcd lessor.Demote): every lease is held forever again. */
  demote(): void {
    this.primary = false;
    for (const l of this.leases.values()) {
      l.expiryMs = null;
      l.retryAtMs = null;
    }
  }

  /** Remaining time of a lease in ms (may be ≤ 0 once expired); null if held forever; undefined if unknown. */
  remainingMs(id: LeaseId, nowMs: number): number | null | undefined {
    const l = this.leases.get(id);
    if (!l) return undefined;
    return l.expiryMs === null ? null : l.expiryMs - nowMs;
  }

  /**
   * etcd LeaseTimeToLive as the leader answers it: remaining seconds truncated toward zero
   * (`int64(le.Remaining().Seconds())`, negative once expired and not yet revoked) and the granted TTL; `{ttl: -1, grantedTtl: 0}` for an
   * unknown lease (etcd's answer for a lease not found). A non-primary answers
   * {@link ERR_NOT_PRIMARY} (etcd forwards the request to the leader). The attached keys come from
   * the store (KvStore.lease).
   */
  timeToLive(id: LeaseId, nowMs: number): TimeToLiveResult {
    if (!this.primary) return { id, error: ERR_NOT_PRIMARY };
    const l = this.leases.get(id);
    if (!l) return { id, ttl: -1, grantedTtl: 0 };
    const remaining = l.expiryMs === null ? l.ttl * 1000 : l.expiryMs - nowMs;
    return { id, ttl: Math.trunc(remaining / 1000), grantedTtl: l.ttl };
  }

  /**
   * Replaces the known leases with the store's (etcd lessor.Recover after a snapshot is
   * installed): held forever, or if primary with a fresh full TTL from `nowMs`.
   */
  recover(leases: ReadonlyArray<{ id: LeaseId; ttl: number }>, nowMs: number): void {
    this.leases = new Map();
    for (const l of [...leases].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      this.leases.set(l.id, { ttl: l.ttl, expiryMs: this.primary ? nowMs + l.ttl * 1000 : null, retryAtMs: null });
    }
  }

  /** Plain-data copy (leases ascending by ID); JSON-safe. */
  snapshot(): LessorSnapshot {
    return {
      primary: this.primary,
      retryMs: this.retryMs,
      leases: sortedIds(this.leases).map((id) => ({ id, ...this.leases.get(id)! })),
    };
  }

  /** Rebuilds a lessor from {@link snapshot} output. */
  static fromSnapshot(s: LessorSnapshot): Lessor {
    const l = new Lessor(s.retryMs);
    l.primary = s.primary;
    for (const x of s.leases) l.leases.set(x.id, { ttl: x.ttl, expiryMs: x.expiryMs, retryAtMs: x.retryAtMs });
    return l;
  }

  /** Independent copy (O(leases)). */
  clone(): Lessor {
    return Lessor.fromSnapshot(this.snapshot());
  }
}
