/**
 * The result of a scenario run as one plain JSON document (the CLI's `--json`), and the readable
 * timeline the CLI prints without it. Both read a finished ScenarioRunner; neither changes it.
 */
import type { Command, KvRequest } from '../kv/types';
import type { ConfChange, RaftNote } from '../raft/types';
import type { HistoryRecord, SimStats, TraceEvent } from '../sim/types';
import { fmtMs, type ScenarioRunner } from './runner';

export interface RunReport {
  scenario: string;
  title: string;
  seed: number;
  ok: boolean;
  steps: { index: number; line: number; kind: string; ok: boolean | null; atMs: number; message: string }[];
  invariants: { ok: boolean; violations: { property: string; atMs: number; nodes: string[]; detail: string }[] };
  linearizable?: boolean | null;
  final: {
    timeMs: number;
    nodes: {
      id: string; up: boolean; role: string; term: number; votedFor: string | null; commitIndex: number; lastApplied: number;
      log: { index: number; term: number; command: string }[]; kv: Record<string, string>; revision: number;
      /** Issue 13, present only when used: index of log[0] when compacted, the latest snapshot, and how the cluster counts the server when not a voter. */
      firstIndex?: number; snapshotIndex?: number; membership?: 'learner' | 'spare' | 'removed';
    }[];
  };
  history: HistoryRecord[];
  stats: SimStats & { wallMs: number };
  traceHash: string;
}

/** A log entry's command as short text: "noop", "put x=1", "get x", "txn ...". */
export function commandText(c: Command): string {
  if (c.type === 'noop') return 'noop';
  if (c.type === 'etcd') return etcdCommandText(c.request);
  const op = c.op;
  switch (op.op) {
    case 'put': return `put ${op.key}=${op.value}`;
    case 'get': return `get ${op.key}${op.prefix ? '*' : ''}`;
    case 'delete': return `delete ${op.key}${op.prefix ? '*' : ''}`;
    case 'txn': return `txn if ${op.compare.map((k) => `${k.target}(${k.key}) ${k.result} ${JSON.stringify(k.value)}`).join(' && ')} then ${op.success.map((s) => s.op === 'put' ? `put ${s.key}=${s.value}` : `${s.op} ${s.key}`).join(', ') || 'nothing'}`;
  }
}

/** Builds the JSON report of a run (see the CLI section of README). */
export function buildReport(runner: ScenarioRunner, wallMs: number, linearizable?: boolean | null): RunReport {
  const sim = runner.sim;
  const violations = sim.checker?.violations ?? [];
  const report: RunReport = {
    scenario: runner.scenario.file,
    title: runner.scenario.title,
    seed: sim.config.seed,
    // A run that is not linearizable fails, unless the scenario expected exactly that (a stale-read lesson).
    ok: runner.ok && (linearizable !== false || runner.nonLinearizableExpected),
    steps: runner.results.map((r) => ({ ...r })),
    invariants: { ok: violations.length === 0, violations: violations.map((v) => ({ property: v.property, atMs: v.atMs, nodes: v.nodes, detail: v.detail })) },
    final: {
      timeMs: sim.nowMs,
      nodes: sim.serverIds.map((id) => {
        const v = sim.view(id);
        return {
          id, up: v.up, role: v.up ? v.role : 'crashed', term: v.currentTerm, votedFor: v.votedFor,
          commitIndex: v.commitIndex, lastApplied: v.lastApplied,
          log: v.log.map((e, i) => ({ index: v.firstIndex + i, term: e.term, command: e.confChange ? `confChange ${confChangeText(e.confChange)}` : commandText(e.command) })),
          kv: Object.fromEntries(Object.entries(v.kv.kvs).map(([k, kv]) => [k, kv.value])),
          revision: v.kv.revision,
          ...(v.firstIndex > 1 ? { firstIndex: v.firstIndex } : {}),
          ...(v.snapshotIndex > 0 ? { snapshotIndex: v.snapshotIndex } : {}),
          ...(v.membership !== 'voter' ? { membership: v.membership } : {}),
        };
      }),
    },
    history: sim.history,
    stats: { ...sim.stats, wallMs },
    traceHash: sim.traceHash,
  };
  if (linearizable !== undefined) report.linearizable = linearizable;
  return report;
}

