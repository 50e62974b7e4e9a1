/**
 * The KV side of long runs: automatic compaction (SimConfig.autoCompactionRetention, etcd's
 * revision-mode auto compaction driven by applied revisions) and the incremental replica digest the
 * checker's Replica Agreement compares (src/sim/kvDigest.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkedSimulation } from '../src/check/invariants';
import { ERR_COMPACTED } from '../src/kv/errors';
import { KvStore } from '../src/kv/store';
import type { KvRequest } from '../src/kv/types';
import type { Simulation } from '../src/sim/engine';
import { DEFAULT_AUTO_COMPACTION_RETENTION } from '../src/sim/host';
import { KvDigest } from '../src/sim/kvDigest';
import { parseScenario } from '../src/scenario/parse';

const SERVERS = ['S1', 'S2', 'S3'];

function cluster(autoCompactionRetention?: number, seed = 3): Simulation {
  return checkedSimulation({
    seed, servers: SERVERS, clients: ['c1', 'c2'], heartbeatMs: 50, electionTimeoutMs: [150, 300], clientTimeoutMs: 500,
    network: { latencyMs: [2, 6], dropRate: 0, duplicateRate: 0 }, autoCompactionRetention,
  });
}

/** Writes `n` puts over 10 keys (with a delete every 7th), two clients, waiting for each. */
function write(sim: Simulation, n: number, from = 0): void {
  let i = from;
  while (i < from + n) {
    for (const c of ['c1', 'c2']) {
      if (sim.clients.get(c)!.busy || i >= from + n) continue;
      sim.submit(c, i % 7 === 6 ? { op: 'delete', key: `k${i % 10}` } : { op: 'put', key: `k${i % 10}`, value: `v${i}` }, { retry: true, withinMs: 5000 });
      i++;
    }
    sim.runUntil(sim.nowMs + 5);
  }
  sim.runUntil(sim.nowMs + 500);
}

describe('automatic compaction (cluster.autoCompactionRetention)', () => {
  it('compacts every replica at the same revisions, keeping between N and 10 N revisions, and replicas stay identical', () => {
    const sim = cluster(20);
    write(sim, 400);
    const stores = SERVERS.map((id) => sim.server(id).sm.store);
    expect(new Set(stores.map((s) => s.revision)).size).toBe(1);
    const rev = stores[0].revision;
    expect(rev).toBeGreaterThan(300);
    for (const s of stores) {
      expect(s.compactRevision).toBeGreaterThan(0);
      expect(rev - s.compactRevision).toBeGreaterThanOrEqual(20);
      expect(rev - s.compactRevision).toBeLessThan(10 * 20);
    }
    // Identical on every replica: contents, history kept, compacted revision.
    const dumps = stores.map((s) => JSON.stringify(s.dump()));
    expect(dumps[1]).toBe(dumps[0]);
    expect(dumps[2]).toBe(dumps[0]);
    expect(sim.checker!.ok).toBe(true);
  });

  it('a read below the compacted revision fails with etcd ErrCompacted; one above it still works', () => {
    const sim = cluster(20);
    write(sim, 300);
    const store = sim.server('S2').sm.store;
    const below = store.execute({ op: 'range', key: 'k1', revision: store.compactRevision - 1 });
    expect(below).toMatchObject({ op: 'error', error: ERR_COMPACTED });
    const above = store.execute({ op: 'range', key: 'k1', revision: store.compactRevision + 1 });
    expect(above.op).toBe('range');
    expect(() => store.events(store.compactRevision - 1)).toThrow(RangeError);
  });

  it('0 keeps every revision (etcd without auto compaction); the default is documented and bounded', () => {
    const sim = cluster(0);
    write(sim, 120);
    const store = sim.server('S1').sm.store;
    expect(store.compactRevision).toBe(-1);
    expect(store.execute({ op: 'range', key: 'k1', revision: 2 }).op).toBe('range');
    expect(DEFAULT_AUTO_COMPACTION_RETENTION).toBe(1_000);
    const s = parseScenario('title: T\nsteps: []\n', 'x.yaml');
    expect(s.cluster.autoCompactionRetention).toBe(DEFAULT_AUTO_COMPACTION_RETENTION);
    expect(parseScenario('title: T\ncluster: { autoCompactionRetention: 0 }\nsteps: []\n', 'x.yaml').cluster.autoCompactionRetention).toBe(0);
    expect(() => parseScenario('title: T\ncluster: { autoCompactionRetention: -1 }\nsteps: []\n', 'x.yaml')).toThrow(/autoCompactionRetention/);
  });

  it('a long run retains a bounded number of versions per server (count of records, not bytes)', () => {
    const sim = cluster(8);
    const retained: number[] = [];
    for (let round = 0; round < 6; round++) {
      write(sim, 150, round * 150);
      const versions = sim.server('S3').sm.store.dump().keys.reduce((n, k) => n + k.versions.length, 0);
      retained.push(versions);
    }
    // 10 keys, at most 10 × 8 revisions of history (one version each) plus each key's newest at or below the compaction.
    for (const v of retained) expect(v).toBeLessThanOrEqual(10 * 8 + 10);
    expect(sim.server('S3').sm.store.revision).toBeGreaterThan(700);
  });
});

