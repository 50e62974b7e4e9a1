/**
 * Reading a server's log as the page shows it, through a compacted prefix (Raft paper §7): `log[0]`
 * is index `firstIndex` (1 when nothing was compacted); indexes keep their meaning.
 */
import type { LogEntry } from '../../raft/types';

/** Index of the last entry of `v`'s log, counting its compacted prefix. */
export function lastLogIndex(v: { firstIndex: number; log: readonly unknown[] }): number {
  return v.firstIndex - 1 + v.log.length;
}

/** The entry of `v`'s log at `index`, or undefined (compacted into the snapshot, or past the end). */
export function entryAt<E extends LogEntry<unknown>>(v: { firstIndex: number; log: readonly E[] }, index: number): E | undefined {
  return index >= v.firstIndex ? v.log[index - v.firstIndex] : undefined;
}