function noteText(node: string, n: RaftNote): string | null {
  switch (n.kind) {
    case 'electionStarted': return `${node} times out and starts an election for term ${n.term}`;
    case 'electionWon': return `${node} wins term ${n.term} with votes from ${n.votes.join(', ')}`;
    case 'voteGranted': return `${node} votes for ${n.candidate} in term ${n.term}`;
    case 'voteRefused': return `${node} refuses its vote to ${n.candidate} in term ${n.term}: ${voteReason(n)}`;
    case 'steppedDown': if (n.cause === 'checkQuorum') return `${node} steps down: heard from ${n.heardFrom.length} of ${n.servers} servers in the last ${fmtMs(n.windowMs)} (CheckQuorum, §6.2)`; return n.cause === 'higherTerm'
      ? `${node} steps down: ${n.from} has a higher term (${n.term})`
      : `${node} steps down: ${n.from} is leader of term ${n.term}`;
    case 'commitAdvanced':
      if (n.replicas === 0) return null;
      // Under unsafe.commitPreviousTermEntries the entry at `to` is of an earlier term: say so (§5.4.2).
      return n.previousTermCounted
        ? `${node} commits up to index ${n.to} (stored on ${n.replicas} servers) although that entry is of term ${n.entryTerm}, not its term ${n.term}: breaks §5.4.2`
        : `${node} commits up to index ${n.to} (stored on ${n.replicas} servers)`;
    case 'appendRejected': return null;
    case 'progressChanged': return `${node}: Progress of ${n.peer} ${n.from} → ${n.to}: ${progressCause(n)}`;
    case 'preVoteStarted': return `${node} times out and asks for pre-votes for term ${n.term}, keeping its term (PreVote, §9.6)`;
    case 'preVoteGranted': return `${node} grants ${n.candidate} a pre-vote for term ${n.term}`;
    case 'preVoteRefused': return `${node} refuses ${n.candidate}'s pre-vote for term ${n.term}: ${n.reason === 'leaderActive' && n.leader === node ? 'it is the leader (§9.6)' : preVoteReason(n)}`;
    case 'preVoteWon': return `${node} wins the pre-vote for term ${n.term} (${n.votes.join(', ')}) and starts a real election`;
    case 'preVoteLost': return `${node} loses the pre-vote for term ${n.term} (refused by ${n.refusedBy.join(', ')}): back to follower, term unchanged`;
    case 'voteIgnored': return n.leader === node
      ? `${node} ignores ${n.preVote ? 'a pre-vote' : 'RequestVote'} from ${n.candidate} for term ${n.term}: it is the leader (§4.2.3)`
      : `${node} ignores ${n.preVote ? 'a pre-vote' : 'RequestVote'} from ${n.candidate} for term ${n.term}: its leader ${n.leader} is active (heard ${fmtMs(n.heardAgoMs)} ago, §4.2.3)`;
    case 'readConfirmed': return `${node}: read ${n.ctx} at index ${n.index} confirmed by ${n.confirmedBy.join(', ') || 'itself alone'} (ReadIndex, §6.4)`;
    case 'readDeferred': return `${node}: read ${n.ctx} waits until it has committed an entry of term ${n.term} (§6.4)`;
    case 'leaseRead': return `${node}: read ${n.ctx} at index ${n.index} from its lease, which holds until ${fmtMs(n.leaseUntilMs)} on its own clock (§6.4.1)`;
    case 'leaseLapsed': return `${node}: no lease for read ${n.ctx}${n.leaseUntilMs === null ? '' : ` (it ran out at ${fmtMs(n.leaseUntilMs)})`}: a heartbeat round instead`;
    case 'readLocal': return `${node}: read ${n.ctx} answered locally at index ${n.index}, unconfirmed (unsafe leaderReadsLocally)`;
    case 'readForwarded': return `${node}: asks leader ${n.leader} for a read index for read ${n.ctx}`;
    case 'readIndexFromLeader': return `${node}: read index ${n.index} from ${n.leader} for read ${n.ctx}; answers from its own state once applied`;
    case 'readRefused': return `${node}: read ${n.ctx} refused (${n.reason})${n.leaderHint ? `; leader is ${n.leaderHint}` : ''}`;
    case 'transferStarted': return `${node} starts a leader transfer to ${n.to} (its matchIndex ${n.matchIndex} of ${n.lastLogIndex}) and refuses proposals meanwhile (§3.10)`;
    case 'timeoutNowSent': return `${node} sends TimeoutNow to ${n.to}: ${n.to}'s log is up to date (§3.10)`;
    case 'transferAbandoned': return `${node} abandons the transfer to ${n.to} after ${fmtMs(n.elapsedMs)}${n.reason === 'superseded' ? ' (another transfer was asked)' : ''}; proposals are accepted again`;
    case 'transferRefused': return `${node} refuses a transfer to ${n.to}: ${n.reason}`;
    case 'timeoutNowReceived': return `${node} gets TimeoutNow from ${n.from} and starts an election at once`;
    case 'confChangeProposed': return `${node} appends a configuration change at index ${n.index}: ${confChangeText(n.change)}${n.auto ? ' (leaving the joint configuration)' : ''}`;
    case 'confChangeRefused': return `${node} refuses the configuration change ${confChangeText(n.change)}: ${n.reason}`;
    case 'confChangeApplied': return `${node} applies the configuration change at index ${n.index}: voters ${n.config.voters.join(', ')}${n.joint === 'entered' ? ' (joint)' : ''}`;
    case 'confChangeIgnored': return `${node} ignores the configuration change at index ${n.index}: ${n.reason}`;
    case 'leaderRemoved': return `${node} is no longer a voter after index ${n.index} and steps down in term ${n.term}`;
    case 'campaignSkipped': return `${node} times out but does not campaign: ${n.reason === 'learner' ? 'it is a learner' : n.reason === 'unappliedConfChange' ? 'a committed configuration change is not applied yet' : 'it is not a voter'}`;
    case 'snapshotTaken': return `${node} snapshots its state machine at index ${n.index}; its log now starts after ${n.compactedIndex}`;
    case 'snapshotSent': return `${node} sends its snapshot up to index ${n.index} to ${n.peer}`;
    case 'snapshotRestored': return `${node} restores the snapshot from ${n.leader} up to index ${n.index}`;
    case 'snapshotIgnored': return `${node} ignores the snapshot from ${n.leader} up to index ${n.index} (${n.reason})`;
  }
}

