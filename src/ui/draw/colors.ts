/**
 * Colours of roles, message kinds and terms, as d3 ordinal scales (one place, so the legend and
 * the pictures always agree).
 */
import * as d3 from 'd3';
import { MESSAGE_KINDS, type MessageKind } from '../model/timelineModel';
import { ROLE_STYLES } from './roles';

export type DrawnRole = 'follower' | 'candidate' | 'leader' | 'crashed' | 'preCandidate';
export const DRAWN_ROLES: DrawnRole[] = ['follower', 'candidate', 'leader', 'crashed', 'preCandidate'];

/** A role's fill (from the role table in roles.ts, where its outline and icon are too). */
export const roleColor = d3
  .scaleOrdinal<DrawnRole, string>()
  .domain(DRAWN_ROLES)
  .range(DRAWN_ROLES.map((r) => ROLE_STYLES[r].fill));

export const messageColor = d3
  .scaleOrdinal<MessageKind, string>()
  .domain(MESSAGE_KINDS)
  .range(['#e8590c', '#f5c211', '#1c6dd0', '#74b6f0', '#12a4a0', '#9c36b5', '#e64980', '#c2255c', '#f08c00', '#2b8a3e', '#5f3dc4', '#868e96', '#a0522d', '#c8864f']);

/** Term colours cycle through Tableau 10 (term 1 gets the first colour). */
const termScale = d3.scaleOrdinal<number, string>().domain(d3.range(0, 10)).range(d3.schemeTableau10);

export function termColor(term: number): string {
  return termScale(((term - 1) % 10 + 10) % 10);
}

/** WCAG 2.x relative luminance of a CSS colour (0 black .. 1 white). */
export function luminance(color: string): number {
  const c = d3.rgb(color);
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2.x contrast ratio of two colours, 1..21 (4.5 is AA for text, 3 for large text and graphics). */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const DARK_INK = '#1d232b';
const LIGHT_INK = '#ffffff';

/**
 * Dark or white text, whichever has the higher contrast on `background`; black when neither
 * reaches 4.5:1 (mid-tone backgrounds) and black reads better.
 */
export function textOn(background: string): string {
  const best = contrast(DARK_INK, background) >= contrast(LIGHT_INK, background) ? DARK_INK : LIGHT_INK;
  if (contrast(best, background) >= 4.5) return best;
  return contrast('#000000', background) > contrast(best, background) ? '#000000' : best;
}

/**
 * `color` darkened (on a light background) or lightened (on a dark one) in small steps until it
 * has at least `min` contrast with `background` (WCAG AA for text: 4.5).
 */
export function readableOn(color: string, background: string, min = 4.5): string {
  const lighten = luminance(background) < 0.18;
  let c = d3.hsl(color);
  for (let i = 0; i < 40 && contrast(c.formatHex(), background) < min; i++) c = lighten ? c.brighter(0.15) : c.darker(0.15);
  return c.formatHex();
}

/** A term's colour as text or outline on white, dark enough to read (≥ 4.5:1). */
export function darker(color: string): string {
  return readableOn(d3.hsl(color).darker(0.6).formatHex(), '#ffffff');
}
