/**
 * How many voters the cluster had at a point of the trace, for the why feed's "2 of 3 votes, a
 * majority" sentences: the bootstrap configuration's voters (the servers minus `cluster.spares`
 * and `cluster.learners`), then the incoming voters of the latest ConfChange applied anywhere
 * before that point (the one of the highest log index: a slow follower applying an older change
 * later does not count; etcd raft applies a change when its entry is applied, thesis §4.1). In a
 * joint configuration that is C_new's count (Raft paper §6: C_old must agree too, which the
 * sentences do not count). Cached per trace array, which only grows; read from the end.
 */
import type { TraceEvent } from '../../sim/types';

/** What is read of a run: its trace and the configuration it started with. */
export interface VoterSource {
  trace: TraceEvent[];
  config: { servers: readonly string[]; spares?: readonly string[]; learners?: readonly string[] };
}

interface Changes {
  scanned: number;
  /** The highest log index of a change seen (a slow follower applying an older change later does not count). */
  maxIndex: number;
  /** Trace indexes of configuration changes (ascending) and the voter count from each on. */
  at: number[];
  count: number[];
}

const cache = new WeakMap<TraceEvent[], Changes>();

function changesOf(trace: TraceEvent[]): Changes {
  let c = cache.get(trace);
  if (!c) cache.set(trace, (c = { scanned: 0, maxIndex: 0, at: [], count: [] }));
  for (let i = c.scanned; i < trace.length; i++) {
    const e = trace[i];
    if (e.kind !== 'note' || e.note.kind !== 'confChangeApplied' || e.note.index <= c.maxIndex) continue;
    c.maxIndex = e.note.index;
    const n = e.note.config.voters.length;
    if (c.count[c.count.length - 1] === n) continue;
    c.at.push(i);
    c.count.push(n);
  }
  c.scanned = trace.length;
  return c;
}

/** The bootstrap configuration's voter count. */
export function bootstrapVoters(config: VoterSource['config']): number {
  const out = new Set([...(config.spares ?? []), ...(config.learners ?? [])]);
  return config.servers.filter((id) => !out.has(id)).length;
}

/** The cluster's voter count just before trace event `index` (or at its end). */
export function votersAt(run: VoterSource, index: number = run.trace.length): number {
  const c = changesOf(run.trace);
  let lo = 0;
  let hi = c.at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.at[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? bootstrapVoters(run.config) : c.count[lo - 1];
}
