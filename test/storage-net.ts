/**
 * A Net (raft-net.ts) whose servers have stable storage modelled by a Wal (src/raft/wal.ts) and
 * are watched by the InvariantChecker, the way src/sim/host.ts calls its hooks: for tests of
 * asynchronous storage writes, crashes that lose writes in progress, and the checker over
 * compacted logs. The state machine of each server is the list of values it applied (its digest
 * is that list as JSON); a snapshot's data is that list.
 */
import { InvariantChecker } from '../src/check/invariants';
import { Wal } from '../src/raft/wal';
import type { NodeId, PersistentState, RaftEffect, RaftInput } from '../src/raft/types';
import { Net, type Options } from './raft-net';

export class StorageNet extends Net {
  readonly checker = new InvariantChecker();
  readonly wals = new Map<NodeId, Wal>();
  /** Servers whose writes complete at once (the `persisted` input follows each `persist`). */
  readonly autoPersist = new Set<NodeId>();
  /** Each server's state machine: the values applied, in order. */
  readonly sm = new Map<NodeId, string[]>();

  constructor(servers: NodeId[], options: Options = {}, perNode: Record<NodeId, Options> = {}) {
    super(servers, options, perNode);
    for (const id of servers) {
      this.wals.set(id, new Wal(this.node(id).state().persistent));
      this.sm.set(id, []);
    }
  }

  override step(id: NodeId, input: RaftInput): RaftEffect[] {
    const n = this.node(id);
    const commitBefore = n.commitIndex;
    const fx = super.step(id, input);
    this.observe(id, fx, commitBefore);
    return fx;
  }

  protected override record(id: NodeId, fx: RaftEffect[]): void {
    super.record(id, fx);
    // The Net's constructor records start effects before the Wals exist (they hold no write).
    const wal = this.wals?.get(id);
    if (!wal) return;
    for (const f of fx) if (f.type === 'persist') wal.write(f);
  }

  /** The writes of `id` in progress complete (fsync returned): the node is told. */
  persist(id: NodeId): RaftEffect[] {
    const wal = this.wals.get(id)!;
    const last = wal.pendingId;
    if (last === 0) return [];
    wal.complete(last);
    return this.step(id, { type: 'persisted', id: last });
  }

  /** Every server's writes complete, until none is in progress. */
  persistAll(): void {
    for (let again = true; again;) {
      again = false;
      for (const id of this.servers) if (this.wals.get(id)!.pendingId) { this.persist(id); again = true; }
    }
  }

  /** Delivers everything, completing the writes of the `autoPersist` servers as they are issued. */
  override deliver(): number {
    let n = 0;
    for (;;) {
      for (const id of this.autoPersist) this.persist(id);
      if (!this.queue.length) return n;
      n += super.deliver();
    }
  }

  /** `id` crashes (its writes in progress are lost) and restarts from what its Wal holds. */
  crash(id: NodeId): RaftEffect[] {
    const wal = this.wals.get(id)!;
    wal.crash();
    const p: PersistentState = wal.state();
    this.checker.onRestart(id);
    this.sm.set(id, []);
    const fx = this.restart(id, p);
    this.observe(id, fx, this.node(id).commitIndex);
    return fx;
  }

  /** `id` snapshots its state machine (the host's `compact` input). */
  compact(id: NodeId): RaftEffect[] {
    return this.step(id, { type: 'compact', data: this.sm.get(id)!.slice() });
  }

  /** Calls the checker's hooks for one step's effects, as src/sim/host.ts does. */
  private observe(id: NodeId, fx: RaftEffect[], commitBefore: number): void {
    const n = this.node(id);
    const c = this.checker;
    const at = this.clock.get(id)!;
    for (const f of fx) {
      switch (f.type) {
        case 'roleChanged': c.onRoleChanged(n, at); break;
        case 'logChanged': c.onLogChanged(n, f.fromIndex, commitBefore, at); break;
        case 'appended': c.onAppended(n, f.fromIndex, at); break;
        case 'compacted': c.onSnapshot(n, at); break;
        case 'restoreSnapshot': {
          const data = (f.snapshot.data as string[]).slice();
          this.sm.set(id, data);
          c.onSnapshotRestored(id, f.snapshot.metadata.index, JSON.stringify(data), at);
          break;
        }
        case 'apply': {
          c.onApplied(id, f.index, f.entry, at);
          const cmd = f.entry.command as { type: string; op?: { value?: string } };
          const sm = this.sm.get(id)!;
          if (cmd.type === 'kv' && cmd.op?.value !== undefined) sm.push(cmd.op.value);
          c.onAppliedState(id, f.index, JSON.stringify(sm), at);
          break;
        }
      }
    }
    // What is on stable storage (with asyncStorage a term or vote still being written may be lost by a crash).
    const hard = n.durableHardState;
    c.onPersistentState(id, hard.currentTerm, hard.votedFor, at);
    if (n.commitIndex > commitBefore) {
      const leaders = [...this.nodes.values()].filter((l) => l.role === 'leader');
      c.onCommitted(n, commitBefore, leaders, at);
    }
  }
}
