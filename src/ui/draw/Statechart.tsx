/**
 * The role statechart (Raft paper Figure 4), drawn as SVG from the very machine the servers run
 * (`roleMachine.config`): states in a row, transitions forward above, backward below, a
 * self-transition as a loop. The selected server's current state and its last transition
 * (`raft.volatile.lastTransition`) are lit.
 */
import type { Role } from '../../raft/types';
import { roleMachine } from '../../raft/roleMachine';
import { roleColor, textOn } from './colors';
import { isStringId, t } from '../i18n';
import { showDetails } from '../model/preferences';
import './statechart.css';

interface Edge {
  from: string;
  to: string;
  events: string[];
}

interface ChartModel {
  states: string[];
  initial: string;
  edges: Edge[];
}

/** States and transitions read from the machine's config (grouped when they share both ends). */
function chartModel(): ChartModel {
  const cfg = roleMachine.config as { initial?: string; states?: Record<string, { on?: Record<string, { target?: string } | string> }> };
  const states = Object.keys(cfg.states ?? {});
  const edges: Edge[] = [];
  for (const from of states) {
    for (const [event, tr] of Object.entries(cfg.states?.[from]?.on ?? {})) {
      const target = typeof tr === 'string' ? tr : tr.target;
      const to = (target ?? from).replace(/^\./, '');
      const e = edges.find((x) => x.from === from && x.to === to);
      if (e) e.events.push(event);
      else edges.push({ from, to, events: [event] });
    }
  }
  return { states, initial: String(cfg.initial ?? states[0]), edges };
}

const MODEL = chartModel();
const W = 560;
/** Height of the drawing of states and transitions; below it, the numbered list of transitions. */
const CHART_H = 385;
const LIST_ROW_H = 36;
const H = CHART_H + Math.ceil(MODEL.edges.length / 2) * LIST_ROW_H + 56;
const BOX_W = 118;
const BOX_H = 42;

/**
 * Where each state sits: Figure 4's follower → candidate → leader, with PreVote's pre-candidate
 * above the way from follower to candidate (thesis §9.6). A state not placed here (a future role)
 * falls back to a row along the bottom.
 */
const PLACES: Record<string, { x: number; y: number }> = {
  follower: { x: 92, y: 210 },
  preCandidate: { x: 280, y: 100 },
  candidate: { x: 280, y: 320 },
  leader: { x: 468, y: 210 },
};

function placeOf(state: string, i: number, n: number): { x: number; y: number } {
  return PLACES[state] ?? { x: 20 + ((W - 40) / n) * (i + 0.5), y: CHART_H - 30 };
}
function eventLabel(from: string, event: string): string {
  const id = `chart.event.${from}.${event}`;
  return isStringId(id) ? t(id) : event;
}

/** The label of an edge: a whole phrase for grouped transitions when there is one, else each event's. */
function edgeLabel(e: Edge): string {
  const id = `chart.edge.${e.from}.${e.to}`;
  if (e.events.length > 1 && isStringId(id)) return t(id);
  return e.events.map((ev) => eventLabel(e.from, ev)).join(' / ');
}

/** Splits a label into lines of about `width` characters (at spaces). */
function wrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && (cur + ' ' + w).length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** A label of one or more lines; `anchorY` is the baseline of the line nearest the edge. */
function Label({ x, y, text, up, width = 17, className }: { x: number; y: number; text: string; up: boolean; width?: number; className?: string }) {
  const lines = wrap(text, width);
  const lh = 17;
  const top = up ? y - (lines.length - 1) * lh : y;
  return (
    <text x={x} y={top} className={className}>
      {lines.map((l, i) => (
        <tspan key={i} x={x} dy={i === 0 ? 0 : lh}>
          {l}
        </tspan>
      ))}
    </text>
  );
}

/**
 * The last transition in words: the event as a phrase ("receives votes from a majority"); its
 * name in the machine (WIN_ELECTION) only in the details (teacher) view.
 */
function lastTransitionText(tr: { from: Role; to: Role; event: string; term: number }): string {
  const p = { from: t(`server.role.${tr.from}`), to: t(`server.role.${tr.to}`), term: tr.term };
  const id = `chart.event.${tr.from}.${tr.event}`;
  if (!isStringId(id)) return t('chart.last', { ...p, event: tr.event });
  return showDetails() ? t('chart.lastDetails', { ...p, event: t(id), name: tr.event }) : t('chart.lastPlain', { ...p, event: t(id) });
}

export interface StatechartProps {
  /** The server's current role, or null when it is crashed. */
  role: Role | null;
  lastTransition: { from: Role; to: Role; event: string; term: number } | null;
}

/** An edge's number on the chart (its label is in the list below; the title shows it on hover). */
function Badge({ x, y, n, label }: { x: number; y: number; n: number; label: string }) {
  return (
    <g className="chart-badge" transform={`translate(${x},${y})`}>
      <title>{label}</title>
      <circle r={10} />
      <text y={5}>{n}</text>
    </g>
  );
}

/** Where the line from the centre of a box towards (dx, dy) leaves the box. */
function boxExit(dx: number, dy: number): number {
  const ax = Math.abs(dx) || 1e-9;
  const ay = Math.abs(dy) || 1e-9;
  return Math.min(BOX_W / 2 / ax, BOX_H / 2 / ay) * Math.hypot(dx, dy);
}

