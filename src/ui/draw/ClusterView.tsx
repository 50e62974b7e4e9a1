/**
 * The cluster as a ring of servers with the messages in flight between them (SVG drawn by React;
 * d3 gives the angles, the timer arcs and the interpolations; roles are drawn from roles.ts).
 *
 * Every server's id, role and term are written inside its circle, and messages travel from just
 * outside one circle to just outside another, so a message never covers a label. Clients sit in a
 * row below everything a server draws (timer arc, vote dots).
 *
 * Keyboard: the ring is one tab stop; the arrow keys move between its servers, links and messages
 * in flight (Home, End: first, last); Enter or Space opens the item's menu (Escape closes it, and
 * the focus comes back). Each item has a role and a label a screen reader announces ("S3, leader,
 * term 4", "AppendEntries from S1 to S3, 2 entries", "link S1–S3, cut"). With
 * `prefers-reduced-motion: reduce` messages are drawn still, halfway along their way.
 */
import * as d3 from 'd3';
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { ServerView } from '../../sim/types';
import { messageColor } from './colors';
import { memberStyle, roleStyle, type MemberIcon, type RoleIcon, type StyledRole } from './roles';
import type { Frame, MessageDot } from '../model/frame';
import { lastLogIndex } from '../model/logView';
import { t } from '../i18n';
import { useReducedMotion } from './useReducedMotion';
import './ring.css';

export const VIEW_W = 520;
const CX = VIEW_W / 2;
const RING_R = 184;
/** A server's radius: its id, role and term are written inside. */
export const NODE_R = 46;
/** The election timer arc, outside the circle. */
const TIMER_IN = NODE_R + 5;
const TIMER_OUT = NODE_R + 12;
/** The candidate's vote dots, in a row under the timer arc. */
const VOTES_Y = NODE_R + 21;
const VOTE_R = 5;
/** Everything a server draws lies within this distance below its centre. */
const SERVER_BOTTOM = VOTES_Y + VOTE_R + 2;
/** A spare's radius on the bench under the ring (it is not a member yet). */
export const SPARE_R = 30;
/** Room above the top server for its timer arc and icon. */
const CY = RING_R + NODE_R + 20;
/** A client chip's least width; longer names get a wider chip (see clientWidth). */
export const CLIENT_W = 44;
export const CLIENT_H = 28;
/** The width of a client's chip: its name fits (about 8.5 px a character at 13 px bold). */
export function clientWidth(id: string): number {
  return Math.max(CLIENT_W, Math.ceil(8.5 * [...id].length + 14));
}
/** Messages going a→b and b→a travel on either side of the line, this far from it. */
const LANE = 6;
/** A message dot keeps this far outside a server's circle. */
const DOT_GAP = 3;

interface Point {
  x: number;
  y: number;
}

export interface Place extends Point {
  /** Distance from the centre to the shape's edge (for where messages leave and arrive). */
  edge: number;
  kind: 'server' | 'client';
}

/**
 * Places servers on the ring (the first at the top, clockwise), `bench` servers (spares, not members
 * yet) in a row under the ring, and clients in a row under everything a server draws (its circle,
 * timer arc and vote dots).
 */
