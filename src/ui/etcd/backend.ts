/**
 * The seam between the etcdctl console and what answers it. The console shows
 * {@link ConsoleEntry} values and sends lines through {@link ConsoleBackend.run}; it does not know
 * whether a cluster of the engine or a single in-memory member answers.
 *
 * - {@link memoryBackend}: one `MemoryEtcdServer` (src/etcdctl/memory.ts), answering at once, its
 *   clock following the run's simulated time. What the console uses when no engine client is
 *   wired (it records nothing: there is no run to replay).
 * - the engine backend (engineBackend.ts): every line is an `etcdctl` action of the run (recorded
 *   like any user action, so "Save as scenario", share links and replay carry it), and Ctrl-C is a
 *   `cancel` action.
 */
import type { OutputLine } from '../../etcdctl';

/** Where a console command is: waiting for the cluster's reply, running in the background, or over. */
export type EntryState = 'waiting' | 'running' | 'done';

/** One line typed in the console and what it has printed so far (at the run's cursor). */
export interface ConsoleEntry {
  /** Stable across renders (for React keys and Stop buttons). */
  key: string;
  /** The command line as typed (may hold more lines: a txn's blocks). */
  command: string;
  client: string;
  /** The server it was sent to (`--endpoints`), or null for the client's own choice. */
  via: string | null;
  /** Simulated time it was typed, ms. */
  atMs: number;
  /** The `as` name of what it created or started (a lease, a watch…), if any. */
  name?: string;
  /** Its output so far, in the order written. */
  lines: OutputLine[];
  state: EntryState;
  /** etcdctl's exit status, once done. */
  exit?: number;
}

/** What the console runs its lines on. */
export interface ConsoleBackend {
  /** `memory`: a single in-memory member; `engine`: the run's cluster. */
  readonly kind: 'memory' | 'engine';
  /** The clients a line can be sent as. */
  clients(): string[];
  /** The servers a line can be sent to (`--endpoints`). */
  servers(): string[];
  /** The lines typed so far and their output, oldest first. */
  entries(): ConsoleEntry[];
  /**
   * Runs one command line as `client` through `via` (null: the client's own choice).
   * @returns null, or why it could not be sent (shown as a notice)
   */
  run(command: string, client: string, via: string | null): string | null;
  /**
   * Ctrl-C on a running background command.
   * @returns null, or why it could not be stopped
   */
  cancel(key: string): string | null;
}

/** The `as` name prefix the console gives what each command starts (shell job names of a kind). */
export function namePrefixFor(command: string): string | null {
  const words = command.trim().split(/\s+/).filter((w) => !w.startsWith('-'));
  const [a, b] = words;
  if (a === 'watch') return 'W';
  if (a === 'lease' && b === 'grant') return 'L';
  if (a === 'lease' && b === 'keep-alive' && !/\s--once\b/.test(command)) return 'K';
  if (a === 'lock') return 'LOCK';
  if (a === 'elect') return /(^|\s)(-l|--listen)\b/.test(command) ? 'OBS' : 'E';
  return null;
}

/** The first name `prefix1`, `prefix2`… not in `taken`. */
export function freshName(prefix: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}
