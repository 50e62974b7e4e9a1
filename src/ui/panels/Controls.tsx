/** The control bar: play/pause, step, restart, speed, scenario, seed, and the run's clock. */
import { useEffect, useState } from 'react';
import type { PlayerStateValue } from '../model/playerMachine';
import { t, type Locale } from '../i18n';
import { SPEEDS, parseSeed, speedText } from '../io/url';
import './controls.css';

export interface ControlsProps {
  player: PlayerStateValue;
  /** Play was pressed since the run opened (else Play reads "Start"). */
  started: boolean;
  /** Playing, but holding while the caption is read. */
  reading: boolean;
  /** Simulated ms per real ms (Infinity: as fast as possible). */
  speed: number;
  /** Messages too quick to see are not drawn at this speed (above 1x). */
  messagesThinned: boolean;
  /** Open every lesson paused at its first caption. */
  startPaused: boolean;
  onStartPaused(on: boolean): void;
  /** The details (teacher) view. */
  details: boolean;
  onDetails(on: boolean): void;
  scenarios: string[];
  scenario: string;
  seed: number | null;
  canRun: boolean;
  onToggle(): void;
  onStep(): void;
  onRestart(): void;
  onSpeed(speed: number): void;
  onScenario(name: string): void;
  onSeed(seed: number): void;
  stopAtEnd: boolean;
  onStopAtEnd(value: boolean): void;
  onCustom(): void;
  onHelp(): void;
  /** Opens the library page. */
  onLibrary(): void;
  /** Opens the scenario editor (not offered in presenter mode). */
  onEditor(): void;
  lang: Locale;
  onLang(lang: Locale): void;
  /** The last copied share link ('' before the first copy). */
  shareUrl: string;
  onCopyLink(): void;
  onSaveYaml(): void;
  onExportTrace(): void;
  onOpenFile(fileName: string, text: string): void;
  presenter: boolean;
  onPresenter(on: boolean): void;
  /** Whether the page is full screen now. */
  fullScreen: boolean;
  onFullScreen(on: boolean): void;
}

/** Language names are written in their own language, so anyone can find theirs. */
const LANGUAGES: { value: Locale; label: string }[] = [
  { value: 'en', label: 'English' },
  { value: 'zh', label: '简体中文' },
];

function playLabel(player: PlayerStateValue, started: boolean): string {
  if (!started && (player === 'paused' || player === 'held' || player === 'starting')) return t('controls.start');
  if (player === 'held') return t('controls.continue');
  if (player === 'ended') return t('controls.playOn');
  if (player === 'playing' || player === 'hidden') return t('controls.pause');
  return t('controls.play');
}

