/**
 * Issue 14 on the timeline and in the inspector, without a browser, on the service-discovery
 * lesson: a marker where the leader (etcd's primary lessor) applied each lease grant, one where the
 * new leader's lessor proposed the revocation of the lease whose keep-alives stopped (etcd
 * lessor.go revokeExpiredLeases; never earlier than its TTL after the new leader took over, etcd
 * lessor.Promote), a marker per watch response with events delivered to the watching client, in
 * the order its watch printed them; the markers are the same whether the model follows the run
 * step by step or reads it at once; and the inspector's data lists a server's leases and watchers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearizableHook } from '../src/check/hook';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { EtcdResponse } from '../src/sim/types';
import { simKvSource } from '../src/ui/etcd/engineBackend';
import { kvView } from '../src/ui/etcd/kvView';
import { entryAt } from '../src/ui/model/logView';
import { TimelineModel, type Marker } from '../src/ui/model/timelineModel';

const root = join(__dirname, '..');
const FILE = 'scenarios/service-discovery.yaml';

function runner(): ScenarioRunner {
  return new ScenarioRunner(parseScenario(readFileSync(join(root, FILE), 'utf8'), FILE), { keepTrace: true, linearizable: linearizableHook });
}

function finished(): { r: ScenarioRunner; model: TimelineModel } {
  const r = runner();
  r.runToEnd();
  expect(r.ok).toBe(true);
  const model = new TimelineModel();
  model.sync(r);
  return { r, model };
}

const leaseOf = (r: ScenarioRunner, name: string): string => {
  const c = r.sim.etcdNamed(name)?.created;
  if (c?.kind !== 'lease') throw new Error(`${name} created no lease`);
  return c.id;
};

const kinds = (ms: Marker[], k: Marker['kind']) => ms.filter((m) => m.kind === k);

describe('etcd markers on the timeline (service-discovery)', () => {
  it('marks each lease grant once, on the leader that applied it, with the lease ID and TTL', () => {
    const { r, model } = finished();
    const grants = kinds(model.markers, 'leaseGrant');
    expect(grants.map((m) => m.params?.id)).toEqual([leaseOf(r, 'L1'), leaseOf(r, 'L2')]);
    for (const m of grants) {
      expect(m.params?.ttl).toBe(2);
      // S1 led when both were granted (it is crashed later in the lesson)
      expect(m.lane).toBe('S1');
      const role = r.sim.trace.filter((e) => e.kind === 'role' && e.node === 'S1' && e.atMs <= m.atMs).at(-1);
      expect(role?.kind === 'role' && role.to).toBe('leader');
    }
    expect(model.seen).toMatchObject({ leaseGrant: true, leaseExpire: true, watchEvents: true });
  });

  it('marks the expiry of the lease whose keep-alives stopped, on the new leader, no earlier than a full TTL after it took over', () => {
    const { r, model } = finished();
    const expiries = kinds(model.markers, 'leaseExpire');
    expect(expiries.map((m) => m.params?.id)).toEqual([leaseOf(r, 'L1')]);
    const [m] = expiries;
    const crash = r.sim.trace.find((e) => e.kind === 'fault' && e.action === 'crash')!;
    const crashed = crash.kind === 'fault' ? crash.nodes[0] : '';
    expect(m.lane).not.toBe(crashed);
    const won = r.sim.trace.find((e) => e.kind === 'role' && e.to === 'leader' && e.node === m.lane && e.atMs > crash.atMs)!;
    expect(m.atMs).toBeGreaterThanOrEqual(won.atMs + 2000);
    // the revocation it proposed is in the leader's log at the index the marker names
    const index = r.sim.etcdLeaseEvents.find((e) => e.kind === 'expire')?.index ?? -1;
    const entry = entryAt(r.sim.view(m.lane!), index);
    expect(entry?.command).toMatchObject({ type: 'etcd', request: { op: 'leaseRevoke', id: leaseOf(r, 'L1') } });
  });

  it('marks each watch response with events delivered to the gateway, in the order its watch printed them', () => {
    const { r, model } = finished();
    const watch = kinds(model.markers, 'watchEvents');
    expect(watch.length).toBeGreaterThan(0);
    expect(new Set(watch.map((m) => m.lane))).toEqual(new Set(['gateway']));
    const events: string[] = [];
    for (const m of watch) {
      const rec = r.sim.messages.byId(Number(m.params?.message))!;
      expect(rec.status).toBe('delivered');
      expect(rec.deliverMs).toBe(m.atMs);
      const msg = rec.msg as EtcdResponse;
      if (msg.body.kind !== 'watch') throw new Error('not a watch response');
      expect(msg.body.response.events.length).toBe(m.params?.n);
      for (const e of msg.body.response.events) events.push(e.type === 'PUT' ? `PUT ${e.kv.key} ${e.kv.value}` : `DELETE ${e.kv.key}`);
    }
    expect(events).toEqual(r.sim.etcdNamed('W1')!.watched);
    expect(events).toEqual(['PUT /services/web/web1 10.0.0.1:8080', 'PUT /services/web/web2 10.0.0.2:8080', 'DELETE /services/web/web1']);
  });

  it('keeps every marker in time order, and the same markers followed step by step as read at once', () => {
    const { r: whole, model: once } = finished();
    for (let k = 1; k < once.markers.length; k++) expect(once.markers[k].atMs).toBeGreaterThanOrEqual(once.markers[k - 1].atMs);
    const r = runner();
    const model = new TimelineModel();
    for (let t = 0; t <= whole.sim.nowMs + 100; t += 23) {
      r.advance(t, Infinity, false);
      r.resume();
      model.sync(r);
    }
    r.runToEnd();
    model.sync(r);
    const key = (m: Marker) => `${m.atMs}:${m.kind}:${m.lane}:${JSON.stringify(m.params ?? {})}`;
    const etcd = (ms: Marker[]) => ms.filter((m) => m.traceIndex < 0).map(key);
    expect(etcd(model.markers)).toEqual(etcd(once.markers));
    expect(etcd(model.markers).length).toBeGreaterThan(3);
  });
});

describe("the inspector's etcd data", () => {
  it("lists a server's leases (hex ID, TTL, time left, keys) and its watchers (range, start, client)", () => {
    const r = runner();
    // half a second in: both services registered with their leases, the gateway watching
    r.advance(500, Infinity, false);
    expect(r.sim.etcdNamed('W1')!.watched.length).toBe(2);
    const sim = r.sim;
    const leader = sim.leader()!.id;
    const view = kvView(simKvSource(() => sim), leader)!;
    expect(view.leases.map((l) => l.id).sort()).toEqual([leaseOf(r, 'L1'), leaseOf(r, 'L2')].sort());
    for (const l of view.leases) {
      expect(l.id).toMatch(/^[0-9a-f]{16}$/);
      expect(l.ttlSeconds).toBe(2);
      expect(l.remainingMs).toBeGreaterThan(0);
      expect(l.remainingMs).toBeLessThanOrEqual(2000);
    }
    expect(view.leases.find((l) => l.id === leaseOf(r, 'L1'))?.keys).toEqual(['/services/web/web1']);
    // the gateway's watch is registered on the server its client connected to, and names that client
    const on = sim.serverIds.map((id) => kvView(simKvSource(() => sim), id)!).filter((v) => v.watchers.length > 0);
    expect(on.length).toBe(1);
    expect(on[0].watchers).toEqual([expect.objectContaining({ key: '/services/web/', rangeEnd: '/services/web0', client: 'gateway', startRevision: 0 })]);
  });
});
