/**
 * etcd's key ranges: `key` with an optional `rangeEnd`.
 *
 * - `rangeEnd` absent or '': the single key `key`;
 * - `rangeEnd` '\0': every key >= `key` (from-key; etcd txn.mkGteRange turns it into an open end);
 * - otherwise the half-open interval [key, rangeEnd) (empty when rangeEnd <= key).
 *
 * A prefix is [key, prefixEnd(key)) (clientv3 WithPrefix); the prefix '' is every key
 * (clientv3 turns an empty key with WithPrefix or WithFromKey into key '\0', end '\0').
 * Keys compare as JS strings (UTF-16 code units), etcd's byte order for keys without characters
 * outside the Basic Multilingual Plane.
 */

/** The `rangeEnd` meaning "every key from `key` on" (etcd: range_end = "\0"). */
export const FROM_KEY_END = '\0';

/** A range resolved for iteration: [start, end), end null = unbounded; `single` = exactly `start`. */
export interface KeyInterval {
  start: string;
  end: string | null;
  single: boolean;
}

/**
 * The end of the range of every key starting with `prefix` (clientv3 GetPrefixRangeEnd): the prefix
 * with its last code unit below 0xFFFF incremented and the rest cut off; FROM_KEY_END if there is
 * none (every code unit is 0xFFFF, or the prefix is empty).
 */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return FROM_KEY_END;
}

/** `{key, rangeEnd}` of every key starting with `prefix` (clientv3 WithPrefix; '' = all keys). */
export function prefixRange(prefix: string): { key: string; rangeEnd: string } {
  if (prefix === '') return { key: '\0', rangeEnd: FROM_KEY_END };
  return { key: prefix, rangeEnd: prefixEnd(prefix) };
}

/** `{key, rangeEnd}` of every key >= `key` (clientv3 WithFromKey; '' = all keys). */
export function fromKeyRange(key: string): { key: string; rangeEnd: string } {
  return { key: key === '' ? '\0' : key, rangeEnd: FROM_KEY_END };
}

/** Resolves `key` / `rangeEnd` (see the module comment). */
export function interval(key: string, rangeEnd: string | undefined): KeyInterval {
  if (rangeEnd === undefined || rangeEnd === '') return { start: key, end: null, single: true };
  if (rangeEnd === FROM_KEY_END) return { start: key, end: null, single: false };
  return { start: key, end: rangeEnd, single: false };
}

/** Whether `k` lies in the interval. */
export function inInterval(iv: KeyInterval, k: string): boolean {
  if (iv.single) return k === iv.start;
  return k >= iv.start && (iv.end === null || k < iv.end);
}
