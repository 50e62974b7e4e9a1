/**
 * The teaching workbench: plays a scenario through a TimeMachine and draws it. This file only
 * composes: the state lives in named hooks (this folder), the pictures in ../draw, the panels in
 * ../panels, the dialogs in ../dialogs.
 *
 * - useUrlState: what the address asked for, read once;
 * - useLocale: the language; useNotices: the one-line notices;
 * - useRun: the open run (a mutable Workbench outside React's state), loading and replacing it,
 *   and the actions that change it (`tm.act`; acting in the past starts a new branch);
 * - usePlayer: the player statechart, the animation loop (captions held to be read, speeds above
 *   1x within a frame budget), and the cursor moves that pause it;
 * - usePreferences: the details (teacher) view and "Start paused", remembered;
 * - useSelection: the inspected server and message, the inspector's tab;
 * - usePresenter: presenter mode and full screen; useUserScenarios: the user's own scenarios;
 * - useKeyboard: the shortcuts; useTestHooks: `window.__raftsim` for the browser tests.
 *
 * Each render draws a plain snapshot (`buildFrame`) of the run at the time-machine cursor; the
 * timeline draws the branch's whole history from the time machine's head.
 */
import { Suspense, lazy, useCallback, useEffect, useRef, useState } from 'react';
import { ClientPanel } from '../dialogs/ClientPanel';
import { CustomClusterDialog } from '../dialogs/CustomClusterDialog';
import { Glossary } from '../dialogs/Glossary';
import { HelpOverlay } from '../dialogs/HelpOverlay';
import { LibraryPage } from '../dialogs/LibraryPage';
import { defaultGroups, PartitionDialog } from '../dialogs/PartitionDialog';
import { MembersDialog } from '../dialogs/MembersDialog';
import { Tour } from '../dialogs/Tour';
import { ClusterView } from '../draw/ClusterView';
import { ClusterExportButtons } from '../draw/ExportButtons';
import { Timeline, type TimelineApi } from '../draw/Timeline';
import { TimelineStrip } from '../draw/TimelineStrip';
import { EtcdArea, usesEtcd } from '../etcd/EtcdArea';
import { t } from '../i18n';
import { download, savedTrace, savedYaml, shareUrl } from '../io/share';
import { blankScenarioYaml, type UserScenario } from '../io/userScenarios';
import { writeUrl } from '../io/url';
import { buildFrame } from '../model/frame';
import { bundledScenarios, CUSTOM_FILE, CUSTOM_NAME, customFrom } from '../model/scenarios';
import { CaptionBar } from '../panels/CaptionBar';
import { Controls } from '../panels/Controls';
import { EventFeed } from '../panels/EventFeed';
import { branchLabel, Inspector } from '../panels/Inspector';
import { LogPanel } from '../panels/LogPanel';
import { ReplayPanel } from '../panels/ReplayPanel';
import { Menu, type MenuTarget } from '../panels/Menus';
import { panelId, PanelTabs, tabId, type PanelTab } from '../panels/PanelTabs';
import { TimeBar } from '../panels/TimeBar';
import { useAids } from './useAids';
import { useKeyboard } from './useKeyboard';
import { useLocale } from './useLocale';
import { useNotices } from './useNotices';
import { showDetails } from '../model/preferences';
import { minFlightMs, useFollowNow, usePlayer } from './usePlayer';
import { usePreferences } from './usePreferences';
import { usePresenter } from './usePresenter';
import { useRun } from './useRun';
import { useSelection } from './useSelection';
import { useTestHooks } from './useTestHooks';
import { useUrlState } from './useUrlState';
import { useUserScenarios } from './useUserScenarios';
import './presenter.css';

/** The editor (with CodeMirror) loads the first time it is opened, keeping the first page light. */
const ScenarioEditor = lazy(() => import('../dialogs/ScenarioEditor').then((m) => ({ default: m.ScenarioEditor })));

type DialogKind = 'partition' | 'client' | 'custom' | 'help' | 'library' | 'editor' | 'glossary' | 'members';

