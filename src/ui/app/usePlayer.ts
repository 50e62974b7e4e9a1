import { useMachine } from '@xstate/react';
import { useCallback, useEffect, useLayoutEffect, useRef, type MutableRefObject } from 'react';
import type { TimelineApi } from '../draw/Timeline';
import { errorText } from '../i18n/errorText';
import { getLocale, t } from '../i18n';
import { MAX_SPEED } from '../io/url';
import { playerMachine, playerState, type PlayerStateValue } from '../model/playerMachine';
import { CaptionHold } from '../model/reading';
import { captionPositions, type JumpKind, type Workbench } from '../model/workbench';
import type { RunState } from './useRun';

/** Real time counted per animation frame at most, so a stalled or background tab doesn't jump. */
const MAX_FRAME_MS = 100;
/** Wall-clock ms of simulated time a slow page may owe and catch up on later (above real time). */
const MAX_DEBT_MS = 1000;
/** The same above real time, where a frame may wait for a slow redraw: its time is still played. */
const MAX_FAST_FRAME_MS = 1000;
/**
 * Wall-clock ms of a frame the simulation may use: events are processed until this much of the
 * frame is spent (the rest is left for drawing), so the page stays responsive at any speed.
 */
export const FRAME_BUDGET_MS = 9;
/**
 * Above real time the page is drawn at most this often (wall-clock ms), and never more often
 * than REDRAW_SHARE of the time goes to drawing: the simulation gets the frames in between, and
 * nobody can follow more pictures a second at such speeds anyway.
 */
export const FAST_REDRAW_MS = 100;
const REDRAW_SHARE = 0.25;
/** Events one advance call may process at most (the budget is checked between calls). */
const EVENTS_PER_CALL = 2_000;

/**
 * Simulated ms one advance call covers at most at `speed`: small enough that a caption or a
 * presenter pause that comes up inside a frame stops the run close to where it appeared (the
 * frame's own worth of time below 1x, about a wall-clock millisecond's worth above it).
 */
function sliceMs(speed: number): number {
  if (speed <= 1) return Infinity;
  return speed === MAX_SPEED ? 250 : Math.min(250, Math.max(10, speed));
}

/** Wall-clock ms of one animation frame (60 Hz). */
const FRAME_MS = 1000 / 60;

/**
 * Above real time a message whose flight is shorter than a frame would only flicker: such dots
 * are not drawn (the ring shows the servers' states). Returns the shortest flight, in simulated
 * ms, that is still drawn at `speed` (0 at real time and below: every message is drawn).
 */
export function minFlightMs(speed: number): number {
  return speed <= 1 ? 0 : speed * FRAME_MS;
}

type PlayerMachine = ReturnType<typeof useMachine<typeof playerMachine>>;

/** The player and the moves of the time-machine cursor, each of which pauses a playing run first. */
export interface PlayerState {
  player: PlayerStateValue;
  /** Playing, but holding simulated time until the caption on screen could be read. */
  reading: boolean;
  /** Play was pressed since the run opened, or the cursor is past simulated time 0 (else the play button reads "Start"). */
  started: boolean;
  /** Simulated ms per real ms (Infinity: as fast as possible). */
  speed: number;
  stopAtEnd: boolean;
  send: PlayerMachine[1];
  actorRef: PlayerMachine[2];
  /**
   * The caption on screen: its ordinal among the branch's captions (chapter k is caption k), -1
   * before the first. It can be behind the cursor's last caption while captions of one instant
   * are shown one after the other.
   */
  shownCaption(w: Workbench): number;
  /** Pauses the player if it is playing (any other state is left as it is). */
  pauseIfPlaying(): void;
  /** Moves the cursor to simulated time `ms`. */
  seek(ms: number): void;
  /** Jumps to the previous or next mark of a kind (election, commit, fault, caption); a notice when there is none. */
  jump(kind: JumpKind, dir: -1 | 1): void;
  /** Switches to another branch of the time machine. */
  switchBranch(id: number): void;
  /** Jumps to chapter `k` (0-based) of the lesson and shows its caption; a notice when the run ends before it. */
  goToChapter(k: number): void;
}

/** How many captions the run at the cursor has shown. */
function availableCaptions(w: Workbench): number {
  const at = captionPositions(w.head.sim.trace);
  const L = w.cursorTraceLength();
  let n = at.length;
  while (n > 0 && at[n - 1] >= L) n--;
  return n;
}

/** Caption k's text on this branch, in the page's language. */
function captionText(w: Workbench, k: number): string {
  const trace = w.head.sim.trace;
  const e = k >= 0 ? trace[captionPositions(trace)[k]] : undefined;
  if (!e || e.kind !== 'caption') return '';
  return getLocale() === 'zh' && e.zh ? e.zh : e.text;
}

const workbenchIds = new WeakMap<Workbench, number>();
let nextWorkbenchId = 1;

