import { useState } from 'react';
import { openFromHash, type OpenResult } from '../io/openRun';
import type { Locale } from '../i18n';
import { readUrl, type UrlState } from '../io/url';

/** What the address asked for when the page opened. */
export interface OpeningUrl {
  /** ?scenario, ?seed, ?at, ?speed, ?play. */
  initial: UrlState;
  /** The run a share link in the hash describes, already opened (null: no link in the hash). */
  fromLink: (OpenResult & { lang: Locale | null }) | null;
  /** ?presenter=1: open in presenter mode. */
  presenter: boolean;
  /** ?embed=1: minimal chrome, for an iframe. */
  embed: boolean;
  /** ?library=1: open on the library page. */
  library: boolean;
}

/**
 * Reads the address once, on the first render (later changes are written with `writeUrl`, never
 * read back). A share link's run is opened here, before the language is chosen, as it always was.
 */
export function useUrlState(): OpeningUrl {
  const [initial] = useState(() => readUrl(window.location.search));
  const [fromLink] = useState(() => openFromHash(window.location.hash));
  const [flags] = useState(() => {
    const q = new URLSearchParams(window.location.search);
    return { presenter: q.get('presenter') === '1', embed: q.get('embed') === '1', library: q.get('library') === '1' };
  });
  return { initial, fromLink, ...flags };
}
