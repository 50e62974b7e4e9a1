/**
 * The invariant checker over compacted logs (Raft paper §7; src/raft/HOST13.md §7): a snapshot is
 * a committed prefix, and Log Matching, Leader Completeness and State Machine Safety compare
 * through it. Clusters are crafted with the in-test network (raft-net.ts, storage-net.ts), which
 * calls the checker's hooks as src/sim/host.ts does; bugs are injected by hand-made messages.
 */
import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../src/check/invariants';
import { RaftNode } from '../src/raft/node';
import type { InstallSnapshot, LogEntry, Snapshot } from '../src/raft/types';
import { StorageNet } from './storage-net';
import { makeConfig } from '../src/raft/confchange';

const THREE = ['S1', 'S2', 'S3'];
const kv = (term: number, value: string): LogEntry => ({ term, command: { type: 'kv', clientId: 'c', seq: 1, op: { op: 'put', key: 'k', value } } });

/** S1 leads term 1 with S3 cut off; five values committed on S1 and S2, both compacted (snapshot at 6, log from 7). */
function compactedWithLaggard(): StorageNet {
  const net = new StorageNet(THREE, { snapshotCatchUpEntries: 0 });
  net.isolate('S3');
  net.campaign('S1');
  for (let i = 0; i < 5; i++) net.propose('S1', `v${i}`);
  net.heartbeatRound('S1');
  net.compact('S1');
  net.compact('S2');
  expect([net.node('S1').firstIndex, net.node('S2').firstIndex, net.node('S3').lastLogIndex]).toEqual([7, 7, 0]);
  return net;
}

