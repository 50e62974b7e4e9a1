/**
 * A frame: a plain-data snapshot of the run at the time-machine cursor that the components draw.
 * Built fresh on each render; reading only, never changing the simulation.
 */
import { localReason } from '../i18n/errorText';
import { getLocale } from '../i18n';
import type { Simulation } from '../../sim/engine';
import type { ServerView, SimMessage, SimStats, TraceEvent } from '../../sim/types';
import type { Position } from '../../timetravel/timeMachine';
import { whyLine, type WhyTone } from './why';
import type { MessageKind } from './timelineModel';
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
  | { kind: 'empty' };

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
    case 'ClientResponse':
      return `seq ${m.seq}, ${m.ok ? 'ok' : `${m.error ?? 'not done'}${m.leaderHint ? `, leaderHint ${m.leaderHint}` : ''}`}`;
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

/** The why feed at the cursor: the last FEED_LENGTH worded events of the head's trace before it. */
function buildFeed(trace: TraceEvent[], cursorLen: number, clusterSize: number): FeedLine[] {
  const out: FeedLine[] = [];
  for (let i = cursorLen - 1; i >= 0 && i >= cursorLen - FEED_SCAN && out.length < FEED_LENGTH; i--) {
    const e = trace[i];
    const w = whyLine(e, clusterSize);
    const minor = e.kind === 'note' && e.note.kind === 'commitAdvanced' && e.note.replicas === 0;
    if (w) out.push({ key: i, atMs: e.atMs, text: w.text, tone: w.tone, kind: e.kind, node: feedNode(e), minor });
  }
  return out;
}

function lastCaption(trace: TraceEvent[], cursorLen: number): string | null {
  const at = captionPositions(trace);
  for (let k = at.length - 1; k >= 0; k--) {
    if (at[k] < cursorLen) {
      const e = trace[at[k]];
      return e.kind === 'caption' ? (getLocale() === 'zh' && e.zh ? e.zh : e.text) : null;
    }
  }
  return null;
}

/** Message dots in flight at the cursor, for the ring. */
function dots(sim: Simulation): MessageDot[] {
  const now = sim.nowMs;
  const messages: MessageDot[] = [];
  for (const rec of sim.inFlight) {
    const m = rec.msg;
    const span = rec.deliverMs - rec.sendMs;
    const fraction = span > 0 ? Math.min(1, Math.max(0, (now - rec.sendMs) / span)) : 1;
    const kind: MessageKind = m.type === 'AppendEntries' && m.entries.length === 0 ? 'Heartbeat' : m.type;
    const blocked = m.type !== 'ClientRequest' && m.type !== 'ClientResponse' && !sim.network.isUp(m.from, m.to);
    messages.push({ id: rec.id, from: m.from, to: m.to, kind, fraction, lost: rec.dropReason === 'loss', blocked, detail: messageDetail(m), entries: m.type === 'AppendEntries' ? m.entries.length : 0 });
  }
  messages.sort((a, b) => a.id - b.id);
  return messages;
}

export function buildFrame(wb: Workbench): Frame {
  const tm = wb.tm;
  const runner = tm.runner;
  const sim = runner.sim;
  const head = tm.head;
  const cursorLen = wb.cursorTraceLength();
  const trace = head.sim.trace;

  const steps = runner.scenario.steps;
  let step: StepStatus;
  if (runner.failure) {
    const f = runner.failure;
    step = { kind: 'failed', n: f.index + 1, stepKind: f.kind, line: f.line, message: f.why ? localReason(f.why) : f.message };
  } else if (steps.length === 0) {
    step = { kind: 'empty' };
  } else if (runner.finished) {
    step = { kind: 'done', total: steps.length };
  } else {
    const cur = runner.currentStep ?? steps[steps.length - 1];
    step = { kind: runner.paused ? 'held' : 'running', n: cur.index + 1, total: steps.length, stepKind: cur.kind, line: cur.line };
  }

  const v = sim.checker && !sim.checker.ok ? sim.checker.violations[0] : undefined;

  return {
    nowMs: sim.nowMs,
    servers: sim.views(),
    clients: [...sim.clients.keys()],
    messages: dots(sim),
    cutLinks: sim.network.cutLinks(),
    caption: lastCaption(trace, cursorLen),
    feed: buildFeed(trace, cursorLen, sim.serverIds.length),
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
  };
}
