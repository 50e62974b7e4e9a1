/**
 * Plays a parsed scenario on a Simulation, step by step. Each step finishes before the next starts:
 * instant steps (faults, captions, expect) act at once; `run`, `wait` and client steps let
 * simulated time pass. The runner is incremental (`advance`) so the UI can play it at any speed,
 * and `runToEnd` runs it headless for the CLI and tests.
 */
import { InvariantChecker } from '../check/invariants';
import type { Command } from '../kv/types';
import type { LogEntry, NodeId, PersistentState } from '../raft/types';
import type { ClientOpHandle, ClientOpSpec } from '../sim/client';
import { Simulation, type CloneMap } from '../sim/engine';
import type { EtcdRun } from '../sim/etcdRun';
import type { SimServer } from '../sim/host';
import type { HistoryRecord, MemberRequest } from '../sim/types';
import { applyVerb, memberLabel, verbLabel, verbOf, type UserAction, type VerbResult, type VerbTarget } from '../sim/verbs';
import { formatReason, reason, type Reason } from './reasons';
import type { ClientExpect, EtcdctlExpect, ExpectChecks, InitialEntry, Scenario, Step } from './types';

/** The outcome of one step. `ok` is null for a step that has not finished (or never ran). */
export interface StepResult {
  index: number;
  line: number;
  kind: Step['kind'];
  ok: boolean | null;
  /** Simulated time when the step finished (or failed). */
  atMs: number;
  message: string;
  /** Why the step failed, as data (for showing it in another language); absent when it passed. */
  why?: Reason;
}

export interface RunnerOptions {
  /** Overrides the scenario's seed (the CLI's --seed). */
  seed?: number;
  /** Attach the invariant checker (src/check/invariants.ts) from time 0; default true. */
  checkInvariants?: boolean;
  keepTrace?: boolean;
  /** Keep the message records (default: as keepTrace); see SimConfig.keepMessages. */
  keepMessages?: boolean;
  /** Hold at `pause` steps (and `say` with pause) until `resume()`; headless runs don't. */
  honourPauses?: boolean;
  /** Checks a client history for linearizability (for `expect: { linearizable }`); injected to keep the engine free of clocks. */
  linearizable?: (history: HistoryRecord[]) => { ok: boolean | null; detail: string };
}

/** What a `wait` step waits for (data, not a closure, so a runner can be cloned). */
type WaitCond = { for: 'leader'; among: NodeId[] } | { for: 'commit'; index: number; nodes: number };

/** A membership change in progress: proposed (index, term, to whom) or waiting for a leader to ask. */
type MemberWait = { deadlineMs: number; request: MemberRequest; proposal: { index: number; term: number; proposer: NodeId; joint: boolean } | null };

type Active =
  | { type: 'run'; endMs: number }
  | ({ type: 'member' } & MemberWait)
  | { type: 'wait'; deadlineMs: number; cond: WaitCond }
  | { type: 'client'; handle: ClientOpHandle }
  /** An etcdctl step waiting for its command's reply (issue 14). */
  | { type: 'etcdctl'; run: EtcdRun; deadlineMs: number }
  | { type: 'pause' };

/** Turns a scenario's `initial` entries into log entries; equal (index, term) pairs get equal commands. */
export function initialLog(log: InitialEntry[]): LogEntry<Command>[] {
  return log.map((e, i) =>
    e.put
      ? { term: e.term, command: { type: 'kv', clientId: `initial@${i + 1}.${e.term}`, seq: 1, op: { op: 'put', key: e.put[0], value: e.put[1] } } }
      : { term: e.term, command: { type: 'noop' } },
  );
}

/**
 * Builds the simulation a scenario describes (at time 0, before any step), with the invariant
 * checker attached as `sim.checker` unless `checkInvariants` is false.
 */
