/**
 * Time travel: step one event back or forward, scrub with a slider, jump to the previous or next
 * election, commit, fault or caption, go back to "now", and see which branch is open.
 */
import type { Frame } from '../model/frame';
import { t } from '../i18n';
import type { JumpKind } from '../model/workbench';
import { JUMP_KINDS } from '../model/workbench';
import './timebar.css';

export interface TimeBarProps {
  frame: Frame;
  canRun: boolean;
  onStepBack(): void;
  onStepForward(): void;
  onScrubStart(): void;
  onScrub(ms: number): void;
  onScrubEnd(): void;
  onJump(kind: JumpKind, dir: -1 | 1): void;
  onNow(): void;
  onShowBranches(): void;
  branchLabel: string;
}

export function TimeBar(p: TimeBarProps) {
  const f = p.frame;
  const max = Math.max(f.frontier.timeMs, 1);
  return (
    <section className="panel timebar" aria-label={t('travel.title')} data-testid="timebar">
      <div className="timebar-row">
        <button type="button" className="btn btn-icon" data-testid="step-back" disabled={!p.canRun || f.position.events === 0} onClick={p.onStepBack} title={t('travel.stepBackTitle')}>
          {t('travel.stepBack')}
        </button>
        <button type="button" className="btn btn-icon" data-testid="step-forward" disabled={!p.canRun} onClick={p.onStepForward} title={t('travel.stepForwardTitle')}>
          {t('travel.stepForward')}
        </button>
        <input
          className="scrub"
          type="range"
          min={0}
          max={max}
          step="any"
          value={Math.min(f.position.timeMs, max)}
          data-testid="scrub"
          aria-label={t('travel.scrub')}
          title={t('travel.scrubTitle')}
          disabled={!p.canRun}
          onPointerDown={p.onScrubStart}
          onPointerUp={p.onScrubEnd}
          onKeyUp={p.onScrubEnd}
          onChange={(e) => p.onScrub(Number(e.target.value))}
        />
        <span className="readouts" data-testid="cursor-position">
          <span className="readout">
            <span className="readout-label">{t('controls.simTime')}</span>
            <span className="readout-value" data-testid="sim-time">
              {t('travel.ms', { ms: f.nowMs.toFixed(1) })}
            </span>
          </span>
          <span className="readout">
            <span className="readout-label">{t('controls.events')}</span>
            <span className="readout-value" data-testid="event-count">
              {f.stats.events}
            </span>
          </span>
          <span className="readout" title={t('travel.computedTitle')}>
            <span className="readout-label">{t('travel.computed')}</span>
            <span className="readout-value minor">{t('travel.ms', { ms: f.frontier.timeMs.toFixed(1) })}</span>
          </span>
          <span className="readout">
            <span className="readout-label">{t('controls.traceHash')}</span>
            <span className="readout-value hash" data-testid="trace-hash">
              {f.traceHash}
            </span>
          </span>
        </span>
      </div>
      <div className="timebar-row">
        {JUMP_KINDS.map((k) => (
          <span key={k} className="jump-pair" role="group" aria-label={t(`travel.jump.${k}`)}>
            <button type="button" className="btn btn-small" data-testid={`prev-${k}`} disabled={!p.canRun} onClick={() => p.onJump(k, -1)} title={t(`travel.prevTitle.${k}`)}>
              ◀
            </button>
            <span className="jump-label">{t(`travel.jump.${k}`)}</span>
            <button type="button" className="btn btn-small" data-testid={`next-${k}`} disabled={!p.canRun} onClick={() => p.onJump(k, 1)} title={t(`travel.nextTitle.${k}`)}>
              ▶
            </button>
          </span>
        ))}
        <button type="button" className="btn btn-small" data-testid="go-now" disabled={!f.inPast} onClick={p.onNow} title={t('travel.nowTitle')}>
          {t('travel.now')}
        </button>
        <span className="toolbar-spacer" />
        <button type="button" className={f.inPast ? 'branch-badge in-past' : 'branch-badge'} data-testid="branch-badge" onClick={p.onShowBranches} title={t('travel.branchTitle')}>
          {f.inPast ? t('travel.inPast', { branch: p.branchLabel }) : t('travel.atFrontier', { branch: p.branchLabel })}
          {f.branchCount > 1 && <span className="badge-count">{t('travel.branchCount', { n: f.branchCount })}</span>}
        </button>
      </div>
    </section>
  );
}
