import { describe, expect, it } from 'vitest';
import { CHUNKED_ARRAY_CHUNK, ChunkedArray } from '../src/check/chunkedArray';

describe('ChunkedArray (the checker\'s per-index memory, shared by checkpoints)', () => {
  it('reads back what was set, undefined elsewhere, and grows like an array', () => {
    const a = new ChunkedArray<number>();
    for (let i = 1; i < 3 * CHUNKED_ARRAY_CHUNK; i += 3) a.set(i, i * 2);
    expect(a.length).toBe(3 * CHUNKED_ARRAY_CHUNK - 1); // the last index set is 3 * CHUNK - 2
    expect(a.get(4)).toBe(8);
    expect(a.get(5)).toBeUndefined();
    expect(a.get(-1)).toBeUndefined();
    expect(a.get(10 ** 9)).toBeUndefined();
    expect(() => a.set(1.5, 0)).toThrow(RangeError);
  });

  it('a copy and the original never see each other\'s later writes, in shared and in partial chunks', () => {
    const a = new ChunkedArray<string>();
    const n = CHUNKED_ARRAY_CHUNK + 10;
    for (let i = 0; i < n; i++) a.set(i, `a${i}`);
    const b = a.clone();
    a.set(n, 'a-next');
    b.set(n, 'b-next');
    a.set(3, 'a-over'); // a full, shared chunk
    b.set(n - 1, 'b-over'); // the shared partial chunk
    expect([a.get(n), b.get(n)]).toEqual(['a-next', 'b-next']);
    expect([a.get(3), b.get(3)]).toEqual(['a-over', 'a3']);
    expect([a.get(n - 1), b.get(n - 1)]).toEqual([`a${n - 1}`, 'b-over']);
    const c = b.clone();
    c.set(0, 'c0');
    expect([a.get(0), b.get(0), c.get(0)]).toEqual(['a0', 'a0', 'c0']);
    expect(c.length).toBe(n + 1);
  });
});
