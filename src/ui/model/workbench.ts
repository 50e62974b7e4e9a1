/**
 * The workbench: one open run wrapped in a TimeMachine. Every navigation (play, step, step back,
 * scrub, jump, switch branch) and every user action goes through the time machine, so acting in
 * the past forks a branch and every branch replays exactly.
 *
 * `tm.runner` is the run at the cursor (what the ring, logs and inspectors draw); `tm.head` is the
 * run at the current branch's frontier, whose trace and messages are the branch's whole history
 * (what the timeline draws). This object is mutable and lives outside React; the page re-renders
 * from it after each change.
 */
import type { NodeId } from '../../raft/types';
import type { ScenarioRunner } from '../../scenario/runner';
import type { Ask, Scenario, Step } from '../../scenario/types';
import type { ClientOpSpec } from '../../sim/client';
import type { HistoryRecord, MemberRefusal, MemberRequest, TraceEvent } from '../../sim/types';
import { TimeMachine, type Position, type RecordedAction, type UserAction } from '../../timetravel/timeMachine';
import { TimelineModel } from './timelineModel';

/** Checkpoint spacing: small enough that a scrub replays at most a few thousand events. */
export const CHECKPOINT_EVERY_EVENTS = 5_000;

/**
 * Message records the timeline keeps in detail (about 50 bytes each in the columnar log): past
 * this the oldest are forgotten and only summarised (`sim.messages.forgotten`), so a 24-hour run
 * stays bounded. About an hour of a busy 5-server run.
 */
export const MESSAGE_RETENTION = 1_000_000;

/** A refused membership change: why, which leader refused it, and its confChangeRefused note (null for noLeader / leaderPaused). */
export interface MemberRefusalSeen {
  reason: MemberRefusal;
  leader: NodeId | null;
  event: TraceEvent | null;
}

/** What a jump button looks for in the trace. */
export type JumpKind = 'election' | 'commit' | 'fault' | 'caption';
export const JUMP_KINDS: JumpKind[] = ['election', 'commit', 'fault', 'caption'];

export function isJumpTarget(e: TraceEvent, kind: JumpKind): boolean {
  switch (kind) {
    case 'election': return e.kind === 'note' && e.note.kind === 'electionStarted';
    case 'commit': return e.kind === 'note' && e.note.kind === 'commitAdvanced' && e.note.replicas > 0;
    case 'fault': return e.kind === 'fault';
    case 'caption': return e.kind === 'caption';
  }
}

/** Indexes of caption events per trace array, extended as the trace grows (traces only grow). */
const captionIndex = new WeakMap<TraceEvent[], { scanned: number; at: number[] }>();

/** The positions of the caption events in `trace`, in order (cached per trace array). */
export function captionPositions(trace: TraceEvent[]): number[] {
  let c = captionIndex.get(trace);
  if (!c) {
    c = { scanned: 0, at: [] };
    captionIndex.set(trace, c);
  }
  for (; c.scanned < trace.length; c.scanned++) if (trace[c.scanned].kind === 'caption') c.at.push(c.scanned);
  return c.at;
}

/**
 * One chapter of a lesson: a `say` step. Steps run in order, so chapter k's caption is the k-th
 * caption event of the run.
 */
export interface Chapter {
  /** 0-based chapter number. */
  index: number;
  /** The `say` step's line in the scenario file. */
  line: number;
  text: string;
  zh?: string;
  /** Simulated time its caption appeared on this branch, or null when the run has not got there yet. */
  atMs: number | null;
  /** The question asked at this chapter's pause (predict mode), if any. */
  ask?: Ask;
}

/** How far "go to chapter" may run the simulation forward, at most (simulated ms and events). */
const CHAPTER_SEARCH_MS = 600_000;
const CHAPTER_SEARCH_EVENTS = 2_000_000;

/** A client operation issued from the client panel, and where. */
export interface IssuedOp {
  id: number;
  client: string;
  spec: ClientOpSpec;
  via: NodeId | null;
  /** Simulated time and branch it was issued on. */
  issuedMs: number;
  branchId: number;
}

export type IssuedState =
  | { kind: 'future' }
  | { kind: 'waiting' }
  | { kind: 'done'; record: HistoryRecord };

/** How far a "next …" jump may run the simulation forward looking for the event, at most. */
const JUMP_SEARCH_MS = 20_000;
const JUMP_SEARCH_EVENTS = 400_000;

export class Workbench {
  readonly tm: TimeMachine;
  readonly timeline = new TimelineModel();
  issued: IssuedOp[] = [];
  private nextIssued = 1;
  /** The scenario's `say` steps, in order (chapter k is the k-th). */
  private readonly says: Extract<Step, { kind: 'say' }>[];
  /** For a restored (seeked) run: how many head trace events precede its own trace. */
  private traceBase = new WeakMap<ScenarioRunner, number>();

