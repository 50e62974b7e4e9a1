/**
 * Parser and validator of scenario files (format: docs/scenarios.md, schema: schema.ts).
 *
 * Pipeline: size limit -> UTF-8 check -> YAML (nesting depth capped, one document, core schema, no
 * custom tags, plain and unique mapping keys, alias expansion capped) -> JSON Schema
 * (ajv, errors mapped back to YAML line/column) -> checks the schema cannot express (names refer to
 * the cluster's servers and clients, timing and log consistency) -> typed Scenario with defaults.
 * The file is only ever read as data; nothing in it is evaluated.
 */
import type { ErrorObject } from 'ajv';
import { validate } from './validator.generated.js';
import { formatParam, formatReason, reason, type Reason, type ReasonId, type ReasonParam } from './reasons';
import { VERBS, verbOf, type UserAction, type VerbName } from '../sim/verbs';
import type { MemberRequest } from '../sim/types';
import { Composer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { textEncodingProblem } from './textFile';
import { seedFromText } from './seed';
import {
  DEFAULTS,
  LIMITS,
  NAME_PATTERN,
  PROFILES,
  PROFILE_DEFAULTS,
  type Profile,
  RESERVED_WORDS,
  STEP_VERBS,
  scenarioSchema,
  type JsonSchema,
} from './schema';
import {
  ScenarioError,
  type ClientExpect,
  type ClusterConfig,
  type ExpectChecks,
  type InitialEntry,
  type InitialServerState,
  type NetworkConfig,
  type Scenario,
  type Step,
  type StepBody,
} from './types';

/** Validated YAML data, as plain JS (the builder trusts the schema and checks above). */
type Dict = Record<string, any>;
type Seg = string | number;
type Where = 'key' | 'value';

/** A ScenarioError whose English reason is formatted from `why` (kept on the error for translation). */
function scenarioError(file: string, line: number, column: number, key: string, why: Reason): ScenarioError {
  return new ScenarioError(file, line, column, key, formatReason(why), why);
}

/** Parse and validate a scenario; throws the first ScenarioError (in document order). */
export function parseScenario(text: string, file: string): Scenario {
  const { scenario, errors } = validateScenario(text, file);
  if (errors.length > 0) throw errors[0];
  return scenario!;
}

/** Parse and validate a scenario, returning every error found (sorted by position) instead of throwing. */
export function validateScenario(text: string, file: string): { scenario?: Scenario; errors: ScenarioError[] } {
  const bytes = utf8Length(text);
  if (bytes > LIMITS.maxBytes) {
    return { errors: [scenarioError(file, 1, 1, '', reason('fileTooLarge', { bytes, limit: LIMITS.maxBytes }))] };
  }

  const encoding = textEncodingProblem(text);
  if (encoding) return { errors: [scenarioError(file, encoding.line, encoding.column, '', encoding.why)] };

  const lineCounter = new LineCounter();
  const at = (offset: number) => lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
  // yaml's parser is iterative, its composer recursive: measure the nesting on the parser's
  // tokens first, so a deeply nested file gets its own message instead of a stack overflow.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deep = tooDeepAt(tokens, LIMITS.maxDepth);
  if (deep !== null) {
    const { line, col } = at(deep);
    return { errors: [scenarioError(file, line, col, '', reason('tooDeep', { limit: LIMITS.maxDepth }))] };
  }
  const { doc, secondDocAt } = composeOne(tokens, text.length, {
    prettyErrors: false,
    schema: 'core',
    version: '1.2',
    resolveKnownTags: false,
    // Duplicate keys are found below (by the key the data will have, so `1` and "1" clash too).
    uniqueKeys: false,
    merge: false,
    keepSourceTokens: false,
  });

  const yamlErrors: ScenarioError[] = [];
  for (const e of doc.errors) {
    const { line, col } = at(e.pos[0]);
    yamlErrors.push(scenarioError(file, line, col, '', reason('invalidYaml', { message: e.message })));
  }
  for (const w of doc.warnings) {
    const { line, col } = at(w.pos[0]);
    const why = reason(w.code === 'TAG_RESOLVE_FAILED' ? 'yamlTag' : 'invalidYaml', { message: w.message });
    yamlErrors.push(scenarioError(file, line, col, '', why));
  }
  if (secondDocAt !== null) {
    const { line, col } = at(secondDocAt);
    yamlErrors.push(scenarioError(file, line, col, '', reason('multipleDocuments')));
  }
  if (yamlErrors.length === 0) yamlErrors.push(...mappingKeyErrors(doc, file, at));
  if (yamlErrors.length > 0) return { errors: sortErrors(yamlErrors) };

  let data: unknown;
  try {
    // yaml counts an anchor's own node as its first use: +1 makes "at most 100 aliases" exact.
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount + 1 });
  } catch (e) {
    // toJS throws only for aliases: one with no anchor, or too many uses (yaml's ReferenceErrors).
    const message = e instanceof Error ? e.message : String(e);
    const problem = aliasProblem(doc, LIMITS.maxAliasCount);
    const { line, col } = at(problem.offset);
    const why = problem.unknown !== undefined
      ? reason('unknownAnchor', { name: problem.unknown })
      : /alias/i.test(message) ? reason('tooManyAliases', { limit: LIMITS.maxAliasCount }) : reason('invalidYaml', { message });
    return { errors: [scenarioError(file, line, col, '', why)] };
  }

  const ctx = new Ctx(file, doc, lineCounter, data);
  try {
    schemaErrors(ctx);
    if (isDict(data)) semanticChecks(ctx, data);
    const errors = sortErrors(ctx.errors);
    if (errors.length > 0) return { errors };
    return { scenario: build(ctx, data as Dict), errors: [] };
  } catch (e) {
    // Aliases can nest data deeper than the text (each alias is a copy of its anchor's node);
    // a stack overflow in the checks is still "nested too deeply", never a leaked RangeError.
    if (e instanceof RangeError) return { errors: [scenarioError(file, 1, 1, '', reason('tooDeep', { limit: LIMITS.maxDepth }))] };
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Locations                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

class Ctx {
  readonly errors: ScenarioError[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
    readonly data: unknown,
  ) {}

  /** Record an error at a path; `where` picks the key or the value node (missing nodes fall back to the parent). */
  error(segs: Seg[], where: Where, why: Reason, keySegs: Seg[] = segs): void {
    const { line, col } = this.position(segs, where);
    const key = formatPath(keySegs);
    const id = `${line}:${col}:${key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.errors.push(scenarioError(this.file, line, col, key, why));
  }

  /** The YAML node at a data path: its value node and, if it is a mapping entry, its key node. */
  find(segs: Seg[]): { value?: unknown; key?: unknown; depth: number } {
    let cur: unknown = this.resolve(this.doc.contents);
    let key: unknown;
    let depth = 0;
    for (const seg of segs) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => isScalar(p.key) && (p.key.value === null ? '' : String(p.key.value)) === String(seg));
        if (!pair) break;
        key = pair.key;
        cur = this.resolve(pair.value);
      } else if (isSeq(cur) && typeof seg === 'number' && seg < cur.items.length) {
        key = undefined;
        cur = this.resolve(cur.items[seg]);
      } else break;
      depth++;
    }
    return { value: cur, key, depth };
  }

  position(segs: Seg[], where: Where): { line: number; col: number } {
    const { value, key, depth } = this.find(segs);
    let node: unknown = value;
    if (depth === segs.length) {
      const emptyValue = value == null || (isScalar(value) && value.value === null && !value.source);
      if ((where === 'key' || emptyValue) && key) node = key;
    }
    const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
    if (!range) return { line: 1, col: 1 };
    return this.lineCounter.linePos(range[0]);
  }

  /** A number written in the file as text (so `value: 007` gives "007"); strings are returned as they are. */
  text(segs: Seg[], v: unknown): string {
    if (typeof v === 'string') return v;
    const { value, depth } = this.find(segs);
    if (depth === segs.length && isScalar(value) && typeof value.value === 'number' && value.source) {
      return value.source;
    }
    return String(v);
  }

  private resolve(node: unknown): unknown {
    let n = node;
    for (let i = 0; i < 100 && isAlias(n); i++) n = n.resolve(this.doc);
    return n;
  }
}

function formatPath(segs: Seg[]): string {
  let out = '';
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function sortErrors(errors: ScenarioError[]): ScenarioError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.line - b.e.line || a.e.column - b.e.column || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Why yaml could not expand the aliases, in document order: the first alias with no anchor of
 * its name before it (`unknown`), else the first alias past `limit` uses of one anchor (or, when
 * it is the product over nested aliases that is too large, the first alias).
 */
function aliasProblem(doc: Document, limit: number): { offset: number; unknown?: string } {
  const anchors = new Set<string>();
  const uses = new Map<string, number>();
  let unknown: { offset: number; unknown: string } | null = null;
  let overLimit: number | null = null;
  let first: number | null = null;
  const walk = (n: unknown): void => {
    if (unknown) return;
    if (isAlias(n)) {
      const offset = n.range?.[0] ?? 0;
      first ??= offset;
      if (!anchors.has(n.source)) unknown = { offset, unknown: n.source };
      const count = (uses.get(n.source) ?? 0) + 1;
      uses.set(n.source, count);
      if (count > limit) overLimit ??= offset;
      return;
    }
    const anchor = (n as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.add(anchor);
    if (isMap(n)) n.items.forEach((p) => (walk(p.key), walk(p.value)));
    else if (isSeq(n)) n.items.forEach(walk);
  };
  walk(doc.contents);
  if (unknown) return unknown;
  return { offset: overLimit ?? first ?? 0 };
}

/**
 * Offset of the first list or mapping nested deeper than `limit` levels in the parser's tokens,
 * or null. Walks with an explicit stack, so any depth is measured without recursion.
 */
function tooDeepAt(tokens: CST.Token[], limit: number): number | null {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return token.offset;
      for (const item of token.items) {
        stack.push({ token: item.value, depth: depth + 1 });
        if ('key' in item) stack.push({ token: item.key, depth: depth + 1 });
      }
    } else if (token.type === 'block-scalar') {
      for (const p of token.props) stack.push({ token: p, depth });
    }
  }
  return null;
}

type ComposeOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * The first YAML document of the tokens (as yaml's parseDocument builds it), and where a second
 * document starts (null when there is none).
 */
function composeOne(tokens: CST.Token[], length: number, options: ComposeOptions): { doc: Document.Parsed; secondDocAt: number | null } {
  let doc: Document.Parsed | null = null;
  let secondDocAt: number | null = null;
  for (const d of new Composer(options).compose(tokens, true, length)) {
    if (!doc) doc = d;
    else {
      secondDocAt = d.range[0];
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document, even for an empty text.
  return { doc: doc!, secondDocAt };
}

/**
 * Mapping keys the data could not keep apart: a key that is a list, mapping or alias (it would be
 * turned into text), and two keys that give the same text (`a`/`a`, but also `1`/`"1"`, `null`/`""`).
 */
function mappingKeyErrors(doc: Document, file: string, at: (offset: number) => { line: number; col: number }): ScenarioError[] {
  const out: ScenarioError[] = [];
  const walk = (node: unknown, segs: Seg[]): void => {
    if (isMap(node)) {
      const firstLine = new Map<string, number>();
      for (const pair of node.items) {
        const k = pair.key as unknown;
        if (k !== null && !isScalar(k)) {
          const { line, col } = at((k as { range?: [number, number, number] }).range?.[0] ?? node.range?.[0] ?? 0);
          out.push(scenarioError(file, line, col, formatPath(segs), reason('keyNotText')));
          continue;
        }
        const name = k === null || k.value === null ? '' : String(k.value);
        const { line, col } = at(k?.range?.[0] ?? (pair.value as { range?: number[] } | null)?.range?.[0] ?? node.range?.[0] ?? 0);
        const first = firstLine.get(name);
        if (first !== undefined) out.push(scenarioError(file, line, col, formatPath([...segs, name]), reason('duplicateKey', { key: name, line: first })));
        else firstLine.set(name, line);
        walk(pair.value, [...segs, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...segs, i]));
    }
  };
  walk(doc.contents, []);
  return out;
}

function utf8Length(text: string): number {
  // UTF-8 never needs fewer bytes than UTF-16 code units, so long texts are refused without counting.
  if (text.length > LIMITS.maxBytes) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/* ------------------------------------------------------------------------------------------------ */
/* JSON Schema validation and error messages                                                        */
/* ------------------------------------------------------------------------------------------------ */

function schemaErrors(ctx: Ctx): void {
  // Precompiled (scripts/gen-validator.ts): no code is compiled at run time.
  if (validate(ctx.data)) return;
  for (const e of selectBranches(validate.errors ?? [], ctx.data)) reportSchemaError(ctx, e);
}

type AjvError = ErrorObject;

/**
 * Replace every failed oneOf by the errors of the one branch whose type fits the data (so
 * `nodes: [S1, 5]` reports `nodes[1]`), or by one error for the whole oneOf when no single branch
 * fits. ajv (allErrors) reports a oneOf's branch errors just before the oneOf's own error, so one
 * pass with a stack does it, inner oneOfs first.
 */
function selectBranches(errors: AjvError[], data: unknown): AjvError[] {
  const out: AjvError[] = [];
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') {
      out.push(e);
      continue;
    }
    const prefix = e.schemaPath + '/';
    const inside = (x: AjvError) =>
      x.schemaPath.startsWith(prefix) &&
      (x.instancePath === e.instancePath || x.instancePath.startsWith(e.instancePath + '/'));
    let k = out.length;
    while (k > 0 && inside(out[k - 1])) k--;
    const branchErrors = out.splice(k);
    const branches = (e.schema as JsonSchema[]) ?? [];
    const value = valueAt(data, e.instancePath);
    const fitting = branches.map((b, i) => (typeFits(b, value) ? i : -1)).filter((i) => i >= 0);
    const chosen =
      fitting.length === 1 ? branchErrors.filter((x) => x.schemaPath.startsWith(`${prefix}${fitting[0]}/`)) : [];
    out.push(...(chosen.length > 0 ? chosen : [e]));
  }
  return out;
}

function typeFits(schema: JsonSchema, value: unknown): boolean {
  const t = schema.type as string | string[] | undefined;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? t : [t];
  const actual = jsonType(value);
  return types.some((x) => x === actual || (x === 'number' && actual === 'integer') || (x === 'integer' && actual === 'number'));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string, boolean, object
}

function decodePointer(pointer: string, data: unknown): Seg[] {
  if (!pointer) return [];
  const segs: Seg[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const s = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      segs.push(Number(s));
      cur = cur[Number(s)];
    } else {
      segs.push(s);
      cur = isDict(cur) ? cur[s] : undefined;
    }
  }
  return segs;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur = data;
  for (const seg of decodePointer(pointer, data)) {
    cur = Array.isArray(cur) ? cur[seg as number] : isDict(cur) ? cur[seg as string] : undefined;
  }
  return cur;
}

function reportSchemaError(ctx: Ctx, e: AjvError): void {
  const segs = decodePointer(e.instancePath, ctx.data);
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  const value = e.propertyName !== undefined ? e.propertyName : valueAt(ctx.data, e.instancePath);
  // A number is shown as written in the file (9007199254740993, not the 9007199254740992 it became).
  const got = e.propertyName === undefined ? shownAt(ctx, segs, value) : show(value);

  // Errors about a mapping key (propertyNames): point at the key.
  if (e.keyword === 'propertyNames') return; // the inner error (with propertyName) says why
  if (e.propertyName !== undefined) {
    ctx.error([...segs, e.propertyName], 'key', mustBe(parent, value, e.keyword));
    return;
  }

  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as JsonSchema);
      ctx.error([...segs, extra], 'key', unknownKey(extra, allowed));
      return;
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      ctx.error(segs, 'value', reason('missingKey', { key: missing }), [...segs, missing]);
      return;
    }
    case 'maxProperties':
    case 'minProperties': {
      const allowed = Object.keys((parent.properties ?? {}) as JsonSchema);
      const present = isDict(value) ? Object.keys(value) : [];
      if (e.keyword === 'minProperties') {
        ctx.error(segs, 'value', reason(parent.maxProperties === 1 ? 'needStepKey' : 'needOneOf', { allowed: allowed.join(', ') }));
        return;
      }
      // Only steps have maxProperties: exactly one step key per item.
      const known = present.filter((k) => allowed.includes(k));
      if (known.length < present.length) return; // the unknown key is reported on its own
      const second = present[1];
      ctx.error([...segs, second], 'key', reason('twoStepKeys', { present: present.join(', ') }), segs);
      return;
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      const [first, later] = [Math.min(i, j), Math.max(i, j)];
      const item = Array.isArray(value) ? value[later] : undefined;
      ctx.error([...segs, later], 'value', reason('listedTwice', { item: show(item), first }));
      return;
    }
    case 'maxItems':
    case 'minItems':
    case 'maximum':
    case 'minimum': {
      const noun = parent['x-noun'] as string | undefined;
      if (noun) {
        const limit = (e.params as { limit: number }).limit;
        const count = Array.isArray(value) ? value.length : Number(value);
        const many = e.keyword === 'maxItems' || e.keyword === 'maximum';
        const things = reason(`${noun}s.${!many && limit === 1 ? 'one' : 'other'}` as ReasonId);
        ctx.error(segs, 'value', many ? reason('tooMany', { things, count, limit }) : reason('needsAtLeast', { limit, things }));
        return;
      }
      ctx.error(segs, 'value', mustBe(parent, value, e.keyword, got));
      return;
    }
    case 'discriminator': {
      const { error: kind, tag } = e.params as { error: string; tag: string };
      const branches = ((parent.oneOf ?? []) as JsonSchema[]).map(
        (b) => ((b.properties as JsonSchema)[tag] as JsonSchema).const as string,
      );
      if (kind === 'tag' && isDict(value) && !(tag in value)) {
        ctx.error(segs, 'value', reason('missingTag', { key: tag, choices: { list: branches, join: 'or' } }), [...segs, tag]);
      } else {
        const v = isDict(value) ? value[tag] : undefined;
        ctx.error([...segs, tag], 'value', reason('mustBe', { expected: { list: branches.map((b) => `"${b}"`), join: 'or' }, got: show(v) }));
      }
      return;
    }
    default:
      // type, const, enum, pattern, not, exclusiveMinimum, ... and a oneOf no branch of which fits.
      ctx.error(segs, 'value', mustBe(parent, value, e.keyword, got));
  }
}

/** "must be <what the schema expects> (got <value>)". */
function mustBe(schema: JsonSchema, value: unknown, keyword: string, got: ReasonParam = show(value)): Reason {
  const expected = describe(schema);
  if (keyword === 'not' && typeof value === 'string' && (RESERVED_WORDS as readonly string[]).includes(value)) {
    return reason('reservedWord', { value, words: RESERVED_WORDS.join(', '), expected });
  }
  const wantsText = formatParam(expected).includes('string');
  const quote = wantsText && (typeof value === 'number' || typeof value === 'boolean');
  return reason(quote ? 'mustBeQuote' : 'mustBe', { expected, got });
}

/** A value at a path as messages show it; numbers as written in the file, and said when not finite (`1e999`, `.inf`). */
function shownAt(ctx: Ctx, segs: Seg[], value: unknown): ReasonParam {
  if (typeof value !== 'number') return show(value);
  const text = ctx.text(segs, value);
  return Number.isFinite(value) ? text : reason('notFinite', { text });
}

/** A value as error messages show it: quoted text, a number, or what kind of thing it is. */
function show(value: unknown): ReasonParam {
  if (value === undefined) return reason('nothing');
  if (value === null) return reason('emptyValue');
  if (Array.isArray(value)) return reason('aList');
  if (typeof value === 'object') return reason('aMapping');
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return String(value);
}

/** A phrase for what a schema accepts ("a number between 0 and 1", "one of: follower, candidate, leader"). */
function describe(s: JsonSchema): ReasonParam {
  if (typeof s['x-expected'] === 'string') return { phrase: s['x-expected'] };
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return reason('oneOf', { items: s.enum.join(', ') });
  const type = s.type;
  if (type === 'number' || type === 'integer') {
    const whole = type === 'integer';
    const lo = s.minimum as number | undefined;
    const xlo = s.exclusiveMinimum as number | undefined;
    const hi = s.maximum as number | undefined;
    const xhi = s.exclusiveMaximum as number | undefined;
    if (lo !== undefined && hi !== undefined) return reason(whole ? 'wholeNumberBetween' : 'numberBetween', { lo, hi });
    const parts: string[] = [];
    if (lo !== undefined) parts.push(`>= ${lo}`);
    if (xlo !== undefined) parts.push(`> ${xlo}`);
    if (hi !== undefined) parts.push(`<= ${hi}`);
    if (xhi !== undefined) parts.push(`< ${xhi}`);
    if (parts.length === 0) return reason(whole ? 'aWholeNumber' : 'aNumber');
    return reason(whole ? 'wholeNumberBounds' : 'numberBounds', { bounds: { list: parts, join: 'and' } });
  }
  if (type === 'string') return reason('aString');
  if (type === 'boolean') return reason('trueOrFalse');
  if (type === 'array') return reason('aList');
  if (type === 'object') return reason('aMapping');
  return reason('valid');
}

function unknownKey(key: string, allowed: string[]): Reason {
  const limit = Math.min(2, Math.max(1, Math.floor(key.length / 3)));
  const close = allowed.filter((a) => editDistance(a.toLowerCase(), key.toLowerCase()) <= limit);
  if (close.length > 0) return reason('unknownKeySuggest', { key, allowed: allowed.join(', '), suggestion: close[0] });
  return reason('unknownKey', { key, allowed: allowed.join(', ') });
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/* ------------------------------------------------------------------------------------------------ */
/* Checks beyond the schema                                                                         */
/* ------------------------------------------------------------------------------------------------ */

const NAME_RE = new RegExp(NAME_PATTERN);

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isValidName(v: unknown): v is string {
  return typeof v === 'string' && NAME_RE.test(v) && !(RESERVED_WORDS as readonly string[]).includes(v);
}

/** A list of 1..max distinct valid names, or null. */
function nameList(v: unknown, max: number): string[] | null {
  if (!Array.isArray(v) || v.length < 1 || v.length > max || !v.every(isValidName)) return null;
  return new Set(v).size === v.length ? (v as string[]) : null;
}

function serverNames(nodes: unknown): string[] | null {
  if (nodes === undefined) nodes = DEFAULTS.nodes;
  if (typeof nodes === 'number') {
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > LIMITS.maxServers) return null;
    return Array.from({ length: nodes }, (_, i) => `S${i + 1}`);
  }
  return nameList(nodes, LIMITS.maxServers);
}

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isPair = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * The spares' names (cluster.spares): a count names them after the initial servers (S4, S5 after
 * three nodes), a list gives them; null when the value is not valid (the schema says why).
 */
function spareNames(spares: unknown, nodes: string[] | null): string[] | null {
  if (spares === undefined) return [];
  if (typeof spares === 'number') {
    if (!Number.isInteger(spares) || spares < 0 || !nodes) return null;
    return Array.from({ length: spares }, (_, i) => `S${nodes.length + i + 1}`);
  }
  if (Array.isArray(spares) && spares.length === 0) return [];
  return nameList(spares, LIMITS.maxServers);
}

function semanticChecks(ctx: Ctx, data: Dict): void {
  const cluster: Dict = isDict(data.cluster) ? data.cluster : {};
  const nodes = serverNames(cluster.nodes);
  const spares = spareNames(cluster.spares, nodes);
  // Steps and settings may name every server, spares too.
  const servers = nodes && spares ? [...nodes, ...spares.filter((x) => !nodes.includes(x))] : nodes;
  if (nodes && spares) {
    spares.forEach((name, i) => {
      if (nodes.includes(name)) ctx.error(Array.isArray(cluster.spares) ? ['cluster', 'spares', i] : ['cluster', 'spares'], 'value', reason('spareClash', { name }));
    });
    if (nodes.length + spares.length > LIMITS.maxServers) {
      ctx.error(['cluster', 'spares'], 'value', reason('tooManyServersTotal', { nodes: nodes.length, spares: spares.length, total: nodes.length + spares.length, limit: LIMITS.maxServers }));
    }
  }
  if (nodes && Array.isArray(cluster.learners)) {
    cluster.learners.forEach((name: unknown, i: number) => {
      if (typeof name === 'string' && isValidName(name) && !nodes.includes(name)) ctx.error(['cluster', 'learners', i], 'value', reason('learnerNotNode', { name, servers: nodes.join(', ') }));
    });
    if (cluster.learners.length > 0 && nodes.every((n) => cluster.learners.includes(n))) ctx.error(['cluster', 'learners'], 'value', reason('noVoterLeft'));
  }
  if (Array.isArray(cluster.unsafe) && cluster.unsafe.includes('ackBeforeFsync') && !(typeof cluster.fsyncMs === 'number' && cluster.fsyncMs > 0)) {
    ctx.error(['cluster', 'unsafe', cluster.unsafe.indexOf('ackBeforeFsync')], 'value', reason('ackNeedsFsync'));
  }
  const clients = data.clients === undefined ? [...DEFAULTS.clients] : nameList(data.clients, Infinity);

  /** Check that `v` (at `segs`) names a server, or is one of the allowed words. */
  const server = (segs: Seg[], v: unknown, allowed: string[] = [], where: Where = 'value') => {
    if (typeof v !== 'string' || allowed.includes(v) || !isValidName(v) || !servers) return;
    if (!servers.includes(v)) ctx.error(segs, where, reason('unknownServer', { name: v, servers: servers.join(', ') }));
  };
  const serverList = (segs: Seg[], v: unknown, allowed: string[] = []) => {
    if (Array.isArray(v)) v.forEach((x, i) => server([...segs, i], x, allowed));
    else server(segs, v, allowed);
  };
  const client = (segs: Seg[], v: unknown) => {
    if (typeof v !== 'string' || !isValidName(v) || !clients) return;
    if (!clients.includes(v)) ctx.error(segs, 'value', reason('unknownClient', { name: v, clients: clients.join(', ') }));
  };
  const count = (segs: Seg[], v: unknown) => {
    if (servers && typeof v === 'number' && v > servers.length) {
      ctx.error(segs, 'value', reason('atMostServers', { n: servers.length }));
    }
  };
  const latency = (segs: Seg[], v: unknown) => {
    if (isPair(v) && v[0] >= 0 && v[1] >= 0 && v[0] > v[1]) {
      ctx.error(segs, 'value', reason('minAboveMax', { min: v[0], max: v[1] }));
    }
  };
  /** One rule for KV keys, as etcd's: never empty, except as the prefix of a prefix get or delete. */
  const emptyKey = (segs: Seg[], v: unknown, prefix = false, where: Where = 'value') => {
    if (v === '' && !prefix) ctx.error(segs, where, reason('emptyKey'));
  };

  // The seed, exactly as the command line's --seed: decimal digits, 0 .. 2^53 − 1, never rounded.
  if (typeof data.seed === 'number' && seedFromText(ctx.text(['seed'], data.seed)) === null) {
    const seedSchema = (scenarioSchema.properties as Record<string, JsonSchema>).seed;
    ctx.error(['seed'], 'value', mustBe(seedSchema, data.seed, 'maximum', shownAt(ctx, ['seed'], data.seed)));
  }

  // Partition groups: known servers, each in at most one group.
  const groups = (segs: Seg[], v: unknown) => {
    if (!Array.isArray(v)) return;
    const groupOf = new Map<string, number>();
    v.forEach((group: unknown, g: number) => {
      if (!Array.isArray(group)) return;
      group.forEach((s: unknown, j: number) => {
        server([...segs, g, j], s);
        if (typeof s !== 'string') return;
        const other = groupOf.get(s);
        if (other !== undefined && other !== g) {
          ctx.error([...segs, g, j], 'value', reason('twoGroups', { name: s, group: other + 1 }));
        } else groupOf.set(s, g);
      });
    });
  };

  // Recorded actions name servers and clients of this cluster, in order of position.
  if (isDict(data.replay) && Array.isArray(data.replay.actions)) {
    let prev = { events: 0, atMs: 0 };
    data.replay.actions.forEach((a: unknown, i: number) => {
      if (!isDict(a) || !isDict(a.do)) return;
      const at = (...k: Seg[]) => ['replay', 'actions', i, 'do', ...k];
      const d = a.do;
      // The verbs table says which arguments name servers and clients.
      if (typeof d.kind === 'string' && Object.prototype.hasOwnProperty.call(VERBS, d.kind)) {
        for (const [k, arg] of Object.entries(verbOf(d.kind as VerbName).args)) {
          if (!(k in d)) continue;
          if (arg.type === 'server') server(at(k), d[k]);
          else if (arg.type === 'client') client(at(k), d[k]);
          else if (arg.type === 'serverGroups' && Array.isArray(d[k])) (d[k] as unknown[]).forEach((g, gi) => serverList(at(k, gi), g));
        }
      }
      if (isDict(d.spec)) emptyKey(at('spec', 'key'), d.spec.key, d.spec.prefix === true && (d.spec.op === 'get' || d.spec.op === 'delete'));
      // Only positions the schema accepts are compared (a negative one has its own message).
      const valid = Number.isInteger(a.events) && a.events >= 0 && Number.isFinite(a.atMs) && a.atMs >= 0;
      if (valid) {
        if (a.events < prev.events || a.atMs < prev.atMs) ctx.error(['replay', 'actions', i], 'value', reason('actionsOrder'));
        prev = { events: a.events, atMs: a.atMs };
      }
    });
  }

  // The documented cap on simulated time.
  if (Array.isArray(data.steps)) {
    let totalMs = 0;
    data.steps.forEach((st: unknown) => {
      if (!isDict(st)) return;
      const [k] = Object.keys(st);
      const v = st[k];
      if (k === 'do') return; // a do step never waits
      // Values the schema refuses (negative, not finite) have their own message.
      if (k === 'run' && isPositive(v)) totalMs += v;
      else if (isDict(v) && isPositive(v.withinMs) && !v.async) totalMs += v.withinMs;
    });
    if (totalMs > LIMITS.maxSimulatedMs) {
      ctx.error(['steps'], 'value', reason('tooLong', { totalMs, limitMs: LIMITS.maxSimulatedMs }));
    }
  }

  // Clients must not be named like servers.
  if (Array.isArray(data.clients) && servers) {
    data.clients.forEach((c: unknown, i: number) => {
      if (typeof c === 'string' && servers.includes(c)) {
        ctx.error(['clients', i], 'value', reason('clientIsServer', { name: c }));
      }
    });
  }

  // Timing (the defaults are the profile's).
  const profile = PROFILE_DEFAULTS[(PROFILES as readonly string[]).includes(cluster.profile) ? cluster.profile as Profile : DEFAULTS.profile];
  const et = cluster.electionTimeoutMs;
  const etGiven = et !== undefined;
  const election = etGiven ? et : profile.electionTimeoutMs;
  if (etGiven && isPair(et) && et[0] > 0 && et[1] > 0 && et[0] >= et[1]) {
    ctx.error(['cluster', 'electionTimeoutMs'], 'value', reason('timeoutOrder', { min: et[0], max: et[1] }));
  }
  const hb = cluster.heartbeatMs;
  const heartbeat = hb === undefined ? profile.heartbeatMs : hb;
  if (isPair(election) && election[0] > 0 && isPositive(heartbeat) && heartbeat >= election[0]) {
    if (hb !== undefined) {
      ctx.error(['cluster', 'heartbeatMs'], 'value', reason(etGiven ? 'heartbeatBelow' : 'heartbeatBelowDefault', { min: election[0] }));
    } else {
      ctx.error(['cluster', 'electionTimeoutMs'], 'value', reason('timeoutAboveHeartbeat', { min: election[0], heartbeat }));
    }
  }
  if (isDict(cluster.network)) latency(['cluster', 'network', 'latencyMs'], cluster.network.latencyMs);

  // Reads and clocks (issue 12): a lease read needs CheckQuorum (etcd raft Config.validate); clock rates name servers.
  const checkQuorum = typeof cluster.checkQuorum === 'boolean' ? cluster.checkQuorum : profile.checkQuorum;
  if (cluster.reads === 'lease' && !checkQuorum) {
    ctx.error(['cluster', 'reads'], 'value', reason(cluster.checkQuorum === false ? 'leaseCheckQuorumOff' : 'leaseNeedsCheckQuorum'));
  }
  if (isDict(cluster.clockRate)) for (const name of Object.keys(cluster.clockRate)) server(['cluster', 'clockRate', name], name, [], 'key');

  // Initial state.
  if (isDict(cluster.initial)) {
    for (const [name, state] of Object.entries(cluster.initial)) {
      const base: Seg[] = ['cluster', 'initial', name];
      server(base, name, [], 'key');
      if (!isDict(state)) continue;
      server([...base, 'votedFor'], state.votedFor);
      if (!Array.isArray(state.log)) continue;
      const term = Number.isInteger(state.term) ? (state.term as number) : undefined;
      let prev = 0;
      state.log.forEach((entry: unknown, i: number) => {
        if (isDict(entry) && Array.isArray(entry.put)) emptyKey([...base, 'log', i, 'put', 0], entry.put[0]);
        const t = typeof entry === 'number' ? entry : isDict(entry) ? entry.term : undefined;
        if (!Number.isInteger(t) || t < 1) return;
        const segs: Seg[] = typeof entry === 'number' ? [...base, 'log', i] : [...base, 'log', i, 'term'];
        if (t < prev) {
          ctx.error(segs, 'value', reason('logTermsDecrease', { entry: i + 1, term: t, prev }));
        } else if (term !== undefined && t > term) {
          ctx.error(segs, 'value', reason('entryAboveTerm', { entry: i + 1, term: t, name, current: term }));
        }
        prev = Math.max(prev, t);
      });
    }
  }

  // Steps.
  if (!Array.isArray(data.steps)) return;
  // etcdctl `as` names (issue 14): each given once, and used (cancel, expect.watched) only after.
  const etcdNames = new Set<string>();
  const etcdName = (segs: Seg[], n: unknown, where: 'key' | 'value' = 'value') => {
    if (typeof n === 'string' && !etcdNames.has(n)) ctx.error(segs, where, reason('etcdNameUnknown', { name: n }));
  };
  data.steps.forEach((item: unknown, i: number) => {
    if (!isDict(item)) return;
    const keys = Object.keys(item);
    if (keys.length !== 1) return;
    const kind = keys[0];
    const v = item[kind];
    const base: Seg[] = ['steps', i, kind];
    const at = (...rest: Seg[]) => [...base, ...rest];
    switch (kind) {
      case 'say':
        if (isDict(v)) {
          if ('text' in v && 'en' in v) ctx.error(at('en'), 'key', reason('textAndEn'));
          else if (!('text' in v) && !('en' in v)) ctx.error(base, 'value', reason('missingText'), at('text'));
          if (isDict(v.ask)) checkAsk(ctx, at, v);
        }
        break;
      case 'wait':
        if (isDict(v)) {
          if (Array.isArray(v.among)) serverList(at('among'), v.among);
          count(at('nodes'), v.nodes);
        }
        break;
      case 'crash':
      case 'timeout':
      case 'isolate':
      case 'reconnect':
        if (isDict(v)) serverList(at('target'), v.target, ['leader']);
        else serverList(base, v, ['leader']);
        break;
      case 'restart':
        serverList(base, v, ['all']);
        break;
      case 'partition':
        groups(base, v);
        break;
      case 'cut':
        if (isDict(v)) {
          server(at('from'), v.from);
          server(at('to'), v.to);
          if (typeof v.from === 'string' && v.from === v.to) ctx.error(at('to'), 'value', reason('mustDiffer', { value: v.to }));
        }
        break;
      case 'do': {
        // The verbs table says which arguments name servers (here "leader" too), clients, groups, settings.
        if (!isDict(v) || typeof v.kind !== 'string' || !(STEP_VERBS as string[]).includes(v.kind)) break;
        const args = verbOf(v.kind as VerbName).args;
        for (const [k, arg] of Object.entries(args)) {
          if (!(k in v)) continue;
          if (arg.type === 'server') server(at(k), v[k], ['leader']);
          else if (arg.type === 'client') client(at(k), v[k]);
          else if (arg.type === 'serverGroups') groups(at(k), v[k]);
          else if ((arg.type === 'linkSettings' || arg.type === 'linkSettingsOrNull') && isDict(v[k])) latency(at(k, 'latencyMs'), v[k].latencyMs);
        }
        if (args.from?.type === 'server' && args.to?.type === 'server' && typeof v.from === 'string' && v.from === v.to) {
          ctx.error(at('to'), 'value', reason('mustDiffer', { value: v.to }));
        }
        break;
      }
      case 'network':
        if (isDict(v)) latency(at('latencyMs'), v.latencyMs);
        break;
      case 'transfer':
        if (isDict(v)) server(at('to'), v.to);
        break;
      case 'member':
        if (isDict(v)) {
          for (const k of ['add', 'promote', 'remove']) server(at(k), v[k]);
          if (isDict(v.change)) for (const k of ['add', 'remove', 'learners']) serverList(at('change', k), v.change[k]);
        }
        break;
      case 'compact':
        server(base, v, ['all']);
        break;
      case 'put':
      case 'get':
      case 'delete':
      case 'cas':
        if (isDict(v)) {
          client(at('client'), v.client);
          server(at('via'), v.via);
          emptyKey(at('key'), v.key, v.prefix === true && (kind === 'get' || kind === 'delete'));
          if (kind === 'get' && isDict(v.expect) && isDict(v.expect.values)) {
            for (const k of Object.keys(v.expect.values)) emptyKey(at('expect', 'values', k), k, false, 'key');
          }
          if (kind === 'get' && isDict(v.expect)) {
            if (v.prefix === true && 'value' in v.expect) {
              ctx.error(at('expect', 'value'), 'key', reason('prefixValue'));
            }
            if (v.prefix !== true && 'values' in v.expect) {
              ctx.error(at('expect', 'values'), 'key', reason('valuesNotPrefix'));
            }
          }
        }
        break;
      case 'expect':
        if (isDict(v)) {
          server(at('leader'), v.leader, ['none', 'any']);
          if (isDict(v.members)) {
            for (const k of ['voters', 'learners', 'votersOutgoing']) serverList(at('members', k), v.members[k]);
            server(at('members', 'on'), v.members.on);
          }
          for (const map of ['role', 'term', 'log', 'snapshotIndex']) {
            if (isDict(v[map])) for (const name of Object.keys(v[map])) server(at(map, name), name, [], 'key');
          }
          if (Array.isArray(v.on)) serverList(at('on'), v.on);
          if (isDict(v.committed)) count(at('committed', 'nodes'), v.committed.nodes);
          if (isDict(v.kv)) for (const k of Object.keys(v.kv)) emptyKey(at('kv', k), k, false, 'key');
          if (isDict(v.watched)) for (const n of Object.keys(v.watched)) etcdName(at('watched', n), n, 'key');
        }
        break;
      case 'etcdctl':
        if (isDict(v)) {
          client(at('client'), v.client);
          server(at('via'), v.via);
          if (typeof v.as === 'string') {
            if (etcdNames.has(v.as)) ctx.error(at('as'), 'value', reason('etcdNameTwice', { name: v.as }));
            etcdNames.add(v.as);
          }
        }
        break;
      case 'cancel':
        etcdName(base, v);
        break;
    }
  });
}

/* ------------------------------------------------------------------------------------------------ */
/* Typed output                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

function build(ctx: Ctx, d: Dict): Scenario {
  const c: Dict = d.cluster ?? {};
  const net: Dict = c.network ?? {};
  const network: NetworkConfig = {
    latencyMs: [...((net.latencyMs ?? DEFAULTS.latencyMs) as [number, number])],
    dropRate: net.dropRate ?? DEFAULTS.dropRate,
    duplicateRate: net.duplicateRate ?? DEFAULTS.duplicateRate,
  };
  // Keyed by server name: a Map (see the rule in types.ts).
  const initial = new Map<string, InitialServerState>();
  for (const [name, s] of Object.entries((c.initial ?? {}) as Record<string, Dict>)) {
    const log: InitialEntry[] = ((s.log ?? []) as unknown[]).map((e, i) => {
      if (typeof e === 'number') return { term: e };
      const entry = e as Dict;
      const out: InitialEntry = { term: entry.term };
      if (entry.put) {
        const at = ['cluster', 'initial', name, 'log', i, 'put'];
        out.put = [ctx.text([...at, 0], entry.put[0]), ctx.text([...at, 1], entry.put[1])];
      }
      return out;
    });
    initial.set(name, { term: s.term, votedFor: s.votedFor ?? null, log });
  }
  // Keys the file gives override its profile's defaults (PROFILE_DEFAULTS).
  const profileName: Profile = c.profile ?? DEFAULTS.profile;
  const profile = PROFILE_DEFAULTS[profileName];
  const cluster: ClusterConfig = {
    nodes: serverNames(c.nodes)!,
    heartbeatMs: c.heartbeatMs ?? profile.heartbeatMs,
    electionTimeoutMs: [...((c.electionTimeoutMs ?? profile.electionTimeoutMs) as [number, number])],
    clientTimeoutMs: c.clientTimeoutMs ?? DEFAULTS.clientTimeoutMs,
    network,
    initial,
    leaderNoop: c.leaderNoop ?? true,
    maxEntriesPerAppend: c.maxEntriesPerAppend ?? DEFAULTS.maxEntriesPerAppend,
    maxInflightMsgs: c.maxInflightMsgs ?? DEFAULTS.maxInflightMsgs,
    autoCompactionRetention: c.autoCompactionRetention ?? DEFAULTS.autoCompactionRetention,
    unsafe: [...((c.unsafe ?? []) as string[])],
    profile: profileName,
    preVote: c.preVote ?? profile.preVote,
    checkQuorum: c.checkQuorum ?? profile.checkQuorum,
    reads: c.reads ?? profile.reads,
    clockDriftBound: c.clockDriftBound ?? DEFAULTS.clockDriftBound,
    clockRate: new Map(Object.entries((c.clockRate ?? {}) as Record<string, number>)),
    spares: spareNames(c.spares, serverNames(c.nodes))!,
    learners: [...((c.learners ?? []) as string[])],
    snapshotCount: c.snapshotCount ?? 0,
    snapshotCatchUpEntries: c.snapshotCatchUpEntries ?? DEFAULTS.snapshotCatchUpEntries,
    fsyncMs: c.fsyncMs ?? 0,
  };
  const clients: string[] = [...((d.clients ?? DEFAULTS.clients) as string[])];
  const steps: Step[] = (d.steps as Dict[]).map((item, index) => {
    const kind = Object.keys(item)[0];
    const body = buildStep(ctx, kind, item[kind], ['steps', index, kind], clients[0]);
    const { line } = ctx.position(['steps', index], 'value');
    return { ...body, index, line } as Step;
  });
  return {
    file: ctx.file,
    title: d.title,
    description: d.description ?? DEFAULTS.description,
    summary: d.summary ?? '',
    concepts: [...((d.concepts ?? []) as string[])],
    i18n: d.i18n ? JSON.parse(JSON.stringify(d.i18n)) : {},
    seed: d.seed ?? DEFAULTS.seed,
    cluster,
    clients,
    steps,
    ...(isDict(d.replay) ? { replay: JSON.parse(JSON.stringify(d.replay)) } : {}),
  };
}

/** What the schema cannot say about a `say` with `ask`: it pauses, its answer is a choice, zh has as many choices. */
function checkAsk(ctx: Ctx, at: (...rest: Seg[]) => Seg[], say: Record<string, unknown>): void {
  const ask = say.ask as Record<string, unknown>;
  if (say.pause !== true) ctx.error(at('ask'), 'key', reason('askNeedsPause'), at('pause'));
  const choices = Array.isArray(ask.choices) ? ask.choices : null;
  if (choices && typeof ask.answer === 'string' && !choices.includes(ask.answer)) {
    ctx.error(at('ask', 'answer'), 'value', reason('askAnswer', { answer: ask.answer, choices: { list: choices.map((c) => String(c)), join: 'comma' } }));
  }
  const zh = isDict(ask.zh) ? ask.zh : null;
  if (choices && zh && Array.isArray(zh.choices) && zh.choices.length !== choices.length) {
    ctx.error(at('ask', 'zh', 'choices'), 'value', reason('askZhChoices', { n: choices.length }));
  }
}

function buildStep(ctx: Ctx, kind: string, v: any, segs: Seg[], defaultClient: string): StepBody {
  const text = (key: string, value: unknown) => ctx.text([...segs, key], value);
  switch (kind) {
    case 'say':
      if (typeof v === 'string') return { kind: 'say', text: v, pause: false };
      return {
        kind: 'say',
        text: v.text ?? v.en,
        ...(v.zh !== undefined ? { zh: v.zh } : {}),
        pause: v.pause ?? false,
        ...(v.ask !== undefined
          ? {
              ask: {
                question: v.ask.question,
                choices: [...v.ask.choices],
                answer: v.ask.choices.indexOf(v.ask.answer),
                ...(v.ask.zh !== undefined ? { zh: { question: v.ask.zh.question, choices: [...v.ask.zh.choices] } } : {}),
              },
            }
          : {}),
      };
    case 'pause':
      return { kind: 'pause' };
    case 'run':
      return { kind: 'run', durationMs: v };
    case 'wait':
      if (v.for === 'leader') {
        return {
          kind: 'wait',
          for: 'leader',
          ...(v.among !== undefined ? { among: [...v.among] } : {}),
          withinMs: v.withinMs ?? DEFAULTS.withinMs,
        };
      }
      return {
        kind: 'wait',
        for: 'commit',
        logIndex: v.index,
        ...(v.nodes !== undefined ? { nodes: v.nodes } : {}),
        withinMs: v.withinMs ?? DEFAULTS.withinMs,
      };
    case 'crash':
      if (isDict(v)) return { kind: 'crash', targets: [v.target as string], ...(v.optional ? { optional: true } : {}) };
      return { kind: 'crash', targets: Array.isArray(v) ? [...v] : [v] };
    case 'restart':
      return { kind: 'restart', targets: v === 'all' ? 'all' : Array.isArray(v) ? [...v] : [v] };
    case 'timeout':
    case 'isolate':
    case 'reconnect':
      return { kind, target: v };
    case 'partition':
      return { kind: 'partition', groups: (v as string[][]).map((g) => [...g]) };
    case 'cut':
      return { kind: 'cut', from: v.from, to: v.to, both: v.both ?? false };
    case 'heal':
      return { kind: 'heal' };
    case 'transfer':
      return { kind: 'transfer', to: v.to };
    case 'member': {
      const { withinMs, ...rest } = v as Dict;
      const request = JSON.parse(JSON.stringify(rest)) as MemberRequest;
      return { kind: 'member', request, withinMs: withinMs ?? DEFAULTS.withinMs };
    }
    case 'compact':
      return { kind: 'compact', target: v };
    case 'do':
      return { kind: 'do', action: JSON.parse(JSON.stringify(v)) as UserAction };
    case 'network': {
      const settings: Partial<NetworkConfig> = {};
      if (v.latencyMs !== undefined) settings.latencyMs = [v.latencyMs[0], v.latencyMs[1]];
      if (v.dropRate !== undefined) settings.dropRate = v.dropRate;
      if (v.duplicateRate !== undefined) settings.duplicateRate = v.duplicateRate;
      return { kind: 'network', settings };
    }
    case 'put':
    case 'get':
    case 'delete':
    case 'cas': {
      const options = {
        client: (v.client as string | undefined) ?? defaultClient,
        ...(v.via !== undefined ? { via: v.via as string } : {}),
        retry: (v.retry as boolean | undefined) ?? true,
        async: (v.async as boolean | undefined) ?? false,
        withinMs: (v.withinMs as number | undefined) ?? DEFAULTS.withinMs,
      };
      const expect = v.expect !== undefined ? { expect: clientExpect(ctx, v.expect, [...segs, 'expect']) } : {};
      const key = text('key', v.key);
      if (kind === 'put') return { kind, key, value: text('value', v.value), ...options, ...expect };
      if (kind === 'get') {
        return { kind, key, prefix: v.prefix ?? false, serializable: v.serializable ?? false, ...(v.read !== undefined ? { read: v.read } : {}), ...options, ...expect };
      }
      if (kind === 'delete') return { kind, key, prefix: v.prefix ?? false, ...options, ...expect };
      return { kind, key, from: v.from === null ? null : text('from', v.from), to: text('to', v.to), ...options, ...expect };
    }
    case 'etcdctl': {
      if (typeof v === 'string') return { kind: 'etcdctl', command: v, client: defaultClient, withinMs: DEFAULTS.withinMs };
      const e: Dict | undefined = v.expect;
      return {
        kind: 'etcdctl',
        command: v.command,
        client: (v.client as string | undefined) ?? defaultClient,
        ...(v.via !== undefined ? { via: v.via as string } : {}),
        ...(v.as !== undefined ? { as: v.as as string } : {}),
        withinMs: (v.withinMs as number | undefined) ?? DEFAULTS.withinMs,
        ...(e !== undefined ? { expect: { ...(e.output !== undefined ? { output: e.output } : {}), ...(e.contains !== undefined ? { contains: e.contains } : {}), ...(e.exit !== undefined ? { exit: e.exit } : {}) } } : {}),
      };
    }
    case 'cancel':
      return { kind: 'cancel', name: v };
    case 'expect':
      return { kind: 'expect', checks: expectChecks(ctx, v, segs) };
  }
  throw new Error(`unreachable: step kind ${kind}`);
}

function clientExpect(ctx: Ctx, e: Dict, segs: Seg[]): ClientExpect {
  const out: ClientExpect = {};
  if ('value' in e) out.value = e.value === null ? null : ctx.text([...segs, 'value'], e.value);
  if (e.values !== undefined) out.values = textMap(ctx, e.values, [...segs, 'values']) as Map<string, string>;
  if (e.result !== undefined) out.result = e.result;
  if (e.succeeded !== undefined) out.succeeded = e.succeeded;
  if (e.deleted !== undefined) out.deleted = e.deleted;
  return out;
}

/**
 * A mapping keyed by KV keys as a Map of its values as text. yaml's toJS keeps every key as an
 * own property (`__proto__` too), and Object.entries lists them all.
 */
function textMap(ctx: Ctx, m: Dict, segs: Seg[]): Map<string, string | null> {
  return new Map(Object.entries(m).map(([k, v]) => [k, v === null ? null : ctx.text([...segs, k], v)]));
}

function expectChecks(ctx: Ctx, v: Dict, segs: Seg[]): ExpectChecks {
  const out: ExpectChecks = {};
  if (v.leader !== undefined) out.leader = v.leader;
  if (v.role !== undefined) out.role = new Map(Object.entries(v.role as Dict));
  if (v.term !== undefined) out.term = new Map(Object.entries(v.term as Dict));
  if (v.committed !== undefined) {
    out.committed = { index: v.committed.index, ...(v.committed.nodes !== undefined ? { nodes: v.committed.nodes } : {}) };
  }
  if (v.notCommitted !== undefined) out.notCommitted = { index: v.notCommitted.index };
  if (v.log !== undefined) {
    out.log = new Map(Object.entries(v.log as Record<string, number[]>).map(([k, l]) => [k, [...l]]));
  }
  if (v.kv !== undefined) out.kv = textMap(ctx, v.kv, [...segs, 'kv']);
  if (v.on !== undefined) out.on = v.on === 'all' ? 'all' : [...v.on];
  if (v.invariants !== undefined) out.invariants = v.invariants;
  if (v.linearizable !== undefined) out.linearizable = v.linearizable;
  if (v.members !== undefined) {
    const m = v.members as Dict;
    out.members = { voters: [...m.voters], learners: [...(m.learners ?? [])], ...(m.votersOutgoing ? { votersOutgoing: [...m.votersOutgoing] } : {}), ...(m.on ? { on: m.on } : {}) };
  }
  if (v.snapshotIndex !== undefined) out.snapshotIndex = new Map(Object.entries(v.snapshotIndex as Dict));
  if (v.watched !== undefined) out.watched = new Map(Object.entries(v.watched as Record<string, string[]>).map(([k, l]) => [k, [...l]]));
  return out;
}
