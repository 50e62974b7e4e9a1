/**
 * Drawing the space-time timeline on a canvas, and hit-testing it. Only the visible time window
 * is drawn; arrows are batched by style (one path per colour and dash), so thousands stay smooth.
 */
import type * as d3 from 'd3';
import type { NodeId } from '../../raft/types';
import type { MessageRecord } from '../../sim/types';
import { messageColor, roleColor } from './colors';
import { t } from '../i18n';
import { isHeartbeatish, isResponse, messageKind, type Marker, type MessageKind, type TimelineModel } from '../model/timelineModel';

/**
 * The part of the canvas 2D API the timeline is drawn with. A real canvas context has all of it, and
 * so does svgcanvas's `Context` (see exportImage.ts), which turns the same calls into SVG: keep the
 * drawing code to these members so the on-screen canvas, the PNG and the SVG export stay one picture.
 */
export type DrawContext = Pick<
  CanvasRenderingContext2D,
  | 'beginPath' | 'moveTo' | 'lineTo' | 'closePath' | 'arc' | 'roundRect' | 'fill' | 'stroke'
  | 'fillRect' | 'clearRect' | 'fillText' | 'measureText' | 'setLineDash'
  | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'lineCap' | 'globalAlpha' | 'font' | 'textAlign' | 'textBaseline'
>;

export const AXIS_H = 24;
export const EVENTS_H = 24;
/** Beyond this many arrows in view, heartbeats are left out (they are most of them). */
export const MAX_ARROWS = 6_000;

export interface Geometry {
  width: number;
  height: number;
  laneH: number;
  /** Centre y of each lane (servers, then clients). */
  laneY: Map<string, number>;
  eventsY: number;
}

export function geometry(width: number, servers: NodeId[], clients: string[]): Geometry {
  const laneH = servers.length <= 5 ? 34 : servers.length <= 7 ? 30 : 26;
  const clientH = 24;
  const laneY = new Map<string, number>();
  let y = AXIS_H + EVENTS_H;
  for (const s of servers) {
    laneY.set(s, y + laneH / 2);
    y += laneH;
  }
  for (const c of clients) {
    laneY.set(c, y + clientH / 2);
    y += clientH;
  }
  return { width, height: y + 4, laneH, laneY, eventsY: AXIS_H + EVENTS_H / 2 };
}

export interface DrawOptions {
  x: d3.ScaleLinear<number, number>;
  geo: Geometry;
  model: TimelineModel;
  cursorMs: number;
  frontierMs: number;
  servers: NodeId[];
  clients: string[];
  hover: number | null;
  pair: number | null;
  selected: number | null;
  hoverMarker: Marker | null;
  selectedServer: NodeId | null;
  showHeartbeats: boolean;
}

export interface DrawResult {
  /** Arrows drawn (for hit-testing), and whether heartbeats were left out for density. */
  drawn: MessageRecord[];
  markers: Marker[];
  heartbeatsThinned: boolean;
  /** The time axis's tick labels and the "now" label as drawn (canvas px). */
  axis: { ticks: LabelBox[]; now: LabelBox | null };
}

const FONT = '600 12px system-ui, "Noto Sans", "DejaVu Sans", sans-serif';
const SMALL_FONT = '11px system-ui, "Noto Sans", "DejaVu Sans", sans-serif';


/** The arrow's end points (sender lane at sendMs → receiver lane at deliverMs). */
export function arrowEnds(r: MessageRecord, x: d3.ScaleLinear<number, number>, geo: Geometry): [number, number, number, number] | null {
  const y1 = geo.laneY.get(r.msg.from);
  const y2 = geo.laneY.get(r.msg.to);
  if (y1 === undefined || y2 === undefined) return null;
  return [x(r.sendMs), y1, x(r.deliverMs), y2];
}

function arrowHead(ctx: DrawContext, x1: number, y1: number, x2: number, y2: number, size: number): void {
  const a = Math.atan2(y2 - y1, x2 - x1);
  ctx.moveTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(a - 0.45), y2 - size * Math.sin(a - 0.45));
  ctx.lineTo(x2 - size * Math.cos(a + 0.45), y2 - size * Math.sin(a + 0.45));
  ctx.closePath();
}

