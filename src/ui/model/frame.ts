/**
 * A frame: a plain-data snapshot of the run at the time-machine cursor that the components draw.
 * Built fresh on each render; reading only, never changing the simulation.
 */
import { localReason } from '../i18n/errorText';
import { t } from '../i18n';
import { captionText } from '../i18n/words';
import type { Simulation } from '../../sim/engine';
import type { ServerView, SimMessage, SimStats, TraceEvent } from '../../sim/types';
import type { Position } from '../../timetravel/timeMachine';
import { whyLine, type WhyTone } from './why';
import { messageKind, type MessageKind } from './timelineModel';
import { captionPositions, type Workbench } from './workbench';

export interface MessageDot {
  id: number;
  from: string;
  to: string;
  kind: MessageKind;
  /** How far along its way, 0..1. */
  fraction: number;
  /** It will be lost on the way (network loss). */
  lost: boolean;
  /** Its link is cut now: unless the link is restored before it arrives, it will be dropped. */
  blocked: boolean;
  /** Short details for the tooltip, e.g. "term 2, 1 entry". */
  detail: string;
  /** How many log entries it carries (AppendEntries; 0 for every other message). */
  entries: number;
}

export type StepStatus =
  | { kind: 'running' | 'held'; n: number; total: number; stepKind: string; line: number }
  | { kind: 'done'; total: number }
  | { kind: 'failed'; n: number; stepKind: string; line: number; message: string }
  | { kind: 'empty' }
  /**
   * Free play: the user changed the run (an action the scenario did not script), so the lesson's
   * remaining steps are not checked. `skipped`: the first step that no longer held, if one did
   * (shown as skipped, not failed); `remaining`: the steps not passed yet at the cursor.
   * `lesson`: the lesson's own run to go back to (null for a shared recording with none beside it).
   */
  | {
      kind: 'freePlay';
      sinceMs: number;
      remaining: number;
      total: number;
      skipped: { n: number; stepKind: string; line: number; message: string } | null;
      lesson: { id: number; atMs: number } | null;
    };

export interface FeedLine {
  /** Index of the trace event in the branch head's trace (stable key). */
  key: number;
  atMs: number;
  text: string;
  tone: WhyTone;
  kind: TraceEvent['kind'];
  /** The server the event is about, if one. */
  node: string | null;
  /** A follower learning a commitIndex from its leader (frequent; the feed can hide these). */
  minor: boolean;
}

export interface Frame {
  nowMs: number;
  servers: ServerView[];
  clients: string[];
  messages: MessageDot[];
  cutLinks: [string, string][];
  caption: string | null;
  feed: FeedLine[];
  step: StepStatus;
  violation: { property: string; atMs: number; detail: string } | null;
  stats: SimStats;
  traceHash: string;
  /** The cursor, the branch frontier and whether the cursor is behind it. */
  position: Position;
  frontier: Position;
  inPast: boolean;
  branchId: number;
  branchCount: number;
  /** The live leader with the highest term at the cursor, or null. */
  leaderId: string | null;
  /** The scenario's steps are all done (or one failed). */
  finished: boolean;
  /** Held at a presenter pause. */
  held: boolean;
  /** The ordinal of the caption shown (chapter k is caption k), -1 before the first. */
  captionIndex: number;
  /** Messages in flight that are not drawn because they would be on screen less than a frame at this speed. */
  hiddenMessages: number;
}

/** What the page adds to a frame: which caption is on screen, and how fast time flows. */
export interface FrameOptions {
  /**
   * The caption on screen (its ordinal among the branch's captions), when it is not the cursor's
   * last one: captions of one instant are shown one after another (see reading.ts).
   */
  captionIndex?: number;
  /**
   * Messages whose whole flight is shorter than this many simulated ms are not drawn as dots (at
   * high speed they would be on screen less than a frame): the ring shows the servers' states.
   */
  minFlightMs?: number;
  /** The details (teacher) view: step numbers and scenario lines in the why feed's step lines. */
  details?: boolean;
}