/** A ConfChange in one line, e.g. "addLearnerNode S4, removeNode S1" (or "leave joint"). */
function confChangeText(c: ConfChange): string {
  return c.changes.length ? c.changes.map((x) => `${x.type} ${x.nodeId}`).join(', ') : 'leave joint';
}

/** One-line reason for a refused pre-vote (thesis §9.6). */
function preVoteReason(n: Extract<RaftNote, { kind: 'preVoteRefused' }>): string {
  if (n.reason === 'leaderActive') return n.leader === n.candidate || n.heardAgoMs === undefined || n.leader === undefined ? 'a leader is active (§9.6)' : `it heard from leader ${n.leader} ${fmtMs(n.heardAgoMs)} ago (§9.6)`;
  return voteReason({ ...n, kind: 'voteRefused', reason: n.reason });
}

/** Why a leader's Progress of a follower changed state, in a few words (etcd raft tracker/progress.go). */
function progressCause(n: Extract<RaftNote, { kind: 'progressChanged' }>): string {
  switch (n.cause) {
    case 'appendAccepted': return `${n.peer} accepted the entries up to index ${n.index}`;
    case 'appendRejected': return `${n.peer} rejected AppendEntries at prevLogIndex ${n.index}`;
    case 'heartbeatResponse': return `a heartbeat response shows ${n.peer} holds the log up to index ${n.index}`;
    case 'appendUnacknowledged': return `entries after index ${n.index} went unacknowledged through two heartbeats`;
    case 'snapshotSent': return `the entries ${n.peer} needs are compacted: sent the snapshot up to index ${n.index}`;
    case 'snapshotInstalled': return `${n.peer} installed the snapshot and holds the log up to index ${n.index}`;
    case 'snapshotIgnored': return `${n.peer} answered the snapshot at index ${n.index}, short of the log`;
    case 'snapshotUnacknowledged': return 'the snapshot went unanswered through two heartbeats';
  }
}

/** One-line reason for a refused vote, citing the paper. */
export function voteReason(n: Extract<RaftNote, { kind: 'voteRefused' }>): string {
  switch (n.reason) {
    case 'staleTerm': return `the candidate's term ${n.term} is older than mine (§5.1)`;
    case 'alreadyVoted': return `already voted for another server in term ${n.term} (§5.2)`;
    case 'logNotUpToDate': return `candidate's last entry (term ${n.candidateLast[1]}, index ${n.candidateLast[0]}) is less up to date than mine (term ${n.myLast[1]}, index ${n.myLast[0]}) (§5.4.1)`;
  }
}