/** An open "V" arrowhead (responses). */
function openHead(ctx: DrawContext, x1: number, y1: number, x2: number, y2: number, size: number): void {
  const a = Math.atan2(y2 - y1, x2 - x1);
  ctx.moveTo(x2 - size * Math.cos(a - 0.5), y2 - size * Math.sin(a - 0.5));
  ctx.lineTo(x2, y2);
  ctx.lineTo(x2 - size * Math.cos(a + 0.5), y2 - size * Math.sin(a + 0.5));
}

/** Configuration change markers (and the legend's). */
export const CONF_COLOR = '#5f3dc4';
/** Snapshot markers: the InstallSnapshot arrows' colour. */
export const SNAPSHOT_COLOR = '#a0522d';
/** Lease grant / expiry markers (etcd's lessor). */
export const LEASE_COLOR = '#1864ab';
/** Watch-events markers on a client's lane. */
export const WATCH_COLOR = '#0c8599';

const KIND_INDEX: Record<MessageKind, number> = {
  RequestVote: 0, RequestVoteResponse: 1, AppendEntries: 2, Heartbeat: 3, AppendEntriesResponse: 4, ClientRequest: 5, ClientResponse: 6,
  PreVote: 7, PreVoteResponse: 8, TimeoutNow: 9, ReadIndex: 10, ReadIndexResponse: 11, InstallSnapshot: 12, InstallSnapshotResponse: 13,
};

function cross(ctx: DrawContext, x: number, y: number, r: number): void {
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x - r, y + r);
  ctx.lineTo(x + r, y - r);
}

function star(ctx: DrawContext, x: number, y: number, r: number): void {
  for (let i = 0; i < 10; i++) {
    const rad = i % 2 === 0 ? r : r * 0.45;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    if (i === 0) ctx.moveTo(x + rad * Math.cos(a), y + rad * Math.sin(a));
    else ctx.lineTo(x + rad * Math.cos(a), y + rad * Math.sin(a));
  }
  ctx.closePath();
}

/** Dropped messages (and the legend's cross). */
export const DROP_COLOR = '#e03131';
/** Segments per stroked path and marks per filled path (see the chunking note in draw). */
const LINE_CHUNK = 400;
const HEAD_CHUNK = 100;
const DOWN_COLOR = '#343a40';

interface Style {
  kind: MessageKind;
  response: boolean;
  alpha: number;
  inFlight: boolean;
}

