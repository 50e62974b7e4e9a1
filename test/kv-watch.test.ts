/**
 * Watch (etcd server/storage/mvcc/watchable_store.go, api/v3rpc/watch.go): events in revision
 * order, exactly once; history replay from a past revision; future start revisions; prevKv and
 * filters; cancellation by compaction with etcd's error; a watch resumed on another server from
 * the next revision loses and repeats nothing.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ERR_COMPACTED } from '../src/kv/errors';
import { KvStore } from '../src/kv/store';
import type { KvEvent, KvRequest } from '../src/kv/types';
import { ERR_DUPLICATE_WATCH_ID, INVALID_WATCH_ID, WatchHub } from '../src/kv/watch';

const put = (s: KvStore, key: string, value: string) => expect(s.execute({ op: 'put', key, value }).op).toBe('put');
const del = (s: KvStore, key: string) => expect(s.execute({ op: 'deleteRange', key }).op).toBe('deleteRange');
const brief = (e: KvEvent) => (e.type === 'PUT' ? `PUT ${e.kv.key} ${e.kv.value}@${e.kv.modRevision}` : `DELETE ${e.kv.key}@${e.kv.modRevision}`);
/** Every event delivered to each watcher by one poll, as text. */
const pollText = (h: WatchHub, s: KvStore) => h.poll(s).map((r) => ({ id: r.watchId, events: r.events.map(brief) }));

describe('etcd watch: events in revision order, exactly once', () => {
  it('TestWatch: a watch from the next revision sees later puts and deletes of its key, each once', () => {
    const s = new KvStore();
    put(s, 'foo', 'old');
    const h = new WatchHub();
    expect(h.watch(s, { key: 'foo' })).toEqual({ watchId: 0, header: { revision: 2 }, events: [], created: true });
    expect(h.poll(s)).toEqual([]);
    put(s, 'foo', 'bar');
    put(s, 'other', 'x');
    del(s, 'foo');
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT foo bar@3', 'DELETE foo@5'] }]);
    expect(h.poll(s)).toEqual([]);
    put(s, 'foo', 'again');
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT foo again@6'] }]);
  });

  it('a DELETE event carries etcd\'s tombstone key-value: key, empty value, zero revisions, the delete\'s modRevision', () => {
    const s = new KvStore();
    put(s, 'k', 'v');
    const h = new WatchHub();
    h.watch(s, { key: 'k' });
    del(s, 'k');
    expect(h.poll(s)[0].events).toEqual([{ type: 'DELETE', kv: { key: 'k', value: '', createRevision: 0, modRevision: 3, version: 0 } }]);
  });

  it('TestV3WatchMultipleEventsTxnSynced: the events of one txn arrive together, in the order the txn made them', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: '\0', rangeEnd: '\0' });
    s.execute({ op: 'txn', compare: [], success: [
      { op: 'put', key: 'foo2', value: 'bar' }, { op: 'put', key: 'foo0', value: 'bar' }, { op: 'put', key: 'foo1', value: 'bar' },
    ], failure: [] });
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT foo2 bar@2', 'PUT foo0 bar@2', 'PUT foo1 bar@2'] }]);
  });

  it('watchers on a key, a prefix, a range and from a key each get exactly their keys; IDs count from 0', () => {
    const s = new KvStore();
    const h = new WatchHub();
    const ids = [
      h.watch(s, { key: 'a/1' }),
      h.watch(s, { key: 'a/', rangeEnd: 'a0' }),
      h.watch(s, { key: 'a/2', rangeEnd: 'b' }),
      h.watch(s, { key: 'b', rangeEnd: '\0' }),
      h.watch(s, { key: '', rangeEnd: '\0' }),
    ].map((r) => r.watchId);
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    for (const k of ['a/1', 'a/2', 'a0', 'b', 'c']) put(s, k, 'x');
    const got = Object.fromEntries(h.poll(s).map((r) => [r.watchId, r.events.map((e) => e.kv.key)]));
    expect(got).toEqual({
      0: ['a/1'],
      1: ['a/1', 'a/2'],
      2: ['a/2', 'a0'],
      3: ['b', 'c'],
      4: ['a/1', 'a/2', 'a0', 'b', 'c'],
    });
  });

  it('a lease revocation reaches watchers as DELETE events of one revision', () => {
    const s = new KvStore();
    s.execute({ op: 'leaseGrant', id: '0000000000000009', ttl: 5 });
    s.execute({ op: 'put', key: '/svc/b', value: '1', lease: '0000000000000009' });
    s.execute({ op: 'put', key: '/svc/a', value: '1', lease: '0000000000000009' });
    const h = new WatchHub();
    h.watch(s, { key: '/svc/', rangeEnd: '/svc0' });
    s.execute({ op: 'leaseRevoke', id: '0000000000000009' });
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['DELETE /svc/a@4', 'DELETE /svc/b@4'] }]);
  });

  it('cancel removes a watcher (etcd WatchCancelRequest)', () => {
    const s = new KvStore();
    const h = new WatchHub();
    const { watchId } = h.watch(s, { key: 'k' });
    expect(h.cancel(watchId, s)).toEqual({ watchId, header: { revision: 1 }, events: [], canceled: true });
    expect(h.cancel(watchId, s)).toBeNull();
    put(s, 'k', 'v');
    expect(h.poll(s)).toEqual([]);
    expect(h.watch(s, { key: 'k' }).watchId).toBe(1);
  });
});

