/**
 * "Export for slides": the timeline and the cluster view as SVG and PNG files.
 *
 * - Timeline: the very draw code of the on-screen canvas (timelineDraw.ts) runs once more, at the
 *   zoom on screen, against svgcanvas's Context (→ SVG) or an offscreen canvas (→ PNG), with the
 *   lane labels (DOM on screen) drawn as text in a column on the left. Both files are one picture.
 * - Cluster view: the React-drawn <svg> is cloned with the computed styles that matter written
 *   into each element's style attribute (the page's CSS does not travel with the file), given a
 *   background, xmlns, width, height and viewBox; its PNG is that SVG rendered through an <img>.
 *
 * Sizes are CSS pixels unless named otherwise; PNGs are drawn at `scale` device pixels per CSS
 * pixel. Serialising XML and encoding PNG are left to the browser (XMLSerializer, canvas.toBlob).
 */
import { Context } from 'svgcanvas';
import { draw, type DrawContext, type DrawOptions, type DrawResult } from './timelineDraw';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Background of exported images: the panels' white, so they read on slides (never transparent). */
export const EXPORT_BACKGROUND = '#ffffff';
/** Device pixels per CSS pixel of exported PNGs (sharp on projectors and high-density screens). */
export const EXPORT_SCALE = 2;

export type ExportView = 'timeline' | 'cluster';
export type ExportFormat = 'svg' | 'png';

/**
 * The download name of an export: `<scenario>-<view>-<simTimeMs>ms.<ext>`, e.g.
 * `leader-crash-timeline-1500ms.png`. The scenario name is reduced to letters, digits, `.`, `_`
 * and `-` (anything else becomes `-`; an empty result becomes `raftsim`); the simulated time is
 * rounded to a whole ms.
 */
export function exportFileName(scenario: string, view: ExportView, simTimeMs: number, ext: ExportFormat): string {
  const safe = scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'raftsim';
  const ms = Number.isFinite(simTimeMs) ? Math.max(0, Math.round(simTimeMs)) : 0;
  return `${safe}-${view}-${ms}ms.${ext}`;
}

// ---- cluster view: a standalone copy of a styled <svg> ------------------------------------------

/** A CSS property written into the exported SVG: whether it inherits, and its initial computed value. */
interface InlinedProperty {
  name: string;
  inherited: boolean;
  initial: string;
}

/**
 * The properties that decide how the cluster view looks (presentation properties of SVG shapes and
 * text). Layout-only properties (width, cursor, transitions…) are left out on purpose.
 */
export const INLINED_PROPERTIES: readonly InlinedProperty[] = [
  { name: 'fill', inherited: true, initial: 'rgb(0, 0, 0)' },
  { name: 'fill-opacity', inherited: true, initial: '1' },
  { name: 'stroke', inherited: true, initial: 'none' },
  { name: 'stroke-width', inherited: true, initial: '1px' },
  { name: 'stroke-dasharray', inherited: true, initial: 'none' },
  { name: 'stroke-dashoffset', inherited: true, initial: '0px' },
  { name: 'stroke-linecap', inherited: true, initial: 'butt' },
  { name: 'stroke-linejoin', inherited: true, initial: 'miter' },
  { name: 'stroke-opacity', inherited: true, initial: '1' },
  { name: 'paint-order', inherited: true, initial: 'normal' },
  { name: 'font-family', inherited: true, initial: '' },
  { name: 'font-size', inherited: true, initial: '' },
  { name: 'font-weight', inherited: true, initial: '400' },
  { name: 'font-style', inherited: true, initial: 'normal' },
  { name: 'text-anchor', inherited: true, initial: 'start' },
  { name: 'dominant-baseline', inherited: true, initial: 'auto' },
  { name: 'visibility', inherited: true, initial: 'visible' },
  { name: 'opacity', inherited: false, initial: '1' },
];