export function App() {
  const url = useUrlState();
  const { lang, changeLang } = useLocale(url.fromLink?.lang ?? null);
  const { notice, say } = useNotices();
  const run = useRun(url, say);
  const { wb, wbRef, nav, act } = run;
  const { presenter, setPresenter, fullScreen, setFullScreen } = usePresenter(url.presenter);
  const prefs = usePreferences(presenter);
  const pl = usePlayer(run, { speed: url.initial.speed, autoplay: (url.initial.play ?? !prefs.startPaused) && run.openedClean }, say);
  const { player, speed, stopAtEnd, send, actorRef } = pl;
  const sel = useSelection();
  const user = useUserScenarios();
  // The glossary and the guided tour (first visit to the plain page; always from "?").
  const aids = useAids(!url.initial.scenario && !url.fromLink && !url.presenter && !url.embed && !url.library);
  const openGlossary = (term: string | null) => {
    aids.setGlossaryTerm(term);
    setDialog('glossary');
  };
  const [linkText, setLinkText] = useState('');
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const [dialog, setDialog] = useState<DialogKind | null>(() => (url.library ? 'library' : null));
  const [clientVia, setClientVia] = useState<string | null>(null);
  const timelineApi = useRef<TimelineApi | null>(null);
  /** The panel shown under the ring on a phone (the others are a tab away). */
  const [panelTab, setPanelTab] = useState<PanelTab>('timeline');
  /** The etcdctl console and KV panel row (issue 14): null follows the scenario (open when it uses etcdctl). */
  const [etcdOpen, setEtcdOpen] = useState<boolean | null>(null);
  const tabPanel = (tab: PanelTab) => ({ id: panelId(tab), role: 'tabpanel', 'aria-labelledby': tabId(tab) });

  const frame = wb ? buildFrame(wb, { captionIndex: pl.shownCaption(wb), minFlightMs: minFlightMs(speed), details: showDetails() }) : null;
  useFollowNow(timelineApi, frame !== null && frame.inPast && player !== 'playing');
  const { opened, runError, customText, customFile } = run;

  // ---- opening runs (each forgets the selection and closes the menu) -------------------------

  /** Rebuilds the run from time 0 (restart, another scenario, another seed, a custom cluster). */
  const rebuild = useCallback(
    (name: string, seed: number | null, text: string | null = null, file: string = CUSTOM_FILE) => {
      const o = run.load(name, seed, text, file);
      sel.clear();
      setMenu(null);
      send({ type: 'RESTARTED', autoplay: !prefs.startPaused });
      return o;
    },
    [run.load, sel.clear, send, prefs.startPaused],
  );

  /** Opens a scenario file (.yaml, its replay is played) or an exported trace (.json). */
  const openFile = (fileName: string, text: string) => {
    if (!run.loadFile(fileName, text)) return;
    send({ type: 'RESTARTED', autoplay: !prefs.startPaused });
    sel.clear();
    setMenu(null);
  };

  /** Edits a new user scenario in the editor (never in presenter mode). */
  const addUserScenario = (base: string, text: string) => {
    user.add(base, text);
    setPresenter(false);
    setDialog('editor');
  };
  const runUserScenario = (s: UserScenario, present: boolean) => {
    if (!s.valid) return;
    run.setCustom(s.valid, s.file);
    rebuild(CUSTOM_NAME, null, s.valid, s.file);
    setPresenter(present);
    setDialog(null);
  };

  const restart = () => {
    const name = opened.ok ? opened.wb.name : opened.name;
    const seed = opened.ok ? opened.wb.seed : opened.seed;
    rebuild(name, seed, name === CUSTOM_NAME ? customText : null, customFile);
  };

  useKeyboard({
    dialogOpen: dialog !== null,
    hasRun: () => wbRef.current !== null,
    toggleHelp: () => setDialog((d) => (d === 'help' ? null : 'help')),
    togglePlay: () => actorRef.send({ type: 'TOGGLE' }),
    step: () => actorRef.send({ type: 'STEP' }),
    stepBack: () => actorRef.send({ type: 'STEP_BACK' }),
    jump: pl.jump,
    openClient: () => {
      setClientVia(null);
      setDialog('client');
    },
    leaderKey: run.leaderKey,
    openPartition: () => setDialog('partition'),
    heal: () => act({ kind: 'heal' }),
    goToNow: () => nav((w) => w.goToFrontier()),
    fitTimeline: () => timelineApi.current?.fitAll(),
  });
  useTestHooks(wbRef, actorRef, timelineApi);

  const zhText = lang === 'zh' && wb ? wb.scenario.i18n.zh : undefined;
  const title = wb ? zhText?.title ?? wb.scenario.title : opened.ok ? t('error.title') : opened.title ?? t('error.title');
  const description = wb ? zhText?.description ?? wb.scenario.description : '';
  useEffect(() => {
    document.title = `${title} — ${t('app.title')}`;
  }, [title]);

  const serverSel = frame ? sel.server ?? frame.leaderId ?? frame.servers[0]?.id ?? null : null;
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
    <div className={`app${presenter ? ' presenter' : ''}${url.embed ? ' embed' : ''}`} data-player={player} data-presenter={presenter ? '1' : '0'} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <CaptionBar
        title={title}
        description={description}
        frame={frame}
        chapters={wb ? wb.chapters() : []}
        currentChapter={frame ? frame.captionIndex : -1}
        canRun={canRun}
        onChapter={pl.goToChapter}
        details={showDetails()}
        player={player}
        started={pl.started}
        onContinue={() => send({ type: 'PLAY' })}
        onBackToLesson={(id, atMs) => {
          pl.switchBranch(id);
          nav((w) => w.seekTime(atMs));
        }}
        onRestartLesson={restart}
      />
      {run.replay ? (
        <ReplayPanel replay={run.replay} />
      ) : !wb || !frame ? (
        <main className="main main-error">
          <section className="panel error-panel" role="alert" data-testid="error-panel">
            <h2>{title}</h2>
            <pre className="error-message">{opened.ok ? '' : opened.error}</pre>
            <p>{t('error.hint')}</p>
          </section>
        </main>
      ) : (
        <main className={etcdOpen ?? usesEtcd(wb) ? 'workbench with-etcd' : 'workbench'} data-tab={panelTab}>
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
              <button type="button" className="btn btn-small" data-testid="open-members" disabled={!canRun} onClick={() => setDialog('members')} title={t('members.openTitle')}>
                {t('members.open')}
              </button>
              <button type="button" className="btn btn-small etcd-toggle" data-testid="toggle-etcd" aria-pressed={etcdOpen ?? usesEtcd(wb)} onClick={() => setEtcdOpen(!(etcdOpen ?? usesEtcd(wb)))} title={t('etcd.toggleTitle')}>
                {t('etcd.toggle')}
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
                selectedMessage={sel.message}
                onServerClick={(id, x, y) => {
                  sel.selectServer(id);
                  if (canRun) setMenu({ kind: 'server', id, x, y });
                }}
                onLinkClick={(a, b, x, y) => canRun && setMenu({ kind: 'link', a, b, x, y })}
                onMessageClick={(id, x, y) => {
                  sel.selectMessage(id);
                  if (canRun) setMenu({ kind: 'message', id, x, y });
                }}
              />
            </div>
            <p className="ring-hint">{t('cluster.hint')}</p>
          </div>
          <PanelTabs tab={panelTab} onTab={setPanelTab} />
          <div className="wb-timeline" {...tabPanel('timeline')}>
            <Timeline
              wb={wb}
              frame={frame}
              playing={player === 'playing'}
              selectedMessage={sel.message}
              selectedServer={serverSel}
              onSeek={pl.seek}
              onSelectMessage={sel.selectMessage}
              onSelectServer={sel.selectServer}
              apiRef={timelineApi}
            />
          </div>
          {presenter && (
            <div className="wb-strip">
              <TimelineStrip wb={wb} frame={frame} onSeek={pl.seek} />
            </div>
          )}
          <div className="wb-travel">
            <TimeBar
              frame={frame}
              canRun={canRun}
              onStepBack={() => send({ type: 'STEP_BACK' })}
              onStepForward={() => send({ type: 'STEP' })}
              onScrubStart={() => send({ type: 'SCRUB_START' })}
              onScrub={(ms) => nav((w) => w.seekTime(ms))}
              onScrubEnd={() => send({ type: 'SCRUB_END' })}
              onJump={pl.jump}
              onNow={() => nav((w) => w.goToFrontier())}
              onShowBranches={() => sel.setTab('branches')}
              branchLabel={branchLabel(wb.tm.branch)}
            />
          </div>
          <div className="wb-why" {...tabPanel('why')}>
            <EventFeed
              lines={frame.feed}
              onSelectServer={sel.selectServer}
              onTerm={openGlossary}
            />
          </div>
          <div className="wb-logs" {...tabPanel('logs')}>
            <LogPanel servers={frame.servers} leaderId={frame.leaderId} selected={serverSel} onSelect={sel.selectServer} />
          </div>
          <div className="wb-inspect" {...tabPanel('inspect')}>
            <Inspector
              wb={wb}
              frame={frame}
              tab={sel.tab}
              onTab={sel.setTab}
              server={serverSel}
              message={sel.message}
              onSelectMessage={sel.selectMessage}
              onSeek={pl.seek}
              onMessageAct={(kind, id, byMs) => act(kind === 'delayMessage' ? { kind, id, byMs: byMs ?? 100 } : { kind, id })}
              onSwitchBranch={pl.switchBranch}
            />
          </div>
          <div className="wb-etcd" {...tabPanel('etcd')}>
            <EtcdArea wb={wb} frame={frame} onNotice={say} act={act} />
          </div>
        </main>
      )}
      <Controls
        player={player}
        started={pl.started}
        reading={pl.reading}
        speed={speed}
        messagesThinned={minFlightMs(speed) > 0}
        startPaused={prefs.startPaused}
        onStartPaused={prefs.setStartPaused}
        details={prefs.details}
        onDetails={prefs.setDetails}
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
        onLang={changeLang}
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
        onFullScreen={setFullScreen}
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
          membership={(id) => frame.servers.find((s) => s.id === id)?.membership ?? 'voter'}
          onAct={act}
          onMember={run.member}
          onOpenMembers={() => setDialog('members')}
          onClientVia={(id) => {
            setClientVia(id);
            setDialog('client');
          }}
          onInspectServer={sel.selectServer}
          onInspectMessage={sel.selectMessage}
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
      {dialog === 'members' && frame && (
        <MembersDialog frame={frame} inPast={frame.inPast} onMember={run.member} onClose={() => setDialog(null)} />
      )}
      {dialog === 'client' && frame && wb && (
        <ClientPanel
          clients={frame.clients}
          servers={frame.servers.map((s) => s.id)}
          leaderId={frame.leaderId}
          initialVia={clientVia}
          issued={wb.issuedAtCursor()}
          inPast={frame.inPast}
          onSend={run.sendClient}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'custom' && (
        <CustomClusterDialog
          initial={customFrom(wb?.scenario ?? null)}
          onCreate={(text) => {
            run.setCustom(text, CUSTOM_FILE);
            rebuild(CUSTOM_NAME, null, text);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'help' && (
        <HelpOverlay
          onClose={() => setDialog(null)}
          onGlossary={() => openGlossary(null)}
          onTour={() => {
            setDialog(null);
            aids.openTour();
          }}
        />
      )}
      {dialog === 'glossary' && <Glossary initial={aids.glossaryTerm} onClose={() => setDialog(null)} />}
      {aids.tourOpen && dialog === null && wb && <Tour onClose={aids.closeTour} />}
      {dialog === 'library' && (
        <LibraryPage
          userScenarios={user.scenarios}
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
            user.setEditing(id);
            setPresenter(false);
            setDialog('editor');
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'editor' && !presenter && (
        <Suspense fallback={<div className="notice" role="status">{t('editor.loading')}</div>}>
          <ScenarioEditor
            scenarios={user.scenarios}
            selectedId={user.editing}
            onSelect={user.setEditing}
            onStore={user.storeOne}
            onNew={(from) => {
              const w = wbRef.current;
              if (from === 'run' && w) addUserScenario(w.name === CUSTOM_NAME ? customFile : w.name, w.text);
              else addUserScenario(t('editor.blankFile'), blankScenarioYaml(t('editor.blankTitle'), t('editor.blankSay')));
            }}
            onDelete={user.remove}
            onRun={(s) => runUserScenario(s, false)}
            storageProblem={user.storageProblem}
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
