/**
 * The history panel, in the manner of Porcupine's visualizer: the branch's client operations per
 * key, each a bar from its invocation to its return on the history's event-order axis (unknown
 * outcomes open-ended, hatched), the linearizability verdict as a badge, the smallest set of
 * operations that cannot be ordered highlighted, and for a passing key one linearization drawn as
 * numbered points joined in order. The time cursor shows as a vertical line; clicking a bar (or
 * Enter on it) moves the cursor to the operation's return (its invocation when it has none).
 *
 * The check runs off the render path (`useHistoryCheck`): once per history length, after the
 * render, at most every few hundred ms while the run plays.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import type { ScenarioRunner } from '../../scenario/runner';
import type { HistoryRecord } from '../../sim/types';
import { t } from '../i18n';
import { analyseHistory, slotAt, type HistoryKey, type HistoryOp, type HistoryView } from '../model/historyModel';
import { timeText } from '../model/why';
import './history.css';

// ---- the check, off the render path -------------------------------------------------------------

/** The last check of each branch head's history, with the history length it was made for and its time limit. */
const checked = new WeakMap<ScenarioRunner, { key: string; view: HistoryView; tookMs: number; limitMs: number }>();

/** The checker's wall-clock budget in the page: small while playing (the page stays responsive), larger when paused. */
const LIMIT_PLAYING_MS = 250;
const LIMIT_PAUSED_MS = 1_500;

/** Identifies a head's history: its length and how many operations are still in progress. */
function historyKey(head: ScenarioRunner): string {
  const sim = head.sim;
  let pending = 0;
  for (const c of sim.clients.values()) if (c.pendingRecord()) pending++;
  return `${sim.history.length}:${pending}`;
}

/**
 * The checked, laid-out history of the branch head `head` (null until the first check is done),
 * and whether the history has grown since (`stale`). The check runs in a timer after the render,
 * once per history length (memoised per head); while `playing`, checks are spaced by at least
 * 250 ms and ten times what the last one took, and get a smaller time limit, so a long history
 * never stalls playback (an undecided one is checked again with the larger limit once paused).
 */
export function useHistoryCheck(head: ScenarioRunner, playing: boolean): { view: HistoryView | null; stale: boolean } {
  const key = historyKey(head);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const timer = useRef(0);
  const headRef = useRef(head);
  headRef.current = head;
  const limitMs = playing ? LIMIT_PLAYING_MS : LIMIT_PAUSED_MS;
  const limitRef = useRef(limitMs);
  limitRef.current = limitMs;
  const last = checked.get(head);
  // An undecided check is tried again once the budget is larger (after pausing).
  const isFresh = (e: typeof last, k: string, limit: number) => e !== undefined && e.key === k && (e.view.verdict !== 'unknown' || e.limitMs >= limit);
  const fresh = isFresh(last, key, limitMs);
  useEffect(() => {
    if (fresh || timer.current) return;
    const delay = playing ? Math.max(250, 10 * (last?.tookMs ?? 0)) : 0;
    timer.current = window.setTimeout(() => {
      timer.current = 0;
      const h = headRef.current;
      const k = historyKey(h);
      const limit = limitRef.current;
      if (!isFresh(checked.get(h), k, limit)) {
        const started = performance.now();
        const all = h.sim.historyWithPending();
        const view = analyseHistory(all, all.length - h.sim.history.length, { timeLimitMs: limit });
        checked.set(h, { key: k, view, tookMs: performance.now() - started, limitMs: limit });
      }
      rerender();
    }, delay);
  }, [fresh, key, playing, last]);
  useEffect(
    () => () => {
      window.clearTimeout(timer.current);
      timer.current = 0;
    },
    [],
  );
  return { view: last?.view ?? null, stale: !fresh };
}

// ---- words ------------------------------------------------------------------------------------

function valueText(v: string | null | undefined): string {
  return v === null || v === undefined ? t('history.absent') : v;
}