/** Computed values of INLINED_PROPERTIES by name (what getComputedStyle returns, e.g. `"1.5px"`). */
export type ComputedStyles = Record<string, string>;

/**
 * The style attribute that reproduces `own` without the page's stylesheet, given that the element
 * will sit inside a parent styled as `parent` (null for the root). An inherited property is written
 * when it differs from the parent's value (at the root: from its initial value, and the font is
 * always written there, since the page's font would otherwise be lost); a property that does not
 * inherit, when it differs from its initial value. Empty or missing values are skipped.
 * Returns declarations like `fill: rgb(1, 2, 3); stroke-width: 3px`, or '' when nothing is needed.
 */
export function styleDeclarations(own: ComputedStyles, parent: ComputedStyles | null): string {
  const out: string[] = [];
  for (const p of INLINED_PROPERTIES) {
    const v = own[p.name];
    if (!v) continue;
    const keep = p.inherited
      ? parent
        ? v !== parent[p.name]
        : v !== p.initial || p.name.startsWith('font-')
      : v !== p.initial;
    if (keep) out.push(`${p.name}: ${v}`);
  }
  return out.join('; ');
}

function computedOf(el: Element): ComputedStyles {
  const cs = getComputedStyle(el);
  const out: ComputedStyles = {};
  for (const p of INLINED_PROPERTIES) out[p.name] = cs.getPropertyValue(p.name).trim();
  return out;
}

/** Elements that only make sense on the page: tooltips, and anything marked data-export-omit (hit areas). */
function omitted(el: Element): boolean {
  return el.localName === 'title' || el.localName === 'desc' || el.hasAttribute('data-export-omit') || getComputedStyle(el).display === 'none';
}

/**
 * The size of an <svg> as exported: its viewBox (user units = CSS px), else its rendered box.
 * @throws Error when both are empty
 */
export function svgSize(svgEl: SVGSVGElement): { widthPx: number; heightPx: number; minX: number; minY: number } {
  const vb = svgEl.viewBox?.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { widthPx: vb.width, heightPx: vb.height, minX: vb.x, minY: vb.y };
  const r = svgEl.getBoundingClientRect();
  if (r.width > 0 && r.height > 0) return { widthPx: r.width, heightPx: r.height, minX: 0, minY: 0 };
  throw new Error('the SVG has neither a viewBox nor a size on the page');
}

/**
 * A standalone SVG document of the cluster view (any <svg> styled by the page's CSS, in fact): a
 * deep clone with every element's look written into its style attribute (INLINED_PROPERTIES, from
 * getComputedStyle), tooltips and hit areas left out, a background rectangle behind everything,
 * and xmlns, width, height (px) and viewBox on the root. It opens the same in a browser or Inkscape.
 * `svgEl` must be in the document (computed styles need it); it is not changed.
 * @param background fill of the background rectangle, or null for none (transparent)
 * @returns the serialized XML (UTF-8 text, no XML declaration)
 * @throws Error when the SVG has no size (see svgSize)
 */
export function clusterSvg(svgEl: SVGSVGElement, background: string | null = EXPORT_BACKGROUND): string {
  const { widthPx, heightPx, minX, minY } = svgSize(svgEl);
  const copy = document.createElementNS(SVG_NS, 'svg');
  const rootStyles = computedOf(svgEl);
  const copyChildren = (from: Element, to: Element, parentStyles: ComputedStyles) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(child.textContent ?? ''));
        continue;
      }
      if (!(child instanceof Element) || omitted(child)) continue;
      const el = document.createElementNS(child.namespaceURI ?? SVG_NS, child.localName);
      for (const a of child.attributes) if (a.name !== 'style') el.setAttribute(a.name, a.value);
      const own = computedOf(child);
      const style = styleDeclarations(own, parentStyles);
      if (style) el.setAttribute('style', style);
      to.appendChild(el);
      copyChildren(child, el, own);
    }
  };
  for (const a of svgEl.attributes) if (!['style', 'width', 'height'].includes(a.name)) copy.setAttribute(a.name, a.value);
  copy.setAttributeNS(XMLNS_NS, 'xmlns', SVG_NS);
  copy.setAttribute('width', String(widthPx));
  copy.setAttribute('height', String(heightPx));
  copy.setAttribute('viewBox', `${minX} ${minY} ${widthPx} ${heightPx}`);
  const style = styleDeclarations(rootStyles, null);
  if (style) copy.setAttribute('style', style);
  if (background !== null) {
    const bg = document.createElementNS(SVG_NS, 'rect');
    for (const [k, v] of Object.entries({ x: minX, y: minY, width: widthPx, height: heightPx })) bg.setAttribute(k, String(v));
    bg.setAttribute('style', `fill: ${background}; stroke: none`);
    copy.appendChild(bg);
  }
  copyChildren(svgEl, copy, rootStyles);
  return new XMLSerializer().serializeToString(copy);
}

