/**
 * The scenario library (issue 5): every shipped scenario is a narrated, bilingual lesson with
 * library metadata, and passes its own expect steps when run headless.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linearizableHook } from '../src/check/hook';
import { runScenarioFile } from '../src/cli/run';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { Scenario, Step } from '../src/scenario/types';
import type { HistoryRecord } from '../src/sim/types';

const dir = join(__dirname, '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const parse = (f: string) => parseScenario(text(f), `scenarios/${f}`);

/** The lessons the library must contain, by file name. */
const LESSONS: Record<string, string[]> = {
  'first election': ['basic-election.yaml'],
  'split vote resolved by randomized timeouts': ['split-vote.yaml'],
  'leader crash and re-election': ['leader-crash.yaml'],
  'log replication and commit': ['log-replication.yaml'],
  'follower crash and catch-up': ['follower-crash-catch-up.yaml'],
  'Figure 7 log repair': ['figure-7.yaml'],
  'Figure 8, safe and unsafe': ['figure-8.yaml', 'figure-8-unsafe.yaml'],
  'partition with a minority leader, then healing': ['partition-minority-leader.yaml'],
  'stale read versus linearizable read': ['stale-read.yaml'],
  'client retry and duplicate suppression': ['client-retry-dedup.yaml'],
  'message loss and duplication': ['lossy-network.yaml'],
  'whole-cluster crash and recovery': ['full-cluster-restart.yaml'],
  'distributed lock with cas': ['distributed-lock.yaml'],
  'configuration key read on every server': ['config-key.yaml'],
};
/** The lessons of issue 12 (elections and reads as etcd runs them), by file name. */
const ELECT_LESSONS: Record<string, string[]> = {
  'a disruptive rejoin, without and with PreVote': ['disruptive-rejoin.yaml', 'disruptive-rejoin-prevote.yaml'],
  'CheckQuorum deposes a minority leader': ['check-quorum.yaml'],
  'one value read five ways, and an unsafe local read': ['read-paths.yaml'],
  'lease reads and clock drift': ['lease-read-clock-drift.yaml'],
  'leader transfer': ['leader-transfer.yaml'],
  'etcd defaults': ['etcd-defaults.yaml'],
};
/** The lessons of issue 13 (a cluster that changes shape), by file name. */
const MEMBER_LESSONS: Record<string, string[]> = {
  'add members one by one, each first as a learner': ['add-members-one-by-one.yaml'],
  'replace a failed member, catching up by snapshot': ['replace-failed-member.yaml'],
  'joint consensus': ['joint-consensus.yaml'],
  'two at once without joint consensus (unsafe)': ['unsafe-two-at-once.yaml'],
  'remove the leader': ['remove-the-leader.yaml'],
  'snapshot catch-up': ['snapshot-catch-up.yaml'],
  'fsync and crash, without and with ackBeforeFsync': ['fsync-and-crash.yaml', 'fsync-and-crash-unsafe.yaml'],
};
const lessonFiles = [...Object.values(LESSONS), ...Object.values(ELECT_LESSONS), ...Object.values(MEMBER_LESSONS)].flat();
/** Unsafe switches that break no Figure 3 invariant, only linearizability (the checker's verdict shows them). */
const READ_ONLY_UNSAFE = new Set(['leaderReadsLocally']);

/**
 * Kept without presenter pauses: the first lesson is also the run the page opens with, which the
 * browser tests play live from time 0 (see test/browser.test.ts).
 */
const UNPAUSED = new Set(['basic-election.yaml']);

const CJK = /[\u4e00-\u9fff]/;

function says(s: Scenario) {
  return s.steps.filter((st): st is Extract<Step, { kind: 'say' }> => st.kind === 'say');
}

function run(f: string) {
  const out = runScenarioFile(text(f), `scenarios/${f}`);
  if (out.kind === 'invalid') throw new Error(out.error);
  return out;
}

