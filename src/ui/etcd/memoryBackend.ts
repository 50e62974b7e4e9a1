/**
 * The console on one in-memory etcd member (src/etcdctl/memory.ts): for a run with no etcd client
 * wired into its engine. Replies come at once; the member's clock is moved to the run's simulated
 * time before each line (so leases granted here expire as the run goes on, see {@link syncTo}).
 * Nothing is recorded in the run: these lines are not part of any scenario.
 */
import { BackgroundCommand, MemoryEtcdServer, runEtcdctl, type CommandResult, type Created } from '../../etcdctl';
import { freshName, namePrefixFor, type ConsoleBackend, type ConsoleEntry } from './backend';
import type { KvSource } from './kvView';

interface MemoryEntry extends ConsoleEntry {
  handle?: BackgroundCommand;
}

/** An id the `names` resolver can stand for (a lease or a member), from what a command created. */
function idOf(c: Created | undefined): string | undefined {
  if (!c) return undefined;
  if (c.kind === 'lease' || c.kind === 'keep-alive' || c.kind === 'member') return c.id;
  return c.kind === 'watch' ? undefined : c.lease;
}

/** A console backend over a fresh in-memory member. `nowMs` gives the run's simulated time. */
/** The console's backend, the KV panel's source (the member's store, every server name showing it) and the clock's catch-up. */
export interface MemoryConsole extends ConsoleBackend {
  /** Moves the member's clock forward to `ms` of simulated time (keep-alives and expiries due meanwhile happen). */
  syncTo(ms: number): void;
  kv: KvSource;
}

export function memoryBackend(opts: { clients: string[]; servers: string[]; nowMs: () => number; seed?: string }): MemoryConsole {
  const server = new MemoryEtcdServer({ name: opts.servers[0] ?? 'S1', seed: opts.seed });
  const client = server.client();
  const list: MemoryEntry[] = [];
  const ids = new Map<string, string>();
  let n = 0;

  const syncTo = (ms: number) => {
    if (ms > server.nowMs) server.advance(ms - server.nowMs);
  };

  const finish = (e: MemoryEntry, r: CommandResult) => {
    e.lines = [...r.output];
    e.state = 'done';
    e.exit = r.exit;
    const id = idOf(r.created);
    if (e.name && id) ids.set(e.name, id);
  };

  return {
    kind: 'memory',
    kv: {
      servers: () => [server.name],
      store: () => server.store,
      remainingMs: (id) => server.lessor.remainingMs(id, server.nowMs) ?? null,
      watchers: () => server.hub.watchers(),
    },
    clients: () => opts.clients,
    servers: () => opts.servers,
    entries: () => list,
    syncTo,
    run(command, c, via) {
      syncTo(opts.nowMs());
      const prefix = namePrefixFor(command);
      const name = prefix ? freshName(prefix, new Set(list.flatMap((x) => (x.name ? [x.name] : [])))) : undefined;
      const e: MemoryEntry = { key: `m${++n}`, command, client: c, via, atMs: server.nowMs, lines: [], state: 'waiting', ...(name ? { name } : {}) };
      list.push(e);
      runEtcdctl(command, { client, names: (x) => ids.get(x) }).onSettle((r) => {
        if (r instanceof BackgroundCommand) {
          e.handle = r;
          e.state = 'running';
          e.lines = r.output;
          const id = idOf(r.created);
          if (name && id) ids.set(name, id);
          r.done.onSettle((res) => finish(e, res));
        } else finish(e, r);
      });
      return null;
    },
    cancel(key) {
      const e = list.find((x) => x.key === key);
      if (!e?.handle || e.state !== 'running') return null;
      e.handle.cancel();
      return null;
    },
  };
}
