import { readFileSync } from 'node:fs';
import { parseScenario } from './src/scenario/parse';
import { ScenarioRunner } from './src/scenario/runner';
const f = process.argv[2];
const r = new ScenarioRunner(parseScenario(readFileSync(f, 'utf8'), f), {});
r.runToEnd();
for (const run of r.sim.etcdctlRuns) console.log(`#${run.id} ${run.client} ${run.as ?? ''} [${run.state}${run.result ? ' ' + run.result.exit : ''}] ${run.command.split('\n')[0]}\n${run.output.map((l) => (l.stream === 'stderr' ? '! ' : '  ') + l.text).join('\n')}`);