export function simulationFor(scenario: Scenario, opts: Pick<RunnerOptions, 'seed' | 'checkInvariants' | 'keepTrace' | 'keepMessages'> = {}): Simulation {
  const c = scenario.cluster;
  const initial = new Map<NodeId, PersistentState<Command>>();
  for (const [id, st] of c.initial) initial.set(id, { currentTerm: st.term, votedFor: st.votedFor, log: initialLog(st.log) });
  const unsafe: Record<string, boolean> = {};
  for (const u of c.unsafe) unsafe[u] = true;
  const checker = opts.checkInvariants === false ? null : new InvariantChecker();
  return new Simulation({
    seed: opts.seed ?? scenario.seed,
    servers: [...c.nodes, ...c.spares],
    // Issue 13's options only when used, so that a scenario without them builds the same cluster as before.
    ...(c.spares.length ? { spares: c.spares } : {}),
    ...(c.learners.length ? { learners: c.learners } : {}),
    ...(c.snapshotCount ? { snapshotCount: c.snapshotCount } : {}),
    snapshotCatchUpEntries: c.snapshotCatchUpEntries,
    ...(c.fsyncMs ? { fsyncMs: c.fsyncMs } : {}),
    clients: scenario.clients,
    heartbeatMs: c.heartbeatMs,
    electionTimeoutMs: c.electionTimeoutMs,
    clientTimeoutMs: c.clientTimeoutMs,
    network: c.network,
    initial,
    unsafe,
    leaderNoop: c.leaderNoop,
    maxEntriesPerAppend: c.maxEntriesPerAppend,
    maxInflightMsgs: c.maxInflightMsgs,
    autoCompactionRetention: c.autoCompactionRetention,
    preVote: c.preVote,
    checkQuorum: c.checkQuorum,
    reads: c.reads,
    clockDriftBound: c.clockDriftBound,
    clockRate: c.clockRate,
    keepTrace: opts.keepTrace,
    keepMessages: opts.keepMessages,
  }, { checker });
}

export class ScenarioRunner {
  sim: Simulation;
  results: StepResult[];
  /** Index of the step in progress (steps.length when all are done). */
  stepIndex = 0;
  /** All steps done, or one failed. */
  finished = false;
  /** The first step that failed, if any. */
  failure: StepResult | null = null;
  /** Waiting for the presenter at a pause. */
  paused = false;
  private active: Active | null = null;
  private asyncChecks: { handle: ClientOpHandle; step: Step }[] = [];

  constructor(readonly scenario: Scenario, private opts: RunnerOptions = {}) {
    this.sim = simulationFor(scenario, opts);
    this.results = scenario.steps.map((s) => ({ index: s.index, line: s.line, kind: s.kind, ok: null, atMs: 0, message: '' }));
  }

  /**
   * An independent copy of this run at this instant (checkpoints, branches): the copy and the
   * original, advanced the same way, produce the same trace.
   */
  clone(): ScenarioRunner {
    const map: CloneMap = { handles: new Map(), records: new Map(), etcdRuns: new Map() };
    const c = Object.create(ScenarioRunner.prototype) as ScenarioRunner;
    Object.assign(c, this);
    c.sim = this.sim.clone(map);
    c.results = this.results.map((r) => ({ ...r }));
    c.failure = this.failure ? c.results[this.failure.index] : null;
    const handle = (h: ClientOpHandle): ClientOpHandle => map.handles.get(h) ?? h;
    const a = this.active;
    c.active = a === null ? null : a.type === 'client' ? { type: 'client', handle: handle(a.handle) }
      : a.type === 'member' ? { ...a, proposal: a.proposal ? { ...a.proposal } : null }
      : a.type === 'etcdctl' ? { type: 'etcdctl', run: map.etcdRuns!.get(a.run) ?? a.run, deadlineMs: a.deadlineMs } : { ...a };
    c.asyncChecks = this.asyncChecks.map(({ handle: h, step }) => ({ handle: handle(h), step }));
    return c;
  }

  /** The run so far: every step passed and no invariant was violated. */
  get ok(): boolean {
    return this.failure === null && ((this.sim.checker?.ok ?? true) || this.violationsExpected);
  }

  /** An `expect: { invariants: { violated } }` step passed: the scenario demonstrates a violation on purpose. */
  private violationsExpected = false;
  /** An `expect: { linearizable: false }` step passed: the scenario demonstrates a stale read on purpose. */
  nonLinearizableExpected = false;

  get currentStep(): Step | undefined {
    return this.scenario.steps[this.stepIndex];
  }

  /** What verbs act on in this run: its engine, and its pause (see `resume`). */
  private get verbTarget(): VerbTarget {
    return { sim: this.sim, continueAtPause: () => this.resume() };
  }

  /**
   * Does something to the cluster now: one verb of src/sim/verbs.ts (a user's action, a recorded
   * one on replay, or what a scenario step resolved to).
   * @throws Error for an unknown server, client or message
   */
  act<A extends UserAction>(a: A): VerbResult<A['kind']> {
    return applyVerb(this.verbTarget, a);
  }

  /** Lets the run go on past a pause. */
  resume(): void {
    if (this.paused && this.active?.type === 'pause') {
      this.paused = false;
      this.complete(true, 'continued');
    }
  }

