/**
 * The top bar: scenario title and description, the caption on screen, the chapter list, the
 * lesson's status line, the Start / Continue button while the lesson waits, the predict-mode
 * question at a pause, and the free-play line with its way back to the lesson.
 *
 * Student view (the default) speaks plain words; the details (teacher) view adds step numbers,
 * step kinds, scenario lines and file names.
 */
import { useEffect, useRef, useState } from 'react';
import { parse as parseYaml } from 'yaml';
import { fmtMs } from '../../scenario/runner';
import type { Ask } from '../../scenario/types';
import type { Frame, StepStatus } from '../model/frame';
import type { PlayerStateValue } from '../model/playerMachine';
import { bundledScenarios } from '../model/scenarios';
import { Markdown } from './Markdown';
import { getLocale, t, tn } from '../i18n';
import { propertyName, stepKindName, violationDetail } from '../i18n/words';
import { timeText } from '../model/why';
import type { Chapter } from '../model/workbench';
import './caption.css';

/** The status line in the details (teacher) view: step numbers, kinds and lines. */
function detailsText(step: StepStatus): string {
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
    case 'freePlay':
      return step.skipped
        ? t('flow.freePlaySkippedDetails', { time: timeText(step.sinceMs), n: step.skipped.n, kind: stepKindName(step.skipped.stepKind), line: step.skipped.line, message: step.skipped.message })
        : tn('flow.freePlayDetails', step.remaining, { time: timeText(step.sinceMs) });
  }
}

/** The status line in the student view: plain words, no internals. */
function plainText(step: StepStatus, waitingToStart: boolean): string {
  if (waitingToStart && (step.kind === 'running' || step.kind === 'held')) return t('flow.step.notStarted');
  switch (step.kind) {
    case 'running':
      return t('flow.step.running');
    case 'held':
      return t('flow.step.held');
    case 'done':
      return t('flow.step.done');
    case 'failed':
      return t('flow.step.failed', { message: step.message });
    case 'empty':
      return t('flow.step.empty');
    case 'freePlay':
      return t('flow.freePlay');
  }
}

/** Descriptions longer than this start folded to a few lines. */
const LONG_DESCRIPTION = 260;

const titles = new Map<string, { en: string; zh?: string } | null>();

/** A bundled lesson's title (read once from its file), or null when `name` is not one. */
function lessonTitle(name: string): string | null {
  if (!titles.has(name)) {
    const text = bundledScenarios.get(name);
    let entry: { en: string; zh?: string } | null = null;
    if (text !== undefined) {
      try {
        const d = parseYaml(text) as { title?: unknown; i18n?: { zh?: { title?: unknown } } };
        if (typeof d?.title === 'string') entry = { en: d.title, ...(typeof d.i18n?.zh?.title === 'string' ? { zh: d.i18n.zh.title } : {}) };
      } catch {
        entry = null;
      }
    }
    titles.set(name, entry);
  }
  const e = titles.get(name);
  return e ? (getLocale() === 'zh' && e.zh ? e.zh : e.en) : null;
}

/** In the student view a description names other lessons by title, not by file (`first-election.yaml`). */
export function plainDescription(text: string): string {
  return text.replace(/`([A-Za-z0-9_-]+)\.ya?ml`/g, (whole, name: string) => {
    const title = lessonTitle(name);
    return title === null ? whole : t('flow.lessonRef', { title });
  });
}

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

/**
 * Predict mode: the question of the pause on screen. A choice shows at once whether it was
 * right (and the right answer); Continue then shows what happens.
 */
