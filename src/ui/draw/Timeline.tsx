/**
 * The space-time timeline: one lane per server (and per client at the bottom), simulated time
 * left to right. React renders the toolbar, lane labels and tooltip; the marks are drawn on a
 * canvas (timelineDraw.ts) through d3 scales, with d3-zoom for zoom and pan.
 *
 * Clicking an arrow selects that message; clicking anywhere else moves the whole app to that
 * instant. "Follow now" keeps the cursor in view as time passes: fitted to what has happened
 * (the run from 0 ms up to the cursor, at least 1.5 election timeouts wide) until the
 * run is too long to show at a readable density, then sliding with it; zooming with the wheel
 * while following keeps the chosen span instead.
 */
import * as d3 from 'd3';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type MutableRefObject } from 'react';
import type { NodeId } from '../../raft/types';
import type { MessageRecord } from '../../sim/types';
import { messageColor, roleColor, type DrawnRole } from './colors';
import { ExportButtons } from './ExportButtons';
import { timelinePngBlob, timelineSvg, type LaneLabel, type TimelineFigure } from './exportImage';
import { messageDetail, type Frame } from '../model/frame';
import { t, tn } from '../i18n';
import { clearPointOn, CONF_COLOR, draw, DROP_COLOR, geometry, LEASE_COLOR, markerAt, nearestArrow, nearestMarker, SNAPSHOT_COLOR, WATCH_COLOR, type DrawResult, type Geometry } from './timelineDraw';
import { messageKind, type Marker, type MessageKind, type TimelineModel } from '../model/timelineModel';
import { votersAt } from '../model/voters';
import { timeText, whyContextOf, whyLine } from '../model/why';
import type { Workbench } from '../model/workbench';
import { HistoryPanel, useHistoryCheck, verdictBadge } from '../panels/HistoryPanel';
import './timeline.css';

/** Lane label column width (DOM, left of the canvas). */
const LABEL_W = 96;
/** The base scale shows this many ms across the canvas at zoom 1 (zoom k shows BASE_SPAN_MS / k). */
const BASE_SPAN_MS = 2_000;
/** Where the cursor sits when following a span the user zoomed to (fraction of the width). */
const FOLLOW_AT = 0.85;
/** Where the cursor sits when the view is fitted to the run (fraction of the width). */
const FIT_AT = 0.9;

/**
 * The span (ms) a followed view shows with the cursor at `cursorMs`: the run so far, fitted
 * (the cursor at FIT_AT of the width), but never narrower than one and a half maximum election
 * timeouts (room for a first election) and never wider than a heartbeat every 10 px (beyond that
 * the view slides with the cursor). `widthPx` is the canvas width.
 */
export function fittedSpanMs(cursorMs: number, widthPx: number, electionTimeoutMaxMs: number, heartbeatMs: number): number {
  const minSpan = Math.max(200, 1.5 * electionTimeoutMaxMs);
  const maxSpan = Math.max(minSpan, (widthPx * heartbeatMs) / 10);
  return Math.min(maxSpan, Math.max(minSpan, cursorMs / FIT_AT));
}

/** Test hooks: screen coordinates of marks (viewport pixels). */
export interface TimelineApi {
  arrowPoint(id: number): { x: number; y: number } | null;
  /** The markers drawn now, with where each is (viewport pixels) and its label. */
  drawnMarkers(): { kind: string; atMs: number; lane: string | null; x: number; y: number; label: string }[];
  visibleMessages(): { id: number; type: string; kind: string; from: string; to: string; sendMs: number; deliverMs: number; status: string }[];
  timeToX(ms: number): number;
  laneY(id: string): number | null;
  fitAll(): void;
  setFollow(on: boolean): void;
  /** The time axis as drawn: tick label boxes and the "now" label box (viewport pixels). */
  axis(): { ticks: { text: string; left: number; right: number; top: number; bottom: number }[]; now: { text: string; left: number; right: number; top: number; bottom: number } | null; domain: [number, number] };
}

