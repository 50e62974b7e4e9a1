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
  nowMs: number | null;
  events: number | null;
  traceHash: string | null;
  canRun: boolean;
  onToggle(): void;
  onStep(): void;
  onRestart(): void;
  onSpeed(speed: number): void;
  onScenario(name: string): void;
  onSeed(seed: number): void;
}

function playLabel(player: PlayerStateValue): string {
  if (player === 'held') return t('controls.continue');
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
    <footer className="controls" aria-label="controls">
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
        {p.canRun && (
          <span className="player-state" data-testid="player-state">
            {t(`controls.state.${p.player === 'starting' ? 'paused' : p.player}`)}
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
      <div className="control-group readouts">
        <span className="readout">
          <span className="readout-label">{t('controls.simTime')}</span>
          <span className="readout-value" data-testid="sim-time">
            {p.nowMs === null ? '—' : `${p.nowMs.toFixed(1)} ms`}
          </span>
        </span>
        <span className="readout">
          <span className="readout-label">{t('controls.events')}</span>
          <span className="readout-value" data-testid="event-count">
            {p.events ?? '—'}
          </span>
        </span>
        <span className="readout">
          <span className="readout-label">{t('controls.traceHash')}</span>
          <span className="readout-value hash" data-testid="trace-hash">
            {p.traceHash ?? '—'}
          </span>
        </span>
      </div>
    </footer>
  );
}