/** The operation as a short label, e.g. "put x=new", "get x → old". */
export function opLabel(r: HistoryRecord): string {
  switch (r.op) {
    case 'put':
      return t('history.op.put', { key: r.key, value: valueText(r.value) });
    case 'delete':
      return t('history.op.delete', { key: r.key });
    case 'get':
      if (r.result !== 'ok') return t('history.op.getUnknown', { key: r.key });
      return t(r.serializable ? 'history.op.getSerializable' : 'history.op.get', { key: r.key, value: valueText(r.value) });
    case 'cas':
      return t(r.result === 'fail' ? 'history.op.casFailed' : 'history.op.cas', { key: r.key, from: valueText(r.from), to: valueText(r.to) });
  }
}

/** One whole sentence about an operation: who, what, when, how it ended. */
function opSentence(o: HistoryOp): string {
  const r = o.record;
  const p = { client: r.client, op: opLabel(r), invoke: timeText(r.invokeMs), ret: r.returnMs === null ? '' : timeText(r.returnMs) };
  if (o.pending) return t('history.opPending', p);
  if (r.result === 'unknown' || r.returnMs === null) return t('history.opUnknown', p);
  return t(r.result === 'fail' ? 'history.opFailed' : 'history.opOk', p);
}

function opAria(o: HistoryOp): string {
  const s = opSentence(o);
  if (o.failing) return t('history.ariaFailing', { op: s });
  if (o.order !== null) return t('history.ariaOrder', { op: s, n: o.order });
  return s;
}

/** The verdict badge's short text (also the timeline tab's badge). */
export function verdictBadge(view: HistoryView | null): { text: string; tone: 'ok' | 'bad' | 'unknown' | 'none' } {
  if (!view) return { text: t('history.badge.checking'), tone: 'none' };
  switch (view.verdict) {
    case 'empty': return { text: t('history.badge.empty'), tone: 'none' };
    case 'linearizable': return { text: t('history.badge.ok'), tone: 'ok' };
    case 'not-linearizable': return { text: t('history.badge.bad'), tone: 'bad' };
    case 'unknown': return { text: t('history.badge.unknown'), tone: 'unknown' };
  }
}

function verdictSentence(view: HistoryView): string {
  switch (view.verdict) {
    case 'empty': return t('history.verdict.empty');
    case 'linearizable': return t('history.verdict.ok', { n: view.linearizedCount });
    case 'not-linearizable': return t('history.verdict.bad', { n: view.failingCount, key: view.failingKey ?? '' });
    case 'unknown': return t('history.verdict.unknown', { ms: view.timeLimitMs });
  }
}

// ---- drawing ----------------------------------------------------------------------------------

const LABEL_W = 92;
const PAD_L = 14;
const PAD_R = 28;
const KEY_H = 22;
const ROW_H = 30;
const BAR_H = 19;
const MIN_STEP = 16;
const MAX_STEP = 96;
/** An open-ended bar runs this many slots past the last event. */
const OPEN_SLOTS = 1.6;

interface Layout {
  step: number;
  width: number;
  height: number;
  /** Top y of each key block. */
  keyY: number[];
  x(slot: number): number;
}

function layout(view: HistoryView, widthPx: number): Layout {
  const n = Math.max(1, view.slotMs.length);
  const avail = widthPx - LABEL_W - PAD_L - PAD_R;
  const step = Math.max(MIN_STEP, Math.min(MAX_STEP, avail / (n - 1 + OPEN_SLOTS)));
  const x = (slot: number) => LABEL_W + PAD_L + slot * step;
  const keyY: number[] = [];
  let y = 4;
  for (const k of view.keys) {
    keyY.push(y);
    y += KEY_H + k.rows.length * ROW_H;
  }
  return { step, width: Math.max(widthPx, Math.ceil(x(n - 1 + OPEN_SLOTS) + PAD_R)), height: y + 4, keyY, x };
}

