/**
 * Leases: the replicated part in the store (etcd lessor Grant/Revoke/Attach/Detach as applied
 * from the log), the lessor that decides expiry on the leader's clock (etcd lessor.go: Renew,
 * findExpiredLeases, Promote, Demote), and lease IDs / minimum TTL (etcdserver v3_server.go,
 * server.go, etcdctl's %016x).
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ERR_LEASE_EXIST, ERR_LEASE_NOT_FOUND, ERR_LEASE_TTL_TOO_LARGE, ERR_NOT_PRIMARY, MAX_LEASE_TTL } from '../src/kv/errors';
import {
  NO_LEASE, drawLeaseId, effectiveLeaseTtl, formatLeaseId, isLeaseId, leaseIdToDecimal, minLeaseTtlSeconds, parseLeaseId,
} from '../src/kv/leaseId';
import { EXPIRED_LEASE_RETRY_MS, Lessor } from '../src/kv/lessor';
import { KvStore } from '../src/kv/store';
import type { KvResponse, LeaseId } from '../src/kv/types';

const A = '694d5765fc71500b';
const B = '0000000000000002';

function ok<T extends KvResponse['op']>(r: KvResponse, op: T): Extract<KvResponse, { op: T }> {
  if (r.op !== op) throw new Error(`expected ${op}, got ${JSON.stringify(r)}`);
  return r as Extract<KvResponse, { op: T }>;
}
const grant = (s: KvStore, id: LeaseId, ttl: number) => ok(s.execute({ op: 'leaseGrant', id, ttl }), 'leaseGrant');
const put = (s: KvStore, key: string, lease?: LeaseId) => ok(s.execute(lease ? { op: 'put', key, value: key, lease } : { op: 'put', key, value: key }), 'put');

describe('store leases (etcd lessor Grant / Revoke / Attach / Detach, applied from the log)', () => {
  it('TestLessorGrant: a grant answers its ID and TTL and does not change the revision', () => {
    const s = new KvStore();
    expect(s.execute({ op: 'leaseGrant', id: A, ttl: 10 })).toEqual({ op: 'leaseGrant', header: { revision: 1 }, id: A, ttl: 10 });
    expect(s.leases()).toEqual([{ id: A, ttl: 10, keys: [] }]);
    expect(s.revision).toBe(1);
  });

  it('a grant of an existing ID is ErrLeaseExist, of lease 0 ErrLeaseNotFound, of a TTL above MaxLeaseTTL ErrLeaseTTLTooLarge', () => {
    const s = new KvStore();
    grant(s, A, 10);
    expect(s.execute({ op: 'leaseGrant', id: A, ttl: 5 })).toMatchObject({ code: 'LeaseExist', error: ERR_LEASE_EXIST });
    expect(s.execute({ op: 'leaseGrant', id: NO_LEASE, ttl: 5 })).toMatchObject({ code: 'LeaseNotFound', error: ERR_LEASE_NOT_FOUND });
    expect(s.execute({ op: 'leaseGrant', id: B, ttl: MAX_LEASE_TTL + 1 })).toMatchObject({ code: 'LeaseTTLTooLarge', error: ERR_LEASE_TTL_TOO_LARGE });
    expect(s.execute({ op: 'leaseGrant', id: 'xyz', ttl: 5 })).toMatchObject({ code: 'InvalidRequest' });
    expect(s.leases().map((l) => l.id)).toEqual([A]);
  });

  it('a put with a lease attaches the key; a put with another lease moves it; a put without lease detaches it (mvcc put)', () => {
    const s = new KvStore();
    grant(s, A, 10);
    grant(s, B, 10);
    put(s, 'svc/1', A);
    put(s, 'svc/2', A);
    expect(s.lease(A)?.keys).toEqual(['svc/1', 'svc/2']);
    expect(s.get('svc/1')?.lease).toBe(A);
    put(s, 'svc/1', B);
    expect([s.lease(A)?.keys, s.lease(B)?.keys]).toEqual([['svc/2'], ['svc/1']]);
    put(s, 'svc/1');
    expect(s.lease(B)?.keys).toEqual([]);
    expect(s.get('svc/1')).not.toHaveProperty('lease');
    ok(s.execute({ op: 'deleteRange', key: 'svc/2' }), 'deleteRange');
    expect(s.lease(A)?.keys).toEqual([]);
  });

  it('a put on a lease that does not exist is "etcdserver: requested lease not found" and changes nothing', () => {
    const s = new KvStore();
    expect(s.execute({ op: 'put', key: 'a', value: '1', lease: A })).toEqual({
      op: 'error', header: { revision: 1 }, code: 'LeaseNotFound', error: 'etcdserver: requested lease not found',
    });
    expect(s.size).toBe(0);
  });

  it('TestLessorRevoke: revoking deletes every attached key in one revision, in key order, and the lease is gone', () => {
    const s = new KvStore();
    grant(s, A, 10);
    put(s, 'svc/b', A); // 2
    put(s, 'other'); // 3
    put(s, 'svc/a', A); // 4
    expect(s.execute({ op: 'leaseRevoke', id: A })).toEqual({ op: 'leaseRevoke', header: { revision: 5 } });
    expect(s.entries()).toEqual({ other: 'other' });
    expect(s.events(5).map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`)).toEqual(['DELETE svc/a@5', 'DELETE svc/b@5']);
    expect(s.leases()).toEqual([]);
    expect(s.execute({ op: 'leaseRevoke', id: A })).toMatchObject({ code: 'LeaseNotFound' });
  });

  it('revoking a lease without keys deletes nothing and keeps the revision', () => {
    const s = new KvStore();
    put(s, 'x');
    grant(s, A, 10);
    expect(s.execute({ op: 'leaseRevoke', id: A })).toEqual({ op: 'leaseRevoke', header: { revision: 2 } });
  });

  it('time-to-live with keys: the granted TTL and attached keys from the store, the remaining TTL from the leader lessor', () => {
    const s = new KvStore();
    grant(s, A, 10);
    put(s, 'k2', A);
    put(s, 'k1', A);
    const lessor = new Lessor();
    lessor.promote(0, 0);
    lessor.grant(A, 10, 1000);
    expect(lessor.timeToLive(A, 4500)).toEqual({ id: A, ttl: 6, grantedTtl: 10 }); // 6.5 s left, truncated
    expect(s.lease(A)).toEqual({ id: A, ttl: 10, keys: ['k1', 'k2'] });
    expect(lessor.timeToLive(B, 4500)).toEqual({ id: B, ttl: -1, grantedTtl: 0 }); // etcd: not found is TTL -1
    expect(s.lease(B)).toBeUndefined();
  });

  it('the lease list is ascending by ID', () => {
    const s = new KvStore();
    for (const id of [A, B, '0000000000000001']) grant(s, id, 5);
    expect(s.leases().map((l) => l.id)).toEqual(['0000000000000001', B, A]);
  });
});

describe('the lessor (etcd lessor.go), on a server clock in ms', () => {
  it('a non-primary lessor holds leases forever, renews nothing and reports no expiry', () => {
    const l = new Lessor();
    l.grant(A, 5, 0);
    expect(l.remainingMs(A, 1_000_000)).toBeNull();
    expect(l.expired(1_000_000)).toEqual([]);
    expect(l.keepAlive(A, 10)).toEqual({ id: A, error: ERR_NOT_PRIMARY });
    expect(l.timeToLive(A, 10)).toEqual({ id: A, error: ERR_NOT_PRIMARY });
    expect(l.nextDeadlineMs()).toBeNull();
  });

  it('TestLessorRenew: on the primary a keep-alive moves the deadline to now + TTL and answers the TTL', () => {
    const l = new Lessor();
    l.promote(0, 0);
    l.grant(A, 5, 1000);
    expect(l.remainingMs(A, 1000)).toBe(5000);
    expect(l.keepAlive(A, 4000)).toEqual({ id: A, ttl: 5 });
    expect(l.remainingMs(A, 4000)).toBe(5000);
    expect(l.expired(8999)).toEqual([]);
    expect(l.expired(9000)).toEqual([A]);
  });

  it('a keep-alive for an unknown lease, or one already expired, answers TTL 0 (etcd: lease revoked)', () => {
    const l = new Lessor();
    l.promote(0, 0);
    l.grant(A, 5, 0);
    expect(l.keepAlive(B, 100)).toEqual({ id: B, ttl: 0 });
    expect(l.keepAlive(A, 5000)).toEqual({ id: A, ttl: 0 });
    expect(l.remainingMs(A, 5000)).toBe(0);
  });

  it('TestLessorExpire: expired leases come out in deadline order, then not again until the retry interval or a revoke', () => {
    const l = new Lessor();
    l.promote(0, 0);
    l.grant(A, 3, 0);
    l.grant(B, 2, 0);
    l.grant('0000000000000003', 2, 0);
    expect(l.nextDeadlineMs()).toBe(2000);
    expect(l.expired(1999)).toEqual([]);
    expect(l.expired(3000)).toEqual([B, '0000000000000003', A]);
    expect(l.expired(3001)).toEqual([]);
    expect(l.nextDeadlineMs()).toBe(3000 + EXPIRED_LEASE_RETRY_MS);
    l.revoke(B);
    expect(l.expired(3000 + EXPIRED_LEASE_RETRY_MS)).toEqual(['0000000000000003', A]);
  });

  it('TestLessorPromote: a new primary gives every lease now + extend + its full TTL', () => {
    const l = new Lessor();
    l.grant(A, 10, 0);
    l.grant(B, 3, 0);
    l.promote(1000, 50_000);
    expect(l.remainingMs(A, 50_000)).toBe(11_000);
    expect(l.remainingMs(B, 50_000)).toBe(4_000);
    expect(l.isPrimary).toBe(true);
    l.demote();
    expect([l.isPrimary, l.remainingMs(A, 60_000), l.expired(1e9)]).toEqual([false, null, []]);
  });

  it('promotion on a leader change never expires a lease earlier than the old leader would have (1,000 random runs)', () => {
    const rng = seedrandom('kv-lessor-promotion');
    for (let run = 0; run < 1000; run++) {
      const ttl = 1 + Math.floor(rng() * 20);
      const electionTimeoutMs = 100 + Math.floor(rng() * 1000);
      const old = new Lessor();
      const follower = new Lessor();
      old.promote(electionTimeoutMs, 0);
      let now = Math.floor(rng() * 1000);
      old.grant(A, ttl, now);
      follower.grant(A, ttl, now);
      for (let k = Math.floor(rng() * 5); k > 0; k--) {
        now += Math.floor(rng() * ttl * 900);
        old.keepAlive(A, now);
      }
      const oldDeadline = now + old.remainingMs(A, now)!;
      // the old leader dies some time later; the follower is elected and promoted afterwards
      const promotedAt = now + Math.floor(rng() * ttl * 2000);
      follower.promote(electionTimeoutMs, promotedAt);
      const newDeadline = promotedAt + follower.remainingMs(A, promotedAt)!;
      expect(newDeadline).toBeGreaterThanOrEqual(oldDeadline);
      expect(follower.expired(oldDeadline - 1)).toEqual([]);
    }
  });

  it('recover replaces the leases with the store\'s (etcd lessor.Recover after a snapshot)', () => {
    const l = new Lessor();
    l.grant(A, 5, 0);
    l.recover([{ id: B, ttl: 7 }], 100);
    expect(l.ids()).toEqual([B]);
    expect(l.remainingMs(B, 100)).toBeNull();
    l.promote(0, 100);
    l.recover([{ id: A, ttl: 2 }], 200);
    expect(l.remainingMs(A, 200)).toBe(2000);
  });

  it('snapshot, fromSnapshot and clone are plain and independent', () => {
    const l = new Lessor();
    l.promote(500, 0);
    l.grant(A, 5, 0);
    const c = l.clone();
    c.keepAlive(A, 4000);
    expect(l.remainingMs(A, 0)).toBe(5000);
    expect(c.remainingMs(A, 4000)).toBe(5000);
    expect(Lessor.fromSnapshot(JSON.parse(JSON.stringify(l.snapshot()))).snapshot()).toEqual(l.snapshot());
    expect(() => l.grant(A, 5, 0)).toThrow(/granted twice/);
  });
});

describe('the engine loop in miniature: the leader lessor decides, the revocation goes through the store', () => {
  it('a service that stops its keep-alives loses its key at expiry; one that keeps them alive stays', () => {
    const store = new KvStore();
    const lessor = new Lessor();
    lessor.promote(1000, 0);
    const apply = (req: Parameters<KvStore['execute']>[0], nowMs: number) => {
      const r = store.execute(req);
      if (r.op === 'leaseGrant') lessor.grant(r.id, r.ttl, nowMs);
      if (r.op === 'leaseRevoke' && req.op === 'leaseRevoke') lessor.revoke(req.id);
      return r;
    };
    apply({ op: 'leaseGrant', id: A, ttl: 5 }, 0);
    apply({ op: 'leaseGrant', id: B, ttl: 5 }, 0);
    apply({ op: 'put', key: '/services/web/1', value: 'a', lease: A }, 0);
    apply({ op: 'put', key: '/services/web/2', value: 'b', lease: B }, 0);
    const gone: Array<[number, string[]]> = [];
    for (let now = 0; now <= 20_000; now += 500) {
      if (now % 2000 === 0) lessor.keepAlive(A, now); // service 1 keeps its lease alive; service 2 died at 0
      for (const id of lessor.expired(now)) {
        const before = store.revision;
        apply({ op: 'leaseRevoke', id }, now);
        gone.push([now, store.events(before + 1).map((e) => `${e.type} ${e.kv.key}`)]);
      }
    }
    expect(gone).toEqual([[5000, ['DELETE /services/web/2']]]);
    expect(store.entries()).toEqual({ '/services/web/1': 'a' });
    expect(lessor.ids()).toEqual([A]);
  });
});

describe('lease IDs and TTL rules', () => {
  it("IDs print as etcdctl's %016x; parse as etcdctl reads them (hex, any case, leading zeros optional)", () => {
    expect(formatLeaseId(BigInt('0x694d5765fc71500b'))).toBe('694d5765fc71500b');
    expect(formatLeaseId(1n)).toBe('0000000000000001');
    expect(formatLeaseId('694D5765FC71500B')).toBe(A);
    expect(parseLeaseId('1')).toBe('0000000000000001');
    expect(parseLeaseId('0')).toBe(NO_LEASE);
    expect(parseLeaseId('8000000000000000')).toBeNull(); // not a positive int64
    expect(parseLeaseId('12345678901234567')).toBeNull();
    expect(parseLeaseId('xyz')).toBeNull();
    expect(leaseIdToDecimal(A)).toBe('7587817042727751691');
    expect(() => formatLeaseId(-1n)).toThrow(RangeError);
    expect([isLeaseId(A), isLeaseId(NO_LEASE), isLeaseId('694D5765FC71500B'), isLeaseId(5)]).toEqual([true, false, false, false]);
  });

  it('drawLeaseId from a seeded source is deterministic, positive, never 0 and never taken', () => {
    const draw = (seed: string) => {
      const rng = seedrandom(seed);
      return drawLeaseId(() => Math.floor(rng() * 2 ** 32));
    };
    expect(draw('s1')).toBe(draw('s1'));
    expect(draw('s1')).not.toBe(draw('s2'));
    for (let i = 0; i < 200; i++) expect(isLeaseId(draw(`seed-${i}`))).toBe(true);
    const seq = [0, 0, 0xffffffff, 0xffffffff, 0, 5];
    const taken = new Set(['7fffffffffffffff']);
    expect(drawLeaseId(() => seq.shift()!, (id) => taken.has(id))).toBe('0000000000000005');
    expect(() => drawLeaseId(() => -1)).toThrow(RangeError);
  });

  it("etcd's minimum TTL is 1.5 × the election timeout, rounded up to seconds (server.go minTTL)", () => {
    expect(minLeaseTtlSeconds(1000)).toBe(2); // etcd defaults: 10 ticks × 100 ms
    expect(minLeaseTtlSeconds(1000, 100)).toBe(2);
    expect(minLeaseTtlSeconds(150)).toBe(1);
    expect(minLeaseTtlSeconds(3000)).toBe(5);
    // counted in whole ticks with (3 × ticks) / 2 rounded down, as etcd does: 7 ticks of 300 ms → 10 ticks → 3 s
    expect(minLeaseTtlSeconds(2100, 300)).toBe(3);
    expect(minLeaseTtlSeconds(2100)).toBe(4);
    expect(effectiveLeaseTtl(1, minLeaseTtlSeconds(1000))).toBe(2);
    expect(effectiveLeaseTtl(10, minLeaseTtlSeconds(1000))).toBe(10);
    expect(() => minLeaseTtlSeconds(0)).toThrow(RangeError);
  });
});
