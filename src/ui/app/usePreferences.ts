import { useCallback, useState } from 'react';
import { initialDetails, initialStartPaused, saveDetails, saveStartPaused, setShowDetails } from '../model/preferences';

/** The viewer's remembered choices: the details (teacher) view and "Start paused". */
export interface Preferences {
  /** The details (teacher) view is chosen (presenter mode shows plain words whatever it is). */
  details: boolean;
  setDetails(on: boolean): void;
  /** Lessons open paused at their first caption, with a Start button. */
  startPaused: boolean;
  setStartPaused(on: boolean): void;
}

/**
 * The details view and "Start paused", remembered in the browser. The view the page draws with is
 * set for this render (`showDetails()` in model/preferences): details only when chosen and not
 * presenting, since a projected page shows no internals.
 */
export function usePreferences(presenter: boolean): Preferences {
  const [details, setDetailsState] = useState(initialDetails);
  const [startPaused, setStartPausedState] = useState(initialStartPaused);
  setShowDetails(details && !presenter);
  const setDetails = useCallback((on: boolean) => {
    setDetailsState(on);
    saveDetails(on);
  }, []);
  const setStartPaused = useCallback((on: boolean) => {
    setStartPausedState(on);
    saveStartPaused(on);
  }, []);
  return { details, setDetails, startPaused, setStartPaused };
}
