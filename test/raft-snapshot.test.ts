/**
 * Log compaction and InstallSnapshot in the Raft node (Raft paper §7, Figure 13; etcd raft
 * maybeSendSnapshot, handleSnapshot, restore, tracker StateSnapshot), through the in-test network
 * of raft-net.ts. Tests named Test… mirror the etcd raft test of that name (raft_test.go), others
 * the datadriven transcript named (testdata/*.txt). The "state machine" here is the list of
 * applied commands, which each test keeps per server from the apply and restoreSnapshot effects.
 */
import { describe, expect, it } from 'vitest';
import { describeConfig } from '../src/raft/confchange';
import { RaftNode } from '../src/raft/node';
import type { NodeId, RaftEffect, Snapshot } from '../src/raft/types';
import { Net, terms, type Options } from './raft-net';

const THREE = ['S1', 'S2', 'S3'];

/** The applied commands of `id`, rebuilt from its effects as a host would (restoreSnapshot replaces them). */
function stateMachine(net: Net, id: NodeId): unknown[] {
  let sm: unknown[] = [];
  for (const f of net.effectsOf(id)) {
    if (f.type === 'apply') sm.push(f.entry.command);
    else if (f.type === 'restoreSnapshot') sm = (f.snapshot.data as unknown[]).slice();
  }
  return sm;
}

/** The host's `compact`: snapshot `id`'s state machine at its lastApplied. */
function compact(net: Net, id: NodeId): RaftEffect[] {
  return net.step(id, { type: 'compact', data: stateMachine(net, id) });
}

function leaderWith(n: number, options: Options = {}): Net {
  const net = new Net(THREE, { snapshotCatchUpEntries: 2, ...options });
  net.campaign('S1');
  for (let i = 0; i < n; i++) net.propose('S1', `v${i}`);
  net.heartbeatRound('S1');
  return net;
}

describe('log compaction (paper §7; etcd Storage.CreateSnapshot + Compact, SnapshotCatchUpEntries)', () => {
  it('TestCompact: a snapshot at lastApplied keeps snapshotCatchUpEntries entries behind it; indexes keep their meaning', () => {
    const net = leaderWith(9); // noop + 9 entries: lastApplied 10
    const s1 = net.node('S1');
    const before = s1.log.slice();
    const fx = compact(net, 'S1');
    expect([s1.snapshotIndex, s1.snapshotTerm, s1.compactedIndex, s1.firstIndex, s1.lastLogIndex]).toEqual([10, 1, 8, 9, 10]);
    expect(s1.log).toEqual(before.slice(8));
    expect(s1.entryAt(9)).toBe(before[8]);
    expect(s1.entryAt(8)).toBeUndefined();
    expect([s1.termAt(8), s1.termAt(7)]).toEqual([1, 0]); // the compacted index keeps its term; below it is gone
    expect(fx).toContainEqual({ type: 'compacted', index: 8, term: 1 });
    expect(net.notes('S1', 'snapshotTaken')).toEqual([{ kind: 'snapshotTaken', index: 10, term: 1, compactedIndex: 8 }]);
    expect(describeConfig(s1.snapshot!.metadata.config)).toBe('voters=(S1 S2 S3)');
    expect(s1.snapshot!.data).toEqual(stateMachine(net, 'S1'));
    // Replication goes on from the compacted log.
    net.propose('S1', 'after');
    net.heartbeatRound('S1');
    expect(net.node('S2').commitIndex).toBe(11);
  });

  it('a second compact at the same lastApplied changes nothing', () => {
    const net = leaderWith(4);
    compact(net, 'S1');
    const fx = compact(net, 'S1');
    expect(fx).toEqual([]);
  });
});