  /**
   * @param name  the bundled scenario name, or "custom"
   * @param text  the scenario's YAML text (to rebuild the run from scratch)
   */
  constructor(
    readonly name: string,
    readonly seed: number,
    readonly scenario: Scenario,
    readonly text: string,
    runner: ScenarioRunner,
  ) {
    runner.sim.messages.retain(MESSAGE_RETENTION);
    this.tm = new TimeMachine(runner, { checkpointEveryEvents: CHECKPOINT_EVERY_EVENTS });
    this.says = scenario.steps.filter((s): s is Extract<Step, { kind: 'say' }> => s.kind === 'say');
  }

  get runner(): ScenarioRunner {
    return this.tm.runner;
  }

  get head(): ScenarioRunner {
    return this.tm.head;
  }

  get position(): Position {
    return this.tm.position;
  }

  /**
   * How many of the head's trace events the cursor has seen: the cursor's trace is exactly
   * `head.sim.trace.slice(0, cursorTraceLength())` (same branch, deterministic replay).
   */
  cursorTraceLength(): number {
    const r = this.tm.runner;
    if (r === this.tm.head) return r.sim.trace.length;
    let base = this.traceBase.get(r);
    if (base === undefined) {
      // A seeked run holds only what it replayed since its checkpoint; traceTail(∞) adds the prefix.
      base = this.tm.traceTail(Infinity).length - r.sim.trace.length;
      this.traceBase.set(r, base);
    }
    return base + r.sim.trace.length;
  }

  /**
   * Continues past a presenter pause, and carries out the steps due at once after it (the next
   * caption appears now, as a replay would have it). In the past the branch's recorded Continue is
   * replayed instead.
   */
  resumeIfHeld(): void {
    if (!this.tm.runner.paused || this.tm.inPast) return;
    this.tm.act({ kind: 'resume' });
    this.tm.advance(this.tm.position.timeMs, 0);
  }

  /**
   * Carries out the steps due at the cursor's instant without processing any event (at the
   * frontier): a freshly opened lesson then shows its first caption, and its first pause holds.
   */
  settle(): void {
    if (!this.tm.inPast) this.tm.advance(this.tm.position.timeMs, 0);
  }

  /** Plays towards simulated time `untilMs` (at most `maxEvents` events). */
  advance(untilMs: number, maxEvents: number): number {
    return this.tm.advance(untilMs, maxEvents);
  }

  /** Processes exactly one event (continuing past a presenter pause first). */
  stepForward(): void {
    if (this.tm.runner.paused && !this.tm.inPast) this.resumeIfHeld();
    this.tm.stepForward();
  }

  stepBack(): void {
    this.tm.stepBack();
  }

  /** The furthest simulated time computed on this branch. */
  get frontierMs(): number {
    return this.tm.branch.frontier.timeMs;
  }

  /**
   * Moves the cursor to simulated time `ms`. Past the frontier the run is computed forward to it
   * (stopping at a presenter pause, which waits for Continue).
   */
  seekTime(ms: number): void {
    const target = Math.max(0, ms);
    if (target <= this.frontierMs) {
      this.tm.seekTime(target);
      return;
    }
    this.tm.seekTime(this.frontierMs);
    this.tm.advance(target, JUMP_SEARCH_EVENTS);
  }

  /** Back to the frontier of the branch ("now"). */
  goToFrontier(): void {
    this.tm.seekTime(Infinity);
  }

  /**
   * Jumps to the previous or next election, commit, fault or caption. Looking forward past the
   * frontier runs the simulation on (bounded) until one happens. Returns false if there is none.
   */
  jump(kind: JumpKind, dir: -1 | 1): boolean {
    const trace = this.tm.head.sim.trace;
    const L = this.cursorTraceLength();
    const now = this.tm.position.timeMs;
    if (dir < 0) {
      for (let i = Math.min(L, trace.length) - 1; i >= 0; i--) {
        const e = trace[i];
        if (e.atMs < now && isJumpTarget(e, kind)) {
          this.tm.seekTime(e.atMs);
          return true;
        }
      }
      return false;
    }
    for (let i = L; i < trace.length; i++) {
      if (isJumpTarget(trace[i], kind)) {
        this.tm.seekTime(trace[i].atMs);
        return true;
      }
    }
    // Nothing ahead on this branch yet: compute forward until one happens (a presenter pause stops the search).
    let scanned = trace.length;
    return this.searchForward({
      maxMs: JUMP_SEARCH_MS,
      maxEvents: JUMP_SEARCH_EVENTS,
      throughPauses: false,
      found: () => {
        const tr = this.tm.head.sim.trace;
        for (; scanned < tr.length; scanned++) if (isJumpTarget(tr[scanned], kind)) return tr[scanned].atMs;
        return null;
      },
    });
  }

