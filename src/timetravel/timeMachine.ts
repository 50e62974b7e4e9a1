/**
 * Time travel over a deterministic run: step back and forth, scrub to any instant, and act in the
 * past, which starts a new branch. Earlier branches are kept as a tree and can be switched to.
 *
 * Memory stays bounded: instead of a copy per event, the machine keeps periodic checkpoints (a
 * clone of the run every `checkpointEveryEvents` events, without the trace; the message log and
 * the checker's memory are shared by columns and chunks) and reaches any position by cloning the
 * nearest earlier checkpoint and replaying from it. A branch keeps at most `maxCheckpoints`: past
 * that, every other one is dropped and the spacing doubles, so a long run's checkpoints stay a
 * bounded number (a seek then replays at most twice as many events). Replay is
 * exact because the run is deterministic and `ScenarioRunner.advance(untilMs, maxEvents)` from the
 * same state always ends in the same state.
 *
 * Positions are (events, timeMs): how many simulation events were processed and the simulated
 * time. User actions are recorded at the position they were taken, so a branch is "its parent up to
 * the fork, then these actions" and replays exactly.
 */
import type { ScenarioRunner } from '../scenario/runner';
import { MessageLog } from '../sim/messageLog';
import type { TraceEvent } from '../sim/types';
import { verbLabel, type UserAction } from '../sim/verbs';

/**
 * Something a user does to the cluster (the workbench's direct manipulation): one use of a verb of
 * src/sim/verbs.ts, `{ kind, ...arguments }`, the shape recorded in `replay:` and share links.
 */
export type { UserAction } from '../sim/verbs';

/** A position in a run: events processed so far and the simulated time. */
export interface Position {
  events: number;
  timeMs: number;
}

export interface RecordedAction extends Position {
  action: UserAction;
}

/** One branch of the run's history tree. */
export interface Branch {
  id: number;
  /** The branch it forked from (null for the original run). */
  parent: number | null;
  /** Where it left its parent. */
  fork: Position;
  /** Actions taken on this branch after the fork, in order. */
  actions: RecordedAction[];
  /** The furthest position computed on this branch. */
  frontier: Position;
  /** A short label, e.g. "crash S2 at 1234.5 ms". */
  label: string;
}

interface Checkpoint extends Position {
  runner: ScenarioRunner;
  traceLen: number;
  /** The head's message log length then; a restored copy takes that prefix of the branch head's log. */
  messagesLen: number;
  /** The head's client history length then; a restored copy takes that prefix of the head's history. */
  historyLen: number;
  /** How many actions of the branch's lineage had been applied to `runner`. */
  actionsApplied: number;
}

export interface TimeMachineOptions {
  /** A checkpoint every this many events (default 20,000), to start with (see maxCheckpoints). */
  checkpointEveryEvents?: number;
  /** Most checkpoints per branch (default 64, at least 2); past it the spacing doubles. */
  maxCheckpoints?: number;
}

/** Applies a user action to a run now (through the verbs table). @throws Error for an unknown server, client or message */
export function applyAction(runner: ScenarioRunner, a: UserAction): void {
  runner.act(a);
}

/** Short English label of an action (the UI translates its own): the verb's label. */
export function describeAction(a: UserAction): string {
  return verbLabel(a);
}

const pos = (r: ScenarioRunner): Position => ({ events: r.sim.stats.events, timeMs: r.sim.nowMs });
const before = (a: Position, b: Position) => a.events < b.events || (a.events === b.events && a.timeMs < b.timeMs);
const atOrBefore = (a: Position, b: Position) => !before(b, a);

export class TimeMachine {
  readonly branches: Branch[] = [];
  private checkpoints = new Map<number, Checkpoint[]>();
  /** The run at the frontier of each branch: its trace and messages are the branch's whole history. */
  private heads = new Map<number, ScenarioRunner>();
  private current = 0;
  /** The run at the cursor (=== the head when the cursor is at the frontier). */
  private cursorRunner: ScenarioRunner;
  /** How many lineage actions have been applied to the cursor run. */
  private cursorApplied = 0;
  private readonly every: number;
  private readonly maxCheckpoints: number;
  /** Events between checkpoints, per branch (starts at `every`, doubles when thinned). */
  private spacing = new Map<number, number>();
  /** Lineages by branch (see lineage). */
  private lineageCache = new Map<number, RecordedAction[]>();
  /** Restored runs whose trace/messages prefix is still in their branch head (see restore). */
  private prefixOf = new WeakMap<ScenarioRunner, { traceLen: number; head: ScenarioRunner }>();