function AskBox({ ask }: { ask: Ask }) {
  const [chosen, setChosen] = useState<number | null>(null);
  const zh = getLocale() === 'zh' && ask.zh ? ask.zh : null;
  const question = zh ? zh.question : ask.question;
  const choices = zh ? zh.choices : ask.choices;
  const answer = choices[ask.answer];
  return (
    <section className="ask" data-testid="ask" aria-label={t('ask.label')} data-answered={chosen === null ? '0' : chosen === ask.answer ? 'right' : 'wrong'}>
      <p className="ask-question">
        <span className="ask-label">{t('ask.label')}</span> {question}
      </p>
      <div className="ask-choices" role="group" aria-label={t('ask.choicesLabel')}>
        {choices.map((c, i) => (
          <button
            key={i}
            type="button"
            className={`btn btn-small ask-choice${chosen === null ? '' : i === ask.answer ? ' right' : i === chosen ? ' wrong' : ''}`}
            data-testid={`ask-choice-${i}`}
            aria-pressed={chosen === i}
            disabled={chosen !== null}
            onClick={() => setChosen(i)}
          >
            {c}
          </button>
        ))}
      </div>
      <p className="ask-feedback" data-testid="ask-feedback" aria-live="polite">
        {chosen === null ? t('ask.prompt') : chosen === ask.answer ? t('ask.right', { answer }) : t('ask.wrong', { answer })}
      </p>
    </section>
  );
}

export interface CaptionBarProps {
  title: string;
  description: string;
  frame: Frame | null;
  chapters: Chapter[];
  /** The chapter whose caption is on screen (-1 before the first). */
  currentChapter: number;
  canRun: boolean;
  onChapter(k: number): void;
  /** The details (teacher) view is on. */
  details: boolean;
  player: PlayerStateValue;
  /** Play was pressed since the run opened. */
  started: boolean;
  /** Start (first Play) or Continue (at a presenter pause). */
  onContinue(): void;
  /** Free play: switch to the lesson's own run at a time; or, when there is none, restart the lesson. */
  onBackToLesson(branchId: number, atMs: number): void;
  onRestartLesson(): void;
}

export function CaptionBar(p: CaptionBarProps) {
  const { title, frame, chapters, currentChapter, canRun, onChapter, details } = p;
  const [expanded, setExpanded] = useState(false);
  const description = details ? p.description : plainDescription(p.description);
  const long = description.length > LONG_DESCRIPTION;
  const stopped = p.player === 'paused' || p.player === 'held' || p.player === 'starting';
  const waitingToStart = canRun && !p.started && stopped && frame !== null && !frame.inPast;
  const heldHere = canRun && frame !== null && p.player === 'held' && frame.held && !frame.inPast;
  const step = frame?.step;
  // The question belongs to the pause on screen: the cursor's last caption, holding the run.
  const chapter = currentChapter >= 0 ? chapters[currentChapter] : undefined;
  const ask = heldHere && frame && chapter?.ask && frame.captionIndex === currentChapter ? chapter.ask : null;
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
      {frame && step && (
        <>
          <div className="caption-row">
            <p className="caption" data-testid="caption" data-caption-index={frame.captionIndex} aria-live="polite">
              {frame.caption ?? <span className="caption-none">{t('caption.none')}</span>}
            </p>
            {(waitingToStart || heldHere) && (
              <button type="button" className="btn btn-primary caption-continue" data-testid="caption-continue" onClick={p.onContinue} title={waitingToStart ? t('controls.startTitle') : t('controls.playTitle')}>
                {waitingToStart ? t('controls.start') : t('controls.continue')}
              </button>
            )}
            <ChapterList chapters={chapters} current={currentChapter} disabled={!canRun} onChapter={onChapter} />
          </div>
          {ask && <AskBox key={`${frame.branchId}:${currentChapter}:${frame.position.events}`} ask={ask} />}
          <p className={`step-status step-${step.kind}`} data-testid="step-status" data-step-status={step.kind}>
            <span>{details ? detailsText(step) : plainText(step, waitingToStart)}</span>
            {step.kind === 'freePlay' &&
              (step.lesson ? (
                <button
                  type="button"
                  className="btn btn-small step-action"
                  data-testid="back-to-lesson"
                  onClick={() => p.onBackToLesson(step.lesson!.id, step.lesson!.atMs)}
                  title={t('flow.backToLessonTitle', { id: step.lesson.id })}
                >
                  {t('flow.backToLesson')}
                </button>
              ) : (
                <button type="button" className="btn btn-small step-action" data-testid="back-to-lesson" onClick={p.onRestartLesson} title={t('flow.restartLessonTitle')}>
                  {t('flow.restartLesson')}
                </button>
              ))}
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