/** Linearization points (in slots) of a passing key's operations, in order: each inside its bar, never earlier than the one before. */
function linearizationPoints(k: HistoryKey, openEnd: number): { op: HistoryOp; slot: number }[] {
  const out: { op: HistoryOp; slot: number }[] = [];
  let prev = -Infinity;
  for (const i of k.linearization) {
    const o = k.ops[i];
    const end = o.returnSlot ?? openEnd;
    let s = Math.max(prev + 0.3, o.invokeSlot + 0.35);
    if (s > end - 0.2) s = Math.max(prev, Math.min(s, end - 0.2));
    out.push({ op: o, slot: s });
    prev = s;
  }
  return out;
}

/** Width of one character of the bars' monospace label font (11px DejaVu Sans Mono), px. */
const CHAR_W = 6.7;

function truncate(text: string, px: number): string {
  const max = Math.floor((px - 8) / CHAR_W);
  if (max <= 1) return '';
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

export interface HistoryPanelProps {
  view: HistoryView | null;
  stale: boolean;
  cursorMs: number;
  /** Height the panel may take (px); it scrolls beyond. */
  maxHeight: number;
  onSeek(ms: number): void;
}

export function HistoryPanel({ view, stale, cursorMs, maxHeight, onSeek }: HistoryPanelProps) {
  const wrapRef = useRef<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(700);
  const [focus, setFocus] = useState<number | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const barRefs = useRef(new Map<number, SVGGElement>());

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(300, Math.floor(el.clientWidth)));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Operations in time order (for the arrow keys), across keys.
  const all = view ? view.keys.flatMap((k) => k.ops).sort((a, b) => a.invokeSlot - b.invokeSlot || a.index - b.index) : [];
  const active = focus !== null && all.some((o) => o.index === focus) ? focus : all[0]?.index ?? null;

  const goTo = useCallback((o: HistoryOp) => onSeek(o.record.returnMs ?? o.record.invokeMs), [onSeek]);

  const onKey = (ev: KeyboardEvent<SVGGElement>, o: HistoryOp) => {
    const at = all.findIndex((x) => x.index === o.index);
    let next = -1;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') next = Math.min(all.length - 1, at + 1);
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (ev.key === 'Home') next = 0;
    else if (ev.key === 'End') next = all.length - 1;
    else if (ev.key === 'Enter' || ev.key === ' ') {
      // The page's shortcuts (Space: play, arrows: step) must not act on these keys as well.
      ev.preventDefault();
      ev.stopPropagation();
      goTo(o);
      return;
    } else return;
    ev.preventDefault();
    ev.stopPropagation();
    const target = all[next];
    setFocus(target.index);
    barRefs.current.get(target.index)?.focus();
  };

  const shown = hover ?? (focus !== null ? focus : null);
  const shownOp = shown !== null ? all.find((o) => o.index === shown) ?? null : null;
  const badge = verdictBadge(view);
  const failingOps = view && view.verdict === 'not-linearizable' ? view.keys.find((k) => k.key === view.failingKey)?.ops.filter((o) => o.failing) ?? [] : [];

  return (
    <div className="history-panel" data-testid="history-panel" data-verdict={view?.verdict ?? 'checking'} aria-busy={stale || !view}>
      <div className="history-head">
        <span className={`history-badge hb-${badge.tone}`} data-testid="history-verdict" role="status">
          {badge.text}
        </span>
        <span className="history-sentence" data-testid="history-sentence">
          {view ? verdictSentence(view) : t('history.verdict.checking')}
        </span>
      </div>
      {failingOps.length > 0 && (
        <ul className="history-failing" data-testid="history-failing" aria-label={t('history.failingList')}>
          {failingOps.map((o) => (
            <li key={o.index}>{t('history.failingItem', { client: o.record.client, op: opLabel(o.record) })}</li>
          ))}
        </ul>
      )}
      <p className="history-detail" aria-live="polite">
        {shownOp ? opSentence(shownOp) : view && view.verdict !== 'empty' ? t('history.hint') : ''}
      </p>
      <div className="history-scroll" ref={wrapRef} style={{ maxHeight }}>
        {view && view.verdict !== 'empty' && (
          <HistoryChart
            view={view}
            width={width}
            cursorMs={cursorMs}
            active={active}
            hover={hover}
            barRefs={barRefs.current}
            onHover={setHover}
            onFocusOp={setFocus}
            onPick={goTo}
            onKey={onKey}
          />
        )}
      </div>
      {view && view.skippedPrefixOps > 0 && <p className="history-note">{t('history.skippedPrefix', { n: view.skippedPrefixOps })}</p>}
      <HistoryLegend />
    </div>
  );
}

