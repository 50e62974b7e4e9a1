/**
 * The issue 14 scenario steps: `etcdctl:` (string or mapping; inline expect output / contains /
 * exit; as; withinMs; background commands), `cancel:`, `expect: { watched }`; bad input named by
 * file, line and key; a replayed recording and a time-machine seek give the same traceHash.
 */
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { TimeMachine } from '../src/timetravel/timeMachine';
import { playRecorded, recordingYaml, replayOf } from '../src/timetravel/record';
import { decodeLink, encodeLink } from '../src/share/link';

const head = `title: etcd steps
seed: 3
cluster: { nodes: [S1, S2, S3] }
clients: [c1, c2]
steps:
  - wait: { for: leader }
`;

function run(steps: string) {
  const out = runScenarioFile(head + steps, 'etcd.yaml');
  if (out.kind === 'invalid') throw new Error(out.error);
  return out;
}

function invalid(steps: string): string {
  const out = runScenarioFile(head + steps, 'etcd.yaml');
  if (out.kind !== 'invalid') throw new Error('expected the scenario to be refused');
  return out.error;
}

describe('etcdctl steps', () => {
  it('a one-shot command waits for its reply; output, contains and exit are checked at that event', () => {
    const out = run(`  - etcdctl: "put /testdir/testkey 'Hello world'"
  - etcdctl: { command: "get --prefix /testdir", expect: { output: "/testdir/testkey\\nHello world\\n" } }
  - etcdctl: { command: "lease grant 10", as: L1, expect: { contains: "granted with TTL(10s)", exit: 0 } }
  - etcdctl: { command: "lease timetolive L1", expect: { contains: "remaining(" } }
  - etcdctl: { command: "lease revoke 1234", expect: { exit: 1, contains: "requested lease not found" } }
`);
    expect(out.report.ok).toBe(true);
    const steps = out.runner.results;
    // each step ended later than the one before: it waited for the cluster's reply
    expect(steps[2].atMs).toBeGreaterThan(steps[1].atMs);
    expect(steps[1].message).toBe("etcdctl put /testdir/testkey 'Hello world' → exit 0");
  });

  it('a wrong inline expect fails the step with what was printed', () => {
    const out = run(`  - etcdctl: "put k v"
  - etcdctl: { command: "get k", expect: { output: "k\\nw" } }
`);
    expect(out.report.ok).toBe(false);
    const f = out.runner.failure!;
    expect(f.index).toBe(2);
    expect(f.message).toContain('expected the output "k\\nw", got "k\\nv"');
    const exit = run(`  - etcdctl: { command: "get", expect: { exit: 0 } }\n`).runner.failure!;
    expect(exit.message).toContain('expected exit status 0, got 128');
  });

  it('a command with no reply within withinMs fails the step (a linearizable get without a quorum)', () => {
    const out = run(`  - crash: leader
  - etcdctl: { command: "get k", via: S1, withinMs: 800 }
`);
    // two of three down? one crash leaves a quorum: crash another
    expect(out.runner.failure === null || out.runner.failure.message.includes('no reply')).toBe(true);
    const none = run(`  - crash: [S1, S2]
  - etcdctl: { command: "get k", via: S3, withinMs: 800 }
`);
    expect(none.runner.failure?.message).toMatch(/^etcdctl get k: no reply by /);
    expect(none.runner.failure?.atMs).toBeCloseTo(none.runner.results[1].atMs + 800, 5);
  });

  it('background commands let the next step begin; cancel is Ctrl-C; expect.watched checks the events in order', () => {
    const out = run(`  - etcdctl: { command: "watch --prefix /config", client: c2, via: S2, as: W1 }
  - etcdctl: "put /config/db mysql://a"
  - etcdctl: "put /config/db mysql://b"
  - etcdctl: "del /config/db"
  - run: 300
  - expect: { watched: { W1: ["PUT /config/db mysql://a", "PUT /config/db mysql://b", "DELETE /config/db"] } }
  - cancel: W1
  - etcdctl: "put /config/db late"
  - run: 300
  - expect: { watched: { W1: ["PUT /config/db mysql://a", "PUT /config/db mysql://b", "DELETE /config/db"] } }
`);
    expect(out.report.ok).toBe(true);
    const wrong = run(`  - etcdctl: { command: "watch k", as: W1 }
  - etcdctl: "put k 1"
  - run: 300
  - expect: { watched: { W1: ["PUT k 2"] } }
`);
    expect(wrong.runner.failure?.message).toContain('expected watch W1 to have received ["PUT k 2"], but it received ["PUT k 1"]');
  });

  it('a txn takes its compares and branches on the next lines of the same string', () => {
    const out = run(`  - etcdctl: "put k a"
  - etcdctl:
      command: |
        txn
        value("k") = "a"

        put k b

        put k c
      expect: { output: "SUCCESS\\n\\nOK" }
  - etcdctl: { command: "get k --print-value-only", expect: { output: "b" } }
`);
    expect(out.report.ok).toBe(true);
  });

  it('lock and lease keep-alive as background commands: the holder\'s Ctrl-C passes the lock on', () => {
    const out = run(`  - etcdctl: { command: "lock job", client: c1, as: A }
  - etcdctl: { command: "lock job", client: c2, as: B }
  - run: 1000
  - cancel: A
  - run: 1000
  - etcdctl: { command: "get --prefix job --keys-only", expect: { contains: "job/" } }
`);
    expect(out.report.ok).toBe(true);
    const b = out.runner.sim.etcdNamed('B')!;
    const a = out.runner.sim.etcdNamed('A')!;
    expect(a.text).toMatch(/^job\/[0-9a-f]+\n/);
    expect(b.text).toMatch(/^job\/[0-9a-f]+\n/);
    expect(b.text).not.toBe(a.text);
  });
});

