/**
 * The user's own scenarios, written in the in-app editor and kept in browser storage.
 *
 * Each scenario keeps two texts: `draft`, exactly what is in the editor (saved on every change, so
 * nothing typed is lost), and `valid`, the last text that passed the schema. An edit that does not
 * validate only ever changes `draft`; `valid` is what "Run" opens, so an invalid edit never
 * destroys the last valid version. Storage is plain JSON data, validated when read; nothing in it
 * is evaluated.
 */
import { validateScenario } from '../../scenario/parse';
import type { ScenarioError } from '../../scenario/types';

/** One scenario of the user's. */
export interface UserScenario {
  /** Stable id (`u1`, `u2`, …), unique in the list. */
  id: string;
  /** The file name shown in the editor and used in error messages, e.g. `my-lesson.yaml`. */
  file: string;
  /** The editor's text, valid or not. */
  draft: string;
  /** The last text that passed validation ('' when the scenario has never been valid). */
  valid: string;
}

/** The browser storage key; the number is the format version. */
export const STORAGE_KEY = 'raftsim.userScenarios.v1';

/** The part of `Storage` used here (localStorage in the page, a Map-backed fake in tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The result of reading the stored list: the scenarios, and a reason when storage was unreadable. */
export interface LoadedUserScenarios {
  scenarios: UserScenario[];
  /** Why stored data was ignored (damaged JSON, wrong shape), or null. */
  problem: string | null;
}

function isUserScenario(x: unknown): x is UserScenario {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.file === 'string' && typeof o.draft === 'string' && typeof o.valid === 'string';
}

/**
 * Reads the user's scenarios from `storage`. Entries of the wrong shape are skipped and reported in
 * `problem`; the stored text itself is left in place until the next save.
 */
export function loadUserScenarios(storage: KeyValueStorage | null): LoadedUserScenarios {
  let raw: string | null;
  try {
    raw = storage?.getItem(STORAGE_KEY) ?? null;
  } catch (e) {
    return { scenarios: [], problem: e instanceof Error ? e.message : String(e) };
  }
  if (raw === null) return { scenarios: [], problem: null };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    return { scenarios: [], problem: `${STORAGE_KEY}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const list = typeof data === 'object' && data !== null ? (data as { scenarios?: unknown }).scenarios : undefined;
  if (!Array.isArray(list)) return { scenarios: [], problem: `${STORAGE_KEY}: "scenarios" is not a list` };
  const scenarios: UserScenario[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const item of list) {
    if (!isUserScenario(item) || seen.has(item.id)) {
      skipped++;
      continue;
    }
    seen.add(item.id);
    scenarios.push({ id: item.id, file: item.file, draft: item.draft, valid: item.valid });
  }
  return { scenarios, problem: skipped > 0 ? `${STORAGE_KEY}: ${skipped} damaged entr${skipped === 1 ? 'y' : 'ies'} skipped` : null };
}

/**
 * Writes the list to `storage`.
 * @returns null, or the reason the browser refused (storage full or disabled)
 */
export function saveUserScenarios(storage: KeyValueStorage | null, scenarios: UserScenario[]): string | null {
  if (!storage) return 'browser storage is not available';
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ scenarios }));
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The result of an edit: the updated scenario and the schema's errors for the new text. */
export interface EditResult {
  scenario: UserScenario;
  errors: ScenarioError[];
}

/**
 * Applies the editor's new text to a scenario: the draft always becomes `text`; `valid` becomes
 * `text` only when it passes the schema and every semantic check (`validateScenario`).
 */
export function applyEdit(s: UserScenario, text: string): EditResult {
  const { errors } = validateScenario(text, s.file);
  return { scenario: { ...s, draft: text, valid: errors.length === 0 ? text : s.valid }, errors };
}

/** The next free id (`u<n>`) for a new scenario. */
export function nextUserId(scenarios: UserScenario[]): string {
  let n = 0;
  for (const s of scenarios) {
    const m = /^u(\d+)$/.exec(s.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return `u${n + 1}`;
}

/**
 * A file name for a new scenario from `base` (e.g. a bundled scenario's name), made unique among
 * the user's files: `base.yaml`, `base-2.yaml`, …
 */
export function uniqueFile(scenarios: UserScenario[], base: string): string {
  const stem = base.replace(/\.ya?ml$/i, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  const taken = new Set(scenarios.map((s) => s.file));
  if (!taken.has(`${stem}.yaml`)) return `${stem}.yaml`;
  for (let k = 2; ; k++) if (!taken.has(`${stem}-${k}.yaml`)) return `${stem}-${k}.yaml`;
}

/** A new scenario holding `text` (its `valid` is set only if the text validates). */
export function newUserScenario(scenarios: UserScenario[], base: string, text: string): EditResult {
  const s: UserScenario = { id: nextUserId(scenarios), file: uniqueFile(scenarios, base), draft: text, valid: '' };
  return applyEdit(s, text);
}

/**
 * The text of a new, blank scenario: a commented, valid starting point (three servers, one
 * election, one write), with `title` and the first caption `say` in the user's language.
 */
export function blankScenarioYaml(title: string, say: string): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    `title: ${q(title)}`,
    'summary: ""',
    'concepts: []',
    'seed: 1',
    'cluster:',
    '  nodes: 3                       # or a list of names: [S1, S2, S3]',
    '  electionTimeoutMs: [150, 300]',
    '  heartbeatMs: 50',
    '  network:',
    '    latencyMs: [10, 20]',
    'clients: [c1]',
    'steps:',
    `  - say: ${q(say)}`,
    '  - wait: { for: leader, withinMs: 2000 }',
    '  - put: { key: x, value: "1", expect: { result: ok } }',
    '  - expect: { leader: any, kv: { x: "1" }, invariants: ok }',
    '',
  ].join('\n');
}
