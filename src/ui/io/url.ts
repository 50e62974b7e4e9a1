/**
 * The page's address: `?scenario=<name>&seed=<n>&speed=<x>&play=0|1&at=<ms>`.
 * - scenario: a bundled file name without .yaml (default basic-election);
 * - seed: a whole number >= 0 (default: the scenario's own seed);
 * - speed: simulated ms per real ms, as "0.1", "1/10", "100" or "max" (as fast as the page can;
 *   default 1/10);
 * - play: 1 opens playing, 0 paused at the first caption (default: the viewer's "Start paused"
 *   choice, on unless switched off; paused when `at` is given);
 * - at: open the run already advanced to this simulated time (ms).
 */
import { seedFromText } from '../../scenario/seed';

export const DEFAULT_SPEED = 0.1;

/** "As fast as possible": as many events each frame as fit in the page's time budget. */
export const MAX_SPEED = Infinity;

/** Fastest speed written as a number (100x = 100 simulated seconds per second). */
const MAX_NUMERIC_SPEED = 1000;

/**
 * The speeds offered in the picker, fastest first: as fast as possible, 100x down to 1/1000x of
 * real time. `label` is null for "as fast as possible" (its words are translated).
 */
export const SPEEDS: { value: number; label: string | null }[] = [
  { value: MAX_SPEED, label: null },
  ...[100, 10, 5, 2].map((m) => ({ value: m, label: `${m}x` })),
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].map((d) => ({ value: 1 / d, label: d === 1 ? '1x' : `1/${d}x` })),
];

export interface UrlState {
  scenario: string | null;
  seed: number | null;
  speed: number;
  /** true: open playing; false: open paused; null: the address does not say (the viewer's choice). */
  play: boolean | null;
  atMs: number | null;
}

/** Parses a speed written as "0.1", "1/10", "1/10x", "100x" or "max"; null if it is none of those. */
export function parseSpeed(s: string | null): number | null {
  if (!s) return null;
  if (/^\s*max\s*$/i.test(s)) return MAX_SPEED;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*x?\s*$/i.exec(s);
  if (!m) return null;
  const v = Number(m[1]) / (m[2] ? Number(m[2]) : 1);
  return Number.isFinite(v) && v > 0 && v <= MAX_NUMERIC_SPEED ? v : null;
}

/**
 * A seed typed in the address (`?seed=`) or the seed box: the one rule of src/scenario/seed.ts
 * (decimal digits, 0 to 2^53 − 1, never rounded), so `9007199254740991.4`, `1e3` and `0x10` are
 * refused as in a file or on the command line. Null when empty or refused.
 */
export function parseSeed(s: string | null): number | null {
  return s === null ? null : seedFromText(s.trim());
}

export function readUrl(search: string): UrlState {
  const p = new URLSearchParams(search);
  const atRaw = p.get('at');
  const at = atRaw !== null && atRaw.trim() !== '' ? Number(atRaw) : NaN;
  const atMs = Number.isFinite(at) && at > 0 ? at : null;
  const play = p.get('play');
  return {
    scenario: p.get('scenario') || null,
    seed: parseSeed(p.get('seed')),
    speed: parseSpeed(p.get('speed')) ?? DEFAULT_SPEED,
    play: play === null ? (atMs === null ? null : false) : play !== '0' && play !== 'false',
    atMs,
  };
}

/** Writes scenario, seed and (when not the default) speed into the address without reloading. */
export function writeUrl(scenario: string, seed: number | null, speed: number): void {
  const p = new URLSearchParams(window.location.search);
  p.set('scenario', scenario);
  if (seed === null) p.delete('seed');
  else p.set('seed', String(seed));
  if (Math.abs(speed - DEFAULT_SPEED) < 1e-12) p.delete('speed');
  else p.set('speed', speedText(speed));
  // `at` and `play` only describe how the page was opened.
  p.delete('at');
  p.delete('play');
  const url = `${window.location.pathname}?${p.toString()}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(null, '', url);
  }
}

/** "1", "1/10", "100", "max", or a decimal for speeds that are not 1/n. */
export function speedText(speed: number): string {
  if (speed === MAX_SPEED) return 'max';
  if (speed >= 1) return String(speed);
  const d = 1 / speed;
  return Math.abs(d - Math.round(d)) < 1e-9 ? `1/${Math.round(d)}` : String(speed);
}
