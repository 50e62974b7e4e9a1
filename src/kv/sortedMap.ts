/**
 * A persistent (immutable, structure-sharing) ordered map from string keys to values: the store's
 * key index (etcd mvcc's treeIndex, a B-tree there) and its lease table.
 *
 * Every update returns a new map and leaves the old one untouched; the two share all nodes off
 * the updated path, so an update allocates O(log n) nodes and a copy of the whole map (what the
 * time machine does with every server's store at each checkpoint) is O(1): keep the old value.
 *
 * It is a treap whose priorities are a hash of the key, so the tree's shape depends only on the
 * set of keys (not on insertion order) and everything stays deterministic. Keys are ordered by
 * plain JS string comparison (UTF-16 code units), which is etcd's byte order for every key
 * without characters outside the Basic Multilingual Plane. Keys are ordinary strings in every
 * case: `__proto__`, `constructor` or `hasOwnProperty` are keys like any other.
 */

interface Node<V> {
  readonly key: string;
  readonly value: V;
  readonly prio: number;
  readonly left: Node<V> | null;
  readonly right: Node<V> | null;
}

function node<V>(key: string, value: V, prio: number, left: Node<V> | null, right: Node<V> | null): Node<V> {
  return { key, value, prio, left, right };
}

/** 32-bit FNV-1a over UTF-16 code units, then the murmur3 finaliser: a well-mixed, deterministic priority. */
function priority(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function find<V>(n: Node<V> | null, key: string): Node<V> | null {
  while (n) {
    if (key === n.key) return n;
    n = key < n.key ? n.left : n.right;
  }
  return null;
}

/** Inserts or replaces; path copying with rotations that keep the heap order on priorities. */
function insert<V>(n: Node<V> | null, key: string, value: V, prio: number): Node<V> {
  if (!n) return node(key, value, prio, null, null);
  if (key === n.key) return node(key, value, n.prio, n.left, n.right);
  if (key < n.key) {
    const l = insert(n.left, key, value, prio);
    if (l.prio > n.prio) return node(l.key, l.value, l.prio, l.left, node(n.key, n.value, n.prio, l.right, n.right));
    return node(n.key, n.value, n.prio, l, n.right);
  }
  const r = insert(n.right, key, value, prio);
  if (r.prio > n.prio) return node(r.key, r.value, r.prio, node(n.key, n.value, n.prio, n.left, r.left), r.right);
  return node(n.key, n.value, n.prio, n.left, r);
}

/** Joins two treaps where every key of `a` is below every key of `b`. */
function merge<V>(a: Node<V> | null, b: Node<V> | null): Node<V> | null {
  if (!a) return b;
  if (!b) return a;
  if (a.prio > b.prio) return node(a.key, a.value, a.prio, a.left, merge(a.right, b));
  return node(b.key, b.value, b.prio, merge(a, b.left), b.right);
}

function remove<V>(n: Node<V> | null, key: string): Node<V> | null {
  if (!n) return null;
  if (key === n.key) return merge(n.left, n.right);
  if (key < n.key) {
    const l = remove(n.left, key);
    return l === n.left ? n : node(n.key, n.value, n.prio, l, n.right);
  }
  const r = remove(n.right, key);
  return r === n.right ? n : node(n.key, n.value, n.prio, n.left, r);
}

/** In-order visit of keys in [start, end) (`end` null: no upper bound); returns false once `fn` stops it. */
function visit<V>(n: Node<V> | null, start: string, end: string | null, fn: (key: string, value: V) => boolean | void): boolean {
  while (n) {
    const aboveStart = n.key >= start;
    const belowEnd = end === null || n.key < end;
    if (aboveStart && !visit(n.left, start, end, fn)) return false;
    if (aboveStart && belowEnd && fn(n.key, n.value) === false) return false;
    if (!belowEnd) return true;
    n = n.right; // tail position: loop instead of recursing
  }
  return true;
}

/** Rebuilds with `fn` applied to every value (undefined drops the key); unchanged subtrees are shared. */
function mapFilter<V>(n: Node<V> | null, fn: (key: string, value: V) => V | undefined, counter: { size: number }): Node<V> | null {
  if (!n) return null;
  const left = mapFilter(n.left, fn, counter);
  const value = fn(n.key, n.value);
  const right = mapFilter(n.right, fn, counter);
  if (value === undefined) return merge(left, right);
  counter.size++;
  if (value === n.value && left === n.left && right === n.right) return n;
  return node(n.key, value, n.prio, left, right);
}

function depth<V>(n: Node<V> | null): number {
  return n ? 1 + Math.max(depth(n.left), depth(n.right)) : 0;
}

/** An immutable ordered map; see the module comment. */
export class SortedMap<V> {
  private static readonly EMPTY = new SortedMap<never>(null, 0);

  private constructor(
    private readonly root: Node<V> | null,
    /** Number of keys. */
    readonly size: number,
  ) {}

  /** The empty map. */
  static empty<V>(): SortedMap<V> {
    return SortedMap.EMPTY as SortedMap<V>;
  }

  /** A map of the given entries (a later duplicate key replaces an earlier one). */
  static of<V>(entries: Iterable<readonly [string, V]>): SortedMap<V> {
    let m = SortedMap.empty<V>();
    for (const [k, v] of entries) m = m.set(k, v);
    return m;
  }

  /** The value at `key`, or undefined. */
  get(key: string): V | undefined {
    return find(this.root, key)?.value;
  }

  has(key: string): boolean {
    return find(this.root, key) !== null;
  }

  /** A map with `key` set to `value` (inserted or replaced); this map is unchanged. */
  set(key: string, value: V): SortedMap<V> {
    const had = find(this.root, key) !== null;
    return new SortedMap(insert(this.root, key, value, priority(key)), had ? this.size : this.size + 1);
  }

  /** A map without `key` (this map itself if the key is absent). */
  delete(key: string): SortedMap<V> {
    if (find(this.root, key) === null) return this;
    return new SortedMap(remove(this.root, key), this.size - 1);
  }

  /**
   * Calls `fn(key, value)` for every key in [start, end) in ascending order; `end` null (or
   * omitted) means no upper bound. Returning false from `fn` stops the walk.
   */
  forEachInRange(start: string, end: string | null, fn: (key: string, value: V) => boolean | void): void {
    visit(this.root, start, end, fn);
  }

  /** Calls `fn(key, value)` for every key in ascending order; returning false stops. */
  forEach(fn: (key: string, value: V) => boolean | void): void {
    visit(this.root, '', null, fn);
  }

  /**
   * A map where every value is replaced by `fn(key, value)` (called in ascending key order);
   * returning undefined removes the key, returning the same value keeps its node. O(n), and
   * subtrees where nothing changed are shared with this map.
   */
  update(fn: (key: string, value: V) => V | undefined): SortedMap<V> {
    const counter = { size: 0 };
    const root = mapFilter(this.root, fn, counter);
    return root === this.root ? this : new SortedMap(root, counter.size);
  }

  /** All keys, ascending. */
  keys(): string[] {
    const out: string[] = [];
    this.forEach((k) => {
      out.push(k);
    });
    return out;
  }

  /** All [key, value] pairs, ascending by key. */
  entries(): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    this.forEach((k, v) => {
      out.push([k, v]);
    });
    return out;
  }

  /** Height of the tree (for tests and benchmarks: a treap of n keys is about 2-3 × log2 n high). */
  height(): number {
    return depth(this.root);
  }
}