  /**
   * Advances the run up to simulated time `untilMs` (or until `maxEvents` events were processed,
   * or a pause holds it). Calling it again with the same arguments from a copy of the same state
   * (a checkpoint) ends in the same state; the time machine relies on this. After the last step the cluster keeps running when `freeRun` is set
   * (the UI), and stops when not (the CLI). Returns the number of events processed.
   */
  advance(untilMs: number, maxEvents = Infinity, freeRun = true): number {
    let n = 0;
    for (;;) {
      if (!this.finished) {
        if (!this.active) {
          this.begin();
          continue;
        }
        if (this.active.type === 'pause') return n;
      } else if (!freeRun) {
        return n;
      }
      const stepLimit = this.finished ? Infinity : this.activeLimit();
      const limit = Math.min(untilMs, stepLimit);
      if (this.sim.nextEventMs() <= limit) {
        // `maxEvents` only stops the next event; steps whose time is up before it still finish,
        // so a replay to (events, time) ends in exactly the state the original run had there.
        if (n >= maxEvents) return n;
        this.sim.runNext(limit);
        n++;
        if (!this.finished) this.check();
        this.checkAsync();
        continue;
      }
      if (!this.finished && stepLimit <= untilMs) {
        this.sim.advanceClock(stepLimit);
        this.expire();
        continue;
      }
      if (untilMs !== Infinity) this.sim.advanceClock(untilMs);
      return n;
    }
  }

  /** Runs every step headless. `maxMs` caps simulated time (a safety net; a wait has its own limit). */
  runToEnd(maxMs = 24 * 3600 * 1000): void {
    this.advance(maxMs, Infinity, false);
    if (!this.finished) this.failHere(reason('runCap', { maxMs }));
    this.finalizeAsync();
  }

  // ---- step machinery --------------------------------------------------------------------

  private activeLimit(): number {
    const a = this.active!;
    if (a.type === 'run') return a.endMs;
    if (a.type === 'wait' || a.type === 'member' || a.type === 'etcdctl') return a.deadlineMs;
    return Infinity;
  }

  private result(): StepResult {
    return this.results[this.stepIndex];
  }

  /** Ends the current step: `outcome` is its message, or for a failure the reason as data. */
  private complete(ok: boolean, outcome: string | Reason): void {
    const r = this.result();
    const message = typeof outcome === 'string' ? outcome : formatReason(outcome);
    r.ok = ok;
    r.atMs = this.sim.nowMs;
    r.message = message;
    if (typeof outcome !== 'string') r.why = outcome;
    const step = this.scenario.steps[this.stepIndex];
    this.sim.stepOutcome(step.index, step.line, ok, message, typeof outcome === 'string' ? undefined : outcome);
    this.active = null;
    if (!ok) {
      this.failure = r;
      this.finished = true;
      return;
    }
    this.stepIndex++;
    if (this.stepIndex >= this.scenario.steps.length) this.finished = true;
  }

  private failHere(why: Reason): void {
    if (this.stepIndex >= this.scenario.steps.length) {
      this.finished = true;
      return;
    }
    this.complete(false, why);
  }

  private check(): void {
    const a = this.active;
    if (!a) return;
    if (a.type === 'wait' && this.holds(a.cond)) this.complete(true, `${formatReason(waitWhat(a.cond))} at ${fmtMs(this.sim.nowMs)}`);
    else if (a.type === 'client' && a.handle.done) this.finishClient(a.handle, this.scenario.steps[this.stepIndex]);
    else if (a.type === 'member') this.memberProgress(a);
    else if (a.type === 'etcdctl' && a.run.state !== 'waiting') this.finishEtcdctl(a.run, this.scenario.steps[this.stepIndex]);
  }

  private expire(): void {
    const a = this.active!;
    if (a.type === 'run') this.complete(true, `ran to ${fmtMs(this.sim.nowMs)}`);
    else if (a.type === 'wait') {
      if (this.holds(a.cond)) this.complete(true, `${formatReason(waitWhat(a.cond))} at ${fmtMs(this.sim.nowMs)}`);
      else this.complete(false, reason('waitTimedOut', { what: waitWhat(a.cond), time: fmtMs(this.sim.nowMs) }));
    } else if (a.type === 'member') {
      this.memberProgress(a);
      if (this.active !== a) return;
      const change = memberLabel(a.request);
      if (a.proposal) this.complete(false, reason('memberNotApplied', { change, index: a.proposal.index, time: fmtMs(this.sim.nowMs) }));
      else this.complete(false, reason('memberNoLeader', { change, time: fmtMs(this.sim.nowMs) }));
    } else if (a.type === 'etcdctl') {
      if (a.run.state !== 'waiting') this.finishEtcdctl(a.run, this.scenario.steps[this.stepIndex]);
      else this.complete(false, reason('etcdctlTimeout', { command: firstLine(a.run.command), time: fmtMs(this.sim.nowMs) }));
    }
  }