/** A run that keeps its full trace (messages and faults), for content checks. */
function traced(f: string) {
  const runner = new ScenarioRunner(parse(f), { keepTrace: true, linearizable: linearizableHook });
  runner.runToEnd();
  expect(runner.ok).toBe(true);
  return runner;
}

const gets = (history: HistoryRecord[], key: string) => history.filter((h) => h.op === 'get' && h.key === key && !h.prefix);

describe('the scenario library', () => {
  it('contains the 14 lessons of issue 5', () => {
    for (const [lesson, names] of Object.entries(LESSONS)) {
      for (const n of names) expect(files, `lesson "${lesson}"`).toContain(n);
    }
    expect(Object.keys(LESSONS)).toHaveLength(14);
  });

  it('contains the lessons of issue 12', () => {
    for (const [lesson, names] of Object.entries(ELECT_LESSONS)) {
      for (const n of names) expect(files, `lesson "${lesson}"`).toContain(n);
    }
  });

  it('contains the lessons of issue 13', () => {
    for (const [lesson, names] of Object.entries(MEMBER_LESSONS)) {
      for (const n of names) expect(files, `lesson "${lesson}"`).toContain(n);
    }
  });

  it('names its files in kebab-case', () => {
    for (const f of files) expect(f).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*\.yaml$/);
  });

  for (const f of files) {
    describe(f, () => {
      it('parses, with a summary, concepts and a Chinese title, summary and description', () => {
        const s = parse(f);
        expect(s.title.trim()).not.toBe('');
        expect(s.summary.trim()).not.toBe('');
        expect(s.summary).not.toContain('\n');
        expect(s.concepts.length).toBeGreaterThanOrEqual(1);
        expect(s.description.trim()).not.toBe('');
        const zh = s.i18n.zh;
        for (const field of ['title', 'summary', 'description'] as const) {
          expect(zh?.[field]?.trim() ?? '', `i18n.zh.${field}`).not.toBe('');
          expect(zh?.[field], `i18n.zh.${field}`).toMatch(CJK);
        }
      });

      it('has every caption in English and Chinese', () => {
        const captions = says(parse(f));
        expect(captions.length).toBeGreaterThanOrEqual(2);
        for (const c of captions) {
          expect(c.text.trim(), `line ${c.line}`).not.toBe('');
          expect(c.zh?.trim() ?? '', `line ${c.line}: missing zh`).not.toBe('');
          expect(c.zh, `line ${c.line}`).toMatch(CJK);
        }
      });

      if (lessonFiles.includes(f) && !UNPAUSED.has(f)) {
        it('holds the presenter at 2 to 4 key captions', () => {
          const paused = says(parse(f)).filter((c) => c.pause).length;
          expect(paused).toBeGreaterThanOrEqual(2);
          expect(paused).toBeLessThanOrEqual(4);
        });
      }

      it('passes headless, ending with expect steps that hold', () => {
        const { report, scenario } = run(f);
        const failed = report.steps.find((s) => s.ok !== true);
        expect(failed ? `step ${failed.index} (line ${failed.line}): ${failed.message}` : 'all steps ok').toBe('all steps ok');
        expect(report.ok).toBe(true);
        expect(report.steps.at(-1)!.kind).toBe('expect');
        const expects = scenario.steps.filter((s): s is Extract<Step, { kind: 'expect' }> => s.kind === 'expect');
        if (scenario.cluster.unsafe.every((u) => READ_ONLY_UNSAFE.has(u))) {
          expect(expects.some((e) => e.checks.invariants === 'ok')).toBe(true);
          expect(report.invariants.ok).toBe(true);
          // A read-only unsafe switch shows itself in the linearizability verdict, which the lesson expects.
          if (scenario.cluster.unsafe.length) expect(expects.some((e) => e.checks.linearizable === false)).toBe(true);
        } else {
          expect(expects.some((e) => typeof e.checks.invariants === 'object')).toBe(true);
        }
        // Lessons stay short so the whole library runs quickly in CI.
        expect(report.final.timeMs).toBeLessThan(6000);
      });
    });
  }
});

