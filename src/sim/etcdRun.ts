/**
 * One etcdctl command line run in the engine (the console, an `etcdctl:` scenario step, the CLI):
 * its output as it comes, its state, its result or its running background command. Created by
 * `Simulation.etcdctl` (engine.ts); everything on it changes inside engine events (the
 * continuations of src/etcdctl run synchronously in the event that delivered a reply).
 */
import type { BackgroundCommand, CommandResult, Created, OutputLine } from '../etcdctl/run';
import type { Pending } from '../etcdctl/pending';
import type { NodeId } from '../raft/types';

/** Where a run is: waiting for its reply, running in the background, or finished. */
export type EtcdRunState = 'waiting' | 'background' | 'done';

/** See the module comment. */
export class EtcdRun {
  /** Every line printed so far, both streams in the order written. */
  readonly output: OutputLine[] = [];
  state: EtcdRunState = 'waiting';
  /** The finished command's result (state 'done'), or null. */
  result: CommandResult | null = null;
  /** The running (or ended) background command, or null for a one-shot command. */
  background: BackgroundCommand | null = null;
  private listeners: Array<(l: OutputLine) => void> = [];
  private doneListeners: Array<() => void> = [];

  constructor(
    /** The run's number in its simulation (1, 2, …). */
    readonly id: number,
    readonly command: string,
    readonly client: string,
    readonly via: NodeId | undefined,
    readonly as: string | undefined,
    /** Simulated time the command was started, ms. */
    readonly startedMs: number,
  ) {}

  /** For a watch: the events received so far (`PUT key value` / `DELETE key`). */
  get watched(): string[] {
    return this.background?.watched ?? [];
  }

  /** What the command created or started (a lease, a keep-alive, a lock …), for `as` names. */
  get created(): Created | undefined {
    return this.result?.created ?? this.background?.created;
  }

  /** The output as a terminal shows it: every line ended by a newline. */
  get text(): string {
    return this.output.map((l) => `${l.text}\n`).join('');
  }

  /** Calls `f` for every line printed from now on (in the engine event that printed it). Not copied by a clone. */
  onOutput(f: (l: OutputLine) => void): void {
    this.listeners.push(f);
  }

  private push(l: OutputLine): void {
    this.output.push(l);
    for (const f of this.listeners) f(l);
  }

  /** Follows the command's Pending (engine.ts): lines, state and result as they come. */
  follow(p: Pending<CommandResult | BackgroundCommand>): void {
    p.onSettle((v) => {
      if ('exit' in v) {
        this.finish(v);
        return;
      }
      const bg = v;
      this.background = bg;
      for (const l of bg.output) this.push(l);
      bg.onOutput((l) => this.push(l));
      if (!bg.running) {
        bg.done.onSettle((r) => this.end(r));
        return;
      }
      this.state = 'background';
      bg.done.onSettle((r) => this.end(r));
    }, (e) => {
      // runEtcdctl never rejects; a rejection here is a bug in a lower layer
      throw e instanceof Error ? e : new Error(String(e));
    });
  }

  /** A one-shot command's result: its lines, then done. */
  finish(r: CommandResult): void {
    for (const l of r.output) this.push(l);
    this.end(r);
  }

  /** Calls `f` once when the run is done (at once if it is). */
  onDone(f: () => void): void {
    if (this.state === 'done') f();
    else this.doneListeners.push(f);
  }

  private end(r: CommandResult): void {
    if (this.state === 'done') return;
    this.result = r;
    this.state = 'done';
    const fs = this.doneListeners;
    this.doneListeners = [];
    for (const f of fs) f();
  }
}