  /** Resolves `leader` to the live leader with the highest term. */
  private resolve(ref: string): NodeId | null {
    if (ref !== 'leader') return ref;
    return this.sim.leader()?.id ?? null;
  }

  private resolveOrFail(ref: string): NodeId | null {
    const id = this.resolve(ref);
    if (id === null) this.complete(false, reason('noLeaderToActOn'));
    return id;
  }

  /** Starts the current step; instant steps complete here. */
  private begin(): void {
    const step = this.scenario.steps[this.stepIndex];
    if (!step) {
      this.finished = true;
      return;
    }
    const sim = this.sim;
    switch (step.kind) {
      case 'say':
        sim.caption(step.text, step.zh);
        if (step.pause && this.opts.honourPauses) {
          this.active = { type: 'pause' };
          this.paused = true;
          return;
        }
        return this.complete(true, step.text);
      case 'pause':
        if (this.opts.honourPauses) {
          this.active = { type: 'pause' };
          this.paused = true;
          return;
        }
        return this.complete(true, 'pause (not held in a headless run)');
      case 'run':
        this.active = { type: 'run', endMs: sim.nowMs + step.durationMs };
        return;
      case 'wait': {
        const deadlineMs = sim.nowMs + step.withinMs;
        if (step.for === 'leader') {
          const among = step.among ?? sim.serverIds;
          this.active = { type: 'wait', deadlineMs, cond: { for: 'leader', among } };
        } else {
          const need = step.nodes ?? majority(this.votersNow());
          this.active = { type: 'wait', deadlineMs, cond: { for: 'commit', index: step.logIndex, nodes: need } };
        }
        if (this.holds(this.active.cond)) this.complete(true, `${formatReason(waitWhat(this.active.cond))} at ${fmtMs(sim.nowMs)}`);
        return;
      }
      case 'crash': {
        const ids: NodeId[] = [];
        for (const t of step.targets) {
          if (step.optional && this.resolve(t) === null) return this.complete(true, 'no leader to crash');
          const id = this.resolveOrFail(t);
          if (id === null) return;
          ids.push(id);
        }
        for (const id of ids) this.act({ kind: 'crash', node: id });
        return this.complete(true, `crashed ${ids.join(', ')}`);
      }
      case 'restart': {
        const ids = step.targets === 'all' ? sim.serverIds.filter((id) => !sim.server(id).up) : step.targets;
        for (const id of ids) this.act({ kind: 'restart', node: id });
        return this.complete(true, ids.length ? `restarted ${ids.join(', ')}` : 'no crashed server to restart');
      }
      case 'timeout': {
        const id = this.resolveOrFail(step.target);
        if (id === null) return;
        this.act({ kind: 'timeout', node: id });
        return this.complete(true, `forced an election timeout on ${id}`);
      }
      case 'partition':
        this.act({ kind: 'partition', groups: step.groups });
        return this.complete(true, `partitioned into ${step.groups.map((g) => `[${g.join(', ')}]`).join(' ')}`);
      case 'isolate': {
        const id = this.resolveOrFail(step.target);
        if (id === null) return;
        this.act({ kind: 'isolate', node: id });
        return this.complete(true, `isolated ${id}`);
      }
      case 'reconnect': {
        const id = this.resolveOrFail(step.target);
        if (id === null) return;
        this.act({ kind: 'reconnect', node: id });
        return this.complete(true, `reconnected ${id}`);
      }
      case 'cut':
        this.act({ kind: 'cut', from: step.from, to: step.to, both: step.both });
        return this.complete(true, `cut ${step.from} → ${step.to}${step.both ? ' both ways' : ''}`);
      case 'heal':
        this.act({ kind: 'heal' });
        return this.complete(true, 'healed every link');
      case 'do': {
        // Scenario-only concerns: "leader" names the live leader; a message must be in flight now.
        const action: Record<string, unknown> = { ...step.action };
        for (const [k, arg] of Object.entries(verbOf(step.action.kind).args)) {
          if (arg.type === 'server' && action[k] === 'leader') {
            const id = this.resolveOrFail('leader');
            if (id === null) return;
            action[k] = id;
          }
          if (arg.type === 'messageId' && ![...sim.inFlight].some((r) => r.id === action[k] && r.status === 'inFlight')) {
            return this.complete(false, reason('messageNotInFlight', { id: action[k] as number, time: fmtMs(sim.nowMs) }));
          }
        }
        this.act(action as UserAction);
        return this.complete(true, verbLabel(action as UserAction));
      }
      case 'transfer':
        this.act({ kind: 'transfer', to: step.to });
        return this.complete(true, `asked the leader to transfer leadership to ${step.to}`);
      case 'member': {
        const a: Active = { type: 'member', deadlineMs: sim.nowMs + step.withinMs, request: step.request, proposal: null };
        this.active = a;
        this.memberProgress(a);
        return;
      }
      case 'compact':
        this.act({ kind: 'compact', node: step.target });
        return this.complete(true, step.target === 'all' ? 'every live server took a snapshot' : `${step.target} took a snapshot`);
      case 'network':
        this.act({ kind: 'network', settings: step.settings });
        return this.complete(true, `network now ${JSON.stringify(sim.network.settings)}`);
      case 'put':
      case 'get':
      case 'delete':
      case 'cas': {
        const spec = specOf(step);
        const handle = this.act({ kind: 'client', client: step.client, spec, via: step.via, retry: step.retry, withinMs: step.withinMs });
        if (step.async) {
          if (step.expect) this.asyncChecks.push({ handle, step });
          return this.complete(true, `sent ${spec.op} ${spec.key} (not waiting)`);
        }
        this.active = { type: 'client', handle };
        if (handle.done) this.finishClient(handle, step);
        return;
      }
      case 'etcdctl': {
        const run = this.act({ kind: 'etcdctl', client: step.client, command: step.command, ...(step.via !== undefined ? { via: step.via } : {}), ...(step.as !== undefined ? { as: step.as } : {}) });
        if (run.state !== 'waiting') return this.finishEtcdctl(run, step);
        this.active = { type: 'etcdctl', run, deadlineMs: sim.nowMs + step.withinMs };
        return;
      }
      case 'cancel':
        this.act({ kind: 'etcdCancel', name: step.name });
        return this.complete(true, `Ctrl-C ${step.name}`);
      case 'expect': {
        const failures = this.checkExpect(step.checks);
        if (failures.length === 0 && step.checks.invariants && step.checks.invariants !== 'ok') this.violationsExpected = true;
        if (failures.length === 0 && step.checks.linearizable === false) this.nonLinearizableExpected = true;
        return this.complete(failures.length === 0, failures.length ? reason('checks', { problems: { list: failures, join: 'semicolon' } }) : 'all checks hold');
      }
    }
  }