describe('the checker over compacted logs', () => {
  it('a run with compaction, an InstallSnapshot and a new leader whose log is compacted shows no violation', () => {
    const net = compactedWithLaggard();
    net.recover();
    net.heartbeatRound('S1');
    net.heartbeatRound('S1');
    const s3 = net.node('S3');
    expect([s3.snapshotIndex, s3.firstIndex]).toEqual([6, 7]);
    expect(net.sm.get('S3')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    net.propose('S1', 'v5');
    net.heartbeatRound('S1');
    expect(s3.lastLogIndex).toBe(7);
    // S2, compacted up to 6, becomes leader of term 2: Leader Completeness counts its snapshot as holding 1..6.
    net.campaign('S2');
    expect(net.node('S2').role).toBe('leader');
    expect(net.node('S2').firstIndex).toBe(7);
    net.propose('S2', 'v6');
    net.heartbeatRound('S2');
    net.compact('S3');
    expect(net.node('S3').firstIndex).toBe(10);
    net.propose('S2', 'v7');
    net.heartbeatRound('S2');
    expect(THREE.map((id) => net.node(id).commitIndex)).toEqual([10, 10, 10]);
    expect(net.checker.violations).toEqual([]);
  });

  it('an InstallSnapshot whose last included term is wrong is reported (a snapshot is a committed prefix)', () => {
    const net = compactedWithLaggard();
    const good = net.node('S1').snapshot!;
    expect(good.metadata).toMatchObject({ index: 6, term: 1 });
    const bad: Snapshot = { metadata: { ...good.metadata, term: 7 }, data: good.data };
    const msg: InstallSnapshot = { type: 'InstallSnapshot', from: 'S1', to: 'S3', term: 1, leaderId: 'S1', lastIncludedIndex: 6, lastIncludedTerm: 7, snapshot: bad };
    net.recover();
    net.step('S3', { type: 'message', msg });
    expect(net.node('S3').snapshotTerm).toBe(7);
    expect(net.checker.violations).toContainEqual({
      property: 'State Machine Safety', atMs: 0, nodes: ['S3', 'S1'],
      detail: "S3's snapshot ends at index 6 with term 7, but the entry committed at index 6 has term 1",
    });
  });

  it('an InstallSnapshot whose state differs from the applied one is reported (State Machine Safety through the snapshot)', () => {
    const net = compactedWithLaggard();
    const good = net.node('S1').snapshot!;
    const bad: Snapshot = { metadata: good.metadata, data: ['v0', 'v1', 'v2', 'v3', 'WRONG'] };
    net.recover();
    net.step('S3', { type: 'message', msg: { type: 'InstallSnapshot', from: 'S1', to: 'S3', term: 1, leaderId: 'S1', lastIncludedIndex: 6, lastIncludedTerm: 1, snapshot: bad } });
    expect(net.checker.violations).toEqual([expect.objectContaining({ property: 'State Machine Safety', nodes: ['S3'] })]);
    expect(net.checker.violations[0].detail).toBe('S3 restored a snapshot at index 6 whose key-value state differs from the state other servers had after applying index 6');
  });

  it('a snapshot taken at a committed index with its right term is not reported, whichever comes first', () => {
    const c = new InvariantChecker();
    const snap: Snapshot = { metadata: { index: 2, term: 1, config: makeConfig(THREE, []) }, data: [] };
    const s2 = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100 }, { currentTerm: 1, votedFor: null, log: [kv(1, 'c')], compacted: { index: 2, term: 1 }, snapshot: snap });
    c.onSnapshot(s2, 0);
    const s1 = new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100 }, { currentTerm: 1, votedFor: null, log: [kv(1, 'a'), kv(1, 'b'), kv(1, 'c')] });
    s1.volatile.commitIndex = 3;
    c.onCommitted(s1, 0, [], 0);
    expect(c.violations).toEqual([]);
    // The same snapshot claim against a committed entry of another term fires once it is committed.
    const c2 = new InvariantChecker();
    c2.onSnapshot(s2, 0);
    const s3 = new RaftNode({ id: 'S3', servers: THREE, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: [kv(1, 'a'), kv(2, 'b')] });
    s3.volatile.commitIndex = 2;
    c2.onCommitted(s3, 0, [], 5);
    expect(c2.violations.map((v) => [v.property, v.atMs, v.nodes])).toEqual([['State Machine Safety', 5, ['S2', 'S3']]]);
  });

  it('two snapshots ending at the same index with different terms are reported before anything is known committed there', () => {
    const c = new InvariantChecker();
    const at = (id: string, term: number) => new RaftNode({ id, servers: THREE, heartbeatMs: 100 }, {
      currentTerm: term, votedFor: null, log: [], compacted: { index: 6, term },
      snapshot: { metadata: { index: 6, term, config: makeConfig(THREE, []) }, data: [] },
    });
    c.onSnapshot(at('S1', 1), 0);
    c.onSnapshot(at('S2', 1), 0);
    expect(c.violations).toEqual([]);
    c.onSnapshot(at('S3', 7), 3);
    expect(c.violations).toEqual([{ property: 'State Machine Safety', atMs: 3, nodes: ['S1', 'S3'], detail: "S1's snapshot ends at index 6 with term 1 but S3's with term 7" }]);
  });

  it('Log Matching compares through the compacted prefix: the first kept entry must follow the same term as elsewhere', () => {
    // S1 compacted 1..2 (index 2 of term 1) and holds index 3 of term 2; S2 holds 1..3 with index 2 of term 2.
    const c = new InvariantChecker();
    const snap: Snapshot = { metadata: { index: 2, term: 1, config: makeConfig(THREE, []) }, data: [] };
    const s1 = new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: [kv(2, 'c')], compacted: { index: 2, term: 1 }, snapshot: snap });
    const s2 = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: [kv(1, 'a'), kv(2, 'b'), kv(2, 'c')] });
    c.onAppended(s1, 1, 0);
    expect(c.violations).toEqual([]);
    c.onAppended(s2, 1, 0);
    expect(c.violations).toEqual([{
      property: 'Log Matching', atMs: 0, nodes: ['S1', 'S2'],
      detail: 'S1 and S2 both hold an entry of term 2 at index 3 but their logs differ just before it (terms 1 and 2)',
    }]);
  });

  it('a leader whose compacted log lacks nothing committed, but whose kept entries miss one, is reported (Leader Completeness)', () => {
    const c = new InvariantChecker();
    const s1 = new RaftNode({ id: 'S1', servers: THREE, heartbeatMs: 100 }, { currentTerm: 1, votedFor: null, log: [kv(1, 'a'), kv(1, 'b'), kv(1, 'c')] });
    s1.volatile.commitIndex = 3;
    c.onCommitted(s1, 0, [], 0);
    const snap: Snapshot = { metadata: { index: 2, term: 1, config: makeConfig(THREE, []) }, data: [] };
    // S2 holds 1..2 in its snapshot and a different entry at 3.
    const s2 = new RaftNode({ id: 'S2', servers: THREE, heartbeatMs: 100 }, { currentTerm: 2, votedFor: null, log: [kv(2, 'x')], compacted: { index: 2, term: 1 }, snapshot: snap });
    s2.volatile.role = 'leader';
    c.onRoleChanged(s2, 9);
    expect(c.violations).toEqual([{
      property: 'Leader Completeness', atMs: 9, nodes: ['S2', 'S1'],
      detail: 'S2 became leader of term 2 without the entry committed at index 3 (term 1)',
    }]);
  });
});