  /** @param start  a fresh run (time 0); the machine owns it from now on. */
  constructor(start: ScenarioRunner, opts: TimeMachineOptions = {}) {
    this.every = opts.checkpointEveryEvents ?? 20_000;
    this.maxCheckpoints = Math.max(2, opts.maxCheckpoints ?? 64);
    this.spacing.set(0, this.every);
    this.branches.push({ id: 0, parent: null, fork: pos(start), actions: [], frontier: pos(start), label: 'original run' });
    this.heads.set(0, start);
    this.checkpoints.set(0, [this.checkpointOf(start)]);
    this.cursorRunner = start;
  }

  /** The run at the cursor. Read it; don't mutate it (use `act`). */
  get runner(): ScenarioRunner {
    return this.cursorRunner;
  }

  /** The run at the current branch's frontier: its trace/messages hold the whole branch (for timelines). */
  get head(): ScenarioRunner {
    return this.heads.get(this.current)!;
  }

  get branchId(): number {
    return this.current;
  }

  get branch(): Branch {
    return this.branches[this.current];
  }

  get position(): Position {
    return pos(this.cursorRunner);
  }

  /**
   * The last `n` trace events at the cursor (for an event feed), without copying the run's trace:
   * after a seek, the cursor's own trace only holds what was replayed since its checkpoint.
   */
  traceTail(n: number): TraceEvent[] {
    const r = this.cursorRunner;
    const own = r.sim.trace;
    const p = this.prefixOf.get(r);
    if (!p || own.length >= n) return own.slice(Math.max(0, own.length - n));
    const need = n - own.length;
    return p.head.sim.trace.slice(Math.max(0, p.traceLen - need), p.traceLen).concat(own);
  }

  /** How many trace events the run at the cursor has (without copying its trace). */
  cursorTraceLength(): number {
    const r = this.cursorRunner;
    const p = this.prefixOf.get(r);
    return r.sim.trace.length + (p ? p.traceLen : 0);
  }

  /** True when the cursor is behind the branch frontier (the user is looking at the past). */
  get inPast(): boolean {
    return this.cursorRunner !== this.head;
  }

  /** Every action of the current branch's lineage, in order (for saving the run as a scenario). */
  actions(branchId = this.current): RecordedAction[] {
    return this.lineage(branchId).slice();
  }

  /**
   * The lineage of a branch (its parent's actions up to the fork, then its own), cached: acting
   * extends the current branch's list in place, so recording n actions costs O(n), not O(n²).
   * Don't mutate the result.
   */
  private lineage(branchId = this.current): RecordedAction[] {
    let l = this.lineageCache.get(branchId);
    if (!l) {
      const b = this.branches[branchId];
      const inherited = b.parent === null ? [] : this.lineage(b.parent).filter((a) => atOrBefore(a, b.fork));
      l = [...inherited, ...b.actions];
      this.lineageCache.set(branchId, l);
    }
    return l;
  }

  private lineageLength(): number {
    return this.lineage().length;
  }

