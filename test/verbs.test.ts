/**
 * The verbs table (src/sim/verbs.ts): every verb is named once and reached the same way from a
 * scenario step (its own step key, or `do:`), a user action in the app (the time machine) and a
 * recorded replay; all three go through the table's one apply function and do the same thing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import { STEP_KEYS, STEP_VERBS, scenarioSchema } from '../src/scenario/schema';
import { VERBS, VERB_NAMES, verbLabel, verbOf, type UserAction, type VerbName } from '../src/sim/verbs';
import type { TraceEvent } from '../src/sim/types';
import { recordingYaml, replayOf } from '../src/timetravel/record';
import { TimeMachine, describeAction } from '../src/timetravel/timeMachine';

const head = ['title: verbs', 'seed: 1', 'cluster: { nodes: 3 }', 'clients: [c1]', 'steps:'];
const scenario = (steps: string[]) => [...head, ...steps.map((s) => `  - ${s}`)].join('\n') + '\n';

/** What must hold before the verb does something visible (as steps at 300 ms). */
const PRELUDE: Partial<Record<VerbName, string>> = {
  restart: 'crash: S1',
  resumeServer: 'do: { kind: pauseServer, node: S1 }',
  reconnect: 'isolate: S1',
  restoreLink: 'cut: { from: S1, to: S2, both: true }',
  heal: 'partition: [[S1], [S2, S3]]',
  etcdCancel: 'etcdctl: { command: "lease keep-alive L1", as: W1 }',
};

/** A sample use of each verb (message ids are filled in from the run: the first message in flight). */
function sample(kind: VerbName, inFlight: number): UserAction {
  switch (kind) {
    case 'crash': case 'restart': case 'isolate': case 'reconnect': case 'pauseServer': case 'resumeServer': return { kind, node: 'S1' };
    case 'timeout': return { kind, node: 'S2' };
    case 'partition': return { kind, groups: [['S1'], ['S2', 'S3']] };
    case 'cut': case 'restoreLink': return { kind, from: 'S1', to: 'S2', both: true };
    case 'heal': case 'resume': return { kind };
    case 'network': return { kind, settings: { dropRate: 0.1 } };
    case 'link': return { kind, from: 'S1', to: 'S3', settings: { latencyMs: [40, 50] } };
    case 'client': return { kind, client: 'c1', spec: { op: 'put', key: 'k', value: 'v' } };
    case 'dropMessage': case 'duplicateMessage': return { kind, id: inFlight };
    case 'delayMessage': return { kind, id: inFlight, byMs: 25 };
    case 'transfer': return { kind, to: 'S2' };
    case 'member': return { kind, change: { remove: 'S3' } };
    case 'compact': return { kind, node: 'S1' };
    case 'etcdctl': return { kind, client: 'c1', command: 'watch k' };
    case 'etcdCancel': return { kind, name: 'W1' };
  }
}

/** The verb's own scenario step, for the verbs that have one. */
const NAMED: Partial<Record<VerbName, string>> = {
  crash: 'crash: S1', restart: 'restart: S1', timeout: 'timeout: S2', isolate: 'isolate: S1', reconnect: 'reconnect: S1',
  partition: 'partition: [[S1], [S2, S3]]', cut: 'cut: { from: S1, to: S2, both: true }', heal: 'heal: all',
  network: 'network: { dropRate: 0.1 }', client: 'put: { client: c1, key: k, value: v, async: true }',
  transfer: 'transfer: { to: S2 }', compact: 'compact: S1',
  // (the etcdctl step waits for the command's reply, or for a background command to start, so it is not the `do:` form)
  etcdCancel: 'cancel: W1',
};

/** What a run did, apart from the scenario's own step records: its trace without steps, and every server. */
function outcome(r: ScenarioRunner) {
  return { trace: r.sim.trace.filter((e: TraceEvent) => e.kind !== 'step'), views: JSON.stringify(r.sim.views()), time: r.sim.nowMs };
}

const stepsFor = (kind: VerbName, verbStep: string | null) => [
  'run: 300', ...(PRELUDE[kind] ? [PRELUDE[kind]!] : []), 'run: 200', ...(verbStep ? [verbStep, 'run: 500'] : ['run: 500']),
];