/** Lines the why feed keeps. */
export const FEED_LENGTH = 80;
/** How far back in the trace the feed looks for them. */
const FEED_SCAN = 1_500;

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Details of a message for tooltips, e.g. "term 2, 1 entry, leaderCommit 3". */
export function messageDetail(m: SimMessage): string {
  switch (m.type) {
    case 'AppendEntries':
      return `term ${m.term}, prevLogIndex ${m.prevLogIndex}, prevLogTerm ${m.prevLogTerm}, ${plural(m.entries.length, 'entry', 'entries')}, leaderCommit ${m.leaderCommit}`;
    case 'AppendEntriesResponse':
      return `term ${m.term}, success ${m.success}, matchIndex ${m.matchIndex}${m.success ? '' : `, conflictIndex ${m.conflictIndex}, conflictTerm ${m.conflictTerm}`}`;
    case 'RequestVote':
      return `term ${m.term}, lastLogIndex ${m.lastLogIndex}, lastLogTerm ${m.lastLogTerm}`;
    case 'RequestVoteResponse':
      return `term ${m.term}, voteGranted ${m.voteGranted}${m.reason ? ` (${m.reason})` : ''}`;
    case 'ClientRequest':
      return `seq ${m.seq}, ${m.op.op} ${'key' in m.op ? m.op.key : ''}`.trim();
    case 'EtcdRequest':
      return `etcd #${m.reqId}, ${m.body.kind}${m.body.kind === 'kv' ? ` ${m.body.request.op}` : ''}`;
    case 'EtcdResponse':
      return `etcd #${m.reqId}, ${m.body.kind}`;
    case 'ClientResponse':
      return `seq ${m.seq}, ${m.ok ? 'ok' : `${m.error ?? 'not done'}${m.leaderHint ? `, leaderHint ${m.leaderHint}` : ''}`}`;
    default: return `term ${m.term}`; // PreVote, TimeoutNow, ReadIndex and their responses: worded in the UI step of issue 12
  }
}

function feedNode(e: TraceEvent): string | null {
  switch (e.kind) {
    case 'role': case 'note': return e.node;
    case 'fault': return e.nodes.length === 1 ? e.nodes[0] : null;
    case 'client': return e.server ?? null;
    default: return null;
  }
}

/**
 * A scenario step that did not hold, in the why feed: in free play (from `freeSinceMs` on) it is
 * skipped, not failed; step numbers and lines only in the details view.
 */
function stepLine(e: Extract<TraceEvent, { kind: 'step' }>, freeSinceMs: number | null, details: boolean): { text: string; tone: WhyTone } | null {
  if (e.ok) return null;
  const message = e.why ? localReason(e.why) : e.message;
  if (freeSinceMs !== null && e.atMs >= freeSinceMs) {
    return { text: details ? t('flow.why.stepSkippedDetails', { n: e.index + 1, line: e.line, message }) : t('flow.why.stepSkipped', { message }), tone: 'caption' };
  }
  return { text: details ? t('why.stepFailed', { n: e.index + 1, line: e.line, message }) : t('flow.why.stepFailed', { message }), tone: 'error' };
}

/** The why feed at the cursor: the last FEED_LENGTH worded events of the head's trace before it. */
function buildFeed(trace: TraceEvent[], cursorLen: number, clusterSize: number, freeSinceMs: number | null, details: boolean): FeedLine[] {
  const out: FeedLine[] = [];
  for (let i = cursorLen - 1; i >= 0 && i >= cursorLen - FEED_SCAN && out.length < FEED_LENGTH; i--) {
    const e = trace[i];
    const w = e.kind === 'step' ? stepLine(e, freeSinceMs, details) : whyLine(e, clusterSize);
    const minor = e.kind === 'note' && e.note.kind === 'commitAdvanced' && e.note.replicas === 0;
    if (w) out.push({ key: i, atMs: e.atMs, text: w.text, tone: w.tone, kind: e.kind, node: feedNode(e), minor });
  }
  return out;
}

/** The cursor's last caption's ordinal (-1: none yet). */
function lastCaptionIndex(trace: TraceEvent[], cursorLen: number): number {
  const at = captionPositions(trace);
  let k = at.length - 1;
  while (k >= 0 && at[k] >= cursorLen) k--;
  return k;
}

/** Caption k's text in the page's language (null when there is none). */
function captionAt(trace: TraceEvent[], k: number): string | null {
  const e = k >= 0 ? trace[captionPositions(trace)[k]] : undefined;
  return e && e.kind === 'caption' ? captionText(e) : null;
}

