/**
 * "SVG" and "PNG" buttons that download a picture of a view (exportImage.ts does the drawing).
 * `ExportButtons` is the generic pair (the timeline's toolbar uses it); `ClusterExportButtons`
 * exports the cluster view drawn by ClusterView on the same page.
 */
import { useEffect, useRef, useState } from 'react';
import { clusterSvg, EXPORT_SCALE, exportFileName, svgToPngBlob, type ExportFormat, type ExportView } from './exportImage';
import { download } from '../io/share';
import { t } from '../i18n';
import './export.css';

/** How long an export error stays next to the buttons (real ms). */
const ERROR_MS = 6_000;

export interface ExportButtonsProps {
  view: ExportView;
  /** The scenario's name and the cursor's simulated time (ms), for the file name. */
  scenario: string;
  simTimeMs: number;
  /** The SVG document; may throw (the message is shown). */
  svg(): string;
  /** The PNG; may reject (the message is shown). */
  png(): Promise<Blob>;
}

/**
 * Two small buttons (data-testid `export-<view>-svg` and `export-<view>-png`) that download
 * `<scenario>-<view>-<ms>ms.svg|png`; a failure is shown beside them for a few seconds.
 */
export function ExportButtons({ view, scenario, simTimeMs, svg, png }: ExportButtonsProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (!error) return;
    const id = window.setTimeout(() => setError(null), ERROR_MS);
    return () => window.clearTimeout(id);
  }, [error]);

  const fail = (e: unknown) => {
    if (mounted.current) setError(t('export.failed', { message: e instanceof Error ? e.message : String(e) }));
  };
  const name = (ext: ExportFormat) => exportFileName(scenario, view, simTimeMs, ext);

  const onSvg = () => {
    try {
      download(name('svg'), svg(), 'image/svg+xml');
      setError(null);
    } catch (e) {
      fail(e);
    }
  };
  const onPng = async () => {
    const fileName = name('png');
    setBusy(true);
    try {
      download(fileName, await png());
      if (mounted.current) setError(null);
    } catch (e) {
      fail(e);
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  return (
    <span className="export-buttons" role="group" aria-label={t(`export.${view}Group`)}>
      <button type="button" className="btn btn-small" data-testid={`export-${view}-svg`} onClick={onSvg} title={t(`export.${view}SvgTitle`)}>
        {t('export.svg')}
      </button>
      <button type="button" className="btn btn-small" data-testid={`export-${view}-png`} disabled={busy} onClick={() => void onPng()} title={t(`export.${view}PngTitle`)}>
        {t('export.png')}
      </button>
      {error && (
        <span className="export-error" role="alert" data-testid={`export-${view}-error`}>
          {error}
        </span>
      )}
    </span>
  );
}

/** Finds the cluster view's <svg> (ClusterView's data-testid="cluster") near `from`, else on the page. */
function findClusterSvg(from: Element | null): SVGSVGElement {
  const selector = 'svg[data-testid="cluster"]';
  const el = from?.closest('.panel')?.querySelector(selector) ?? document.querySelector(selector);
  if (!(el instanceof SVGSVGElement)) throw new Error('the cluster view is not on the page');
  return el;
}

export interface ClusterExportButtonsProps {
  /** The scenario's name and the cursor's simulated time (ms), for the file name. */
  scenario: string;
  simTimeMs: number;
}

/**
 * Export buttons for the cluster view (data-testid `export-cluster-svg` / `export-cluster-png`):
 * the ring as a standalone SVG with its styles inlined, or as a PNG at EXPORT_SCALE × its size.
 * Place it in the same panel as the ClusterView.
 */
export function ClusterExportButtons({ scenario, simTimeMs }: ClusterExportButtonsProps) {
  const ref = useRef<HTMLSpanElement | null>(null);
  const svg = () => clusterSvg(findClusterSvg(ref.current));
  return (
    <span ref={ref} className="export-buttons-wrap">
      <ExportButtons view="cluster" scenario={scenario} simTimeMs={simTimeMs} svg={svg} png={() => svgToPngBlob(svg(), EXPORT_SCALE)} />
    </span>
  );
}
