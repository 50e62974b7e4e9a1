/**
 * The cluster as a ring of servers with the messages in flight between them (SVG drawn by React;
 * d3 gives the angles, the timer arcs, the colours and the interpolations).
 */
import * as d3 from 'd3';
import type { ReactElement } from 'react';
import type { ServerView } from '../../sim/types';
import { messageColor, roleColor, textOn, type DrawnRole } from './colors';
import type { Frame, MessageDot } from '../model/frame';
import { t } from '../i18n';
import './ring.css';

export const VIEW_W = 520;
const CX = VIEW_W / 2;
const RING_R = 190;
const NODE_R = 38;
/** Room above the top server for its timer arc. */
const CY = RING_R + NODE_R + 18;
const CLIENT_W = 44;
const CLIENT_H = 28;
/** Messages going a→b and b→a travel on either side of the line, this far from it. */
const LANE = 6;

interface Point {
  x: number;
  y: number;
}

interface Place extends Point {
  /** Distance from the centre to the shape's edge (for where messages leave and arrive). */
  edge: number;
  kind: 'server' | 'client';
}

/**
 * Places servers on the ring (the first at the top, clockwise) and clients in a row under it:
 * in the gap between the two lowest servers when the count is odd, below the bottom one when even.
 */
export function layout(serverIds: string[], clients: string[]): { places: Map<string, Place>; height: number } {
  const places = new Map<string, Place>();
  const angle = d3.scaleLinear().domain([0, serverIds.length]).range([-Math.PI / 2, (3 * Math.PI) / 2]);
  serverIds.forEach((id, i) => {
    const a = angle(i);
    places.set(id, { x: CX + RING_R * Math.cos(a), y: CY + RING_R * Math.sin(a), edge: NODE_R, kind: 'server' });
  });
  const clientY = serverIds.length === 1 ? CY : CY + RING_R + (serverIds.length % 2 === 0 ? 100 : 62);
  const clientX = d3
    .scalePoint<string>()
    .domain(clients)
    .range([CX - 30 * (clients.length - 1), CX + 30 * (clients.length - 1)]);
  for (const c of clients) {
    places.set(c, { x: clients.length === 1 ? CX : clientX(c)!, y: clientY, edge: CLIENT_H / 2 + 2, kind: 'client' });
  }
  let lowest = clients.length ? clientY + CLIENT_H / 2 + 8 : 0;
  for (const id of serverIds) lowest = Math.max(lowest, places.get(id)!.y + NODE_R + 52);
  return { places, height: lowest };
}

const timerArc = d3.arc<{ endAngle: number }>()
  .innerRadius(NODE_R + 5)
  .outerRadius(NODE_R + 12)
  .startAngle(0)
  .cornerRadius(2);

/** Timer colour: calm grey-blue when just armed, turning red as the timeout nears. */
const timerColor = d3.scaleLinear<string>().domain([0, 0.7, 1]).range(['#9aa9ba', '#e8a33d', '#d9480f']).clamp(true);

function drawnRole(v: ServerView): DrawnRole {
  return v.up ? v.role : 'crashed';
}

function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Where a message between two places is drawn: from edge to edge, in its own lane. */
function lanePoints(a: Place, b: Place): { start: Point; end: Point } | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len < 1) return null;
  const ux = dx / len;
  const uy = dy / len;
  // Perpendicular to the right of the direction of travel.
  const nx = -uy * LANE;
  const ny = ux * LANE;
  return {
    start: { x: a.x + ux * a.edge + nx, y: a.y + uy * a.edge + ny },
    end: { x: b.x - ux * b.edge + nx, y: b.y - uy * b.edge + ny },
  };
}

type ClickAt = (x: number, y: number) => void;

