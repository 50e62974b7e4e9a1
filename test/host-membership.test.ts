/**
 * The host and the scenario format for issue 13 (src/raft/HOST13.md): spares that start when a
 * change adds them, `member` steps and their refusals (etcd raft's one-pending-change rule and
 * confchange errors), snapshots by snapshotCount and `compact`, InstallSnapshot with its size,
 * a WAL per server whose writes complete fsyncMs later and are lost by a crash, and copies
 * (clone: checkpoints, branches, the time machine) that carry all of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { ScenarioError } from '../src/scenario/types';
import { Simulation, type SimConfig } from '../src/sim/engine';
import { snapshotBytes } from '../src/sim/host';
import { messageBytes } from '../src/sim/types';

const scenario = (cluster: string, steps: string[]) =>
  ['title: t', 'seed: 1', `cluster: ${cluster}`, 'clients: [c1]', steps.length ? 'steps:' : 'steps: []', ...steps.map((s) => `  - ${s}`)].join('\n') + '\n';

function run(text: string, opts: { keepTrace?: boolean } = {}): ScenarioRunner {
  const r = new ScenarioRunner(parseScenario(text, 't.yaml'), opts);
  r.runToEnd();
  return r;
}

const lesson = (name: string) => readFileSync(join(__dirname, '..', 'scenarios', `${name}.yaml`), 'utf8');

function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

const base: SimConfig = {
  seed: 1, servers: ['S1', 'S2', 'S3'], clients: ['c1'], heartbeatMs: 50, electionTimeoutMs: [150, 300],
  clientTimeoutMs: 500, network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 },
};

describe('spares (cluster.spares; etcd: start the member after `member add`)', () => {
  it('a spare does not run until a change adds it; then it starts empty, catches up and counts as a voter', () => {
    const r = run(scenario('{ nodes: 3, spares: 1 }', [
      'wait: { for: leader }', 'put: { key: a, value: "1" }',
      'expect: { members: { voters: [S1, S2, S3], learners: [] } }',
      'member: { add: S4 }', 'put: { key: b, value: "2" }', 'run: 200',
    ]));
    expect(r.failure?.message ?? 'ok').toBe('ok');
    const faults = r.sim.trace.filter((e) => e.kind === 'fault' && e.action === 'start');
    expect(faults.map((e) => (e as { nodes: string[] }).nodes)).toEqual([['S4']]);
    const v = r.sim.view('S4');
    expect([v.up, v.spare, v.membership, v.kv.kvs.b?.value]).toEqual([true, true, 'voter', '2']);
    expect(r.sim.membership()?.config.voters).toEqual(['S1', 'S2', 'S3', 'S4']);
  });

  it('before it is added a spare is drawn as a spare, not as a crashed member', () => {
    const r = run(scenario('{ nodes: 3, spares: [S9] }', ['wait: { for: leader }']));
    const v = r.sim.view('S9');
    expect([v.up, v.membership, v.spare]).toEqual([false, 'spare', true]);
    expect(r.sim.view('S1').membership).toBe('voter');
  });

  it('a spare named by a count follows the initial servers (S4, S5 after three nodes)', () => {
    expect(parseScenario(scenario('{ nodes: 3, spares: 2 }', []), 't.yaml').cluster.spares).toEqual(['S4', 'S5']);
  });
});

describe('member steps (etcd raft: one change pending at a time; confchange errors)', () => {
  it('a second change while the first is pending fails the run with the reason in words (etcd pendingConfIndex)', () => {
    const r = run(scenario('{ nodes: 3, spares: 2 }', ['wait: { for: leader }', 'do: { kind: member, change: { add: S4 } }', 'member: { add: S5 }']));
    expect(r.failure?.message).toMatch(/^the membership change \(member add S5\) was refused: another change \(index \d+\) is still pending/);
    expect(r.failure?.why?.id).toBe('memberRefused');
  });

  it('removing the last voter is refused (removesAllVoters)', () => {
    const r = run(scenario('{ nodes: 1 }', ['wait: { for: leader }', 'member: { remove: S1 }']));
    expect(r.failure?.message).toBe('the membership change (member remove S1) was refused: it would leave the cluster without a voter');
  });

  it('adding a server that is already a voter is refused (alreadyVoter)', () => {
    const r = run(scenario('{ nodes: 3 }', ['wait: { for: leader }', 'member: { add: S2 }']));
    expect(r.failure?.message).toBe('the membership change (member add S2) was refused: the server is already a voter');
  });

  it('the member step waits until the change is applied on the leader: right after it, the leader counts the new learner', () => {
    const r = run(scenario('{ nodes: 3, spares: 1 }', ['wait: { for: leader }', 'member: { add: S4, learner: true }', 'expect: { members: { voters: [S1, S2, S3], learners: [S4] } }']));
    expect(r.failure?.message ?? 'ok').toBe('ok');
    const l = r.sim.leader()!;
    expect(l.raft.pendingConfIndex).toBe(0);
    expect(r.sim.view(l.id).progress.find((p) => p.id === 'S4')?.learner).toBe(true);
  });

  it('expect.members fails with both configurations in words', () => {
    const r = run(scenario('{ nodes: 3 }', ['wait: { for: leader }', 'expect: { members: { voters: [S1, S2], learners: [] } }']));
    expect(r.failure?.message).toMatch(/^expected S\d's configuration voters \[S1, S2\]; learners \[\], but it is voters \[S1, S2, S3\]; learners \[\]$/);
  });

  it('a member step with no leader to ask times out with its own words', () => {
    const r = run(scenario('{ nodes: 3, spares: 1 }', ['crash: [S1, S2]', 'member: { add: S4, withinMs: 400 }']));
    expect(r.failure?.message).toBe('timed out: no leader to ask for the membership change (member add S4) by 400 ms');
  });
});

describe('bad input is refused before the run, with file, line and key', () => {
  it('a spare named like a server', () => {
    const e = errorOf(['title: t', 'cluster:', '  nodes: 3', '  spares: [S4, S2]', 'steps: []'].join('\n'));
    expect([e.line, e.key, e.reason]).toEqual([4, 'cluster.spares[1]', 'spare "S2" is already the name of a server of nodes; a spare is another server']);
  });

  it('more than 9 servers, nodes and spares together', () => {
    const e = errorOf(['title: t', 'cluster:', '  nodes: 7', '  spares: 3', 'steps: []'].join('\n'));
    expect([e.line, e.key, e.reason]).toEqual([4, 'cluster.spares', 'too many servers: 7 nodes and 3 spares make 10 (at most 9)']);
  });

  it('negative counts', () => {
    for (const key of ['snapshotCount', 'snapshotCatchUpEntries', 'fsyncMs', 'spares']) {
      const e = errorOf(['title: t', 'cluster:', `  ${key}: -1`, 'steps: []'].join('\n'));
      expect([e.line, e.key], key).toEqual([3, `cluster.${key}`]);
    }
  });

  it('learners not among the nodes, and learners only', () => {
    const e = errorOf(['title: t', 'cluster:', '  nodes: 3', '  spares: 1', '  learners: [S4]', 'steps: []'].join('\n'));
    expect([e.line, e.key]).toEqual([5, 'cluster.learners[0]']);
    expect(e.reason).toContain('learner "S4" is not one of the initial servers');
    const all = errorOf(['title: t', 'cluster:', '  nodes: 1', '  learners: [S1]', 'steps: []'].join('\n'));
    expect(all.reason).toBe('every initial server is a learner; the cluster needs at least one voter');
  });

  it('ackBeforeFsync without fsyncMs, and an unknown server in a member step', () => {
    const e = errorOf(['title: t', 'cluster:', '  unsafe: [ackBeforeFsync]', 'steps: []'].join('\n'));
    expect([e.line, e.key]).toEqual([3, 'cluster.unsafe[0]']);
    const m = errorOf(['title: t', 'cluster: { nodes: 3 }', 'steps:', '  - member: { add: S7 }'].join('\n'));
    expect([m.line, m.key, m.reason]).toEqual([4, 'steps[0].member.add', 'unknown server "S7" (servers are S1, S2, S3)']);
  });
});

describe('snapshots (Raft paper §7; etcd --snapshot-count, SnapshotCatchUpEntries)', () => {
  it('snapshotCount: a server snapshots once it applied that many entries past its last snapshot, keeping snapshotCatchUpEntries behind it', () => {
    const r = run(scenario('{ nodes: 3, snapshotCount: 4, snapshotCatchUpEntries: 2 }', [
      'wait: { for: leader }', ...['a', 'b', 'c', 'd', 'e'].map((k) => `put: { key: ${k}, value: x }`), 'run: 200',
    ]));
    for (const id of ['S1', 'S2', 'S3']) {
      const v = r.sim.view(id);
      expect(v.snapshotIndex % 4, id).toBe(0);
      expect(v.snapshotIndex, id).toBeGreaterThanOrEqual(4);
      expect(v.firstIndex, id).toBe(v.snapshotIndex - 2 + 1);
      expect(v.wal.snapFiles.map((f) => f.index), id).toEqual([v.snapshotIndex]);
      expect(v.wal.snapFiles[0].name, id).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}\.snap$/);
    }
  });

  it('compact: snapshots now, at lastApplied; a second compact with nothing new applied changes nothing', () => {
    const r = run(scenario('{ nodes: 3 }', ['wait: { for: leader }', 'put: { key: a, value: x }', 'run: 100', 'compact: S2', 'compact: S2']));
    const v = r.sim.view('S2');
    expect(v.snapshotIndex).toBe(v.lastApplied);
    expect(r.sim.view('S1').snapshotIndex).toBe(0);
    expect(r.sim.trace.filter((e) => e.kind === 'note' && e.note.kind === 'snapshotTaken')).toHaveLength(1);
  });

  it('InstallSnapshot: a follower behind the leader\'s compacted log gets the snapshot, whose size in bytes is on the message', () => {
    const r = new ScenarioRunner(parseScenario(lesson('snapshot-catch-up'), 'scenarios/snapshot-catch-up.yaml'), { keepTrace: true });
    r.runToEnd();
    expect(r.ok).toBe(true);
    const sent = [...r.sim.messages].filter((m) => m.msg.type === 'InstallSnapshot');
    expect(sent.length).toBeGreaterThanOrEqual(1);
    const m = sent[0].msg as Extract<typeof sent[0]['msg'], { type: 'InstallSnapshot' }>;
    expect(messageBytes(m)).toBe(snapshotBytes(m.snapshot));
    // The KV state of 11 keys with their revisions, the metadata and the configuration: a few hundred bytes.
    expect(messageBytes(m)).toBeGreaterThan(300);
    expect(messageBytes(m)).toBeLessThan(5000);
    expect([...r.sim.messages].filter((x) => x.msg.type !== 'InstallSnapshot').every((x) => messageBytes(x.msg) === null)).toBe(true);
    // S3 restored it: same store and revisions as the leader.
    expect(r.sim.view('S3').kv).toEqual(r.sim.view('S1').kv);
  });
});

describe('stable storage (fsyncMs; etcd raft async storage writes)', () => {
  it('a write completes fsyncMs after it is issued: the inspector sees it in progress, then on disk', () => {
    const sim = new Simulation({ ...base, fsyncMs: 40 });
    sim.runUntil(400);
    const l = sim.leader()!;
    sim.submit('c1', { op: 'put', key: 'k', value: 'v' }, { retry: true, withinMs: 5000 });
    let inProgress = false;
    for (let t = sim.nowMs; t < sim.nowMs + 200 && !inProgress; t += 1) {
      sim.runUntil(t);
      inProgress = sim.view(l.id).wal.pendingWrites.length > 0;
    }
    expect(inProgress).toBe(true);
    sim.runUntil(sim.nowMs + 300);
    const v = sim.view(l.id);
    expect(v.wal.pendingWrites).toEqual([]);
    expect(v.wal.async).toBe(true);
    expect(v.wal.lastIndex).toBe(v.log.length);
  });

  it('a crash loses the writes in progress and their completions; the server restarts from what its WAL holds', () => {
    const sim = new Simulation({ ...base, fsyncMs: 80 });
    sim.runUntil(600);
    const l = sim.leader()!;
    const durable = sim.view(l.id).wal.lastIndex;
    sim.submit('c1', { op: 'put', key: 'k', value: 'v' }, { via: l.id, retry: false, withinMs: 5000 });
    sim.runUntil(sim.nowMs + 30); // the leader appended; its write is in progress
    expect(sim.view(l.id).wal.pendingWrites.length).toBeGreaterThan(0);
    expect(l.raft.lastLogIndex).toBe(durable + 1);
    sim.crash(l.id);
    expect(sim.view(l.id).wal.pendingWrites).toEqual([]);
    sim.restart(l.id);
    expect(sim.server(l.id).raft.lastLogIndex).toBe(durable);
    sim.runUntil(sim.nowMs + 2000);
    expect(sim.checker).toBeNull();
  });

  it('with a snapshot on disk, a restart restores the state machine from it and re-applies the WAL after it (etcd: snap, then wal)', () => {
    const r = run(scenario('{ nodes: 3, fsyncMs: 5, snapshotCount: 3, snapshotCatchUpEntries: 1 }', [
      'wait: { for: leader }', ...['a', 'b', 'c', 'd', 'e'].map((k) => `put: { key: ${k}, value: x }`), 'run: 100',
      'crash: [S1, S2, S3]', 'restart: all', 'wait: { for: leader }', 'get: { key: e, expect: { value: x } }',
      'run: 200', 'expect: { kv: { a: x, e: x }, invariants: ok }',
    ]), { keepTrace: true });
    expect(r.failure?.message ?? 'ok').toBe('ok');
    const restored = r.sim.trace.filter((e) => e.kind === 'fault' && e.action === 'restart');
    expect(restored.length).toBe(3);
    expect(r.sim.checker?.ok).toBe(true);
    for (const id of ['S1', 'S2', 'S3']) expect(r.sim.view(id).snapshotIndex).toBeGreaterThan(0);
  });
});

describe('copies carry the WAL, fsyncs in progress, spares and member waits (time machine, branches)', () => {
  for (const name of ['add-members-one-by-one', 'joint-consensus', 'snapshot-catch-up', 'fsync-and-crash', 'unsafe-two-at-once', 'remove-the-leader']) {
    it(`${name}: a copy taken at any of several instants ends in the same traceHash as the original`, () => {
      const text = lesson(name);
      const whole = run(text);
      const end = whole.sim.traceHash;
      for (const atMs of [50, 130, 301, 777]) {
        const r = new ScenarioRunner(parseScenario(text, `${name}.yaml`));
        r.advance(atMs, Infinity, false);
        const c = r.clone();
        r.runToEnd();
        c.runToEnd();
        expect(r.sim.traceHash, `${name} at ${atMs}`).toBe(end);
        expect(c.sim.traceHash, `${name} copy at ${atMs}`).toBe(end);
        expect(JSON.stringify(c.sim.views()), `${name} copy at ${atMs}`).toBe(JSON.stringify(whole.sim.views()));
      }
    });
  }

  it('a copy taken while writes are in progress has its own WAL: crashing the copy does not touch the original', () => {
    const sim = new Simulation({ ...base, fsyncMs: 60 });
    sim.runUntil(500);
    const l = sim.leader()!;
    sim.submit('c1', { op: 'put', key: 'k', value: 'v' }, { via: l.id, retry: false, withinMs: 5000 });
    sim.runUntil(sim.nowMs + 25);
    const pending = sim.view(l.id).wal.pendingWrites;
    expect(pending.length).toBeGreaterThan(0);
    const c = sim.clone();
    c.crash(l.id);
    expect(sim.view(l.id).wal.pendingWrites).toEqual(pending);
    sim.runUntil(sim.nowMs + 200);
    expect(sim.view(l.id).wal.pendingWrites).toEqual([]);
  });
});

describe('the unsafe switches of issue 13 are what breaks the lessons', () => {
  it('unsafe-two-at-once without unsafeMultiServerChange (joint consensus) elects at most one leader per term', () => {
    const text = lesson('unsafe-two-at-once').replace('  unsafe: [unsafeMultiServerChange]\n', '').replace('invariants: { violated: [Election Safety] }', 'invariants: ok');
    const out = runScenarioFile(text, 'joint.yaml');
    if (out.kind === 'invalid') throw new Error(out.error);
    expect(out.report.invariants).toEqual({ ok: true, violations: [] });
  });

  it('fsync-and-crash-unsafe without ackBeforeFsync loses nothing', () => {
    const text = lesson('fsync-and-crash-unsafe').replace('  unsafe: [ackBeforeFsync]\n', '')
      .replace('get: { key: x, expect: { value: "1" } }', 'get: { key: x, expect: { value: "2" } }')
      .replace('kv: { x: "1" }', 'kv: { x: "2" }').replace('invariants: { violated: [Leader Completeness] }', 'invariants: ok').replace('linearizable: false', 'linearizable: true');
    const out = runScenarioFile(text, 'safe.yaml');
    if (out.kind === 'invalid') throw new Error(out.error);
    expect(out.report.steps.find((s) => !s.ok)?.message ?? 'ok').toBe('ok');
    expect(out.report.invariants.ok).toBe(true);
  });
});

describe('record, replay, share links and the time machine cover member and compact', () => {
  it('a user adds a learner, promotes it and compacts from the app; the recording, its share link and a seek back and forth replay it', async () => {
    const { TimeMachine } = await import('../src/timetravel/timeMachine');
    const { playRecorded, recordingYaml, replayOf } = await import('../src/timetravel/record');
    const { decodeLink, encodeLink } = await import('../src/share/link');
    const text = scenario('{ nodes: 3, spares: 1, fsyncMs: 3 }', ['wait: { for: leader }', 'put: { key: a, value: "1" }', 'run: 2000']);
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 't.yaml'), { honourPauses: true }));
    tm.advance(400);
    tm.act({ kind: 'member', change: { add: 'S4', learner: true } });
    tm.advance(700);
    expect(tm.runner.sim.membership()?.config.learners).toEqual(['S4']);
    tm.act({ kind: 'member', change: { promote: 'S4' } });
    tm.advance(1000);
    tm.act({ kind: 'compact', node: 'all' });
    tm.advance(1500);
    const sim = tm.runner.sim;
    expect(sim.membership()?.config.voters).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(sim.view('S4').snapshotIndex).toBeGreaterThan(0);
    const hash = sim.traceHash;
    const views = JSON.stringify(sim.views());
    // The saved scenario, and the share link of the run, replay it exactly.
    const replay = replayOf(tm.actions(), tm.position);
    const saved = runScenarioFile(recordingYaml(text, replay), 'saved.yaml');
    if (saved.kind === 'invalid') throw new Error(saved.error);
    expect(saved.report.traceHash).toBe(hash);
    const link = decodeLink(encodeLink({ yaml: text, seed: 1, replay }));
    const again = new ScenarioRunner(parseScenario(link.yaml!, 'link.yaml'), { seed: link.seed, honourPauses: true });
    playRecorded(again, link.replay!);
    expect(again.sim.traceHash).toBe(hash);
    // Back to before the first change, then forward again: the same run (checkpoints are clones).
    tm.seekTime(300);
    expect(tm.runner.sim.membership()?.config.learners).toEqual([]);
    tm.seekTime(1500);
    expect(tm.runner.sim.traceHash).toBe(hash);
    expect(JSON.stringify(tm.runner.sim.views())).toBe(views);
  });
});