export function Statechart({ role, lastTransition }: StatechartProps) {
  const n = MODEL.states.length;
  const pos = new Map(MODEL.states.map((s, i) => [s, placeOf(s, i, n)]));
  const lit = (e: Edge) => lastTransition !== null && lastTransition.from === e.from && lastTransition.to === e.to && e.events.includes(lastTransition.event);
  const has = (from: string, to: string) => MODEL.edges.some((x) => x.from === from && x.to === to);
  const init = pos.get(MODEL.initial);
  return (
    <svg className="statechart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('chart.label')} data-testid="statechart">
      <defs>
        <marker id="chart-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L10,5L0,10Z" fill="#5b6675" />
        </marker>
        <marker id="chart-arrow-lit" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L10,5L0,10Z" fill="#e8590c" />
        </marker>
      </defs>
      {/* Start arrow into the initial state. */}
      {init && (
        <g className="chart-start">
          <path d={`M${init.x - 40},${init.y - 90} Q${init.x - 44},${init.y - 50} ${init.x - 20},${init.y - BOX_H / 2 - 1}`} markerEnd="url(#chart-arrow)" />
          <text className="chart-start-label" x={init.x - 80} y={init.y - 98}>
            {t('chart.startsUp')}
          </text>
        </g>
      )}
      {MODEL.edges.map((e, i) => {
        const a = pos.get(e.from)!;
        const b = pos.get(e.to)!;
        const on = lit(e);
        const label = edgeLabel(e);
        const cls = on ? 'chart-edge lit' : 'chart-edge';
        const marker = on ? 'url(#chart-arrow-lit)' : 'url(#chart-arrow)';
        if (e.from === e.to) {
          // A loop on the side away from the middle of the chart.
          const up = a.y <= H / 2;
          const edgeY = up ? a.y - BOX_H / 2 : a.y + BOX_H / 2;
          const k = up ? -1 : 1;
          return (
            <g key={`${e.from}-${e.to}`} className={cls} data-edge={`${e.from}>${e.to}`}>
              <path d={`M${a.x - 18},${edgeY} C${a.x - 50},${edgeY + k * 56} ${a.x + 50},${edgeY + k * 56} ${a.x + 18},${edgeY}`} markerEnd={marker} />
              <Badge x={a.x} y={edgeY + k * 42} n={i + 1} label={label} />
            </g>
          );
        }
        // Two states joined both ways: each curve bends to its own side; a single edge bends a little.
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy);
        const ux = dx / len;
        const uy = dy / len;
        const nx = uy;
        const ny = -ux;
        const bend = has(e.to, e.from) ? 30 : 0;
        const ra = boxExit(dx, dy);
        const sx = a.x + ux * ra + nx * bend * 0.4;
        const sy = a.y + uy * ra + ny * bend * 0.4;
        const ex = b.x - ux * ra + nx * bend * 0.4;
        const ey = b.y - uy * ra + ny * bend * 0.4;
        const cx = (a.x + b.x) / 2 + nx * bend * 1.6;
        const cy = (a.y + b.y) / 2 + ny * bend * 1.6;
        // The badge at the curve's middle; on a straight edge nearer its start, clear of the crossing pair.
        const at = bend ? 0.5 : 0.2;
        const mx = (1 - at) * (1 - at) * sx + 2 * at * (1 - at) * cx + at * at * ex;
        const my = (1 - at) * (1 - at) * sy + 2 * at * (1 - at) * cy + at * at * ey;
        return (
          <g key={`${e.from}-${e.to}`} className={cls} data-edge={`${e.from}>${e.to}`}>
            <path d={`M${sx},${sy} Q${cx},${cy} ${ex},${ey}`} markerEnd={marker} />
            <Badge x={mx} y={my} n={i + 1} label={label} />
          </g>
        );
      })}
      {MODEL.states.map((s) => {
        const { x, y } = pos.get(s)!;
        const current = role === s;
        const fill = current ? roleColor(s as Role) : '#ffffff';
        return (
          <g key={s} className={current ? 'chart-state current' : 'chart-state'} data-state={s} data-current={current}>
            <rect x={x - BOX_W / 2} y={y - BOX_H / 2} width={BOX_W} height={BOX_H} rx={BOX_H / 2} fill={fill} />
            <text x={x} y={y + 5} fill={current ? textOn(fill) : '#1d232b'}>
              {t(`server.role.${s as Role}`)}
            </text>
          </g>
        );
      })}
      {/* The transitions, numbered as their badges: labels of four states' edges do not fit on the arrows. */}
      <g className="chart-list" data-testid="chart-transitions">
        {MODEL.edges.map((e, i) => {
          const x = 14 + (i % 2) * (W / 2);
          const y = CHART_H + Math.floor(i / 2) * LIST_ROW_H;
          const lines = wrap(`${i + 1}. ${edgeLabel(e)}`, 34).slice(0, 2);
          return (
            <text key={`${e.from}-${e.to}`} x={x} y={y} className={lit(e) ? 'chart-list-item lit' : 'chart-list-item'} data-edge={`${e.from}>${e.to}`}>
              {lines.map((l, k) => (
                <tspan key={k} x={k === 0 ? x : x + 16} dy={k === 0 ? 0 : 16}>
                  {l}
                </tspan>
              ))}
            </text>
          );
        })}
      </g>
      {role === null ? (
        <Label className="chart-crashed" x={W / 2} y={H - 10} text={t('chart.crashed')} up width={52} />
      ) : (
        lastTransition && (
          <Label
            className="chart-last"
            x={W / 2}
            y={H - 10}
            up
            width={48}
            text={lastTransitionText(lastTransition)}
          />
        )
      )}
    </svg>
  );
}