  /** An etcdctl step's command replied (or went to the background): its inline expect. */
  private finishEtcdctl(run: EtcdRun, step: Step): void {
    const expect = (step as { expect?: EtcdctlExpect }).expect;
    const command = firstLine(run.command);
    const problems = expect ? checkEtcdctlExpect(run, expect, command) : [];
    const summary = run.state === 'background' ? `etcdctl ${command} (running in the background)` : `etcdctl ${command} → exit ${run.result!.exit}`;
    this.complete(problems.length === 0, problems.length ? reason('clientProblems', { summary, problems: { list: problems, join: 'semicolon' } }) : summary);
  }

  private finishClient(handle: ClientOpHandle, step: Step): void {
    const rec = handle.record!;
    const expect = (step as { expect?: ClientExpect }).expect;
    const problems = expect ? checkClientExpect(rec, expect) : [];
    const summary = `${rec.op} ${rec.key} → ${rec.result}${rec.op === 'get' && rec.result === 'ok' && !rec.prefix ? ` ${JSON.stringify(rec.value)}` : ''}`;
    this.complete(problems.length === 0, problems.length ? reason('clientProblems', { summary, problems: { list: problems, join: 'semicolon' } }) : summary);
  }

  private checkAsync(): void {
    if (this.asyncChecks.length === 0) return;
    for (let i = 0; i < this.asyncChecks.length; i++) {
      const { handle, step } = this.asyncChecks[i];
      if (!handle.done) continue;
      this.asyncChecks.splice(i--, 1);
      const problems = checkClientExpect(handle.record!, (step as { expect?: ClientExpect }).expect!);
      if (problems.length && !this.failure) {
        const r = this.results[step.index];
        r.ok = false;
        r.atMs = this.sim.nowMs;
        r.why = reason('asyncProblems', { op: handle.spec.op, key: handle.spec.key, problems: { list: problems, join: 'semicolon' } });
        r.message = formatReason(r.why);
        this.failure = r;
        this.finished = true;
        this.active = null;
      }
    }
  }