  /**
   * Computes the branch forward from its frontier (bounded by `maxMs` of simulated time and
   * `maxEvents`) until `found` gives a time, and moves the cursor there. Presenter pauses stop the
   * search, or with `throughPauses` are continued (each Continue recorded); `hopeless` ends it early.
   * If nothing is found the cursor goes back to where it was; the computed stretch is kept.
   */
  private searchForward(o: { found: () => number | null; maxMs: number; maxEvents: number; throughPauses: boolean; hopeless?: () => boolean }): boolean {
    const from = this.tm.position;
    if (this.tm.inPast) this.tm.seekTime(Infinity);
    const head = this.tm.head;
    const startMs = head.sim.nowMs;
    let events = 0;
    while (head.sim.nowMs < startMs + o.maxMs && events < o.maxEvents) {
      if (o.throughPauses) this.resumeIfHeld();
      const n = this.tm.advance(head.sim.nowMs + 250, 20_000);
      events += n;
      const at = o.found();
      if (at !== null) {
        this.tm.seekTime(at);
        return true;
      }
      if ((head.paused && !o.throughPauses) || (n === 0 && !head.paused && head.sim.nextEventMs() === Infinity) || o.hopeless?.()) break;
    }
    this.tm.seek(from);
    return false;
  }

  /** The scenario's chapters (its `say` steps), with the time each was reached on this branch. */
  chapters(): Chapter[] {
    const trace = this.tm.head.sim.trace;
    const at = captionPositions(trace);
    return this.says.map((s, k) => ({
      index: k,
      line: s.line,
      text: s.text,
      ...(s.zh !== undefined ? { zh: s.zh } : {}),
      atMs: k < at.length ? trace[at[k]].atMs : null,
      ...(s.ask ? { ask: s.ask } : {}),
    }));
  }

  /** The chapter the cursor is in (the last caption shown), or -1 before the first. */
  currentChapter(): number {
    const at = captionPositions(this.tm.head.sim.trace);
    const L = this.cursorTraceLength();
    let k = -1;
    while (k + 1 < at.length && at[k + 1] < L) k++;
    return k;
  }

  /**
   * Moves the cursor to where chapter `k`'s caption appears. A chapter not reached yet is computed
   * forward from the frontier, continuing past presenter pauses as Continue would (each recorded).
   * @returns false when the run ends (or the search bound is hit) before chapter `k`
   */
  goToChapter(k: number): boolean {
    const known = () => {
      const trace = this.tm.head.sim.trace;
      const at = captionPositions(trace);
      return k < at.length ? trace[at[k]].atMs : null;
    };
    const hit = known();
    if (hit !== null) {
      this.tm.seekTime(hit);
      return true;
    }
    // Captions come from steps: once the steps are over, no chapter is still to come.
    const stepsOver = () => this.tm.head.finished;
    if (stepsOver()) return false;
    return this.searchForward({ found: known, maxMs: CHAPTER_SEARCH_MS, maxEvents: CHAPTER_SEARCH_EVENTS, throughPauses: true, hopeless: stepsOver });
  }

