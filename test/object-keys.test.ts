/**
 * Issue 11 #1 and #2: server names, client names and KV keys that are names of object properties
 * (`toString`, `constructor`, `hasOwnProperty`, `__proto__`, …) work in every place a name or key
 * can appear — scenario steps, `initial`, `expect` (`role`, `term`, `log`, `kv`), a prefix get's
 * `values`, the run's history, `check-history`, a share link and a trace file — and a wrong
 * expectation on such a key fails. Before the fix, servers named `toString` crashed `raftsim run`
 * (TypeError in new RaftNode) and `expect: { kv: { __proto__: … } }` / `values: { __proto__: … }`
 * were silently ignored.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryJson, type HistoryEntry } from '../src/check/history';
import { linearizableHook } from '../src/check/hook';
import { checkLinearizability } from '../src/check/linearizability';
import { runScenarioFile, type RunOutcome } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { Step } from '../src/scenario/types';
import { decodeLink, encodeLink } from '../src/share/link';
import { exportTrace, importTrace } from '../src/share/traceFile';
import { recordingYaml, replayOf } from '../src/timetravel/record';
import { TimeMachine } from '../src/timetravel/timeMachine';
import { openFromHash } from '../src/ui/io/openRun';
import { CLIENTS_FIRST, OBJECT_KEYS, OBJECT_NAMES, SERVERS_FIRST } from './object-keys-fixture';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'raftsim-object-keys-'));
function cli(...args: string[]) {
  const r = spawnSync(tsx, [join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ran(text: string): Extract<RunOutcome, { kind: 'ran' }> {
  const out = runScenarioFile(text, 'names.yaml');
  if (out.kind !== 'ran') throw new Error(out.error);
  return out;
}

const stepOf = <K extends Step['kind']>(text: string, i: number, kind: K) => {
  const st = parseScenario(text, 's.yaml').steps[i];
  expect(st.kind).toBe(kind);
  return st as Extract<Step, { kind: K }>;
};

describe('the parser keeps every key a file writes, __proto__ too, in Maps', () => {
  it('expect.kv, a prefix get\'s expect.values, role, term, log and cluster.initial are Maps with every key', () => {
    const text = [
      'title: T',
      'cluster:',
      '  nodes: [toString, constructor, valueOf]',
      '  initial: { constructor: { term: 2, votedFor: toString, log: [1, { term: 2, put: [__proto__, "7"] }] } }',
      'steps:',
      '  - expect: { kv: { __proto__: WRONG, constructor: "1", hasOwnProperty: null }, role: { toString: leader }, term: { constructor: 2 }, log: { valueOf: [1] } }',
      '  - get: { key: "", prefix: true, expect: { values: { __proto__: WRONG, toString: "2" } } }',
    ].join('\n');
    const s = parseScenario(text, 's.yaml');
    expect(s.cluster.initial).toEqual(new Map([['constructor', { term: 2, votedFor: 'toString', log: [{ term: 1 }, { term: 2, put: ['__proto__', '7'] }] }]]));
    const checks = stepOf(text, 0, 'expect').checks;
    expect(checks.kv).toEqual(new Map([['__proto__', 'WRONG'], ['constructor', '1'], ['hasOwnProperty', null]]));
    expect(checks.role).toEqual(new Map([['toString', 'leader']]));
    expect(checks.term).toEqual(new Map([['constructor', 2]]));
    expect(checks.log).toEqual(new Map([['valueOf', [1]]]));
    expect(stepOf(text, 1, 'get').expect?.values).toEqual(new Map([['__proto__', 'WRONG'], ['toString', '2']]));
  });

  it('__proto__ as a server name is refused with the name rule, as any name that does not start with a letter', () => {
    const r = () => runScenarioFile('title: T\ncluster: { nodes: 3, initial: { __proto__: { term: 1 } } }\nsteps: []\n', 's.yaml');
    const out = r();
    expect(out.kind).toBe('invalid');
    expect(out.kind === 'invalid' && out.error).toBe('s.yaml:2:33: cluster.initial.__proto__: must be a server name (got "__proto__")');
  });
});

describe('a run whose servers, clients and keys are object property names', () => {
  for (const [label, text] of [['servers named toString, constructor, valueOf', SERVERS_FIRST], ['clients named toString, constructor, valueOf', CLIENTS_FIRST]] as const) {
    it(`${label}: every step passes (initial, steps, expect, kv, values), linearizable`, () => {
      const out = ran(text);
      expect(out.report.steps.filter((st) => st.ok !== true)).toEqual([]);
      expect(out.report.ok).toBe(true);
      expect(out.report.linearizable).toBe(true);
      const s = out.scenario;
      expect(out.report.final.nodes.map((n) => n.id)).toEqual(s.cluster.nodes);
      expect([...s.cluster.nodes, ...s.clients].sort()).toEqual([...OBJECT_NAMES].sort());
      // The history has every client and every key.
      expect(new Set(out.report.history.map((h) => h.client))).toEqual(new Set(s.clients));
      for (const k of OBJECT_KEYS) expect(out.report.history.some((h) => h.key === k), k).toBe(true);
    });
  }

  it('raftsim run exits 0; its --json history has the keys and checks with check-history', () => {
    const file = join(dir, 'names.yaml');
    writeFileSync(file, SERVERS_FIRST);
    const readable = cli('run', file);
    expect(readable.stderr).toBe('');
    expect(readable.code).toBe(0);
    expect(readable.stdout).toContain('toString');
    const json = cli('run', file, '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.final.nodes.map((n: { id: string }) => n.id)).toEqual(['toString', 'constructor', 'valueOf']);
    const out = join(dir, 'names.json');
    writeFileSync(out, json.stdout);
    const history = parseHistoryJson(json.stdout, out);
    for (const k of OBJECT_KEYS) expect(history.some((h) => h.key === k), k).toBe(true);
    const checked = cli('check-history', out);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/: linearizable\n$/);
  }, 60_000);

  it('the --json report keeps a __proto__ key in a server\'s kv as a key', () => {
    const out = ran([
      'title: T', 'cluster: { nodes: [toString] }', 'clients: [constructor]', 'steps:',
      '  - wait: { for: leader }', '  - put: { key: __proto__, value: real }', '  - put: { key: hasOwnProperty, value: h }',
    ].join('\n'));
    const kv = JSON.parse(JSON.stringify(out.report)).final.nodes[0].kv;
    expect(Object.getPrototypeOf(kv)).toBe(Object.prototype);
    expect(Object.entries(kv)).toEqual([['__proto__', 'real'], ['hasOwnProperty', 'h']]);
  });
});

describe('a wrong expectation on such a key or name fails the run (it used to pass, or crash)', () => {
  // toString leads (the only one with votes to win term 2 quickly is not needed: the run says who leads).
  const base = [
    'title: T',
    'seed: 3',
    'cluster:',
    '  nodes: [toString, constructor, valueOf]',
    '  initial: { toString: { term: 4 }, constructor: { term: 4 }, valueOf: { term: 4 } }',
    'clients: [hasOwnProperty]',
    'steps:',
    '  - expect: { term: { toString: 4, constructor: 4, valueOf: 4 } }',
    '  - wait: { for: leader, withinMs: 3000 }',
    '  - put: { key: __proto__, value: real }',
    '  - put: { key: constructor, value: c }',
    '  - put: { key: hasOwnProperty, value: h }',
    '  - run: 300',
  ];
  const withStep = (...lines: string[]) => [...base, ...lines].join('\n');
  const failing = (...lines: string[]) => {
    const out = ran(withStep(...lines));
    expect(out.report.ok).toBe(false);
    const bad = out.report.steps.filter((st) => st.ok === false);
    expect(bad.map((st) => st.index)).toEqual([base.length - 7]); // the added step, nothing before it
    return bad[0].message;
  };

  it('the right expectations pass (the control)', () => {
    const out = ran(withStep(
      '  - expect: { kv: { __proto__: real, constructor: c, hasOwnProperty: h, toString: null }, on: all }',
      '  - get: { key: "", prefix: true, expect: { values: { __proto__: real, constructor: c, hasOwnProperty: h } } }',
      '  - get: { key: __proto__, expect: { value: real } }',
      '  - crash: constructor',
      '  - restart: constructor',
      '  - expect: { role: { constructor: follower }, term: { constructor: 5 } }',
      '  - expect: { log: { constructor: [5, 5, 5, 5, 5, 5] } }',
    ));
    expect(out.report.steps.filter((st) => st.ok !== true)).toEqual([]);
  });

  it('expect.kv __proto__: "WRONG" fails, naming the key and what it holds', () => {
    expect(failing('  - expect: { kv: { __proto__: WRONG } }')).toContain('expected __proto__="WRONG" on toString, but it is "real"');
  });

  it('expect.kv on constructor, hasOwnProperty, and an absent toString fail', () => {
    expect(failing('  - expect: { kv: { constructor: WRONG } }')).toContain('expected constructor="WRONG"');
    expect(failing('  - expect: { kv: { hasOwnProperty: WRONG } }')).toContain('expected hasOwnProperty="WRONG"');
    expect(failing('  - expect: { kv: { toString: x } }')).toContain('expected toString="x" on toString, but it is null');
  });

  it('a prefix get\'s values with __proto__: "WRONG" fails, and so does leaving __proto__ out', () => {
    expect(failing('  - get: { key: "", prefix: true, expect: { values: { __proto__: WRONG, constructor: c, hasOwnProperty: h } } }'))
      .toContain('expected values {"__proto__":"WRONG","constructor":"c","hasOwnProperty":"h"}, got {"__proto__":"real","constructor":"c","hasOwnProperty":"h"}');
    expect(failing('  - get: { key: "", prefix: true, expect: { values: { constructor: c, hasOwnProperty: h } } }'))
      .toContain('got {"__proto__":"real","constructor":"c","hasOwnProperty":"h"}');
  });

  it('a single-key get of __proto__ with the wrong value fails', () => {
    expect(failing('  - get: { key: __proto__, expect: { value: WRONG } }')).toContain('"WRONG"');
  });

  it('role, term and log of servers named toString, constructor, valueOf are checked', () => {
    expect(failing('  - expect: { role: { constructor: candidate } }')).toContain('expected constructor to be candidate');
    expect(failing('  - expect: { term: { toString: 99 } }')).toContain('expected toString at term 99, but it is at term 5');
    expect(failing('  - expect: { log: { valueOf: [7] } }')).toContain("expected valueOf's log terms [7], but they are [5, 5, 5, 5]");
  });
});

describe('history, check-history, a share link and a trace file with such names and keys', () => {
  const history = (stale: boolean): HistoryEntry[] => [
    { client: 'toString', op: 'put', key: '__proto__', value: '1', invokeMs: 0, returnMs: 10, result: 'ok' },
    { client: 'constructor', op: 'put', key: '__proto__', value: '2', invokeMs: 20, returnMs: 30, result: 'ok' },
    { client: 'valueOf', op: 'get', key: '__proto__', value: stale ? '1' : '2', invokeMs: 40, returnMs: 50, result: 'ok' },
    { client: 'toString', op: 'put', key: 'constructor', value: 'c', invokeMs: 0, returnMs: 10, result: 'ok' },
    { client: 'toString', op: 'delete', key: 'hasOwnProperty', invokeMs: 11, returnMs: 12, result: 'ok' },
    { client: 'toString', op: 'get', key: 'hasOwnProperty', value: null, invokeMs: 13, returnMs: 14, result: 'ok' },
  ];

  it('check-history reads them and catches a stale read of __proto__ (and only that key)', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(history(false)));
    expect(cli('check-history', good).code).toBe(0);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(history(true)));
    const r = cli('check-history', bad, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.failingKey).toBe('__proto__');
    expect(result.keys.map((k: { key: string; result: string }) => [k.key, k.result])).toEqual([['__proto__', 'illegal'], ['constructor', 'ok'], ['hasOwnProperty', 'ok']]);
    expect(checkLinearizability(parseHistoryJson(JSON.stringify({ history: history(true) }), 'h.json')).failingKey).toBe('__proto__');
  }, 60_000);

  /** A recorded run on SERVERS_FIRST: actions naming servers, clients and keys, as the app records them. */
  function recorded() {
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(SERVERS_FIRST, 'names.yaml'), { honourPauses: true, linearizable: linearizableHook }));
    // After the scenario's own steps (they end before 2 s).
    tm.advance(2000);
    expect(tm.runner.finished && tm.runner.ok).toBe(true);
    tm.act({ kind: 'crash', node: 'constructor' });
    tm.act({ kind: 'client', client: 'isPrototypeOf', via: 'valueOf', spec: { op: 'put', key: 'hasOwnProperty', value: 'link' } });
    tm.advance(2300);
    tm.act({ kind: 'restart', node: 'constructor' });
    tm.act({ kind: 'cut', from: 'toString', to: 'valueOf', both: false });
    tm.act({ kind: 'link', from: 'valueOf', to: 'constructor', settings: { latencyMs: [3, 4] } });
    tm.act({ kind: 'client', client: 'toLocaleString', spec: { op: 'get', key: '__proto__', prefix: false, serializable: true } });
    tm.advance(2800);
    return { tm, replay: replayOf(tm.actions(), tm.position) };
  }

  it('a share link replays them to the same traceHash, in the CLI path and in the page\'s opening code', () => {
    const { tm, replay } = recorded();
    const link = decodeLink(encodeLink({ yaml: SERVERS_FIRST, seed: 7, replay }));
    expect(link.replay).toEqual(replay);
    const out = ran(recordingYaml(link.yaml!, link.replay!));
    expect(out.report.traceHash).toBe(tm.runner.sim.traceHash);
    expect(out.report.history.some((h) => h.client === 'isPrototypeOf' && h.key === 'hasOwnProperty' && h.value === 'link')).toBe(true);
    const opened = openFromHash(`#${encodeLink({ yaml: SERVERS_FIRST, seed: 7, replay })}`)!;
    expect(opened.error).toBeNull();
    if (!opened.opened.ok) throw new Error(opened.opened.error);
    const wb = opened.opened.wb;
    expect(wb.runner.sim.traceHash).toBe(tm.runner.sim.traceHash);
    expect(wb.runner.sim.serverIds).toEqual(['toString', 'constructor', 'valueOf']);
    expect(Object.keys(wb.runner.sim.view('valueOf').kv.kvs)).toContain('hasOwnProperty');
  });

  it('a trace file keeps them: its history and trace come back as written, and the replay gives its traceHash', () => {
    const { tm, replay } = recorded();
    const r = tm.runner;
    const text = exportTrace({
      scenario: { name: 'custom', yaml: SERVERS_FIRST }, seed: 7, replay, traceHash: r.sim.traceHash,
      timeMs: tm.position.timeMs, events: tm.position.events, trace: r.sim.trace, history: r.sim.history,
    });
    const t = importTrace(text, 'names.json');
    expect(t.history).toEqual(JSON.parse(JSON.stringify(r.sim.history)));
    for (const k of ['__proto__', 'constructor', 'hasOwnProperty']) expect(t.history.some((h) => h.key === k), k).toBe(true);
    expect(t.trace.some((e) => e.kind === 'fault' && e.action === 'crash' && e.nodes.includes('constructor'))).toBe(true);
    expect(t.trace.some((e) => e.kind === 'role' && e.node === 'toString')).toBe(true);
    const again = ran(recordingYaml(t.scenario.yaml, t.replay));
    expect(again.report.traceHash).toBe(t.traceHash);
  });
});
