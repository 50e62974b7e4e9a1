/**
 * Shareable links: a run (a library scenario by name, or a whole scenario text, plus the seed and
 * the recorded actions) packed into the URL hash, compressed with lz-string. Opening the link
 * replays the same run, same traceHash. Links are data only: decoded, validated, never evaluated.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import type { Replay } from '../scenario/types';

/** The format version this build writes and reads. */
export const LINK_VERSION = 1;
/** Largest decompressed payload accepted (matches the 1 MB scenario limit, plus room for JSON). */
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

/** Why a link could not be opened; `reason` is shown to the user. */
export class LinkError extends Error {
  constructor(readonly code: 'missing' | 'corrupt' | 'tooLarge' | 'newerVersion' | 'invalid', readonly reason: string) {
    super(reason);
    this.name = 'LinkError';
  }
}

/** The hash fragment (without '#') for a run: `r=<version>.<compressed JSON>`. */
export function encodeLink(run: SharedRun): string {
  const payload = JSON.stringify({ v: LINK_VERSION, ...run });
  return `r=${LINK_VERSION}.${compressToEncodedURIComponent(payload)}`;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Decodes a hash fragment (with or without '#').
 * @throws LinkError when the hash holds no run, is corrupted or truncated, too large, from a newer
 *   version of raftsim, or has fields of the wrong type. The replay itself is validated later, with
 *   the scenario, by the scenario schema.
 */
export function decodeLink(hash: string): SharedRun {
  const h = hash.replace(/^#/, '');
  const m = /(?:^|&)r=(\d+)\.([A-Za-z0-9+\-$]*)/.exec(h);
  if (!m) throw new LinkError('missing', 'This link does not contain a raftsim run.');
  const version = Number(m[1]);
  if (version > LINK_VERSION) throw new LinkError('newerVersion', `This link was made by a newer version of raftsim (link format ${version}; this page reads format ${LINK_VERSION}). Update the page and try again.`);
  if (version < 1) throw new LinkError('corrupt', 'This link is damaged: its format number is not valid.');
  if (m[2].length > MAX_LINK_BYTES) throw new LinkError('tooLarge', 'This link is too large to open.');
  let json: string | null;
  try {
    json = decompressFromEncodedURIComponent(m[2]);
  } catch {
    json = null;
  }
  if (!json) throw new LinkError('corrupt', 'This link is damaged or was cut short; ask for the link again (copy all of it).');
  if (json.length > MAX_LINK_BYTES) throw new LinkError('tooLarge', 'This link is too large to open.');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new LinkError('corrupt', 'This link is damaged or was cut short; ask for the link again (copy all of it).');
  }
  if (!isObj(data)) throw new LinkError('corrupt', 'This link is damaged: it does not describe a run.');
  if (typeof data.v === 'number' && data.v > LINK_VERSION) throw new LinkError('newerVersion', `This link was made by a newer version of raftsim (link format ${data.v}; this page reads format ${LINK_VERSION}). Update the page and try again.`);
  const { library, yaml, seed, replay, lang } = data;
  if ((library === undefined) === (yaml === undefined)) throw new LinkError('invalid', 'This link must name either a library scenario or include a scenario.');
  if (library !== undefined && (typeof library !== 'string' || !/^[a-z0-9][a-z0-9-]{0,80}$/.test(library))) throw new LinkError('invalid', 'This link names a scenario in a form this page does not accept.');
  if (yaml !== undefined && typeof yaml !== 'string') throw new LinkError('invalid', 'The scenario in this link is not text.');
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new LinkError('invalid', 'The seed in this link is not a whole number >= 0.');
  if (replay !== undefined && !isObj(replay)) throw new LinkError('invalid', 'The recorded actions in this link are not in the expected form.');
  if (lang !== undefined && lang !== 'en' && lang !== 'zh') throw new LinkError('invalid', 'The language in this link is not one this page knows.');
  const out: SharedRun = { seed };
  if (library !== undefined) out.library = library as string;
  if (yaml !== undefined) out.yaml = yaml as string;
  if (replay !== undefined) out.replay = replay as unknown as Replay;
  if (lang !== undefined) out.lang = lang as string;
  return out;
}
