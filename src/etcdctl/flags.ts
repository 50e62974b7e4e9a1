/**
 * Flags as etcdctl's cobra/pflag read them (github.com/spf13/pflag flag.go): `--name=value`,
 * `--name value`, `-w json`, `-wjson`, `-w=json`, grouped short booleans (`-lw json`), booleans
 * that take a value only after `=` (`--prefix=false`), flags anywhere among the arguments, `--`
 * ending the flags. The splitting into option tokens is done by @pkgjs/parseargs (the polyfill of
 * Node's util.parseArgs, which works in the browser); the rules and the error texts that differ
 * from it are pflag's:
 *
 * - `unknown flag: --foo`, `unknown shorthand flag: 'x' in -x`;
 * - `flag needs an argument: --lease`, `flag needs an argument: 'w' in -w`;
 * - `invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax`
 *   (with `-r, --rev` when the flag has a shorthand).
 *
 * A flag given twice keeps the last value, as pflag does.
 */
import { parseArgs } from '@pkgjs/parseargs';
import { parseBool, parseInt64 } from './go';

/** The types of flags etcdctl's commands use. */
export type FlagType = 'bool' | 'string' | 'int' | 'int64' | 'stringSlice' | 'duration';

/** One flag: its pflag name, optional one-letter shorthand, type, default (as pflag prints it) and usage. */
export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  default: string;
  usage: string;
}

/** A parsed flag value. */
export type FlagValue = boolean | string | bigint | string[] | number;

/** A pflag parse failure; `message` is pflag's text (etcdctl prints `Error: <message>`, exit status 1). */
export class FlagError extends Error {}

/** Result of parsing: flag values by name (only those given) and the positional arguments, in order. */
export interface ParsedFlags {
  values: Map<string, FlagValue>;
  args: string[];
}

/**
 * Go's time.ParseDuration for what etcdctl's duration flags take (`5s`, `500ms`, `1m30s`, `1.5h`),
 * in ms. Throws a FlagError-ready Error (`time: invalid duration "x"`) otherwise.
 */
export function parseGoDurationMs(s: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const bad = (): Error => new Error(`time: invalid duration ${JSON.stringify(s)}`);
  let rest = s;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw bad();
  let total = 0;
  while (rest !== '') {
    const m = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m) throw bad();
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function convert(spec: FlagSpec, raw: string, previous: FlagValue | undefined): FlagValue {
  try {
    switch (spec.type) {
      case 'bool':
        return parseBool(raw);
      case 'string':
        return raw;
      case 'int': // Go int is 64-bit here; pflag parses both with strconv.ParseInt(s, 0, 64)
      case 'int64':
        return parseInt64(raw, 0);
      case 'stringSlice': {
        const items = raw === '' ? [] : raw.split(',');
        return [...((previous as string[] | undefined) ?? []), ...items];
      }
      case 'duration':
        return parseGoDurationMs(raw);
    }
  } catch (e) {
    throw new FlagError(`invalid argument ${JSON.stringify(raw)} for "${flagLabel(spec)}" flag: ${(e as Error).message}`);
  }
}

/**
 * Parses `argv` against `specs` with pflag's rules (see the module comment). Throws a
 * {@link FlagError} with pflag's message for an unknown flag, a missing value or a bad value.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = {};
  for (const s of specs) options[s.name] = { type: s.type === 'bool' ? 'boolean' : 'string', ...(s.short ? { short: s.short } : {}) };
  for (const a of argv) {
    if (a.startsWith('--') && a.length > 2 && (a[2] === '-' || a[2] === '=')) throw new FlagError(`bad flag syntax: ${a}`);
  }
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, FlagValue>();
  const args: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      args.push(t.value);
      continue;
    }
    const isShort = !t.rawName.startsWith('--');
    const spec = isShort ? byShort.get(t.rawName.slice(1)) : byName.get(t.name);
    if (!spec) {
      if (isShort) {
        const arg = argv[t.index];
        throw new FlagError(`unknown shorthand flag: '${t.rawName.slice(1)}' in ${arg.startsWith('--') ? t.rawName : arg}`);
      }
      throw new FlagError(`unknown flag: ${t.rawName}`);
    }
    let raw: string | undefined = t.value ?? undefined;
    if (spec.type === 'bool') {
      raw = t.inlineValue ? (raw ?? '') : 'true';
    } else if (raw === undefined) {
      throw new FlagError(isShort ? `flag needs an argument: '${spec.short}' in -${spec.short}` : `flag needs an argument: --${spec.name}`);
    } else if (isShort && t.inlineValue && raw.startsWith('=')) {
      raw = raw.slice(1); // pflag: -w=json
    }
    values.set(spec.name, convert(spec, raw, values.get(spec.name)));
  }
  return { values, args };
}

/** Typed reads of {@link ParsedFlags} with the spec's default. */
export class FlagReader {
  constructor(
    private readonly parsed: ParsedFlags,
    private readonly specs: readonly FlagSpec[],
  ) {}

  private spec(name: string): FlagSpec {
    const s = this.specs.find((x) => x.name === name);
    if (!s) throw new Error(`flag ${name} is not declared`);
    return s;
  }

  /** Whether the flag was given (pflag Changed). */
  changed(name: string): boolean {
    return this.parsed.values.has(name);
  }

  bool(name: string): boolean {
    const v = this.parsed.values.get(name);
    return v === undefined ? this.spec(name).default === 'true' : (v as boolean);
  }

  string(name: string): string {
    const v = this.parsed.values.get(name);
    return v === undefined ? this.spec(name).default : (v as string);
  }

  int(name: string): bigint {
    const v = this.parsed.values.get(name);
    return v === undefined ? BigInt(this.spec(name).default) : (v as bigint);
  }

  stringSlice(name: string): string[] {
    const v = this.parsed.values.get(name);
    if (v !== undefined) return v as string[];
    const d = this.spec(name).default.replace(/^\[|\]$/g, '');
    return d === '' ? [] : d.split(',');
  }

  durationMs(name: string): number {
    const v = this.parsed.values.get(name);
    return v === undefined ? parseGoDurationMs(this.spec(name).default) : (v as number);
  }
}