  /**
   * Does something to the cluster at the cursor (a new branch when in the past). The first action
   * the scenario did not script (anything but Continue) while the lesson still has steps to run
   * starts free play on a new branch, even at the frontier, so the lesson's own run stays as it was
   * and can be gone back to (`lessonBranch`).
   * @returns null, or the error message when the action could not be taken
   */
  act(action: UserAction): string | null {
    const newBranch = action.kind !== 'resume' && !this.tm.inPast && !this.tm.runner.finished && this.scenario.steps.length > 0 && this.freePlayStart() === null;
    try {
      this.tm.act(action, { newBranch });
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /**
   * Where free play began on the cursor's lineage: the first recorded action that the scenario did
   * not script (anything but the presenter's Continue) at or before the cursor. Null while the run
   * is the lesson's own.
   */
  freePlayStart(): RecordedAction | null {
    const p = this.tm.position;
    for (const a of this.tm.actions()) {
      if (a.events > p.events || (a.events === p.events && a.timeMs > p.timeMs)) break;
      if (a.action.kind !== 'resume') return a;
    }
    return null;
  }

  /**
   * The lesson's own run to go back to from free play: the branch that the free-play branch left
   * and the simulated time it left it. Null when not in free play, or when the free play began on
   * the first branch itself (a shared recording), which has no lesson run beside it.
   */
  lessonBranch(): { id: number; atMs: number } | null {
    const start = this.freePlayStart();
    if (!start) return null;
    for (const id of this.lineage()) {
      const b = this.tm.branches[id];
      if (b.parent !== null && b.actions[0] === start) return { id: b.parent, atMs: b.fork.timeMs };
    }
    return null;
  }

  /**
   * Whether the scenario failed on its own: its first failing step finished before free play
   * began (or there is no free play). A step that fails after the user changed the run is skipped
   * instead (the user's experiment, not the lesson, made it fail).
   */
  ownFailure(): boolean {
    const f = this.tm.runner.failure;
    if (!f) return false;
    const start = this.freePlayStart();
    return start === null || f.atMs < start.timeMs;
  }

  /** Sends a client operation (recorded for the client panel's reply list). */
  sendClientOp(client: string, spec: ClientOpSpec, via: NodeId | null): string | null {
    const issuedMs = this.tm.position.timeMs;
    const err = this.act({ kind: 'client', client, spec, ...(via ? { via } : {}) });
    if (err === null) this.issued.push({ id: this.nextIssued++, client, spec, via, issuedMs, branchId: this.tm.branchId });
    return err;
  }

  /**
   * A membership change (etcdctl member add / add --learner / promote / remove, or one joint
   * change) through the `member` verb, recorded like every action (a `member` action in replays
   * and links). The leader's answer is read back from what the run recorded right then: the
   * `member` fault, then the leader's confChangeRefused note, or nothing when no leader handled it.
   * @returns an error message (the action could not be taken), and the refusal if it was refused
   */
  memberChange(change: MemberRequest): { error: string | null; refusal: MemberRefusalSeen | null } {
    const error = this.act({ kind: 'member', change });
    if (error !== null) return { error, refusal: null };
    const trace = this.tm.runner.sim.trace;
    for (let i = trace.length - 1; i >= 0; i--) {
      const e = trace[i];
      if (e.kind !== 'fault' || e.action !== 'member') continue;
      if (e.detail === 'no leader') return { error: null, refusal: { reason: 'noLeader', leader: null, event: null } };
      for (let k = i + 1; k < trace.length; k++) {
        const n = trace[k];
        if (n.kind !== 'note' || n.node !== e.nodes[0]) continue;
        if (n.note.kind === 'confChangeRefused') return { error: null, refusal: { reason: n.note.reason, leader: n.node, event: n } };
        if (n.note.kind === 'confChangeProposed') return { error: null, refusal: null };
      }
      // The leader handled nothing: it is paused (src/sim/host.ts member).
      return { error: null, refusal: { reason: 'leaderPaused', leader: e.nodes[0] ?? null, event: null } };
    }
    return { error: null, refusal: null };
  }

  /** The branches from the root to the current one (their ids). */
  lineage(id = this.tm.branchId): number[] {
    const out: number[] = [];
    for (let b: number | null = id; b !== null; b = this.tm.branches[b].parent) out.unshift(b);
    return out;
  }

  /**
   * Ops issued on this branch's lineage, each with its state at the cursor (matched to the run's
   * client history by client, operation, key and order).
   */
  issuedAtCursor(): { op: IssuedOp; state: IssuedState }[] {
    const lineage = new Set(this.lineage());
    const history = this.tm.runner.sim.history;
    const claimed = new Set<number>();
    const now = this.tm.position.timeMs;
    const out: { op: IssuedOp; state: IssuedState }[] = [];
    for (const op of this.issued) {
      if (!lineage.has(op.branchId)) continue;
      if (op.branchId !== this.tm.branchId) {
        // Inherited only if issued before this branch (or an intermediate one) forked off.
        const fork = this.forkTimeFrom(op.branchId);
        if (fork !== null && op.issuedMs > fork) continue;
      }
      if (op.issuedMs > now) {
        out.push({ op, state: { kind: 'future' } });
        continue;
      }
      let found: HistoryRecord | null = null;
      for (let i = 0; i < history.length; i++) {
        const h = history[i];
        if (claimed.has(i) || h.client !== op.client || h.op !== op.spec.op || h.key !== op.spec.key || h.invokeMs < op.issuedMs) continue;
        claimed.add(i);
        found = h;
        break;
      }
      out.push({ op, state: found ? { kind: 'done', record: found } : { kind: 'waiting' } });
    }
    return out;
  }

  /** The time the current lineage left branch `ancestor` (null if it is the current branch). */
  private forkTimeFrom(ancestor: number): number | null {
    const line = this.lineage();
    const i = line.indexOf(ancestor);
    if (i < 0 || i === line.length - 1) return null;
    return this.tm.branches[line[i + 1]].fork.timeMs;
  }
}
