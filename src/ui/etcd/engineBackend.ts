/**
 * The console on the run's own cluster: each line typed is the `etcdctl` verb of src/sim/verbs.ts
 * through the workbench (so the time machine records it: "Save as scenario", share links and
 * replay carry it, and typing in the past starts a branch), and Ctrl-C is the `etcdCancel` verb.
 *
 * What the console shows is read from the run at the cursor (`sim.etcdctlRuns`, the scenario's
 * own `etcdctl` steps included): after a step back or a seek the console shows what had been
 * typed and printed by then, and nothing kept outside the run can go stale.
 *
 * The KV panel reads the cursor run's stores, and the time left of each lease from the lessor
 * of the server that leads (its own clock: `clockRate` shows).
 */
import type { Simulation } from '../../sim/engine';
import type { EtcdRun } from '../../sim/etcdRun';
import type { Workbench } from '../model/workbench';
import { freshName, namePrefixFor, type ConsoleBackend, type ConsoleEntry, type EntryState } from './backend';
import type { KvSource } from './kvView';

const stateOf = (r: EtcdRun): EntryState => (r.state === 'background' ? 'running' : r.state);

/** A console entry for an etcdctl run (the lines array is the run's own, read at render time). */
function entryOf(r: EtcdRun): ConsoleEntry {
  return {
    key: `r${r.id}`,
    command: r.command,
    client: r.client,
    via: r.via ?? null,
    atMs: r.startedMs,
    ...(r.as !== undefined ? { name: r.as } : {}),
    lines: r.output,
    state: stateOf(r),
    ...(r.result ? { exit: r.result.exit } : {}),
  };
}

/**
 * The names the console may not give: those of the runs so far and every `as` of the scenario's
 * steps (a step still to come would otherwise find its name taken).
 */
function takenNames(wb: Workbench): Set<string> {
  const taken = new Set<string>();
  for (const r of wb.runner.sim.etcdctlRuns) if (r.as !== undefined) taken.add(r.as);
  for (const s of wb.scenario.steps) if (s.kind === 'etcdctl' && s.as !== undefined) taken.add(s.as);
  return taken;
}

/**
 * The console backend of a workbench. `act` is the page's action path (it says in a notice when
 * acting started a branch) and gives back the error message, or null.
 */
export function engineBackend(wb: Workbench, act: (a: Parameters<Workbench['act']>[0]) => string | null): ConsoleBackend {
  return {
    kind: 'engine',
    clients: () => [...wb.runner.sim.clients.keys()],
    servers: () => [...wb.runner.sim.serverIds],
    entries: () => wb.runner.sim.etcdctlRuns.map(entryOf),
    run(command, client, via) {
      const prefix = namePrefixFor(command);
      const as = prefix ? freshName(prefix, takenNames(wb)) : undefined;
      return act({ kind: 'etcdctl', client, command, ...(via ? { via } : {}), ...(as ? { as } : {}) });
    },
    cancel(key) {
      const run = wb.runner.sim.etcdctlRuns.find((r) => `r${r.id}` === key);
      if (!run || run.state !== 'background' || run.as === undefined) return null;
      return act({ kind: 'etcdCancel', name: run.as });
    },
  };
}

/** The KV panel's source on the run at the cursor. */
export function engineKvSource(wb: Workbench): KvSource {
  return simKvSource(() => wb.runner.sim);
}

/** A KV source reading the simulation `sim()` returns (each call: the run at the cursor may change). */
export function simKvSource(sim: () => Simulation): KvSource {
  return {
    servers: () => [...sim().serverIds],
    store: (id) => {
      const s = sim().server(id);
      return s.up ? s.sm.store : null;
    },
    watchers: (id) => (sim().server(id).up ? sim().etcdServerView(id).watchers : []),
    remainingMs: (id) => {
      const leader = sim().leader();
      if (!leader) return null;
      const view = sim().etcdServerView(leader.id);
      if (!view.primary) return null;
      return view.leases.find((l) => l.id === id)?.remainingMs ?? null;
    },
  };
}