describe('what the lessons show', () => {
  it('split-vote: term 1 has two candidates and no leader; term 2 elects one', () => {
    const runner = traced('split-vote.yaml');
    const won = runner.sim.trace.filter((e) => e.kind === 'note' && e.note.kind === 'electionWon').map((e) => (e as { note: { term: number } }).note.term);
    expect(won).toEqual([2]);
    const started = runner.sim.trace.filter((e) => e.kind === 'note' && e.note.kind === 'electionStarted').map((e) => (e as { note: { term: number } }).note.term);
    expect(started.filter((t) => t === 1)).toHaveLength(2);
  });

  it('follower-crash-catch-up: S5 missed writes while down, then holds the same log and store as the leader', () => {
    const { report } = run('follower-crash-catch-up.yaml');
    const leader = report.final.nodes.find((n) => n.role === 'leader')!;
    const s5 = report.final.nodes.find((n) => n.id === 'S5')!;
    expect(s5.log).toEqual(leader.log);
    expect(s5.kv).toEqual(leader.kv);
    expect(s5.revision).toBe(leader.revision);
  });

  it('stale-read: the old leader serves x=old by a serializable read; the log-backed read returns x=new', () => {
    const { report } = run('stale-read.yaml');
    const reads = gets(report.history, 'x');
    const stale = reads.find((h) => h.serializable && h.value === 'old');
    expect(stale).toBeDefined();
    // x=new was committed (and applied by the new leader) before the stale read was sent.
    const write = report.history.find((h) => h.op === 'put' && h.value === 'new')!;
    expect(write.result).toBe('ok');
    expect(stale!.invokeMs).toBeGreaterThan(write.invokeMs);
    // Through the log, the old leader cannot answer; the real leader answers x=new.
    expect(reads.some((h) => !h.serializable && h.result === 'unknown')).toBe(true);
    expect(reads.some((h) => !h.serializable && h.result === 'ok' && h.value === 'new')).toBe(true);
  });

  it('client-retry-dedup: the retried cas is in the log twice but applied once (version 2, revision 3)', () => {
    const { report } = run('client-retry-dedup.yaml');
    const cas = report.history.filter((h) => h.op === 'cas');
    expect(cas).toHaveLength(1);
    expect(cas[0].result).toBe('ok');
    expect((cas[0].response as { succeeded: boolean }).succeeded).toBe(true);
    for (const n of report.final.nodes) {
      expect(n.log.filter((e) => e.command.startsWith('txn ')).length).toBe(2);
      expect(n.kv).toEqual({ balance: '70' });
      // Initial revision 1, put balance=100 -> 2, the withdrawal -> 3; the duplicate changed nothing.
      expect(n.revision).toBe(3);
    }
    const read = gets(report.history, 'balance').at(-1)!;
    const kv = (read.response as { kvs: { value: string; version: number; modRevision: number }[] }).kvs[0];
    expect(kv).toEqual(expect.objectContaining({ value: '70', version: 2, modRevision: 3 }));
  });

  it('lossy-network: messages really were lost and duplicated, and the history is linearizable', () => {
    const runner = traced('lossy-network.yaml');
    const msgs = runner.sim.messages.toArray();
    expect(msgs.filter((m) => m.dropReason === 'loss').length).toBeGreaterThan(20);
    expect(msgs.filter((m) => m.duplicateOf !== undefined).length).toBeGreaterThan(20);
    expect(runner.sim.history.every((h) => h.result === 'ok' || h.op === 'get')).toBe(true);
    expect(linearizableHook(runner.sim.historyWithPending()).ok).toBe(true);
  });

  it('full-cluster-restart: every server crashed at once and the committed writes came back', () => {
    const runner = traced('full-cluster-restart.yaml');
    const crashes = runner.sim.trace.filter((e): e is Extract<typeof e, { kind: 'fault' }> => e.kind === 'fault' && e.action === 'crash');
    expect(new Set(crashes.flatMap((c) => c.nodes))).toEqual(new Set(['S1', 'S2', 'S3', 'S4', 'S5']));
    expect(new Set(crashes.map((c) => c.atMs)).size).toBe(1);
    for (const v of runner.sim.views()) expect(Object.fromEntries(Object.entries(v.kv.kvs).map(([k, kv]) => [k, kv.value]))).toEqual({ x: '3', y: '2' });
  });

  it('distributed-lock: of the two racing acquisitions exactly one succeeded, and the other client acquired after the release', () => {
    const { report } = run('distributed-lock.yaml');
    const acquires = report.history.filter((h) => h.op === 'cas' && h.key === 'lock');
    const [first, second] = acquires;
    expect([first.result, second.result].sort()).toEqual(['fail', 'ok']);
    expect(acquires.filter((h) => h.result === 'ok').map((h) => h.to)).toEqual(['c1', 'c2']);
  });

  it('config-key: a serializable read via every server returns the new value', () => {
    const { report, scenario } = run('config-key.yaml');
    const via = scenario.steps.filter((s) => s.kind === 'get' && s.serializable).map((s) => (s as { via?: string }).via);
    expect(new Set(via)).toEqual(new Set(scenario.cluster.nodes));
    const reads = gets(report.history, 'config/max-connections').filter((h) => h.serializable);
    expect(reads.map((h) => h.value)).toEqual(scenario.cluster.nodes.map(() => '200'));
  });
});