describe('etcd watch start revisions', () => {
  it('TestSyncWatchers: a start revision in the past replays the history from there, then continues', () => {
    const s = new KvStore();
    put(s, 'k', '1'); // 2
    put(s, 'k', '2'); // 3
    del(s, 'k'); // 4
    put(s, 'k', '3'); // 5
    const h = new WatchHub();
    h.watch(s, { key: 'k', startRevision: 3 });
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT k 2@3', 'DELETE k@4', 'PUT k 3@5'] }]);
    put(s, 'k', '4');
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT k 4@6'] }]);
  });

  it('TestWatchFutureRev: a start revision in the future waits for it and reports nothing earlier', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: 'k', startRevision: 4 });
    put(s, 'k', 'a'); // 2
    expect(h.poll(s)).toEqual([]);
    put(s, 'k', 'b'); // 3
    put(s, 'k', 'c'); // 4
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT k c@4'] }]);
  });

  it('a negative start revision is refused with the compaction error (etcd v3rpc watch server); so is a watch ID in use', () => {
    const s = new KvStore();
    const h = new WatchHub();
    expect(h.watch(s, { key: 'k', startRevision: -1 })).toEqual({
      watchId: INVALID_WATCH_ID, header: { revision: 1 }, events: [], created: true, canceled: true, cancelReason: ERR_COMPACTED,
    });
    expect(h.watch(s, { key: 'k', watchId: 7 }).watchId).toBe(7);
    expect(h.watch(s, { key: 'k', watchId: 7 })).toMatchObject({ watchId: INVALID_WATCH_ID, canceled: true, cancelReason: ERR_DUPLICATE_WATCH_ID });
    expect(h.size).toBe(1);
  });
});

describe('etcd watch prevKv and filters', () => {
  it('TestV3WatchWithPrevKV: an update and a delete carry the previous key-value; a creation none', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: 'k', prevKv: true });
    h.watch(s, { key: 'k' });
    put(s, 'k', 'first');
    put(s, 'k', 'second');
    del(s, 'k');
    const [withPrev, without] = h.poll(s);
    expect(withPrev.events).toEqual([
      { type: 'PUT', kv: { key: 'k', value: 'first', createRevision: 2, modRevision: 2, version: 1 } },
      { type: 'PUT', kv: { key: 'k', value: 'second', createRevision: 2, modRevision: 3, version: 2 },
        prevKv: { key: 'k', value: 'first', createRevision: 2, modRevision: 2, version: 1 } },
      { type: 'DELETE', kv: { key: 'k', value: '', createRevision: 0, modRevision: 4, version: 0 },
        prevKv: { key: 'k', value: 'second', createRevision: 2, modRevision: 3, version: 2 } },
    ]);
    expect(without.events.every((e) => !('prevKv' in e))).toBe(true);
  });

  it('after compaction, an event whose previous revision is compacted has no prevKv (etcd reads it at modRevision - 1)', () => {
    const s = new KvStore();
    put(s, 'k', 'a'); // 2
    put(s, 'k', 'b'); // 3
    put(s, 'k', 'c'); // 4
    s.execute({ op: 'compact', revision: 3 });
    const h = new WatchHub();
    h.watch(s, { key: 'k', startRevision: 3, prevKv: true });
    const events = h.poll(s)[0].events;
    expect(events.map((e) => [e.kv.value, e.prevKv?.value ?? null])).toEqual([['b', null], ['c', 'b']]);
  });

  it('TestV3WatchWithFilter: NOPUT leaves out puts, NODELETE deletes', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: 'k', filters: ['NOPUT'] });
    h.watch(s, { key: 'k', filters: ['NODELETE'] });
    put(s, 'k', 'v');
    del(s, 'k');
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['DELETE k@3'] }, { id: 1, events: ['PUT k v@2'] }]);
  });
});

