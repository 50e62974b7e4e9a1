import { useCallback, useState } from 'react';

const TOUR_KEY = 'raftsim.tourDone';

/** Whether the tour was dismissed before; true when storage cannot be read (never nag without memory). */
function tourDismissed(): boolean {
  try {
    return window.localStorage.getItem(TOUR_KEY) === '1';
  } catch {
    return true;
  }
}

function rememberTourDismissed(): void {
  try {
    window.localStorage.setItem(TOUR_KEY, '1');
  } catch {
    // storage unavailable
  }
}

/**
 * The learning aids' state: the glossary entry to open, and the guided tour. The tour opens by
 * itself on a first visit to the plain page (`autoTour`: no lesson, link, presenter, embed or
 * library in the address, which come with their own purpose), never again once dismissed (skipped,
 * finished or closed with Escape: remembered in localStorage), and always from "?".
 */
export function useAids(autoTour: boolean) {
  const [tourOpen, setTourOpen] = useState(() => autoTour && !tourDismissed());
  const [glossaryTerm, setGlossaryTerm] = useState<string | null>(null);
  const openTour = useCallback(() => setTourOpen(true), []);
  const closeTour = useCallback(() => {
    rememberTourDismissed();
    setTourOpen(false);
  }, []);
  return { tourOpen, openTour, closeTour, glossaryTerm, setGlossaryTerm };
}