function runSteps(steps: string[]): ScenarioRunner {
  const r = new ScenarioRunner(parseScenario(scenario(steps), 'verbs.yaml'));
  r.runToEnd();
  if (r.failure) throw new Error(r.failure.message);
  return r;
}

afterEach(() => vi.restoreAllMocks());

describe('the verbs table', () => {
  for (const kind of STEP_VERBS) {
    it(`${kind}: a scenario step, a user action and a replay all go through the table and do the same`, () => {
      const apply = vi.spyOn(VERBS[kind], 'apply');
      // The app: a user acts at 500 ms through the time machine.
      const text = scenario(stepsFor(kind, null));
      const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 'verbs.yaml'), { honourPauses: true }));
      tm.advance(500);
      const first = [...tm.runner.sim.inFlight].filter((m) => m.status === 'inFlight').map((m) => m.id).sort((a, b) => a - b)[0];
      if (kind.endsWith('Message')) expect(first).toBeGreaterThan(0); // seed 1 has messages in flight at 500 ms
      const action = sample(kind, first);
      tm.act(action);
      tm.advance(1000);
      expect(apply).toHaveBeenCalledTimes(1);
      // The verb did something the trace shows (a fault record, or a client's invoke).
      const own = tm.runner.sim.trace.filter((e) => e.atMs === 500 && (e.kind === 'fault' || (e.kind === 'client' && e.phase === 'invoke')));
      expect(own.length).toBeGreaterThan(0);
      // A replay of the recording: same traceHash, through the table again.
      const replayed = runScenarioFile(recordingYaml(text, replayOf(tm.actions(), tm.position)), 'saved.yaml');
      if (replayed.kind === 'invalid') throw new Error(replayed.error);
      expect(replayed.report.traceHash).toBe(tm.runner.sim.traceHash);
      expect(apply).toHaveBeenCalledTimes(2);
      // A scenario's `do:` step, and the verb's own step where it has one: the same run.
      const want = outcome(tm.runner);
      const viaDo = runSteps(stepsFor(kind, `do: ${JSON.stringify(action)}`));
      expect(apply).toHaveBeenCalledTimes(3);
      expect(outcome(viaDo)).toEqual(want);
      if (NAMED[kind]) {
        const named = runSteps(stepsFor(kind, NAMED[kind]!));
        expect(apply).toHaveBeenCalledTimes(4);
        expect(outcome(named)).toEqual(want);
      }
    });
  }

  it('resume (the presenter\'s continue) is reached from a user action and a replay; a scenario holds at `pause` instead', () => {
    const apply = vi.spyOn(VERBS.resume, 'apply');
    const text = scenario(['run: 300', 'pause: true', 'run: 200']);
    const tm = new TimeMachine(new ScenarioRunner(parseScenario(text, 'verbs.yaml'), { honourPauses: true }));
    tm.advance(2000);
    expect([tm.runner.paused, tm.position.timeMs]).toEqual([true, 300]);
    tm.act({ kind: 'resume' });
    tm.advance(2000);
    expect(tm.runner.finished).toBe(true);
    const replayed = runScenarioFile(recordingYaml(text, replayOf(tm.actions(), tm.position)), 'saved.yaml');
    if (replayed.kind === 'invalid') throw new Error(replayed.error);
    expect(replayed.report.traceHash).toBe(tm.runner.sim.traceHash);
    expect(apply).toHaveBeenCalledTimes(2);
    expect(VERB_NAMES.filter((k) => !STEP_VERBS.includes(k))).toEqual(['resume']);
  });

  it('every step key that acts on the cluster names a verb, and every verb\'s step keys exist', () => {
    const acting = STEP_KEYS.filter((k) => !['say', 'run', 'wait', 'pause', 'expect', 'do'].includes(k));
    const reached = VERB_NAMES.flatMap((k) => verbOf(k).steps);
    expect([...acting].sort()).toEqual([...reached].sort());
  });

  it('the recorded-action schema of replay: and of do: steps comes from the table (kinds and required arguments)', () => {
    const steps = (scenarioSchema.properties as Record<string, { items: { properties: Record<string, { oneOf: { properties: { kind: { const: string } }; required: string[] }[] }> } }>).steps.items.properties;
    const branches = steps.do.oneOf;
    expect(branches.map((b) => b.properties.kind.const)).toEqual([...STEP_VERBS]);
    for (const b of branches) {
      const args = Object.entries(verbOf(b.properties.kind.const as VerbName).args);
      expect(b.required).toEqual(['kind', ...args.filter(([, a]) => !a.optional).map(([n]) => n)]);
    }
  });

  it('labels: each verb\'s English label (branch names in the app) is the time machine\'s describeAction', () => {
    const labels = VERB_NAMES.map((k) => describeAction(sample(k, 12)));
    expect(labels).toEqual(VERB_NAMES.map((k) => verbLabel(sample(k, 12))));
    expect(labels).toEqual([
      'crash S1', 'restart S1', 'timeout S2', 'isolate S1', 'reconnect S1', 'pauseServer S1', 'resumeServer S1',
      'partition [S1] [S2, S3]', 'cut S1 → S2 both ways', 'restoreLink S1 → S2 both ways', 'heal', 'continue',
      'network {"dropRate":0.1}', 'link S1 → S3 {"latencyMs":[40,50]}', 'c1: put k', 'drop message #12',
      'duplicate message #12', 'delay message #12 by 25 ms', 'transfer leadership to S2', 'member remove S3', 'compact S1',
      'c1: etcdctl watch k', 'Ctrl-C W1',
    ]);
  });

  it('an unknown verb is refused, in a replay (with its line) and when applied', () => {
    const r = new ScenarioRunner(parseScenario(scenario(['run: 100']), 'verbs.yaml'));
    expect(() => r.act({ kind: 'explode' } as unknown as UserAction)).toThrow(/unknown action "explode"/);
    const yaml = scenario(['run: 100']) + 'replay:\n  actions:\n    - { events: 0, atMs: 0, do: { kind: explode, node: S1 } }\n  until: { events: 0, atMs: 10 }\n';
    const out = runScenarioFile(yaml, 'saved.yaml');
    expect(out.kind).toBe('invalid');
  });
});