/**
 * Resolves with a PNG of `canvas` (the browser's encoder).
 * @throws Error (rejects) when the browser cannot encode it (e.g. a canvas too large)
 */
export function canvasToPngBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`the ${canvas.width}×${canvas.height} canvas could not be encoded as PNG`))), 'image/png');
  });
}

/**
 * Renders SVG text to a PNG through an <img> (blob: URL; the page's CSP allows blob: images) and a
 * canvas of `scale` × the SVG's own width and height (which it must state, as clusterSvg does),
 * painted with `background` first.
 * @returns the PNG, `round(width × scale)` × `round(height × scale)` pixels
 * @throws Error (rejects) when the SVG cannot be loaded as an image or has no size, or the PNG cannot be encoded
 */
export async function svgToPngBlob(svgText: string, scale = EXPORT_SCALE, background = EXPORT_BACKGROUND): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be loaded as an image'));
      img.src = url;
    });
    const w = img.naturalWidth;
    const h = img.naturalHeight;
    if (!(w > 0 && h > 0)) throw new Error('the SVG image has no width or height');
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas is available');
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await canvasToPngBlob(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}

// ---- timeline: the canvas drawing, once more, to SVG or PNG -------------------------------------

/** A lane label as shown left of the timeline canvas (DOM on screen, drawn as text in exports). */
export interface LaneLabel {
  kind: 'events' | 'server' | 'client';
  /** Centre y of the lane, in canvas px (Geometry.laneY / eventsY). */
  y: number;
  /** The main text: the server id, "client c1", "events". */
  text: string;
  /** Smaller text after it (a server's "term 3"). */
  detail?: string;
  /** Colour of the role dot before a server id. */
  dotColor?: string;
  /** The selected server's label is highlighted, as on screen. */
  selected?: boolean;
}

/** Everything needed to draw the timeline as it is on screen. */
export interface TimelineFigure {
  /** The draw options of the canvas on screen (the x scale carries the zoom; hover is ignored). */
  draw: DrawOptions;
  labels: LaneLabel[];
  /** Width of the label column left of the marks, in px. */
  labelWidthPx: number;
}

/** The extra canvas members the figure needs beyond timelineDraw's (both svgcanvas and a canvas have them). */
export type FigureContext = DrawContext & Pick<CanvasRenderingContext2D, 'save' | 'restore' | 'translate' | 'rect' | 'clip'>;

/** Size of the exported timeline in CSS px: the label column plus the canvas. */
export function figureSize(fig: TimelineFigure): { widthPx: number; heightPx: number } {
  return { widthPx: Math.round(fig.labelWidthPx + fig.draw.geo.width), heightPx: Math.round(fig.draw.geo.height) };
}

const LABEL_FAMILY = 'system-ui, "Noto Sans", "DejaVu Sans", sans-serif';

