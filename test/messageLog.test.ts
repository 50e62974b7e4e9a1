import { describe, expect, it, vi } from 'vitest';
import { checkedSimulation } from '../src/check/invariants';
import { MESSAGE_CHUNK, MessageLog } from '../src/sim/messageLog';
import type { MessageRecord, SimMessage } from '../src/sim/types';

/** One message of every type, with every kind of field value the log encodes. */
function sampleMessages(): SimMessage[] {
  const entries = [{ term: 2, command: { type: 'kv', clientId: 'c1', seq: 3, op: { op: 'put', key: 'x', value: '1' } } }];
  return [
    { type: 'RequestVote', from: 'S1', to: 'S2', term: 3, candidateId: 'S1', lastLogIndex: 7, lastLogTerm: 2 },
    { type: 'RequestVoteResponse', from: 'S2', to: 'S1', term: 3, voteGranted: false, reason: 'logNotUpToDate', lastLogIndex: 9, lastLogTerm: 3 },
    { type: 'RequestVoteResponse', from: 'S3', to: 'S1', term: 3, voteGranted: true, lastLogIndex: 0, lastLogTerm: 0 },
    { type: 'AppendEntries', from: 'S1', to: 'S3', term: 3, leaderId: 'S1', prevLogIndex: 6, prevLogTerm: 2, entries: [], leaderCommit: 5 },
    { type: 'AppendEntries', from: 'S1', to: 'S3', term: 3, leaderId: 'S1', prevLogIndex: 6, prevLogTerm: 2, entries, leaderCommit: 5 },
    { type: 'AppendEntriesResponse', from: 'S3', to: 'S1', term: 3, success: true, matchIndex: 7, prevLogIndex: 6, conflictTerm: 0, conflictIndex: 0 },
    { type: 'AppendEntriesResponse', from: 'S3', to: 'S1', term: 3, success: false, matchIndex: 0, prevLogIndex: 6, conflictTerm: 1, conflictIndex: 4, reason: 'termMismatch' },
    { type: 'ClientRequest', from: 'c1', to: 'S1', term: 0, clientId: 'c1', seq: 3, op: { op: 'get', key: 'x', prefix: false }, serializable: true },
    { type: 'ClientResponse', from: 'S1', to: 'c1', term: 0, clientId: 'c1', seq: 3, ok: false, leaderHint: null, error: 'notLeader' },
    { type: 'ClientResponse', from: 'S1', to: 'c1', term: 0, clientId: 'c1', seq: 4, ok: true, result: { op: 'put', revision: 12 } },
    // Not shapes the engine makes today, but the log must keep any field exactly: floats, -0, big and negative numbers, undefined, odd keys.
    { type: 'RequestVote', from: 'S1', to: 'S2', term: 2.5, candidateId: 'S1', lastLogIndex: -0, lastLogTerm: 2 ** 40 },
    { type: 'AppendEntriesResponse', from: 'S3', to: 'S1', term: -7, success: true, matchIndex: Number.MAX_SAFE_INTEGER, prevLogIndex: 0.1, conflictTerm: 0, conflictIndex: 0, reason: undefined },
    { type: 'ClientRequest', from: 'constructor', to: '__proto__', term: 0, clientId: 'toString', seq: 1, op: { op: 'delete', key: '', prefix: true }, serializable: false },
  ] as unknown as SimMessage[];
}

const appendOriginal = MessageLog.prototype.append;

function rec(id: number, msg: SimMessage, sendMs: number): MessageRecord {
  return { id, msg, sendMs, deliverMs: sendMs + 12.34, status: 'inFlight' };
}

