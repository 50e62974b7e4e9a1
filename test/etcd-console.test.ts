/**
 * The etcdctl console's backends (src/ui/etcd), without a browser: on the run's engine every line
 * is the `etcdctl` verb through the time machine (recorded: a share link replays it to the same
 * traceHash and the same console), what the console shows is read from the run at the cursor
 * (a step back shows what had been printed by then), background commands get `as` names that the
 * scenario does not use, and Ctrl+C is the `etcdCancel` verb. On the in-memory member (a run
 * without clients) the lines are answered at once and its clock follows the run. Tab completion
 * at the cursor. The KV panel's view: leases with their time left on the leader's clock, a key's
 * revisions with tombstones, watchers.
 */
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../src/share/link';
import { recordingYaml } from '../src/timetravel/record';
import { freshName, namePrefixFor } from '../src/ui/etcd/backend';
import { completeAt } from '../src/ui/etcd/EtcdConsole';
import { engineBackend, engineKvSource } from '../src/ui/etcd/engineBackend';
import { kvHistory, kvView, watchedRange } from '../src/ui/etcd/kvView';
import { memoryBackend } from '../src/ui/etcd/memoryBackend';
import { openRecorded, openRun } from '../src/ui/io/openRun';
import { currentReplay } from '../src/ui/io/share';
import { loadRun } from '../src/ui/model/scenarios';
import type { Workbench } from '../src/ui/model/workbench';

function open(name: string, seed: number | null = null): Workbench {
  const o = openRun(loadRun(name, seed), null);
  if (!o.opened.ok) throw new Error(o.opened.error);
  return o.opened.wb;
}

/** The etcdctl tour run to its end (every presenter pause continued), then to `ms`. */
function tourAt(ms: number): Workbench {
  const wb = open('etcdctl-tour');
  for (let guard = 0; guard < 100 && wb.position.timeMs < ms; guard++) {
    wb.advance(ms, Infinity);
    if (wb.runner.paused) wb.resumeIfHeld();
  }
  return wb;
}

const act = (wb: Workbench) => (a: Parameters<Workbench['act']>[0]) => wb.act(a);
const last = (wb: Workbench) => {
  const e = engineBackend(wb, act(wb)).entries();
  return e[e.length - 1];
};

