/**
 * Stable storage in the Raft node (RaftConfig.asyncStorage; etcd raft's async storage writes:
 * Config.AsyncStorageWrites, MsgStorageAppend / MsgStorageAppendResp, msgsAfterAppend), the WAL
 * model of src/raft/wal.ts, commitIndex in the hard state (etcd HardState.Commit) and
 * hasUnappliedConfChanges. Tests named Test… mirror the etcd raft test of that name.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RaftNode } from '../src/raft/node';
import { Wal } from '../src/raft/wal';
import type { RaftEffect, RaftMessage } from '../src/raft/types';
import { Net, configOf, noop } from './raft-net';
import { StorageNet } from './storage-net';

const THREE = ['S1', 'S2', 'S3'];
const ASYNC = { asyncStorage: true };
const persists = (fx: RaftEffect[]) => fx.filter((f): f is Extract<RaftEffect, { type: 'persist' }> => f.type === 'persist');
const sends = (fx: RaftEffect[]): RaftMessage[] => fx.flatMap((f) => (f.type === 'send' ? [f.msg] : []));

/** S1 elected leader of term 1 with every write completed (the noop at index 1 committed everywhere). */
function elected(options = {}): StorageNet {
  const net = new StorageNet(THREE, { ...ASYNC, ...options });
  for (const id of THREE) net.autoPersist.add(id);
  net.campaign('S1');
  net.heartbeatRound('S1');
  net.autoPersist.clear();
  expect(net.node('S1').role).toBe('leader');
  expect(THREE.map((id) => net.node(id).commitIndex)).toEqual([1, 1, 1]);
  return net;
}

