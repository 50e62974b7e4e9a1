/** The top bar: scenario title and description, the latest narration, the chapter list and the current step. */
import { useEffect, useRef, useState } from 'react';
import { fmtMs } from '../../scenario/runner';
import type { Frame } from '../model/frame';
import { Markdown } from './Markdown';
import { getLocale, t } from '../i18n';
import { propertyName, stepKindName, violationDetail } from '../i18n/words';
import { timeText } from '../model/why';
import type { Chapter } from '../model/workbench';
import './caption.css';

function stepText(step: Frame['step']): string {
  switch (step.kind) {
    case 'running':
      return t('step.running', { n: step.n, total: step.total, kind: stepKindName(step.stepKind), line: step.line });
    case 'held':
      return t('step.held', { n: step.n, total: step.total, kind: stepKindName(step.stepKind), line: step.line });
    case 'done':
      return t('step.done', { total: step.total });
    case 'failed':
      return t('step.failed', { n: step.n, kind: stepKindName(step.stepKind), line: step.line, message: step.message });
    case 'empty':
      return t('step.empty');
  }
}

/** Descriptions longer than this start folded to a few lines. */
const LONG_DESCRIPTION = 260;

/**
 * The chapter list: every caption of the lesson, numbered; the current one marked, the ones
 * already reached with their simulated time. Choosing one moves the cursor there (time travel),
 * computing the run forward first when it has not got there yet.
 */
export function ChapterList({ chapters, current, disabled, onChapter }: { chapters: Chapter[]; current: number; disabled: boolean; onChapter(k: number): void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  if (chapters.length === 0) return null;
  const zh = getLocale() === 'zh';
  return (
    <div className="chapters" ref={ref}>
      <button
        type="button"
        className="btn btn-small"
        data-testid="chapters"
        aria-expanded={open}
        aria-haspopup="true"
        disabled={disabled}
        onClick={() => setOpen(!open)}
        title={t('chapters.title')}
      >
        {current >= 0 ? t('chapters.buttonAt', { n: current + 1, total: chapters.length }) : t('chapters.button', { total: chapters.length })}
      </button>
      {open && (
        <ol className="chapter-list" data-testid="chapter-list" aria-label={t('chapters.label')}>
          {chapters.map((c) => (
            <li key={c.index}>
              <button
                type="button"
                className={c.index === current ? 'chapter current' : c.atMs === null ? 'chapter ahead' : 'chapter'}
                aria-current={c.index === current ? 'step' : undefined}
                data-testid={`chapter-${c.index + 1}`}
                data-reached={c.atMs === null ? '0' : '1'}
                onClick={() => {
                  setOpen(false);
                  onChapter(c.index);
                }}
              >
                <span className="chapter-number">{c.index + 1}</span>
                <span className="chapter-text">{zh && c.zh ? c.zh : c.text}</span>
                <span className="chapter-time">{c.atMs === null ? t('chapters.ahead') : timeText(c.atMs)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export interface CaptionBarProps {
  title: string;
  description: string;
  frame: Frame | null;
  chapters: Chapter[];
  currentChapter: number;
  canRun: boolean;
  onChapter(k: number): void;
}

export function CaptionBar({ title, description, frame, chapters, currentChapter, canRun, onChapter }: CaptionBarProps) {
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
          <div className="caption-row">
            <p className="caption" data-testid="caption" aria-live="polite">
              {frame.caption ?? <span className="caption-none">{t('caption.none')}</span>}
            </p>
            <ChapterList chapters={chapters} current={currentChapter} disabled={!canRun} onChapter={onChapter} />
          </div>
          <p className={`step-status step-${frame.step.kind}`} data-testid="step-status" data-step-status={frame.step.kind}>
            {stepText(frame.step)}
          </p>
          {frame.violation && (
            <p className="violation" role="alert" data-testid="violation">
              {t('invariants.violated', { property: propertyName(frame.violation.property), time: fmtMs(frame.violation.atMs), detail: violationDetail(frame.violation.detail) })}
            </p>
          )}
        </>
      )}
    </header>
  );
}