  private finalizeAsync(): void {
    for (const { step } of this.asyncChecks) {
      if (this.failure) break;
      const r = this.results[step.index];
      r.ok = false;
      r.why = reason('asyncNotReturned');
      r.message = formatReason(r.why);
      this.failure = r;
    }
    this.asyncChecks = [];
  }

  /**
   * A member step: asks the leader once there is one (a refusal fails the step with its reason),
   * then waits until the change is applied on the server it was proposed to (or, if that one is
   * down, on the leader): its lastApplied reached the entry, which still holds the proposal's term.
   * A joint change waits until the leader has left the joint configuration too.
   */
  private memberProgress(a: MemberWait): void {
    const sim = this.sim;
    if (!a.proposal) {
      const l = sim.leader();
      if (!l || l.paused) return; // ask once there is a leader to ask
      const out = this.act({ kind: 'member', change: a.request });
      if (!out.accepted) {
        const pendingIndex = out.reason === 'confChangePending' ? l.raft.pendingConfIndex : 0;
        return this.complete(false, reason('memberRefused', { change: memberLabel(a.request), why: reason(`memberWhy.${out.reason}`, { pendingIndex }) }));
      }
      a.proposal = { index: out.index, term: out.term, proposer: out.leader, joint: false };
    }
    const p = a.proposal;
    const applied = (s: SimServer | null) => !!s && s.up && s.raft.lastApplied >= p.index && (p.index <= s.raft.compactedIndex || s.raft.termAt(p.index) === p.term);
    const proposer = sim.server(p.proposer);
    const at = proposer.up ? proposer : sim.leader();
    if (!applied(at)) return;
    if (at!.raft.config.votersOutgoing.length > 0) p.joint = true;
    if (p.joint) {
      const l = sim.leader();
      if (!l || l.raft.config.votersOutgoing.length > 0 || l.raft.lastApplied <= p.index) return;
    }
    const cfg = (sim.leader() ?? at!).raft.config;
    this.complete(true, `${memberLabel(a.request)}: applied (index ${p.index}); voters ${cfg.voters.join(', ') || 'none'}${cfg.learners.length ? `; learners ${cfg.learners.join(', ')}` : ''}`);
  }

  private holds(c: WaitCond): boolean {
    return c.for === 'leader' ? this.leaderAmong(c.among) !== null : this.countCommitted(c.index) >= c.nodes;
  }

  private leaderAmong(among: NodeId[]): SimServer | null {
    let maxTerm = -1;
    for (const id of among) {
      const s = this.sim.server(id);
      if (s.up && s.raft.currentTerm > maxTerm) maxTerm = s.raft.currentTerm;
    }
    for (const id of among) {
      const s = this.sim.server(id);
      if (s.up && s.raft.role === 'leader' && s.raft.currentTerm === maxTerm) return s;
    }
    return null;
  }

  private countCommitted(index: number): number {
    let n = 0;
    for (const s of this.sim.servers.values()) if (s.up && s.raft.commitIndex >= index) n++;
    return n;
  }

  /**
   * How many voters the cluster has now (what "a majority" of a commit wait counts): the leader's
   * applied configuration, or without a leader the initial voters (every server when the scenario
   * has no spares or learners).
   */
  private votersNow(): number {
    const l = this.sim.leader();
    if (l) return l.raft.config.voters.length;
    const c = this.scenario.cluster;
    return c.nodes.filter((n) => !c.learners.includes(n)).length;
  }

