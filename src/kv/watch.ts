/**
 * Watchers of one server (etcd server/storage/mvcc/watchable_store.go and the v3rpc watch
 * server), as a pure class. The store keeps, for every applied revision, the events it made
 * (KvStore.events); a watcher is only a key range and the next revision it has not been given
 * yet, so every event reaches it exactly once, in revision order:
 *
 * - {@link WatchHub.watch} creates a watcher (etcd WatchCreateRequest); a start revision in the
 *   past replays the history from there, 0 means "from the next revision";
 * - {@link WatchHub.poll}, called after the server applies entries, returns each watcher's
 *   pending events and moves it past them (etcd: synced watchers are notified, unsynced ones
 *   catch up from the backend); a watcher whose next revision has been compacted is cancelled
 *   with etcd's compaction error (watcherGroup.chooseAll);
 * - {@link WatchHub.cancel} removes one (etcd WatchCancelRequest).
 *
 * Resuming elsewhere: a client that loses its server creates the same watch on another one with
 * `startRevision` = the modRevision of the last event it received + 1 (what clientv3 does), or
 * the header revision of the last response + 1. Nothing is lost or repeated: every server applies
 * the same revisions, and a server that is behind holds the watcher until it gets there.
 *
 * Use one hub per server, or one per client connection (an etcd watch stream: IDs then count
 * from 0 per connection, as clientv3 sees them). Deterministic: watchers are served in ID order.
 */
import { ERR_COMPACTED } from './errors';
import { type KeyInterval, interval } from './range';
import type { KvStore } from './store';
import type { KvEvent, ResponseHeader } from './types';

/** etcd clientv3.InvalidWatchID: the ID of a watch response refusing a creation. */
export const INVALID_WATCH_ID = -1;

/** etcd mvcc.ErrWatcherDuplicateID. */
export const ERR_DUPLICATE_WATCH_ID = 'mvcc: duplicate watch ID provided on the WatchStream';

/** etcd WatchCreateRequest. */
export interface WatchCreateRequest {
  /** '' is etcd's smallest key "\0" (with rangeEnd "\0": every key). */
  key: string;
  /** As for a range: absent = the key alone, "\0" = from the key on, else [key, rangeEnd). */
  rangeEnd?: string;
  /** The first revision to report; 0 or absent: the next revision (the current one + 1). */
  startRevision?: number;
  /** Attach the key's previous value to each event (etcd prev_kv). */
  prevKv?: boolean;
  /** etcd WatchCreateRequest.filters: leave out PUT or DELETE events. */
  filters?: Array<'NOPUT' | 'NODELETE'>;
  /** A chosen watch ID (etcd watch_id); absent: the lowest free ID from a counter starting at 0. */
  watchId?: number;
}

/** etcd WatchResponse. */
export interface WatchResponse {
  watchId: number;
  /** The store revision the response was made at. */
  header: ResponseHeader;
  events: KvEvent[];
  /** The reply to a creation. */
  created?: true;
  /** The watcher is gone (compacted, cancelled or refused). */
  canceled?: true;
  /** With a compaction cancel: the oldest revision still available (etcd compact_revision). */
  compactRevision?: number;
  cancelReason?: string;
}

/** A watcher as plain data (for the inspector and snapshots). */
export interface WatcherInfo {
  watchId: number;
  key: string;
  rangeEnd?: string;
  startRevision: number;
  /** The next revision whose events it has not been given. */
  nextRevision: number;
  prevKv: boolean;
  filters: Array<'NOPUT' | 'NODELETE'>;
}

/** Plain-data copy of a WatchHub. */
export interface WatchHubSnapshot {
  nextWatchId: number;
  watchers: WatcherInfo[];
}

interface Watcher extends WatcherInfo {
  readonly iv: KeyInterval;
}

function info(w: Watcher): WatcherInfo {
  const out: WatcherInfo = {
    watchId: w.watchId,
    key: w.key,
    startRevision: w.startRevision,
    nextRevision: w.nextRevision,
    prevKv: w.prevKv,
    filters: [...w.filters],
  };
  if (w.rangeEnd !== undefined) out.rangeEnd = w.rangeEnd;
  return out;
}

function watcher(i: WatcherInfo): Watcher {
  return { ...info(i as Watcher), iv: interval(i.key, i.rangeEnd === '' ? undefined : i.rangeEnd) };
}

/** See the module comment. */
export class WatchHub {
  private all = new Map<number, Watcher>();
  private nextWatchId = 0;

  /** Number of active watchers. */
  get size(): number {
    return this.all.size;
  }