/** What the caption hold compares to notice that the cursor moved: the run, the branch, the trace length. */
function cursorKey(w: Workbench): string {
  let id = workbenchIds.get(w);
  if (id === undefined) {
    id = nextWorkbenchId++;
    workbenchIds.set(w, id);
  }
  return `${id}:${w.tm.branchId}:${w.cursorTraceLength()}`;
}

/**
 * The player statechart (playing, paused, held, stepping, scrubbing, ended; see playerMachine.ts)
 * and the animation loop. While `playing`, each animation frame first lets the caption on screen
 * be read (CaptionHold: simulated time waits, the next caption of the same instant goes up in its
 * turn), then advances simulated time by (real elapsed ms, capped) × speed, in slices, until the
 * frame's budget is spent or a caption or a presenter pause comes up. In every other state no
 * frames are requested at all. The tab being hidden pauses it.
 */
export function usePlayer(run: RunState, opts: { speed: number; autoplay: boolean }, say: (text: string) => void): PlayerState {
  const { nav, wbRef, runErrorRef, bump, setRunError } = run;
  const holdRef = useRef(new CaptionHold());
  const [snapshot, send, actorRef] = useMachine(
    playerMachine.provide({
      actions: {
        stepOne: () => nav((w) => w.stepForward()),
        stepBack: () => nav((w) => w.stepBack()),
        // Play or Continue: whoever pressed it has read the caption on screen. A presenter pause
        // is continued only once its own caption is on screen (earlier ones of the instant first).
        resume: () => {
          const hold = holdRef.current;
          hold.markRead();
          nav((w) => {
            if (hold.shown >= availableCaptions(w) - 1) w.resumeIfHeld();
          });
        },
      },
    }),
    { input: { speed: opts.speed, autoplay: opts.autoplay } },
  );
  const player = playerState(snapshot.value);
  const reading = snapshot.matches({ playing: 'reading' });
  /** Whether FINISHED was sent for this workbench. */
  const endNotified = useRef(new WeakSet<Workbench>());
  /** How long the last redraw the loop asked for took (wall-clock ms), to space redraws above 1x. */
  const drawStart = useRef<number | null>(null);
  const drawCost = useRef(0);
  useLayoutEffect(() => {
    if (drawStart.current === null) return;
    drawCost.current = performance.now() - drawStart.current;
    drawStart.current = null;
  });

  /**
   * Shows the cursor's own last caption when the cursor moved by other means than playing; a run
   * just opened at its start shows its first caption (the others of its first instant follow on
   * Start), one opened further on (a link, a file, `?at=`) its last.
   */
  const syncHold = useCallback((w: Workbench, nowMs: number) => {
    const hold = holdRef.current;
    const key = cursorKey(w);
    if (key === hold.seen) return;
    const opened = hold.seen.split(':')[0] !== key.split(':')[0];
    hold.seen = key;
    const available = availableCaptions(w);
    if (opened && w.position.events === 0) {
      const k = Math.min(0, available - 1);
      hold.show(k, captionText(w, k), nowMs);
      return;
    }
    const k = available - 1;
    hold.syncTo(k, captionText(w, k), nowMs);
  }, []);

  const shownCaption = useCallback(
    (w: Workbench) => {
      syncHold(w, performance.now());
      return Math.min(holdRef.current.shown, availableCaptions(w) - 1);
    },
    [syncHold],
  );

  // The animation loop: runs only while playing (no frames are requested otherwise).
  useEffect(() => {
    if (player !== 'playing') return;
    let raf = 0;
    let last: number | null = null;
    let target = wbRef.current?.position.timeMs ?? 0;
    let lastPos = target;
    let drawnAt = -Infinity;
    const frame = (now: number) => {
      const snap = actorRef.getSnapshot();
      const dt = last === null ? 0 : Math.min(snap.context.speed > 1 ? MAX_FAST_FRAME_MS : MAX_FRAME_MS, Math.max(0, now - last));
      last = now;
      const w = wbRef.current;
      if (!w || runErrorRef.current || playerState(snap.value) !== 'playing') return;
      const hold = holdRef.current;
      syncHold(w, now);
      const atFrontier = !w.tm.inPast;

      const available = availableCaptions(w);
      // 1. A presenter pause: once the captions before its own have been read, its caption goes up
      //    and the player holds until Continue (reading it is up to the audience).
      if (w.runner.paused && atFrontier) {
        const own = available - 1;
        if (hold.shown === own - 1 && hold.remainingMs(now) === 0) hold.show(own, captionText(w, own), now);
        if (hold.shown >= own) {
          actorRef.send({ type: 'HOLD' });
          bump();
          return;
        }
      }
      // 2. A caption on screen that could not be read yet, or one more of the same instant: wait.
      const shownBefore = hold.shown;
      if (hold.hold(available, (k) => captionText(w, k), now)) {
        if (!snap.matches({ playing: 'reading' })) actorRef.send({ type: 'READ' });
        target = lastPos = w.position.timeMs;
        if (hold.shown !== shownBefore) bump();
        raf = requestAnimationFrame(frame);
        return;
      }
      if (snap.matches({ playing: 'reading' })) actorRef.send({ type: 'READ_DONE' });
      if (w.runner.paused && atFrontier) {
        raf = requestAnimationFrame(frame);
        return;
      }

      // 3. Advance simulated time, within the frame's budget.
      const speed = snap.context.speed;
      const pos = w.position.timeMs;
      // Someone moved the cursor (step, seek, branch): play on from there.
      if (pos !== lastPos) target = pos;
      target = speed === MAX_SPEED ? Infinity : Math.max(target, pos) + dt * speed;
      const slice = sliceMs(speed);
      const captionsBefore = availableCaptions(w);
      const deadline = performance.now() + FRAME_BUDGET_MS;
      try {
        for (;;) {
          const p = w.position.timeMs;
          if (p >= target) break;
          const n = w.advance(Math.min(target, p + slice), EVENTS_PER_CALL);
          // A caption or a presenter pause came up: show it before going on.
          if (w.runner.paused || availableCaptions(w) > captionsBefore) break;
          if (n === 0 && w.position.timeMs === p) break;
          if (performance.now() >= deadline) {
            // Too much for this frame: catch up in the next ones, but never by more than
            // MAX_DEBT_MS of wall time (then simulated time falls behind rather than freeze the page).
            target = Math.min(target, w.position.timeMs + speed * MAX_DEBT_MS);
            break;
          }
        }
      } catch (e) {
        setRunError(errorText(e));
        actorRef.send({ type: 'PAUSE' });
      }
      lastPos = w.position.timeMs;
      hold.seen = cursorKey(w);
      const news = w.runner.paused || availableCaptions(w) > captionsBefore;
      if (w.runner.finished && !w.tm.inPast && !endNotified.current.has(w)) {
        endNotified.current.add(w);
        actorRef.send({ type: 'FINISHED' });
      }
      if (speed <= 1 || news || now - drawnAt >= Math.max(FAST_REDRAW_MS, drawCost.current / REDRAW_SHARE)) {
        drawnAt = now;
        drawStart.current = performance.now();
        bump();
      }
      raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [player, actorRef, bump, wbRef, runErrorRef, setRunError, syncHold]);

  // A stopped player matches the run at the cursor after it moved without the player (a jump, a
  // chapter, another branch, a file): held at a presenter pause, ended, or paused.
  useEffect(() => {
    const w = wbRef.current;
    if (!w || (player !== 'paused' && player !== 'held' && player !== 'ended')) return;
    const held = w.runner.paused && !w.tm.inPast;
    const finished = w.runner.finished && !w.tm.inPast;
    const stale = player === 'paused' ? held : player === 'held' ? !held : held || !finished;
    if (stale) send({ type: 'SYNC', held, finished });
  });

  // Pause while the tab is hidden; carry on when it is visible again.
  useEffect(() => {
    const onVisibility = () => actorRef.send({ type: document.hidden ? 'HIDDEN' : 'VISIBLE' });
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [actorRef]);

  const pauseIfPlaying = useCallback(() => {
    if (playerState(actorRef.getSnapshot().value) === 'playing') send({ type: 'PAUSE' });
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
        if (!w.goToChapter(k)) {
          say(t('chapters.notReached', { n: k + 1 }));
          return;
        }
        // Chapter k's caption, even when later ones appeared at the same instant (they follow on Play).
        const hold = holdRef.current;
        hold.show(k, captionText(w, k), performance.now());
        hold.seen = cursorKey(w);
      });
    },
    [nav, pauseIfPlaying, say],
  );

  return {
    player, reading,
    // A run whose cursor is past simulated time 0 (opened at `?at=`, by a link or a file further on,
    // or moved there) has started, whether or not Play was pressed: its button says Play, not Start.
    started: snapshot.context.started || (run.wb !== null && run.wb.position.timeMs > 0),
    speed: snapshot.context.speed, stopAtEnd: snapshot.context.stopAtEnd, send, actorRef,
    shownCaption, pauseIfPlaying, seek, jump, switchBranch, goToChapter,
  };
}

/**
 * "Follow now" in the timeline is lit only while the view can follow time: looking at the past
 * with the player stopped turns it off (through the timeline's own switch), going back to now
 * turns it on again.
 */
export function useFollowNow(timelineApi: MutableRefObject<TimelineApi | null>, lookingAtPast: boolean): void {
  const was = useRef(lookingAtPast);
  useEffect(() => {
    if (was.current === lookingAtPast) return;
    was.current = lookingAtPast;
    timelineApi.current?.setFollow(!lookingAtPast);
  }, [timelineApi, lookingAtPast]);
}
