/**
 * A persistent (immutable, structure-sharing) ordered map from string keys to values: the store's
 * key index (etcd mvcc's treeIndex, a B-tree there too) and its lease table.
 *
 * Every update returns a new map and leaves the old one untouched; the two share every node off
 * the updated path. It is a B+tree of fanout {@link MAX_NODE}: 10,000 keys make a tree of height 3,
 * so an update copies three small arrays (a leaf's values, two levels of child pointers), and a
 * copy of the whole map (what the time machine does with every server's store at each
 * checkpoint) is O(1): keep the old value. Deterministic: the same updates give the same tree.
 *
 * Keys are ordered by plain JS string comparison (UTF-16 code units), which is etcd's byte order
 * for every key without characters outside the Basic Multilingual Plane. Keys are ordinary strings
 * in every case: `__proto__`, `constructor` or `hasOwnProperty` are keys like any other.
 * Deletions never merge nodes (they are rare: compactions); an emptied node is removed and a
 * branch left with one child is replaced by it, so leaves need not all be at the same depth.
 */

/** Most entries in one node; a node that grows past it splits in two. */
export const MAX_NODE = 32;

interface Leaf<V> {
  readonly leaf: true;
  readonly keys: readonly string[];
  readonly vals: readonly V[];
}

interface Branch<V> {
  readonly leaf: false;
  /** keys[i] is the smallest key under kids[i]. */
  readonly keys: readonly string[];
  readonly kids: ReadonlyArray<Node<V>>;
}

type Node<V> = Leaf<V> | Branch<V>;

