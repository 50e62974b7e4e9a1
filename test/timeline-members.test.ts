/**
 * Issue 13 on the timeline and the ring, without a browser: the timeline model puts a marker where
 * the leader applied a configuration change (single-server, joint entered, joint left; Raft paper
 * §6, thesis §4.1) and where a snapshot was taken or installed (paper §7), keeps a spare's lane
 * empty until it starts, and knows when to explain InstallSnapshot in the legend; the ring's
 * layout puts spares on a bench clear of the ring and the clients; the membership styles tell
 * voters, learners, spares and removed servers apart by shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { CLIENT_H, CLIENT_W, layout, NODE_R, SPARE_R } from '../src/ui/draw/ClusterView';
import { MEMBER_STYLES, MEMBERSHIPS } from '../src/ui/draw/roles';
import { TimelineModel } from '../src/ui/model/timelineModel';

const root = join(__dirname, '..');

function lesson(name: string): { runner: ScenarioRunner; model: TimelineModel } {
  const file = `scenarios/${name}.yaml`;
  const runner = new ScenarioRunner(parseScenario(readFileSync(join(root, file), 'utf8'), file), { keepTrace: true });
  runner.runToEnd();
  expect(runner.ok, name).toBe(true);
  const model = new TimelineModel();
  model.sync(runner);
  return { runner, model };
}

describe('timeline markers of issue 13', () => {
  it('joint-consensus: the leader enters and leaves the joint configuration, one marker each, on its own lane', () => {
    const { runner, model } = lesson('joint-consensus');
    const joint = model.markers.filter((m) => m.kind === 'jointEnter' || m.kind === 'jointLeave');
    const applied = runner.sim.trace.filter((e) => e.kind === 'note' && e.note.kind === 'confChangeApplied');
    // Every member applies each change; only the leader's applications are marked.
    expect(applied.length).toBeGreaterThan(joint.length);
    expect(joint.map((m) => m.kind)).toEqual(['jointEnter', 'jointLeave']);
    for (const m of joint) {
      const e = model.trace[m.traceIndex];
      expect(e.kind === 'note' && e.note.kind === 'confChangeApplied' && e.node === m.lane).toBe(true);
      // Its lane's server was leader at that point of the trace (a removed leader steps down right after, in the same ms).
      const role = model.trace.slice(0, m.traceIndex).filter((x) => x.kind === 'role' && x.node === m.lane).at(-1);
      expect(role && role.kind === 'role' && role.to).toBe('leader');
    }
    expect(model.seen).toMatchObject({ joint: true, confChange: false });
  });

  it('add-members-one-by-one: a marker per single-server change on the leader; the spares\' lanes are empty until they start', () => {
    const { runner, model } = lesson('add-members-one-by-one');
    const conf = model.markers.filter((m) => m.kind === 'confChange');
    expect(conf.length).toBe(4); // S2 as a learner, promoted; S3 the same
    expect(new Set(conf.map((m) => m.lane))).toEqual(new Set(['S1']));
    for (const id of ['S2', 'S3']) {
      const segs = model.segments.get(id)!;
      expect(segs[0].role).toBe('spare');
      const start = runner.sim.trace.find((e) => e.kind === 'fault' && e.action === 'start' && e.nodes[0] === id)!;
      expect(segs[1]).toMatchObject({ startMs: start.atMs, role: 'follower' });
    }
    expect(model.seen.confChange).toBe(true);
  });

  it('snapshot-catch-up: snapshots are marked where they were taken and installed, and InstallSnapshot joins the legend', () => {
    const { runner, model } = lesson('snapshot-catch-up');
    const snaps = model.markers.filter((m) => m.kind === 'snapshot');
    const notes = runner.sim.trace.filter((e) => e.kind === 'note' && (e.note.kind === 'snapshotTaken' || e.note.kind === 'snapshotRestored'));
    expect(snaps.length).toBe(notes.length);
    expect(snaps.some((m) => { const e = model.trace[m.traceIndex]; return e.kind === 'note' && e.note.kind === 'snapshotRestored' && m.lane === 'S3'; })).toBe(true);
    expect(model.seen.installSnapshot).toBe(true);
    // A lesson without any of it keeps the legend as it was.
    const plain = lesson('basic-election').model;
    expect(plain.seen).toEqual({ installSnapshot: false, snapshot: false, confChange: false, joint: false, leaseGrant: false, leaseExpire: false, watchEvents: false });
  });
});

describe('the ring with spares', () => {
  it('spares sit on a bench under the ring, clear of every server and client, for every split of up to 9 servers', () => {
    for (let total = 2; total <= 9; total++) {
      for (let spares = 1; spares < total; spares++) {
        const ring = Array.from({ length: total - spares }, (_, i) => `S${i + 1}`);
        const bench = Array.from({ length: spares }, (_, i) => `S${total - spares + i + 1}`);
        const { places, height } = layout(ring, ['c1', 'c2'], bench);
        const box = (id: string) => {
          const p = places.get(id)!;
          const r = bench.includes(id) ? SPARE_R + 4 : NODE_R + 12;
          return { x0: p.x - r, x1: p.x + r, y0: p.y - r, y1: p.y + (bench.includes(id) ? SPARE_R + 4 : NODE_R + 28) };
        };
        const hit = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
        for (const s of bench) {
          const b = box(s);
          expect(b.x0, `${total}/${spares}: ${s} inside`).toBeGreaterThanOrEqual(0);
          expect(b.x1, `${total}/${spares}: ${s} inside`).toBeLessThanOrEqual(520);
          expect(b.y1, `${total}/${spares}: ${s} inside`).toBeLessThanOrEqual(height);
          for (const r of ring) expect(hit(b, box(r)), `${total}/${spares}: ${s} over ${r}`).toBe(false);
          for (const o of bench) if (o !== s) expect(hit(b, box(o)), `${total}/${spares}: ${s} over ${o}`).toBe(false);
          for (const c of ['c1', 'c2']) {
            const p = places.get(c)!;
            const chip = { x0: p.x - CLIENT_W / 2, x1: p.x + CLIENT_W / 2, y0: p.y - CLIENT_H / 2, y1: p.y + CLIENT_H / 2 };
            expect(hit(b, chip), `${total}/${spares}: ${s} over ${c}`).toBe(false);
          }
        }
      }
    }
  });

  it('voters, learners, spares and removed servers differ by shape or place, not by colour alone', () => {
    const sig = MEMBERSHIPS.map((m) => `${MEMBER_STYLES[m].innerDash}|${MEMBER_STYLES[m].icon}|${MEMBER_STYLES[m].onRing}`);
    expect(new Set(sig).size).toBe(MEMBERSHIPS.length);
    expect(new Set(MEMBERSHIPS.map((m) => MEMBER_STYLES[m].icon)).size).toBe(MEMBERSHIPS.length);
    expect(MEMBER_STYLES.spare.onRing).toBe(false);
    expect(MEMBER_STYLES.removed.opacity).toBeLessThan(1);
  });
});
