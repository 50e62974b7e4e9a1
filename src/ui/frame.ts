/**
 * A frame: a plain-data snapshot of a run that the components draw. Built fresh from the runner
 * each animation frame; reading only, never changing the simulation.
 */
import { traceLine } from '../scenario/report';
import type { ScenarioRunner } from '../scenario/runner';
import type { ServerView, SimStats, TraceEvent } from '../sim/types';

/** Message kinds as drawn (a heartbeat is an AppendEntries without entries). */
export const MESSAGE_KINDS = [
  'RequestVote', 'RequestVoteResponse', 'AppendEntries', 'Heartbeat', 'AppendEntriesResponse', 'ClientRequest', 'ClientResponse',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

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
}

export type StepStatus =
  | { kind: 'running' | 'held'; n: number; total: number; stepKind: string; line: number }
  | { kind: 'done'; total: number }
  | { kind: 'failed'; n: number; stepKind: string; line: number; message: string }
  | { kind: 'empty' };

export interface FeedLine {
  /** Index of the trace event (stable key). */
  key: number;
  text: string;
  kind: TraceEvent['kind'];
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
}

export const FEED_LENGTH = 15;

/** What the frame builder remembers between frames so it reads each trace event once. */
export interface FeedCache {
  scanned: number;
  lines: FeedLine[];
  caption: string | null;
}

export function newFeedCache(): FeedCache {
  return { scanned: 0, lines: [], caption: null };
}

function updateFeed(trace: TraceEvent[], cache: FeedCache): void {
  if (cache.scanned > trace.length) Object.assign(cache, newFeedCache());
  for (let i = cache.scanned; i < trace.length; i++) {
    const e = trace[i];
    if (e.kind === 'caption') cache.caption = e.text;
    const text = traceLine(e);
    if (text !== null) cache.lines.push({ key: i, text: text.trim(), kind: e.kind });
  }
  if (cache.lines.length > FEED_LENGTH) cache.lines.splice(0, cache.lines.length - FEED_LENGTH);
  cache.scanned = trace.length;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function buildFrame(runner: ScenarioRunner, cache: FeedCache): Frame {
  const sim = runner.sim;
  const now = sim.nowMs;
  updateFeed(sim.trace, cache);

  const messages: MessageDot[] = [];
  for (const rec of sim.inFlight) {
    const m = rec.msg;
    const span = rec.deliverMs - rec.sendMs;
    const fraction = span > 0 ? Math.min(1, Math.max(0, (now - rec.sendMs) / span)) : 1;
    let kind: MessageKind = m.type;
    let detail = '';
    switch (m.type) {
      case 'AppendEntries':
        if (m.entries.length === 0) kind = 'Heartbeat';
        detail = `term ${m.term}, ${plural(m.entries.length, 'entry', 'entries')}, leaderCommit ${m.leaderCommit}`;
        break;
      case 'AppendEntriesResponse':
        detail = `term ${m.term}, success ${m.success}, matchIndex ${m.matchIndex}`;
        break;
      case 'RequestVote':
        detail = `term ${m.term}, lastLogIndex ${m.lastLogIndex}, lastLogTerm ${m.lastLogTerm}`;
        break;
      case 'RequestVoteResponse':
        detail = `term ${m.term}, voteGranted ${m.voteGranted}`;
        break;
      case 'ClientRequest':
        detail = `${m.op.op} ${'key' in m.op ? m.op.key : ''}`.trim();
        break;
      case 'ClientResponse':
        detail = m.ok ? 'ok' : `${m.error ?? 'not done'}${m.leaderHint ? `, leader ${m.leaderHint}` : ''}`;
        break;
    }
    const blocked = m.type !== 'ClientRequest' && m.type !== 'ClientResponse' && !sim.network.isUp(m.from, m.to);
    messages.push({ id: rec.id, from: m.from, to: m.to, kind, fraction, lost: rec.dropReason === 'loss', blocked, detail });
  }
  messages.sort((a, b) => a.id - b.id);

  const steps = runner.scenario.steps;
  let step: StepStatus;
  if (runner.failure) {
    const f = runner.failure;
    step = { kind: 'failed', n: f.index + 1, stepKind: f.kind, line: f.line, message: f.message };
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
    nowMs: now,
    servers: sim.views(),
    clients: [...sim.clients.keys()],
    messages,
    cutLinks: sim.network.cutLinks(),
    caption: cache.caption,
    feed: cache.lines.slice(),
    step,
    violation: v ? { property: v.property, atMs: v.atMs, detail: v.detail } : null,
    stats: { ...sim.stats },
    traceHash: sim.traceHash,
  };
}
