/**
 * Shareable links: a run (a library scenario by name, or a whole scenario text, plus the seed and
 * the recorded actions) packed into the URL hash, compressed with lz-string. Opening the link
 * replays the same run, same traceHash. Links are data only: decoded, validated, never evaluated.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { formatReason, reason, type Reason } from '../scenario/reasons';
import { LIMITS } from '../scenario/schema';
import { MAX_SEED, isSeed } from '../scenario/seed';
import { jsonTooDeepAt } from '../scenario/textFile';
import type { Replay } from '../scenario/types';

/** The format version this build writes and reads. */
export const LINK_VERSION = 1;
/**
 * Largest decompressed payload accepted, in characters (UTF-16 code units) of its JSON: the 1 MB
 * scenario limit plus room for JSON escapes and the recorded actions. Also the largest compressed
 * part accepted (an honest link is shorter than its JSON).
 */
export const MAX_LINK_BYTES = 1_200_000;

/** What a link carries. Exactly one of `library` (a bundled scenario name) or `yaml` (a whole file). */
export interface SharedRun {
  library?: string;
  yaml?: string;
  seed: number;
  replay?: Replay;
  /** Language of the captions the sender was showing ("en" | "zh"), optional. */
  lang?: string;
}

/**
 * Why a link could not be opened. `reason` is the English text; `why` the same as data
 * (src/scenario/reasons.ts, ids `link…`), for the page to show in its language.
 */
export class LinkError extends Error {
  readonly reason: string;
  constructor(readonly code: 'missing' | 'corrupt' | 'tooLarge' | 'newerVersion' | 'invalid', readonly why: Reason) {
    const text = formatReason(why);
    super(text);
    this.reason = text;
    this.name = 'LinkError';
  }
}

/** The hash fragment (without '#') for a run: `r=<version>.<compressed JSON>`. */
export function encodeLink(run: SharedRun): string {
  const payload = JSON.stringify({ v: LINK_VERSION, ...run });
  return `r=${LINK_VERSION}.${compressToEncodedURIComponent(payload)}`;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** lz-string's alphabet for `compressToEncodedURIComponent`, 6 bits per character. */
const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const URI_VALUE = new Map([...URI_ALPHABET].map((c, i) => [c, i]));

/**
 * The length of what lz-string's `decompressFromEncodedURIComponent(input)` returns, computed
 * without building it, stopping as soon as it passes `cap`.
 *
 * Why: lz-string has no output limit, and its output can grow with the square of its input (each
 * code may name a dictionary entry one character longer than the last), so a link of a few hundred
 * KB can expand to billions of characters and crash the tab. This walks the same bit stream with the
 * same dictionary rules as lz-string 1.5's `_decompress`, but keeps only each dictionary entry's
 * length: O(input) time, memory for at most `cap` entries, and no string is built.
 * @returns the decompressed length (<= cap); 'tooLarge' when it would pass `cap`; 'corrupt' when
 *   lz-string would return "" or null (or garbage, for a stream that does not start with a literal).
 */
export function decompressedLength(input: string, cap: number): number | 'tooLarge' | 'corrupt' {
  const length = input.length;
  const value = (index: number) => URI_VALUE.get(input.charAt(index)) ?? 0;
  let val = value(0);
  let position = 32;
  let index = 1;
  const read = (numBits: number): number => {
    let bits = 0;
    for (let power = 1, max = 2 ** numBits; power !== max; power *= 2) {
      const bit = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32;
        val = value(index++);
      }
      if (bit > 0) bits += power;
    }
    return bits;
  };
  // Dictionary: codes 0, 1, 2 are control codes; entry lengths from code 3 on.
  const lens: number[] = [0, 0, 0];
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  const first = read(2);
  if (first !== 0 && first !== 1) return 'corrupt';
  read(first === 0 ? 8 : 16);
  lens[3] = 1;
  let w = 1;
  let total = 1;
  for (;;) {
    if (index > length) return 'corrupt';
    let c = read(numBits);
    if (c === 2) return total;
    if (c === 0 || c === 1) {
      read(c === 0 ? 8 : 16);
      lens[dictSize++] = 1;
      c = dictSize - 1;
      enlargeIn--;
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    let entry: number;
    if (c >= 3 && c < dictSize) entry = lens[c];
    else if (c === dictSize) entry = w + 1;
    else return 'corrupt';
    total += entry;
    if (total > cap) return 'tooLarge';
    lens[dictSize++] = w + 1;
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}

const tooLarge = () => new LinkError('tooLarge', reason('linkTooLarge'));
const corrupt = () => new LinkError('corrupt', reason('linkCorrupt'));
const newer = (version: number) => new LinkError('newerVersion', reason('linkNewer', { version, supported: LINK_VERSION }));

/**
 * Decodes a hash fragment (with or without '#'). The decompressed size is bounded before any of it
 * is built ({@link decompressedLength}); nothing in the link is evaluated.
 * @throws LinkError when the hash holds no run, is corrupted or truncated, too large, from a newer
 *   version of raftsim, or has fields of the wrong type. The replay itself is validated later, with
 *   the scenario, by the scenario schema.
 */
export function decodeLink(hash: string): SharedRun {
  const h = hash.replace(/^#/, '');
  const m = /(?:^|&)r=(\d+)\.([A-Za-z0-9+\-$]*)/.exec(h);
  if (!m) throw new LinkError('missing', reason('linkMissing'));
  const version = Number(m[1]);
  if (version > LINK_VERSION) throw newer(version);
  if (version < 1) throw new LinkError('corrupt', reason('linkBadFormat'));
  if (m[2].length > MAX_LINK_BYTES) throw tooLarge();
  const size = decompressedLength(m[2], MAX_LINK_BYTES);
  if (size === 'tooLarge') throw tooLarge();
  if (size === 'corrupt') throw corrupt();
  let json: string | null;
  try {
    json = decompressFromEncodedURIComponent(m[2]);
  } catch {
    json = null;
  }
  if (!json) throw corrupt();
  // An internal rule: the measure above must agree with lz-string.
  if (json.length !== size) throw new Error(`decodeLink: measured ${size} characters but lz-string gave ${json.length}`);
  if (jsonTooDeepAt(json, LIMITS.maxDepth) !== null) throw corrupt();
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw corrupt();
  }
  if (!isObj(data)) throw new LinkError('corrupt', reason('linkNotRun'));
  if (typeof data.v === 'number' && data.v > LINK_VERSION) throw newer(data.v);
  const { library, yaml, seed, replay, lang } = data;
  if ((library === undefined) === (yaml === undefined)) throw new LinkError('invalid', reason('linkSource'));
  if (library !== undefined && (typeof library !== 'string' || !/^[a-z0-9][a-z0-9-]{0,80}$/.test(library))) throw new LinkError('invalid', reason('linkLibrary'));
  if (yaml !== undefined && typeof yaml !== 'string') throw new LinkError('invalid', reason('linkYaml'));
  if (!isSeed(seed)) throw new LinkError('invalid', reason('linkSeed', { max: MAX_SEED }));
  if (replay !== undefined && !isObj(replay)) throw new LinkError('invalid', reason('linkReplay'));
  if (lang !== undefined && lang !== 'en' && lang !== 'zh') throw new LinkError('invalid', reason('linkLang'));
  const out: SharedRun = { seed };
  if (library !== undefined) out.library = library as string;
  if (yaml !== undefined) out.yaml = yaml as string;
  if (replay !== undefined) out.replay = replay as unknown as Replay;
  if (lang !== undefined) out.lang = lang as string;
  return out;
}
