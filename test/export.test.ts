/**
 * "Export for slides", the parts that need no DOM: file names, and which computed styles the
 * cluster SVG carries inline (the browser side is in export.browser.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { exportFileName, INLINED_PROPERTIES, styleDeclarations, type ComputedStyles } from '../src/ui/draw/exportImage';

describe('exportFileName', () => {
  it('is <scenario>-<view>-<ms>ms.<ext>, with the time rounded to a whole ms', () => {
    expect(exportFileName('leader-crash', 'timeline', 1500, 'svg')).toBe('leader-crash-timeline-1500ms.svg');
    expect(exportFileName('basic-election', 'cluster', 1234.5, 'png')).toBe('basic-election-cluster-1235ms.png');
    expect(exportFileName('basic-election', 'cluster', 0.4, 'png')).toBe('basic-election-cluster-0ms.png');
  });

  it('keeps names usable as file names', () => {
    expect(exportFileName('my run / 2', 'timeline', 10, 'png')).toBe('my-run-2-timeline-10ms.png');
    expect(exportFileName('../etc', 'timeline', 10, 'svg')).toBe('etc-timeline-10ms.svg');
    expect(exportFileName('大选举', 'cluster', 10, 'svg')).toBe('raftsim-cluster-10ms.svg');
    expect(exportFileName('x', 'cluster', Number.NaN, 'svg')).toBe('x-cluster-0ms.svg');
  });
});

/** Computed styles with every property at its initial value, then `over`. */
function styles(over: ComputedStyles): ComputedStyles {
  const s: ComputedStyles = {};
  for (const p of INLINED_PROPERTIES) s[p.name] = p.initial;
  s['font-family'] = 'system-ui, sans-serif';
  s['font-size'] = '16px';
  return { ...s, ...over };
}

function parse(decls: string): Record<string, string> {
  return Object.fromEntries(decls.split('; ').filter(Boolean).map((d) => d.split(': ') as [string, string]));
}

describe('styleDeclarations', () => {
  it('writes the root font always and other properties only when they differ from the initial value', () => {
    const root = parse(styleDeclarations(styles({ fill: 'rgb(29, 35, 43)' }), null));
    expect(root).toEqual({ fill: 'rgb(29, 35, 43)', 'font-family': 'system-ui, sans-serif', 'font-size': '16px', 'font-weight': '400', 'font-style': 'normal' });
  });

  it('writes an inherited property when it differs from the parent, even back to the initial value', () => {
    const parent = styles({ fill: 'rgb(255, 0, 0)', 'stroke-width': '3px' });
    // Same as the parent: inherited, nothing to write.
    expect(styleDeclarations(parent, parent)).toBe('');
    // A child whose CSS sets fill back to black must say so, or it would inherit red.
    const child = styles({ fill: 'rgb(0, 0, 0)', 'stroke-width': '3px', 'text-anchor': 'middle' });
    expect(parse(styleDeclarations(child, parent))).toEqual({ fill: 'rgb(0, 0, 0)', 'text-anchor': 'middle' });
  });

  it('writes a property that does not inherit (opacity) whenever it is not the initial value', () => {
    const parent = styles({ opacity: '0.7' });
    expect(parse(styleDeclarations(styles({ opacity: '0.7' }), parent))).toEqual({ opacity: '0.7' });
    expect(styleDeclarations(styles({}), parent)).toBe('');
  });

  it('carries the dash pattern, paint order and baseline that the ring uses', () => {
    const parent = styles({});
    const own = styles({ 'stroke-dasharray': '4px, 4px', 'paint-order': 'stroke', 'dominant-baseline': 'central', stroke: 'rgb(47, 158, 68)' });
    expect(parse(styleDeclarations(own, parent))).toEqual({
      'stroke-dasharray': '4px, 4px', 'paint-order': 'stroke', 'dominant-baseline': 'central', stroke: 'rgb(47, 158, 68)',
    });
  });

  it('skips empty values', () => {
    expect(styleDeclarations({ fill: '', opacity: '' }, null)).toBe('');
  });
});