describe('asynchronous storage writes (etcd raft AsyncStorageWrites)', () => {
  it('TestAsyncStorageWrites: every step that changes hard state or the log ends with a persist of what changed, with increasing ids', () => {
    const net = new StorageNet(THREE, ASYNC);
    const fx = net.timeout('S1');
    expect(persists(fx)).toEqual([{ type: 'persist', id: 1, hardState: { currentTerm: 1, votedFor: 'S1', commitIndex: 0 } }]);
    expect(fx.at(-1)!.type).toBe('persist'); // last in the step's effects
    net.deliver();
    const s2 = persists(net.effectsOf('S2'));
    expect(s2).toEqual([{ type: 'persist', id: 1, hardState: { currentTerm: 1, votedFor: 'S1', commitIndex: 0 } }]);
    net.persistAll();
    net.deliver();
    expect(net.node('S1').role).toBe('leader');
    // The leader's noop: a write holding index 1 (then, once committed, one holding commitIndex 1).
    const s1 = persists(net.effectsOf('S1'));
    expect(s1.map((p) => p.id)).toEqual([1, 2]);
    expect(s1[1]).toMatchObject({ hardState: { currentTerm: 1, votedFor: 'S1', commitIndex: 0 }, entries: { fromIndex: 1, entries: [noop(1)] } });
    net.persistAll();
    net.deliver();
    net.persistAll();
    expect(net.node('S1').commitIndex).toBe(1);
    expect(persists(net.effectsOf('S1')).at(-1)).toMatchObject({ hardState: { commitIndex: 1 } });
    expect(persists(net.effectsOf('S1')).at(-1)!.entries).toBeUndefined();
  });

  it('without asyncStorage (the default) no persist effect is emitted and nothing is held', () => {
    const net = new Net(THREE);
    net.campaign('S1');
    net.propose('S1', 'x');
    net.heartbeatRound('S1');
    for (const id of THREE) expect(persists(net.effectsOf(id))).toEqual([]);
    expect(net.node('S2').commitIndex).toBe(2);
  });

  it('a vote is not granted on the wire before its fsync (etcd msgsAfterAppend: MsgVoteResp)', () => {
    const net = new StorageNet(THREE, ASYNC);
    net.timeout('S1');
    net.deliverOnly((m) => m.type === 'RequestVote' && m.to === 'S2');
    expect(net.node('S2').votedFor).toBe('S1');
    expect(net.queue.filter((m) => m.type === 'RequestVoteResponse')).toEqual([]);
    expect(net.wals.get('S2')!.pendingIds).toEqual([1]);
    const fx = net.persist('S2');
    expect(sends(fx)).toMatchObject([{ type: 'RequestVoteResponse', from: 'S2', to: 'S1', term: 1, voteGranted: true }]);
  });

  it('a refused vote is not held (it acknowledges nothing durable)', () => {
    const net = new StorageNet(THREE, ASYNC);
    for (const id of THREE) net.autoPersist.add(id);
    net.timeout('S1');
    net.timeout('S2');
    net.autoPersist.clear();
    net.deliverOnly((m) => m.type === 'RequestVote' && m.from === 'S2' && m.to === 'S1');
    expect(net.queue.find((m) => m.type === 'RequestVoteResponse' && m.from === 'S1')).toMatchObject({ voteGranted: false, reason: 'alreadyVoted' });
  });

  it('a candidate counts its own vote only once it is on stable storage (single voter: leader only after persisted)', () => {
    const net = new StorageNet(['S1'], ASYNC);
    net.timeout('S1');
    expect(net.node('S1').role).toBe('candidate');
    expect(net.node('S1').volatile.votesGranted).toEqual([]);
    const fx = net.persist('S1');
    expect(fx).toContainEqual({ type: 'roleChanged', from: 'candidate', to: 'leader', term: 1, event: 'WIN_ELECTION' });
  });

  it('an AppendEntries success is held until the entries are persisted; the response carries their matchIndex', () => {
    const net = elected();
    net.step('S1', { type: 'propose', command: { type: 'kv', clientId: 'c', seq: 1, op: { op: 'put', key: 'k', value: 'x' } } });
    net.deliverOnly((m) => m.type === 'AppendEntries' && m.to === 'S2');
    expect(net.node('S2').lastLogIndex).toBe(2);
    expect(net.queue.filter((m) => m.type === 'AppendEntriesResponse' && m.from === 'S2')).toEqual([]);
    const fx = net.persist('S2');
    expect(sends(fx)).toMatchObject([{ type: 'AppendEntriesResponse', from: 'S2', success: true, matchIndex: 2 }]);
  });

  it('a leader does not count itself before its fsync (etcd: the leader self-acknowledges with MsgStorageAppendResp)', () => {
    const net = elected();
    net.isolate('S3');
    net.autoPersist.add('S2');
    net.propose('S1', 'x');
    const s1 = net.node('S1');
    expect(s1.progressOf('S2')!.matchIndex).toBe(2);
    expect(s1.commitIndex).toBe(1); // S2 alone is not a majority of three; S1's index 2 is not durable
    const fx = net.persist('S1');
    expect(s1.commitIndex).toBe(2);
    expect(fx).toContainEqual(expect.objectContaining({ type: 'note', note: expect.objectContaining({ kind: 'commitAdvanced', from: 1, to: 2, replicas: 2 }) }));
  });

  it('with unsafe.ackBeforeFsync acknowledgements go at once and the leader counts its whole log', () => {
    const net = elected({ unsafe: { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, ackBeforeFsync: true } });
    net.isolate('S3');
    net.propose('S1', 'x');
    expect(net.node('S1').commitIndex).toBe(2);
    expect(net.wals.get('S1')!.pendingId).toBeGreaterThan(0); // committed while its own write is still in progress
    expect(net.wals.get('S2')!.pendingId).toBeGreaterThan(0);
  });

  it('persisted needs asyncStorage and an id that was emitted', () => {
    const plain = new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100 });
    expect(() => plain.step({ type: 'persisted', id: 1 })).toThrow(/asyncStorage/);
    const n = new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100, asyncStorage: true });
    expect(() => n.step({ type: 'persisted', id: 1 })).toThrow(/last write emitted is 0/);
  });
});

