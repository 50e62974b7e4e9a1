/**
 * Reading the text files raftsim opens (scenarios, histories, traces).
 *
 * Encoding: they must be UTF-8.
 * A file saved as UTF-16 or UTF-32 (Windows Notepad's "Unicode"), or in a legacy encoding such as
 * Latin-1 or GBK, is told so in words, instead of failing later with a puzzling parse error.
 *
 * Two entry points: {@link decodeUtf8File} for raw bytes (the CLI), which can see byte-order marks
 * and invalid byte sequences; {@link textEncodingProblem} for text that was already decoded (the
 * browser reads files with a UTF-8 decoder that turns bad bytes into U+FFFD and keeps NULs).
 */
import { reason, type Reason } from './reasons';

/** Where and why a file is not UTF-8 text. `line`/`column` are 1-based. */
export interface EncodingProblem {
  line: number;
  column: number;
  why: Reason;
}

/** Byte-order marks of the encodings a UTF-8 reader cannot read, longest first. */
const BOMS: { bytes: number[]; encoding: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32 (little-endian)' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32 (big-endian)' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16 (little-endian)' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16 (big-endian)' },
];

/** 1-based line and column of code unit `index` in `text`. */
export function positionIn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: index - start + 1 };
}

/**
 * Why already-decoded `text` is not UTF-8 text, or null. NUL characters mean UTF-16/UTF-32 (every
 * ASCII letter then comes with NUL bytes) or a file that is not text at all; U+FFFD (the
 * replacement character) means bytes a UTF-8 decoder could not read. Neither ever belongs in a
 * scenario, history or trace.
 */
export function textEncodingProblem(text: string): EncodingProblem | null {
  const nul = text.indexOf('\u0000');
  const bad = text.indexOf('\uFFFD');
  if (nul === -1 && bad === -1) return null;
  if (nul !== -1 && (bad === -1 || nul < bad || bad < 2)) return { ...positionIn(text, nul), why: reason('encodingNul') };
  return { ...positionIn(text, bad), why: reason('encodingInvalid') };
}

/**
 * Decodes a file's bytes as UTF-8 (a UTF-8 byte-order mark is allowed and kept, YAML and the JSON
 * readers skip it).
 * @returns the text, or where and why the file is not UTF-8: a UTF-16/UTF-32 byte-order mark, a
 *   byte sequence that is not UTF-8, or NUL characters.
 */
export function decodeUtf8File(bytes: Uint8Array): { text: string } | { problem: EncodingProblem } {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => bytes[i] === b)) {
      return { problem: { line: 1, column: 1, why: reason('encodingBom', { encoding: bom.encoding }) } };
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Decode leniently to find where the first unreadable byte is.
    const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    return { problem: { ...positionIn(lenient, Math.max(0, at)), why: reason('encodingInvalid') } };
  }
  const problem = textEncodingProblem(text);
  return problem ? { problem } : { text };
}

/**
 * Index of the first `[` or `{` of a JSON text nested deeper than `limit`, or null. JSON.parse
 * recurses (a deep enough text overflows the stack), so JSON files are measured before parsing.
 * Only brackets outside strings count; the text need not be valid JSON.
 */
export function jsonTooDeepAt(text: string, limit: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}