interface ChartProps {
  view: HistoryView;
  width: number;
  cursorMs: number;
  active: number | null;
  hover: number | null;
  barRefs: Map<number, SVGGElement>;
  onHover(i: number | null): void;
  onFocusOp(i: number): void;
  onPick(o: HistoryOp): void;
  onKey(ev: KeyboardEvent<SVGGElement>, o: HistoryOp): void;
}

function HistoryChart({ view, width, cursorMs, active, hover, barRefs, onHover, onFocusOp, onPick, onKey }: ChartProps) {
  const L = layout(view, width);
  const lastSlot = Math.max(0, view.slotMs.length - 1);
  const openEnd = lastSlot + OPEN_SLOTS;
  const xCursor = L.x(slotAt(view.slotMs, cursorMs));
  return (
    <svg
      className="history-chart"
      width={L.width}
      height={L.height}
      role="group"
      aria-label={t('history.chartLabel')}
      data-testid="history-chart"
      data-cursor-x={Math.round(xCursor * 10) / 10}
    >
      <defs>
        <pattern id="history-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#f8f9fa" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#adb5bd" strokeWidth="2" />
        </pattern>
        <linearGradient id="history-fade" x1="0" x2="1" y1="0" y2="0">
          <stop offset="0" stopColor="#ffffff" stopOpacity="0" />
          <stop offset="1" stopColor="#ffffff" stopOpacity="1" />
        </linearGradient>
      </defs>
      {view.keys.map((k, ki) => {
        const top = L.keyY[ki];
        const rowY = (row: number) => top + KEY_H + row * ROW_H + (ROW_H - BAR_H) / 2 + 2;
        const points = k.result === 'ok' ? linearizationPoints(k, openEnd) : [];
        // A label may run past its bar up to the next bar of its row (or the chart's end).
        const labelRoom = new Map<number, number>();
        for (let ri = 0; ri < k.rows.length; ri++) {
          const inRow = k.ops.filter((o) => o.row === ri).sort((a, b) => a.invokeSlot - b.invokeSlot);
          inRow.forEach((o, j) => labelRoom.set(o.index, (j + 1 < inRow.length ? L.x(inRow[j + 1].invokeSlot) : L.width) - L.x(o.invokeSlot) - 4));
        }
        const mark = k.result === 'ok' ? t('history.keyOk', { key: k.key }) : k.result === 'illegal' ? t('history.keyBad', { key: k.key }) : t('history.keyUnknown', { key: k.key });
        return (
          <g key={k.key} className={`history-key key-${k.result}`} data-key={k.key} data-result={k.result}>
            <rect x={0} y={top} width={L.width} height={KEY_H + k.rows.length * ROW_H} className={ki % 2 === 0 ? 'hk-bg' : 'hk-bg alt'} />
            <text x={6} y={top + 15} className="hk-title">
              {mark}
            </text>
            {k.rows.map((r, ri) => (
              <text key={ri} x={10} y={rowY(ri) + BAR_H / 2 + 4} className="hk-client">
                {r.client}
              </text>
            ))}
            {points.length > 1 && (
              <polyline points={points.map((p) => `${L.x(p.slot)},${rowY(p.op.row)}`).join(' ')} className="order-line" aria-hidden="true" />
            )}
            {k.ops.map((o) => {
              const x0 = L.x(o.invokeSlot);
              const open = o.returnSlot === null;
              const x1 = open ? L.x(openEnd) : L.x(o.returnSlot!);
              const y = rowY(o.row);
              const w = Math.max(6, x1 - x0);
              const future = o.record.invokeMs > cursorMs;
              const cls = ['hbar', o.failing ? 'failing' : '', open ? 'open' : '', o.pending ? 'pending' : '', future ? 'future' : '', o.record.result === 'fail' ? 'failed' : '', o.index === hover ? 'hover' : '']
                .filter(Boolean)
                .join(' ');
              return (
                <g
                  key={o.index}
                  ref={(el) => {
                    if (el) barRefs.set(o.index, el);
                    else barRefs.delete(o.index);
                  }}
                  className={cls}
                  role="button"
                  tabIndex={o.index === active ? 0 : -1}
                  aria-label={opAria(o)}
                  data-testid="history-op"
                  data-op-index={o.index}
                  data-failing={o.failing ? '1' : '0'}
                  data-order={o.order ?? ''}
                  data-open={open ? '1' : '0'}
                  data-invoke-ms={o.record.invokeMs}
                  data-return-ms={o.record.returnMs ?? ''}
                  onClick={() => onPick(o)}
                  onKeyDown={(ev) => onKey(ev, o)}
                  onFocus={() => onFocusOp(o.index)}
                  onMouseEnter={() => onHover(o.index)}
                  onMouseLeave={() => onHover(null)}
                >
                  <title>{opSentence(o)}</title>
                  <rect x={x0} y={y} width={w} height={BAR_H} rx={3} className="hbar-box" />
                  {open && <rect x={x1 - Math.min(w, L.step)} y={y - 1} width={Math.min(w, L.step) + 1} height={BAR_H + 2} fill="url(#history-fade)" className="hbar-fade" />}
                  <line x1={x0} y1={y - 2} x2={x0} y2={y + BAR_H + 2} className="hbar-tick" />
                  {!open && <line x1={x1} y1={y - 2} x2={x1} y2={y + BAR_H + 2} className="hbar-tick" />}
                  <text x={x0 + 5} y={y + BAR_H / 2 + 4} className="hbar-text">
                    {truncate(open ? `${opLabel(o.record)} ?` : opLabel(o.record), labelRoom.get(o.index) ?? w)}
                  </text>
                </g>
              );
            })}
            {points.length > 0 && (
              <g className="history-order" data-testid="history-order" aria-hidden="true">
                {points.map((p, n) => (
                  <g key={p.op.index}>
                    <circle cx={L.x(p.slot)} cy={rowY(p.op.row)} r={6.5} className="order-dot" />
                    <text x={L.x(p.slot)} y={rowY(p.op.row) + 3.5} className="order-num">
                      {n + 1}
                    </text>
                  </g>
                ))}
              </g>
            )}
          </g>
        );
      })}
      <line x1={xCursor} y1={0} x2={xCursor} y2={L.height} className="history-cursor" data-testid="history-cursor" />
    </svg>
  );
}

function HistoryLegend() {
  return (
    <div className="history-legend" aria-hidden="true">
      <span className="legend-item">
        <svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" className="lg-ok" /></svg>
        {t('history.legend.op')}
      </span>
      <span className="legend-item">
        <svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" className="lg-failing" /></svg>
        {t('history.legend.failing')}
      </span>
      <span className="legend-item">
        <svg width="26" height="12"><rect x="1" y="1" width="24" height="10" rx="2" className="lg-open" /></svg>
        {t('history.legend.open')}
      </span>
      <span className="legend-item">
        <svg width="16" height="14"><circle cx="8" cy="7" r="6" className="lg-order" /></svg>
        {t('history.legend.order')}
      </span>
      <span className="legend-item">
        <svg width="10" height="14"><line x1="5" y1="0" x2="5" y2="14" className="lg-cursor" /></svg>
        {t('history.legend.cursor')}
      </span>
    </div>
  );
}
