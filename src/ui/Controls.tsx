/** The control bar: play/pause, step, restart, speed, scenario, seed, and the run's clock. */
import { useEffect, useState } from 'react';
import type { PlayerStateValue } from './playerMachine';
import { t } from './strings';
import { SPEEDS, parseSeed, speedText } from './url';

export interface ControlsProps {
  player: PlayerStateValue;
  speed: number;
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
}

function playLabel(player: PlayerStateValue): string {
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

  const known = SPEEDS.some((s) => Math.abs(s.value - p.speed) < 1e-12);
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
          {playLabel(p.player)}
        </button>
        <button type="button" className="btn" data-testid="step" title={t('controls.stepTitle')} disabled={!p.canRun} onClick={p.onStep}>
          {t('controls.step')}
        </button>
        <button type="button" className="btn" data-testid="restart" title={t('controls.restartTitle')} onClick={p.onRestart}>
          {t('controls.restart')}
        </button>
        {p.canRun && p.player !== 'playing' && p.player !== 'paused' && p.player !== 'starting' && (
          <span className="player-state" data-testid="player-state">
            {t(`controls.state.${p.player}`)}
          </span>
        )}
      </div>
      <div className="control-group">
        <label title={t('controls.speedTitle')}>
          {t('controls.speed')}
          <select data-testid="speed" value={String(p.speed)} onChange={(e) => p.onSpeed(Number(e.target.value))}>
            {!known && <option value={String(p.speed)}>{t('controls.speedCustom', { speed: speedText(p.speed) })}</option>}
            {SPEEDS.map((s) => (
              <option key={s.label} value={String(s.value)}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
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
        <button type="button" className="btn btn-small" data-testid="open-help" onClick={p.onHelp} title={t('controls.helpTitle')}>
          ?
        </button>
      </div>
    </footer>
  );
}
