import { useCallback, useEffect, useState } from 'react';

/** How long a notice stays on screen (real ms). */
const NOTICE_MS = 5_000;

/** A one-line notice at the bottom of the page; `n` counts notices so a repeated text shows again. */
export interface Notice {
  text: string;
  n: number;
}

/** The notice on screen and `say(text)` to show one; each fades out by itself after NOTICE_MS. */
export function useNotices(): { notice: Notice | null; say(text: string): void } {
  const [notice, setNotice] = useState<Notice | null>(null);
  const say = useCallback((text: string) => setNotice((cur) => ({ text, n: (cur?.n ?? 0) + 1 })), []);
  useEffect(() => {
    if (!notice) return;
    const id = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(id);
  }, [notice]);
  return { notice, say };
}