export function draw(ctx: DrawContext, o: DrawOptions): DrawResult {
  const { x, geo, model } = o;
  const W = geo.width;
  const H = geo.height;
  const [t0, t1] = x.domain();
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);

  // Lanes: light stripes, the selected server's lane tinted.
  let k = 0;
  for (const id of [...o.servers, ...o.clients]) {
    const y = geo.laneY.get(id)!;
    const h = o.servers.includes(id) ? geo.laneH : 24;
    if (id === o.selectedServer) ctx.fillStyle = '#fff7d6';
    else ctx.fillStyle = k % 2 === 0 ? '#f8f9fb' : '#ffffff';
    ctx.fillRect(0, y - h / 2, W, h);
    k++;
  }
  ctx.fillStyle = '#f1f3f5';
  ctx.fillRect(0, AXIS_H, W, EVENTS_H);

  // Not simulated yet: everything right of the frontier.
  const xf = x(o.frontierMs);
  if (xf < W) {
    ctx.fillStyle = 'rgba(206, 212, 218, 0.35)';
    ctx.fillRect(Math.max(0, xf), AXIS_H, W - Math.max(0, xf), H - AXIS_H);
  }

  // Time axis: ticks whose labels fit, and no label under the "now" label.
  const nowLabel = cursorLabel(ctx, o.cursorMs, x, W);
  const ticks = axisTicks(ctx, x, W, nowLabel);
  ctx.strokeStyle = '#e9ecef';
  ctx.lineWidth = 1;
  for (const tk of ticks.lines) {
    const px = Math.round(x(tk)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(px, AXIS_H);
    ctx.lineTo(px, H);
    ctx.stroke();
  }
  ctx.font = SMALL_FONT;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.fillStyle = '#5b6675';
  for (const b of ticks.labels) ctx.fillText(b.text, b.x0, AXIS_H / 2);
  ctx.strokeStyle = '#ced4da';
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H + 0.5);
  ctx.lineTo(W, AXIS_H + 0.5);
  ctx.stroke();

  // Role bands with term boundaries.
  const bandH = Math.max(10, Math.round(geo.laneH * 0.36));
  for (const id of o.servers) {
    const y = geo.laneY.get(id)!;
    const segs = model.segments.get(id) ?? [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      const end = i + 1 < segs.length ? segs[i + 1].startMs : model.endMs;
      if (end < t0 || s.startMs > t1) continue;
      const xa = Math.max(-2, x(s.startMs));
      const xb = Math.min(W + 2, x(end));
      if (xb <= xa) continue;
      if (s.role === 'spare') {
        // A spare not started: an empty dotted band, "spare" written in it.
        ctx.strokeStyle = '#868e96';
        ctx.lineWidth = 1;
        ctx.setLineDash([2, 3]);
        const [x0, x1, y0, y1] = [xa + 0.5, xb - 0.5, y - bandH / 2 + 0.5, y + bandH / 2 - 0.5];
        ctx.beginPath();
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y0);
        ctx.lineTo(x1, y1);
        ctx.lineTo(x0, y1);
        ctx.closePath();
        ctx.stroke();
        ctx.setLineDash([]);
        if (xb - xa > 60) {
          ctx.fillStyle = '#495057';
          ctx.font = SMALL_FONT;
          ctx.textAlign = 'left';
          ctx.fillText(t('timeline.spare'), Math.max(xa, 0) + 6, y);
        }
        continue;
      }
      ctx.fillStyle = s.role === 'down' ? DOWN_COLOR : roleColor(s.role);
      ctx.fillRect(xa, y - bandH / 2, xb - xa, bandH);
      if (s.role === 'preCandidate') hatchBand(ctx, xa, xb, y - bandH / 2, bandH);
      if (s.role === 'down' && xb - xa > 60) {
        ctx.fillStyle = '#f1f3f5';
        ctx.font = SMALL_FONT;
        ctx.textAlign = 'left';
        ctx.fillText(t('timeline.crashed'), xa + 6, y);
      }
    }
    // Term labels: at each boundary in view, and at the left edge.
    const terms = model.terms.get(id) ?? [];
    ctx.font = SMALL_FONT;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    let lastLabelX = -Infinity;
    const labelY = y - bandH / 2 - 3;
    const firstIn = terms.findIndex((c) => c.atMs >= t0);
    const startTerm = model.termAt(id, t0);
    const firstX = firstIn >= 0 ? x(terms[firstIn].atMs) : Infinity;
    if (firstX > 50) {
      ctx.fillStyle = '#343a40';
      ctx.fillText(t('timeline.term', { term: startTerm }), 3, labelY);
      lastLabelX = 3 + 44;
    }
    for (let i = Math.max(0, firstIn); firstIn >= 0 && i < terms.length && terms[i].atMs <= t1; i++) {
      const c = terms[i];
      const px = x(c.atMs);
      if (c.atMs > 0) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(px, y - bandH / 2 - 1);
        ctx.lineTo(px, y + bandH / 2 + 1);
        ctx.stroke();
        ctx.strokeStyle = '#212529';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(px + 0.5, y - bandH / 2 - 5);
        ctx.lineTo(px + 0.5, y - bandH / 2);
        ctx.stroke();
      }
      if (px - lastLabelX > 8) {
        const label = t('timeline.term', { term: c.term });
        const wLabel = ctx.measureText(label).width;
        const next = i + 1 < terms.length ? x(terms[i + 1].atMs) : Infinity;
        const text = next - px > wLabel + 6 ? label : next - px > 14 ? String(c.term) : '';
        if (text) {
          ctx.fillStyle = '#212529';
          ctx.fillText(text, px + 2, labelY);
          lastLabelX = px + ctx.measureText(text).width + 2;
        }
      }
    }
    ctx.textBaseline = 'middle';
  }

  // Messages. Bulk arrows are solid lines (dashes are very slow to rasterise in software):
  // requests get a filled arrowhead, responses a thinner line and an open one.
  const visible = model.visibleMessages(t0, t1);
  const thin = visible.length > MAX_ARROWS;
  const hideHeartbeats = !o.showHeartbeats || thin;
  const groups = new Map<number, { style: Style; coords: number[]; drops: number[] }>();
  const drawn: MessageRecord[] = [];
  const cursorMs = o.cursorMs;
  for (const r of visible) {
    const hb = isHeartbeatish(r);
    if (hideHeartbeats && hb && r.id !== o.selected) continue;
    const y1 = geo.laneY.get(r.msg.from);
    const y2 = geo.laneY.get(r.msg.to);
    if (y1 === undefined || y2 === undefined) continue;
    drawn.push(r);
    const kind = messageKind(r);
    const future = r.sendMs > cursorMs;
    const inFlight = r.status === 'inFlight';
    const alpha = future ? 0.22 : inFlight ? 0.55 : hb ? 0.55 : 0.95;
    const key = KIND_INDEX[kind] * 8 + (future ? 4 : 0) + (inFlight ? 2 : 0) + (hb ? 1 : 0);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { style: { kind, response: isResponse(r), alpha, inFlight }, coords: [], drops: [] }));
    const xa = x(r.sendMs);
    const xb = x(r.deliverMs);
    if (r.status === 'dropped' || (inFlight && r.dropReason === 'loss')) g.drops.push(xa, y1, xb, y2);
    else g.coords.push(xa, y1, xb, y2);
  }
  ctx.lineCap = 'butt';
  for (const { style, coords, drops } of groups.values()) {
    const color = messageColor(style.kind);
    const light = style.kind === 'Heartbeat' || style.response;
    ctx.globalAlpha = style.alpha;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    // An InstallSnapshot carries the whole state machine: drawn thicker than an AppendEntries.
    ctx.lineWidth = style.kind === 'Heartbeat' ? 1.1 : style.response ? 1.4 : style.kind === 'InstallSnapshot' ? 3.6 : 2.2;
    // Paths are flushed in chunks: one huge path is much slower to rasterise than many small ones.
    ctx.beginPath();
    let n = 0;
    for (const list of [coords, drops]) {
      for (let i = 0; i < list.length; i += 4) {
        ctx.moveTo(list[i], list[i + 1]);
        ctx.lineTo(list[i + 2], list[i + 3]);
        if (++n % LINE_CHUNK === 0) {
          ctx.stroke();
          ctx.beginPath();
        }
      }
    }
    ctx.stroke();
    // Arrowheads: filled for requests, open for responses.
    const size = light ? 6 : 7.5;
    if (style.response) ctx.lineWidth = 1.6;
    ctx.beginPath();
    for (let i = 0, k = 1; i < coords.length; i += 4, k++) {
      if (style.response) openHead(ctx, coords[i], coords[i + 1], coords[i + 2], coords[i + 3], size);
      else arrowHead(ctx, coords[i], coords[i + 1], coords[i + 2], coords[i + 3], size);
      if (k % HEAD_CHUNK === 0) {
        if (style.response) ctx.stroke();
        else ctx.fill();
        ctx.beginPath();
      }
    }
    if (style.response) ctx.stroke();
    else ctx.fill();
    if (drops.length) {
      ctx.strokeStyle = DROP_COLOR;
      ctx.lineWidth = 2.2;
      ctx.beginPath();
      for (let i = 0, k = 1; i < drops.length; i += 4, k++) {
        cross(ctx, drops[i + 2], drops[i + 3], 4.5);
        if (k % HEAD_CHUNK === 0) {
          ctx.stroke();
          ctx.beginPath();
        }
      }
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;

  // Highlighted arrows: the hovered one and its pair, and the selected one.
  const highlight = (id: number | null, outline: string) => {
    if (id === null) return;
    const r = model.message(id);
    if (!r) return;
    const e = arrowEnds(r, x, geo);
    if (!e) return;
    const color = messageColor(messageKind(r));
    ctx.lineWidth = 6;
    ctx.strokeStyle = outline;
    ctx.beginPath();
    ctx.moveTo(e[0], e[1]);
    ctx.lineTo(e[2], e[3]);
    ctx.stroke();
    ctx.lineWidth = 3;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(e[0], e[1]);
    ctx.lineTo(e[2], e[3]);
    ctx.stroke();
    ctx.beginPath();
    if (r.status === 'dropped') {
      ctx.strokeStyle = DROP_COLOR;
      cross(ctx, e[2], e[3], 6);
      ctx.stroke();
    } else if (isResponse(r)) {
      openHead(ctx, e[0], e[1], e[2], e[3], 11);
      ctx.lineWidth = 2.5;
      ctx.stroke();
    } else {
      arrowHead(ctx, e[0], e[1], e[2], e[3], 11);
      ctx.fill();
    }
  };
  highlight(o.pair, 'rgba(255, 212, 59, 0.9)');
  highlight(o.hover, 'rgba(255, 212, 59, 0.9)');
  highlight(o.selected, '#1d232b');

  // Markers.
  const markers = model.markersIn(t0 - 1, t1 + 1);
  for (const m of markers) drawMarker(ctx, m, o, bandH, m === o.hoverMarker);

  // The frontier and the cursor.
  if (xf >= 0 && xf <= W) {
    ctx.strokeStyle = '#868e96';
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(xf + 0.5, AXIS_H);
    ctx.lineTo(xf + 0.5, H);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  const xc = x(o.cursorMs);
  if (nowLabel) {
    ctx.strokeStyle = '#1c6dd0';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(xc, AXIS_H);
    ctx.lineTo(xc, H);
    ctx.stroke();
    ctx.font = FONT;
    ctx.fillStyle = '#1c6dd0';
    ctx.fillRect(nowLabel.x0, nowLabel.y0, nowLabel.x1 - nowLabel.x0, nowLabel.y1 - nowLabel.y0);
    ctx.fillStyle = '#ffffff';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(nowLabel.text, (nowLabel.x0 + nowLabel.x1) / 2, AXIS_H / 2);
  }
  return { drawn, markers, heartbeatsThinned: thin && o.showHeartbeats, axis: { ticks: ticks.labels, now: nowLabel } };
}

/** A label's box on the canvas (px): left, right, top, bottom. */
export interface LabelBox {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Horizontal space kept clear between two tick labels, and around the "now" label (px). */
const TICK_GAP = 14;
const NOW_GAP = 8;

/** The "now" label at the cursor (clamped inside the canvas), or null when the cursor is out of view. */
function cursorLabel(ctx: DrawContext, cursorMs: number, x: d3.ScaleLinear<number, number>, W: number): LabelBox | null {
  const xc = x(cursorMs);
  if (!(xc >= -1 && xc <= W + 1)) return null;
  const text = t('timeline.cursor', { ms: (Math.round(cursorMs * 10) / 10).toFixed(1) });
  ctx.font = FONT;
  const w = ctx.measureText(text).width + 10;
  const x0 = Math.min(W - w, Math.max(0, xc - w / 2));
  return { text, x0, x1: x0 + w, y0: 2, y1: AXIS_H - 2 };
}

/**
 * Ticks of the time axis (d3's nice ticks) and the labels drawn for them: the tick count is
 * derived from the width and the measured width of the labels, lowered until no two labels come
 * closer than TICK_GAP; a label that would touch the "now" label is left out (its grid line stays).
 * Labels at the edges are pulled inside the canvas.
 */
export function axisTicks(ctx: DrawContext, x: d3.ScaleLinear<number, number>, W: number, now: LabelBox | null): { lines: number[]; labels: LabelBox[] } {
  ctx.font = SMALL_FONT;
  const [d0, d1] = x.domain();
  const layout = (count: number): { lines: number[]; labels: LabelBox[] } => {
    const ticks = x.ticks(count);
    const fmt = x.tickFormat(count);
    const labels = ticks.map((tk) => {
      const text = t('timeline.tick', { ms: fmt(tk) });
      const w = ctx.measureText(text).width;
      const x0 = Math.max(1, Math.min(W - w - 1, x(tk) - w / 2));
      return { text, x0, x1: x0 + w, y0: 4, y1: AXIS_H - 4 };
    });
    return { lines: ticks, labels };
  };
  const crowded = (labels: LabelBox[]): boolean => labels.some((b, i) => i > 0 && b.x0 < labels[i - 1].x1 + TICK_GAP);
  // A first guess from the widest label this domain can have, then fewer until they fit.
  const widest = Math.max(...[d0, d1, (d0 + d1) / 2].map((v) => ctx.measureText(t('timeline.tick', { ms: x.tickFormat(10)(v) })).width));
  let count = Math.max(1, Math.floor(W / (widest + TICK_GAP + 16)));
  let out = layout(count);
  while (count > 1 && crowded(out.labels)) {
    count = Math.max(1, Math.min(count - 1, Math.floor(count * 0.8)));
    out = layout(count);
  }
  if (crowded(out.labels)) out = { lines: out.lines, labels: out.labels.filter((_, i) => i % 2 === 0) };
  if (now) out = { lines: out.lines, labels: out.labels.filter((b) => b.x1 + NOW_GAP <= now.x0 || b.x0 >= now.x1 + NOW_GAP) };
  return out;
}

function markerPoint(m: Marker, o: DrawOptions, bandH: number): [number, number] {
  const px = o.x(m.atMs);
  if (m.lane === null) return [px, o.geo.eventsY];
  const y = o.geo.laneY.get(m.lane) ?? o.geo.eventsY;
  if (m.kind === 'commit') return [px, y + bandH / 2 + 6];
  if (m.kind === 'fault' || m.kind === 'confChange' || m.kind === 'jointEnter' || m.kind === 'jointLeave') return [px, y - bandH / 2 - 7];
  return [px, y];
}

/** Fills a closed polygon (the path stays current, so the caller may stroke it too). */
function polygon(ctx: DrawContext, fill: string, points: [number, number][]): void {
  ctx.fillStyle = fill;
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.closePath();
  ctx.fill();
}

function drawMarker(ctx: DrawContext, m: Marker, o: DrawOptions, bandH: number, hovered: boolean): void {
  const [px, py] = markerPoint(m, o, bandH);
  const s = hovered ? 1.5 : 1;
  ctx.globalAlpha = m.atMs > o.cursorMs ? 0.35 : 1;
  ctx.lineWidth = 2;
  switch (m.kind) {
    case 'elected':
      ctx.fillStyle = '#ffd43b';
      ctx.strokeStyle = '#2b8a3e';
      ctx.beginPath();
      star(ctx, px, py, 9 * s);
      ctx.fill();
      ctx.stroke();
      break;
    case 'commit':
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      polygon(ctx, '#0b7285', [[px, py - 6 * s], [px + 5 * s, py], [px, py + 6 * s], [px - 5 * s, py]]);
      ctx.stroke();
      break;
    case 'crash':
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 6;
      ctx.beginPath();
      cross(ctx, px, py, 7 * s);
      ctx.stroke();
      ctx.strokeStyle = DROP_COLOR;
      ctx.lineWidth = 3;
      ctx.beginPath();
      cross(ctx, px, py, 7 * s);
      ctx.stroke();
      break;
    case 'restart':
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = '#2f9e44';
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(px, py, 7 * s, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      polygon(ctx, '#2f9e44', [[px - 2.5 * s, py - 4 * s], [px + 4 * s, py], [px - 2.5 * s, py + 4 * s]]);
      break;
    case 'fault':
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      polygon(ctx, '#e8590c', [[px, py - 7 * s], [px + 7 * s, py + 6 * s], [px - 7 * s, py + 6 * s]]);
      ctx.stroke();
      ctx.fillStyle = '#ffffff';
      ctx.font = '700 9px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText('!', px, py + 2);
      break;
    case 'caption':
      ctx.fillStyle = '#7048a8';
      ctx.beginPath();
      ctx.roundRect(px - 8 * s, py - 7 * s, 16 * s, 14 * s, 3);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.font = '700 13px Georgia, serif';
      ctx.textAlign = 'center';
      ctx.fillText('“', px, py + 3);
      break;
    case 'confChange':
      // A group of three: the configuration (its members) changed.
      ctx.fillStyle = CONF_COLOR;
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(px, py, 7.5 * s, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = '#ffffff';
      for (const [dx, dy] of [[0, -3], [-3.2, 2.4], [3.2, 2.4]]) {
        ctx.beginPath();
        ctx.arc(px + dx * s, py + dy * s, 1.7 * s, 0, 2 * Math.PI);
        ctx.fill();
      }
      break;
    case 'jointEnter':
    case 'jointLeave': {
      // Two overlapping configurations (C_old,new); leaving it, the old one is drawn dashed.
      const r = 6 * s;
      ctx.lineWidth = 2.2;
      ctx.fillStyle = '#ffffff';
      ctx.beginPath();
      ctx.arc(px - 3.5 * s, py, r, 0, 2 * Math.PI);
      ctx.arc(px + 3.5 * s, py, r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = CONF_COLOR;
      ctx.setLineDash(m.kind === 'jointLeave' ? [2, 2] : []);
      ctx.beginPath();
      ctx.arc(px - 3.5 * s, py, r, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.arc(px + 3.5 * s, py, r, 0, 2 * Math.PI);
      if (m.kind === 'jointLeave') {
        ctx.fillStyle = CONF_COLOR;
        ctx.fill();
      }
      ctx.stroke();
      break;
    }
    case 'leaseGrant':
    case 'leaseExpire': {
      // A clock (a lease is a TTL counted down); expired: hollow, struck through.
      const r = 7 * s;
      const grant = m.kind === 'leaseGrant';
      ctx.fillStyle = grant ? LEASE_COLOR : '#ffffff';
      ctx.strokeStyle = grant ? '#ffffff' : LEASE_COLOR;
      ctx.lineWidth = grant ? 1.5 : 2;
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
      ctx.strokeStyle = grant ? '#ffffff' : LEASE_COLOR;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.moveTo(px, py - 4 * s);
      ctx.lineTo(px, py);
      ctx.lineTo(px + 3 * s, py + 1.5 * s);
      ctx.stroke();
      if (!grant) {
        ctx.strokeStyle = DROP_COLOR;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(px - 5.5 * s, py + 5.5 * s);
        ctx.lineTo(px + 5.5 * s, py - 5.5 * s);
        ctx.stroke();
      }
      break;
    }
    case 'watchEvents': {
      // A pill with the number of events the response carried.
      const label = String(m.params?.n ?? '');
      const w = Math.max(14, 6 + label.length * 6.5) * s;
      const h = 12 * s;
      ctx.fillStyle = WATCH_COLOR;
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.roundRect(px - w / 2, py - h / 2, w, h, h / 2);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = '#ffffff';
      ctx.font = '700 9px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(label, px, py + 3);
      break;
    }
    case 'snapshot':
      // A page with a folded corner: the state machine written out.
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      polygon(ctx, SNAPSHOT_COLOR, [[px - 5.5 * s, py - 7 * s], [px + 2.5 * s, py - 7 * s], [px + 5.5 * s, py - 4 * s], [px + 5.5 * s, py + 7 * s], [px - 5.5 * s, py + 7 * s]]);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(px - 3 * s, py - 1 * s);
      ctx.lineTo(px + 3 * s, py - 1 * s);
      ctx.moveTo(px - 3 * s, py + 2.5 * s);
      ctx.lineTo(px + 3 * s, py + 2.5 * s);
      ctx.stroke();
      break;
    case 'invariant':
    case 'stepFailed':
      ctx.fillStyle = DROP_COLOR;
      ctx.beginPath();
      ctx.arc(px, py, 8 * s, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.font = '700 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText('!', px, py + 1);
      break;
  }
  ctx.globalAlpha = 1;
}

/** Distance from point p to the segment a–b. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy));
}

/** The drawn arrow nearest to (px, py) within `maxPx`, or null. */
export function nearestArrow(drawn: MessageRecord[], px: number, py: number, x: d3.ScaleLinear<number, number>, geo: Geometry, maxPx = 7): MessageRecord | null {
  let best: MessageRecord | null = null;
  let bestD = maxPx;
  for (const r of drawn) {
    const e = arrowEnds(r, x, geo);
    if (!e) continue;
    if (px < Math.min(e[0], e[2]) - maxPx || px > Math.max(e[0], e[2]) + maxPx) continue;
    const d = segmentDistance(px, py, e[0], e[1], e[2], e[3]);
    if (d < bestD || (d === bestD && best && r.id > best.id)) {
      bestD = d;
      best = r;
    }
  }
  return best;
}

/** Where marker `m` is drawn, canvas pixels (lanes of height `laneH`). */
export function markerAt(m: Marker, o: Pick<DrawOptions, 'x' | 'geo'>, laneH: number): [number, number] {
  return markerPoint(m, o as DrawOptions, Math.max(10, Math.round(laneH * 0.36)));
}

export function nearestMarker(markers: Marker[], px: number, py: number, o: Pick<DrawOptions, 'x' | 'geo'>, laneH: number, maxPx = 10): Marker | null {
  const bandH = Math.max(10, Math.round(laneH * 0.36));
  let best: Marker | null = null;
  let bestD = maxPx;
  for (const m of markers) {
    const [mx, my] = markerPoint(m, o as DrawOptions, bandH);
    const d = Math.hypot(px - mx, py - my);
    if (d < bestD) {
      bestD = d;
      best = m;
    }
  }
  return best;
}

/**
 * A point on the arrow of `r` where it is easiest to hit (farthest from every other drawn arrow
 * and marker), in canvas coordinates; null if it is not drawn.
 */
export function clearPointOn(r: MessageRecord, drawn: MessageRecord[], markers: Marker[], o: Pick<DrawOptions, 'x' | 'geo'>): [number, number] | null {
  // Records are built when read from the columnar message log: compare by id, not by identity.
  if (!drawn.some((q) => q.id === r.id)) return null;
  const e = arrowEnds(r, o.x, o.geo);
  if (!e) return null;
  const bandH = Math.max(10, Math.round(o.geo.laneH * 0.36));
  let best: [number, number] | null = null;
  let bestScore = -1;
  for (let i = 1; i < 20; i++) {
    const u = i / 20;
    const px = e[0] + (e[2] - e[0]) * u;
    const py = e[1] + (e[3] - e[1]) * u;
    if (px < 0 || px > o.geo.width) continue;
    let nearest = Infinity;
    for (const q of drawn) {
      if (q.id === r.id) continue;
      const f = arrowEnds(q, o.x, o.geo);
      if (!f) continue;
      nearest = Math.min(nearest, segmentDistance(px, py, f[0], f[1], f[2], f[3]));
    }
    for (const m of markers) {
      const [mx, my] = markerPoint(m, o as DrawOptions, bandH);
      nearest = Math.min(nearest, Math.hypot(px - mx, py - my) - 6);
    }
    if (nearest > bestScore) {
      bestScore = nearest;
      best = [px, py];
    }
  }
  return best;
}

/**
 * Diagonal stripes over a pre-candidate's band, so that it reads apart from a candidate's without
 * relying on colour (the legend shows the same stripes).
 */
export function hatchBand(ctx: DrawContext, xa: number, xb: number, top: number, h: number): void {
  ctx.strokeStyle = '#8a6100';
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  const step = 6;
  // Each stripe runs from (x, bottom) to (x + h, top), cut to the band's [xa, xb] by hand (no clip in the export context).
  for (let x = Math.floor(xa / step) * step - h; x < xb; x += step) {
    const u0 = Math.max(0, (xa - x) / h);
    const u1 = Math.min(1, (xb - x) / h);
    if (u0 >= u1) continue;
    ctx.moveTo(x + u0 * h, top + h - u0 * h);
    ctx.lineTo(x + u1 * h, top + h - u1 * h);
  }
  ctx.stroke();
}
