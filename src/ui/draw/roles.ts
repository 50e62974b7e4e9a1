/**
 * How each role is drawn, in one table: fill, text colour, outline (width and dash pattern) and
 * an icon, so roles stay apart without colour (greyscale print-outs, washed-out projectors,
 * colour-blind readers). The fills are spread in luminance (follower light, candidate mid,
 * leader dark; WCAG relative luminance about 0.77, 0.28 and 0.08) and each text colour has at
 * least 4.5:1 contrast on its fill (WCAG 2.x AA for text), checked by test/look.test.ts.
 *
 * `preCandidate` (etcd raft's StatePreCandidate, Raft thesis §9.6 PreVote) has its style here
 * ahead of the role itself: dotted outline and a question-mark icon.
 */

/** A role as drawn: Raft's three, PreVote's pre-candidate, and a crashed server. */
export type StyledRole = 'follower' | 'preCandidate' | 'candidate' | 'leader' | 'crashed';
export const STYLED_ROLES: readonly StyledRole[] = ['follower', 'preCandidate', 'candidate', 'leader', 'crashed'];

/** The small symbol drawn on a server's rim, besides its colour (none for a follower). */
export type RoleIcon = 'none' | 'question' | 'ballot' | 'crown' | 'cross';

export interface RoleStyle {
  /** The server's body. */
  fill: string;
  /** Text drawn on the body (id, role, term): ≥ 4.5:1 on `fill`. */
  ink: string;
  /** The outline of the body. */
  stroke: string;
  /** Its width in SVG user units (px of the ring's viewBox). */
  strokeWidth: number;
  /** Its dash pattern as for `stroke-dasharray`, or null for a solid line. */
  dash: string | null;
  icon: RoleIcon;
}

export const ROLE_STYLES: Readonly<Record<StyledRole, RoleStyle>> = {
  follower: { fill: '#c5d3e3', ink: '#1d232b', stroke: '#52647a', strokeWidth: 2.5, dash: null, icon: 'none' },
  preCandidate: { fill: '#f7d98b', ink: '#1d232b', stroke: '#7a4b00', strokeWidth: 3, dash: '2 4', icon: 'question' },
  candidate: { fill: '#d97706', ink: '#111418', stroke: '#6b3500', strokeWidth: 3.5, dash: '7 4', icon: 'ballot' },
  leader: { fill: '#17592b', ink: '#ffffff', stroke: '#0b2e16', strokeWidth: 4, dash: null, icon: 'crown' },
  crashed: { fill: '#2b2f36', ink: '#e9ecef', stroke: '#e03131', strokeWidth: 3, dash: '3 3', icon: 'cross' },
};

/** The style of `role`. */
export function roleStyle(role: StyledRole): RoleStyle {
  return ROLE_STYLES[role];
}

/**
 * How the cluster counts a server (etcd raft tracker.Config; ServerView.membership): a voter, a
 * learner (receives the log, never votes or campaigns), a spare (exists, not added yet) or a
 * removed server (was a member). Drawn on top of the role's style, again not by colour alone:
 * - voter: the role's style as it is;
 * - learner: a second, dashed outline inside the body and a book icon on its left rim (it learns
 *   the log), and "learner" written where the role is;
 * - spare: off the ring, on a bench under it, smaller, greyed, dotted, with a plus icon (it can be
 *   added), "spare" written;
 * - removed: faded to `opacity`, with a minus icon, "(removed)" written after the role.
 */
export type Membership = 'voter' | 'learner' | 'spare' | 'removed';
export const MEMBERSHIPS: readonly Membership[] = ['voter', 'learner', 'spare', 'removed'];

/** A membership's mark on the server's left rim (none for a voter). */
export type MemberIcon = 'none' | 'book' | 'plus' | 'minus';

export interface MemberStyle {
  /** A second outline inside the body (dash pattern, or null for none). */
  innerDash: string | null;
  icon: MemberIcon;
  /** Opacity of the whole server. */
  opacity: number;
  /** The body's fill, text colour, outline and dash instead of the role's (a spare that is not running), or null to keep the role's. */
  body: Pick<RoleStyle, 'fill' | 'ink' | 'stroke' | 'strokeWidth' | 'dash'> | null;
  /** Drawn on the ring (else on the bench under it). */
  onRing: boolean;
}

export const MEMBER_STYLES: Readonly<Record<Membership, MemberStyle>> = {
  voter: { innerDash: null, icon: 'none', opacity: 1, body: null, onRing: true },
  learner: { innerDash: '5 3', icon: 'book', opacity: 1, body: null, onRing: true },
  spare: { innerDash: null, icon: 'plus', opacity: 1, body: { fill: '#e9ecef', ink: '#343a40', stroke: '#868e96', strokeWidth: 2, dash: '1.5 3.5' }, onRing: false },
  removed: { innerDash: null, icon: 'minus', opacity: 0.55, body: null, onRing: true },
};

/** The style of `m`. */
export function memberStyle(m: Membership): MemberStyle {
  return MEMBER_STYLES[m];
}
