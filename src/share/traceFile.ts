/**
 * Export and import of a run as a versioned JSON trace. The file carries what is needed to
 * re-simulate the run exactly (the scenario text, seed and recorded actions) and what it showed
 * (trace events, client history, final traceHash). Opening it re-runs the simulation and checks the
 * hash, so the timeline is the same one that was exported. Data only; never evaluated.
 */
import { formatReason } from '../scenario/reasons';
import { LIMITS } from '../scenario/schema';
import { SEED_RANGE_TEXT, isSeed } from '../scenario/seed';
import { jsonTooDeepAt, positionIn, textEncodingProblem } from '../scenario/textFile';
import type { Replay } from '../scenario/types';
import type { HistoryRecord, TraceEvent } from '../sim/types';

export const TRACE_FORMAT = 'raftsim-trace';
export const TRACE_VERSION = 1;

export interface TraceFile {
  format: typeof TRACE_FORMAT;
  version: number;
  /** The scenario file (YAML), with the seed it ran under and the user's recorded actions. */
  scenario: { name: string; yaml: string };
  seed: number;
  replay: Replay;
  /** Results at the end of the exported run. */
  traceHash: string;
  timeMs: number;
  events: number;
  trace: TraceEvent[];
  history: HistoryRecord[];
}

/** Serializes a run for download. */
export function exportTrace(t: Omit<TraceFile, 'format' | 'version'>): string {
  return JSON.stringify({ format: TRACE_FORMAT, version: TRACE_VERSION, ...t });
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Reads an exported trace. It does not re-simulate: the caller replays `scenario`, `seed` and
 * `replay` and compares its traceHash with `traceHash` (a mismatch opens the run with the notice
 * `share.traceHashDiffers`, since the page shows its own replay, not the file's events).
 * @throws Error naming the file and the problem: not UTF-8, nested too deeply, not JSON, not a
 *   raftsim trace, a newer version, or a field of the wrong type.
 */
export function importTrace(text: string, file: string): TraceFile {
  if (text.length > 50_000_000) throw new Error(`${file}: the file is larger than 50 MB`);
  const encoding = textEncodingProblem(text);
  if (encoding) throw new Error(`${file}:${encoding.line}:${encoding.column}: ${formatReason(encoding.why)}`);
  const deep = jsonTooDeepAt(text, LIMITS.maxDepth);
  if (deep !== null) {
    const { line, column } = positionIn(text, deep);
    throw new Error(`${file}:${line}:${column}: arrays and objects are nested too deeply (more than ${LIMITS.maxDepth} levels); a trace needs only a few`);
  }
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not a JSON file (${(e as Error).message})`);
  }
  if (!isObj(d) || d.format !== TRACE_FORMAT) throw new Error(`${file}: not a raftsim trace (expected "format": "${TRACE_FORMAT}")`);
  if (typeof d.version !== 'number' || d.version > TRACE_VERSION) throw new Error(`${file}: trace format version ${String(d.version)} is newer than this page reads (${TRACE_VERSION}); update raftsim`);
  const need = (ok: boolean, key: string, what: string) => {
    if (!ok) throw new Error(`${file}: "${key}" must be ${what}`);
  };
  need(isObj(d.scenario) && typeof d.scenario.yaml === 'string' && typeof d.scenario.name === 'string', 'scenario', 'an object with name and yaml text');
  need(isSeed(d.seed), 'seed', SEED_RANGE_TEXT);
  need(isObj(d.replay) && Array.isArray(d.replay.actions) && isObj(d.replay.until), 'replay', 'an object with actions and until');
  need(typeof d.traceHash === 'string' && /^[0-9a-f]{16}$/.test(d.traceHash), 'traceHash', '16 hex digits');
  need(typeof d.timeMs === 'number' && typeof d.events === 'number', 'timeMs', 'a number (with events)');
  need(Array.isArray(d.trace) && Array.isArray(d.history), 'trace', 'a list (with history)');
  return d as unknown as TraceFile;
}
