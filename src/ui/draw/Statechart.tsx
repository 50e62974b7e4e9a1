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
const W = 520;
const H = 380;
const BOX_W = 110;
const BOX_H = 42;
const Y = 150;

function stateX(i: number, n: number): number {
  const gap = (W - 40) / n;
  return 20 + gap * (i + 0.5);
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

export function Statechart({ role, lastTransition }: StatechartProps) {
  const n = MODEL.states.length;
  const pos = new Map(MODEL.states.map((s, i) => [s, stateX(i, n)]));
  const lit = (e: Edge) => lastTransition !== null && lastTransition.from === e.from && lastTransition.to === e.to && e.events.includes(lastTransition.event);
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
      {pos.has(MODEL.initial) && (
        <g className="chart-start">
          <path d={`M${pos.get(MODEL.initial)! - BOX_W / 2 - 10},${Y - 70} Q${pos.get(MODEL.initial)! - BOX_W / 2 - 4},${Y - 30} ${pos.get(MODEL.initial)! - 30},${Y - BOX_H / 2 - 1}`} markerEnd="url(#chart-arrow)" />
          <text className="chart-start-label" x={6} y={Y - 78}>
            {t('chart.startsUp')}
          </text>
        </g>
      )}
      {MODEL.edges.map((e) => {
        const x1 = pos.get(e.from)!;
        const x2 = pos.get(e.to)!;
        const on = lit(e);
        const label = edgeLabel(e);
        const cls = on ? 'chart-edge lit' : 'chart-edge';
        const marker = on ? 'url(#chart-arrow-lit)' : 'url(#chart-arrow)';
        if (e.from === e.to) {
          const top = Y - BOX_H / 2;
          return (
            <g key={`${e.from}-${e.to}`} className={cls} data-edge={`${e.from}>${e.to}`}>
              <path d={`M${x1 - 18},${top} C${x1 - 50},${top - 86} ${x1 + 50},${top - 86} ${x1 + 18},${top}`} markerEnd={marker} />
              <Label x={x1} y={top - 72} text={label} up />
            </g>
          );
        }
        const forward = x2 > x1;
        const dy = forward ? -1 : 1;
        const sx = x1 + (forward ? BOX_W / 2 - 14 : -BOX_W / 2 + 14);
        const ex = x2 + (forward ? -BOX_W / 2 + 14 : BOX_W / 2 - 14);
        const sy = Y + (dy * BOX_H) / 2;
        // Adjacent states get a shallow arc, states further apart a deeper one (labels stay apart).
        const steps = Math.abs(MODEL.states.indexOf(e.to) - MODEL.states.indexOf(e.from));
        const bend = steps <= 1 ? 34 : 34 + 104 * (steps - 1);
        const mx = (sx + ex) / 2;
        return (
          <g key={`${e.from}-${e.to}`} className={cls} data-edge={`${e.from}>${e.to}`}>
            <path d={`M${sx},${sy} Q${mx},${sy + dy * bend} ${ex},${sy}`} markerEnd={marker} />
            <Label x={mx} y={sy + dy * (bend / 2 + 6) + (dy > 0 ? 13 : 0)} text={label} up={dy < 0} />
          </g>
        );
      })}
      {MODEL.states.map((s) => {
        const x = pos.get(s)!;
        const current = role === s;
        const fill = current ? roleColor(s as Role) : '#ffffff';
        return (
          <g key={s} className={current ? 'chart-state current' : 'chart-state'} data-state={s} data-current={current}>
            <rect x={x - BOX_W / 2} y={Y - BOX_H / 2} width={BOX_W} height={BOX_H} rx={BOX_H / 2} fill={fill} />
            <text x={x} y={Y + 5} fill={current ? textOn(fill) : '#1d232b'}>
              {t(`server.role.${s as Role}`)}
            </text>
          </g>
        );
      })}
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
