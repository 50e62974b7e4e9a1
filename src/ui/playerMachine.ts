/**
 * The player: whether simulated time flows. It only decides; the page's animation loop reads the
 * state (`playing` lets time flow) and the two actions are supplied by the page with `provide`:
 * - `stepOne`: process exactly one simulation event;
 * - `resume`: let the scenario go on past a presenter pause (`say` with pause, or `pause`).
 *
 *   paused ⇄ playing ⇄ hidden (tab not visible)
 *   playing → held (the scenario reached a presenter pause) → playing (Continue)
 *   paused/playing/held → stepping (one event) → paused
 */
import { assign, setup } from 'xstate';

export interface PlayerInput {
  /** Simulated ms per real ms (1 = real time). */
  speed: number;
  /** Start playing at once (false: open paused). */
  autoplay: boolean;
}

export interface PlayerContext {
  speed: number;
  autoplay: boolean;
}

export type PlayerEvent =
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'TOGGLE' }
  | { type: 'STEP' }
  | { type: 'HIDDEN' }
  | { type: 'VISIBLE' }
  /** The scenario is holding at a presenter pause. */
  | { type: 'HOLD' }
  /** The run was rebuilt from time 0 (restart, new scenario or seed). */
  | { type: 'RESTARTED' }
  | { type: 'SET_SPEED'; speed: number };

export const playerMachine = setup({
  types: {
    context: {} as PlayerContext,
    events: {} as PlayerEvent,
    input: {} as PlayerInput,
  },
  actions: {
    /** Supplied by the page: process one event. */
    stepOne: () => {},
    /** Supplied by the page: continue past a presenter pause. */
    resume: () => {},
    setSpeed: assign({
      speed: ({ context, event }) => (event.type === 'SET_SPEED' && event.speed > 0 ? event.speed : context.speed),
    }),
  },
  guards: {
    autoplay: ({ context }) => context.autoplay,
  },
}).createMachine({
  id: 'player',
  context: ({ input }) => ({ speed: input.speed, autoplay: input.autoplay }),
  initial: 'starting',
  on: {
    SET_SPEED: { actions: 'setSpeed' },
  },
  states: {
    starting: {
      always: [{ guard: 'autoplay', target: 'playing' }, { target: 'paused' }],
    },
    playing: {
      on: {
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: 'stepping',
        HIDDEN: 'hidden',
        HOLD: 'held',
      },
    },
    hidden: {
      on: {
        VISIBLE: 'playing',
        PAUSE: 'paused',
        TOGGLE: 'paused',
        STEP: 'stepping',
      },
    },
    held: {
      on: {
        PLAY: { target: 'playing', actions: 'resume' },
        TOGGLE: { target: 'playing', actions: 'resume' },
        STEP: { target: 'stepping', actions: 'resume' },
        PAUSE: 'paused',
        RESTARTED: 'playing',
      },
    },
    paused: {
      on: {
        PLAY: { target: 'playing', actions: 'resume' },
        TOGGLE: { target: 'playing', actions: 'resume' },
        STEP: { target: 'stepping', actions: 'resume' },
      },
    },
    stepping: {
      entry: 'stepOne',
      always: 'paused',
    },
  },
});

export type PlayerStateValue = 'starting' | 'playing' | 'hidden' | 'held' | 'paused' | 'stepping';
