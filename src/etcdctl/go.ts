/**
 * The few Go library behaviours etcdctl's output and errors depend on, reproduced exactly:
 * strconv.ParseInt / ParseUint / ParseBool and their error texts, fmt's `%q` (strconv.Quote),
 * time.Duration.String, go-humanize's Bytes (v1.0.1), encoding/json's base64 of []byte and its
 * string escaping. Pure functions, no state.
 */

/** A strconv.NumError as Go prints it: `strconv.ParseInt: parsing "x": invalid syntax`. */
export class GoNumError extends Error {
  constructor(fn: 'ParseInt' | 'ParseUint' | 'ParseBool', input: string, reason: 'invalid syntax' | 'value out of range') {
    super(`strconv.${fn}: parsing ${goQuote(input)}: ${reason}`);
  }
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

function parseDigits(fn: 'ParseInt' | 'ParseUint', s: string, base: number): bigint {
  if (s === '') throw new GoNumError(fn, s, 'invalid syntax');
  let b = base;
  let body = s;
  if (base === 0) {
    b = 10;
    if (/^0[xX]/.test(s)) { b = 16; body = s.slice(2); } else if (/^0[oO]/.test(s)) { b = 8; body = s.slice(2); } else if (/^0[bB]/.test(s)) { b = 2; body = s.slice(2); } else if (s[0] === '0' && s.length > 1) { b = 8; body = s.slice(1); }
    body = body.replace(/_/g, '');
  }
  if (body === '') throw new GoNumError(fn, s, 'invalid syntax');
  let v = 0n;
  for (const ch of body.toLowerCase()) {
    const d = DIGITS.indexOf(ch);
    if (d < 0 || d >= b) throw new GoNumError(fn, s, 'invalid syntax');
    v = v * BigInt(b) + BigInt(d);
  }
  return v;
}

/**
 * strconv.ParseInt(s, base, 64) as a bigint. Throws {@link GoNumError} with Go's text for a
 * malformed number ("invalid syntax") or one outside int64 ("value out of range").
 */
export function parseInt64(s: string, base = 10): bigint {
  let neg = false;
  let body = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    body = s.slice(1);
  }
  let v: bigint;
  try {
    v = parseDigits('ParseUint', body, base);
  } catch {
    throw new GoNumError('ParseInt', s, 'invalid syntax');
  }
  const max = (1n << 63n) - (neg ? 0n : 1n);
  if (v > max) throw new GoNumError('ParseInt', s, 'value out of range');
  return neg ? -v : v;
}

/** strconv.ParseUint(s, base, 64) as a bigint; throws {@link GoNumError} as Go words it. */
export function parseUint64(s: string, base = 10): bigint {
  const v = parseDigits('ParseUint', s, base);
  if (v >= 1n << 64n) throw new GoNumError('ParseUint', s, 'value out of range');
  return v;
}

/** strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False; throws {@link GoNumError}. */
export function parseBool(s: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  throw new GoNumError('ParseBool', s, 'invalid syntax');
}

/** fmt's `%q` of a string (strconv.Quote): double quotes, Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * Go's unquoting of a double-quoted string literal as `fmt.Sscanf("%q")` does it (strconv.Unquote
 * rules: \a \b \f \n \r \t \v \\ \" \' \xHH \ooo \uHHHH \UHHHHHHHH). Throws an Error ("invalid
 * syntax") for a malformed literal.
 */
export function goUnquote(lit: string): string {
  if (lit.length < 2 || lit[0] !== '"' || lit[lit.length - 1] !== '"') throw new Error('invalid syntax');
  const s = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"' || ch === '\n') throw new Error('invalid syntax');
    if (ch !== '\\') { out += ch; continue; }
    const e = s[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e in simple) { out += simple[e]; continue; }
    const hex = (n: number): string => {
      const h = s.slice(i + 1, i + 1 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
      i += n;
      return h;
    };
    if (e === 'x') out += String.fromCharCode(parseInt(hex(2), 16));
    else if (e === 'u') out += String.fromCodePoint(parseInt(hex(4), 16));
    else if (e === 'U') out += String.fromCodePoint(parseInt(hex(8), 16));
    else if (e >= '0' && e <= '7') {
      const o = s.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) throw new Error('invalid syntax');
      i += 2;
      out += String.fromCharCode(parseInt(o, 8));
    } else throw new Error('invalid syntax');
  }
  return out;
}

/** Go's `%.Nf` of a float: like toFixed, but an exact tie rounds to even (Go's strconv). */
function goFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  const fl = Math.floor(scaled);
  if (scaled - fl === 0.5 && Number.isSafeInteger(fl)) {
    const n = fl % 2 === 0 ? fl : fl + 1;
    return (n / 10 ** digits).toFixed(digits);
  }
  return x.toFixed(digits);
}

/**
 * go-humanize v1.0.1 `Bytes` (SI units, base 1000): `20 kB`, `2.1 GB`, `8 B`. etcdctl prints the
 * db size, in-use size and quota of `endpoint status` with it.
 */
export function humanizeBytes(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`humanizeBytes: ${bytes} is not a byte count`);
  if (bytes < 10) return `${bytes} B`;
  const sizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(bytes) / Math.log(1000));
  const val = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${goFixed(val, val < 10 ? 1 : 0)} ${sizes[e]}`;
}

/**
 * time.Duration.String of a duration given in ms (fractions down to ns): `0s`, `850µs`,
 * `1.234567ms`, `2.5s`, `1m30s`, `1h0m0s`, exactly as Go prints it.
 */
export function goDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`goDuration: ${ms} is not finite`);
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  if (neg) ns = -ns;
  const frac = (v: bigint, unit: bigint): string => {
    const whole = v / unit;
    let f = (v % unit).toString().padStart(unit.toString().length - 1, '0').replace(/0+$/, '');
    return f ? `${whole}.${f}` : `${whole}`;
  };
  let out: string;
  if (ns < 1000n) out = `${ns}ns`;
  else if (ns < 1_000_000n) out = `${frac(ns, 1000n)}µs`;
  else if (ns < 1_000_000_000n) out = `${frac(ns, 1_000_000n)}ms`;
  else {
    const h = ns / 3_600_000_000_000n;
    const m = (ns / 60_000_000_000n) % 60n;
    const s = frac(ns % 60_000_000_000n, 1_000_000_000n);
    out = h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

/** UTF-8 bytes of a string (what etcd stores for a key or value). */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** encoding/json's form of a []byte: standard base64 with padding. */
export function base64(s: string): string {
  let bin = '';
  for (const b of utf8(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * encoding/json's string encoding: like JSON.stringify, but `<`, `>`, `&`, U+2028 and U+2029 are
 * escaped as \u003c … (Go's HTML-safe default) and invalid UTF-16 becomes U+FFFD.
 */
export function goJsonString(s: string): string {
  return JSON.stringify(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A uint64 given as hex (any length up to 16 digits) in decimal, as encoding/json prints a uint64. */
export function hexToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** fmt's `%x` of a uint64 given as hex: no leading zeros (`0` for zero). */
export function hexNoPad(hex: string): string {
  return BigInt(`0x${hex}`).toString(16);
}

/** fmt's `%16x`: hex without leading zeros, left-padded with spaces to 16 characters. */
export function hexSpacePad16(hex: string): string {
  return hexNoPad(hex).padStart(16, ' ');
}