describe('bad etcdctl steps are refused naming file, line and key', () => {
  it('cancel of a name no earlier step gave', () => {
    expect(invalid(`  - cancel: W9\n`)).toMatch(/^etcd\.yaml:7:\d+: steps\[1\]\.cancel: no earlier etcdctl step is named "W9"/);
  });
  it('an as name given twice', () => {
    expect(invalid(`  - etcdctl: { command: "watch a", as: W1 }\n  - etcdctl: { command: "watch b", as: W1 }\n`)).toMatch(/^etcd\.yaml:8:\d+: steps\[2\]\.etcdctl\.as: the name "W1" is already given/);
  });
  it('expect.watched naming an unknown watch, an unknown client, a missing command', () => {
    expect(invalid(`  - expect: { watched: { W1: [] } }\n`)).toMatch(/^etcd\.yaml:7:\d+: steps\[1\]\.expect\.watched\.W1: no earlier etcdctl step/);
    expect(invalid(`  - etcdctl: { command: "get k", client: c9 }\n`)).toMatch(/^etcd\.yaml:7:\d+: steps\[1\]\.etcdctl\.client: unknown client "c9"/);
    expect(invalid(`  - etcdctl: { client: c1 }\n`)).toMatch(/^etcd\.yaml:7:\d+: steps\[1\]\.etcdctl(\.command)?: missing required key "command"/);
    expect(invalid(`  - etcdctl: { command: "get k", expect: { outptu: "x" } }\n`)).toMatch(/unknown key "outptu"/);
  });
});

describe('recording, replay and time travel cover etcdctl', () => {
  it('console lines recorded as etcdctl actions replay to the same traceHash, from a saved file and a share link; seeking back and forth lands on the same state', () => {
    const text = head + '  - run: 200\n';
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 'etcd.yaml'), { honourPauses: true }), { checkpointEveryEvents: 50 });
    tm.advance(600);
    tm.act({ kind: 'etcdctl', client: 'c1', command: 'lease grant 5', as: 'L1' });
    tm.advance(900);
    tm.act({ kind: 'etcdctl', client: 'c1', command: 'put svc up --lease=L1' });
    tm.act({ kind: 'etcdctl', client: 'c2', command: 'watch svc', as: 'W1' });
    tm.advance(1200);
    tm.act({ kind: 'etcdctl', client: 'c1', command: 'lease keep-alive L1', as: 'K1' });
    tm.advance(4000);
    tm.act({ kind: 'etcdCancel', name: 'K1' });
    tm.advance(12000);
    const sim = tm.runner.sim;
    expect(sim.etcdNamed('W1')!.watched).toEqual(['PUT svc up', 'DELETE svc']);
    const hash = sim.traceHash;
    const replayed = runScenarioFile(recordingYaml(text, replayOf(tm.actions(), tm.position)), 'saved.yaml');
    if (replayed.kind === 'invalid') throw new Error(replayed.error);
    expect(replayed.report.traceHash).toBe(hash);
    // and the share link of the run
    const link = decodeLink(encodeLink({ yaml: text, seed: 3, replay: replayOf(tm.actions(), tm.position) }));
    const again = new ScenarioRunner(parseScenario(link.yaml!, 'link.yaml'), { seed: link.seed, honourPauses: true });
    playRecorded(again, link.replay!);
    expect(again.sim.traceHash).toBe(hash);
    expect(again.sim.etcdNamed('W1')!.watched).toEqual(['PUT svc up', 'DELETE svc']);
    // back into the past (a replayed checkpoint) and forward again
    tm.seekTime(3000);
    expect(tm.runner.sim.etcdNamed('W1')!.watched).toEqual(['PUT svc up']);
    tm.seekTime(12000);
    expect(tm.runner.sim.traceHash).toBe(hash);
  });
});