/** The notes of one kind in a run's trace, with the server that made them. */
function notesOf<K extends string>(runner: ScenarioRunner, kind: K) {
  return runner.sim.trace.flatMap((e) => (e.kind === 'note' && e.note.kind === kind ? [{ node: e.node, atMs: e.atMs, note: e.note as Extract<typeof e.note, { kind: K }> }] : []));
}

describe('what the issue 12 lessons show', () => {
  it('disruptive-rejoin: the isolated server\'s term climbs and its return deposes the leader (§4.2.3)', () => {
    const runner = traced('disruptive-rejoin.yaml');
    const s5 = notesOf(runner, 'electionStarted').filter((n) => n.node === 'S5');
    expect(s5.length).toBeGreaterThanOrEqual(5);
    expect(notesOf(runner, 'steppedDown').some((n) => n.node === 'S1' && n.note.cause === 'higherTerm' && n.note.from === 'S5')).toBe(true);
    expect(runner.sim.trace.some((e) => e.kind === 'role' && e.to === 'preCandidate')).toBe(false);
  });

  it('disruptive-rejoin-prevote: S5 is a pre-candidate, never a candidate; every server refuses its pre-vote; S1 keeps term 1 (§9.6)', () => {
    const runner = traced('disruptive-rejoin-prevote.yaml');
    const roles = runner.sim.trace.filter((e) => e.kind === 'role' && e.node === 'S5').map((e) => (e as { to: string }).to);
    expect(roles).toContain('preCandidate');
    expect(roles).not.toContain('candidate');
    const refusals = notesOf(runner, 'preVoteRefused').filter((n) => n.note.candidate === 'S5' && n.note.reason === 'leaderActive');
    expect(new Set(refusals.map((n) => n.node))).toEqual(new Set(['S1', 'S2', 'S3', 'S4']));
    expect(runner.sim.server('S1').raft.currentTerm).toBe(1);
    expect(runner.sim.leader()?.id).toBe('S1');
  });

  it('check-quorum: the minority leader steps down by CheckQuorum, hearing from 2 of 5 (§6.2)', () => {
    const runner = traced('check-quorum.yaml');
    const down = notesOf(runner, 'steppedDown').filter((n) => n.note.cause === 'checkQuorum');
    expect(down.map((n) => n.node)).toEqual(['S1']);
    const note = down[0].note as Extract<typeof down[0]['note'], { cause: 'checkQuorum' }>;
    expect([note.heardFrom.length, note.servers]).toEqual([2, 5]);
    const lost = runner.sim.history.find((h) => h.value === 'lost')!;
    expect(lost.result).toBe('unknown');
  });

  it('read-paths: five reads, each by its own path, then a stale local read; the checker says not linearizable', () => {
    const runner = traced('read-paths.yaml');
    const confirmed = notesOf(runner, 'readConfirmed');
    expect(confirmed.length).toBeGreaterThanOrEqual(2);
    expect(notesOf(runner, 'readForwarded').map((n) => n.node)).toEqual(['S2']);
    expect(notesOf(runner, 'leaseRead').length).toBe(1);
    expect(notesOf(runner, 'readLocal').map((n) => n.node)).toEqual(['S1']);
    const reads = gets(runner.sim.history, 'x');
    expect(reads.map((h) => h.value)).toEqual(['1', '1', '1', '1', '1', '1']);
    expect(reads.filter((h) => h.serializable).length).toBe(1);
    expect(linearizableHook(runner.sim.historyWithPending()).ok).toBe(false);
    const report = run('read-paths.yaml').report;
    expect([report.linearizable, report.ok]).toEqual([false, true]);
  });

  it('lease-read-clock-drift: within the bound the deposed leader gives no answer; with a half-speed clock it serves a stale lease read', () => {
    const runner = traced('lease-read-clock-drift.yaml');
    const leaseReads = notesOf(runner, 'leaseRead');
    expect(leaseReads.map((n) => n.node)).toEqual(['S2', 'S1']);
    const stale = gets(runner.sim.history, 'x').at(-1)!;
    expect([stale.value, stale.result]).toEqual(['2', 'ok']);
    expect(runner.sim.history.some((h) => h.op === 'put' && h.value === '3' && h.result === 'ok' && h.returnOrder! < stale.invokeOrder)).toBe(true);
    expect(linearizableHook(runner.sim.historyWithPending()).ok).toBe(false);
  });

  it('leader-transfer: catch-up, TimeoutNow, a new leader within a round trip or two; the transfer to a crashed server is abandoned after an election timeout', () => {
    const runner = traced('leader-transfer.yaml');
    const started = notesOf(runner, 'transferStarted');
    expect(started.map((n) => n.note.to)).toEqual(['S5', 'S2']);
    expect(started[0].note.matchIndex).toBeLessThan(started[0].note.lastLogIndex);
    const sent = notesOf(runner, 'timeoutNowSent').find((n) => n.note.to === 'S5')!;
    const won = notesOf(runner, 'electionWon').find((n) => n.node === 'S5')!;
    expect(won.atMs - started[0].atMs).toBeLessThan(150); // under the minimum election timeout
    expect(sent.atMs).toBeGreaterThan(started[0].atMs);
    const abandoned = notesOf(runner, 'transferAbandoned');
    expect(abandoned.map((n) => [n.note.to, n.note.reason])).toEqual([['S2', 'timeout']]);
    expect(abandoned[0].note.elapsedMs).toBeGreaterThanOrEqual(150);
  });

  it('etcd-defaults: heartbeat 100 ms, election timeouts of at least 1000 ms, pre-votes before each election, a read without a log entry', () => {
    const runner = traced('etcd-defaults.yaml');
    const c = runner.scenario.cluster;
    expect([c.heartbeatMs, c.electionTimeoutMs, c.preVote, c.checkQuorum, c.reads]).toEqual([100, [1000, 2000], true, true, 'readIndex']);
    const first = runner.sim.trace.find((e) => e.kind === 'role' && e.to !== 'follower')!;
    expect([(first as { to: string }).to, first.atMs >= 1000]).toEqual(['preCandidate', true]);
    expect(notesOf(runner, 'preVoteWon').length).toBe(2);
    expect(notesOf(runner, 'readConfirmed').length).toBe(1);
  });
});
