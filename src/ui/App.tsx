/**
 * The live page: plays a bundled scenario on the simulator and draws it.
 *
 * The run (a ScenarioRunner) is mutable and lives outside React's state: React state holds only
 * which run is open and a frame counter. A requestAnimationFrame loop advances simulated time by
 * (real elapsed ms, capped) × speed while the player machine is `playing`, then bumps the counter;
 * each render draws a plain snapshot (`buildFrame`) of the run. Components never change the run.
 */
import { useMachine } from '@xstate/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { CaptionBar } from './CaptionBar';
import { ClusterView } from './ClusterView';
import { Controls } from './Controls';
import { EventFeed } from './EventFeed';
import { buildFrame, newFeedCache } from './frame';
import { Legend } from './Legend';
import { LogPanel } from './LogPanel';
import { playerMachine, type PlayerStateValue } from './playerMachine';
import { bundledScenarios, defaultScenarioName, fastForward, loadRun, stepOneEvent, type LoadedRun } from './scenarios';
import { t } from './strings';
import { readUrl, writeUrl } from './url';

/** Real time counted per animation frame at most, so a stalled or background tab doesn't jump. */
const MAX_FRAME_MS = 100;
/** Events processed per animation frame at most (keeps the page responsive at high speeds). */
const MAX_EVENTS_PER_FRAME = 20_000;

/** Hooks for the browser tests (and curious users): read-only views of the open run. */
export interface RaftsimHooks {
  traceHash(): string;
  nowMs(): number;
  events(): number;
  player(): string;
}

