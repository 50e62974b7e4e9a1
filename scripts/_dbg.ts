import { readFileSync } from 'node:fs';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
const r = new ScenarioRunner(parseScenario(readFileSync(process.argv[2], 'utf8'), 'x.yaml'), { keepTrace: true });
r.runToEnd();
const at = Number(process.argv[3] ?? 0);
for (const id of r.sim.serverIds) {
  const v = r.sim.view(id);
  console.log(id, v.up, v.role, v.currentTerm, 'commit', v.commitIndex, 'first', v.firstIndex, 'last', v.firstIndex + v.log.length - 1, 'snap', v.snapshotIndex, JSON.stringify(v.config.voters), JSON.stringify(v.config.learners), JSON.stringify(v.progress));
}
const msgs = [...r.sim.messages].filter((m) => m.sendMs >= at && (m.msg.from === 'S3' && m.msg.to === 'S1' || m.msg.from === 'S1' && m.msg.to === 'S3'));
for (const m of msgs.slice(0, 30)) console.log(m.sendMs, m.msg.type, m.msg.from, m.msg.to, m.status, m.dropReason ?? '', JSON.stringify({ ...m.msg, entries: undefined, snapshot: undefined }).slice(0, 200));