describe('crashes lose writes in progress (the WAL model, src/raft/wal.ts)', () => {
  it('Wal: a restart finds only completed writes, replayed in order', () => {
    const wal = new Wal();
    wal.write({ id: 1, hardState: { currentTerm: 1, votedFor: 'S1', commitIndex: 0 }, entries: { fromIndex: 1, entries: [noop(1), noop(1)] } });
    wal.write({ id: 2, hardState: { currentTerm: 2, votedFor: null, commitIndex: 1 }, entries: { fromIndex: 2, entries: [noop(2)] } });
    wal.write({ id: 3, hardState: { currentTerm: 3, votedFor: null, commitIndex: 2 }, entries: { fromIndex: 3, entries: [noop(3)] } });
    expect(wal.complete(2)).toBe(2);
    expect(wal.crash()).toBe(1);
    expect(wal.state()).toEqual({ currentTerm: 2, votedFor: null, commitIndex: 1, log: [noop(1), noop(2)] });
    expect(() => wal.write({ id: 1, hardState: { currentTerm: 2, votedFor: null, commitIndex: 1 }, entries: { fromIndex: 9, entries: [] } })).not.toThrow();
    wal.complete(1);
    expect(() => wal.state()).toThrow(/entries from index 9 after a log that ends at 2/);
  });

  it('a crash before the vote is persisted forgets it, and nobody saw it granted', () => {
    const net = new StorageNet(THREE, ASYNC);
    net.timeout('S1');
    net.deliverOnly((m) => m.type === 'RequestVote' && m.to === 'S2');
    net.crash('S2');
    expect([net.node('S2').currentTerm, net.node('S2').votedFor]).toEqual([0, null]);
    expect(net.delivered.filter((m) => m.type === 'RequestVoteResponse')).toEqual([]);
    // The checker reads the durable hard state: the lost term 1 was never on disk, so no rollback is reported.
    expect(net.checker.violations).toEqual([]);
  });

  it('durableHardState is the hard state of the last completed write', () => {
    const net = new StorageNet(THREE, ASYNC);
    net.timeout('S1');
    expect(net.node('S1').currentTerm).toBe(1);
    expect(net.node('S1').durableHardState).toEqual({ currentTerm: 0, votedFor: null, commitIndex: 0 });
    net.persist('S1');
    expect(net.node('S1').durableHardState).toEqual({ currentTerm: 1, votedFor: 'S1', commitIndex: 0 });
    expect(new Net(THREE).node('S1').durableHardState).toEqual({ currentTerm: 0, votedFor: null, commitIndex: 0 });
  });

  it('a restart loads the newest snapshot, replays the WAL after it and re-applies up to the persisted commitIndex (etcd HardState.Commit)', () => {
    const net = elected({ snapshotCatchUpEntries: 1 });
    for (const id of THREE) net.autoPersist.add(id);
    for (let i = 0; i < 4; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    net.compact('S2'); // at index 5
    net.propose('S1', 'v4');
    net.heartbeatRound('S1');
    const s2 = net.node('S2');
    expect([s2.snapshotIndex, s2.commitIndex, s2.lastLogIndex]).toEqual([5, 6, 6]);
    const fx = net.crash('S2');
    const r = net.node('S2');
    expect([r.snapshotIndex, r.firstIndex, r.lastLogIndex, r.commitIndex, r.lastApplied]).toEqual([5, 6, 6, 6, 6]);
    expect(fx.filter((f) => f.type === 'restoreSnapshot' || f.type === 'apply').map((f) => (f.type === 'apply' ? f.index : 'restore'))).toEqual(['restore', 6]);
    expect(net.sm.get('S2')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(net.checker.violations).toEqual([]);
  });

  it('an installed snapshot is written with the log it replaces dropped; a restart starts from it (Figure 13 with a WAL)', () => {
    const net = new StorageNet(THREE, { ...ASYNC, snapshotCatchUpEntries: 0 });
    for (const id of THREE) net.autoPersist.add(id);
    net.isolate('S3');
    net.campaign('S1');
    for (let i = 0; i < 5; i++) net.propose('S1', `v${i}`);
    net.heartbeatRound('S1');
    net.compact('S1');
    net.recover();
    net.autoPersist.delete('S3');
    net.heartbeatRound('S1');
    // S3 adopted term 1: its heartbeat response waits for that write; then the leader sends the snapshot.
    expect(net.node('S3').currentTerm).toBe(1);
    expect(net.queue).toEqual([]);
    net.persist('S3');
    net.deliver();
    const s3 = net.node('S3');
    expect(s3.snapshotIndex).toBe(6);
    const write = persists(net.effectsOf('S3')).at(-1)!;
    expect(write).toMatchObject({ snapshot: net.node('S1').snapshot, entries: { fromIndex: 7, entries: [] }, hardState: { currentTerm: 1, commitIndex: 6 } });
    // The InstallSnapshotResponse waits for that write.
    expect(net.queue.filter((m) => m.type === 'InstallSnapshotResponse')).toEqual([]);
    expect(sends(net.persist('S3'))).toMatchObject([{ type: 'InstallSnapshotResponse', from: 'S3', matchIndex: 6 }]);
    net.deliver();
    net.crash('S3');
    const r = net.node('S3');
    expect([r.snapshotIndex, r.firstIndex, r.lastLogIndex, r.commitIndex]).toEqual([6, 7, 6, 6]);
    expect(net.sm.get('S3')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(net.checker.violations).toEqual([]);
  });

  it('with ackBeforeFsync a crash loses an entry a majority acknowledged, and the checker reports it (Leader Completeness)', () => {
    const net = elected({ unsafe: { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, ackBeforeFsync: true } });
    net.propose('S1', 'x');
    expect(net.node('S1').commitIndex).toBe(2);
    net.crash('S2');
    net.crash('S3');
    expect([net.node('S2').lastLogIndex, net.node('S3').lastLogIndex]).toEqual([1, 1]); // index 2 was never on their disks
    net.isolate('S1');
    net.campaign('S2');
    expect(net.node('S2').role).toBe('leader');
    expect(net.checker.violations).toContainEqual(expect.objectContaining({
      property: 'Leader Completeness', nodes: ['S2', 'S1'],
      detail: 'S2 became leader of term 2 without the entry committed at index 2 (term 1)',
    }));
  });

  it('without ackBeforeFsync the same crash loses nothing that was committed', () => {
    const net = elected();
    net.propose('S1', 'x');
    expect(net.node('S1').commitIndex).toBe(1); // no acknowledgement left the followers, the leader's own write is in progress
    net.crash('S2');
    net.crash('S3');
    net.isolate('S1');
    net.campaign('S2');
    net.persistAll();
    net.deliver();
    net.persistAll();
    net.deliver();
    expect(net.node('S2').role).toBe('leader');
    expect(net.checker.violations).toEqual([]);
  });
});

describe('commitIndex in the hard state and unapplied ConfChanges (etcd HardState.Commit, hasUnappliedConfChanges)', () => {
  /** S1 leader, S2 removed; S3 applied the removal; every write completed. */
  function removed(): StorageNet {
    const net = elected();
    for (const id of THREE) net.autoPersist.add(id);
    expect(net.proposeConf('S1', { changes: [{ type: 'removeNode', nodeId: 'S2' }] }).accepted).toBe(true);
    net.heartbeatRound('S1');
    expect(net.node('S3').config.voters).toEqual(['S1', 'S3']);
    return net;
  }

  it('a restarted server re-applies its committed ConfChanges in start(): its configuration is the one it had', () => {
    const net = removed();
    net.crash('S3');
    expect(net.node('S3').config.voters).toEqual(['S1', 'S3']);
    // Without the persisted commitIndex (Figure 2's volatile commitIndex) it would start with the bootstrap configuration.
    const p = net.wals.get('S3')!.state();
    delete p.commitIndex;
    expect(new RaftNode(configOf(net.node('S3')), p).config.voters).toEqual(THREE);
  });

  it('TestConfChangeCheckBeforeCampaign: a server with a committed, unapplied ConfChange does not campaign', () => {
    const net = removed();
    const n = new RaftNode(configOf(net.node('S3')), net.wals.get('S3')!.state());
    // Built from stable storage, not started yet: commitIndex covers the ConfChange, lastApplied does not.
    expect([n.commitIndex, n.lastApplied]).toEqual([2, 0]);
    const fx = n.step({ type: 'electionTimeout' }, 0);
    expect(fx).toContainEqual({ type: 'note', note: { kind: 'campaignSkipped', term: 1, reason: 'unappliedConfChange' } });
    expect(n.role).toBe('follower');
    n.start(0);
    expect(n.lastApplied).toBe(2);
    n.step({ type: 'electionTimeout' }, 0);
    expect(n.role).toBe('candidate');
  });
});

/**
 * Random schedules over StorageNet: messages delivered in any order or dropped, writes completing
 * in any interleaving with crashes (which lose writes in progress), elections, proposals and
 * compaction. Returns the checker's violations.
 */
function randomRun(seed: string, ackBeforeFsync: boolean, steps = 400): { violations: string[]; committed: number; lostWrites: number; installs: number } {
  const rng = seedrandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const unsafe = { commitPreviousTermEntries: false, skipUpToDateCheck: false, forgetVoteOnRestart: false, noTruncateOnConflict: false, ackBeforeFsync };
  const net = new StorageNet(THREE, { ...ASYNC, unsafe, snapshotCatchUpEntries: 1 });
  let committed = 0;
  let lostWrites = 0;
  for (let t = 0; t < steps; t++) {
    net.advance(10);
    const r = rng();
    const id = pick(THREE);
    if (r < 0.45) {
      if (net.queue.length) {
        const m = net.queue.splice(Math.floor(rng() * net.queue.length), 1)[0];
        net.step(m.to, { type: 'message', msg: m });
      }
    } else if (r < 0.47) {
      if (net.queue.length) net.queue.splice(Math.floor(rng() * net.queue.length), 1);
    } else if (r < 0.67) {
      const ids = net.wals.get(id)!.pendingIds;
      if (ids.length) {
        const upTo = pick(ids);
        net.wals.get(id)!.complete(upTo);
        net.step(id, { type: 'persisted', id: upTo });
      }
    } else if (r < 0.68) {
      lostWrites += net.wals.get(id)!.pendingIds.length;
      net.crash(id);
    } else if (r < 0.71) {
      net.timeout(id);
    } else if (r < 0.83) {
      for (const l of THREE) if (net.node(l).role === 'leader') net.heartbeat(l);
    } else if (r < 0.95) {
      for (const l of THREE) if (net.node(l).role === 'leader') net.step(l, { type: 'propose', command: { type: 'kv', clientId: 'c', seq: t, op: { op: 'put', key: 'k', value: `v${t}` } } });
    } else {
      const n = net.node(id);
      if (n.lastApplied > n.snapshotIndex) net.compact(id);
    }
    committed = Math.max(committed, ...THREE.map((s) => net.node(s).commitIndex));
  }
  const installs = THREE.reduce((k, s) => k + net.notes(s, 'snapshotRestored').length, 0);
  return { violations: net.checker.violations.map((v) => v.property), committed, lostWrites, installs };
}

describe('random schedules of writes, crashes and messages (a small fuzzer over the node and the WAL)', () => {
  it('with writes held until persisted, no schedule breaks a safety property', () => {
    let committed = 0;
    let lostWrites = 0;
    let installs = 0;
    for (let s = 0; s < 150; s++) {
      const r = randomRun(`storage-${s}`, false);
      expect(r.violations, `seed storage-${s}`).toEqual([]);
      committed += r.committed;
      lostWrites += r.lostWrites;
      installs += r.installs;
    }
    // The schedules do what they are for: entries get committed, crashes lose writes in progress, snapshots are installed.
    expect(committed).toBeGreaterThan(150 * 4);
    expect(lostWrites).toBeGreaterThan(50);
    expect(installs).toBeGreaterThan(5);
  });

  it('with unsafe.ackBeforeFsync one of the first 150 schedules loses a committed entry and the checker reports it', () => {
    const found: string[] = [];
    for (let s = 0; s < 150 && found.length === 0; s++) {
      const r = randomRun(`storage-${s}`, true);
      if (r.violations.length) found.push(...r.violations);
    }
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => p === 'Leader Completeness' || p === 'State Machine Safety' || p === 'Log Matching')).toBe(true);
  });
});