describe('MessageLog (columnar message store)', () => {
  it('round-trips every field of every message type, and each record state (delivered, dropped for each reason, duplicate, lost)', () => {
    const log = new MessageLog();
    const originals: MessageRecord[] = [];
    let id = 1;
    for (let round = 0; round < 3; round++) {
      for (const msg of sampleMessages()) {
        const r = rec(id++, msg, round * 1000 + id * 0.01);
        if (id % 4 === 0) r.duplicateOf = id - 2;
        if (id % 5 === 0) r.dropReason = 'loss';
        log.append(r);
        originals.push(r);
      }
    }
    // Finish in a scrambled order, with every outcome.
    const order = originals.map((_, i) => i).sort((a, b) => ((a * 7919) % 97) - ((b * 7919) % 97));
    const reasons = ['loss', 'partition', 'crashed', 'manual'] as const;
    for (const [k, i] of order.entries()) {
      const r = originals[i];
      if (k % 3 === 0) {
        r.status = 'delivered';
        delete r.dropReason;
      } else {
        r.status = 'dropped';
        r.dropReason = reasons[k % 4];
        r.deliverMs = 5000 + k;
      }
      const expected = structuredClone(r);
      log.finish(r);
      expect(log.at(i)).not.toBe(r);
      expect(log.at(i)).toEqual(expected);
      expect(Object.keys(log.at(i).msg)).toEqual(Object.keys(r.msg));
    }
    expect(log.length).toBe(originals.length);
    expect(log.liveCount).toBe(0);
    for (const [i, r] of originals.entries()) {
      const back = log.at(i);
      expect(back).toEqual(r);
      expect(Object.is((back.msg as { lastLogIndex?: number }).lastLogIndex, (r.msg as { lastLogIndex?: number }).lastLogIndex)).toBe(true);
      expect(log.sendMsAt(i)).toBe(r.sendMs);
      expect(log.byId(r.id)).toEqual(r);
      // Object fields (entries, a client's op, a result) are shared, not copied.
      const m = r.msg as unknown as Record<string, unknown>;
      for (const k of ['entries', 'op', 'result']) if (m[k] && typeof m[k] === 'object' && !(Array.isArray(m[k]) && (m[k] as unknown[]).length === 0)) expect((back.msg as unknown as Record<string, unknown>)[k]).toBe(m[k]);
    }
    expect(log.toArray()).toEqual(originals);
    expect([...log]).toEqual(originals);
    expect(log.byId(0)).toBeNull();
    expect(log.byId(originals.length + 1)).toBeNull();
  });

  it('a message in flight is its live record (changes show); once delivered or dropped it is read from the columns', () => {
    const log = new MessageLog();
    const [a, b] = [rec(1, sampleMessages()[4], 10), rec(2, sampleMessages()[5], 11)];
    log.append(a);
    log.append(b);
    expect(log.at(0)).toBe(a);
    expect(log.liveCount).toBe(2);
    a.deliverMs += 100; // delayed by hand while in flight
    expect(log.at(0).deliverMs).toBe(122.34);
    a.status = 'delivered';
    log.finish(a);
    b.status = 'dropped';
    b.dropReason = 'partition';
    b.deliverMs = 15;
    log.finish(b);
    expect(log.liveCount).toBe(0);
    expect(log.at(0)).toEqual({ id: 1, msg: a.msg, sendMs: 10, deliverMs: 122.34, status: 'delivered' });
    expect(log.at(1)).toEqual({ id: 2, msg: b.msg, sendMs: 11, deliverMs: 15, status: 'dropped', dropReason: 'partition' });
    expect(() => log.append(rec(5, sampleMessages()[0], 20))).toThrow(/expected id 3/);
    expect(() => log.at(2)).toThrow(RangeError);
  });

  it('a clone shares the columns but not their future: each side finishes and appends on its own', () => {
    const log = new MessageLog();
    const msgs = sampleMessages();
    const recs: MessageRecord[] = [];
    // Span more than one chunk, so that both a full shared chunk and the open one are exercised.
    for (let i = 0; i < MESSAGE_CHUNK + 10; i++) {
      const r = rec(i + 1, msgs[i % msgs.length], i);
      log.append(r);
      recs.push(r);
      if (i < MESSAGE_CHUNK + 5) {
        r.status = 'delivered';
        log.finish(r);
      }
    }
    const copies = new Map<MessageRecord, MessageRecord>();
    for (const r of recs.slice(MESSAGE_CHUNK + 5)) copies.set(r, { ...r });
    const c = log.clone(copies);
    expect(c.length).toBe(log.length);
    expect(c.toArray()).toEqual(log.toArray());
    // The same message in flight ends differently on the two sides.
    const inOriginal = recs[MESSAGE_CHUNK + 6];
    const inCopy = copies.get(inOriginal)!;
    expect(c.at(MESSAGE_CHUNK + 6)).toBe(inCopy);
    inOriginal.status = 'delivered';
    log.finish(inOriginal);
    inCopy.status = 'dropped';
    inCopy.dropReason = 'manual';
    c.finish(inCopy);
    expect(log.at(MESSAGE_CHUNK + 6).status).toBe('delivered');
    expect(c.at(MESSAGE_CHUNK + 6)).toMatchObject({ status: 'dropped', dropReason: 'manual' });
    // The original appends in place; the copy does not see it, and its own append does not show in the original.
    const extra = rec(MESSAGE_CHUNK + 11, msgs[0], 99_999);
    log.append(extra);
    expect(c.length).toBe(MESSAGE_CHUNK + 10);
    const other = rec(MESSAGE_CHUNK + 11, msgs[8], 88_888);
    c.append(other);
    other.status = 'delivered';
    c.finish(other);
    expect(log.at(MESSAGE_CHUNK + 10)).toBe(extra);
    expect(c.at(MESSAGE_CHUNK + 10)).toEqual(other);
    expect(log.sendMsAt(MESSAGE_CHUNK + 10)).toBe(99_999);
    expect(c.sendMsAt(MESSAGE_CHUNK + 10)).toBe(88_888);
    // A message still in flight in the copy is unaffected by the original finishing it.
    const pending = recs[MESSAGE_CHUNK + 7];
    pending.status = 'dropped';
    pending.dropReason = 'loss';
    log.finish(pending);
    expect(c.at(MESSAGE_CHUNK + 7).status).toBe('inFlight');
    // Older shared rows read the same on both sides.
    for (const i of [0, 1, MESSAGE_CHUNK - 1, MESSAGE_CHUNK]) expect(c.at(i)).toEqual(log.at(i));
  });

  it('with a retention limit only the newest messages are kept, and the forgotten ones are summarised', () => {
    const log = new MessageLog();
    log.retain(2 * MESSAGE_CHUNK);
    const msgs = sampleMessages();
    const total = 10 * MESSAGE_CHUNK + 123;
    const countByType: Record<string, number> = {};
    for (let i = 0; i < total; i++) {
      const r = rec(i + 1, msgs[i % msgs.length], i);
      log.append(r);
      r.status = 'delivered';
      log.finish(r);
      if (i % 512 === 0) expect(log.retained).toBeLessThanOrEqual(3 * MESSAGE_CHUNK);
    }
    expect(log.length).toBe(total);
    expect(log.retained).toBeGreaterThanOrEqual(2 * MESSAGE_CHUNK);
    expect(log.byId(1)).toBeNull();
    expect(log.byId(total)).toMatchObject({ id: total, sendMs: total - 1 });
    expect(log.at(log.start).id).toBe(log.start + 1);
    const forgotten = log.forgotten;
    expect(forgotten.length * MESSAGE_CHUNK).toBe(log.start);
    for (let i = 0; i < log.start; i++) countByType[msgs[i % msgs.length].type] = (countByType[msgs[i % msgs.length].type] ?? 0) + 1;
    const summed: Record<string, number> = {};
    for (const s of forgotten) for (const [k, n] of Object.entries(s.counts)) summed[k] = (summed[k] ?? 0) + n;
    expect(summed).toEqual(countByType);
    expect(forgotten[0]).toMatchObject({ fromId: 1, toId: MESSAGE_CHUNK, firstSendMs: 0, lastSendMs: MESSAGE_CHUNK - 1 });
    expect(log.clone().retained).toBe(log.retained);
  });

  it('in a real run (loss, duplication, a crash, a pause, clients) every record reads back exactly as the engine left it', () => {
    const appended: MessageRecord[] = [];
    const spy = vi.spyOn(MessageLog.prototype, 'append').mockImplementation(function (this: MessageLog, r: MessageRecord) {
      appended.push(r);
      appendOriginal.call(this, r);
    });
    const sim = checkedSimulation({
      seed: 7, servers: ['S1', 'S2', 'S3'], clients: ['c1', 'c2'], heartbeatMs: 50, electionTimeoutMs: [150, 300], clientTimeoutMs: 300,
      network: { latencyMs: [5, 25], dropRate: 0.1, duplicateRate: 0.1 },
    });
    try {
      let n = 0;
      for (let t = 202; t < 4000; t += 37) {
        sim.runUntil(t);
        for (const c of ['c1', 'c2']) if (!sim.clients.get(c)!.busy) sim.submit(c, n % 3 ? { op: 'put', key: `k${n % 4}`, value: String(n++) } : { op: 'cas', key: 'k1', from: null, to: String(n++) }, { retry: true, withinMs: 2000 });
        if (t === 1201) sim.crash('S2');
        if (t === 1904) sim.restart('S2');
        if (t === 2200) sim.pauseServer('S3');
        if (t === 2607) sim.resumeServer('S3');
        if (t === 3088) sim.pauseServer('S1');
        if (t === 3384) sim.crash('S1'); // with held messages
      }
    } finally {
      spy.mockRestore();
    }
    const log = sim.messages;
    expect(appended.length).toBe(log.length);
    expect(appended.length).toBeGreaterThan(500);
    const statuses = new Set(appended.map((r) => `${r.status}/${r.dropReason ?? ''}`));
    expect(statuses).toContain('dropped/loss');
    expect(statuses).toContain('dropped/crashed');
    expect(appended.some((r) => r.duplicateOf !== undefined)).toBe(true);
    for (const [i, r] of appended.entries()) expect(log.at(i)).toEqual(r);
    expect(log.liveCount).toBe(sim.inFlight.size);
  });
});
