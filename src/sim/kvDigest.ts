/**
 * A digest of a server's KV state, kept up to date incrementally, so replicas can be compared after
 * every apply (the checker's Replica Agreement) without writing out the whole store each time.
 *
 * The digest is (revision, number of keys, Σ h(key, value)) with h a 64-bit FNV-1a of the pair in
 * two 32-bit lanes and Σ a sum modulo 2^32 per lane: it does not depend on the order keys were
 * written, so two stores with the same revision and the same key → value contents have the same
 * digest, and two that differ anywhere differ in it (up to a 2^-64 chance). It carries exactly what
 * the text of the whole store used to (revision, then every key and value).
 *
 * Keeping it up to date costs O(changes): after an apply it reads the store's events since the
 * revision it last saw (with their previous values) and swaps each old pair's term for the new one.
 * If the store object is not the one it last saw (a crash rebuilt it, a clone, a test replaced it)
 * or those events are no longer kept, it recomputes from the store's contents (O(keys)).
 */
import type { KvStore } from '../kv/store';

const P1 = 0x01000193;
const P2 = 0x0100019d;

export class KvDigest {
  private store: KvStore | null = null;
  private revision = 0;
  private h1 = 0;
  private h2 = 0;

  /** Brings the digest up to `store`'s current state. */
  update(store: KvStore): void {
    if (store !== this.store) return this.recompute(store);
    const rev = store.revision;
    if (rev === this.revision) return;
    // Events (with their previous values) since our revision must still be kept; else start over.
    if (this.revision + 1 < store.oldestEventRevision || this.revision < store.compactRevision) return this.recompute(store);
    for (const e of store.events(this.revision + 1, rev, undefined, true)) {
      if (e.prevKv) this.remove(e.prevKv.key, e.prevKv.value);
      if (e.type === 'PUT') this.add(e.kv.key, e.kv.value);
    }
    this.revision = rev;
  }

  /**
   * The common case, without reading the store's events: `store` applied one put of `key` to
   * `value`, which moved it from `revisionBefore` to the next revision; `previous` was the key's
   * value before it (undefined if absent). Anything else (the digest was behind, another store, a
   * revision jump) falls back to `update`.
   */
  updateAfterPut(store: KvStore, revisionBefore: number, key: string, previous: string | undefined, value: string): void {
    if (store !== this.store || this.revision !== revisionBefore || store.revision !== revisionBefore + 1) return this.update(store);
    if (previous !== undefined) this.remove(key, previous);
    this.add(key, value);
    this.revision = store.revision;
  }

  /** The digest as text: `revision:keys:hash:hash` (compare with ===). Call `update` first. */
  text(): string {
    return this.revision + ':' + (this.store ? this.store.size : 0) + ':' + this.h1 + ':' + this.h2;
  }

  /**
   * A copy for a clone of `from`: `to` is `from`'s clone (in the same state). If this digest does
   * not follow `from` (a crash replaced the store since), the copy starts afresh.
   */
  cloneFor(from: KvStore, to: KvStore): KvDigest {
    const d = new KvDigest();
    if (this.store === from) {
      d.store = to;
      d.revision = this.revision;
      d.h1 = this.h1;
      d.h2 = this.h2;
    }
    return d;
  }

  private recompute(store: KvStore): void {
    this.store = store;
    this.h1 = 0;
    this.h2 = 0;
    const entries = store.entries();
    for (const k in entries) this.add(k, entries[k]);
    this.revision = store.revision;
  }

  private add(key: string, value: string): void {
    this.pair(key, value, 1);
  }

  private remove(key: string, value: string): void {
    this.pair(key, value, -1);
  }

  private pair(key: string, value: string, sign: 1 | -1): void {
    let a = 0x811c9dc5;
    let b = 0xcbf29ce4;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, P1);
      b = Math.imul(b ^ c, P2);
    }
    // A separator no key or value character can fake (lone surrogates aside, 0xffff is a non-character).
    a = Math.imul(a ^ 0xffff, P1);
    b = Math.imul(b ^ 0xffff, P2);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      a = Math.imul(a ^ c, P1);
      b = Math.imul(b ^ c, P2);
    }
    // Finalise (xorshift-multiply) so that sums of similar pairs do not cancel in low bits.
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    b ^= b >>> 15;
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    this.h1 = (this.h1 + sign * a) | 0;
    this.h2 = (this.h2 + sign * b) | 0;
  }
}
