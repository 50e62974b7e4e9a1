/**
 * What the KV panel draws, as plain data read from one server's store (src/kv KvStore) and the
 * leader's lessor: each key with its lease and the lease's time left, the leases, and the
 * revision history of a selected key (every kept version, tombstones included, as etcd's MVCC
 * keeps them until compaction).
 */
import type { KeyValue, KvStore, LeaseId, WatcherInfo } from '../../kv';

/** One key as the panel lists it. */
export interface KvKeyRow {
  kv: KeyValue;
  /** The key's lease's time left in ms of the leader's clock (≤ 0: expired, revocation on its way); null: no leader is counting it; undefined: no lease. */
  remainingMs?: number | null;
}

/** One lease: granted TTL (s), time left (as above), attached keys. */
export interface KvLeaseRow {
  id: LeaseId;
  ttlSeconds: number;
  remainingMs: number | null;
  keys: string[];
}

/** A watcher on a server's WatchHub, with the client whose watch stream it serves (absent when not known, e.g. the in-memory member). */
export type KvWatcherRow = WatcherInfo & { client?: string };

/** One kept version of a key (a put, or a deletion's tombstone). */
export interface KvHistoryRow {
  /** etcd revision.main / revision.sub of the write. */
  revision: number;
  sub: number;
  /** null: the key was deleted at this revision (a tombstone). */
  kv: KeyValue | null;
}

export interface KvView {
  /** The server whose store this is. */
  server: string;
  /** Its watchers (etcd's watchable store), ascending by watch ID, each with the client it serves when known. */
  watchers: KvWatcherRow[];
  revision: number;
  /** etcd compactMainRev (-1: never compacted). */
  compactRevision: number;
  keys: KvKeyRow[];
  leases: KvLeaseRow[];
}

/** Where the panel reads: a server's store, and the time left of a lease on the leader's lessor. */
export interface KvSource {
  /** The servers to choose from. */
  servers(): string[];
  /** The server's applied store, or null when it is down. */
  store(server: string): KvStore | null;
  /** Time left of lease `id` on the leader's clock, ms; null when no lessor counts it (no leader, or the lessor holds it forever). */
  remainingMs(id: LeaseId): number | null;
  /** The watchers registered on the server (its WatchHub), ascending by watch ID; none when down or unknown. */
  watchers(server: string): KvWatcherRow[];
}

/** The panel's view of `server`'s store (null when it is down). Keys ascending, leases by ID. */
export function kvView(src: KvSource, server: string): KvView | null {
  const store = src.store(server);
  if (!store) return null;
  const snap = store.snapshot();
  const keys = Object.keys(snap.kvs)
    .sort()
    .map((k): KvKeyRow => {
      const kv = snap.kvs[k];
      return kv.lease ? { kv, remainingMs: src.remainingMs(kv.lease) } : { kv };
    });
  const leases = store.leases().map((l) => ({ id: l.id, ttlSeconds: l.ttl, remainingMs: src.remainingMs(l.id), keys: l.keys }));
  return { server, watchers: src.watchers(server), revision: store.revision, compactRevision: store.compactRevision, keys, leases };
}

/** A key's kept versions on `server`, oldest first. */
export function kvHistory(src: KvSource, server: string, key: string): KvHistoryRow[] {
  return src.store(server)?.history(key) ?? [];
}

/** What a watcher watches, as etcdctl names it: `key`, `key --prefix`-style ranges as [key, end), or every key from `key`. */
export function watchedRange(w: WatcherInfo): string {
  if (w.rangeEnd === undefined) return w.key;
  if (w.rangeEnd === '\0') return `${w.key} …`;
  return `[${w.key}, ${w.rangeEnd})`;
}

/** "7.3 s" style: seconds with one decimal, never below 0. */
export function countdownText(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
