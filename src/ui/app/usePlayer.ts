import { useMachine } from '@xstate/react';
import { useCallback, useEffect, useRef } from 'react';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import { playerMachine, type PlayerStateValue } from '../model/playerMachine';
import type { JumpKind, Workbench } from '../model/workbench';
import type { RunState } from './useRun';

/** Real time counted per animation frame at most, so a stalled or background tab doesn't jump. */
const MAX_FRAME_MS = 100;
/** Events processed per animation frame at most (keeps the page responsive at high speeds). */
const MAX_EVENTS_PER_FRAME = 20_000;

type PlayerMachine = ReturnType<typeof useMachine<typeof playerMachine>>;

/** The player and the moves of the time-machine cursor, each of which pauses a playing run first. */
export interface PlayerState {
  player: PlayerStateValue;
  /** Simulated ms per real ms. */
  speed: number;
  stopAtEnd: boolean;
  send: PlayerMachine[1];
  actorRef: PlayerMachine[2];
  /** Pauses the player if it is playing (any other state is left as it is). */
  pauseIfPlaying(): void;
  /** Moves the cursor to simulated time `ms`. */
  seek(ms: number): void;
  /** Jumps to the previous or next mark of a kind (election, commit, fault, caption); a notice when there is none. */
  jump(kind: JumpKind, dir: -1 | 1): void;
  /** Switches to another branch of the time machine. */
  switchBranch(id: number): void;
  /** Jumps to chapter `k` (0-based) of the lesson; a notice when the run ends before it. */
  goToChapter(k: number): void;
}

/**
 * The player statechart (playing, paused, held, stepping, scrubbing, ended; see playerMachine.ts)
 * and the animation loop: while `playing`, a requestAnimationFrame loop advances simulated time by
 * (real elapsed ms, capped) × speed and re-renders; in every other state no frames are requested at
 * all. The tab being hidden pauses it.
 */
export function usePlayer(run: RunState, opts: { speed: number; autoplay: boolean }, say: (text: string) => void): PlayerState {
  const { nav, wbRef, runErrorRef, bump, setRunError } = run;
  const [snapshot, send, actorRef] = useMachine(
    playerMachine.provide({
      actions: {
        stepOne: () => nav((w) => w.stepForward()),
        stepBack: () => nav((w) => w.stepBack()),
        resume: () => nav((w) => w.resumeIfHeld()),
      },
    }),
    { input: { speed: opts.speed, autoplay: opts.autoplay } },
  );
  const player = snapshot.value as PlayerStateValue;
  /** Whether FINISHED was sent for this workbench. */
  const endNotified = useRef(new WeakSet<Workbench>());

  // The animation loop: runs only while playing (no frames are requested otherwise).
  useEffect(() => {
    if (player !== 'playing') return;
    let raf = 0;
    let last: number | null = null;
    let target = wbRef.current?.position.timeMs ?? 0;
    let lastPos = target;
    const frame = (now: number) => {
      const dt = last === null ? 0 : Math.min(MAX_FRAME_MS, Math.max(0, now - last));
      last = now;
      const w = wbRef.current;
      const snap = actorRef.getSnapshot();
      if (!w || runErrorRef.current || snap.value !== 'playing') return;
      const pos = w.position.timeMs;
      // Someone moved the cursor (step, seek, branch): play on from there.
      if (pos !== lastPos) target = pos;
      target = Math.max(target, pos) + dt * snap.context.speed;
      try {
        const n = w.advance(target, MAX_EVENTS_PER_FRAME);
        // Too many events to keep up: let simulated time fall behind rather than freeze the page.
        if (n >= MAX_EVENTS_PER_FRAME) target = w.position.timeMs;
      } catch (e) {
        setRunError(errorText(e));
        actorRef.send({ type: 'PAUSE' });
      }
      lastPos = w.position.timeMs;
      if (w.runner.paused && !w.tm.inPast) actorRef.send({ type: 'HOLD' });
      else if (w.runner.finished && !w.tm.inPast && !endNotified.current.has(w)) {
        endNotified.current.add(w);
        actorRef.send({ type: 'FINISHED' });
      }
      bump();
      raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [player, actorRef, bump, wbRef, runErrorRef, setRunError]);

  // Pause while the tab is hidden; carry on when it is visible again.
  useEffect(() => {
    const onVisibility = () => actorRef.send({ type: document.hidden ? 'HIDDEN' : 'VISIBLE' });
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [actorRef]);

  const pauseIfPlaying = useCallback(() => {
    if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
  }, [actorRef, send]);

  const seek = useCallback(
    (ms: number) => {
      pauseIfPlaying();
      nav((w) => w.seekTime(ms));
    },
    [nav, pauseIfPlaying],
  );

  const jump = useCallback(
    (kind: JumpKind, dir: -1 | 1) => {
      pauseIfPlaying();
      nav((w) => {
        if (!w.jump(kind, dir)) say(t(dir < 0 ? `notice.noPrev.${kind}` : `notice.noNext.${kind}`));
      });
    },
    [nav, pauseIfPlaying, say],
  );

  const switchBranch = useCallback(
    (id: number) => {
      pauseIfPlaying();
      nav((w) => w.tm.switchBranch(id));
    },
    [nav, pauseIfPlaying],
  );

  const goToChapter = useCallback(
    (k: number) => {
      pauseIfPlaying();
      nav((w) => {
        if (!w.goToChapter(k)) say(t('chapters.notReached', { n: k + 1 }));
      });
    },
    [nav, pauseIfPlaying, say],
  );

  return {
    player, speed: snapshot.context.speed, stopAtEnd: snapshot.context.stopAtEnd, send, actorRef,
    pauseIfPlaying, seek, jump, switchBranch, goToChapter,
  };
}
