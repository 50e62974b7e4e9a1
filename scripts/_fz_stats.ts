import { fuzzPlan } from '../src/fuzz/plan';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
let mem = 0, applied = 0, snaps = 0, installs = 0, fsync = 0, joint = 0, removed = 0;
for (let seed = 1; seed <= 100; seed++) {
  const y = fuzzPlan(seed, { nodes: [3, 5, 7], durationMs: 2500 });
  const sc = parseScenario(y, 'x.yaml');
  if (!y.includes('kind: member') && !y.includes('compact:') && !sc.cluster.fsyncMs) continue;
  mem++;
  if (sc.cluster.fsyncMs) fsync++;
  const r = new ScenarioRunner(sc, { keepTrace: true });
  r.runToEnd();
  const notes = r.sim.trace.filter((e) => e.kind === 'note').map((e) => (e as any).note);
  applied += notes.filter((n) => n.kind === 'confChangeApplied').length ? 1 : 0;
  joint += notes.filter((n) => n.kind === 'confChangeApplied' && n.joint === 'entered').length ? 1 : 0;
  snaps += notes.filter((n) => n.kind === 'snapshotTaken').length ? 1 : 0;
  installs += notes.filter((n) => n.kind === 'snapshotRestored').length ? 1 : 0;
  removed += notes.filter((n) => n.kind === 'leaderRemoved').length ? 1 : 0;
}
console.log({ mem, applied, joint, snaps, installs, fsync, removed });