  /** Every check of an `expect` step; returns what does not hold (empty when all hold). */
  checkExpect(c: ExpectChecks): Reason[] {
    const sim = this.sim;
    const out: Reason[] = [];
    if (c.leader !== undefined) {
      const l = sim.leader();
      if (c.leader === 'none') { if (l) out.push(reason('expectNoLeader', { id: l.id, term: l.raft.currentTerm })); }
      else if (c.leader === 'any') { if (!l) out.push(reason('expectSomeLeader')); }
      else if (l?.id !== c.leader) out.push(l ? reason('expectLeader', { want: c.leader, id: l.id, term: l.raft.currentTerm }) : reason('expectLeaderNobody', { want: c.leader }));
    }
    for (const [id, role] of c.role ?? []) {
      const s = sim.server(id);
      const actual = s.up ? s.raft.role : 'crashed';
      if (actual !== role) out.push(reason('expectRole', { id, role, actual }));
    }
    for (const [id, term] of c.term ?? []) {
      const t = sim.server(id).raft.currentTerm;
      if (t !== term) out.push(reason('expectTerm', { id, term, actual: t }));
    }
    if (c.committed) {
      const need = c.committed.nodes ?? majority(this.votersNow());
      const have = this.countCommitted(c.committed.index);
      if (have < need) out.push(reason('expectCommitted', { index: c.committed.index, need, have }));
    }
    if (c.notCommitted) {
      const have = [...sim.servers.values()].filter((s) => s.up && s.raft.commitIndex >= c.notCommitted!.index).map((s) => s.id);
      if (have.length) out.push(reason('expectNotCommitted', { index: c.notCommitted.index, servers: have.join(', ') }));
    }
    for (const [id, terms] of c.log ?? []) {
      const actual = sim.server(id).raft.log.map((e) => e.term);
      if (actual.join(',') !== terms.join(',')) out.push(reason('expectLog', { id, want: terms.join(', '), actual: actual.join(', ') }));
    }
    if (c.kv) {
      const on = c.on === 'all' ? sim.serverIds : c.on ?? sim.serverIds.filter((id) => sim.server(id).up);
      for (const id of on) {
        const s = sim.server(id);
        for (const [key, want] of c.kv) {
          const got = s.up ? s.sm.store.get(key)?.value ?? null : null;
          if (got !== want) out.push(reason(s.up ? 'expectKv' : 'expectKvCrashed', { key, want: JSON.stringify(want), id, got: JSON.stringify(got) }));
        }
      }
    }
    if (c.members) {
      const m = c.members;
      const s = m.on ? sim.server(m.on) : sim.leader();
      const want = membersText(m.voters, m.learners, m.votersOutgoing);
      if (!s) out.push(reason('expectMembersNoLeader', { want }));
      else {
        const cfg = s.raft.config;
        const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
        const ok = same(cfg.voters, m.voters) && same(cfg.learners, m.learners) && (!m.votersOutgoing || same(cfg.votersOutgoing, m.votersOutgoing));
        if (!ok) out.push(reason('expectMembers', { on: s.id, want, actual: membersText(cfg.voters, cfg.learners, m.votersOutgoing ? cfg.votersOutgoing : undefined) }));
      }
    }
    for (const [id, index] of c.snapshotIndex ?? []) {
      const actual = sim.server(id).raft.snapshotIndex;
      if (actual !== index) out.push(reason('expectSnapshotIndex', { id, want: index, actual }));
    }
    if (c.invariants === 'ok' && sim.checker && !sim.checker.ok) {
      const v = sim.checker.violations[0];
      out.push(reason('invariantViolated', { property: v.property, time: fmtMs(v.atMs), detail: v.detail }));
    } else if (c.invariants && c.invariants !== 'ok') {
      const seen = new Set(sim.checker?.violations.map((v) => v.property) ?? []);
      for (const p of c.invariants.violated) {
        if (!seen.has(p as never)) out.push(seen.size ? reason('expectViolation', { property: p, seen: [...seen].join(', ') }) : reason('expectViolationNone', { property: p }));
      }
    }
    if (c.watched) {
      for (const [name, want] of c.watched) {
        const run = sim.etcdNamed(name);
        if (!run || !run.background || run.background.command.kind !== 'watch') {
          out.push(reason('expectWatchedNotWatch', { name }));
          continue;
        }
        const got = run.watched;
        if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
          out.push(reason('expectWatched', { name, want: want.map((w) => JSON.stringify(w)).join(', '), got: got.map((w) => JSON.stringify(w)).join(', ') }));
        }
      }
    }
    if (c.linearizable !== undefined) {
      if (!this.opts.linearizable) out.push(reason('noLinearizabilityChecker'));
      else {
        const r = this.opts.linearizable(sim.historyWithPending());
        if (r.ok !== c.linearizable) out.push(reason(c.linearizable ? 'expectLinearizable' : 'expectNotLinearizable', { detail: r.detail }));
      }
    }
    return out;
  }
}

/** What a wait step waits for, in words ("a leader among S1, S2", "index 3 committed on 3 servers"). */
function waitWhat(c: WaitCond): Reason {
  return c.for === 'leader' ? reason('waitLeader', { servers: c.among.join(', ') }) : reason('waitCommit', { index: c.index, nodes: c.nodes });
}