describe('etcd TestWatchCompacted: a watch from a compacted revision is cancelled with the compaction error', () => {
  function compactedAt5(): KvStore {
    const s = new KvStore();
    for (let i = 0; i < 5; i++) put(s, 'k', String(i)); // 2..6
    s.execute({ op: 'compact', revision: 5 });
    return s;
  }

  it('created, then cancelled at the next poll with compactRevision and "etcdserver: mvcc: required revision has been compacted"', () => {
    const s = compactedAt5();
    const h = new WatchHub();
    expect(h.watch(s, { key: 'k', startRevision: 4 })).toMatchObject({ watchId: 0, created: true });
    expect(h.poll(s)).toEqual([{
      watchId: 0, header: { revision: 6 }, events: [], canceled: true, compactRevision: 5,
      cancelReason: 'etcdserver: mvcc: required revision has been compacted',
    }]);
    expect(h.size).toBe(0);
  });

  it('a watch starting exactly at the compacted revision is served, a DELETE at that revision included', () => {
    const s = new KvStore();
    put(s, 'k', 'a'); // 2
    del(s, 'k'); // 3
    put(s, 'x', 'a'); // 4
    s.execute({ op: 'compact', revision: 3 });
    const h = new WatchHub();
    h.watch(s, { key: '\0', rangeEnd: '\0', startRevision: 3 });
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['DELETE k@3', 'PUT x a@4'] }]);
  });

  it('a slow watcher overtaken by a compaction before it was polled is cancelled; a caught-up one is not', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: 'k' }); // 0: will be polled
    put(s, 'k', '1'); // 2
    h.poll(s);
    const slow = new WatchHub();
    slow.watch(s, { key: 'k', startRevision: 2 }); // behind, never polled yet
    put(s, 'k', '2'); // 3
    s.execute({ op: 'compact', revision: 3 });
    expect(pollText(h, s)).toEqual([{ id: 0, events: ['PUT k 2@3'] }]);
    expect(slow.poll(s)).toMatchObject([{ watchId: 0, canceled: true, compactRevision: 3, cancelReason: ERR_COMPACTED }]);
  });
});

/** Replicas of one store: the same requests applied to each, as Raft servers apply the log. */
function randomLog(seed: string, n: number): KvRequest[] {
  const rng = seedrandom(seed);
  const out: KvRequest[] = [];
  for (let i = 0; i < n; i++) {
    const key = `/config/${Math.floor(rng() * 4)}`;
    const x = rng();
    if (x < 0.6) out.push({ op: 'put', key, value: String(i) });
    else if (x < 0.8) out.push({ op: 'deleteRange', key });
    else if (x < 0.9) out.push({ op: 'put', key: `/other/${i}`, value: 'x' });
    else out.push({ op: 'txn', compare: [], success: [{ op: 'put', key: '/config/a', value: String(i) }, { op: 'put', key: '/config/b', value: String(i) }], failure: [] });
  }
  return out;
}