function Links({ servers, places, cutLinks, onLinkClick }: { servers: string[]; places: Map<string, Place>; cutLinks: [string, string][]; onLinkClick?: (a: string, b: string, x: number, y: number) => void }) {
  const cut = new Set(cutLinks.map(([a, b]) => `${a}>${b}`));
  const out: ReactElement[] = [];
  const hits: ReactElement[] = [];
  for (let i = 0; i < servers.length; i++) {
    for (let j = i + 1; j < servers.length; j++) {
      const a = servers[i];
      const b = servers[j];
      const pa = places.get(a)!;
      const pb = places.get(b)!;
      const ab = cut.has(`${a}>${b}`);
      const ba = cut.has(`${b}>${a}`);
      const key = `${a}-${b}`;
      if (onLinkClick) {
        hits.push(
          <line
            key={`hit-${key}`}
            className="link-hit"
            data-testid={`link-${a}-${b}`}
            data-export-omit=""
            x1={pa.x}
            y1={pa.y}
            x2={pb.x}
            y2={pb.y}
            onClick={(e) => onLinkClick(a, b, e.clientX, e.clientY)}
          >
            <title>{t('link.clickTitle', { a, b })}</title>
          </line>,
        );
      }
      if (!ab && !ba) {
        out.push(<line key={key} className="link" x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} />);
      } else if (ab && ba) {
        const mx = (pa.x + pb.x) / 2;
        const my = (pa.y + pb.y) / 2;
        out.push(
          <g key={key} className="link-cut" data-cut={`${a}<>${b}`}>
            <title>{t('link.cutBoth', { a, b })}</title>
            <line x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} />
            <path className="cut-mark" d={`M${mx - 7},${my - 7}L${mx + 7},${my + 7}M${mx - 7},${my + 7}L${mx + 7},${my - 7}`} />
          </g>,
        );
      } else {
        const [from, to] = ab ? [a, b] : [b, a];
        const lp = lanePoints(places.get(from)!, places.get(to)!)!;
        const mx = lp.start.x + (lp.end.x - lp.start.x) * 0.75;
        const my = lp.start.y + (lp.end.y - lp.start.y) * 0.75;
        out.push(
          <g key={key} className="link-cut" data-cut={`${from}>${to}`}>
            <title>{t('link.cutOne', { from, to })}</title>
            <line className="link" x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} />
            <line x1={lp.start.x} y1={lp.start.y} x2={lp.end.x} y2={lp.end.y} />
            <path className="cut-mark" d={`M${mx - 6},${my - 6}L${mx + 6},${my + 6}M${mx - 6},${my + 6}L${mx + 6},${my - 6}`} />
          </g>,
        );
      }
    }
  }
  return (
    <g className="links">
      {out}
      {hits}
    </g>
  );
}

function Message({ m, places, selected, onClick }: { m: MessageDot; places: Map<string, Place>; selected: boolean; onClick?: ClickAt }) {
  const a = places.get(m.from);
  const b = places.get(m.to);
  if (!a || !b) return null;
  const lp = lanePoints(a, b);
  if (!lp) return null;
  const p = d3.interpolateObject(lp.start, lp.end)(m.fraction);
  const color = messageColor(m.kind);
  const r = m.kind === 'Heartbeat' ? 6 : m.kind === 'AppendEntries' ? 9.5 : 8;
  const type = m.kind === 'Heartbeat' ? t('message.heartbeat') : m.kind;
  const title = t(m.lost ? 'message.titleLost' : m.blocked ? 'message.titleBlocked' : 'message.title', { type, from: m.from, to: m.to });
  const doomed = m.lost || m.blocked;
  return (
    <circle
      className={`${doomed ? 'msg msg-lost' : 'msg'}${selected ? ' msg-selected' : ''}${onClick ? ' clickable' : ''}`}
      data-msg-kind={m.kind}
      data-msg-id={m.id}
      cx={p.x}
      cy={p.y}
      r={selected ? r + 3 : r}
      fill={doomed ? '#ffffff' : color}
      stroke={selected ? '#1d232b' : doomed ? color : d3.hsl(color).darker(0.8).formatHex()}
      onClick={onClick ? (e) => onClick(e.clientX, e.clientY) : undefined}
    >
      <title>{`${title}: ${m.detail}`}</title>
    </circle>
  );
}