describe('InstallSnapshot (Figure 13; etcd MsgSnap)', () => {
  it('TestProvideSnap / snapshot_succeed_via_app_resp: a follower behind the compacted log gets the snapshot on its next heartbeat response; its answer takes it back to replicate', () => {
    const net = new Net(THREE, { snapshotCatchUpEntries: 0 });
    net.isolate('S3');
    net.campaign('S1');
    for (let i = 0; i < 5; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    expect(net.node('S1').firstIndex).toBe(7);
    expect(net.node('S1').progressOf('S3')!.view()).toMatchObject({ state: 'probe', matchIndex: 0 });
    net.recover();
    net.heartbeat('S1');
    // S3 answers the heartbeat (at index 0); the leader finds the entries S3 needs compacted away.
    net.deliverOnly((m) => m.type !== 'InstallSnapshot');
    const snap = net.queue.find((m) => m.type === 'InstallSnapshot');
    expect(snap).toMatchObject({ type: 'InstallSnapshot', from: 'S1', to: 'S3', term: 1, leaderId: 'S1', lastIncludedIndex: 6, lastIncludedTerm: 1 });
    expect(net.node('S1').progressOf('S3')!.view()).toMatchObject({ state: 'snapshot', pendingSnapshot: 6, paused: true });
    expect(net.notes('S1', 'progressChanged').at(-1)).toMatchObject({ peer: 'S3', from: 'probe', to: 'snapshot', cause: 'snapshotSent', index: 6 });
    expect(net.notes('S1', 'snapshotSent')).toEqual([{ kind: 'snapshotSent', peer: 'S3', term: 1, index: 6, nextIndex: 1, compactedIndex: 6 }]);
    net.deliver();
    const s3 = net.node('S3');
    expect([s3.commitIndex, s3.lastApplied, s3.snapshotIndex, s3.firstIndex, s3.log.length]).toEqual([6, 6, 6, 7, 0]);
    expect(net.effectsOf('S3')).toContainEqual({ type: 'restoreSnapshot', snapshot: net.node('S1').snapshot });
    expect(stateMachine(net, 'S3')).toEqual(stateMachine(net, 'S1'));
    // The answer moved S3 to replicate at the snapshot's index, without waiting for a new entry.
    expect(net.node('S1').progressOf('S3')!.view()).toMatchObject({ state: 'replicate', matchIndex: 6, nextIndex: 7 });
    expect(net.notes('S1', 'progressChanged').at(-1)).toMatchObject({ peer: 'S3', from: 'snapshot', to: 'replicate', cause: 'snapshotInstalled', index: 6 });
  });

  it('TestSlowNodeRestore: after restoring the snapshot the slow follower commits what the leader commits', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.isolate('S3');
    for (let i = 0; i < 30; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    net.recover();
    net.heartbeatRound('S1');
    net.propose('S1', 'one more');
    net.heartbeatRound('S1');
    expect(net.node('S3').commitIndex).toBe(net.node('S1').commitIndex);
    expect(stateMachine(net, 'S3')).toEqual(stateMachine(net, 'S1'));
    expect(net.deliveredOf('InstallSnapshot').length).toBe(1);
  });

  it('slow_follower_after_compaction: a follower whose in-flight entries were lost, behind a log compacted past it, is caught up by snapshot', () => {
    const net = new Net(THREE, { maxInflightMsgs: 2, snapshotCatchUpEntries: 0 });
    net.campaign('S1');
    for (let i = 0; i < 3; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    net.drop = (m) => m.to === 'S3' && m.type === 'AppendEntries' && m.entries.length > 0; // the appends to S3 are lost
    for (let i = 0; i < 4; i++) net.propose('S1', `w${i}`);
    expect(net.node('S1').progressOf('S3')!.view()).toMatchObject({ state: 'replicate', matchIndex: 4, paused: true });
    net.recover();
    compact(net, 'S1');
    expect(net.node('S1').firstIndex).toBe(9);
    for (let i = 0; i < 3; i++) net.heartbeatRound('S1');
    const causes = net.notes('S1', 'progressChanged').filter((n) => n.peer === 'S3').map((n) => `${n.from}>${n.to}:${n.cause}`);
    expect(causes.slice(-3)).toEqual(['replicate>probe:appendUnacknowledged', 'probe>snapshot:snapshotSent', 'snapshot>replicate:snapshotInstalled']);
    expect(net.node('S1').progressOf('S3')!.view()).toMatchObject({ state: 'replicate', matchIndex: 8, nextIndex: 9 });
    expect(net.node('S3').commitIndex).toBe(8);
  });

  it('a lost InstallSnapshot is presumed lost after two heartbeat responses, and sent again', () => {
    const net = new Net(THREE, { snapshotCatchUpEntries: 0 });
    net.isolate('S3');
    net.campaign('S1');
    for (let i = 0; i < 3; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    net.recover();
    net.drop = (m) => m.type === 'InstallSnapshot';
    net.heartbeatRound('S1'); // heartbeat response → snapshot sent (and lost)
    net.heartbeatRound('S1'); // one response without an answer
    net.recover();
    net.heartbeatRound('S1'); // the second: presumed lost, back to probe, which sends it again
    const causes = net.notes('S1', 'progressChanged').filter((n) => n.peer === 'S3').map((n) => n.cause);
    expect(causes).toEqual(['snapshotSent', 'snapshotUnacknowledged', 'snapshotSent', 'snapshotInstalled']);
    expect(net.node('S3').commitIndex).toBe(4);
  });

  it('TestRestoreIgnoreSnapshot: a snapshot not past commitIndex is ignored; one whose last entry the log already holds only moves commitIndex (etcd "fast-forwarded commit")', () => {
    const n = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100 }, { currentTerm: 1, votedFor: null, log: terms(1, 1, 1) });
    n.start(0);
    const ae = { type: 'AppendEntries' as const, from: 'S1', to: 'S2', term: 1, leaderId: 'S1', prevLogIndex: 3, prevLogTerm: 1, entries: [], leaderCommit: 1 };
    n.step({ type: 'message', msg: ae });
    const snapshot = (index: number): Snapshot => ({ metadata: { index, term: 1, config: n.config }, data: [] });
    const is = (index: number) => ({ type: 'InstallSnapshot' as const, from: 'S1', to: 'S2', term: 1, leaderId: 'S1', lastIncludedIndex: index, lastIncludedTerm: 1, snapshot: snapshot(index) });
    let fx = n.step({ type: 'message', msg: is(1) });
    expect(fx.filter((f) => f.type === 'send').map((f) => f.type === 'send' && f.msg)).toEqual([{ type: 'InstallSnapshotResponse', from: 'S2', to: 'S1', term: 1, matchIndex: 1 }]);
    expect(n.snapshotIndex).toBe(0);
    fx = n.step({ type: 'message', msg: is(3) });
    expect([n.commitIndex, n.lastApplied, n.snapshotIndex, n.log.length]).toEqual([3, 3, 0, 3]);
    expect(fx.filter((f) => f.type === 'apply').map((f) => f.type === 'apply' && f.index)).toEqual([2, 3]);
    expect(fx.some((f) => f.type === 'restoreSnapshot')).toBe(false);
  });

  it('a snapshot replaces a conflicting log: entries past commitIndex are dropped (logChanged) and the configuration is the snapshot\'s', () => {
    const n = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: terms(1, 1, 1, 1) });
    n.start(0);
    const snap: Snapshot = { metadata: { index: 3, term: 2, config: { voters: ['S1', 'S2', 'S3', 'S4'], votersOutgoing: [], learners: [], learnersNext: [], autoLeave: false } }, data: ['x'] };
    const fx = n.step({ type: 'message', msg: { type: 'InstallSnapshot', from: 'S1', to: 'S2', term: 2, leaderId: 'S1', lastIncludedIndex: 3, lastIncludedTerm: 2, snapshot: snap } });
    expect(fx).toContainEqual({ type: 'logChanged', fromIndex: 4 });
    expect(fx).toContainEqual({ type: 'restoreSnapshot', snapshot: snap });
    expect(fx).toContainEqual({ type: 'configChanged', index: 3, config: snap.metadata.config });
    expect([n.lastLogIndex, n.lastLogTerm, n.commitIndex, n.leaderId]).toEqual([3, 2, 3, 'S1']);
    expect(n.members).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(net0Notes(fx)).toEqual([{ kind: 'snapshotRestored', leader: 'S1', index: 3, term: 2, discarded: 4 }]);
  });

  it('TestRestoreFromSnap: a server restarting from a compacted log starts at its snapshot (committed, applied, its configuration) and tells the host to restore it', () => {
    const net = leaderWith(6);
    compact(net, 'S2');
    const s2 = net.node('S2');
    const snap = s2.snapshot!;
    const fx = net.restart('S2');
    const again = net.node('S2');
    expect([again.commitIndex, again.lastApplied, again.firstIndex, again.lastLogIndex]).toEqual([7, 7, 6, 7]);
    expect(fx).toEqual([{ type: 'restoreSnapshot', snapshot: snap }, { type: 'resetElectionTimer' }]);
    net.propose('S1', 'later');
    net.heartbeatRound('S1');
    expect(stateMachine(net, 'S2')).toEqual(stateMachine(net, 'S1'));
  });

  it('a spare added to a compacted cluster catches up by snapshot, then by entries, and applies its own addition', () => {
    const all = ['S1', 'S2', 'S3', 'S4'];
    const net = new Net(all, { servers: THREE, snapshotCatchUpEntries: 1 }, { S4: { spare: true } });
    net.campaign('S1');
    for (let i = 0; i < 6; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    net.proposeConf('S1', { changes: [{ type: 'addLearnerNode', nodeId: 'S4' }] });
    net.heartbeatRound('S1');
    net.heartbeatRound('S1');
    const s4 = net.node('S4');
    expect(net.deliveredOf('InstallSnapshot').map((m) => [m.to, m.lastIncludedIndex])).toEqual([['S4', 7]]);
    expect(describeConfig(s4.config)).toBe('voters=(S1 S2 S3) learners=(S4)');
    expect(s4.commitIndex).toBe(8);
    expect(stateMachine(net, 'S4')).toEqual(stateMachine(net, 'S1'));
  });
});

