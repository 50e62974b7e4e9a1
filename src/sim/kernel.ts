/**
 * What the engine lends to the modules it drives (the transport, the host, the clients' glue):
 * the simulated clock, the event queue, the trace hash, the run's counters, and the fan-out of
 * trace events and observer hooks. The modules keep their own state; the engine alone owns time,
 * event order and the hash (see engine.ts).
 */
import type { NodeId } from '../raft/types';
import type { TraceHasher } from './hash';
import type { Scheduled } from './heap';
import type { SimObserver } from './observer';
import type { MessageRecord, SimStats, TraceEvent } from './types';

/**
 * A timer event in the engine's queue. Timers carry a generation: one with an old generation is
 * stale. (A delivery is queued as its MessageRecord itself, at its deliverMs: `scheduleDelivery`.)
 */
export type SimEvent = Scheduled & (
  | { type: 'electionTimer'; node: NodeId; gen: number }
  | { type: 'heartbeatTimer'; node: NodeId; gen: number }
  | { type: 'clientTimer'; client: string; gen: number }
  /** A server's stable-storage write `id` completes (cluster.fsyncMs after it was issued); `gen` is its Wal generation (a crash makes it stale). */
  | { type: 'fsync'; node: NodeId; gen: number; id: number }
  /** An etcd timer (src/sim/etcd.ts: a lessor check, a keep-alive, a deadline, a watch reconnect). */
  | { type: 'etcdTimer'; id: number }
);

/** The engine as its modules see it. */
export interface SimKernel {
  /** Simulated time now, ms. */
  readonly nowMs: number;
  /** Queues an event at `e.atMs` (ties keep insertion order). */
  schedule(e: SimEvent): void;
  /** Queues the delivery of `rec` at its deliverMs (a delivery queued again after a delay makes the earlier one stale). */
  scheduleDelivery(rec: MessageRecord): void;
  /** The run's trace hash; modules mix in what they decide, in the order they decide it. */
  readonly hasher: TraceHasher;
  readonly stats: SimStats;
  /** The attached observers, in attach order. */
  readonly observers: readonly SimObserver[];
  /** Whether any observer listens to trace events (fine-grained notes are skipped otherwise). */
  readonly tracing: boolean;
  /** Records a trace event: calls every observer's onTrace. */
  emit(e: TraceEvent): void;
  /** Records a fault or user action in the hash and the trace (kind "fault"). */
  fault(action: string, nodes: NodeId[], detail?: string): void;
  /** The next value of the run's history order counter (client invokes and returns; not hashed). */
  nextOrder(): number;
}