  /**
   * Moves forward up to `untilMs` (or `maxEvents` events). In the past this replays towards the
   * frontier (re-applying the branch's recorded actions on the way) and rejoins it; at the frontier
   * it extends the branch, taking checkpoints as it goes. Returns the events processed.
   */
  advance(untilMs: number, maxEvents = Infinity): number {
    let n = 0;
    while (this.inPast && n < maxEvents) {
      const r = this.cursorRunner;
      const lineage = this.lineage();
      const next = lineage[this.cursorApplied];
      const f = this.branch.frontier;
      const cur = pos(r);
      if (next && next.timeMs <= untilMs && next.events - cur.events <= maxEvents - n) {
        n += r.advance(next.timeMs, next.events - cur.events);
        applyAction(r, next.action);
        this.cursorApplied++;
        continue;
      }
      n += r.advance(Math.min(untilMs, f.timeMs), Math.min(maxEvents - n, f.events - cur.events));
      const now = pos(r);
      if (now.events === f.events && now.timeMs === f.timeMs && this.cursorApplied === lineage.length) {
        this.cursorRunner = this.head; // rejoined the frontier
        continue;
      }
      return n;
    }
    if (this.inPast) return n;
    // At the frontier the run is always called at least once, even for 0 events: it then carries out
    // the steps due at this instant (captions, faults, checks), as a replay's `runner.advance` does
    // before applying an action there, so an action taken now is replayed in the same state.
    const head = this.head;
    for (;;) {
      const list = this.checkpoints.get(this.current)!;
      const last = list[list.length - 1];
      const every = this.spacing.get(this.current)!;
      const room = last.events + every - head.sim.stats.events;
      const k = head.advance(untilMs, Math.max(0, Math.min(maxEvents - n, Math.max(1, room))));
      n += k;
      if (head.sim.stats.events >= last.events + every) {
        list.push(this.checkpointOf(head));
        if (list.length > this.maxCheckpoints) this.thin(list);
      }
      if (k === 0 || n >= maxEvents || head.sim.nowMs >= untilMs || head.paused) break;
    }
    this.branch.frontier = pos(head);
    return n;
  }

  /** Processes exactly one event forward. */
  stepForward(): number {
    return this.advance(Infinity, 1);
  }

  /** Goes back one event (to the state right after the previous event). */
  stepBack(): void {
    const p = this.position;
    if (p.events > 0) this.seek({ events: p.events - 1, timeMs: Infinity });
  }

  /**
   * Moves the cursor to a position on the current branch (never past its frontier): after
   * `events` events, or at `timeMs` if that comes first. Recorded actions up to there are replayed.
   */
  seek(target: { events: number; timeMs: number }): void {
    const f = this.branch.frontier;
    if (target.events >= f.events && target.timeMs >= f.timeMs) {
      this.cursorRunner = this.head;
      this.cursorApplied = this.lineageLength();
      return;
    }
    const cp = this.latestCheckpoint(this.current, target);
    const r = this.restore(cp);
    const lineage = this.lineage();
    let applied = cp.actionsApplied;
    for (; applied < lineage.length; applied++) {
      const a = lineage[applied];
      if (a.events > target.events || a.timeMs > target.timeMs) break;
      r.advance(a.timeMs, a.events - r.sim.stats.events);
      applyAction(r, a.action);
    }
    r.advance(target.timeMs, target.events - r.sim.stats.events);
    this.cursorRunner = r;
    this.cursorApplied = applied;
  }

  /** Moves the cursor to simulated time `ms` (every event up to and including it). */
  seekTime(ms: number): void {
    this.seek({ events: Infinity, timeMs: ms });
  }

  /** Moves the cursor to just after event number `events`. */
  seekEvents(events: number): void {
    this.seek({ events, timeMs: Infinity });
  }

  /**
   * Does something to the cluster at the cursor. At the frontier it extends the branch (or, with
   * `newBranch`, starts a new one there and leaves the current branch as it is); in the past it
   * starts a new branch from here (the old future stays on the old branch).
   * @throws Error for an unknown server, client or message (nothing is recorded then)
   */
  act(action: UserAction, opts: { newBranch?: boolean } = {}): void {
    const at = this.position;
    const branch = this.inPast || opts.newBranch === true;
    // A new branch at the frontier runs on a copy, so the current branch keeps its own head.
    const r = branch && !this.inPast ? this.head.clone() : this.cursorRunner;
    applyAction(r, action);
    if (branch) {
      this.cursorRunner = r;
      this.fork(action);
    }
    const rec = { ...at, action };
    this.branch.actions.push(rec);
    // Other branches' cached lineages may inherit from this one: rebuild them when asked.
    for (const id of [...this.lineageCache.keys()]) if (id !== this.current) this.lineageCache.delete(id);
    this.lineageCache.get(this.current)?.push(rec);
    this.cursorApplied = this.lineageLength();
    this.branch.frontier = pos(this.head);
  }

