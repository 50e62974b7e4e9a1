/**
 * Issue 9, look: the role table (roles.ts) keeps roles apart without colour and its text legible,
 * the colour helpers compute WCAG contrast, and the ring's layout keeps client chips clear of
 * everything a server draws for every cluster size the custom-cluster dialog allows.
 */
import { describe, expect, it } from 'vitest';
import { CLIENT_H, CLIENT_W, layout, NODE_R } from '../src/ui/draw/ClusterView';
import { contrast, darker, luminance, readableOn, termColor, textOn } from '../src/ui/draw/colors';
import { ROLE_STYLES, STYLED_ROLES } from '../src/ui/draw/roles';

describe('role styles (roles.ts)', () => {
  it('text on every role fill has at least 4.5:1 contrast (WCAG AA)', () => {
    for (const r of STYLED_ROLES) expect(contrast(ROLE_STYLES[r].ink, ROLE_STYLES[r].fill), r).toBeGreaterThanOrEqual(4.5);
  });

  it('follower, candidate and leader fills are at least 2:1 apart in luminance (they stay apart in greyscale)', () => {
    const live = ['follower', 'candidate', 'leader'] as const;
    for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) {
      expect(contrast(ROLE_STYLES[live[i]].fill, ROLE_STYLES[live[j]].fill), `${live[i]} / ${live[j]}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('every role has its own outline (width, dash) and icon, so shape alone tells them apart', () => {
    const sig = STYLED_ROLES.map((r) => `${ROLE_STYLES[r].strokeWidth}|${ROLE_STYLES[r].dash}|${ROLE_STYLES[r].icon}`);
    expect(new Set(sig).size).toBe(STYLED_ROLES.length);
    expect(new Set(STYLED_ROLES.map((r) => ROLE_STYLES[r].icon)).size).toBe(STYLED_ROLES.length);
  });
});

describe('colour helpers', () => {
  it('contrast and luminance follow WCAG 2.x (black on white is 21:1, a colour on itself 1:1)', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#8497b0', '#8497b0')).toBe(1);
    expect(luminance('#ffffff')).toBeCloseTo(1, 6);
    // The figures of the issue: white on the old follower, candidate and leader fills.
    expect(contrast('#ffffff', '#8497b0')).toBeCloseTo(2.99, 2);
    expect(contrast('#ffffff', '#f0a202')).toBeCloseTo(2.13, 2);
    expect(contrast('#ffffff', '#2f9e44')).toBeCloseTo(3.45, 2);
  });

  it('textOn gives at least 4.5:1 on every term colour, and darker() term text on white too', () => {
    for (let term = 1; term <= 10; term++) {
      const c = termColor(term);
      expect(contrast(textOn(c), c), `term ${term} ${c}`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(darker(c), '#ffffff'), `term ${term} on white`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('readableOn darkens on light backgrounds and lightens on dark ones until 4.5:1', () => {
    expect(contrast(readableOn('#ffd43b', '#ffffff'), '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrast(readableOn('#1c3d6e', '#111418'), '#111418')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('ring layout', () => {
  /** Everything a server draws: its circle, timer arc and (for a candidate) the vote dots below. */
  const serverBox = (p: { x: number; y: number }) => ({ x0: p.x - NODE_R - 12, x1: p.x + NODE_R + 12, y0: p.y - NODE_R - 12, y1: p.y + NODE_R + 28 });
  it('client chips never overlap a server, for 1 to 9 servers and 1 to 5 clients', () => {
    for (let n = 1; n <= 9; n++) {
      for (let k = 1; k <= 5; k++) {
        const servers = Array.from({ length: n }, (_, i) => `S${i + 1}`);
        const clients = Array.from({ length: k }, (_, i) => `c${i + 1}`);
        const { places, height } = layout(servers, clients);
        for (const c of clients) {
          const p = places.get(c)!;
          const chip = { x0: p.x - CLIENT_W / 2, x1: p.x + CLIENT_W / 2, y0: p.y - CLIENT_H / 2, y1: p.y + CLIENT_H / 2 };
          expect(chip.y1, `${n} servers, ${c}: inside the picture`).toBeLessThanOrEqual(height);
          for (const s of servers) {
            const b = serverBox(places.get(s)!);
            const hit = chip.x0 < b.x1 && b.x0 < chip.x1 && chip.y0 < b.y1 && b.y0 < chip.y1;
            expect(hit, `${n} servers, ${k} clients: ${c} over ${s}`).toBe(false);
          }
        }
        // Chips do not overlap each other either.
        for (let i = 1; i < clients.length; i++) expect(places.get(clients[i])!.x - places.get(clients[i - 1])!.x).toBeGreaterThanOrEqual(CLIENT_W);
      }
    }
  });
});