/** Message dots in flight at the cursor, for the ring (flights shorter than `minFlightMs` are counted, not drawn). */
function dots(sim: Simulation, minFlightMs: number): { messages: MessageDot[]; hidden: number } {
  const now = sim.nowMs;
  const messages: MessageDot[] = [];
  let hidden = 0;
  for (const rec of sim.inFlight) {
    const m = rec.msg;
    const span = rec.deliverMs - rec.sendMs;
    if (span < minFlightMs) {
      hidden++;
      continue;
    }
    const fraction = span > 0 ? Math.min(1, Math.max(0, (now - rec.sendMs) / span)) : 1;
    const kind: MessageKind = messageKind(rec);
    const blocked = m.type !== 'ClientRequest' && m.type !== 'ClientResponse' && m.type !== 'EtcdRequest' && m.type !== 'EtcdResponse' && !sim.network.isUp(m.from, m.to);
    messages.push({ id: rec.id, from: m.from, to: m.to, kind, fraction, lost: rec.dropReason === 'loss', blocked, detail: messageDetail(m), entries: m.type === 'AppendEntries' ? m.entries.length : 0 });
  }
  messages.sort((a, b) => a.id - b.id);
  return { messages, hidden };
}

/** The step status at the cursor: the lesson's, or free play once the user changed the run. */
function stepStatus(wb: Workbench): StepStatus {
  const runner = wb.tm.runner;
  const steps = runner.scenario.steps;
  const free = wb.freePlayStart();
  const f = runner.failure;
  if (free && !wb.ownFailure() && (f || !runner.finished)) {
    return {
      kind: 'freePlay',
      sinceMs: free.timeMs,
      remaining: steps.length - (f ? f.index : runner.stepIndex),
      total: steps.length,
      skipped: f ? { n: f.index + 1, stepKind: f.kind, line: f.line, message: f.why ? localReason(f.why) : f.message } : null,
      lesson: wb.lessonBranch(),
    };
  }
  if (f) return { kind: 'failed', n: f.index + 1, stepKind: f.kind, line: f.line, message: f.why ? localReason(f.why) : f.message };
  if (steps.length === 0) return { kind: 'empty' };
  if (runner.finished) return { kind: 'done', total: steps.length };
  const cur = runner.currentStep ?? steps[steps.length - 1];
  return { kind: runner.paused ? 'held' : 'running', n: cur.index + 1, total: steps.length, stepKind: cur.kind, line: cur.line };
}

export function buildFrame(wb: Workbench, opts: FrameOptions = {}): Frame {
  const tm = wb.tm;
  const runner = tm.runner;
  const sim = runner.sim;
  const head = tm.head;
  const cursorLen = wb.cursorTraceLength();
  const trace = head.sim.trace;

  const step = stepStatus(wb);
  const v = sim.checker && !sim.checker.ok ? sim.checker.violations[0] : undefined;
  const last = lastCaptionIndex(trace, cursorLen);
  const captionIndex = opts.captionIndex !== undefined && opts.captionIndex >= 0 && opts.captionIndex <= last ? opts.captionIndex : last;
  const flights = dots(sim, opts.minFlightMs ?? 0);
  const free = step.kind === 'freePlay' ? step.sinceMs : null;

  return {
    nowMs: sim.nowMs,
    servers: sim.views(),
    clients: [...sim.clients.keys()],
    messages: flights.messages,
    cutLinks: sim.network.cutLinks(),
    caption: captionAt(trace, captionIndex),
    feed: buildFeed(trace, cursorLen, sim.serverIds.length, free, opts.details ?? false),
    step,
    violation: v ? { property: v.property, atMs: v.atMs, detail: v.detail } : null,
    stats: { ...sim.stats },
    traceHash: sim.traceHash,
    position: tm.position,
    frontier: { ...tm.branch.frontier },
    inPast: tm.inPast,
    branchId: tm.branchId,
    branchCount: tm.branches.length,
    leaderId: sim.leader()?.id ?? null,
    finished: runner.finished,
    held: runner.paused,
    captionIndex,
    hiddenMessages: flights.hidden,
  };
}