describe('the console on the engine', () => {
  it('a line is the etcdctl verb: it waits for the cluster, then shows what etcdctl printed; the lesson’s own lines are there too', () => {
    const wb = tourAt(1000);
    const b = engineBackend(wb, act(wb));
    expect(b.kind).toBe('engine');
    expect(b.clients()).toEqual(['c1', 'c2']);
    expect(b.servers()).toEqual(['S1', 'S2', 'S3']);
    const lesson = b.entries().length;
    expect(b.entries()[0].command).toBe('member list -w table');
    expect(b.run('put foo bar', 'c1', null)).toBeNull();
    expect(last(wb)).toMatchObject({ command: 'put foo bar', client: 'c1', via: null, atMs: 1000, state: 'waiting', lines: [] });
    wb.advance(1500, Infinity);
    expect(last(wb)).toMatchObject({ state: 'done', exit: 0, lines: [{ stream: 'stdout', text: 'OK' }] });
    b.run('get foo', 'c2', 'S2');
    wb.advance(2000, Infinity);
    expect(last(wb)).toMatchObject({ via: 'S2', client: 'c2', state: 'done', exit: 0, lines: [{ stream: 'stdout', text: 'foo' }, { stream: 'stdout', text: 'bar' }] });
    b.run('get', 'c1', null);
    expect(last(wb)).toMatchObject({ state: 'done', exit: 128, lines: [{ stream: 'stderr', text: 'Error: get command needs one argument as key and an optional argument as range_end' }] });
    expect(b.entries()).toHaveLength(lesson + 3);
    const recorded = wb.tm.actions().map((a) => a.action).filter((a) => a.kind === 'etcdctl');
    expect(recorded).toEqual([
      { kind: 'etcdctl', client: 'c1', command: 'put foo bar' },
      { kind: 'etcdctl', client: 'c2', command: 'get foo', via: 'S2' },
      { kind: 'etcdctl', client: 'c1', command: 'get' },
    ]);
  });

  it('background commands are named where the scenario names nothing, Ctrl+C is etcdCancel, and a lease name stands for its ID', () => {
    const wb = tourAt(1000);
    const b = engineBackend(wb, act(wb));
    // The tour names its watch W1: the console's first watch is W2.
    b.run('watch --prefix /svc', 'c2', null);
    b.run('lease grant 30', 'c1', null);
    wb.advance(1300, Infinity);
    const watch = b.entries().find((e) => e.command === 'watch --prefix /svc')!;
    expect(watch).toMatchObject({ name: 'W2', state: 'running' });
    expect(b.entries().find((e) => e.command === 'lease grant 30')).toMatchObject({ name: 'L1', state: 'done', exit: 0 });
    b.run('put /svc/a 1 --lease=L1', 'c1', null);
    wb.advance(1600, Infinity);
    expect(last(wb)).toMatchObject({ state: 'done', exit: 0 });
    expect(b.entries().find((e) => e.key === watch.key)!.lines.map((l) => l.text)).toEqual(['PUT', '/svc/a', '1']);
    expect(b.cancel(watch.key)).toBeNull();
    expect(b.entries().find((e) => e.key === watch.key)).toMatchObject({ state: 'done', exit: 130 });
    expect(wb.tm.actions().map((a) => a.action).filter((a) => a.kind === 'etcdCancel')).toEqual([{ kind: 'etcdCancel', name: 'W2' }]);
    // Cancelling what is not running does nothing (and records nothing).
    expect(b.cancel(watch.key)).toBeNull();
    expect(wb.tm.actions().filter((a) => a.action.kind === 'etcdCancel')).toHaveLength(1);
  });

  it('the console shows the run at the cursor: a step back hides what was typed later; typing there starts a branch', () => {
    const wb = tourAt(1000);
    const b = engineBackend(wb, act(wb));
    const before = b.entries().length;
    b.run('put foo bar', 'c1', null);
    wb.advance(1500, Infinity);
    expect(b.entries()).toHaveLength(before + 1);
    wb.seekTime(900);
    expect(b.entries()).toHaveLength(before);
    wb.seekTime(1200);
    expect(last(wb)).toMatchObject({ command: 'put foo bar', state: 'done' });
    wb.seekTime(950);
    const branches = wb.tm.branches.length;
    b.run('put foo baz', 'c1', null);
    expect(wb.tm.branches.length).toBe(branches + 1);
    expect(b.entries().map((e) => e.command)).not.toContain('put foo bar');
  });

  it('a share link carries the lines and the Ctrl+C: the replay has the same traceHash and the same console', () => {
    const wb = tourAt(1000);
    const b = engineBackend(wb, act(wb));
    b.run('watch foo', 'c2', null);
    b.run('lease grant 10', 'c1', null);
    wb.advance(1200, Infinity);
    b.run('put foo "a b"', 'c1', 'S1');
    wb.advance(1500, Infinity);
    b.cancel(b.entries().find((e) => e.name === 'W2')!.key);
    wb.advance(1800, Infinity);
    const link = decodeLink(encodeLink({ library: 'etcdctl-tour', seed: wb.seed, replay: currentReplay(wb), lang: 'en' }));
    const o = openRecorded('etcdctl-tour', recordingYaml(wb.text, link.replay!), 'scenarios/etcdctl-tour.yaml', link.seed);
    if (!o.opened.ok) throw new Error(o.opened.error);
    const again = o.opened.wb;
    expect(again.position).toEqual(wb.position);
    expect(again.runner.sim.traceHash).toBe(wb.runner.sim.traceHash);
    const shown = (w: Workbench) => engineBackend(w, act(w)).entries().map((e) => ({ ...e, lines: [...e.lines] }));
    expect(shown(again)).toEqual(shown(wb));
    expect(shown(again).find((e) => e.name === 'W2')!.lines.map((l) => l.text)).toEqual(['PUT', 'foo', 'a b']);
  });
});

