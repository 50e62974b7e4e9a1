/**
 * Captions held long enough to be read (src/ui/model/reading.ts): the reading time grows with the
 * caption's length (CJK characters count more), and the hold shows captions of one instant one
 * after the other, each for its own reading time, unless the viewer says they have read it.
 */
import { describe, expect, it } from 'vitest';
import { CaptionHold, MAX_READING_MS, MIN_READING_MS, readingMs } from '../src/ui/model/reading';

describe('reading time', () => {
  it('is at least MIN_READING_MS, grows with the length, and stops at MAX_READING_MS', () => {
    expect(readingMs('Hi.')).toBe(MIN_READING_MS);
    const short = readingMs('One server timed out first and became leader.');
    const long = readingMs('One server timed out first, won a majority of votes and became leader; heartbeats now keep every follower quiet.');
    expect(short).toBeGreaterThan(MIN_READING_MS);
    expect(long).toBeGreaterThan(short);
    expect(readingMs('x'.repeat(5000))).toBe(MAX_READING_MS);
  });

  it('counts a Chinese character as more reading than a letter', () => {
    expect(readingMs('一台服务器最先超时，赢得了多数票，成为领导者。')).toBeGreaterThan(readingMs('abcdefghijklmnopqrstuvw'));
  });
});

describe('caption hold', () => {
  const texts = ['(b) S5 was leader of term 3 and wrote x=3 at index 2, but crashed.', '(c) S1 is elected leader of term 4.', 'third'];
  const textOf = (k: number) => texts[k];

  it('shows two captions of the same instant one after the other, each for its reading time', () => {
    const h = new CaptionHold();
    h.show(0, texts[0], 0);
    // Both captions are out (one instant); the first stays up until it could be read.
    expect(h.hold(2, textOf, 10)).toBe(true);
    expect(h.shown).toBe(0);
    const first = readingMs(texts[0]);
    expect(h.hold(2, textOf, first - 1)).toBe(true);
    expect(h.shown).toBe(0);
    // Read: the second goes up now and is held in its turn.
    expect(h.hold(2, textOf, first)).toBe(true);
    expect(h.shown).toBe(1);
    expect(h.remainingMs(first)).toBe(readingMs(texts[1]));
    expect(h.hold(2, textOf, first + readingMs(texts[1]))).toBe(false);
    expect(h.shown).toBe(1);
  });

  it('lets time flow at once when the caption has been read (Play, Continue), but still shows the next one', () => {
    const h = new CaptionHold();
    h.show(0, texts[0], 0);
    h.markRead();
    expect(h.remainingMs(1)).toBe(0);
    expect(h.hold(1, textOf, 1)).toBe(false);
    expect(h.hold(2, textOf, 1)).toBe(true);
    expect(h.shown).toBe(1);
  });

  it('after a move of the cursor shows its last caption, and only a different caption starts a new reading time', () => {
    const h = new CaptionHold();
    h.show(1, texts[1], 0);
    h.syncTo(1, texts[1], 500);
    expect(h.remainingMs(500)).toBe(readingMs(texts[1]) - 500);
    h.syncTo(0, texts[0], 500);
    expect(h.shown).toBe(0);
    expect(h.remainingMs(500)).toBe(readingMs(texts[0]));
    h.syncTo(-1, '', 600);
    expect(h.shown).toBe(-1);
    expect(h.remainingMs(600)).toBe(0);
  });
});
