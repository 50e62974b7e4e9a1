/** The Figure 3 safety checker: each property is detected, and legal histories are not flagged. */
import { describe, expect, it } from 'vitest';
import { InvariantChecker, type CheckedNode } from '../src/check/invariants';
import type { LogEntry } from '../src/raft/types';

const noop = (term: number): LogEntry => ({ term, command: { type: 'noop' } });
const put = (term: number, v: string): LogEntry => ({ term, command: { type: 'kv', clientId: 'c', seq: 1, op: { op: 'put', key: 'x', value: v } } });
const n = (id: string, role: CheckedNode['role'], currentTerm: number, log: LogEntry[], commitIndex = 0): CheckedNode => ({ id, role, currentTerm, log, commitIndex });

describe('InvariantChecker (Raft paper Figure 3)', () => {
  it('Election Safety: two leaders in one term are reported; one per term is fine', () => {
    const c = new InvariantChecker();
    c.onRoleChanged(n('S1', 'leader', 1, []), 10);
    c.onRoleChanged(n('S2', 'leader', 2, []), 20);
    expect(c.ok).toBe(true);
    c.onRoleChanged(n('S3', 'leader', 2, []), 30);
    expect(c.violations).toMatchObject([{ property: 'Election Safety', atMs: 30, nodes: ['S2', 'S3'] }]);
  });

  it('Leader Append-Only: a leader that deletes or overwrites entries is reported', () => {
    const c = new InvariantChecker();
    c.onLogChanged(n('S1', 'follower', 2, [noop(1)]), 2, 0, 5);
    expect(c.ok).toBe(true);
    c.onLogChanged(n('S1', 'leader', 2, [noop(1)]), 2, 0, 6);
    expect(c.violations[0].property).toBe('Leader Append-Only');
  });

  it('Log Matching: same index and term but different command, or different predecessor, is reported', () => {
    const c = new InvariantChecker();
    c.onAppended(n('S1', 'follower', 2, [noop(1), put(2, 'a')]), 1, 0);
    c.onAppended(n('S2', 'follower', 2, [noop(1), put(2, 'a')]), 1, 0);
    expect(c.ok).toBe(true);
    c.onAppended(n('S3', 'follower', 2, [noop(1), put(2, 'b')]), 1, 1);
    expect(c.violations[0]).toMatchObject({ property: 'Log Matching', nodes: ['S1', 'S3'] });
    const d = new InvariantChecker();
    d.onAppended(n('S1', 'follower', 3, [noop(1), noop(3)]), 1, 0);
    d.onAppended(n('S2', 'follower', 3, [noop(2), noop(3)]), 1, 0);
    expect(d.violations[0].property).toBe('Log Matching');
  });

  it('Leader Completeness: a leader of a later term without a committed entry is reported', () => {
    const c = new InvariantChecker();
    c.onCommitted(n('S1', 'leader', 2, [noop(1), put(2, 'a')], 2), 0, [], 10);
    c.onRoleChanged(n('S2', 'leader', 3, [noop(1)]), 20);
    expect(c.violations[0]).toMatchObject({ property: 'Leader Completeness', nodes: ['S2', 'S1'] });
  });

  it('Leader Completeness binds leaders of terms after the commit term, not after the entry term', () => {
    // An entry of term 4 committed in term 7 need not be held by a stale leader of term 5.
    const c = new InvariantChecker();
    const stale = n('S7', 'leader', 5, [noop(1)]);
    c.onCommitted(n('S1', 'leader', 7, [noop(1), put(4, 'a'), noop(7)], 3), 1, [stale], 10);
    expect(c.ok).toBe(true);
    c.onRoleChanged(n('S2', 'leader', 8, [noop(1)]), 20);
    expect(c.violations[0].property).toBe('Leader Completeness');
  });

  it('State Machine Safety: different commands applied at one index, or a committed entry removed, are reported', () => {
    const c = new InvariantChecker();
    c.onApplied('S1', 2, put(2, 'a'), 10);
    c.onApplied('S2', 2, put(2, 'a'), 11);
    expect(c.ok).toBe(true);
    c.onApplied('S3', 2, put(3, 'b'), 12);
    expect(c.violations[0]).toMatchObject({ property: 'State Machine Safety', nodes: ['S1', 'S3'] });
    const d = new InvariantChecker();
    d.onLogChanged(n('S1', 'follower', 3, [noop(1)]), 2, 1, 5);
    expect(d.ok).toBe(true); // entry 2 was not committed
    d.onLogChanged(n('S1', 'follower', 3, [noop(1)]), 2, 2, 6);
    expect(d.violations[0].property).toBe('State Machine Safety');
  });
});

describe('InvariantChecker: persistent state and replicas', () => {
  it('Term and Vote Persistence: currentTerm going back, or a vote changing within a term, is reported', () => {
    const c = new InvariantChecker();
    c.onPersistentState('S1', 2, null, 1);
    c.onPersistentState('S1', 2, 'S2', 2);
    c.onPersistentState('S1', 3, null, 3); // a new term frees the vote
    expect(c.ok).toBe(true);
    c.onPersistentState('S1', 3, 'S3', 4);
    c.onPersistentState('S1', 3, null, 5); // forgot its vote (e.g. votedFor not persisted)
    expect(c.violations[0]).toMatchObject({ property: 'Term and Vote Persistence', atMs: 5 });
    const d = new InvariantChecker();
    d.onPersistentState('S1', 4, 'S1', 1);
    d.onPersistentState('S1', 3, null, 2);
    expect(d.violations[0].detail).toMatch(/went back from 4 to 3/);
  });

  it('Applied In Order and Replica Agreement', () => {
    const c = new InvariantChecker();
    c.onAppliedState('S1', 1, 'r1', 1);
    c.onAppliedState('S1', 2, 'r2 x=1', 2);
    c.onAppliedState('S2', 1, 'r1', 3);
    c.onAppliedState('S2', 2, 'r2 x=1', 4);
    c.onRestart('S1');
    c.onAppliedState('S1', 1, 'r1', 5);
    expect(c.ok).toBe(true);
    c.onAppliedState('S1', 3, 'r3', 6);
    expect(c.violations[0].property).toBe('Applied In Order');
    c.onAppliedState('S3', 1, 'r1 different', 7);
    expect(c.violations[1].property).toBe('Replica Agreement');
  });
});