  /**
   * Creates a watcher (etcd watchableStore.watch + the v3rpc create handling) and returns the
   * creation response. A watcher starting at or below the store's revision is behind and gets
   * the history from `startRevision` at the next {@link poll}; starting later (or at 0) it waits
   * for new revisions. Refused (a canceled creation response with {@link INVALID_WATCH_ID}): a
   * negative start revision (etcd answers with the compaction error), a `watchId` in use, a
   * malformed request.
   */
  watch(store: KvStore, req: WatchCreateRequest): WatchResponse {
    const header = { revision: store.revision };
    const refuse = (reason: string): WatchResponse => ({
      watchId: INVALID_WATCH_ID, header, events: [], created: true, canceled: true, cancelReason: reason,
    });
    const start = req.startRevision ?? 0;
    if (typeof req.key !== 'string' || (req.rangeEnd !== undefined && typeof req.rangeEnd !== 'string') || !Number.isSafeInteger(start)) {
      return refuse('invalid watch request: key and rangeEnd must be strings, startRevision an integer');
    }
    const filters = req.filters ?? [];
    if (!Array.isArray(filters) || filters.some((f) => f !== 'NOPUT' && f !== 'NODELETE')) {
      return refuse('invalid watch request: filters are NOPUT and NODELETE');
    }
    if (start < 0) return refuse(ERR_COMPACTED);
    let id = req.watchId;
    if (id !== undefined && id !== INVALID_WATCH_ID) {
      if (!Number.isSafeInteger(id) || id < 0) return refuse('invalid watch request: watchId must be a non-negative integer');
      if (this.all.has(id)) return refuse(ERR_DUPLICATE_WATCH_ID);
    } else {
      while (this.all.has(this.nextWatchId)) this.nextWatchId++;
      id = this.nextWatchId++;
    }
    const key = req.key === '' ? '\0' : req.key;
    const synced = start === 0 || start > store.revision;
    const w = watcher({
      watchId: id,
      key,
      ...(req.rangeEnd !== undefined && req.rangeEnd !== '' ? { rangeEnd: req.rangeEnd } : {}),
      startRevision: start,
      nextRevision: synced ? Math.max(store.revision + 1, start) : start,
      prevKv: !!req.prevKv,
      filters: [...new Set(filters)],
    });
    this.all.set(id, w);
    return { watchId: id, header, events: [], created: true };
  }

  /** Removes a watcher (etcd WatchCancelRequest); the cancel response, or null if there is no such watcher. */
  cancel(watchId: number, store: KvStore): WatchResponse | null {
    if (!this.all.delete(watchId)) return null;
    return { watchId, header: { revision: store.revision }, events: [], canceled: true };
  }

  /**
   * Everything pending, in watch-ID order: for each watcher, the events of revisions from its next
   * revision up to the store's (matching its range and filters, with prevKv if asked), after
   * which it is past them; watchers with nothing new are left out. A watcher whose next revision
   * is below the store's {@link KvStore.oldestEventRevision} (compacted) is answered with a
   * cancel carrying `compactRevision` and etcd's error, and removed. Call it after applying
   * entries, always with the same server's store.
   */
  poll(store: KvStore): WatchResponse[] {
    const out: WatchResponse[] = [];
    const header = (): ResponseHeader => ({ revision: store.revision });
    for (const id of [...this.all.keys()].sort((a, b) => a - b)) {
      const w = this.all.get(id)!;
      if (w.nextRevision < store.oldestEventRevision) {
        this.all.delete(id);
        out.push({
          watchId: id, header: header(), events: [], canceled: true,
          compactRevision: store.oldestEventRevision, cancelReason: ERR_COMPACTED,
        });
        continue;
      }
      if (w.nextRevision > store.revision) continue;
      let events = store.events(w.nextRevision, store.revision, w.iv, w.prevKv);
      if (w.filters.length > 0) {
        const noPut = w.filters.includes('NOPUT');
        const noDelete = w.filters.includes('NODELETE');
        events = events.filter((e) => !(e.type === 'PUT' ? noPut : noDelete));
      }
      w.nextRevision = store.revision + 1;
      if (events.length > 0) out.push({ watchId: id, header: header(), events });
    }
    return out;
  }

  /** The active watchers, ascending by ID (copies). */
  watchers(): WatcherInfo[] {
    return [...this.all.keys()].sort((a, b) => a - b).map((id) => info(this.all.get(id)!));
  }

  /** Plain-data copy; JSON-safe. */
  snapshot(): WatchHubSnapshot {
    return { nextWatchId: this.nextWatchId, watchers: this.watchers() };
  }

  /** Rebuilds a hub from {@link snapshot} output. Throws a RangeError for a duplicate watch ID. */
  static fromSnapshot(s: WatchHubSnapshot): WatchHub {
    const h = new WatchHub();
    h.nextWatchId = s.nextWatchId;
    for (const i of s.watchers) {
      if (h.all.has(i.watchId)) throw new RangeError(`duplicate watch ID ${i.watchId} in hub snapshot`);
      h.all.set(i.watchId, watcher(i));
    }
    return h;
  }

  /** Independent copy (O(watchers)). */
  clone(): WatchHub {
    return WatchHub.fromSnapshot(this.snapshot());
  }
}
