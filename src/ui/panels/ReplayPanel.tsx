/**
 * The panel shown while a long recorded replay (a share link's, an opened file's) plays in slices:
 * what is happening, how far it is, and Cancel. The page answers between slices (see useRun).
 */
import { t } from '../i18n';
import './replay.css';

/** A long recorded replay being played in slices (a link's or a file's), and how to stop it. */
export interface ReplayProgress {
  /** Simulated ms and events reached, and the recording's end. */
  atMs: number;
  events: number;
  untilMs: number;
  untilEvents: number;
  /** Cancel was pressed: the run is about to open at its start. */
  stopping: boolean;
  /** Stops the replay: the run opens at its start (a fresh run), with a notice. */
  cancel(): void;
}

/** Simulated time in the unit that reads best: "850 ms", "12.5 s", "3.2 h". */
export function simTimeText(ms: number): string {
  if (ms < 10_000) return t('replay.timeMs', { n: Math.round(ms) });
  if (ms < 3_600_000) return t('replay.timeS', { n: (ms / 1000).toFixed(1) });
  return t('replay.timeH', { n: (ms / 3_600_000).toFixed(1) });
}

/** The progress of a replay in slices, with a Cancel button (the run then opens at its start). */
export function ReplayPanel({ replay }: { replay: ReplayProgress }) {
  const fraction = replay.untilMs > 0 ? Math.min(1, replay.atMs / replay.untilMs) : 1;
  const percent = Math.floor(fraction * 100);
  return (
    <main className="main main-error">
      <section className="panel replay-panel" role="status" aria-live="polite" data-testid="replay-panel">
        <h2>{t('replay.title')}</h2>
        <p>{t('replay.explain')}</p>
        <progress className="replay-progress" max={100} value={percent} data-testid="replay-progress" />
        <p data-testid="replay-where">{replay.stopping ? t('replay.stopping') : t('replay.where', { at: simTimeText(replay.atMs), until: simTimeText(replay.untilMs), percent })}</p>
        <button type="button" className="btn btn-primary" data-testid="replay-cancel" disabled={replay.stopping} onClick={replay.cancel}>
          {t('replay.cancel')}
        </button>
      </section>
    </main>
  );
}
