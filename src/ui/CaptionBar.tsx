/** The top bar: scenario title and description, the latest narration and the current step. */
import { useState } from 'react';
import { fmtMs } from '../scenario/runner';
import type { Frame } from './frame';
import { Markdown } from './Markdown';
import { t } from './strings';

function stepText(step: Frame['step']): string {
  switch (step.kind) {
    case 'running':
      return t('step.running', { n: step.n, total: step.total, kind: step.stepKind, line: step.line });
    case 'held':
      return t('step.held', { n: step.n, total: step.total, kind: step.stepKind, line: step.line });
    case 'done':
      return t('step.done', { total: step.total });
    case 'failed':
      return t('step.failed', { n: step.n, kind: step.stepKind, line: step.line, message: step.message });
    case 'empty':
      return t('step.empty');
  }
}

/** Descriptions longer than this start folded to a few lines. */
const LONG_DESCRIPTION = 260;

export function CaptionBar({ title, description, frame }: { title: string; description: string; frame: Frame | null }) {
  const [expanded, setExpanded] = useState(false);
  const long = description.length > LONG_DESCRIPTION;
  return (
    <header className="caption-bar">
      <div className="caption-titles">
        <h1>
          <span className="app-name">{t('app.title')}</span> {title}
        </h1>
        {description && (
          <div className={long && !expanded ? 'description-box folded' : 'description-box'}>
            <Markdown className="description" text={description} />
            {long && (
              <button type="button" className="link-button" data-testid="description-toggle" onClick={() => setExpanded(!expanded)}>
                {expanded ? t('description.less') : t('description.more')}
              </button>
            )}
          </div>
        )}
      </div>
      {frame && (
        <>
          <p className="caption" data-testid="caption" aria-live="polite">
            {frame.caption ?? <span className="caption-none">{t('caption.none')}</span>}
          </p>
          <p className={`step-status step-${frame.step.kind}`} data-testid="step-status" data-step-status={frame.step.kind}>
            {stepText(frame.step)}
          </p>
          {frame.violation && (
            <p className="violation" role="alert" data-testid="violation">
              {t('invariants.violated', { property: frame.violation.property, time: fmtMs(frame.violation.atMs), detail: frame.violation.detail })}
            </p>
          )}
        </>
      )}
    </header>
  );
}
