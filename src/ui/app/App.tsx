/**
 * The teaching workbench: plays a scenario through a TimeMachine and draws it.
 *
 * The run (a Workbench wrapping a TimeMachine) is mutable and lives outside React's state: React
 * state holds which run is open, what is selected and a frame counter. While the player machine is
 * `playing`, a requestAnimationFrame loop advances simulated time by (real elapsed ms, capped) ×
 * speed and bumps the counter; in every other state no frames are requested at all. Each render
 * draws a plain snapshot (`buildFrame`) of the run at the time-machine cursor; the timeline draws
 * the branch's whole history from the time machine's head. Every change to the cluster goes
 * through `tm.act` (acting in the past starts a new branch).
 */
import { useMachine } from '@xstate/react';
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import type { ClientOpSpec } from '../../sim/client';
import type { UserAction } from '../../timetravel/timeMachine';
import { CaptionBar } from '../panels/CaptionBar';
import { ClusterView } from '../draw/ClusterView';
import { ClusterExportButtons } from '../draw/ExportButtons';
import { Controls } from '../panels/Controls';
import { ClientPanel } from '../dialogs/ClientPanel';
import { CustomClusterDialog } from '../dialogs/CustomClusterDialog';
import { HelpOverlay } from '../dialogs/HelpOverlay';
import { PartitionDialog } from '../dialogs/PartitionDialog';
import { errorText } from '../i18n/errorText';
import { EventFeed } from '../panels/EventFeed';
import { buildFrame, type Frame } from '../model/frame';
import { branchLabel, Inspector, type InspectorTab } from '../panels/Inspector';
import { LibraryPage } from '../dialogs/LibraryPage';
import { LogPanel } from '../panels/LogPanel';
import { Menu, type MenuTarget } from '../panels/Menus';
import { playerMachine, type PlayerStateValue } from '../model/playerMachine';
import {
  bundledScenarios, CUSTOM_FILE, CUSTOM_NAME, customFrom, defaultScenarioName, fastForward, loadRun, loadRunText, type LoadedRun,
} from '../model/scenarios';
import { LinkError, decodeLink } from '../../share/link';
import { importTrace } from '../../share/traceFile';
import { recordingYaml } from '../../timetravel/record';
import { download, replayInto, savedTrace, savedYaml, shareUrl } from '../io/share';
import { getLocale, initialLocale, saveLocale, setLocale, t, type Locale } from '../i18n';
import { TimeBar } from '../panels/TimeBar';
import { Timeline, type TimelineApi } from '../draw/Timeline';
import {
  blankScenarioYaml, loadUserScenarios, newUserScenario, saveUserScenarios, type UserScenario,
} from '../io/userScenarios';
import { readUrl, writeUrl } from '../io/url';
import { Workbench, type JumpKind } from '../model/workbench';
import './presenter.css';

/** Real time counted per animation frame at most, so a stalled or background tab doesn't jump. */
const MAX_FRAME_MS = 100;
/** Events processed per animation frame at most (keeps the page responsive at high speeds). */
const MAX_EVENTS_PER_FRAME = 20_000;
/** How long a notice stays on screen (real ms). */
const NOTICE_MS = 5_000;

/** Hooks for the browser tests (and curious users): read-only views of the open run. */
export interface RaftsimHooks {
  traceHash(): string;
  nowMs(): number;
  events(): number;
  player(): string;
  /** The cursor position, the branch, and whether the cursor is in the past. */
  position(): { events: number; timeMs: number };
  branchId(): number;
  branches(): { id: number; parent: number | null; label: string }[];
  inPast(): boolean;
  leader(): string | null;
  /** The texts "Save as scenario" and "Export trace" would download now. */
  savedYaml(): string;
  savedTrace(): string;
  /** The current language. */
  lang(): string;
  /** Screen coordinates of timeline marks. */
  timeline: TimelineApi;
}

declare global {
  interface Window {
    __raftsim?: RaftsimHooks;
  }
}

type Opened = { ok: true; wb: Workbench } | { ok: false; name: string; seed: number | null; error: string; title?: string };

