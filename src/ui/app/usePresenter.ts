import { useCallback, useEffect, useState } from 'react';

/** Asks for full screen; a refusal (no user gesture, or an iframe without permission) leaves the page as it is. */
function requestFullScreen(): void {
  const el = document.documentElement;
  if (document.fullscreenElement || typeof el.requestFullscreen !== 'function') return;
  el.requestFullscreen().catch(() => undefined);
}

/** Presenter mode and full screen. */
export interface PresenterState {
  presenter: boolean;
  /**
   * Turns presenter mode on or off; on also asks for full screen (allowed only from a click or
   * key press, so `?presenter=1` shows a "Full screen" button instead), off leaves full screen.
   */
  setPresenter(on: boolean): void;
  /** Whether the page is full screen (the browser's Esc leaves it; presenter mode stays on). */
  fullScreen: boolean;
  /** Enters or leaves full screen. */
  setFullScreen(on: boolean): void;
}

/** Presenter mode (starting as `?presenter=1` says) and whether the page is full screen. */
export function usePresenter(initial: boolean): PresenterState {
  const [presenter, setPresenterState] = useState(initial);
  const [fullScreen, setFullScreenState] = useState(false);
  const setPresenter = useCallback((on: boolean) => {
    setPresenterState(on);
    if (on) requestFullScreen();
    else if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
  }, []);
  useEffect(() => {
    const onChange = () => setFullScreenState(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  const setFullScreen = useCallback((on: boolean) => (on ? requestFullScreen() : void document.exitFullscreen().catch(() => undefined)), []);
  return { presenter, setPresenter, fullScreen, setFullScreen };
}