declare global {
  interface Window {
    __raftsim?: RaftsimHooks;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function openRun(name: string, seed: number | null, atMs: number | null): { run: LoadedRun; error: string | null } {
  const run = loadRun(name, seed);
  if (run.ok && atMs !== null) {
    try {
      fastForward(run.runner, atMs);
    } catch (e) {
      return { run, error: errorText(e) };
    }
  }
  return { run, error: null };
}

export function App() {
  const [initial] = useState(() => readUrl(window.location.search));
  const [opened] = useState(() => openRun(initial.scenario ?? defaultScenarioName(), initial.seed, initial.atMs));
  const [run, setRun] = useState<LoadedRun>(opened.run);
  const [runError, setRunError] = useState<string | null>(opened.error);
  const [, setTick] = useState(0);

  const runRef = useRef(run);
  runRef.current = run;
  const runErrorRef = useRef(runError);
  runErrorRef.current = runError;
  const feedRef = useRef(newFeedCache());
  /** The simulated time the player is heading for. */
  const targetRef = useRef(run.ok ? run.runner.sim.nowMs : 0);

  const bump = useCallback(() => setTick((n) => (n + 1) % 1_000_000_000), []);

  const [snapshot, send, actorRef] = useMachine(
    playerMachine.provide({
      actions: {
        stepOne: () => {
          const r = runRef.current;
          if (!r.ok || runErrorRef.current) return;
          try {
            stepOneEvent(r.runner);
          } catch (e) {
            setRunError(errorText(e));
          }
          targetRef.current = r.runner.sim.nowMs;
          bump();
        },
        resume: () => {
          const r = runRef.current;
          if (r.ok && r.runner.paused) r.runner.resume();
        },
      },
    }),
    { input: { speed: initial.speed, autoplay: initial.play && opened.error === null } },
  );
  const player = snapshot.value as PlayerStateValue;
  const speed = snapshot.context.speed;

  // The animation loop: advance simulated time while playing.
  useEffect(() => {
    let raf = 0;
    let last: number | null = null;
    const frame = (now: number) => {
      const dt = last === null ? 0 : Math.min(MAX_FRAME_MS, Math.max(0, now - last));
      last = now;
      const snap = actorRef.getSnapshot();
      const r = runRef.current;
      if (snap.value === 'playing' && r.ok && !runErrorRef.current) {
        const runner = r.runner;
        targetRef.current = Math.max(targetRef.current, runner.sim.nowMs) + dt * snap.context.speed;
        try {
          const n = runner.advance(targetRef.current, MAX_EVENTS_PER_FRAME);
          // Too many events to keep up: let simulated time fall behind rather than freeze the page.
          if (n >= MAX_EVENTS_PER_FRAME) targetRef.current = runner.sim.nowMs;
        } catch (e) {
          setRunError(errorText(e));
          actorRef.send({ type: 'PAUSE' });
        }
        if (runner.paused) actorRef.send({ type: 'HOLD' });
        bump();
      }
      raf = requestAnimationFrame(frame);
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, [actorRef, bump]);

  // Pause while the tab is hidden; carry on when it is visible again.
  useEffect(() => {
    const onVisibility = () => actorRef.send({ type: document.hidden ? 'HIDDEN' : 'VISIBLE' });
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [actorRef]);

  // Keyboard: Space plays or pauses, → or "s" steps, "r" restarts (not while typing in a field).
  const restartRef = useRef<() => void>(() => {});
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      // A focused button already answers Space itself.
      if (target?.tagName === 'BUTTON' && e.key === ' ') return;
      if (!runRef.current.ok) return;
      if (e.key === ' ') actorRef.send({ type: 'TOGGLE' });
      else if (e.key === 'ArrowRight' || e.key === 's') actorRef.send({ type: 'STEP' });
      else if (e.key === 'r') restartRef.current();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actorRef]);

  // Test hooks.
  useEffect(() => {
    window.__raftsim = {
      traceHash: () => (runRef.current.ok ? runRef.current.runner.sim.traceHash : ''),
      nowMs: () => (runRef.current.ok ? runRef.current.runner.sim.nowMs : 0),
      events: () => (runRef.current.ok ? runRef.current.runner.sim.stats.events : 0),
      player: () => String(actorRef.getSnapshot().value),
    };
    return () => {
      delete window.__raftsim;
    };
  }, [actorRef]);

  const title = run.ok ? run.scenario.title : t('error.title');
  useEffect(() => {
    document.title = `${title} — ${t('app.title')}`;
  }, [title]);

  /** Rebuilds the run from time 0 (restart, another scenario or another seed). */
  const rebuild = (name: string, seed: number | null) => {
    const r = loadRun(name, seed);
    feedRef.current = newFeedCache();
    targetRef.current = 0;
    runRef.current = r;
    runErrorRef.current = null;
    setRunError(null);
    setRun(r);
    send({ type: 'RESTARTED' });
    return r;
  };

  restartRef.current = () => rebuild(run.name, run.seed);

  const frame = run.ok ? buildFrame(run.runner, feedRef.current) : null;

  return (
    <div className="app" data-player={player}>
      <CaptionBar title={title} description={run.ok ? run.scenario.description : ''} frame={frame} />
      {!run.ok ? (
        <main className="main main-error">
          <section className="panel error-panel" role="alert" data-testid="error-panel">
            <h2>{t('error.title')}</h2>
            <pre className="error-message">{run.error}</pre>
            <p>{t('error.hint')}</p>
          </section>
        </main>
      ) : (
        <main className="main">
          <div className="column column-left">
            {runError && (
              <section className="panel error-panel" role="alert" data-testid="error-panel">
                <h2>{t('error.runtimeTitle')}</h2>
                <pre className="error-message">{runError}</pre>
              </section>
            )}
            <div className="panel cluster-panel">{frame && <ClusterView frame={frame} />}</div>
            <Legend />
          </div>
          <div className="column column-right">
            {frame && <LogPanel servers={frame.servers} />}
            {frame && <EventFeed lines={frame.feed} />}
          </div>
        </main>
      )}
      <Controls
        player={player}
        speed={speed}
        scenarios={[...bundledScenarios.keys()]}
        scenario={run.name}
        seed={run.seed}
        nowMs={frame ? frame.nowMs : null}
        events={frame ? frame.stats.events : null}
        traceHash={frame ? frame.traceHash : null}
        canRun={run.ok && !runError}
        onToggle={() => send({ type: 'TOGGLE' })}
        onStep={() => send({ type: 'STEP' })}
        onRestart={() => restartRef.current()}
        onSpeed={(s) => {
          send({ type: 'SET_SPEED', speed: s });
          writeUrl(run.name, run.seed, s);
        }}
        onScenario={(name) => {
          const r = rebuild(name, null);
          writeUrl(name, r.ok ? r.seed : null, speed);
        }}
        onSeed={(seed) => {
          rebuild(run.name, seed);
          writeUrl(run.name, seed, speed);
        }}
      />
    </div>
  );
}