/** Builds a run from scenario text and plays its `replay` section, if any (then it is paused). */
function openRecorded(name: string, text: string, file: string, seed: number | null): { opened: Opened; error: string | null } {
  const run = loadRunText(name, text, file, seed);
  const o = open(run, null);
  if (o.opened.ok && o.opened.wb.scenario.replay) {
    try {
      replayInto(o.opened.wb, o.opened.wb.scenario.replay);
    } catch (e) {
      return { opened: o.opened, error: errorText(e) };
    }
  }
  return o;
}

/** Opens the run a share link in the address's hash describes (null when the hash holds no link). */
function openFromHash(hash: string): { opened: Opened; error: string | null; lang: Locale | null } | null {
  if (!/(?:^#?|&)r=/.test(hash)) return null;
  try {
    const link = decodeLink(hash);
    const lang = link.lang === 'zh' || link.lang === 'en' ? link.lang : null;
    if (link.library !== undefined) {
      const base = bundledScenarios.get(link.library);
      if (base === undefined) return { ...open(loadRun(link.library, link.seed), null), lang };
      const text = link.replay ? recordingYaml(base, link.replay) : base;
      return { ...openRecorded(link.library, text, `scenarios/${link.library}.yaml`, link.seed), lang };
    }
    const yaml = link.yaml ?? '';
    const text = link.replay ? recordingYaml(yaml, link.replay) : yaml;
    return { ...openRecorded(CUSTOM_NAME, text, CUSTOM_FILE, link.seed), lang };
  } catch (e) {
    const reason = e instanceof LinkError ? e.reason : errorText(e);
    return { opened: { ok: false, name: defaultScenarioName(), seed: null, error: reason, title: t('share.linkErrorTitle') }, error: null, lang: null };
  }
}

function open(run: LoadedRun, atMs: number | null): { opened: Opened; error: string | null } {
  if (!run.ok) return { opened: { ok: false, name: run.name, seed: run.seed, error: run.error }, error: null };
  const wb = new Workbench(run.name, run.seed, run.scenario, run.text, run.runner);
  if (atMs !== null) {
    try {
      fastForward(wb, atMs);
    } catch (e) {
      return { opened: { ok: true, wb }, error: errorText(e) };
    }
  }
  return { opened: { ok: true, wb }, error: null };
}

/** Asks for full screen; a refusal (no user gesture, or an iframe without permission) leaves the page as it is. */
function requestFullScreen(): void {
  const el = document.documentElement;
  if (document.fullscreenElement || typeof el.requestFullscreen !== 'function') return;
  el.requestFullscreen().catch(() => undefined);
}

/** The editor (with CodeMirror) loads the first time it is opened, keeping the first page light. */
const ScenarioEditor = lazy(() => import('../dialogs/ScenarioEditor').then((m) => ({ default: m.ScenarioEditor })));

type DialogKind = 'partition' | 'client' | 'custom' | 'help' | 'library' | 'editor';

/** localStorage, or null where the browser refuses it (privacy settings, sandboxed iframes). */
function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The default groups of the partition helper: the leader and the servers after it form the minority. */
function defaultGroups(frame: Frame): Record<string, 'A' | 'B'> {
  const ids = frame.servers.map((s) => s.id);
  const minority = Math.max(ids.length > 1 ? 1 : 0, Math.floor((ids.length - 1) / 2));
  const start = frame.leaderId ? ids.indexOf(frame.leaderId) : ids.length - minority;
  const out: Record<string, 'A' | 'B'> = {};
  for (const id of ids) out[id] = 'A';
  for (let k = 0; k < minority; k++) out[ids[(start + k) % ids.length]] = 'B';
  return out;
}

export function App() {
  const [initial] = useState(() => readUrl(window.location.search));
  const [fromLink] = useState(() => openFromHash(window.location.hash));
  const [lang, setLang] = useState<Locale>(() => {
    const l = fromLink?.lang ?? initialLocale();
    setLocale(l);
    return l;
  });
  setLocale(lang);
  const [first] = useState(() => fromLink ?? open(loadRun(initial.scenario ?? defaultScenarioName(), initial.seed), initial.atMs));
  const [presenter, setPresenterState] = useState(() => new URLSearchParams(window.location.search).get('presenter') === '1');
  const [fullScreen, setFullScreen] = useState(false);
  /**
   * Turns presenter mode on or off; on also asks for full screen (allowed only from a click or
   * key press, so `?presenter=1` shows a "Full screen" button instead), off leaves full screen.
   */
  const setPresenter = useCallback((on: boolean) => {
    setPresenterState(on);
    if (on) requestFullScreen();
    else if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
  }, []);
  const [embed] = useState(() => new URLSearchParams(window.location.search).get('embed') === '1');
  const [linkText, setLinkText] = useState('');
  const [opened, setOpened] = useState<Opened>(first.opened);
  const [runError, setRunError] = useState<string | null>(first.error);
  const [, setTick] = useState(0);
  const [selectedServer, setSelectedServer] = useState<string | null>(null);
  const [selectedMessage, setSelectedMessage] = useState<number | null>(null);
  const [tab, setTab] = useState<InspectorTab>('server');
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const [dialog, setDialog] = useState<DialogKind | null>(() => (new URLSearchParams(window.location.search).get('library') === '1' ? 'library' : null));
  const [stored] = useState(() => loadUserScenarios(browserStorage()));
  const [userScenarios, setUserScenarios] = useState<UserScenario[]>(stored.scenarios);
  const [editing, setEditing] = useState<string | null>(() => stored.scenarios[0]?.id ?? null);
  const [storageProblem, setStorageProblem] = useState<string | null>(stored.problem);
  const [clientVia, setClientVia] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; n: number } | null>(null);
  const [customFile, setCustomFile] = useState(CUSTOM_FILE);
  const [customText, setCustomText] = useState<string | null>(() => (first.opened.ok && first.opened.wb.name === CUSTOM_NAME ? first.opened.wb.text : null));

  const wb = opened.ok ? opened.wb : null;
  const wbRef = useRef(wb);
  wbRef.current = wb;
  const runErrorRef = useRef(runError);
  runErrorRef.current = runError;
  const timelineApi = useRef<TimelineApi | null>(null);
  /** Whether FINISHED was sent for this workbench. */
  const endNotified = useRef(new WeakSet<Workbench>());

  const bump = useCallback(() => setTick((n) => (n + 1) % 1_000_000_000), []);
  const say = useCallback((text: string) => setNotice((cur) => ({ text, n: (cur?.n ?? 0) + 1 })), []);

  /** Runs a navigation on the workbench; an exception becomes the runtime error panel. */
  const nav = useCallback(
    (f: (w: Workbench) => void) => {
      const w = wbRef.current;
      if (!w || runErrorRef.current) return;
      try {
        f(w);
      } catch (e) {
        setRunError(errorText(e));
      }
      bump();
    },
    [bump],
  );

  const [snapshot, send, actorRef] = useMachine(
    playerMachine.provide({
      actions: {
        stepOne: () => nav((w) => w.stepForward()),
        stepBack: () => nav((w) => w.stepBack()),
        resume: () => nav((w) => w.resumeIfHeld()),
      },
    }),
    { input: { speed: initial.speed, autoplay: initial.play && first.error === null && fromLink === null } },
  );
  const player = snapshot.value as PlayerStateValue;
  const speed = snapshot.context.speed;
  const stopAtEnd = snapshot.context.stopAtEnd;

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
  }, [player, actorRef, bump]);

  // Pause while the tab is hidden; carry on when it is visible again.
  useEffect(() => {
    const onVisibility = () => actorRef.send({ type: document.hidden ? 'HIDDEN' : 'VISIBLE' });
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [actorRef]);

  // Whether the page is full screen (the browser's Esc leaves it; presenter mode stays on).
  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  // Notices fade out by themselves.
  useEffect(() => {
    if (!notice) return;
    const id = window.setTimeout(() => setNotice(null), NOTICE_MS);
    return () => window.clearTimeout(id);
  }, [notice]);

  const frame = wb && !runError ? buildFrame(wb) : wb ? buildFrame(wb) : null;

  // ---- actions -------------------------------------------------------------------------------

  const act = useCallback(
    (a: UserAction) => {
      const w = wbRef.current;
      if (!w || runErrorRef.current) return;
      const before = w.tm.branches.length;
      const err = w.act(a);
      if (err) say(t('notice.actionFailed', { message: err }));
      else if (w.tm.branches.length > before) say(t('notice.branched', { id: w.tm.branchId, label: branchLabel(w.tm.branch) }));
      bump();
    },
    [bump, say],
  );

  const sendClient = useCallback(
    (client: string, spec: ClientOpSpec, via: string | null) => {
      const w = wbRef.current;
      if (!w) return;
      const before = w.tm.branches.length;
      const err = w.sendClientOp(client, spec, via);
      if (err) say(t('notice.actionFailed', { message: err }));
      else if (w.tm.branches.length > before) say(t('notice.branched', { id: w.tm.branchId, label: branchLabel(w.tm.branch) }));
      bump();
    },
    [bump, say],
  );

  const seek = useCallback(
    (ms: number) => {
      if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
      nav((w) => w.seekTime(ms));
    },
    [actorRef, nav, send],
  );

  const jump = useCallback(
    (kind: JumpKind, dir: -1 | 1) => {
      if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
      nav((w) => {
        if (!w.jump(kind, dir)) say(t(dir < 0 ? `notice.noPrev.${kind}` : `notice.noNext.${kind}`));
      });
    },
    [actorRef, nav, say, send],
  );

  const switchBranch = useCallback(
    (id: number) => {
      if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
      nav((w) => w.tm.switchBranch(id));
    },
    [actorRef, nav, send],
  );

  /** "R": crash the leader; when there is none, restart every crashed server. */
  const leaderKey = useCallback(() => {
    const w = wbRef.current;
    if (!w) return;
    const leader = w.runner.sim.leader();
    if (leader) {
      act({ kind: 'crash', node: leader.id });
      return;
    }
    const down = w.runner.sim.serverIds.filter((id) => !w.runner.sim.server(id).up);
    if (down.length === 0) say(t('notice.nothingToRestart'));
    for (const id of down) act({ kind: 'restart', node: id });
  }, [act, say]);

  /** Rebuilds the run from time 0 (restart, another scenario, another seed, a custom cluster). */
  const rebuild = useCallback(
    (name: string, seed: number | null, text: string | null = null, file: string = CUSTOM_FILE) => {
      const run = name === CUSTOM_NAME && text !== null ? loadRunText(CUSTOM_NAME, text, file, seed) : loadRun(name, seed);
      const o = open(run, null);
      wbRef.current = o.opened.ok ? o.opened.wb : null;
      runErrorRef.current = null;
      setRunError(null);
      setOpened(o.opened);
      setSelectedMessage(null);
      setSelectedServer(null);
      setMenu(null);
      send({ type: 'RESTARTED' });
      return o.opened;
    },
    [send],
  );

  /** Opens a scenario file (.yaml, its replay is played) or an exported trace (.json). */
  const openFile = (fileName: string, text: string) => {
    let o: { opened: Opened; error: string | null };
    let yaml = text;
    let expectHash: string | null = null;
    try {
      let seed: number | null = null;
      if (/\.json$/i.test(fileName)) {
        const tf = importTrace(text, fileName);
        yaml = recordingYaml(tf.scenario.yaml, tf.replay);
        seed = tf.seed;
        expectHash = tf.traceHash;
      }
      o = openRecorded(CUSTOM_NAME, yaml, fileName, seed);
    } catch (e) {
      say(t('share.fileError', { message: errorText(e) }));
      return;
    }
    if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
    wbRef.current = o.opened.ok ? o.opened.wb : null;
    runErrorRef.current = o.error;
    setCustomText(yaml);
    setCustomFile(fileName);
    setRunError(o.error);
    setOpened(o.opened);
    setSelectedMessage(null);
    setSelectedServer(null);
    setMenu(null);
    if (o.opened.ok && expectHash !== null && o.opened.wb.runner.sim.traceHash !== expectHash) {
      say(t('share.fileError', { message: `${fileName}: traceHash ${o.opened.wb.runner.sim.traceHash} ≠ ${expectHash}` }));
    }
  };

  // ---- the user's scenarios (editor and library) -------------------------------------------

  /** Stores the list in browser storage; a refusal is shown, and the list stays in the page. */
  const storeUserScenarios = useCallback((list: UserScenario[]) => {
    setUserScenarios(list);
    setStorageProblem(saveUserScenarios(browserStorage(), list));
  }, []);
  const userRef = useRef(userScenarios);
  userRef.current = userScenarios;
  const storeOne = useCallback(
    (s: UserScenario) => storeUserScenarios(userRef.current.map((x) => (x.id === s.id ? s : x))),
    [storeUserScenarios],
  );
  const addUserScenario = (base: string, text: string) => {
    const r = newUserScenario(userRef.current, base, text);
    storeUserScenarios([...userRef.current, r.scenario]);
    setEditing(r.scenario.id);
    setPresenter(false);
    setDialog('editor');
  };
  const runUserScenario = (s: UserScenario, present: boolean) => {
    if (!s.valid) return;
    if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
    setCustomText(s.valid);
    setCustomFile(s.file);
    rebuild(CUSTOM_NAME, null, s.valid, s.file);
    setPresenter(present);
    setDialog(null);
  };

  const restart = () => {
    const name = opened.ok ? opened.wb.name : opened.name;
    const seed = opened.ok ? opened.wb.seed : opened.seed;
    rebuild(name, seed, name === CUSTOM_NAME ? customText : null, customFile);
  };

  // Keyboard shortcuts (not while typing in a field, and only "?" and Esc while a dialog is open).
  const keyState = useRef({ dialog, leaderKey, jump, fit: () => timelineApi.current?.fitAll() });
  keyState.current = { dialog, leaderKey, jump, fit: () => timelineApi.current?.fitAll() };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable)) return;
      // A focused button already answers Space itself.
      if (target?.tagName === 'BUTTON' && e.key === ' ') return;
      const k = keyState.current;
      if (e.key === '?') {
        setDialog((d) => (d === 'help' ? null : 'help'));
        e.preventDefault();
        return;
      }
      if (k.dialog !== null) return;
      if (!wbRef.current) return;
      if (e.key === ' ') actorRef.send({ type: 'TOGGLE' });
      else if (e.key === 'ArrowRight' && e.shiftKey) k.jump('election', 1);
      else if (e.key === 'ArrowLeft' && e.shiftKey) k.jump('election', -1);
      else if (e.key === 'ArrowRight' || e.key === 's') actorRef.send({ type: 'STEP' });
      else if (e.key === 'ArrowLeft') actorRef.send({ type: 'STEP_BACK' });
      else if (e.key === 'c') {
        setClientVia(null);
        setDialog('client');
      } else if (e.key === 'r') k.leaderKey();
      else if (e.key === 'p') setDialog('partition');
      else if (e.key === 'h') act({ kind: 'heal' });
      else if (e.key === 'n') nav((w) => w.goToFrontier());
      else if (e.key === 'f') k.fit();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actorRef, act, nav]);

  // Test hooks.
  useEffect(() => {
    const w = () => wbRef.current;
    const timeline: TimelineApi = {
      arrowPoint: (id) => timelineApi.current?.arrowPoint(id) ?? null,
      visibleMessages: () => timelineApi.current?.visibleMessages() ?? [],
      timeToX: (ms) => timelineApi.current?.timeToX(ms) ?? NaN,
      laneY: (id) => timelineApi.current?.laneY(id) ?? null,
      fitAll: () => timelineApi.current?.fitAll(),
      setFollow: (on) => timelineApi.current?.setFollow(on),
    };
    window.__raftsim = {
      traceHash: () => w()?.runner.sim.traceHash ?? '',
      nowMs: () => w()?.runner.sim.nowMs ?? 0,
      events: () => w()?.runner.sim.stats.events ?? 0,
      player: () => String(actorRef.getSnapshot().value),
      position: () => w()?.position ?? { events: 0, timeMs: 0 },
      branchId: () => w()?.tm.branchId ?? 0,
      branches: () => (w()?.tm.branches ?? []).map((b) => ({ id: b.id, parent: b.parent, label: branchLabel(b) })),
      inPast: () => w()?.tm.inPast ?? false,
      leader: () => w()?.runner.sim.leader()?.id ?? null,
      savedYaml: () => {
        const x = w();
        return x ? savedYaml(x) : '';
      },
      savedTrace: () => {
        const x = w();
        return x ? savedTrace(x) : '';
      },
      lang: () => getLocale(),
      timeline,
    };
    return () => {
      delete window.__raftsim;
    };
  }, [actorRef]);

  const zhText = lang === 'zh' && wb ? wb.scenario.i18n.zh : undefined;
  const title = wb ? zhText?.title ?? wb.scenario.title : opened.ok ? t('error.title') : opened.title ?? t('error.title');
  const description = wb ? zhText?.description ?? wb.scenario.description : '';
  useEffect(() => {
    document.title = `${title} — ${t('app.title')}`;
  }, [title]);

  const serverSel = frame ? selectedServer ?? frame.leaderId ?? frame.servers[0]?.id ?? null : null;
  const canRun = wb !== null && !runError;
  const name = opened.ok ? opened.wb.name : opened.name;
  const seed = opened.ok ? opened.wb.seed : opened.seed;
  const sim = wb?.runner.sim;
  const cutSet = new Set((frame?.cutLinks ?? []).map(([a, b]) => `${a}>${b}`));
  const isolated = (id: string) => {
    const others = (frame?.servers ?? []).map((s) => s.id).filter((o) => o !== id);
    return others.length > 0 && others.every((o) => cutSet.has(`${id}>${o}`) && cutSet.has(`${o}>${id}`));
  };

  return (
    <div className={`app${presenter ? ' presenter' : ''}${embed ? ' embed' : ''}`} data-player={player} data-presenter={presenter ? '1' : '0'} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <CaptionBar
        title={title}
        description={description}
        frame={frame}
        chapters={wb ? wb.chapters() : []}
        currentChapter={wb ? wb.currentChapter() : -1}
        canRun={canRun}
        onChapter={(k) => {
          if (actorRef.getSnapshot().value === 'playing') send({ type: 'PAUSE' });
          nav((w) => {
            if (!w.goToChapter(k)) say(t('chapters.notReached', { n: k + 1 }));
          });
        }}
      />
      {!wb || !frame ? (
        <main className="main main-error">
          <section className="panel error-panel" role="alert" data-testid="error-panel">
            <h2>{title}</h2>
            <pre className="error-message">{opened.ok ? '' : opened.error}</pre>
            <p>{t('error.hint')}</p>
          </section>
        </main>
      ) : (
        <main className="workbench">
          <div className="wb-ring panel">
            <h2 className="ring-title">{t('cluster.title')}</h2>
            <div className="ring-actions">
              <button type="button" className="btn btn-small" data-testid="open-client" disabled={!canRun} onClick={() => { setClientVia(null); setDialog('client'); }} title={t('controls.clientTitle')}>
                {t('controls.client')}
              </button>
              <button type="button" className="btn btn-small" data-testid="open-partition" disabled={!canRun} onClick={() => setDialog('partition')} title={t('controls.partitionTitle')}>
                {t('controls.partition')}
              </button>
              <button type="button" className="btn btn-small" data-testid="heal" disabled={!canRun} onClick={() => act({ kind: 'heal' })} title={t('controls.healTitle')}>
                {t('controls.heal')}
              </button>
              <ClusterExportButtons scenario={wb.name} simTimeMs={frame.position.timeMs} />
            </div>
            {runError && (
              <section className="error-panel inline-error" role="alert" data-testid="error-panel">
                <h2>{t('error.runtimeTitle')}</h2>
                <pre className="error-message">{runError}</pre>
              </section>
            )}
            <div className="cluster-box">
              <ClusterView
                frame={frame}
                selectedServer={serverSel}
                selectedMessage={selectedMessage}
                onServerClick={(id, x, y) => {
                  setSelectedServer(id);
                  setTab('server');
                  if (canRun) setMenu({ kind: 'server', id, x, y });
                }}
                onLinkClick={(a, b, x, y) => canRun && setMenu({ kind: 'link', a, b, x, y })}
                onMessageClick={(id, x, y) => {
                  setSelectedMessage(id);
                  setTab('message');
                  if (canRun) setMenu({ kind: 'message', id, x, y });
                }}
              />
            </div>
            <p className="ring-hint">{t('cluster.hint')}</p>
          </div>
          <div className="wb-timeline">
            <Timeline
              wb={wb}
              frame={frame}
              playing={player === 'playing'}
              selectedMessage={selectedMessage}
              selectedServer={serverSel}
              onSeek={seek}
              onSelectMessage={(id) => {
                setSelectedMessage(id);
                setTab('message');
              }}
              onSelectServer={(id) => {
                setSelectedServer(id);
                setTab('server');
              }}
              apiRef={timelineApi}
            />
          </div>
          <div className="wb-travel">
            <TimeBar
              frame={frame}
              canRun={canRun}
              onStepBack={() => send({ type: 'STEP_BACK' })}
              onStepForward={() => send({ type: 'STEP' })}
              onScrubStart={() => send({ type: 'SCRUB_START' })}
              onScrub={(ms) => nav((w) => w.seekTime(ms))}
              onScrubEnd={() => send({ type: 'SCRUB_END' })}
              onJump={jump}
              onNow={() => nav((w) => w.goToFrontier())}
              onShowBranches={() => setTab('branches')}
              branchLabel={branchLabel(wb.tm.branch)}
            />
          </div>
          <div className="wb-why">
            <EventFeed
              lines={frame.feed}
              onSelectServer={(id) => {
                setSelectedServer(id);
                setTab('server');
              }}
            />
          </div>
          <div className="wb-logs">
            <LogPanel servers={frame.servers} leaderId={frame.leaderId} selected={serverSel} onSelect={(id) => { setSelectedServer(id); setTab('server'); }} />
          </div>
          <div className="wb-inspect">
            <Inspector
              wb={wb}
              frame={frame}
              tab={tab}
              onTab={setTab}
              server={serverSel}
              message={selectedMessage}
              onSelectMessage={(id) => {
                setSelectedMessage(id);
                setTab('message');
              }}
              onSeek={seek}
              onMessageAct={(kind, id, byMs) => act(kind === 'delayMessage' ? { kind, id, byMs: byMs ?? 100 } : { kind, id })}
              onSwitchBranch={switchBranch}
            />
          </div>
        </main>
      )}
      <Controls
        player={player}
        speed={speed}
        scenarios={[...bundledScenarios.keys()]}
        scenario={name}
        seed={seed}
        canRun={canRun}
        onToggle={() => send({ type: 'TOGGLE' })}
        onStep={() => send({ type: 'STEP' })}
        onRestart={restart}
        onSpeed={(s) => {
          send({ type: 'SET_SPEED', speed: s });
          if (name !== CUSTOM_NAME) writeUrl(name, seed, s);
        }}
        onScenario={(n) => {
          if (n === CUSTOM_NAME) return;
          const o = rebuild(n, null);
          writeUrl(n, o.ok ? o.wb.seed : null, speed);
        }}
        onSeed={(s) => {
          rebuild(name, s, name === CUSTOM_NAME ? customText : null, customFile);
          if (name !== CUSTOM_NAME) writeUrl(name, s, speed);
        }}
        stopAtEnd={stopAtEnd}
        onStopAtEnd={(value) => send({ type: 'SET_STOP_AT_END', value })}
        onCustom={() => setDialog('custom')}
        onHelp={() => setDialog('help')}
        onLibrary={() => setDialog('library')}
        onEditor={() => setDialog('editor')}
        lang={lang}
        onLang={(l) => {
          setLocale(l);
          saveLocale(l);
          setLang(l);
        }}
        shareUrl={linkText}
        onCopyLink={() => {
          const w = wbRef.current;
          if (!w) return;
          const url = shareUrl(w, lang);
          setLinkText(url);
          const clip = navigator.clipboard?.writeText(url);
          if (clip) clip.then(() => say(t('share.copied')), () => say(t('share.copyFailed')));
          else say(t('share.copyFailed'));
        }}
        onSaveYaml={() => {
          const w = wbRef.current;
          if (w) download(`${w.name}-recording.yaml`, savedYaml(w), 'application/yaml');
        }}
        onExportTrace={() => {
          const w = wbRef.current;
          if (w) download(`${w.name}-trace.json`, savedTrace(w), 'application/json');
        }}
        onOpenFile={openFile}
        presenter={presenter}
        fullScreen={fullScreen}
        onFullScreen={(on) => (on ? requestFullScreen() : void document.exitFullscreen().catch(() => undefined))}
        onPresenter={setPresenter}
      />
      {menu && frame && sim && (
        <Menu
          target={menu}
          up={(id) => frame.servers.find((s) => s.id === id)?.up ?? false}
          isolated={isolated}
          paused={(id: string) => !!sim?.servers.get(id)?.paused}
          cut={(a, b) => cutSet.has(`${a}>${b}`)}
          linkSettings={(a, b) => sim.network.linkSettings(a, b)}
          inPast={frame.inPast}
          onAct={act}
          onClientVia={(id) => {
            setClientVia(id);
            setDialog('client');
          }}
          onInspectServer={(id) => {
            setSelectedServer(id);
            setTab('server');
          }}
          onInspectMessage={(id) => {
            setSelectedMessage(id);
            setTab('message');
          }}
          onClose={() => setMenu(null)}
        />
      )}
      {dialog === 'partition' && frame && (
        <PartitionDialog
          servers={frame.servers.map((s) => s.id)}
          initial={defaultGroups(frame)}
          inPast={frame.inPast}
          onApply={(groups) => act({ kind: 'partition', groups })}
          onHeal={() => act({ kind: 'heal' })}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'client' && frame && wb && (
        <ClientPanel
          clients={frame.clients}
          servers={frame.servers.map((s) => s.id)}
          leaderId={frame.leaderId}
          initialVia={clientVia}
          issued={wb.issuedAtCursor()}
          inPast={frame.inPast}
          onSend={sendClient}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'custom' && (
        <CustomClusterDialog
          initial={customFrom(wb?.scenario ?? null)}
          onCreate={(text) => {
            setCustomText(text);
            setCustomFile(CUSTOM_FILE);
            rebuild(CUSTOM_NAME, null, text);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(null)} />}
      {dialog === 'library' && (
        <LibraryPage
          userScenarios={userScenarios}
          current={name}
          onOpen={(n, present) => {
            const o = rebuild(n, null);
            writeUrl(n, o.ok ? o.wb.seed : null, speed);
            setPresenter(present);
            setDialog(null);
          }}
          onOpenUser={runUserScenario}
          onEditCopy={(n) => addUserScenario(n, bundledScenarios.get(n) ?? '')}
          onEditUser={(id) => {
            setEditing(id);
            setPresenter(false);
            setDialog('editor');
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'editor' && !presenter && (
        <Suspense fallback={<div className="notice" role="status">{t('editor.loading')}</div>}>
          <ScenarioEditor
            scenarios={userScenarios}
            selectedId={editing}
            onSelect={setEditing}
            onStore={storeOne}
            onNew={(from) => {
              const w = wbRef.current;
              if (from === 'run' && w) addUserScenario(w.name === CUSTOM_NAME ? customFile : w.name, w.text);
              else addUserScenario(t('editor.blankFile'), blankScenarioYaml(t('editor.blankTitle'), t('editor.blankSay')));
            }}
            onDelete={(id) => {
              const rest = userRef.current.filter((s) => s.id !== id);
              storeUserScenarios(rest);
              setEditing(rest[0]?.id ?? null);
            }}
            onRun={(s) => runUserScenario(s, false)}
            storageProblem={storageProblem}
            onClose={() => setDialog(null)}
          />
        </Suspense>
      )}
      {notice && (
        <div className="notice" role="status" data-testid="notice" key={notice.n}>
          {notice.text}
        </div>
      )}
    </div>
  );
}