  /**
   * Switches to another branch at the cursor's simulated time (or that branch's frontier if it
   * ends earlier). Event counts differ between branches, so the time is what is kept.
   * @throws Error for an unknown branch id
   */
  switchBranch(id: number): void {
    if (!this.branches[id]) throw new Error(`no branch ${id}`);
    const t = this.position.timeMs;
    this.current = id;
    this.seekTime(t);
  }

  private fork(action: UserAction): void {
    const at = this.position;
    const parent = this.current;
    const id = this.branches.length;
    const r = this.cursorRunner;
    this.fillPrefix(r);
    this.branches.push({ id, parent, fork: at, actions: [], frontier: at, label: `${describeAction(action)} at ${Math.round(at.timeMs * 10) / 10} ms` });
    // Inherit the parent's checkpoints up to the fork; the cursor run becomes the new head.
    const inherited = this.checkpoints.get(parent)!.filter((c) => atOrBefore(c, at));
    this.checkpoints.set(id, inherited);
    this.spacing.set(id, this.spacing.get(parent)!);
    this.heads.set(id, r);
    this.current = id;
  }

  /**
   * Drops every other checkpoint of the current branch (keeping the first, at time 0 or the fork's
   * ancestry, and the newest) and doubles the branch's spacing.
   */
  private thin(list: Checkpoint[]): void {
    const last = list.length - 1;
    const kept = list.filter((_, i) => i === 0 || (last - i) % 2 === 0);
    list.length = 0;
    list.push(...kept);
    this.spacing.set(this.current, 2 * this.spacing.get(this.current)!);
  }

  /** How many checkpoints the current branch holds (for tests and benchmarks). */
  get checkpointCount(): number {
    return this.checkpoints.get(this.current)!.length;
  }

  private latestCheckpoint(branchId: number, target: { events: number; timeMs: number }): Checkpoint {
    const list = this.checkpoints.get(branchId)!;
    let best = list[0];
    for (const c of list) if (c.events <= target.events && c.timeMs <= target.timeMs) best = c;
    return best;
  }

  private checkpointOf(r: ScenarioRunner): Checkpoint {
    // The clone takes an empty trace and an empty message log (the head keeps the branch's; see
    // restore), so that a checkpoint costs nothing per trace event or message, and keeps no
    // message chunks alive that the head's log has since forgotten (MessageLog.retain).
    // The client history likewise (records are immutable; the head's first historyLen are the same).
    const trace = r.sim.trace;
    const messages = r.sim.messages;
    const history = r.sim.history;
    r.sim.trace = [];
    r.sim.messages = new MessageLog();
    r.sim.history = [];
    let c: ScenarioRunner;
    try {
      c = r.clone();
    } finally {
      r.sim.trace = trace;
      r.sim.messages = messages;
      r.sim.history = history;
    }
    const actionsApplied = this.branches.length ? this.lineageLength() : 0;
    return { ...pos(r), runner: c, traceLen: trace.length, messagesLen: messages.length, historyLen: history.length, actionsApplied };
  }

  /**
   * A live copy of a checkpoint. Its trace starts empty (only what happens after the checkpoint is
   * appended); `fork` fills in the prefix from the branch head if the copy ever becomes a head
   * itself. Its message log is the branch head's as it was then (shared columns, MessageLog.prefix:
   * the head's log holds the same messages up to there, on this branch and on any branch that
   * inherited the checkpoint). This keeps seeking O(replayed events), not O(run length).
   */
  private restore(cp: Checkpoint): ScenarioRunner {
    const r = cp.runner.clone();
    r.sim.messages = this.head.sim.messages.prefix(cp.messagesLen, r.sim.inFlight);
    r.sim.history = this.head.sim.history.slice(0, cp.historyLen);
    this.prefixOf.set(r, { traceLen: cp.traceLen, head: this.head });
    return r;
  }

  /** Gives a restored run the trace from before its checkpoint. */
  private fillPrefix(r: ScenarioRunner): void {
    const p = this.prefixOf.get(r);
    if (!p) return;
    this.prefixOf.delete(r);
    r.sim.trace = p.head.sim.trace.slice(0, p.traceLen).concat(r.sim.trace);
  }
}