export function layout(serverIds: string[], clients: string[], bench: string[] = []): { places: Map<string, Place>; height: number } {
  const places = new Map<string, Place>();
  const angle = d3.scaleLinear().domain([0, serverIds.length]).range([-Math.PI / 2, (3 * Math.PI) / 2]);
  serverIds.forEach((id, i) => {
    const a = angle(i);
    const r = serverIds.length === 1 ? 0 : RING_R;
    places.set(id, { x: CX + r * Math.cos(a), y: CY + r * Math.sin(a), edge: NODE_R, kind: 'server' });
  });
  let serversBottom = 0;
  for (const id of serverIds) serversBottom = Math.max(serversBottom, places.get(id)!.y + SERVER_BOTTOM);
  if (bench.length) {
    // The bench: under the ring's lowest point (never higher than just below the ring), spaced evenly.
    const benchY = Math.max(serversBottom + 12 + SPARE_R, serverIds.length > 1 ? CY + RING_R + NODE_R + 16 + SPARE_R : 0);
    const step = 2 * SPARE_R + 22;
    const perRow = Math.max(1, Math.floor((VIEW_W - 20) / step));
    bench.forEach((id, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, bench.length - row * perRow);
      const k = i - row * perRow;
      places.set(id, { x: CX + (k - (inRow - 1) / 2) * step, y: benchY + row * (2 * SPARE_R + 16), edge: SPARE_R, kind: 'server' });
    });
    serversBottom = benchY + (Math.ceil(bench.length / perRow) - 1) * (2 * SPARE_R + 16) + SPARE_R + 8;
  }
  // Under the servers' lowest point, but never higher than just below the ring (odd counts leave a gap).
  const clientY = Math.max(serversBottom + 14 + CLIENT_H / 2, serverIds.length > 1 ? CY + RING_R + 40 : 0);
  const step = Math.max(...clients.map(clientWidth), CLIENT_W) + 16;
  const clientX = d3
    .scalePoint<string>()
    .domain(clients)
    .range([CX - (step / 2) * (clients.length - 1), CX + (step / 2) * (clients.length - 1)]);
  for (const c of clients) {
    places.set(c, { x: clients.length === 1 ? CX : clientX(c)!, y: clientY, edge: CLIENT_H / 2 + 2, kind: 'client' });
  }
  // Whole pixels: the viewBox is copied into exported SVGs, where browsers read sizes as float32.
  const height = Math.ceil(clients.length ? clientY + CLIENT_H / 2 + 10 : serversBottom + 10);
  return { places, height };
}

const timerArc = d3.arc<{ endAngle: number }>()
  .innerRadius(TIMER_IN)
  .outerRadius(TIMER_OUT)
  .startAngle(0)
  .cornerRadius(2);

/** Timer colour: calm grey-blue when just armed, turning red as the timeout nears. */
const timerColor = d3.scaleLinear<string>().domain([0, 0.7, 1]).range(['#8b9bb0', '#e8a33d', '#d9480f']).clamp(true);

/** A server's drawn role; a spare that never started is not crashed (it is drawn as a spare, see MEMBER_STYLES). */
function drawnRole(v: ServerView): StyledRole {
  return v.up || v.membership === 'spare' ? v.role : 'crashed';
}

function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** A message dot's radius by kind. */
function dotRadius(m: MessageDot): number {
  // An InstallSnapshot carries the whole state machine: the biggest dot.
  return m.kind === 'Heartbeat' ? 6 : m.kind === 'AppendEntries' ? 9.5 : m.kind === 'InstallSnapshot' ? 11 : 8;
}

/**
 * Where a message between two places is drawn: from just outside one shape to just outside the
 * other (a dot of radius `dotR` never enters a circle or covers a client chip), in its own lane.
 */
function lanePoints(a: Place, b: Place, dotR = 0): { start: Point; end: Point } | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len < 1) return null;
  const ux = dx / len;
  const uy = dy / len;
  // Perpendicular to the right of the direction of travel.
  const nx = -uy * LANE;
  const ny = ux * LANE;
  const ea = a.edge + (dotR > 0 ? dotR + DOT_GAP : 0);
  const eb = b.edge + (dotR > 0 ? dotR + DOT_GAP : 0);
  return {
    start: { x: a.x + ux * ea + nx, y: a.y + uy * ea + ny },
    end: { x: b.x - ux * eb + nx, y: b.y - uy * eb + ny },
  };
}

/** Font size that fits `text` in `width` (an estimate: 0.62 em per character, CJK 1 em). */
function fitFont(text: string, size: number, width: number): number {
  let em = 0;
  for (const ch of text) em += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.62;
  return em * size <= width ? size : Math.max(7, Math.floor((width / em) * 10) / 10);
}

// ---- keyboard: one tab stop, arrows inside -------------------------------------------------

/** Opens an item's menu at a point on the screen. */
type OpenAt = (x: number, y: number) => void;