/** A configuration in words: "voters [S1, S2]; learners [S3]" (and votersOutgoing when given). */
function membersText(voters: readonly string[], learners: readonly string[], outgoing?: readonly string[]): string {
  return `voters [${voters.join(', ')}]; learners [${learners.join(', ')}]${outgoing ? `; votersOutgoing [${outgoing.join(', ')}]` : ''}`;
}

/** A key → value map as JSON text, in its order (`{"__proto__":"1"}`; Object.fromEntries keeps every key). */
function mapText(m: ReadonlyMap<string, string>): string {
  return JSON.stringify(Object.fromEntries(m));
}

function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Formats a simulated time for messages, e.g. "1234.5 ms". */
export function fmtMs(ms: number): string {
  return `${Math.round(ms * 100) / 100} ms`;
}

function specOf(step: Step): ClientOpSpec {
  switch (step.kind) {
    case 'put': return { op: 'put', key: step.key, value: step.value };
    case 'get': return { op: 'get', key: step.key, prefix: step.prefix, serializable: step.serializable, ...(step.read ? { read: step.read } : {}) };
    case 'delete': return { op: 'delete', key: step.key, prefix: step.prefix };
    case 'cas': return { op: 'cas', key: step.key, from: step.from, to: step.to };
    default: throw new Error(`step ${step.kind} is not a client step`);
  }
}

/** Checks a client reply against an inline `expect`; returns what does not hold. */
export function checkClientExpect(rec: HistoryRecord, e: ClientExpect): Reason[] {
  const out: Reason[] = [];
  if (e.result !== undefined && rec.result !== e.result) out.push(reason('expectResult', { want: e.result, got: rec.result }));
  const needsOk = e.value !== undefined || e.values !== undefined || e.deleted !== undefined;
  if (needsOk && rec.result !== 'ok') out.push(reason('expectReply', { got: rec.result }));
  const resp = rec.response as { op?: string; kvs?: { key: string; value: string }[]; deleted?: number; succeeded?: boolean } | undefined;
  if (rec.result === 'ok' && e.value !== undefined && rec.value !== e.value) out.push(reason('expectValue', { want: JSON.stringify(e.value), got: JSON.stringify(rec.value) }));
  if (rec.result === 'ok' && e.values !== undefined) {
    // Keys are compared as Map keys (any key, `__proto__` too), in key order as the store returns them.
    const got = new Map((resp?.kvs ?? []).map((kv) => [kv.key, kv.value]));
    const want = new Map([...e.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const same = got.size === want.size && [...want].every(([k, v]) => got.has(k) && got.get(k) === v);
    if (!same) out.push(reason('expectValues', { want: mapText(e.values), got: mapText(got) }));
  }
  if (rec.result === 'ok' && e.deleted !== undefined && resp?.deleted !== e.deleted) out.push(reason('expectDeleted', { want: e.deleted, got: String(resp?.deleted) }));
  if (e.succeeded !== undefined) {
    const succeeded = rec.op === 'cas' ? rec.result === 'ok' : undefined;
    if (rec.result === 'unknown') out.push(reason(e.succeeded ? 'casUnknownSucceed' : 'casUnknownFail'));
    else if (succeeded !== e.succeeded) out.push(reason(e.succeeded ? 'casFailed' : 'casSucceeded'));
  }
  return out;
}

/** The first line of an etcdctl command (a txn's blocks follow on the next lines). */
function firstLine(command: string): string {
  return command.split('\n')[0];
}

/** Trailing whitespace of each line and of the whole text removed (how `expect.output` compares). */
export function trimOutput(text: string): string {
  return text.split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').replace(/\s+$/, '');
}

/** Problems of an etcdctl step's inline expect against what its run printed and its exit status. */
function checkEtcdctlExpect(run: EtcdRun, e: EtcdctlExpect, command: string): Reason[] {
  const out: Reason[] = [];
  const text = trimOutput(run.text);
  if (e.output !== undefined && text !== trimOutput(e.output)) out.push(reason('etcdctlOutput', { command, want: JSON.stringify(trimOutput(e.output)), got: JSON.stringify(text) }));
  if (e.contains !== undefined && !text.includes(e.contains)) out.push(reason('etcdctlContains', { command, want: JSON.stringify(e.contains), got: JSON.stringify(text) }));
  if (e.exit !== undefined) {
    const got = run.result ? String(run.result.exit) : 'none (still running)';
    if (!run.result || run.result.exit !== e.exit) out.push(reason('etcdctlExit', { command, want: e.exit, got }));
  }
  return out;
}