interface Tooltip {
  x: number;
  y: number;
  lines: string[];
}

export interface TimelineProps {
  wb: Workbench;
  frame: Frame;
  /** Time is flowing: the view starts following the cursor again. */
  playing: boolean;
  selectedMessage: number | null;
  selectedServer: NodeId | null;
  onSeek(ms: number): void;
  onSelectMessage(id: number): void;
  onSelectServer(id: NodeId): void;
  apiRef: MutableRefObject<TimelineApi | null>;
}

function fateLine(r: MessageRecord): string {
  if (r.status === 'delivered') return t('timeline.tipDelivered', { send: timeText(r.sendMs), deliver: timeText(r.deliverMs) });
  if (r.status === 'dropped') return t('timeline.tipDropped', { send: timeText(r.sendMs), at: timeText(r.deliverMs), reason: t(`fate.reason.${r.dropReason ?? 'manual'}`) });
  return t('timeline.tipInFlight', { send: timeText(r.sendMs), deliver: timeText(r.deliverMs) });
}

export function Timeline({ wb, frame, playing, selectedMessage, selectedServer, onSeek, onSelectMessage, onSelectServer, apiRef }: TimelineProps) {
  const model = wb.timeline;
  model.sync(wb.head);
  const servers = model.servers;
  const clients = model.clients;

  const wrapRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [width, setWidth] = useState(800);
  const [follow, setFollow] = useState(true);
  const [showHeartbeats, setShowHeartbeats] = useState(true);
  const [thinned, setThinned] = useState(false);
  const [tooltip, setTooltip] = useState<Tooltip | null>(null);
  /** What the panel shows: the space-time diagram of messages, or the client history. */
  const [view, setView] = useState<'messages' | 'history'>('messages');
  const viewRef = useRef(view);
  viewRef.current = view;
  const history = useHistoryCheck(wb.head, playing);
  const transformRef = useRef<d3.ZoomTransform>(d3.zoomIdentity);
  const zoomRef = useRef<d3.ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const hoverRef = useRef<{ id: number | null; pair: number | null; marker: Marker | null }>({ id: null, pair: null, marker: null });
  const lastDraw = useRef<{ result: DrawResult; x: d3.ScaleLinear<number, number>; geo: Geometry } | null>(null);
  const followRef = useRef(follow);
  followRef.current = follow;
  /** While following: the span the user zoomed to with the wheel (ms), or null to fit the run. */
  const followSpanRef = useRef<number | null>(null);

  const geo = geometry(width, servers, clients);

  // Everything the draw needs, kept in a ref so zoom/hover handlers draw the latest state.
  const live = useRef({ frame, selectedMessage, selectedServer, showHeartbeats, geo });
  live.current = { frame, selectedMessage, selectedServer, showHeartbeats, geo };

  const baseScale = useCallback(() => d3.scaleLinear().domain([0, BASE_SPAN_MS]).range([0, live.current.geo.width]), []);

  /** Fits the view to the run so far, or keeps the user's span with the cursor at FOLLOW_AT (the run's start stays at the left edge). */
  const followTransform = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const cursorMs = live.current.frame.position.timeMs;
    const cfg = wb.head.sim.config;
    const chosen = followSpanRef.current;
    const span = chosen ?? fittedSpanMs(cursorMs, live.current.geo.width, cfg.electionTimeoutMs[1], cfg.heartbeatMs);
    const k = BASE_SPAN_MS / span;
    const start = Math.max(0, cursorMs - (chosen === null ? FIT_AT : FOLLOW_AT) * span);
    const tr = d3.zoomIdentity.translate(-k * baseScale()(start), 0).scale(k);
    transformRef.current = tr;
    (canvas as unknown as { __zoom: d3.ZoomTransform }).__zoom = tr;
  }, [baseScale, wb]);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas || viewRef.current !== 'messages') return;
    const { frame: f, selectedMessage: sel, selectedServer: selServer, showHeartbeats: hb, geo: g } = live.current;
    if (followRef.current) followTransform();
    const x = transformRef.current.rescaleX(baseScale());
    const dpr = window.devicePixelRatio || 1;
    const wantW = Math.round(g.width * dpr);
    const wantH = Math.round(g.height * dpr);
    if (canvas.width !== wantW || canvas.height !== wantH) {
      canvas.width = wantW;
      canvas.height = wantH;
      canvas.style.width = `${g.width}px`;
      canvas.style.height = `${g.height}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const h = hoverRef.current;
    const result = draw(ctx, {
      x, geo: g, model, cursorMs: f.position.timeMs, frontierMs: f.frontier.timeMs, servers: model.servers, clients: model.clients,
      hover: h.id, pair: h.pair, selected: sel, hoverMarker: h.marker, selectedServer: selServer, showHeartbeats: hb,
    });
    lastDraw.current = { result, x, geo: g };
    setThinned((was) => (was === result.heartbeatsThinned ? was : result.heartbeatsThinned));
  }, [baseScale, followTransform, model]);

  const rafRef = useRef(0);
  const requestDraw = useCallback(() => {
    if (rafRef.current) return;
    rafRef.current = requestAnimationFrame(() => {
      rafRef.current = 0;
      redraw();
    });
  }, [redraw]);
  useEffect(() => () => cancelAnimationFrame(rafRef.current), []);

  // Draw after every render (the app re-renders when the run changes).
  useLayoutEffect(() => {
    redraw();
  });

  // Width follows the container.
  useEffect(() => {
    const el = wrapRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    // Hidden (the History tab is shown): keep the last width rather than collapse to nothing.
    const measure = () => {
      if (el.clientWidth > 0) setWidth(Math.max(200, Math.floor(el.clientWidth)));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // d3-zoom: wheel zooms around the pointer, dragging pans; both only along time.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const zoom = d3
      .zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([BASE_SPAN_MS / 3_600_000, BASE_SPAN_MS / 1])
      .clickDistance(4)
      .on('zoom', (event: d3.D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        transformRef.current = d3.zoomIdentity.translate(event.transform.x, 0).scale(event.transform.k);
        const src = event.sourceEvent as Event | null;
        // Panning by hand stops following; zooming with the wheel keeps it, at the chosen span.
        if (src && src.type !== 'wheel' && followRef.current) setFollow(false);
        if (src && src.type === 'wheel' && followRef.current) followSpanRef.current = BASE_SPAN_MS / event.transform.k;
        requestDraw();
      });
    zoomRef.current = zoom;
    const sel = d3.select(canvas);
    sel.call(zoom).on('dblclick.zoom', null);
    return () => {
      sel.on('.zoom', null);
    };
  }, [requestDraw]);

  const fitAll = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas || !zoomRef.current) return;
    setFollow(false);
    followRef.current = false;
    const total = Math.max(100, live.current.frame.frontier.timeMs) * 1.02;
    const k = BASE_SPAN_MS / total;
    d3.select(canvas).call(zoomRef.current.transform, d3.zoomIdentity.scale(k));
  }, []);

  const toFollow = useCallback((on: boolean) => {
    setFollow(on);
    followRef.current = on;
    // Following again fits the view to the run again.
    if (on) followSpanRef.current = null;
    requestDraw();
  }, [requestDraw]);

  // Hover: the nearest arrow (and its pair) or marker, with a tooltip.
  const onMove = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const d = lastDraw.current;
    if (!d) return;
    const rect = ev.currentTarget.getBoundingClientRect();
    const px = ev.clientX - rect.left;
    const py = ev.clientY - rect.top;
    const arrow = nearestArrow(d.result.drawn, px, py, d.x, d.geo);
    const marker = arrow ? null : nearestMarker(d.result.markers, px, py, d, d.geo.laneH);
    const h = hoverRef.current;
    const pair = arrow ? model.pairOf(arrow) : null;
    const next = { id: arrow?.id ?? null, pair: pair?.id ?? null, marker };
    if (next.id !== h.id || next.marker !== h.marker) {
      hoverRef.current = next;
      requestDraw();
    }
    ev.currentTarget.style.cursor = arrow || marker ? 'pointer' : 'crosshair';
    const size = (i: number) => votersAt({ trace: model.trace, config: wb.head.sim.config }, i);
    if (arrow) {
      const type = messageKind(arrow) === 'Heartbeat' ? t('message.heartbeat') : arrow.msg.type;
      const lines = [t('timeline.tipMessage', { id: arrow.id, type, from: arrow.msg.from, to: arrow.msg.to }), messageDetail(arrow.msg), fateLine(arrow)];
      for (const note of [model.noteFor(arrow), model.progressNoteFor(arrow)]) {
        const w = note ? whyLine(note.event, size(note.index), whyContextOf(wb.head.sim)) : null;
        if (w) lines.push(w.text);
      }
      if (pair) lines.push(t(arrow.msg.type.endsWith('Response') ? 'timeline.tipAnswers' : 'timeline.tipAnsweredBy', { id: pair.id }));
      setTooltip({ x: px, y: py, lines });
    } else if (marker) {
      const e = model.trace[marker.traceIndex];
      const w = e ? whyLine(e, size(marker.traceIndex), whyContextOf(wb.head.sim)) : null;
      setTooltip({ x: px, y: py, lines: [timeText(marker.atMs), w ? w.text : markerLabel(marker)] });
    } else if (tooltip) {
      setTooltip(null);
    }
  };

  const onLeave = () => {
    if (hoverRef.current.id !== null || hoverRef.current.marker) {
      hoverRef.current = { id: null, pair: null, marker: null };
      requestDraw();
    }
    setTooltip(null);
  };

  const onClick = (ev: React.MouseEvent<HTMLCanvasElement>) => {
    const d = lastDraw.current;
    if (!d) return;
    const rect = ev.currentTarget.getBoundingClientRect();
    const px = ev.clientX - rect.left;
    const py = ev.clientY - rect.top;
    const arrow = nearestArrow(d.result.drawn, px, py, d.x, d.geo);
    if (arrow) {
      onSelectMessage(arrow.id);
      return;
    }
    const marker = nearestMarker(d.result.markers, px, py, d, d.geo.laneH);
    toFollow(false);
    onSeek(marker ? marker.atMs : Math.max(0, d.x.invert(px)));
  };

  /** The timeline as drawn now (zoom, size, selection), with its lane labels, for the export buttons. */
  const figure = (): TimelineFigure => {
    const d = lastDraw.current;
    if (!d) throw new Error('the timeline has not been drawn yet');
    const { frame: f, selectedMessage: sel, selectedServer: selServer, showHeartbeats: hb } = live.current;
    return {
      draw: {
        x: d.x, geo: d.geo, model, cursorMs: f.position.timeMs, frontierMs: f.frontier.timeMs, servers: model.servers, clients: model.clients,
        hover: null, pair: null, selected: sel, hoverMarker: null, selectedServer: selServer, showHeartbeats: hb,
      },
      labels: laneLabels(f, d.geo, model.servers, model.clients, selServer),
      labelWidthPx: LABEL_W,
    };
  };

  // Pressing Play brings the view back to the cursor.
  useEffect(() => {
    if (playing && !followRef.current) toFollow(true);
  }, [playing, toFollow]);

  // Test hooks.
  useEffect(() => {
    apiRef.current = {
      arrowPoint: (id) => {
        const d = lastDraw.current;
        const canvas = canvasRef.current;
        const r = model.message(id);
        if (!d || !canvas || !r) return null;
        const p = clearPointOn(r, d.result.drawn, d.result.markers, d);
        if (!p) return null;
        const rect = canvas.getBoundingClientRect();
        return { x: rect.left + p[0], y: rect.top + p[1] };
      },
      drawnMarkers: () => {
        const d = lastDraw.current;
        const rect = canvasRef.current?.getBoundingClientRect();
        if (!d || !rect) return [];
        return d.result.markers.map((m) => {
          const [x, y] = markerAt(m, d, d.geo.laneH);
          return { kind: m.kind, atMs: m.atMs, lane: m.lane, x: rect.left + x, y: rect.top + y, label: markerLabel(m) };
        });
      },
      visibleMessages: () =>
        (lastDraw.current?.result.drawn ?? []).map((r) => ({
          id: r.id, type: r.msg.type, kind: messageKind(r), from: r.msg.from, to: r.msg.to, sendMs: r.sendMs, deliverMs: r.deliverMs, status: r.status,
        })),
      timeToX: (ms) => {
        const d = lastDraw.current;
        const rect = canvasRef.current?.getBoundingClientRect();
        return d && rect ? rect.left + d.x(ms) : NaN;
      },
      laneY: (id) => {
        const d = lastDraw.current;
        const rect = canvasRef.current?.getBoundingClientRect();
        const y = d?.geo.laneY.get(id);
        return rect && y !== undefined ? rect.top + y : null;
      },
      fitAll,
      setFollow: toFollow,
      axis: () => {
        const d = lastDraw.current;
        const rect = canvasRef.current?.getBoundingClientRect();
        if (!d || !rect) return { ticks: [], now: null, domain: [NaN, NaN] };
        const box = (b: { text: string; x0: number; x1: number; y0: number; y1: number }) => ({
          text: b.text, left: rect.left + b.x0, right: rect.left + b.x1, top: rect.top + b.y0, bottom: rect.top + b.y1,
        });
        const [t0, t1] = d.x.domain();
        return { ticks: d.result.axis.ticks.map(box), now: d.result.axis.now ? box(d.result.axis.now) : null, domain: [t0, t1] };
      },
    };
    return () => {
      apiRef.current = null;
    };
  }, [apiRef, fitAll, model, toFollow]);

  const roles = new Map(frame.servers.map((v) => [v.id, (v.up ? v.role : 'crashed') as DrawnRole]));

  const badge = verdictBadge(history.view);
  const views = ['messages', 'history'] as const;
  const tabKey = (ev: React.KeyboardEvent<HTMLButtonElement>) => {
    if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight' && ev.key !== 'Home' && ev.key !== 'End') return;
    // Arrows move between the tabs here, not the run (the page's ← → shortcuts).
    ev.preventDefault();
    ev.stopPropagation();
    const next = ev.key === 'Home' ? 'messages' : ev.key === 'End' ? 'history' : view === 'messages' ? 'history' : 'messages';
    setView(next);
    document.getElementById(`timeline-tab-${next}`)?.focus();
  };

  return (
    <section className="panel timeline-panel" aria-label={t('timeline.title')} data-testid="timeline" data-view={view}>
      <div className="timeline-toolbar">
        <h2>{t('timeline.title')}</h2>
        <div className="timeline-views" role="tablist" aria-label={t('timeline.viewsLabel')}>
          {views.map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              id={`timeline-tab-${v}`}
              aria-selected={view === v}
              aria-controls={`timeline-panel-${v}`}
              tabIndex={view === v ? 0 : -1}
              className={view === v ? 'tl-view active' : 'tl-view'}
              data-testid={`timeline-view-${v}`}
              onClick={() => setView(v)}
              onKeyDown={tabKey}
              title={v === 'history' ? t('timeline.viewHistoryTitle') : t('timeline.viewMessagesTitle')}
            >
              {v === 'messages' ? t('timeline.viewMessages') : t('timeline.viewHistory')}
              {v === 'history' && (
                <span className={`tl-badge hb-${badge.tone}`} data-testid="history-badge" data-verdict={history.view?.verdict ?? 'checking'}>
                  {badge.text}
                </span>
              )}
            </button>
          ))}
        </div>
        {view === 'messages' ? (
          <>
            {thinned ? <span className="timeline-note">{t('timeline.thinned')}</span> : <span className="timeline-hint" title={t('timeline.hint')}>{t('timeline.hint')}</span>}
            <span className="toolbar-spacer" />
            <label className="check">
              <input type="checkbox" checked={showHeartbeats} onChange={(e) => setShowHeartbeats(e.target.checked)} data-testid="show-heartbeats" />
              {t('timeline.heartbeats')}
            </label>
            <button type="button" className="btn btn-small" data-testid="fit-all" onClick={fitAll} title={t('timeline.fitAllTitle')}>
              {t('timeline.fitAll')}
            </button>
            <button
              type="button"
              className={follow ? 'btn btn-small btn-on' : 'btn btn-small'}
              data-testid="follow-now"
              aria-pressed={follow}
              onClick={() => toFollow(!follow)}
              title={t('timeline.followTitle')}
            >
              {t('timeline.follow')}
            </button>
            <ExportButtons view="timeline" scenario={wb.name} simTimeMs={frame.position.timeMs} svg={() => timelineSvg(figure())} png={() => timelinePngBlob(figure())} />
          </>
        ) : (
          <span className="toolbar-spacer" />
        )}
      </div>
      {view === 'history' && (
        <div className="timeline-history" role="tabpanel" id="timeline-panel-history" aria-labelledby="timeline-tab-history">
          <HistoryPanel view={history.view} stale={history.stale} cursorMs={frame.position.timeMs} maxHeight={Math.max(120, geo.height - 40)} onSeek={onSeek} />
        </div>
      )}
      <div className="timeline-body" role="tabpanel" id="timeline-panel-messages" aria-labelledby="timeline-tab-messages" hidden={view !== 'messages'}>
        <div className="lane-labels" style={{ width: LABEL_W, height: geo.height }}>
          <div className="lane-label lane-label-events" style={{ top: geo.eventsY }}>
            {t('timeline.eventsLane')}
          </div>
          {servers.map((id) => {
            const role = roles.get(id) ?? 'follower';
            const v = frame.servers.find((s) => s.id === id);
            return (
              <button
                type="button"
                key={id}
                className={id === selectedServer ? 'lane-label lane-server selected' : 'lane-label lane-server'}
                style={{ top: geo.laneY.get(id) }}
                data-testid={`lane-${id}`}
                onClick={() => onSelectServer(id)}
                title={v && v.membership !== 'voter' ? t('timeline.laneTitleMember', { id, member: t(`timeline.lane.${v.membership}`) }) : t('timeline.laneTitle', { id })}
              >
                <span
                  className={v && v.membership !== 'voter' ? `role-dot role-dot-${v.membership}` : 'role-dot'}
                  style={{ background: v?.membership === 'spare' && !v.up ? 'transparent' : roleColor(role) }}
                />
                <span className="lane-id">{id}</span>
                <span className="lane-term">{v ? (v.membership === 'spare' && !v.up ? t('timeline.lane.spare') : t('timeline.laneTerm', { term: v.currentTerm })) : ''}</span>
              </button>
            );
          })}
          {clients.map((c) => (
            <div key={c} className="lane-label lane-client" style={{ top: geo.laneY.get(c) }}>
              {t('timeline.clientLane', { id: c })}
            </div>
          ))}
        </div>
        <div className="timeline-canvas-wrap" ref={wrapRef}>
          <canvas ref={canvasRef} data-testid="timeline-canvas" onMouseMove={onMove} onMouseLeave={onLeave} onClick={onClick} />
          {tooltip && (
            <div
              className="timeline-tooltip"
              data-testid="timeline-tooltip"
              style={{ left: Math.min(tooltip.x + 14, Math.max(0, width - 380)), top: tooltip.y + 16 }}
            >
              {tooltip.lines.map((l, i) => (
                <div key={i} className={i === 0 ? 'tip-title' : undefined}>
                  {l}
                </div>
              ))}
            </div>
          )}
        </div>
      </div>
      {view === 'messages' && <TimelineLegend seen={model.seen} />}
    </section>
  );
}

/** The lane labels shown left of the canvas (events lane, servers with role and term, clients), as data for exports. */
function laneLabels(frame: Frame, geo: Geometry, servers: NodeId[], clients: string[], selectedServer: NodeId | null): LaneLabel[] {
  const labels: LaneLabel[] = [{ kind: 'events', y: geo.eventsY, text: t('timeline.eventsLane') }];
  for (const id of servers) {
    const v = frame.servers.find((s) => s.id === id);
    const role: DrawnRole = v ? (v.up ? v.role : 'crashed') : 'follower';
    labels.push({
      kind: 'server', y: geo.laneY.get(id)!, text: id, detail: v ? t('timeline.laneTerm', { term: v.currentTerm }) : undefined,
      dotColor: roleColor(role), selected: id === selectedServer,
    });
  }
  for (const c of clients) labels.push({ kind: 'client', y: geo.laneY.get(c)!, text: t('timeline.clientLane', { id: c }) });
  return labels;
}

/** A marker's words when no trace event explains it (its screen-reader and tooltip label). */
export function markerLabel(m: Marker): string {
  if (m.kind === 'watchEvents') return tn('timeline.marker.watchEvents', Number(m.params?.n ?? 0), m.params);
  return t(`timeline.marker.${m.kind}`, m.params);
}

/** The legend; InstallSnapshot, the issue 13 and the etcd markers only once the run has them (`seen`). */
function TimelineLegend({ seen }: { seen: TimelineModel['seen'] }) {
  const kinds: Extract<MessageKind, 'RequestVote' | 'RequestVoteResponse' | 'AppendEntries' | 'Heartbeat' | 'AppendEntriesResponse' | 'ClientRequest' | 'ClientResponse' | 'InstallSnapshot' | 'InstallSnapshotResponse'>[] = ['RequestVote', 'RequestVoteResponse', 'AppendEntries', 'Heartbeat', 'AppendEntriesResponse', 'ClientRequest', 'ClientResponse'];
  if (seen.installSnapshot) kinds.push('InstallSnapshot', 'InstallSnapshotResponse');
  return (
    <div className="timeline-legend" data-testid="legend">
      {(['follower', 'candidate', 'leader'] as const).map((r) => (
        <span key={r} className="legend-item">
          <svg width="18" height="10" aria-hidden="true">
            <rect x="0" y="1" width="18" height="8" fill={roleColor(r)} />
          </svg>
          {t(`legend.${r}`)}
        </span>
      ))}
      <span className="legend-item" data-testid="legend-preCandidate">
        <svg width="18" height="10" aria-hidden="true">
          <rect x="0" y="1" width="18" height="8" fill={roleColor('preCandidate')} />
          <path d="M0,9L8,1M6,9L14,1M12,9L18,3" stroke="#8a6100" strokeWidth="1.2" />
        </svg>
        {t('legend.preCandidate')}
      </span>
      <span className="legend-item">
        <svg width="18" height="10" aria-hidden="true">
          <rect x="0" y="1" width="18" height="8" fill="#343a40" />
        </svg>
        {t('legend.crashed')}
      </span>
      <span className="legend-sep" />
      {kinds.map((k) => (
        <span key={k} className="legend-item">
          <svg width="24" height="12" aria-hidden="true">
            {k.endsWith('Response') ? (
              <>
                <line x1="1" y1="6" x2="22" y2="6" stroke={messageColor(k)} strokeWidth="1.6" />
                <path d="M17,2L22.5,6L17,10" fill="none" stroke={messageColor(k)} strokeWidth="1.8" />
              </>
            ) : (
              <>
                <line x1="1" y1="6" x2="18" y2="6" stroke={messageColor(k)} strokeWidth={k === 'Heartbeat' ? 1.4 : k === 'InstallSnapshot' ? 4 : 2.5} />
                <path d="M23,6L16,2.5L16,9.5Z" fill={messageColor(k)} />
              </>
            )}
          </svg>
          {t(`tlegend.${k}`)}
        </span>
      ))}
      <span className="legend-item">
        <svg width="12" height="12" aria-hidden="true">
          <path d="M2,2L10,10M2,10L10,2" stroke="#e03131" strokeWidth="2.5" />
        </svg>
        {t('legend.dropped')}
      </span>
      <span className="legend-sep" />
      <span className="legend-item">
        <svg width="14" height="14" aria-hidden="true">
          <path d="M7,0.5L8.7,4.8L13.3,5L9.7,7.8L11,12.3L7,9.7L3,12.3L4.3,7.8L0.7,5L5.3,4.8Z" fill="#ffd43b" stroke="#2b8a3e" strokeWidth="1.2" />
        </svg>
        {t('legend.elected')}
      </span>
      <span className="legend-item">
        <svg width="10" height="12" aria-hidden="true">
          <path d="M5,0.5L9.5,6L5,11.5L0.5,6Z" fill="#0b7285" />
        </svg>
        {t('legend.commit')}
      </span>
      <span className="legend-item">
        <svg width="14" height="12" aria-hidden="true">
          <path d="M7,0.5L13.5,11.5L0.5,11.5Z" fill="#e8590c" />
        </svg>
        {t('legend.fault')}
      </span>
      <span className="legend-item">
        <svg width="14" height="12" aria-hidden="true">
          <rect x="0" y="0" width="14" height="12" rx="3" fill="#7048a8" />
        </svg>
        {t('legend.caption')}
      </span>
      {seen.confChange && (
        <span className="legend-item" data-testid="legend-confChange">
          <svg width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="6.5" fill={CONF_COLOR} />
            <circle cx="7" cy="4.4" r="1.5" fill="#ffffff" />
            <circle cx="4.2" cy="9" r="1.5" fill="#ffffff" />
            <circle cx="9.8" cy="9" r="1.5" fill="#ffffff" />
          </svg>
          {t('legend.confChange')}
        </span>
      )}
      {seen.joint && (
        <span className="legend-item" data-testid="legend-joint">
          <svg width="20" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="5.5" fill="none" stroke={CONF_COLOR} strokeWidth="2" />
            <circle cx="13" cy="7" r="5.5" fill="none" stroke={CONF_COLOR} strokeWidth="2" />
          </svg>
          {t('legend.joint')}
        </span>
      )}
      {seen.snapshot && (
        <span className="legend-item" data-testid="legend-snapshot">
          <svg width="12" height="14" aria-hidden="true">
            <path d="M0.5,0.5L8,0.5L11.5,4L11.5,13.5L0.5,13.5Z" fill={SNAPSHOT_COLOR} />
            <path d="M3,6.5L9,6.5M3,10L9,10" stroke="#ffffff" strokeWidth="1.3" />
          </svg>
          {t('legend.snapshot')}
        </span>
      )}
      {seen.leaseGrant && (
        <span className="legend-item" data-testid="legend-leaseGrant">
          <svg width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="6.5" fill={LEASE_COLOR} />
            <path d="M7,3L7,7L10,8.5" fill="none" stroke="#ffffff" strokeWidth="1.5" />
          </svg>
          {t('legend.leaseGrant')}
        </span>
      )}
      {seen.leaseExpire && (
        <span className="legend-item" data-testid="legend-leaseExpire">
          <svg width="14" height="14" aria-hidden="true">
            <circle cx="7" cy="7" r="5.8" fill="#ffffff" stroke={LEASE_COLOR} strokeWidth="1.6" />
            <path d="M7,3.5L7,7L9.5,8.2" fill="none" stroke={LEASE_COLOR} strokeWidth="1.3" />
            <path d="M2,12L12,2" stroke={DROP_COLOR} strokeWidth="1.8" />
          </svg>
          {t('legend.leaseExpire')}
        </span>
      )}
      {seen.watchEvents && (
        <span className="legend-item" data-testid="legend-watchEvents">
          <svg width="16" height="12" aria-hidden="true">
            <rect x="0.5" y="0.5" width="15" height="11" rx="5.5" fill={WATCH_COLOR} />
            <text x="8" y="9" textAnchor="middle" fontSize="8.5" fontWeight="700" fill="#ffffff">2</text>
          </svg>
          {t('legend.watchEvents')}
        </span>
      )}
    </div>
  );
}
