/**
 * The etcd row of the workbench: the etcdctl console beside the KV panel. `backendFor` is the
 * seam that gives them what answers (see backend.ts): the run's engine when its cluster serves
 * the etcd API, else one in-memory member.
 */
import { useEffect, useMemo } from 'react';
import type { Frame } from '../model/frame';
import type { Workbench } from '../model/workbench';
import type { ConsoleBackend } from './backend';
import { EtcdConsole } from './EtcdConsole';
import { KvPanel } from './KvPanel';
import type { KvSource } from './kvView';
import { memoryBackend } from './memoryBackend';

/** What the console and the KV panel of a run use, and how the member's clock follows the run (memory only). */
export interface EtcdBackends {
  console: ConsoleBackend;
  kv: KvSource;
  syncTo?(ms: number): void;
}

/** The seam: the backends for a run. */
export function backendFor(wb: Workbench, clients: string[], servers: string[]): EtcdBackends {
  const m = memoryBackend({ clients: clients.length > 0 ? clients : ['c1'], servers, nowMs: () => wb.position.timeMs, seed: String(wb.seed) });
  return { console: m, kv: m.kv, syncTo: m.syncTo };
}

export function EtcdArea({ wb, frame, onNotice, bump }: { wb: Workbench; frame: Frame; onNotice(text: string): void; bump(): void }) {
  const servers = frame.servers.map((s) => s.id);
  const b = useMemo(() => backendFor(wb, frame.clients, servers), [wb]);
  const nowMs = frame.position.timeMs;
  useEffect(() => {
    b.syncTo?.(nowMs);
  }, [b, nowMs]);
  const console = useMemo(
    (): ConsoleBackend => ({
      ...b.console,
      kind: b.console.kind,
      run: (line, c, via) => {
        const r = b.console.run(line, c, via);
        bump();
        return r;
      },
      cancel: (key) => {
        const r = b.console.cancel(key);
        bump();
        return r;
      },
    }),
    [b, bump],
  );
  return (
    <>
      <EtcdConsole backend={console} leaderId={frame.leaderId} inPast={frame.inPast && b.console.kind === 'engine'} onNotice={onNotice} />
      <KvPanel source={b.kv} initialServer={b.console.kind === 'engine' ? frame.leaderId : b.kv.servers()[0] ?? null} />
    </>
  );
}

/** Whether the run's scenario drives the etcd API (an `etcdctl` step): its console row opens by itself. */
export function usesEtcd(wb: Workbench): boolean {
  return wb.scenario.steps.some((s) => (s.kind as string) === 'etcdctl');
}
