/**
 * The guided tour: a few steps around the page, each a small popover beside the part it explains
 * (found by its data-testid) with a ring around that part. Not modal: the page stays usable. Steps
 * whose part is not on screen (presenter mode hides the timeline, the phone layout shows panels as
 * tabs) are left out. Escape, "Skip the tour" and "Done" all end it; the caller remembers that.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { t, type StringId } from '../i18n';
import './aids.css';

/** The tour's steps, in order: the data-testid of the part of the page, its title and text. */
export const TOUR_STEPS: { anchor: string; title: StringId; text: StringId }[] = [
  { anchor: 'cluster', title: 'tour.ring.title', text: 'tour.ring.text' },
  { anchor: 'timeline', title: 'tour.timeline.title', text: 'tour.timeline.text' },
  { anchor: 'logs', title: 'tour.logs.title', text: 'tour.logs.text' },
  { anchor: 'why-feed', title: 'tour.why.title', text: 'tour.why.text' },
  { anchor: 'play-pause', title: 'tour.controls.title', text: 'tour.controls.text' },
  { anchor: 'open-library', title: 'tour.library.title', text: 'tour.library.text' },
];

function anchorOf(id: string): HTMLElement | null {
  const el = document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return el && el.getClientRects().length > 0 ? el : null;
}

interface Box {
  top: number;
  left: number;
  width: number;
  height: number;
}

const GAP = 12;
const MARGIN = 8;

/** Where the popover goes: below the part if it fits, else above, else over its lower end; always inside the window. */
function place(r: Box, pop: { width: number; height: number }): { top: number; left: number } {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  let top: number;
  if (r.top + r.height + GAP + pop.height <= vh - MARGIN) top = r.top + r.height + GAP;
  else if (r.top - GAP - pop.height >= MARGIN) top = r.top - GAP - pop.height;
  else top = vh - MARGIN - pop.height;
  const left = Math.min(Math.max(MARGIN, r.left), Math.max(MARGIN, vw - MARGIN - pop.width));
  return { top: Math.max(MARGIN, top), left };
}

export function Tour({ onClose }: { onClose(): void }) {
  // The steps whose part is on the page when the tour starts (read once the page is drawn).
  const [steps, setSteps] = useState<typeof TOUR_STEPS | null>(null);
  useLayoutEffect(() => setSteps(TOUR_STEPS.filter((s) => anchorOf(s.anchor) !== null)), []);
  const [i, setI] = useState(0);
  const [box, setBox] = useState<Box | null>(null);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const pop = useRef<HTMLDivElement | null>(null);
  const primary = useRef<HTMLButtonElement | null>(null);
  const step = steps?.[i];

  const measure = useCallback(() => {
    const el = step ? anchorOf(step.anchor) : null;
    if (!el) return setBox(null);
    const r = el.getBoundingClientRect();
    setBox({ top: r.top, left: r.left, width: r.width, height: r.height });
  }, [step]);

  useLayoutEffect(() => {
    if (!step) return;
    anchorOf(step.anchor)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    measure();
  }, [step, measure]);

  useLayoutEffect(() => {
    if (!box || !pop.current) return;
    setPos(place(box, { width: pop.current.offsetWidth, height: pop.current.offsetHeight }));
  }, [box]);

  useEffect(() => {
    window.addEventListener('resize', measure);
    window.addEventListener('scroll', measure, true);
    return () => {
      window.removeEventListener('resize', measure);
      window.removeEventListener('scroll', measure, true);
    };
  }, [measure]);

  // The focus goes to Next (Done) once the popover is placed (a hidden element cannot take it).
  const placed = pos !== null;
  useEffect(() => {
    if (placed) primary.current?.focus();
  }, [i, placed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    if (steps !== null && steps.length === 0) onClose();
  }, [steps, onClose]);
  if (!steps || !step) return null;
  const last = i === steps.length - 1;
  return (
    <>
      {box && <div className="tour-ring" aria-hidden="true" style={{ top: box.top - 4, left: box.left - 4, width: box.width + 8, height: box.height + 8 }} />}
      <div
        ref={pop}
        className="tour-popover"
        role="dialog"
        aria-modal="false"
        aria-labelledby="tour-title"
        aria-describedby="tour-text"
        data-testid="tour"
        data-step={i + 1}
        data-anchor={step.anchor}
        style={pos ? { top: pos.top, left: pos.left } : { top: MARGIN, left: MARGIN, visibility: 'hidden' }}
      >
        <h2 id="tour-title">{t(step.title)}</h2>
        <p id="tour-text">{t(step.text)}</p>
        <div className="tour-foot">
          <span className="tour-progress" aria-label={t('tour.label')}>
            {t('tour.progress', { n: i + 1, total: steps.length })}
          </span>
          <button type="button" className="btn btn-small" data-testid="tour-skip" onClick={onClose} title={t('tour.skipTitle')}>
            {t('tour.skip')}
          </button>
          {i > 0 && (
            <button type="button" className="btn btn-small" data-testid="tour-back" onClick={() => setI(i - 1)}>
              {t('tour.back')}
            </button>
          )}
          <button ref={primary} type="button" className="btn btn-small btn-primary" data-testid={last ? 'tour-done' : 'tour-next'} onClick={() => (last ? onClose() : setI(i + 1))}>
            {last ? t('tour.done') : t('tour.next')}
          </button>
        </div>
      </div>
    </>
  );
}
