/**
 * Glue between runs and the linearizability checker: what `expect: { linearizable }`, the CLI
 * summary and the fuzzer ask. Kept out of the engine (the checker reads a wall clock for its limit).
 */
import type { HistoryRecord } from '../sim/types';
import { checkLinearizability } from './linearizability';

/** Checks a client history; `ok` is null when the checker ran out of time. */
export function linearizableHook(history: HistoryRecord[], timeLimitMs = 5000): { ok: boolean | null; detail: string } {
  const r = checkLinearizability(history, { timeLimitMs });
  if (r.result === 'linearizable') return { ok: true, detail: `linearizable (${history.length} operations)` };
  if (r.result === 'unknown') return { ok: null, detail: 'the checker ran out of time' };
  return { ok: false, detail: r.explanation ?? `key ${r.failingKey} is not linearizable` };
}
