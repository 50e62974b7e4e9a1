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