describe('a watch survives its server: resumed on another one from the next revision, nothing lost or repeated', () => {
  it('200 random runs: the server crashes at a random point; the new server may be behind or ahead', () => {
    for (let run = 0; run < 200; run++) {
      const rng = seedrandom(`kv-watch-resume-${run}`);
      const log = randomLog(`log-${run}`, 60);
      // The reference: every event of the watched prefix, from a store that applied everything.
      const ref = new KvStore();
      for (const r of log) ref.execute(r);
      const want = ref.events(2, ref.revision, undefined, true).filter((e) => e.kv.key.startsWith('/config/')).map(brief);

      const a = new KvStore();
      const b = new KvStore();
      const hubA = new WatchHub();
      hubA.watch(a, { key: '/config/', rangeEnd: '/config0', startRevision: 1, prevKv: true });
      const received: KvEvent[] = [];
      const crashAt = Math.floor(rng() * log.length);
      const bLag = Math.floor(rng() * 20) - 10; // B is up to 10 entries behind or ahead of A at the crash
      let ia = 0;
      let ib = 0;
      while (ia < crashAt) {
        a.execute(log[ia++]);
        if (rng() < 0.5) for (const resp of hubA.poll(a)) received.push(...resp.events); // delivered now or later
      }
      // some of A's pending events may never have been sent: A crashes now; its hub is gone
      while (ib < Math.max(0, Math.min(log.length, crashAt + bLag))) b.execute(log[ib++]);
      const last = received.length > 0 ? received[received.length - 1].kv.modRevision : 0;
      const hubB = new WatchHub();
      hubB.watch(b, { key: '/config/', rangeEnd: '/config0', startRevision: last + 1, prevKv: true });
      for (;;) {
        for (const resp of hubB.poll(b)) received.push(...resp.events);
        if (ib >= log.length) break;
        b.execute(log[ib++]);
      }
      expect(received.map(brief)).toEqual(want);
    }
  });

  it('resuming from the header revision of the last response + 1 works as well', () => {
    const log = randomLog('hdr', 40);
    const a = new KvStore();
    const b = new KvStore();
    for (const r of log) b.execute(r);
    const hubA = new WatchHub();
    hubA.watch(a, { key: '/config/', rangeEnd: '/config0' });
    const received: string[] = [];
    let lastHeader = 1;
    for (const r of log.slice(0, 25)) {
      a.execute(r);
      for (const resp of hubA.poll(a)) {
        received.push(...resp.events.map(brief));
        lastHeader = resp.header.revision;
      }
    }
    const hubB = new WatchHub();
    hubB.watch(b, { key: '/config/', rangeEnd: '/config0', startRevision: lastHeader + 1 });
    for (const resp of hubB.poll(b)) received.push(...resp.events.map(brief));
    expect(received).toEqual(b.events(2).filter((e) => e.kv.key.startsWith('/config/')).map(brief));
  });
});

describe('hub snapshots, clones, and stores restored from dumps', () => {
  it('a cloned hub and a hub from a JSON snapshot deliver exactly what the original delivers', () => {
    const s = new KvStore();
    const h = new WatchHub();
    h.watch(s, { key: 'a', rangeEnd: 'z', prevKv: true, filters: ['NODELETE'] });
    h.watch(s, { key: 'k' });
    put(s, 'k', '1');
    const c = h.clone();
    const j = WatchHub.fromSnapshot(JSON.parse(JSON.stringify(h.snapshot())));
    const s2 = s.clone();
    put(s, 'k', '2');
    put(s2, 'k', '2');
    const expected = h.poll(s);
    expect(expected.map((r) => r.events.length)).toEqual([2, 2]);
    expect(c.poll(s2)).toEqual(expected);
    expect(j.poll(s2)).toEqual(expected);
    expect(j.watchers()).toEqual(h.watchers());
    expect(c.watchers()).toEqual(h.watchers());
  });

  it('replaying a watch on a store restored from a dump gives the same events as on the original', () => {
    const s = new KvStore();
    for (const r of randomLog('dump-watch', 80)) s.execute(r);
    s.execute({ op: 'compact', revision: 30 });
    const r = KvStore.restore(JSON.parse(JSON.stringify(s.dump())));
    const watchFrom = (store: KvStore) => {
      const h = new WatchHub();
      h.watch(store, { key: '\0', rangeEnd: '\0', startRevision: 30, prevKv: true });
      return h.poll(store);
    };
    expect(watchFrom(r)).toEqual(watchFrom(s));
    expect(watchFrom(s)[0].events.length).toBeGreaterThan(20);
  });
});
