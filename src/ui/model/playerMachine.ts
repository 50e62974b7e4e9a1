/**
 * The player: whether simulated time flows. It only decides; the page's animation loop runs only
 * in `playing` (no frames are requested in any other state) and the actions are supplied by the
 * page with `provide`:
 * - `stepOne` / `stepBack`: process exactly one event forward / go back one event (time machine);
 * - `resume`: let the scenario go on past a presenter pause (`say` with pause, or `pause`).
 *
 *   paused ⇄ playing ⇄ hidden (tab not visible)
 *   playing → held (the scenario reached a presenter pause) → playing (Continue)
 *   paused/playing/held/ended → stepping (one event either way) → paused
 *   paused/playing/ended → scrubbing (dragging the time slider) → paused
 *   playing → ended (the steps are done and "stop at the end" is on) → playing (free-running on)
 *
 * "ended": by default a scenario keeps free-running after its last step (the cluster goes on by
 * itself, as before). With `stopAtEnd` the player stops in `ended` when the steps are finished;
 * Play from there free-runs on.
 */
import { assign, setup } from 'xstate';

export interface PlayerInput {
  /** Simulated ms per real ms (1 = real time). */
  speed: number;
  /** Start playing at once (false: open paused). */
  autoplay: boolean;
  /** Stop in `ended` when the scenario's steps are finished (default false: keep free-running). */
  stopAtEnd?: boolean;
}

export interface PlayerContext {
  speed: number;
  autoplay: boolean;
  stopAtEnd: boolean;
}

export type PlayerEvent =
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'STEP' }
  | { type: 'STEP_BACK' }
  | { type: 'HIDDEN' }
  | { type: 'VISIBLE' }
  /** The scenario is holding at a presenter pause. */
  | { type: 'HOLD' }
  /** The scenario's steps have all finished (sent once per run, when it happens while playing). */
  | { type: 'FINISHED' }
  | { type: 'SCRUB_START' }
  | { type: 'SCRUB_END' }
  /** The run was rebuilt from time 0 (restart, new scenario or seed). */
  | { type: 'RESTARTED' }
  | { type: 'SET_SPEED'; speed: number }
  | { type: 'SET_STOP_AT_END'; value: boolean };

/** What every stopped state (paused, held at a presenter pause, ended) answers alike. */
const STOPPED_ON = {
  PLAY: { target: 'playing', actions: 'resume' },
  TOGGLE: { target: 'playing', actions: 'resume' },
  STEP: { target: 'stepping', actions: 'stepOne' },
  STEP_BACK: { target: 'stepping', actions: 'stepBack' },
  SCRUB_START: 'scrubbing',
} as const;

export const playerMachine = setup({
  types: {
    context: {} as PlayerContext,
    events: {} as PlayerEvent,
    input: {} as PlayerInput,
  },
  actions: {
    /** Supplied by the page: process one event. */
    stepOne: () => {},
    /** Supplied by the page: go back one event. */
    stepBack: () => {},
    /** Supplied by the page: continue past a presenter pause. */
    resume: () => {},
    setSpeed: assign({
      speed: ({ context, event }) => (event.type === 'SET_SPEED' && event.speed > 0 ? event.speed : context.speed),
    }),
    setStopAtEnd: assign({
      stopAtEnd: ({ context, event }) => (event.type === 'SET_STOP_AT_END' ? event.value : context.stopAtEnd),
    }),
  },
  guards: {
    autoplay: ({ context }) => context.autoplay,
    stopAtEnd: ({ context }) => context.stopAtEnd,
  },
}).createMachine({
  id: 'player',
  context: ({ input }) => ({ speed: input.speed, autoplay: input.autoplay, stopAtEnd: input.stopAtEnd ?? false }),
  initial: 'starting',
  on: {
    SET_SPEED: { actions: 'setSpeed' },
    SET_STOP_AT_END: { actions: 'setStopAtEnd' },
  },
  states: {
    starting: {
      always: [{ guard: 'autoplay', target: 'playing' }, { target: 'paused' }],
    },
    playing: {
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: { target: 'stepping', actions: 'stepOne' },
        STEP_BACK: { target: 'stepping', actions: 'stepBack' },
        HIDDEN: 'hidden',
        HOLD: 'held',
        FINISHED: { guard: 'stopAtEnd', target: 'ended' },
        SCRUB_START: 'scrubbing',
      },
    },
    hidden: {
      on: {
        VISIBLE: 'playing',
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: { target: 'stepping', actions: 'stepOne' },
        STEP_BACK: { target: 'stepping', actions: 'stepBack' },
      },
    },
    held: {
      on: { ...STOPPED_ON, PAUSE: 'paused', RESTARTED: 'playing' },
    },
    paused: {
      on: STOPPED_ON,
    },
    stepping: {
      always: 'paused',
    },
    scrubbing: {
      on: {
        SCRUB_END: 'paused',
        PAUSE: 'paused',
      },
    },
    ended: {
      on: { ...STOPPED_ON, PAUSE: 'paused', RESTARTED: 'playing' },
    },
  },
});

export type PlayerStateValue = 'starting' | 'playing' | 'hidden' | 'held' | 'paused' | 'stepping' | 'scrubbing' | 'ended';