interface Item {
  key: string;
  open?: OpenAt;
  /** Where the focus goes if this item disappears (a delivered message: its destination). */
  fallback: string | null;
}

function centreOf(el: Element): Point {
  const r = el.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}

function linkKey(a: string, b: string): string {
  return `l:${a}|${b}`;
}

/** Props every focusable item of the ring gets: roving tabindex, role, key. */
function itemProps(key: string, active: string | null, label: string, hasMenu: boolean) {
  return {
    'data-key': key,
    tabIndex: key === active ? 0 : -1,
    role: 'button',
    'aria-label': label,
    'aria-haspopup': hasMenu ? ('dialog' as const) : undefined,
  };
}

// ---- pieces --------------------------------------------------------------------------------

function linkLabel(a: string, b: string, ab: boolean, ba: boolean): string {
  if (ab && ba) return t('ring.linkCut', { a, b });
  if (ab) return t('ring.linkCutOne', { a, b, from: a, to: b });
  if (ba) return t('ring.linkCutOne', { a, b, from: b, to: a });
  return t('ring.link', { a, b });
}

function Links({ servers, places, cutLinks, active, onLinkClick }: { servers: string[]; places: Map<string, Place>; cutLinks: [string, string][]; active: string | null; onLinkClick?: (a: string, b: string, x: number, y: number) => void }) {
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
          <g key={`hit-${key}`} className="link-item" data-export-omit="" {...itemProps(linkKey(a, b), active, linkLabel(a, b, ab, ba), true)}>
            <line className="link-focus" x1={pa.x} y1={pa.y} x2={pb.x} y2={pb.y} />
            <line
              className="link-hit"
              data-testid={`link-${a}-${b}`}
              x1={pa.x}
              y1={pa.y}
              x2={pb.x}
              y2={pb.y}
              onClick={(e) => onLinkClick(a, b, e.clientX, e.clientY)}
            >
              <title>{t('link.clickTitle', { a, b })}</title>
            </line>
          </g>,
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

function messageLabel(m: MessageDot): string {
  const type = m.kind === 'Heartbeat' ? t('message.heartbeat') : m.kind;
  const base =
    m.entries > 0
      ? t(m.entries === 1 ? 'ring.messageOneEntry' : 'ring.messageEntries', { type, from: m.from, to: m.to, count: m.entries })
      : t('ring.message', { type, from: m.from, to: m.to });
  if (m.lost) return t('ring.messageLost', { message: base });
  if (m.blocked) return t('ring.messageBlocked', { message: base });
  return base;
}

function Message({ m, places, selected, still, active, onClick }: { m: MessageDot; places: Map<string, Place>; selected: boolean; still: boolean; active: string | null; onClick?: OpenAt }) {
  const a = places.get(m.from);
  const b = places.get(m.to);
  if (!a || !b) return null;
  const r = dotRadius(m);
  const lp = lanePoints(a, b, r + 3);
  if (!lp) return null;
  const p = d3.interpolateObject(lp.start, lp.end)(still ? 0.5 : m.fraction);
  const color = messageColor(m.kind);
  const type = m.kind === 'Heartbeat' ? t('message.heartbeat') : m.kind;
  const title = t(m.lost ? 'message.titleLost' : m.blocked ? 'message.titleBlocked' : 'message.title', { type, from: m.from, to: m.to });
  const doomed = m.lost || m.blocked;
  const key = `m:${m.id}`;
  return (
    <g className="msg-item" transform={`translate(${p.x},${p.y})`} {...(onClick ? itemProps(key, active, messageLabel(m), true) : {})}>
      <circle className="focus-ring" r={r + 6} data-export-omit="" />
      <circle
        className={`${doomed ? 'msg msg-lost' : 'msg'}${selected ? ' msg-selected' : ''}${onClick ? ' clickable' : ''}`}
        data-msg-kind={m.kind}
        data-msg-id={m.id}
        r={selected ? r + 3 : r}
        fill={doomed ? '#ffffff' : color}
        stroke={selected ? '#1d232b' : doomed ? color : d3.hsl(color).darker(0.8).formatHex()}
        onClick={onClick ? (e) => onClick(e.clientX, e.clientY) : undefined}
      >
        <title>{`${title}: ${m.detail}`}</title>
      </circle>
    </g>
  );
}

/** A role's icon on the server's rim (top right; the pause badge goes top left). */
function RoleMark({ icon, stroke }: { icon: RoleIcon; stroke: string }) {
  const at = `translate(${NODE_R * 0.72},${-NODE_R * 0.72})`;
  switch (icon) {
    case 'crown':
      return (
        <g className="role-icon icon-crown" transform={`translate(0,${-NODE_R - 1})`} aria-hidden="true">
          <path d="M-12,5L-13,-7L-6,-1L0,-10L6,-1L13,-7L12,5Z" fill="#ffd43b" stroke={stroke} strokeWidth={1.8} strokeLinejoin="round" />
        </g>
      );
    case 'ballot':
      return (
        <g className="role-icon icon-ballot" transform={at} aria-hidden="true">
          <circle r={11} fill="#ffffff" stroke={stroke} strokeWidth={2} />
          <path d="M-5,0L-1.5,4L5.5,-4.5" fill="none" stroke={stroke} strokeWidth={2.4} strokeLinecap="round" strokeLinejoin="round" />
        </g>
      );
    case 'question':
      return (
        <g className="role-icon icon-question" transform={at} aria-hidden="true">
          <circle r={11} fill="#ffffff" stroke={stroke} strokeWidth={2} />
          <text className="icon-text" y={5} fill={stroke}>
            ?
          </text>
        </g>
      );
    case 'cross':
      return (
        <path
          className="crash-cross"
          aria-hidden="true"
          d={`M${-NODE_R * 0.62},${-NODE_R * 0.62}L${NODE_R * 0.62},${NODE_R * 0.62}M${-NODE_R * 0.62},${NODE_R * 0.62}L${NODE_R * 0.62},${-NODE_R * 0.62}`}
        />
      );
    case 'none':
      return null;
  }
}

/** A membership's icon on the server's lower left rim (the pause badge is upper left). */
function MemberMark({ icon, stroke, r }: { icon: MemberIcon; stroke: string; r: number }) {
  if (icon === 'none') return null;
  const at = `translate(${-r * 0.72},${r * 0.72})`;
  return (
    <g className={`member-icon icon-${icon}`} transform={at} aria-hidden="true">
      <circle r={10} fill="#ffffff" stroke={stroke} strokeWidth={1.8} />
      {icon === 'book' && (
        // An open book: two pages and the spine.
        <path d="M0,-4.5L0,5M0,-4.5C-2,-6 -4.5,-6 -6,-5L-6,4C-4.5,3 -2,3 0,5C2,3 4.5,3 6,4L6,-5C4.5,-6 2,-6 0,-4.5Z" fill="none" stroke={stroke} strokeWidth={1.5} strokeLinejoin="round" />
      )}
      {icon === 'plus' && <path d="M-5,0L5,0M0,-5L0,5" stroke={stroke} strokeWidth={2.4} strokeLinecap="round" />}
      {icon === 'minus' && <path d="M-5,0L5,0" stroke={stroke} strokeWidth={2.6} strokeLinecap="round" />}
    </g>
  );
}

/** The words for a server's state on the ring: its role, or what its membership makes of it. */
function roleWords(v: ServerView, role: StyledRole): string {
  const roleName = t(`server.role.${role}`);
  if (v.membership === 'spare') return t('server.member.spare');
  if (v.membership === 'learner' && role !== 'crashed') return t('server.member.learner');
  // One word inside the circle (a role plus "(removed)" overflowed it); the minus icon and fading say the rest, the log panel the role.
  if (v.membership === 'removed') return t('server.member.removedShort');
  return roleName;
}

/** Which half of a joint configuration (Raft paper §6: C_old,new) a server votes in, from the leader's configuration. */
export type JointHalf = 'old' | 'new' | 'both';

function jointHalves(frame: Frame): Map<string, JointHalf> {
  const out = new Map<string, JointHalf>();
  const leader = frame.leaderId ? frame.servers.find((s) => s.id === frame.leaderId) : undefined;
  const c = leader?.config;
  if (!c || c.votersOutgoing.length === 0) return out;
  for (const s of frame.servers) {
    const inOld = c.votersOutgoing.includes(s.id);
    const inNew = c.voters.includes(s.id);
    if (inOld || inNew) out.set(s.id, inOld && inNew ? 'both' : inOld ? 'old' : 'new');
  }
  return out;
}

/** The joint-configuration badge under a server: which majority it counts in (C_old, C_new or both). */
function JointBadge({ half, r }: { half: JointHalf; r: number }) {
  const text = t(`ring.joint.${half}`);
  const w = Math.max(38, 8 * [...text].length + 10);
  return (
    <g className={`joint-badge joint-${half}`} transform={`translate(0,${r + 20})`} aria-hidden="true">
      <rect x={-w / 2} y={-9} width={w} height={18} rx={9} strokeDasharray={half === 'old' ? '3 2' : undefined} />
      <text y={4.5}>{text}</text>
    </g>
  );
}

function Server({ v, place, nowMs, clusterSize, selected, active, onClick, half }: { v: ServerView; place: Place; nowMs: number; clusterSize: number; selected: boolean; active: string | null; onClick?: OpenAt; half?: JointHalf }) {
  const role = drawnRole(v);
  const member = memberStyle(v.membership);
  const style = member.body ? { ...roleStyle(role), ...member.body } : roleStyle(role);
  const R = place.edge;
  // Only a voter's election timer starts anything: a learner's, a spare's or a removed server's only notes campaignSkipped.
  const timer =
    v.membership === 'voter' && v.electionArmedMs !== null && v.electionDeadlineMs !== null && v.electionDeadlineMs > v.electionArmedMs
      ? Math.min(1, Math.max(0, (nowMs - v.electionArmedMs) / (v.electionDeadlineMs - v.electionArmedMs)))
      : null;
  const votes = v.votesGranted.length;
  // A candidate counts the voters of its own configuration (joint: both halves, the incoming one drawn).
  const voters = v.config.voters.length || clusterSize;
  const needed = majority(voters);
  const roleName = roleWords(v, role);
  const roleText = v.paused ? t('server.rolePaused', { role: roleName }) : roleName;
  const termText = t('server.term', { term: v.currentTerm });
  const label = v.membership === 'spare'
    ? t('ring.serverSpare', { id: v.id })
    : half
      ? t(v.paused ? 'ring.serverJointPaused' : 'ring.serverJoint', { id: v.id, role: roleName, term: v.currentTerm, half: t(`ring.jointHalf.${half}`) })
      : t(v.paused ? 'ring.serverPaused' : 'ring.server', { id: v.id, role: roleName, term: v.currentTerm });
  const small = R < NODE_R;
  return (
    <g
      className={`server server-${role} member-${v.membership}${selected ? ' server-selected' : ''}${onClick ? ' clickable' : ''}`}
      opacity={member.opacity < 1 ? member.opacity : undefined}
      data-membership={v.membership}
      transform={`translate(${place.x},${place.y})`}
      data-node-id={v.id}
      data-role={role}
      data-icon={style.icon}
      data-term={v.currentTerm}
      data-commit-index={v.commitIndex}
      data-voted-for={v.votedFor ?? ''}
      data-log-length={lastLogIndex(v)}
      data-paused={v.paused ? '1' : '0'}
      onClick={onClick ? (e) => onClick(e.clientX, e.clientY) : undefined}
      {...(onClick ? itemProps(`s:${v.id}`, active, label, true) : { role: 'img', 'aria-label': label })}
    >
      <title>{v.membership === 'spare' ? t('ring.serverSpare', { id: v.id }) : t('server.title', { id: v.id, role: roleName, term: v.currentTerm, commitIndex: v.commitIndex })}</title>
      <circle className="focus-ring" r={R + TIMER_OUT - NODE_R + 5} data-export-omit="" />
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
      {selected && <circle className="select-ring" r={R + TIMER_OUT - NODE_R + 2} />}
      {role === 'leader' && <circle className="leader-halo" r={NODE_R + 7} />}
      <circle className="server-body" r={R} fill={style.fill} stroke={style.stroke} strokeWidth={style.strokeWidth} strokeDasharray={style.dash ?? undefined} />
      {member.innerDash && <circle className="member-inner" r={R - 6} fill="none" stroke={style.stroke} strokeWidth={1.6} strokeDasharray={member.innerDash} />}
      {role === 'crashed' && v.membership !== 'spare' && <RoleMark icon="cross" stroke={style.stroke} />}
      {/* One text, so what is seen reads as the label says ("S3 leader term 4"). */}
      {small ? (
        <text className="server-text" fill={style.ink}>
          <tspan className="server-id" x={0} y={-3}>
            {v.id}
          </tspan>{' '}
          <tspan className="server-role" x={0} y={12} fontSize={fitFont(roleText, 11, 2 * R - 12)}>
            {roleText}
          </tspan>
        </text>
      ) : (
        <text className="server-text" fill={style.ink}>
          <tspan className="server-id" x={0} y={-10}>
            {v.id}
          </tspan>{' '}
          <tspan className="server-role" x={0} y={8} fontSize={fitFont(roleText, 13, 2 * Math.sqrt(NODE_R ** 2 - 13 ** 2) - 10)}>
            {roleText}
          </tspan>{' '}
          <tspan className="server-term" x={0} y={25}>
            {termText}
          </tspan>
        </text>
      )}
      {role !== 'crashed' && v.membership !== 'spare' && <RoleMark icon={style.icon} stroke={style.stroke} />}
      <MemberMark icon={member.icon} stroke={style.stroke} r={R} />
      {half && role !== 'candidate' && role !== 'preCandidate' && <JointBadge half={half} r={R} />}
      {v.paused && (
        <g className="pause-badge" transform={`translate(${-NODE_R * 0.72},${-NODE_R * 0.72})`}>
          <title>{t('server.pausedTitle', { id: v.id })}</title>
          <circle r={11} />
          <rect x={-5} y={-6} width={3.5} height={12} rx={1} />
          <rect x={1.5} y={-6} width={3.5} height={12} rx={1} />
        </g>
      )}
      {role === 'preCandidate' && (
        <g className="votes pre-votes" transform={`translate(0,${NODE_R + 40})`}>
          <title>{t('server.preVotes', { votes, needed })}</title>
          {d3.range(voters).map((i) => (
            <rect
              key={i}
              x={(i - (voters - 1) / 2) * 13 - 4.5}
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
        <g className="votes" transform={`translate(0,${VOTES_Y})`}>
          <title>{t('server.votes', { votes, needed })}</title>
          {d3.range(voters).map((i) => (
            <circle
              key={i}
              cx={(i - (voters - 1) / 2) * 13}
              r={VOTE_R}
              className={i < votes ? 'vote vote-granted' : 'vote'}
              stroke={i === needed - 1 ? '#5c3200' : undefined}
            />
          ))}
        </g>
      )}
    </g>
  );
}

function Client({ id, place }: { id: string; place: Place }) {
  return (
    <g className="client" transform={`translate(${place.x},${place.y})`} data-client-id={id} role="img" aria-label={t('client.title', { id })}>
      <title>{t('client.title', { id })}</title>
      <rect x={-clientWidth(id) / 2} y={-CLIENT_H / 2} width={clientWidth(id)} height={CLIENT_H} rx={5} />
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
  // Members (and removed servers) on the ring; spares on the bench under it, with no links.
  const ringIds = frame.servers.filter((s) => memberStyle(s.membership).onRing).map((s) => s.id);
  const benchIds = frame.servers.filter((s) => !memberStyle(s.membership).onRing).map((s) => s.id);
  const { places, height } = layout(ringIds, frame.clients, benchIds);
  const halves = jointHalves(frame);
  const still = useReducedMotion();
  const svgRef = useRef<SVGSVGElement | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const focusWithin = useRef(false);

  // The ring's items in keyboard order: servers, links, messages in flight.
  const items: Item[] = [];
  if (onServerClick) for (const id of ids) items.push({ key: `s:${id}`, fallback: null, open: (x, y) => onServerClick(id, x, y) });
  if (onLinkClick) {
    for (let i = 0; i < ringIds.length; i++) for (let j = i + 1; j < ringIds.length; j++) {
      const [a, b] = [ringIds[i], ringIds[j]];
      items.push({ key: linkKey(a, b), fallback: `s:${a}`, open: (x, y) => onLinkClick(a, b, x, y) });
    }
  }
  if (onMessageClick) {
    for (const m of frame.messages) {
      if (places.has(m.from) && places.has(m.to)) items.push({ key: `m:${m.id}`, fallback: places.get(m.to)!.kind === 'server' ? `s:${m.to}` : `s:${m.from}`, open: (x, y) => onMessageClick(m.id, x, y) });
    }
  }
  const byKey = new Map(items.map((it) => [it.key, it]));
  const active = focusKey !== null && byKey.has(focusKey) ? focusKey : items[0]?.key ?? null;

  // The focused message was delivered (or its server left): focus moves to where it was going.
  const lastFallback = useRef<string | null>(null);
  if (focusKey !== null && byKey.has(focusKey)) lastFallback.current = byKey.get(focusKey)!.fallback;
  useLayoutEffect(() => {
    if (!focusWithin.current || focusKey === null || byKey.has(focusKey)) return;
    const lost = document.activeElement === null || document.activeElement === document.body;
    const next = lastFallback.current && byKey.has(lastFallback.current) ? lastFallback.current : items[0]?.key ?? null;
    setFocusKey(next);
    if (lost && next) svgRef.current?.querySelector<SVGElement>(`[data-key="${CSS.escape(next)}"]`)?.focus();
  });

  const focusItem = (key: string) => {
    setFocusKey(key);
    svgRef.current?.querySelector<SVGElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const el = (e.target as Element).closest('[data-key]');
    const key = el?.getAttribute('data-key');
    if (!el || !key) return;
    const at = items.findIndex((it) => it.key === key);
    let next: number | null = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (at + 1) % items.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (at - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      const p = centreOf(el);
      items[at]?.open?.(p.x, p.y);
    } else return;
    e.preventDefault();
    e.stopPropagation();
    if (next !== null && items[next]) focusItem(items[next].key);
  };

  const interactive = items.length > 0;
  return (
    <svg
      ref={svgRef}
      className="cluster"
      viewBox={`0 0 ${VIEW_W} ${height}`}
      role={interactive ? 'group' : 'img'}
      aria-label={t(interactive ? 'ring.label' : 'cluster.label', { count: ids.length })}
      aria-roledescription={interactive ? t('ring.roleDescription') : undefined}
      data-testid="cluster"
      data-still={still ? '1' : '0'}
      onKeyDown={interactive ? onKeyDown : undefined}
      onFocus={(e) => {
        focusWithin.current = true;
        const key = (e.target as Element).getAttribute?.('data-key');
        if (key && key !== focusKey) setFocusKey(key);
      }}
      onBlur={(e) => {
        const to = e.relatedTarget as Node | null;
        if (to && !svgRef.current?.contains(to)) focusWithin.current = false;
      }}
    >
      <Links servers={ringIds} places={places} cutLinks={frame.cutLinks} active={active} onLinkClick={onLinkClick} />
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
          half={halves.get(v.id)}
          selected={v.id === selectedServer}
          active={active}
          onClick={onServerClick ? (x, y) => onServerClick(v.id, x, y) : undefined}
        />
      ))}
      <g className="messages">
        {frame.messages.map((m) => (
          <Message key={m.id} m={m} places={places} selected={m.id === selectedMessage} still={still} active={active} onClick={onMessageClick ? (x, y) => onMessageClick(m.id, x, y) : undefined} />
        ))}
      </g>
    </svg>
  );
}
