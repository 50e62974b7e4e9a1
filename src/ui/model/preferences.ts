/**
 * The viewer's remembered choices (browser storage), read like the language in ../i18n:
 * - the view: the student view (the default) speaks plain words; the details (teacher) view also
 *   shows step numbers, scenario lines, file names and statechart event names;
 * - "Start paused": every opening path (the address, the library, a link, the editor's Run,
 *   restart) opens a lesson paused at its first caption with a Start button (the default), or
 *   playing at once.
 */

const DETAILS_KEY = 'raftsim.details';
const START_PAUSED_KEY = 'raftsim.startPaused';

let details = false;

/** Whether the details (teacher) view is on: internals are shown only then. */
export function showDetails(): boolean {
  return details;
}

/** Switches the details view for later renders (the page re-renders after it). */
export function setShowDetails(on: boolean): void {
  details = on;
}

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage unavailable
  }
}

function write(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage unavailable: the choice lasts until the page closes
  }
}

/** The remembered view: details only if it was chosen before (the student view by default). */
export function initialDetails(): boolean {
  return read(DETAILS_KEY) === '1';
}

export function saveDetails(on: boolean): void {
  write(DETAILS_KEY, on ? '1' : '0');
}

/** The remembered "Start paused" (on unless it was switched off). */
export function initialStartPaused(): boolean {
  return read(START_PAUSED_KEY) !== '0';
}

export function saveStartPaused(on: boolean): void {
  write(START_PAUSED_KEY, on ? '1' : '0');
}