/** The last index i with keys[i] <= key, or -1 if key is below them all. */
function floorIndex(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function inserted<T>(a: readonly T[], i: number, x: T): T[] {
  const out = new Array<T>(a.length + 1);
  for (let j = 0; j < i; j++) out[j] = a[j];
  out[i] = x;
  for (let j = i; j < a.length; j++) out[j + 1] = a[j];
  return out;
}

function replaced<T>(a: readonly T[], i: number, x: T): T[] {
  const out = a.slice();
  out[i] = x;
  return out;
}

function removed<T>(a: readonly T[], i: number): T[] {
  const out = a.slice(0, i);
  for (let j = i + 1; j < a.length; j++) out.push(a[j]);
  return out;
}

const leafOf = <V>(keys: readonly string[], vals: readonly V[]): Leaf<V> => ({ leaf: true, keys, vals });
const branchOf = <V>(keys: readonly string[], kids: ReadonlyArray<Node<V>>): Branch<V> => ({ leaf: false, keys, kids });

/** Result of an insert below a node: the new node, and its new right sibling if it split. */
interface Grown<V> {
  node: Node<V>;
  split: Node<V> | null;
  added: boolean;
}

function setIn<V>(n: Node<V>, key: string, value: V): Grown<V> {
  if (n.leaf) {
    const i = floorIndex(n.keys, key);
    if (i >= 0 && n.keys[i] === key) return { node: leafOf(n.keys, replaced(n.vals, i, value)), split: null, added: false };
    const keys = inserted(n.keys, i + 1, key);
    const vals = inserted(n.vals, i + 1, value);
    if (keys.length <= MAX_NODE) return { node: leafOf(keys, vals), split: null, added: true };
    const h = keys.length >>> 1;
    return { node: leafOf(keys.slice(0, h), vals.slice(0, h)), split: leafOf(keys.slice(h), vals.slice(h)), added: true };
  }
  const i = Math.max(0, floorIndex(n.keys, key));
  const g = setIn(n.kids[i], key, value);
  let keys = i === 0 && key < n.keys[0] ? replaced(n.keys, 0, key) : n.keys;
  let kids = replaced(n.kids, i, g.node);
  if (g.split) {
    keys = inserted(keys, i + 1, g.split.keys[0]);
    kids = inserted(kids, i + 1, g.split);
  }
  if (kids.length <= MAX_NODE) return { node: branchOf(keys, kids), split: null, added: g.added };
  const h = kids.length >>> 1;
  return { node: branchOf(keys.slice(0, h), kids.slice(0, h)), split: branchOf(keys.slice(h), kids.slice(h)), added: g.added };
}

/** The node without `key`: the same node if absent, null if it became empty. */
function deleteIn<V>(n: Node<V>, key: string): Node<V> | null {
  const i = floorIndex(n.keys, key);
  if (n.leaf) {
    if (i < 0 || n.keys[i] !== key) return n;
    return n.keys.length === 1 ? null : leafOf(removed(n.keys, i), removed(n.vals, i));
  }
  if (i < 0) return n;
  let kid = deleteIn(n.kids[i], key);
  if (kid === n.kids[i]) return n;
  // A branch left with one child is replaced by it (leaves need not all be at the same depth).
  while (kid && !kid.leaf && kid.kids.length === 1) kid = kid.kids[0];
  if (kid === null) return n.kids.length === 1 ? null : branchOf(removed(n.keys, i), removed(n.kids, i));
  return branchOf(replaced(n.keys, i, kid.keys[0]), replaced(n.kids, i, kid));
}

/** Visits keys in [start, end) (`end` null: unbounded); returns false once done (end passed or `fn` stopped). */
function visit<V>(n: Node<V>, start: string, end: string | null, fn: (key: string, value: V) => boolean | void): boolean {
  if (n.leaf) {
    let i = floorIndex(n.keys, start);
    if (i < 0 || n.keys[i] < start) i++;
    for (; i < n.keys.length; i++) {
      const k = n.keys[i];
      if (end !== null && k >= end) return false;
      if (fn(k, n.vals[i]) === false) return false;
    }
    return true;
  }
  for (let i = Math.max(0, floorIndex(n.keys, start)); i < n.kids.length; i++) {
    if (end !== null && n.keys[i] >= end) return false;
    if (!visit(n.kids[i], start, end, fn)) return false;
  }
  return true;
}

/** Rebuilds with `fn` applied to every value (undefined drops the key); unchanged nodes are shared. */
function mapFilter<V>(n: Node<V>, fn: (key: string, value: V) => V | undefined, counter: { size: number }): Node<V> | null {
  if (n.leaf) {
    let changed = false;
    const keys: string[] = [];
    const vals: V[] = [];
    for (let i = 0; i < n.keys.length; i++) {
      const v = fn(n.keys[i], n.vals[i]);
      if (v !== n.vals[i]) changed = true;
      if (v === undefined) continue;
      keys.push(n.keys[i]);
      vals.push(v);
    }
    counter.size += keys.length;
    if (!changed) return n;
    return keys.length === 0 ? null : leafOf(keys, vals);
  }
  let changed = false;
  const keys: string[] = [];
  const kids: Array<Node<V>> = [];
  for (const kid of n.kids) {
    const k = mapFilter(kid, fn, counter);
    if (k !== kid) changed = true;
    if (k === null) continue;
    keys.push(k.keys[0]);
    kids.push(k);
  }
  if (!changed) return n;
  return kids.length === 0 ? null : branchOf(keys, kids);
}

/** A root that is a branch with one child is replaced by that child. */
function collapse<V>(n: Node<V> | null): Node<V> | null {
  while (n && !n.leaf && n.kids.length === 1) n = n.kids[0];
  return n;
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
    let n = this.root;
    if (!n) return undefined;
    while (!n.leaf) n = n.kids[Math.max(0, floorIndex(n.keys, key))];
    const i = floorIndex(n.keys, key);
    return i >= 0 && n.keys[i] === key ? n.vals[i] : undefined;
  }

  has(key: string): boolean {
    let n = this.root;
    if (!n) return false;
    while (!n.leaf) n = n.kids[Math.max(0, floorIndex(n.keys, key))];
    const i = floorIndex(n.keys, key);
    return i >= 0 && n.keys[i] === key;
  }

  /** A map with `key` set to `value` (inserted or replaced); this map is unchanged. */
  set(key: string, value: V): SortedMap<V> {
    if (!this.root) return new SortedMap<V>(leafOf([key], [value]), 1);
    const g = setIn(this.root, key, value);
    const root = g.split ? branchOf([g.node.keys[0], g.split.keys[0]], [g.node, g.split]) : g.node;
    return new SortedMap(root, g.added ? this.size + 1 : this.size);
  }

  /** A map without `key` (this map itself if the key is absent). */
  delete(key: string): SortedMap<V> {
    if (!this.root) return this;
    const root = deleteIn(this.root, key);
    if (root === this.root) return this;
    return new SortedMap(collapse(root), this.size - 1);
  }

  /**
   * Calls `fn(key, value)` for every key in [start, end) in ascending order; `end` null means no
   * upper bound. Returning false from `fn` stops the walk.
   */
  forEachInRange(start: string, end: string | null, fn: (key: string, value: V) => boolean | void): void {
    if (this.root) visit(this.root, start, end, fn);
  }

  /** Calls `fn(key, value)` for every key in ascending order; returning false stops. */
  forEach(fn: (key: string, value: V) => boolean | void): void {
    if (this.root) visit(this.root, '', null, fn);
  }

  /**
   * A map where every value is replaced by `fn(key, value)` (called in ascending key order);
   * returning undefined removes the key, returning the same value keeps it as it is. O(n), and
   * nodes where nothing changed are shared with this map.
   */
  update(fn: (key: string, value: V) => V | undefined): SortedMap<V> {
    if (!this.root) return this;
    const counter = { size: 0 };
    const root = mapFilter(this.root, fn, counter);
    return root === this.root ? this : new SortedMap(collapse(root), counter.size);
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

  /** Levels of the tree along its deepest path: 0 empty, 1 a single leaf (for tests and benchmarks). */
  height(): number {
    const depth = (n: Node<V>): number => (n.leaf ? 1 : 1 + Math.max(...n.kids.map(depth)));
    return this.root ? depth(this.root) : 0;
  }
}
