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
 *   playing = running ⇄ reading (a caption is on screen that could not be read yet: simulated
 *             time waits; a wall-clock hold of the page, never a simulation event)
 *
 * The cursor can move without the player (a jump, a chapter, another branch): the page then sends
 * SYNC with what the run at the cursor is doing, so a stopped player always matches it (held at a
 * presenter pause there, ended when the steps are over, paused otherwise).
 *
 * "started": false until the first Play of a run (the play button reads "Start" then). A run is
 * opened (RESTARTED) playing or paused at its first caption, as `autoplay` says.
 *
 * "ended": by default a scenario keeps free-running after its last step (the cluster goes on by
 * itself, as before). With `stopAtEnd` the player stops in `ended` when the steps are finished;
 * Play from there free-runs on.
 */
import { assign, setup } from 'xstate';

export interface PlayerInput {
  /** Simulated ms per real ms (1 = real time; Infinity = as fast as the page can). */
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
  /** Play was pressed at least once since the run was opened (else the button reads "Start"). */
  started: boolean;
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
  /** The run was rebuilt from time 0 (restart, new scenario or seed): play it, or wait at its first caption. */
  | { type: 'RESTARTED'; autoplay: boolean }
  /**
   * The cursor moved without the player (jump, chapter, branch, opening a file): what the run at
   * the cursor does now. `held`: it waits at a presenter pause (at the branch frontier);
   * `finished`: its steps are over.
   */
  | { type: 'SYNC'; held: boolean; finished: boolean }
  /** A caption is on screen that could not be read yet: hold simulated time. */
  | { type: 'READ' }
  /** The caption could be read: simulated time flows again. */
  | { type: 'READ_DONE' }
  | { type: 'SET_SPEED'; speed: number }
  | { type: 'SET_STOP_AT_END'; value: boolean };

/** What every stopped state (paused, held at a presenter pause, ended) answers alike. */
const STOPPED_ON = {
  PLAY: { target: 'playing', actions: ['resume', 'markStarted'] },
  TOGGLE: { target: 'playing', actions: ['resume', 'markStarted'] },
  STEP: { target: 'stepping', actions: 'stepOne' },
  STEP_BACK: { target: 'stepping', actions: 'stepBack' },
  SCRUB_START: 'scrubbing',
  RESTARTED: [
    { guard: 'restartPlaying', target: 'playing', actions: 'restart' },
    { target: 'paused', actions: 'restart' },
  ],
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
    markStarted: assign({ started: true }),
    restart: assign({ started: ({ event }) => event.type === 'RESTARTED' && event.autoplay }),
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
    restartPlaying: ({ event }) => event.type === 'RESTARTED' && event.autoplay,
    syncHeld: ({ event }) => event.type === 'SYNC' && event.held,
    syncEnded: ({ context, event }) => event.type === 'SYNC' && !event.held && event.finished && context.stopAtEnd,
    syncNotHeld: ({ event }) => event.type === 'SYNC' && !event.held,
    syncNotEnded: ({ event }) => event.type === 'SYNC' && !event.finished,
  },
}).createMachine({
  id: 'player',
  context: ({ input }) => ({ speed: input.speed, autoplay: input.autoplay, stopAtEnd: input.stopAtEnd ?? false, started: input.autoplay }),
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
      initial: 'running',
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: { target: 'stepping', actions: 'stepOne' },
        STEP_BACK: { target: 'stepping', actions: 'stepBack' },
        HIDDEN: 'hidden',
        HOLD: 'held',
        FINISHED: { guard: 'stopAtEnd', target: 'ended' },
        SCRUB_START: 'scrubbing',
        RESTARTED: [
          { guard: 'restartPlaying', target: '.running', reenter: true, actions: 'restart' },
          { target: 'paused', actions: 'restart' },
        ],
      },
      states: {
        running: { on: { READ: 'reading' } },
        reading: { on: { READ_DONE: 'running' } },
      },
    },
    hidden: {
      on: {
        VISIBLE: 'playing',
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: { target: 'stepping', actions: 'stepOne' },
        STEP_BACK: { target: 'stepping', actions: 'stepBack' },
        RESTARTED: STOPPED_ON.RESTARTED,
      },
    },
    held: {
      on: {
        ...STOPPED_ON,
        PAUSE: 'paused',
        SYNC: [{ guard: 'syncEnded', target: 'ended' }, { guard: 'syncNotHeld', target: 'paused' }],
      },
    },
    paused: {
      on: {
        ...STOPPED_ON,
        SYNC: { guard: 'syncHeld', target: 'held' },
      },
    },
    stepping: {
      always: 'paused',
    },
    scrubbing: {
      on: {
        SCRUB_END: 'paused',
        PAUSE: 'paused',
        RESTARTED: STOPPED_ON.RESTARTED,
      },
    },
    ended: {
      on: {
        ...STOPPED_ON,
        PAUSE: 'paused',
        SYNC: [{ guard: 'syncHeld', target: 'held' }, { guard: 'syncNotEnded', target: 'paused' }],
      },
    },
  },
});

export type PlayerStateValue = 'starting' | 'playing' | 'hidden' | 'held' | 'paused' | 'stepping' | 'scrubbing' | 'ended';

/** The top-level state of a player snapshot's value (`playing` for both of its substates). */
export function playerState(value: unknown): PlayerStateValue {
  return (typeof value === 'string' ? value : Object.keys(value as object)[0]) as PlayerStateValue;
}