function Server({ v, place, nowMs, clusterSize, selected, onClick }: { v: ServerView; place: Place; nowMs: number; clusterSize: number; selected: boolean; onClick?: ClickAt }) {
  const role = drawnRole(v);
  const fill = roleColor(role);
  const ink = textOn(fill);
  const timer =
    v.electionArmedMs !== null && v.electionDeadlineMs !== null && v.electionDeadlineMs > v.electionArmedMs
      ? Math.min(1, Math.max(0, (nowMs - v.electionArmedMs) / (v.electionDeadlineMs - v.electionArmedMs)))
      : null;
  const votes = v.votesGranted.length;
  const needed = majority(clusterSize);
  return (
    <g
      className={`server server-${role}${selected ? ' server-selected' : ''}${onClick ? ' clickable' : ''}`}
      transform={`translate(${place.x},${place.y})`}
      data-node-id={v.id}
      data-role={role}
      data-term={v.currentTerm}
      data-commit-index={v.commitIndex}
      data-voted-for={v.votedFor ?? ''}
      data-log-length={v.log.length}
      data-paused={v.paused ? '1' : '0'}
      onClick={onClick ? (e) => onClick(e.clientX, e.clientY) : undefined}
    >
      <title>{t('server.title', { id: v.id, role: t(`server.role.${role}`), term: v.currentTerm, commitIndex: v.commitIndex })}</title>
      {timer !== null && (
        <g className="timer">
          <title>
            {t('server.timerTitle', {
              elapsed: Math.round(nowMs - v.electionArmedMs!),
              timeout: Math.round(v.electionDeadlineMs! - v.electionArmedMs!),
            })}
          </title>
          <path className="timer-track" d={timerArc({ endAngle: 2 * Math.PI }) ?? undefined} />
          <path d={timerArc({ endAngle: 2 * Math.PI * timer }) ?? undefined} fill={timerColor(timer)} />
        </g>
      )}
      {selected && <circle className="select-ring" r={NODE_R + 15} />}
      {role === 'leader' && <circle className="leader-halo" r={NODE_R + 8} />}
      <circle className="server-body" r={NODE_R} fill={fill} />
      {/* A pre-candidate (thesis §9.6) wears a dotted inner ring: told apart by shape, not by colour alone. */}
      {role === 'preCandidate' && <circle className="precandidate-ring" r={NODE_R - 5} />}
      {role === 'crashed' && (
        <path className="crash-cross" d={`M${-NODE_R * 0.55},${-NODE_R * 0.55}L${NODE_R * 0.55},${NODE_R * 0.55}M${-NODE_R * 0.55},${NODE_R * 0.55}L${NODE_R * 0.55},${-NODE_R * 0.55}`} />
      )}
      <text className="server-id" y={-3} fill={role === 'crashed' ? '#c9d1db' : ink}>
        {v.id}
      </text>
      <text className="server-term" y={15} fill={role === 'crashed' ? '#c9d1db' : ink}>
        {t('server.term', { term: v.currentTerm })}
      </text>
      <text className="server-role" y={NODE_R + 28}>
        {v.paused ? t('server.rolePaused', { role: t(`server.role.${role}`) }) : t(`server.role.${role}`)}
      </text>
      {v.paused && (
        <g className="pause-badge" transform={`translate(${NODE_R * 0.72},${-NODE_R * 0.72})`}>
          <title>{t('server.pausedTitle', { id: v.id })}</title>
          <circle r={11} />
          <rect x={-5} y={-6} width={3.5} height={12} rx={1} />
          <rect x={1.5} y={-6} width={3.5} height={12} rx={1} />
        </g>
      )}
      {role === 'preCandidate' && (
        <g className="votes pre-votes" transform={`translate(0,${NODE_R + 40})`}>
          <title>{t('server.preVotes', { votes, needed })}</title>
          {d3.range(clusterSize).map((i) => (
            <rect
              key={i}
              x={(i - (clusterSize - 1) / 2) * 13 - 4.5}
              y={-4.5}
              width={9}
              height={9}
              className={i < votes ? 'vote vote-granted' : 'vote'}
              stroke={i === needed - 1 ? '#7a4b00' : undefined}
            />
          ))}
        </g>
      )}
      {role === 'candidate' && (
        <g className="votes" transform={`translate(0,${NODE_R + 40})`}>
          <title>{t('server.votes', { votes, needed })}</title>
          {d3.range(clusterSize).map((i) => (
            <circle
              key={i}
              cx={(i - (clusterSize - 1) / 2) * 13}
              r={5}
              className={i < votes ? 'vote vote-granted' : 'vote'}
              stroke={i === needed - 1 ? '#7a4b00' : undefined}
            />
          ))}
        </g>
      )}
    </g>
  );
}

function Client({ id, place }: { id: string; place: Place }) {
  return (
    <g className="client" transform={`translate(${place.x},${place.y})`} data-client-id={id}>
      <title>{t('client.title', { id })}</title>
      <rect x={-CLIENT_W / 2} y={-CLIENT_H / 2} width={CLIENT_W} height={CLIENT_H} rx={5} />
      <text y={5}>{id}</text>
    </g>
  );
}

export interface ClusterViewProps {
  frame: Frame;
  selectedServer?: string | null;
  selectedMessage?: number | null;
  onServerClick?: (id: string, x: number, y: number) => void;
  onLinkClick?: (a: string, b: string, x: number, y: number) => void;
  onMessageClick?: (id: number, x: number, y: number) => void;
}

export function ClusterView({ frame, selectedServer = null, selectedMessage = null, onServerClick, onLinkClick, onMessageClick }: ClusterViewProps) {
  const ids = frame.servers.map((s) => s.id);
  const { places, height } = layout(ids, frame.clients);
  return (
    <svg className="cluster" viewBox={`0 0 ${VIEW_W} ${height}`} role="img" aria-label={t('cluster.label')} data-testid="cluster">
      <Links servers={ids} places={places} cutLinks={frame.cutLinks} onLinkClick={onLinkClick} />
      {frame.clients.map((c) => (
        <Client key={c} id={c} place={places.get(c)!} />
      ))}
      {frame.servers.map((v) => (
        <Server
          key={v.id}
          v={v}
          place={places.get(v.id)!}
          nowMs={frame.nowMs}
          clusterSize={ids.length}
          selected={v.id === selectedServer}
          onClick={onServerClick ? (x, y) => onServerClick(v.id, x, y) : undefined}
        />
      ))}
      <g className="messages">
        {frame.messages.map((m) => (
          <Message key={m.id} m={m} places={places} selected={m.id === selectedMessage} onClick={onMessageClick ? (x, y) => onMessageClick(m.id, x, y) : undefined} />
        ))}
      </g>
    </svg>
  );
}