function net0Notes(fx: RaftEffect[]) {
  return fx.flatMap((f) => (f.type === 'note' && f.note.kind === 'snapshotRestored' ? [f.note] : []));
}

describe('a follower whose lost entries are compacted away (found by the issue 13 fuzzer)', () => {
  it('heartbeat responses to a follower behind the compacted log still count: its lost inflights are presumed lost and it is sent the snapshot', () => {
    // S3 is in replicate; the AppendEntries that fill its inflights are all lost, then the leader
    // compacts past them. A heartbeat to S3 then carries prevLogIndex 0 (its matchIndex is
    // compacted), below S3's own compacted log, and S3 answers with its commitIndex (etcd:
    // MsgAppResp at committed): that answer
    // must count as a heartbeat response, or the leader waits forever for the lost inflights.
    const net = leaderWith(4, { maxInflightMsgs: 2 });
    expect(net.node('S1').progressOf('S3')?.state).toBe('replicate');
    compact(net, 'S3'); // S3's own log starts after index 3: a prevLogIndex of 0 is below it
    net.drop = (m) => m.to === 'S3';
    for (let i = 0; i < 6; i++) net.propose('S1', `lost${i}`);
    net.heartbeatRound('S1');
    compact(net, 'S1');
    const s1 = net.node('S1');
    expect(s1.progressOf('S3')!.matchIndex).toBeLessThan(s1.compactedIndex);
    net.recover();
    for (let i = 0; i < 3; i++) net.heartbeatRound('S1');
    expect(net.notes('S1', 'progressChanged').map((n) => n.cause)).toContain('appendUnacknowledged');
    expect(net.notes('S1', 'snapshotSent').map((n) => n.peer)).toContain('S3');
    expect(net.node('S3').lastLogIndex).toBe(s1.lastLogIndex);
  });
});
