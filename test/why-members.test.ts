/**
 * The why feed words every note of issue 13 (configuration changes, Raft paper §6 and thesis
 * Chapter 4; learners and removed servers; snapshots and InstallSnapshot, paper §7 and Figure 13)
 * as one whole sentence with its source, in English and in Chinese. The notes come from real
 * RaftNodes driven through the in-test network (test/raft-net.ts), in the runs etcd raft's own
 * tests make: adding, promoting and removing servers, a joint change, a removed leader, a
 * follower caught up by snapshot.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linearizableHook } from '../src/check/hook';
import { RaftNode } from '../src/raft/node';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { ConfChange, NodeId, RaftEffect, RaftNote, Snapshot } from '../src/raft/types';
import type { TraceEvent } from '../src/sim/types';
import { setLocale, t } from '../src/ui/i18n';
import { linkTerms } from '../src/ui/model/glossary';
import { votersAt } from '../src/ui/model/voters';
import { confChangeText, whyContextOf, whyLine } from '../src/ui/model/why';
import { Net, terms, type Options } from './raft-net';

const CJK = /[\u4e00-\u9fff]/;
const add = (id: NodeId): ConfChange => ({ changes: [{ type: 'addNode', nodeId: id }] });
const addLearner = (id: NodeId): ConfChange => ({ changes: [{ type: 'addLearnerNode', nodeId: id }] });
const remove = (id: NodeId): ConfChange => ({ changes: [{ type: 'removeNode', nodeId: id }] });

type NoteEvent = Extract<TraceEvent, { kind: 'note' }>;

/** A Net of `all` servers whose bootstrap configuration is `voters` (+ `learners`); the rest are spares. */
function cluster(all: NodeId[], voters: NodeId[], learners: NodeId[] = [], options: Options = {}): Net {
  const perNode: Record<NodeId, Options> = {};
  for (const id of all) if (!voters.includes(id) && !learners.includes(id)) perNode[id] = { spare: true };
  return new Net(all, { servers: voters, learners, ...options }, perNode);
}

/** Every note of a Net's servers, as the trace records them. */
function notesOf(net: Net): NoteEvent[] {
  const out: NoteEvent[] = [];
  for (const id of net.servers) for (const f of net.effectsOf(id)) if (f.type === 'note') out.push({ atMs: 0, kind: 'note', node: id, note: f.note });
  return out;
}

function notesOfEffects(node: NodeId, fx: RaftEffect[]): NoteEvent[] {
  return fx.flatMap((f) => (f.type === 'note' ? [{ atMs: 0, kind: 'note' as const, node, note: f.note }] : []));
}

/** The host's `compact`: the state machine is the list of applied commands. */
function compact(net: Net, id: NodeId): void {
  const sm: unknown[] = [];
  for (const f of net.effectsOf(id)) if (f.type === 'apply') sm.push(f.entry.command);
  net.step(id, { type: 'compact', data: sm });
}

