/**
 * Colours of roles, message kinds and terms, as d3 ordinal scales (one place, so the legend and
 * the pictures always agree).
 */
import * as d3 from 'd3';
import { MESSAGE_KINDS, type MessageKind } from '../model/timelineModel';

export type DrawnRole = 'follower' | 'candidate' | 'leader' | 'crashed' | 'preCandidate';
export const DRAWN_ROLES: DrawnRole[] = ['follower', 'candidate', 'leader', 'crashed', 'preCandidate'];

export const roleColor = d3
  .scaleOrdinal<DrawnRole, string>()
  .domain(DRAWN_ROLES)
  .range(['#8497b0', '#f0a202', '#2f9e44', '#2b2f36', '#f6d37a']);

export const messageColor = d3
  .scaleOrdinal<MessageKind, string>()
  .domain(MESSAGE_KINDS)
  .range(['#e8590c', '#f5c211', '#1c6dd0', '#74b6f0', '#12a4a0', '#9c36b5', '#e64980', '#c2255c', '#f08c00', '#2b8a3e', '#5f3dc4', '#868e96']);

/** Term colours cycle through Tableau 10 (term 1 gets the first colour). */
const termScale = d3.scaleOrdinal<number, string>().domain(d3.range(0, 10)).range(d3.schemeTableau10);

export function termColor(term: number): string {
  return termScale(((term - 1) % 10 + 10) % 10);
}

/** Dark or light text, whichever reads on `background`. */
export function textOn(background: string): string {
  const c = d3.hsl(background);
  return c.l > 0.62 ? '#1d232b' : '#ffffff';
}

/** A darker shade for text and outlines drawn in a term's colour on white. */
export function darker(color: string): string {
  return d3.hsl(color).darker(0.6).formatHex();
}