describe('do: steps (scenario-only concerns stay in the runner)', () => {
  it('"leader" in a server argument is the live leader; with none, the step fails saying so', () => {
    const r = runSteps(['wait: { for: leader }', 'do: { kind: pauseServer, node: leader }', 'run: 50']);
    const paused = r.sim.views().filter((v) => v.paused).map((v) => v.id);
    expect(paused.length).toBe(1);
    expect(r.results[1].message).toBe(`pauseServer ${paused[0]}`);
    const none = new ScenarioRunner(parseScenario(scenario(['do: { kind: isolate, node: leader }']), 'verbs.yaml'));
    none.runToEnd();
    expect(none.failure?.message).toBe('there is no leader to act on');
  });

  it('a message verb on a message that is not in flight fails the step with its reason', () => {
    const r = new ScenarioRunner(parseScenario(scenario(['run: 100', 'do: { kind: dropMessage, id: 99999 }']), 'verbs.yaml'));
    r.runToEnd();
    expect(r.failure?.why).toEqual({ id: 'messageNotInFlight', params: { id: 99999, time: '100 ms' } });
  });

  it('bad do: steps are refused at parse time, naming line and key', () => {
    const bad = (step: string) => {
      const out = runScenarioFile(scenario(['run: 100', step]), 'bad.yaml');
      return out.kind === 'invalid' ? out.error : 'accepted';
    };
    expect(bad('do: { kind: resume }')).toMatch(/^bad\.yaml:7:\d+: steps\[1\]\.do\.kind: must be "crash" or /);
    expect(bad('do: { kind: pauseServer }')).toMatch(/steps\[1\]\.do\.node: missing required key "node"/);
    expect(bad('do: { kind: pauseServer, node: S9 }')).toMatch(/steps\[1\]\.do\.node: unknown server "S9"/);
    expect(bad('do: { kind: client, client: c9, spec: { op: put, key: k, value: v } }')).toMatch(/steps\[1\]\.do\.client: unknown client "c9"/);
    expect(bad('do: { kind: partition, groups: [[S1, S2], [S2]] }')).toMatch(/steps\[1\]\.do\.groups\[1\]\[0\]: "S2" is already in group 1/);
    expect(bad('do: { kind: cut, from: S1, to: S1, both: false }')).toMatch(/steps\[1\]\.do\.to: must differ/);
    expect(bad('do: { kind: link, from: S1, to: S2, settings: { latencyMs: [9, 3] } }')).toMatch(/latencyMs: the minimum \(9\) must not be above the maximum \(3\)/);
  });
});