/** One line of the readable timeline for a trace event, or null for events too fine to print. */
export function traceLine(e: TraceEvent): string | null {
  const t = fmtMs(e.atMs).padStart(12);
  switch (e.kind) {
    case 'role': return e.to === 'leader' ? null : `${t}  ${e.node} ${e.from} → ${e.to} (term ${e.term})`;
    case 'note': {
      const s = noteText(e.node, e.note);
      return s ? `${t}  ${s}` : null;
    }
    case 'fault': return `${t}  ⚡ ${e.action}${e.nodes.length ? ' ' + e.nodes.join(', ') : ''}${e.detail ? ` ${e.detail}` : ''}`;
    case 'client': return e.phase === 'invoke'
      ? `${t}  ${e.client} → ${e.opText}${e.server ? ` via ${e.server}` : ''}`
      : `${t}  ${e.client} ← ${e.opText}: ${e.result}`;
    case 'caption': return `${t}  “${e.text}”`;
    case 'step': return e.ok ? null : `${t}  ✗ step ${e.index + 1} (line ${e.line}) failed: ${e.message}`;
    case 'invariant': return `${t}  ✗ ${e.property}: ${e.detail}`;
  }
}

/**
 * The readable timeline and summary the CLI prints. `wallClock: false` leaves out the one
 * figure that is not a function of the scenario and seed (the wall-clock ms the run took), as
 * the golden transcripts under test/golden/ need.
 */
export function readableReport(runner: ScenarioRunner, r: RunReport, opts: { wallClock?: boolean } = {}): string {
  const lines: string[] = [`${r.title} (${r.scenario}, seed ${r.seed})`, ''];
  for (const e of runner.sim.trace) {
    const l = traceLine(e);
    if (l) lines.push(l);
  }
  lines.push('', 'Summary');
  const failed = r.steps.find((s) => s.ok === false);
  lines.push(`  steps:      ${r.steps.filter((s) => s.ok).length}/${r.steps.length} passed${failed ? ` — step ${failed.index + 1} (line ${failed.line}, ${failed.kind}) failed: ${failed.message}` : ''}`);
  lines.push(`  invariants: ${r.invariants.ok ? 'ok (Election Safety, Leader Append-Only, Log Matching, Leader Completeness, State Machine Safety)' : r.invariants.violations.map((v) => `${v.property} at ${fmtMs(v.atMs)} on ${v.nodes.join(', ')}: ${v.detail}`).join('\n              ')}`);
  if (r.linearizable !== undefined) lines.push(`  linearizable: ${r.linearizable === null ? 'unknown (time limit)' : r.linearizable ? 'yes' : 'NO'}`);
  for (const n of r.final.nodes) {
    const member = n.membership ? `  (${n.membership})` : '';
    const snap = n.snapshotIndex ? `  snapshot ${n.snapshotIndex}` : '';
    const from = n.firstIndex ? ` from ${n.firstIndex}` : '';
    lines.push(`  ${n.id.padEnd(4)} ${(n.up ? n.role : 'crashed').padEnd(9)} term ${n.term}  commitIndex ${n.commitIndex}${snap}  log${from} [${n.log.map((e) => e.term).join(' ')}]  kv ${JSON.stringify(n.kv)}${member}`);
  }
  lines.push(`  time ${fmtMs(r.final.timeMs)}; ${r.stats.events} events, ${r.stats.messagesSent} messages sent, ${r.stats.messagesDelivered} delivered, ${r.stats.messagesDropped} dropped, ${r.stats.electionsStarted} elections${opts.wallClock === false ? '' : `; ${Math.round(r.stats.wallMs)} ms wall`}`);
  lines.push(`  traceHash ${r.traceHash}`);
  lines.push(r.ok ? 'PASS' : 'FAIL');
  return lines.join('\n');
}

/** An etcd request in a log entry as short text: "etcd put x=1", "etcd leaseRevoke 694d…". */
function etcdCommandText(r: KvRequest): string {
  switch (r.op) {
    case 'put': return `etcd put ${r.key}=${r.value}${r.lease ? ` lease=${r.lease}` : ''}`;
    case 'range': return `etcd range ${r.key}${r.rangeEnd ? ` ${JSON.stringify(r.rangeEnd)}` : ''}`;
    case 'deleteRange': return `etcd deleteRange ${r.key}${r.rangeEnd ? ` ${JSON.stringify(r.rangeEnd)}` : ''}`;
    case 'txn': return `etcd txn (${r.compare.length} compares)`;
    case 'compact': return `etcd compact ${r.revision}`;
    case 'leaseGrant': return `etcd leaseGrant ${r.id} ttl=${r.ttl}`;
    case 'leaseRevoke': return `etcd leaseRevoke ${r.id}`;
  }
}
