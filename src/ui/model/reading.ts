/**
 * Captions that stay up long enough to be read. The player shows a lesson's captions one at a
 * time, in order, and holds simulated time until the one on screen could be read: a wall-clock
 * hold of the page, never a simulation event (the trace, share links and replays are unchanged).
 * Several captions of the same instant (a `say`, a fault, another `say`) are shown one after the
 * other, each for its own reading time, so none is skipped.
 *
 * Plain data and functions, no React and no clock of its own: the caller passes the wall time.
 */

/** Wall-clock ms a reader needs at least, however short the caption. */
export const MIN_READING_MS = 2_000;
/** Wall-clock ms a caption is held at most (a long one can be paused or read on Continue). */
export const MAX_READING_MS = 15_000;
/** Time to notice that a new caption is up, in wall-clock ms. */
const NOTICE_MS = 1_000;
/** Wall-clock ms per character: about 15 letters a second for alphabetic text (some 180 words a minute). */
const LETTER_MS = 65;
/** Wall-clock ms per CJK character: about 6 characters a second. */
const CJK_MS = 170;

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/g;

/**
 * How long `text` takes to read, in wall-clock ms: a moment to notice it plus a time per
 * character (CJK characters count more than letters), between MIN_READING_MS and MAX_READING_MS.
 */
export function readingMs(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const other = text.replace(CJK, '').replace(/\s+/g, ' ').trim().length;
  const ms = NOTICE_MS + other * LETTER_MS + cjk * CJK_MS;
  return Math.max(MIN_READING_MS, Math.min(MAX_READING_MS, ms));
}

/**
 * Which caption is on screen and since when. `shown` is the 0-based ordinal of the caption among
 * the caption events of the branch's trace (chapter k is caption k), -1 before the first.
 */
export class CaptionHold {
  /** The caption on screen (-1: none yet). */
  shown = -1;
  /** Wall-clock ms it went up, and how long it needs (Infinity-free: 0 when none). */
  private sinceMs = 0;
  private needMs = 0;
  /** What the hold last saw of the cursor (branch and trace length): a change it did not make is a move. */
  seen = '';

  /** The wall-clock ms the caption on screen still needs (0: it could be read). */
  remainingMs(nowMs: number): number {
    return this.shown < 0 ? 0 : Math.max(0, this.sinceMs + this.needMs - nowMs);
  }

  /** Puts caption `k` on screen now (its reading time counts from `nowMs`). */
  show(k: number, text: string, nowMs: number): void {
    this.shown = k;
    this.sinceMs = nowMs;
    this.needMs = k < 0 ? 0 : readingMs(text);
  }

  /** The person watching says they have read it (Play, Continue): no more waiting for this one. */
  markRead(): void {
    this.needMs = 0;
  }

  /**
   * After the cursor moved by other means than playing (a step, a seek, a jump, another branch):
   * show the cursor's own last caption `k`. The reading time starts again only if that is a
   * different caption from the one on screen.
   */
  syncTo(k: number, text: string, nowMs: number): void {
    if (k !== this.shown) this.show(k, text, nowMs);
  }

  /**
   * While playing: whether simulated time must wait. `available` is how many captions the run at
   * the cursor has shown so far; `textOf(k)` gives caption k's text. When the one on screen has
   * been read and another is waiting, that one goes up (and is held in its turn).
   * @returns true to hold simulated time now
   */
  hold(available: number, textOf: (k: number) => string, nowMs: number): boolean {
    if (this.remainingMs(nowMs) > 0) return true;
    if (this.shown + 1 < available) {
      this.show(this.shown + 1, textOf(this.shown + 1), nowMs);
      return true;
    }
    return false;
  }
}
