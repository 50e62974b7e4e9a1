/**
 * Types for svgcanvas 2.x (https://github.com/zenozeng/svgcanvas), which ships none: a
 * CanvasRenderingContext2D look-alike that records the drawing calls as an SVG tree.
 *
 * Only the members raftsim draws with are declared, each checked against svgcanvas's source
 * (context.js): paths (beginPath, moveTo, lineTo, closePath, rect, arc, roundRect with a number
 * radius), fill, stroke, clip (a <clipPath> on the enclosing group), fillRect, clearRect,
 * fillText, measureText (delegated to a real canvas), setLineDash (stroke-dasharray), save,
 * restore, translate, scale, setTransform, and the style properties below (globalAlpha becomes
 * fill-opacity / stroke-opacity; textAlign → text-anchor; textBaseline → dominant-baseline).
 */
declare module 'svgcanvas' {
  export interface ContextOptions {
    /** Width of the SVG in px (the root's width attribute; default 500). */
    width?: number;
    /** Height of the SVG in px (default 500). */
    height?: number;
    /** The document that creates the elements (default: the global document). */
    document?: Document;
    /** A real 2D context to measure text with (default: one of a new canvas). */
    ctx?: CanvasRenderingContext2D;
    enableMirroring?: boolean;
    debug?: boolean;
  }

  export interface Context
    extends Pick<
      CanvasRenderingContext2D,
      | 'save' | 'restore' | 'translate' | 'scale' | 'setTransform' | 'resetTransform'
      | 'beginPath' | 'moveTo' | 'lineTo' | 'closePath' | 'rect' | 'arc' | 'roundRect' | 'fill' | 'stroke' | 'clip'
      | 'fillRect' | 'clearRect' | 'fillText' | 'measureText' | 'setLineDash'
      | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'lineCap' | 'lineJoin' | 'globalAlpha' | 'font' | 'textAlign' | 'textBaseline'
    > {}

  export class Context {
    constructor(options?: ContextOptions);
    readonly width: number;
    readonly height: number;
    /** The root <svg> element drawn so far (live: later calls keep changing it). */
    getSvg(): SVGSVGElement;
    /** The root serialized as XML; `fixNamedEntities` turns named entities into numeric ones. */
    getSerializedSvg(fixNamedEntities?: boolean): string;
  }
}