export function Controls(p: ControlsProps) {
  const [seedText, setSeedText] = useState(p.seed === null ? '' : String(p.seed));
  useEffect(() => {
    setSeedText(p.seed === null ? '' : String(p.seed));
  }, [p.seed]);

  const known = SPEEDS.some((s) => s.value === p.speed || Math.abs(s.value - p.speed) < 1e-12);
  const scenarioOptions = p.scenarios.includes(p.scenario) ? p.scenarios : [p.scenario, ...p.scenarios];

  return (
    <footer className="controls" aria-label={t('controls.label')}>
      <div className="control-group">
        <button
          type="button"
          className={`btn btn-primary btn-${p.player}`}
          data-testid="play-pause"
          data-state={p.player}
          title={t('controls.playTitle')}
          disabled={!p.canRun}
          onClick={p.onToggle}
        >
          {playLabel(p.player, p.started)}
        </button>
        <button type="button" className="btn" data-testid="step" title={t('controls.stepTitle')} disabled={!p.canRun} onClick={p.onStep}>
          {t('controls.step')}
        </button>
        <button type="button" className="btn" data-testid="restart" title={t('controls.restartTitle')} onClick={p.onRestart}>
          {t('controls.restart')}
        </button>
        {p.canRun && ((p.player !== 'playing' && p.player !== 'paused' && p.player !== 'starting') || p.reading) && (
          <span className="player-state" data-testid="player-state">
            {p.reading || p.player === 'starting' ? t('controls.state.reading') : t(`controls.state.${p.player}`)}
          </span>
        )}
      </div>
      <div className="control-group">
        <label title={t('controls.speedTitle')}>
          {t('controls.speed')}
          <select data-testid="speed" value={String(p.speed)} onChange={(e) => p.onSpeed(Number(e.target.value))}>
            {!known && <option value={String(p.speed)}>{t('controls.speedCustom', { speed: speedText(p.speed) })}</option>}
            {SPEEDS.map((s) => (
              <option key={s.label ?? 'max'} value={String(s.value)}>
                {s.label ?? t('controls.speedMax')}
              </option>
            ))}
          </select>
        </label>
        {p.messagesThinned && (
          <span className="speed-note" data-testid="messages-hidden">
            {t('controls.messagesThinned')}
          </span>
        )}
        <label>
          {t('controls.scenario')}
          <select data-testid="scenario-picker" value={p.scenario} onChange={(e) => p.onScenario(e.target.value)}>
            {scenarioOptions.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn" data-testid="open-library" onClick={p.onLibrary} title={t('library.openTitle')}>
          {t('library.button')}
        </button>
        {!p.presenter && (
          <button type="button" className="btn" data-testid="open-editor" onClick={p.onEditor} title={t('editor.openTitle')}>
            {t('editor.button')}
          </button>
        )}
        <button type="button" className="btn" data-testid="open-custom" onClick={p.onCustom} title={t('controls.customTitle')}>
          {t('controls.custom')}
        </button>
        <label title={t('controls.seedTitle')}>
          {t('controls.seed')}
          <input
            data-testid="seed"
            type="number"
            min={0}
            step={1}
            value={seedText}
            onChange={(e) => {
              setSeedText(e.target.value);
              const s = parseSeed(e.target.value);
              if (s !== null && s !== p.seed) p.onSeed(s);
            }}
          />
        </label>
      </div>
      <div className="control-group">
        <label className="check" title={t('controls.stopAtEndTitle')}>
          <input type="checkbox" data-testid="stop-at-end" checked={p.stopAtEnd} onChange={(e) => p.onStopAtEnd(e.target.checked)} />
          {t('controls.stopAtEnd')}
        </label>
        <label className="check" title={t('controls.startPausedTitle')}>
          <input type="checkbox" data-testid="start-paused" checked={p.startPaused} onChange={(e) => p.onStartPaused(e.target.checked)} />
          {t('controls.startPaused')}
        </label>
        {!p.presenter && (
          <label className="check" title={t('controls.detailsTitle')}>
            <input type="checkbox" data-testid="details" checked={p.details} onChange={(e) => p.onDetails(e.target.checked)} />
            {t('controls.details')}
          </label>
        )}
        <label className="check" title={t('presenter.toggleTitle')}>
          <input type="checkbox" data-testid="presenter" checked={p.presenter} onChange={(e) => p.onPresenter(e.target.checked)} />
          {t('presenter.toggle')}
        </label>
        {p.presenter && (
          <button type="button" className="btn btn-small" data-testid="full-screen" aria-pressed={p.fullScreen} onClick={() => p.onFullScreen(!p.fullScreen)} title={t('presenter.fullScreenTitle')}>
            {p.fullScreen ? t('presenter.exitFullScreen') : t('presenter.fullScreen')}
          </button>
        )}
        <label title={t('controls.languageTitle')}>
          {t('controls.language')}
          <select data-testid="language" value={p.lang} onChange={(e) => p.onLang(e.target.value === 'zh' ? 'zh' : 'en')}>
            {LANGUAGES.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn btn-small" data-testid="open-help" onClick={p.onHelp} title={t('controls.helpTitle')}>
          ?
        </button>
      </div>
      <div className="control-group share-group">
        <button type="button" className="btn" data-testid="copy-link" disabled={!p.canRun} title={t('share.copyTitle')} onClick={p.onCopyLink}>
          {t('share.copy')}
        </button>
        {p.shareUrl && (
          <input className="share-url" data-testid="share-url" aria-label={t('share.url')} readOnly value={p.shareUrl} onFocus={(e) => e.target.select()} />
        )}
        <button type="button" className="btn" data-testid="save-yaml" disabled={!p.canRun} title={t('share.saveYamlTitle')} onClick={p.onSaveYaml}>
          {t('share.saveYaml')}
        </button>
        <button type="button" className="btn" data-testid="export-trace" disabled={!p.canRun} title={t('share.exportTraceTitle')} onClick={p.onExportTrace}>
          {t('share.exportTrace')}
        </button>
        <label className="btn file-button" title={t('share.openFileTitle')}>
          {t('share.openFile')}
          <input
            type="file"
            data-testid="open-file"
            accept=".yaml,.yml,.json"
            className="visually-hidden-file"
            onChange={(e) => {
              const input = e.target;
              const f = input.files?.[0];
              if (!f) return;
              void f.text().then((text) => {
                p.onOpenFile(f.name, text);
                input.value = '';
              });
            }}
          />
        </label>
      </div>
    </footer>
  );
}
