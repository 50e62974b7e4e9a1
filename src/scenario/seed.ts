/**
 * Seeds: one range everywhere a seed comes in (a scenario file, `--seed`, a share link, a trace
 * file, the page's `?seed=`): a whole number from 0 to 2^53 − 1 (Number.MAX_SAFE_INTEGER), the
 * largest range in which every whole number is exactly a JavaScript number. A seed outside it is
 * refused, never rounded.
 */

/** The largest seed: 2^53 − 1 = 9007199254740991. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** The range in words, as messages say it. */
export const SEED_RANGE_TEXT = `a whole number from 0 to ${MAX_SEED} (2^53 − 1)`;

/** True when `v` is a seed: a whole number in 0 .. MAX_SEED. */
export function isSeed(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The seed written as `text` (decimal digits only, as on the command line or in a file), or null
 * when the text is not a whole number in range. Parsed exactly (BigInt), so "9007199254740993" is
 * refused instead of becoming 9007199254740992.
 */
export function seedFromText(text: string): number | null {
  if (!/^[0-9]{1,40}$/.test(text)) return null;
  const n = BigInt(text);
  return n <= BigInt(MAX_SEED) ? Number(n) : null;
}