describe('the replica digest (Replica Agreement)', () => {
  it('kept incrementally, it always equals the digest computed from scratch (puts, deletes, txns, prefix deletes)', () => {
    const store = new KvStore();
    const live = new KvDigest();
    let x = 9;
    const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 600; i++) {
      const key = `/a/${rand(30)}`;
      const r = rand(10);
      const req: KvRequest = r < 6 ? { op: 'put', key, value: `v${rand(5)}` }
        : r < 8 ? { op: 'deleteRange', key }
          : r < 9 ? { op: 'deleteRange', key: '/a/1', rangeEnd: '/a/2' }
            : { op: 'txn', compare: [], success: [{ op: 'put', key, value: 'T' }, { op: 'put', key: `${key}/x`, value: 'U' }], failure: [] };
      store.execute(req);
      if (i % 97 === 0) store.execute({ op: 'compact', revision: store.revision });
      live.update(store);
      const fresh = new KvDigest();
      fresh.update(store.clone());
      expect(live.text()).toBe(fresh.text());
    }
  });

  it('in a run (puts take the fast path, deletes and retries the general one) every replica\'s digest equals one computed from scratch', () => {
    const sim = cluster(5);
    write(sim, 200);
    for (const id of SERVERS) {
      const s = sim.server(id);
      const fresh = new KvDigest();
      fresh.update(s.sm.store.clone());
      expect(s.digest.text(), id).toBe(fresh.text());
    }
    expect(sim.checker!.ok).toBe(true);
  });

  it('equal states give equal digests however they were reached; any different value or key gives another', () => {
    const a = new KvStore();
    const b = new KvStore();
    a.execute({ op: 'put', key: 'x', value: '1' });
    a.execute({ op: 'put', key: 'y', value: '2' });
    b.execute({ op: 'put', key: 'y', value: '2' });
    b.execute({ op: 'put', key: 'x', value: '1' });
    const d = (s: KvStore) => {
      const g = new KvDigest();
      g.update(s);
      return g.text();
    };
    expect(d(a)).toBe(d(b));
    const c = a.clone();
    c.execute({ op: 'put', key: 'x', value: '1' }); // same contents, later revision
    expect(d(c)).not.toBe(d(a));
    const e = KvStore.fromSnapshot({ revision: a.revision, kvs: { ...a.snapshot().kvs, x: { ...a.snapshot().kvs.x, value: '9' } } });
    expect(d(e)).not.toBe(d(a)); // same revision, one value differs
    const f = KvStore.fromSnapshot({ revision: a.revision, kvs: { x: a.snapshot().kvs.x, yy: { ...a.snapshot().kvs.y, key: 'yy' } } });
    expect(d(f)).not.toBe(d(a)); // same revision and values, a key differs
  });

  it('detects a planted disagreement: a write behind Raft\'s back on one replica', () => {
    const sim = cluster();
    write(sim, 40);
    expect(sim.checker!.ok).toBe(true);
    sim.server('S3').sm.store.execute({ op: 'put', key: 'k1', value: 'planted' });
    write(sim, 5, 40);
    const v = sim.checker!.violations.find((x) => x.property === 'Replica Agreement');
    // Whichever replica applies the next index second is reported (the first one's state is the reference).
    expect(v).toBeDefined();
    expect(v!.detail).toMatch(/after applying index \d+ differs/);
    // The same run without the planted write agrees.
    const control = cluster();
    write(control, 40);
    write(control, 5, 40);
    expect(control.checker!.violations).toEqual([]);
  });

  it('detects a planted disagreement that keeps the revision: a replica whose store was swapped for a different one', () => {
    const sim = cluster();
    write(sim, 40);
    const s3 = sim.server('S3');
    const snap = s3.sm.store.snapshot();
    const changed = KvStore.fromSnapshot({ revision: snap.revision, kvs: { ...snap.kvs, k2: { key: 'k2', value: 'swapped', createRevision: 2, modRevision: 2, version: 1 } } });
    (s3.sm as unknown as { kv: KvStore }).kv = changed;
    write(sim, 5, 40);
    expect(sim.checker!.violations.some((x) => x.property === 'Replica Agreement')).toBe(true);
  });
});

describe('ServerView.kv (built once per store revision, shared, frozen)', () => {
  it('views at the same revision share one frozen snapshot; a view kept across writes still shows its own time', () => {
    const sim = cluster();
    write(sim, 20);
    const a = sim.view('S1');
    const b = sim.view('S1');
    expect(a.kv).toBe(b.kv);
    expect(Object.isFrozen(a.kv.kvs)).toBe(true);
    expect(a.kv).toEqual(sim.server('S1').sm.store.snapshot());
    const kept = sim.view('S2'); // kv not read yet
    const before = sim.server('S2').sm.store.snapshot();
    write(sim, 20, 20);
    expect(kept.kv).toEqual(before);
    expect(sim.view('S2').kv).toEqual(sim.server('S2').sm.store.snapshot());
    expect(sim.view('S2').kv).not.toEqual(before);
  });
});
