/**
 * The ASCII tables of `etcdctl -w table` (etcd v3.6 printer_table.go), drawn exactly as
 * github.com/olekukonko/tablewriter v0.0.5 draws them with etcdctl's settings: `+`/`-`/`|`
 * borders, headers upper-cased and centred (tablewriter Title, Pad), cells right-aligned
 * (SetAlignment(ALIGN_RIGHT)), one space of padding, cells wider than 30 columns wrapped at
 * spaces with tablewriter's minimum-raggedness algorithm (WrapString). Character widths follow
 * East Asian width (go-runewidth) through the string-width library.
 *
 * No npm table library reproduces tablewriter's centring and wrapping, so this is a port of its
 * ~100 lines (table.go Render, printLine, printHeading, printRow, parseDimension; wrap.go;
 * util.go Title, Pad, PadLeft).
 */
import stringWidth from 'string-width';

/** tablewriter MAX_ROW_WIDTH. */
const MAX_WIDTH = 30;

function width(s: string): number {
  return stringWidth(s);
}

/** tablewriter WrapWords: splits words into lines of at most `lim` columns with minimal raggedness. */
function wrapWords(words: string[], spc: number, lim: number, pen: number): string[][] {
  const n = words.length;
  const length: number[][] = Array.from({ length: n }, () => Array(n).fill(0));
  for (let i = 0; i < n; i++) {
    length[i][i] = width(words[i]);
    for (let j = i + 1; j < n; j++) length[i][j] = length[i][j - 1] + spc + width(words[j]);
  }
  const nbrk = Array(n).fill(0);
  const cost = Array(n).fill(2147483647);
  for (let i = n - 1; i >= 0; i--) {
    if (length[i][n - 1] <= lim) {
      cost[i] = 0;
      nbrk[i] = n;
    } else {
      for (let j = i + 1; j < n; j++) {
        const d = lim - length[i][j - 1];
        let c = d * d + cost[j];
        if (length[i][j - 1] > lim) c += pen;
        if (c < cost[i]) {
          cost[i] = c;
          nbrk[i] = j;
        }
      }
    }
  }
  const lines: string[][] = [];
  for (let i = 0; i < n; i = nbrk[i]) lines.push(words.slice(i, nbrk[i]));
  return lines;
}

/** tablewriter WrapString. */
function wrapString(s: string, lim: number): string[] {
  const words = s.replace(/\n/g, ' ').split(' ');
  let l = lim;
  for (const w of words) if (width(w) > l) l = width(w);
  return wrapWords(words, 1, l, 1e5).map((line) => line.join(' '));
}

/** tablewriter parseDimension with autoWrap and reflow on: the cell's lines and its width. */
function cellLines(str: string): { lines: string[]; width: number } {
  const raw = str.split('\n');
  let maxWidth = Math.max(0, ...raw.map(width));
  if (maxWidth > MAX_WIDTH) maxWidth = MAX_WIDTH;
  let newMax = maxWidth;
  const lines = wrapString(raw.join(' '), maxWidth);
  for (const l of lines) newMax = Math.max(newMax, width(l));
  return { lines, width: newMax };
}

/** tablewriter Title: `_` to space, some `.` to space, trimmed, upper case. */
function title(name: string): string {
  const rs = [...name];
  const numOrSpace = (c: string | undefined): boolean => c !== undefined && /[0-9 ]/.test(c);
  for (let i = 0; i < rs.length; i++) {
    if (rs[i] === '_') rs[i] = ' ';
    else if (rs[i] === '.' && ((i !== 0 && !numOrSpace(rs[i - 1])) || (i !== rs.length - 1 && !numOrSpace(rs[i + 1])))) rs[i] = ' ';
  }
  let s = rs.join('').trim();
  if (s.length === 0 && name.length > 0) s = ' ';
  return s.toUpperCase();
}

function padCenter(s: string, w: number): string {
  const gap = w - width(s);
  if (gap <= 0) return s;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

function padLeft(s: string, w: number): string {
  const gap = w - width(s);
  return gap > 0 ? ' '.repeat(gap) + s : s;
}

/**
 * Renders a table as etcdctl's table printer does; returns the lines (each ends with no newline).
 * Rows shorter than the header leave the missing cells out, as tablewriter does.
 */
export function renderTable(header: string[], rows: string[][]): string[] {
  const cs = new Map<number, number>();
  const note = (i: number, w: number): void => {
    const v = cs.get(i);
    if (v === undefined || v < w || v === 0) cs.set(i, w);
  };
  const hdr = header.map((h, i) => {
    const c = cellLines(h);
    note(i, c.width);
    return c.lines;
  });
  const body = rows.map((r) =>
    r.map((cell, i) => {
      const c = cellLines(cell);
      note(i, c.width);
      return c.lines;
    }),
  );
  const cols = cs.size;
  const colWidth = (i: number): number => cs.get(i) ?? 0;
  const line = '+' + Array.from({ length: cols }, (_, i) => '-'.repeat(colWidth(i) + 2) + '+').join('');
  const out: string[] = [line];
  const hmax = Math.max(0, ...hdr.map((l) => l.length));
  for (let x = 0; x < hmax; x++) {
    let s = '|';
    for (let y = 0; y < cols; y++) {
      const h = y < hdr.length && x < hdr[y].length ? hdr[y][x] : '';
      s += ` ${padCenter(title(h), colWidth(y))} |`;
    }
    out.push(s);
  }
  out.push(line);
  for (const row of body) {
    const max = Math.max(0, ...row.map((l) => l.length));
    const cells = row.map((l) => [...l, ...Array(max - l.length).fill('  ')]);
    for (let x = 0; x < max; x++) {
      let s = '';
      for (let y = 0; y < cells.length; y++) s += `| ${padLeft(cells[y][x], colWidth(y))} `;
      out.push(`${s}|`);
    }
  }
  out.push(line);
  return out;
}
