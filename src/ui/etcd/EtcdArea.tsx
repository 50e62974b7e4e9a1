/**
 * The etcd row of the workbench: the etcdctl console beside the KV panel. `backendFor` is the
 * seam that gives them what answers (see backend.ts): the run's own cluster (engineBackend.ts),
 * or, for a run without clients to send requests from, one in-memory member (memoryBackend.ts).
 */
import { useEffect, useMemo } from 'react';
import type { UserAction } from '../../sim/verbs';
import type { Frame } from '../model/frame';
import type { Workbench } from '../model/workbench';
import type { ConsoleBackend } from './backend';
import { engineBackend, engineKvSource } from './engineBackend';
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

/**
 * The seam: the backends for a run. `act` carries out a user action on the run (recorded by the
 * time machine) and gives back its error message, or null.
 */
export function backendFor(wb: Workbench, act: (a: UserAction) => string | null): EtcdBackends {
  const sim = wb.runner.sim;
  if (sim.clients.size > 0) return { console: engineBackend(wb, act), kv: engineKvSource(wb) };
  const m = memoryBackend({ clients: ['c1'], servers: [...sim.serverIds], nowMs: () => wb.position.timeMs, seed: String(wb.seed) });
  return { console: m, kv: m.kv, syncTo: m.syncTo };
}

/** Whether the run's scenario drives the etcd API (an `etcdctl` step): its console row opens by itself. */
export function usesEtcd(wb: Workbench): boolean {
  return wb.scenario.steps.some((s) => s.kind === 'etcdctl');
}

export function EtcdArea({ wb, frame, onNotice, act }: {
  wb: Workbench;
  frame: Frame;
  onNotice(text: string): void;
  /** The page's action path (notices for branches and failures, then a re-render). */
  act(a: UserAction): void;
}) {
  const b = useMemo(() => backendFor(wb, (a) => {
    act(a);
    return null;
  }), [wb, act]);
  const nowMs = frame.position.timeMs;
  useEffect(() => {
    b.syncTo?.(nowMs);
  }, [b, nowMs]);
  const memory = b.console.kind === 'memory';
  return (
    <>
      <EtcdConsole backend={b.console} leaderId={memory ? null : frame.leaderId} inPast={frame.inPast && !memory} onNotice={onNotice} />
      <KvPanel source={b.kv} leaderId={memory ? (b.kv.servers()[0] ?? null) : frame.leaderId} markLeader={!memory} />
    </>
  );
}