describe('the KV panel’s view', () => {
  it('keys with their lease and time left on the leader’s clock; leases; a key’s revisions with the tombstone; watchers', () => {
    const wb = tourAt(1000);
    const b = engineBackend(wb, act(wb));
    b.run('lease grant 10', 'c1', null);
    wb.advance(1200, Infinity);
    b.run('put k v1 --lease=L1', 'c1', null);
    wb.advance(1400, Infinity);
    b.run('del k', 'c1', null);
    wb.advance(1600, Infinity);
    b.run('put k v2 --lease=L1', 'c1', null);
    b.run('watch --prefix k', 'c2', 'S2');
    wb.advance(2000, Infinity);
    const src = engineKvSource(wb);
    const leader = wb.runner.sim.leader()!.id;
    const v = kvView(src, leader)!;
    const grantedAt = b.entries().find((e) => e.command === 'lease grant 10')!;
    expect(grantedAt.state).toBe('done');
    const lease = /lease ([0-9a-f]{16})/.exec(grantedAt.lines[0].text)![1];
    expect(v.keys.map((k) => [k.kv.key, k.kv.value, k.kv.lease])).toEqual([['k', 'v2', lease]]);
    const left = v.keys[0].remainingMs!;
    // Granted a little after 1000 ms for 10 s: between 8 and 10 s are left at 2000 ms.
    expect(left).toBeGreaterThan(8000);
    expect(left).toBeLessThan(10_000);
    expect(v.leases).toEqual([{ id: lease, ttlSeconds: 10, remainingMs: left, keys: ['k'] }]);
    const h = kvHistory(src, leader, 'k');
    expect(h.map((r) => (r.kv ? `${r.revision} PUT ${r.kv.value} c${r.kv.createRevision} v${r.kv.version}` : `${r.revision} DELETE`))).toEqual([
      `${h[0].revision} PUT v1 c${h[0].revision} v1`,
      `${h[1].revision} DELETE`,
      `${h[2].revision} PUT v2 c${h[2].revision} v1`,
    ]);
    expect(kvView(src, 'S2')!.watchers.map(watchedRange)).toEqual(['[k, l)']);
    // A crashed server has no store to show.
    wb.act({ kind: 'crash', node: 'S2' });
    expect(kvView(src, 'S2')).toBeNull();
  });
});

describe('the console on an in-memory member (a run without clients)', () => {
  it('answers at once, records nothing, and its clock follows the run: a lease granted there expires', () => {
    let now = 0;
    const m = memoryBackend({ clients: ['c1'], servers: ['S1', 'S2', 'S3'], nowMs: () => now, seed: '1' });
    expect(m.kind).toBe('memory');
    m.run('lease grant 2', 'c1', null);
    m.run('put a 1 --lease=L1', 'c1', null);
    expect(m.entries().map((e) => [e.command, e.state, e.exit, e.name])).toEqual([
      ['lease grant 2', 'done', 0, 'L1'],
      ['put a 1 --lease=L1', 'done', 0, undefined],
    ]);
    expect(kvView(m.kv, 'S1')!.keys.map((k) => k.kv.key)).toEqual(['a']);
    now = 2500;
    m.syncTo(now);
    expect(kvView(m.kv, 'S1')!.keys).toEqual([]);
    m.run('watch b', 'c1', null);
    const w = m.entries()[2];
    expect(w).toMatchObject({ state: 'running', name: 'W1' });
    m.cancel(w.key);
    expect(m.entries()[2]).toMatchObject({ state: 'done', exit: 130 });
  });
});

describe('names and completion', () => {
  it('what each command starts is named by its kind, with the first free number', () => {
    expect(['watch a', 'lease grant 5', 'lease keep-alive L1', 'lease keep-alive --once L1', 'lock m', 'elect e p', 'elect -l e', 'put a b'].map(namePrefixFor)).toEqual(['W', 'L', 'K', null, 'LOCK', 'E', 'OBS', null]);
    expect(freshName('W', new Set(['W1', 'W3']))).toBe('W2');
  });

  it('Tab completes the word at the cursor, lists the choices when several fit, and gives nothing to complete on another line', () => {
    expect(completeAt('lea', 3)).toEqual({ text: 'lease ', cursor: 6, choices: [] });
    expect(completeAt('lease g x', 7)).toEqual({ text: 'lease grant  x', cursor: 12, choices: [] });
    expect(completeAt('get a --sort-by ', 16)!.choices).toEqual(['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION']);
    expect(completeAt('get a --write-out=t', 19)).toEqual({ text: 'get a --write-out=table ', cursor: 24, choices: [] });
    expect(completeAt('m', 1)).toEqual({ text: 'm', cursor: 1, choices: ['member', 'move-leader'] });
    expect(completeAt('txn\nval', 7)).toBeNull();
    expect(completeAt('put a b ', 8)).toBeNull();
  });
});