function drawLaneLabels(ctx: FigureContext, fig: TimelineFigure): void {
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const l of fig.labels) {
    if (l.kind === 'server') {
      if (l.selected) {
        ctx.fillStyle = '#fff3bf';
        ctx.strokeStyle = '#fcc419';
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.roundRect(0.5, l.y - 11.5, fig.labelWidthPx - 7, 23, 5);
        ctx.fill();
        ctx.stroke();
      }
      ctx.fillStyle = l.dotColor ?? '#8497b0';
      ctx.beginPath();
      ctx.arc(11, l.y, 6, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#1d232b';
      ctx.font = `700 15.5px ${LABEL_FAMILY}`;
      ctx.fillText(l.text, 22, l.y);
      if (l.detail) {
        const x = 22 + ctx.measureText(l.text).width + 5;
        ctx.fillStyle = '#5b6675';
        ctx.font = `11.5px ${LABEL_FAMILY}`;
        ctx.fillText(l.detail, x, l.y);
      }
    } else {
      ctx.fillStyle = l.kind === 'client' ? '#862e9c' : '#5b6675';
      ctx.font = `${l.kind === 'client' ? '600 ' : ''}12px ${LABEL_FAMILY}`;
      ctx.fillText(l.text, 6, l.y);
    }
  }
}

/**
 * Draws the whole timeline figure on `ctx` from (0, 0) in CSS px (the caller scales for device
 * pixels): a white background, the lane labels, then timelineDraw's `draw` clipped to the canvas
 * area right of the labels, without hover highlights.
 * @returns what `draw` returned (the arrows drawn: the same set as on screen for the same options)
 */
export function drawTimelineFigure(ctx: FigureContext, fig: TimelineFigure): DrawResult {
  const { widthPx, heightPx } = figureSize(fig);
  ctx.fillStyle = EXPORT_BACKGROUND;
  ctx.fillRect(0, 0, widthPx, heightPx);
  drawLaneLabels(ctx, fig);
  ctx.save();
  ctx.translate(fig.labelWidthPx, 0);
  ctx.beginPath();
  ctx.rect(0, 0, fig.draw.geo.width, fig.draw.geo.height);
  ctx.clip();
  const result = draw(ctx, { ...fig.draw, hover: null, pair: null, hoverMarker: null });
  ctx.restore();
  return result;
}

/**
 * The timeline as an SVG document, drawn by the canvas code through svgcanvas: width and height in
 * px (figureSize), a matching viewBox, xmlns. Arrows are <path>s batched by style as on the canvas;
 * labels and tick texts are <text>.
 * @returns the serialized XML
 */
export function timelineSvg(fig: TimelineFigure): string {
  const { widthPx, heightPx } = figureSize(fig);
  const ctx = new Context({ width: widthPx, height: heightPx });
  drawTimelineFigure(ctx, fig);
  const root = ctx.getSvg();
  root.setAttribute('viewBox', `0 0 ${widthPx} ${heightPx}`);
  // svgcanvas writes a few attributes with no valid value (an unset underline, the empty default
  // dash list); they are ignored by renderers but are noise in an editor, so they go.
  for (const el of root.querySelectorAll('[text-decoration="undefined"]')) el.removeAttribute('text-decoration');
  for (const el of root.querySelectorAll('[stroke-dasharray=""]')) el.removeAttribute('stroke-dasharray');
  for (const el of root.querySelectorAll('path:not([d]), path[d=""]')) el.remove();
  return ctx.getSerializedSvg();
}

/**
 * The timeline as a PNG: the figure drawn on an offscreen canvas at `scale` device pixels per px.
 * @returns the PNG, `figureSize × scale` pixels
 * @throws Error (rejects) when no canvas is available or the PNG cannot be encoded
 */
export async function timelinePngBlob(fig: TimelineFigure, scale = EXPORT_SCALE): Promise<Blob> {
  const { widthPx, heightPx } = figureSize(fig);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(widthPx * scale);
  canvas.height = Math.round(heightPx * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas is available');
  ctx.scale(scale, scale);
  drawTimelineFigure(ctx, fig);
  return canvasToPngBlob(canvas);
}