/** The runs: etcd raft's membership and snapshot tests, as in raft-membership / raft-snapshot.test.ts. */
function runs(): NoteEvent[] {
  const out: NoteEvent[] = [];
  // TestLearnerPromotion, with the refusals a member step can meet on the way.
  {
    const net = cluster(['S1', 'S2', 'S3', 'S4'], ['S1', 'S2'], [], { snapshotCatchUpEntries: 1 });
    net.campaign('S1');
    net.timeout('S3'); // a spare's timer: campaignSkipped notMember
    net.step('S1', { type: 'proposeConfChange', change: addLearner('S3') });
    net.step('S1', { type: 'proposeConfChange', change: add('S4') }); // confChangePending
    net.deliver();
    net.heartbeatRound('S1');
    net.timeout('S3'); // a learner's timer
    net.step('S1', { type: 'transferLeadership', to: 'S3' }); // transferRefused learner
    net.proposeConf('S1', addLearner('S3')); // alreadyLearner
    net.proposeConf('S1', add('S2')); // alreadyVoter
    net.proposeConf('S1', remove('S9')); // notMember
    net.proposeConf('S1', { changes: [] }); // notInJointConfig
    net.proposeConf('S1', add('S3')); // promote
    net.heartbeatRound('S1');
    net.step('S1', { type: 'transferLeadership', to: 'S2' });
    net.step('S1', { type: 'proposeConfChange', change: remove('S2') }); // transferring
    out.push(...notesOf(net));
  }
  // confchange_v2_add_double_auto, and a change proposed while joint.
  {
    const net = cluster(['S1', 'S2', 'S3'], ['S1']);
    net.campaign('S1');
    net.step('S1', { type: 'proposeConfChange', change: { transition: 'explicit', changes: [{ type: 'addNode', nodeId: 'S2' }, { type: 'addNode', nodeId: 'S3' }] } });
    net.deliver();
    net.heartbeatRound('S1');
    net.proposeConf('S1', remove('S2')); // inJointConfig
    net.proposeConf('S1', { changes: [] });
    net.heartbeatRound('S1');
    const auto = cluster(['S1', 'S2', 'S3'], ['S1']);
    auto.campaign('S1');
    auto.proposeConf('S1', { changes: [{ type: 'addNode', nodeId: 'S2' }, { type: 'addNode', nodeId: 'S3' }] });
    auto.heartbeatRound('S1');
    out.push(...notesOf(net), ...notesOf(auto));
  }
  // TestStepDownOnRemoval, then removing the last voter.
  {
    const net = cluster(['S1', 'S2', 'S3'], ['S1', 'S2', 'S3']);
    net.campaign('S1');
    net.proposeConf('S1', remove('S1'));
    net.timeout('S1');
    net.campaign('S2');
    net.proposeConf('S2', remove('S3'));
    net.heartbeatRound('S2');
    net.proposeConf('S2', remove('S2')); // removesAllVoters
    out.push(...notesOf(net));
  }
  // TestProvideSnap and a lost InstallSnapshot (snapshotSent, snapshotUnacknowledged, snapshotInstalled).
  {
    const net = new Net(['S1', 'S2', 'S3'], { snapshotCatchUpEntries: 0 });
    net.isolate('S3');
    net.campaign('S1');
    for (let i = 0; i < 3; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    net.recover();
    net.drop = (m) => m.type === 'InstallSnapshot';
    net.heartbeatRound('S1');
    net.heartbeatRound('S1');
    net.recover();
    net.heartbeatRound('S1');
    out.push(...notesOf(net));
  }
  // TestRestoreIgnoreSnapshot (committed, fastForward) and a snapshot replacing a conflicting log.
  {
    const servers = ['S1', 'S2', 'S3'];
    const n = new RaftNode({ id: 'S2', servers, heartbeatMs: 100 }, { currentTerm: 1, votedFor: null, log: terms(1, 1, 1) });
    n.start(0);
    n.step({ type: 'message', msg: { type: 'AppendEntries', from: 'S1', to: 'S2', term: 1, leaderId: 'S1', prevLogIndex: 3, prevLogTerm: 1, entries: [], leaderCommit: 1 } });
    const snapshot = (index: number, term: number): Snapshot => ({ metadata: { index, term, config: n.config }, data: [] });
    const is = (index: number, term: number) => ({ type: 'InstallSnapshot' as const, from: 'S1', to: 'S2', term, leaderId: 'S1', lastIncludedIndex: index, lastIncludedTerm: term, snapshot: snapshot(index, term) });
    out.push(...notesOfEffects('S2', n.step({ type: 'message', msg: is(1, 1) })));
    out.push(...notesOfEffects('S2', n.step({ type: 'message', msg: is(3, 1) })));
    const m = new RaftNode({ id: 'S3', servers, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: terms(1, 1, 1, 1) });
    m.start(0);
    out.push(...notesOfEffects('S3', m.step({ type: 'message', msg: is(3, 2) })));
    // A follower told to apply a ConfChange that does not fit its configuration (leaving a joint
    // configuration it is not in): it ignores it (etcd raft would panic).
    const f = new RaftNode({ id: 'S3', servers, heartbeatMs: 100 });
    f.start(0);
    const bad = { term: 1, command: { type: 'noop' as const }, confChange: { changes: [] } };
    out.push(...notesOfEffects('S3', f.step({ type: 'message', msg: { type: 'AppendEntries', from: 'S1', to: 'S3', term: 1, leaderId: 'S1', prevLogIndex: 0, prevLogTerm: 0, entries: [bad], leaderCommit: 1 } })));
  }
  return out;
}

const KINDS: RaftNote['kind'][] = [
  'confChangeProposed', 'confChangeRefused', 'confChangeApplied', 'confChangeIgnored', 'leaderRemoved', 'campaignSkipped',
  'snapshotTaken', 'snapshotSent', 'snapshotRestored', 'snapshotIgnored', 'progressChanged', 'transferRefused',
];

afterEach(() => setLocale('en'));

describe('why lines of the issue 13 notes', () => {
  const all = runs();
  const notes = all.filter((e) => KINDS.includes(e.note.kind));
  const of = <K extends RaftNote['kind']>(kind: K, pick: (n: Extract<RaftNote, { kind: K }>) => boolean = () => true): NoteEvent[] =>
    notes.filter((e) => e.note.kind === kind && pick(e.note as Extract<RaftNote, { kind: K }>));

  it('the runs produce every new note, every refusal a leader can give, every campaignSkipped reason but one, and every snapshot cause of progressChanged', () => {
    expect(new Set(notes.map((e) => e.note.kind))).toEqual(new Set(KINDS));
    expect(new Set(of('confChangeRefused').map((e) => (e.note as Extract<RaftNote, { kind: 'confChangeRefused' }>).reason))).toEqual(new Set([
      'confChangePending', 'inJointConfig', 'notInJointConfig', 'removesAllVoters', 'alreadyVoter', 'alreadyLearner', 'notMember', 'transferring',
    ]));
    expect(new Set(of('campaignSkipped').map((e) => (e.note as Extract<RaftNote, { kind: 'campaignSkipped' }>).reason))).toEqual(new Set(['learner', 'notMember']));
    expect(new Set(of('confChangeApplied').map((e) => (e.note as Extract<RaftNote, { kind: 'confChangeApplied' }>).joint))).toEqual(new Set(['none', 'entered', 'left']));
    expect(new Set(of('snapshotIgnored').map((e) => (e.note as Extract<RaftNote, { kind: 'snapshotIgnored' }>).reason))).toEqual(new Set(['committed', 'fastForward']));
    const causes = new Set(of('progressChanged').map((e) => (e.note as Extract<RaftNote, { kind: 'progressChanged' }>).cause));
    for (const c of ['snapshotSent', 'snapshotInstalled', 'snapshotUnacknowledged'] as const) expect(causes).toContain(c);
  });

  // Notes a leader cannot be led to through its inputs here: a restarted server with a committed,
  // unapplied ConfChange (between construction and start, test/raft-storage.test.ts), a change of
  // several voters without joint consensus (a single change moves one voter at most), and a
  // snapshot answer short of the log.
  const rare: NoteEvent[] = [
    { atMs: 0, kind: 'note', node: 'S3', note: { kind: 'campaignSkipped', term: 1, reason: 'unappliedConfChange' } },
    { atMs: 0, kind: 'note', node: 'S1', note: { kind: 'confChangeRefused', term: 1, change: { changes: [{ type: 'removeNode', nodeId: 'S2' }, { type: 'removeNode', nodeId: 'S3' }] }, reason: 'tooManyVoterChanges' } },
    { atMs: 0, kind: 'note', node: 'S1', note: { kind: 'progressChanged', peer: 'S3', term: 1, from: 'snapshot', to: 'probe', cause: 'snapshotIgnored', index: 4 } },
  ];

  it('each is a whole sentence in English and Chinese, with no placeholder left, citing its source', () => {
    for (const lang of ['en', 'zh'] as const) {
      setLocale(lang);
      for (const e of [...notes, ...rare]) {
        const line = whyLine(e, 3);
        expect(line, `${e.note.kind} in ${lang}`).not.toBeNull();
        expect(line!.text, JSON.stringify(e.note)).not.toMatch(/\{\w+\}/);
        expect(line!.text, JSON.stringify(e.note)).toMatch(lang === 'zh' ? /[。）]$/ : /[.)]$/);
        if (lang === 'zh') expect(line!.text, e.note.kind).toMatch(CJK);
        expect(line!.text, JSON.stringify(e.note)).toMatch(/§\d|etcd raft/);
      }
    }
  });

  it('says what the issue asks: a change names its servers, a joint configuration both majorities, a refusal its reason, a snapshot its indexes', () => {
    const promoted = of('confChangeApplied', (n) => n.joint === 'none' && n.change.changes[0]?.nodeId === 'S3' && n.change.changes[0].type === 'addNode' && n.config.voters.includes('S3'))[0];
    expect(whyLine(promoted, 4)!.text).toMatch(/^S\d applies the configuration change at index \d+ \(make S3 a voter\): its voters are now S1, S2, S3 \(thesis §4\.1/);
    const learner = of('confChangeApplied', (n) => n.config.learners.includes('S3'))[0];
    expect(whyLine(learner, 4)!.text).toContain('(make S3 a learner): its voters are now S1, S2 and its learners S3');
    const joint = of('confChangeApplied', (n) => n.joint === 'entered')[0];
    expect(whyLine(joint, 3)!.text).toContain('decisions need a majority of the old voters S1 and a majority of the new voters S1, S2, S3 (joint consensus, Raft paper §6)');
    const pending = of('confChangeRefused', (n) => n.reason === 'confChangePending')[0];
    expect(whyLine(pending, 4)!.text).toBe('S1 refuses the configuration change (make S4 a voter): the change at index 2 is not applied yet, and only one may be pending at a time (thesis §4.1; etcd raft pendingConfIndex).');
    const notMember = of('confChangeRefused', (n) => n.reason === 'notMember')[0];
    expect(whyLine(notMember, 4)!.text).toContain('S9 is neither a voter nor a learner');
    const sent = of('snapshotSent')[0];
    expect(whyLine(sent, 3)!.text).toBe('S1 sends S3 its snapshot up to index 4 (InstallSnapshot): S3 needs entries from index 1 on, but S1’s log starts at index 5 (Raft paper §7, Figure 13).');
    const removed = of('leaderRemoved')[0];
    expect(whyLine(removed, 3)!.text).toBe('S1 applied the change at index 2 that takes it out of the voters: it steps down to follower in term 1 and no longer campaigns (StepDownOnRemoval, thesis §4.2.2).');
    const discard = of('snapshotRestored', (n) => n.discarded > 0)[0];
    expect(whyLine(discard, 3)!.text).toContain('it drops the log it had (4 entries)');
    setLocale('zh');
    expect(whyLine(joint, 3)!.text).toContain('旧投票者 S1 的多数派和新投票者 S1, S2, S3 的多数派');
    expect(whyLine(pending, 4)!.text).toContain('索引 2 处的变更还没有应用');
  });

  it('links the glossary’s membership and snapshot terms from these lines, in both languages', () => {
    const learner = of('confChangeApplied', (n) => n.config.learners.includes('S3'))[0];
    const sent = of('snapshotSent')[0];
    const joint = of('confChangeApplied', (n) => n.joint === 'entered')[0];
    const ids = (e: NoteEvent, lang: 'en' | 'zh') => linkTerms(whyLine(e, 3)!.text, lang).flatMap((p) => (p.term ? [p.term] : []));
    expect(ids(learner, 'en')).toEqual(expect.arrayContaining(['confChange', 'learner']));
    expect(ids(sent, 'en')).toEqual(expect.arrayContaining(['logCompaction', 'snapshotState']));
    expect(ids(joint, 'en')).toContain('jointConsensus');
    setLocale('zh');
    expect(ids(learner, 'zh')).toEqual(expect.arrayContaining(['confChange', 'learner']));
    expect(ids(joint, 'zh')).toContain('jointConsensus');
  });

  it('a ConfChange reads as its list of changes; the empty one leaves the joint configuration', () => {
    expect(confChangeText({ changes: [{ type: 'addNode', nodeId: 'S4' }, { type: 'removeNode', nodeId: 'S1' }] })).toBe('make S4 a voter, remove S1');
    expect(confChangeText({ changes: [] })).toBe('leave the joint configuration');
    setLocale('zh');
    expect(confChangeText({ changes: [{ type: 'addLearnerNode', nodeId: 'S4' }, { type: 'removeNode', nodeId: 'S1' }] })).toBe('让 S4 成为学习者、移除 S1');
  });
});

describe('why lines in the issue 13 lessons', () => {
  const LESSONS = ['add-members-one-by-one', 'replace-failed-member', 'joint-consensus', 'unsafe-two-at-once', 'remove-the-leader', 'snapshot-catch-up', 'fsync-and-crash', 'fsync-and-crash-unsafe'];
  const root = join(__dirname, '..');
  const traces = LESSONS.map((name) => {
    const file = `scenarios/${name}.yaml`;
    const runner = new ScenarioRunner(parseScenario(readFileSync(join(root, file), 'utf8'), file), { keepTrace: true, linearizable: linearizableHook });
    runner.runToEnd();
    return { name, trace: runner.sim.trace, config: runner.sim.config, ctx: whyContextOf(runner.sim) };
  });

  it('every new note and every membership, start and compact action of the lessons is worded in both languages, with no placeholder left', () => {
    const seen = new Set<string>();
    for (const lang of ['en', 'zh'] as const) {
      setLocale(lang);
      for (const { name, trace, config, ctx } of traces) {
        trace.forEach((e, i) => {
          const mine = (e.kind === 'note' && KINDS.includes(e.note.kind)) || (e.kind === 'fault' && ['member', 'start', 'compact'].includes(e.action));
          if (!mine) return;
          const line = whyLine(e, votersAt({ trace, config }, i), ctx);
          const what = `${name}: ${e.kind === 'note' ? e.note.kind : (e as { action: string }).action}`;
          expect(line, what).not.toBeNull();
          expect(line!.text, what).not.toMatch(/\{\w+\}/);
          // An action the why feed knows reads as a sentence of its own, not the generic "action: servers (detail)".
          expect(line!.text, what).not.toBe(t('why.fault.other', { action: (e as { action?: string }).action ?? '', nodes: '', detail: '' }));
          if (lang === 'zh') expect(line!.text, what).toMatch(CJK);
          seen.add(e.kind === 'note' ? e.note.kind : (e as { action: string }).action);
        });
      }
    }
    for (const k of ['confChangeProposed', 'confChangeApplied', 'leaderRemoved', 'snapshotTaken', 'snapshotSent', 'snapshotRestored', 'member', 'start']) expect(seen, k).toContain(k);
  });

  it('unsafe-two-at-once: the change of several voters is worded as applied at once, against Raft paper §6; joint-consensus as a joint configuration', () => {
    const unsafe = traces.find((x) => x.name === 'unsafe-two-at-once')!;
    expect(unsafe.ctx).toEqual({ unsafeMultiServerChange: true });
    const proposed = unsafe.trace.find((e) => e.kind === 'note' && e.note.kind === 'confChangeProposed')!;
    expect(whyLine(proposed, 3, unsafe.ctx)!.text).toMatch(/with the unsafe switch unsafeMultiServerChange each server will apply it at once, without a joint configuration, which Raft paper §6 forbids/);
    const applied = unsafe.trace.find((e) => e.kind === 'note' && e.note.kind === 'confChangeApplied')!;
    expect(whyLine(applied, 3, unsafe.ctx)!.text).toMatch(/at once, without joint consensus: its voters are now S1, S2, S3, S4, S5/);
    const joint = traces.find((x) => x.name === 'joint-consensus')!;
    expect(joint.ctx).toEqual({});
    const jp = joint.trace.find((e) => e.kind === 'note' && e.note.kind === 'confChangeProposed')!;
    expect(whyLine(jp, 3, joint.ctx)!.text).toMatch(/appends a joint configuration change at index \d+ \(make S4 a voter, make S5 a voter, make S6 a voter, remove S1\)/);
  });

  it('counts votes and replicas over the voters of the moment: the bootstrap voters, then each applied change', () => {
    const { trace, config } = traces[0]; // add-members-one-by-one: 1 → 3 voters
    const won = trace.findIndex((e) => e.kind === 'note' && e.note.kind === 'electionWon');
    expect(votersAt({ trace, config }, won)).toBe(1);
    expect(votersAt({ trace, config })).toBe(3);
    const first = trace[won] as NoteEvent;
    expect(whyLine(first, votersAt({ trace, config }, won))!.text).toMatch(/with 1 of 1 votes \(S1\), a majority/);
  });
});
