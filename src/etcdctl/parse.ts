/**
 * Parsing an etcdctl v3 command line (etcd v3.6 etcdctl/ctlv3) into a typed command: the etcd
 * request(s) to send (src/kv request types) or the lease, member, endpoint or recipe operation.
 *
 * Rules, from etcdctl's sources (etcdctl/ctlv3/ctl.go and ctlv3/command/*.go):
 * - cobra: a command tree (`lease grant`, `member list` …), commands matched by unambiguous
 *   prefix (cobra.EnablePrefixMatching, so `mem li` is `member list`), global flags anywhere
 *   (`--endpoints`, `-w/--write-out`, `--hex`, `--command-timeout`, `--dial-timeout`, `--debug`);
 *   an unknown command or flag is `Error: …` with exit status 1;
 * - each command's own checks and messages (`put command needs 1 argument and input from stdin or
 *   2 arguments`, exit status 128 = cobrautl.ExitBadArgs; bad `--sort-by` exit status 4 =
 *   ExitBadFeature; txn input errors exit status 3 = ExitInvalidInput);
 * - standard input: the lines after the first one of the text (what `txn` reads its compares /
 *   success / failure blocks from, and `put KEY` its value).
 *
 * Where etcd takes an ID (lease, member), a name given by `as` (L1, M1 …) may stand for it: the
 * `names` resolver of {@link ParseOptions} turns it into the ID; any other text is read as hex.
 */
import {
  FROM_KEY_END,
  NO_LEASE,
  prefixEnd,
  type Compare,
  type CompactionRequest,
  type DeleteRangeRequest,
  type LeaseId,
  type PutRequest,
  type RangeRequest,
  type RequestOp,
  type SortOrder,
  type SortTarget,
  type TxnRequest,
  type WatchCreateRequest,
} from '../kv';
import { FlagError, FlagReader, parseFlags, type FlagSpec } from './flags';
import { GoNumError, goQuote, parseInt64, parseUint64 } from './go';
import type { MemberId } from './members';
import { TokenizeError, argify, shellSplit } from './tokenize';

/** etcdctl's exit statuses (pkg/cobrautl/error.go). */
export const EXIT = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  BadArgs: 128,
} as const;

/** Output formats of `-w` that this etcdctl prints (etcd also has protobuf). */
export type WriteOut = 'simple' | 'json' | 'table' | 'fields';

/** The global flags of every command. */
export interface GlobalOptions {
  writeOut: WriteOut;
  /** `--hex`: keys and values printed as `\x..` escapes. */
  hex: boolean;
  /** `--endpoints`, absent if not given (the client's own endpoints). */
  endpoints?: string[];
  /** `--command-timeout` (default 5 s), ms. */
  commandTimeoutMs: number;
  /** `--dial-timeout` (default 2 s), ms. */
  dialTimeoutMs: number;
}

/** One parsed etcdctl command. */
export type EtcdctlCommand =
  | { kind: 'get'; request: RangeRequest; printValueOnly: boolean; countOnly: boolean }
  | { kind: 'put'; request: PutRequest }
  | { kind: 'del'; request: DeleteRangeRequest }
  | { kind: 'txn'; request: TxnRequest; interactive: boolean }
  | { kind: 'compaction'; request: CompactionRequest; physical: boolean }
  | { kind: 'watch'; request: WatchCreateRequest }
  | { kind: 'lease grant'; ttl: number }
  | { kind: 'lease revoke'; id: LeaseId }
  | { kind: 'lease timetolive'; id: LeaseId; keys: boolean }
  | { kind: 'lease list' }
  | { kind: 'lease keep-alive'; id: LeaseId; once: boolean }
  | { kind: 'member list'; serializable: boolean }
  | { kind: 'member add'; name: string; peerUrls: string[]; isLearner: boolean }
  | { kind: 'member remove'; id: MemberId }
  | { kind: 'member promote'; id: MemberId }
  | { kind: 'endpoint health'; cluster: boolean }
  | { kind: 'endpoint status'; cluster: boolean }
  | { kind: 'move-leader'; target: MemberId }
  | { kind: 'lock'; name: string; ttl: number }
  | { kind: 'elect'; name: string; proposal: string }
  | { kind: 'elect -l'; name: string }
  | { kind: 'help'; path: string[] };

/** The kinds of commands that keep running until they are cancelled (Ctrl-C) or end on their own. */
export const BACKGROUND_KINDS: ReadonlySet<EtcdctlCommand['kind']> = new Set(['watch', 'lease keep-alive', 'lock', 'elect', 'elect -l']);

/** Whether a parsed command runs in the background (`lease keep-alive --once` does not). */
export function isBackground(c: EtcdctlCommand): boolean {
  return BACKGROUND_KINDS.has(c.kind) && !(c.kind === 'lease keep-alive' && c.once);
}

/**
 * What etcdctl writes or waits for before it sends anything: `del KEY END` without `--range`
 * warns on standard error and sleeps 2 s (so the user can interrupt it), also inside a txn.
 */
export interface ParseNotes {
  /** Lines for standard error, printed before the command runs. */
  warnings: string[];
  /** How long etcdctl sleeps before sending, ms (the host waits; this module sets no timer). */
  delayMs: number;
}

/** A successful parse. */
export interface ParsedLine extends ParseNotes {
  ok: true;
  command: EtcdctlCommand;
  global: GlobalOptions;
  /** The words that named the command, as typed (`mem`, `li`). */
  words: string[];
}

/** A failed parse: what etcdctl prints on standard error and its exit status. */
export interface ParseFailure {
  ok: false;
  stderr: string;
  exit: number;
}

/** Options of {@link parseCommandLine}. */
export interface ParseOptions {
  /** Resolves an `as` name (L1, M2 …) to the ID it stands for (lease or member, 16 hex digits); undefined if not a name. */
  names?: (name: string) => string | undefined;
}

// ---- the command tree ------------------------------------------------------------------------

/** A node of the command tree: its name, usage line, short help and local flags (cobra.Command). */
export interface CommandSpec {
  name: string;
  use: string;
  short: string;
  flags: FlagSpec[];
  /** Flags inherited by the subcommands (cobra PersistentFlags). */
  persistentFlags?: FlagSpec[];
  sub?: CommandSpec[];
}

const f = (name: string, type: FlagSpec['type'], def: string, usage: string, short?: string): FlagSpec => ({ name, type, default: def, usage, ...(short ? { short } : {}) });

/** etcdctl's global flags (ctl.go) that the simulator reads; the TLS/auth/discovery flags do not apply. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  f('endpoints', 'stringSlice', '[127.0.0.1:2379]', 'gRPC endpoints'),
  f('debug', 'bool', 'false', 'enable client-side debug logging'),
  f('write-out', 'string', 'simple', 'set the output format (fields, json, protobuf, simple, table)', 'w'),
  f('hex', 'bool', 'false', 'print byte strings as hex encoded strings'),
  f('dial-timeout', 'duration', '2s', 'dial timeout for client connections'),
  f('command-timeout', 'duration', '5s', 'timeout for short running command (excluding dial timeout)'),
];

/** The commands this etcdctl knows, as etcdctl v3.6 declares them (sorted by name, as cobra lists them). */
export const COMMANDS: CommandSpec[] = [
  { name: 'compaction', use: 'compaction [options] <revision>', short: 'Compacts the event history in etcd', flags: [f('physical', 'bool', 'false', "'true' to wait for compaction to physically remove all old revisions")] },
  {
    name: 'del', use: 'del [options] <key> [range_end]', short: 'Removes the specified key or range of keys [key, range_end)',
    flags: [
      f('prefix', 'bool', 'false', 'delete keys with matching prefix'),
      f('prev-kv', 'bool', 'false', 'return deleted key-value pairs'),
      f('from-key', 'bool', 'false', 'delete keys that are greater than or equal to the given key using byte compare'),
      f('range', 'bool', 'false', 'delete range of keys'),
    ],
  },
  {
    name: 'elect', use: 'elect <election-name> [proposal]', short: 'Observes and participates in leader election',
    flags: [f('listen', 'bool', 'false', 'observation mode', 'l')],
  },
  {
    name: 'endpoint', use: 'endpoint <subcommand>', short: 'Endpoint related commands', flags: [],
    persistentFlags: [f('cluster', 'bool', 'false', 'use all endpoints from the cluster member list')],
    sub: [
      { name: 'health', use: 'health', short: 'Checks the healthiness of endpoints specified in `--endpoints` flag', flags: [] },
      { name: 'status', use: 'status', short: 'Prints out the status of endpoints specified in `--endpoints` flag', flags: [] },
    ],
  },
  {
    name: 'get', use: 'get [options] <key> [range_end]', short: 'Gets the key or a range of keys',
    flags: [
      f('consistency', 'string', 'l', 'Linearizable(l) or Serializable(s)'),
      f('order', 'string', '', 'Order of results; ASCEND or DESCEND (ASCEND by default)'),
      f('sort-by', 'string', '', 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION'),
      f('limit', 'int64', '0', 'Maximum number of results'),
      f('prefix', 'bool', 'false', 'Get keys with matching prefix'),
      f('from-key', 'bool', 'false', 'Get keys that are greater than or equal to the given key using byte compare'),
      f('rev', 'int64', '0', 'Specify the kv revision'),
      f('keys-only', 'bool', 'false', 'Get only the keys'),
      f('count-only', 'bool', 'false', 'Get only the count'),
      f('print-value-only', 'bool', 'false', 'Only write values when using the "simple" output format'),
      f('min-create-rev', 'int64', '0', 'Minimum create revision'),
      f('max-create-rev', 'int64', '0', 'Maximum create revision'),
      f('min-mod-rev', 'int64', '0', 'Minimum modification revision'),
      f('max-mod-rev', 'int64', '0', 'Maximum modification revision'),
    ],
  },
  { name: 'help', use: 'help [command]', short: 'Help about any command', flags: [] },
  {
    name: 'lease', use: 'lease <subcommand>', short: 'Lease related commands', flags: [],
    sub: [
      { name: 'grant', use: 'grant <ttl>', short: 'Creates leases', flags: [] },
      { name: 'keep-alive', use: 'keep-alive [options] <leaseID>', short: 'Keeps leases alive (renew)', flags: [f('once', 'bool', 'false', 'Resets the keep-alive time to its original value and cobrautl.Exits immediately')] },
      { name: 'list', use: 'list', short: 'List all active leases', flags: [] },
      { name: 'revoke', use: 'revoke <leaseID>', short: 'Revokes leases', flags: [] },
      { name: 'timetolive', use: 'timetolive <leaseID> [options]', short: 'Get lease information', flags: [f('keys', 'bool', 'false', 'Get keys attached to this lease')] },
    ],
  },
  { name: 'lock', use: 'lock <lockname> [exec-command arg1 arg2 ...]', short: 'Acquires a named lock', flags: [f('ttl', 'int', '10', 'timeout for session')] },
  {
    name: 'member', use: 'member <subcommand>', short: 'Membership related commands', flags: [],
    sub: [
      { name: 'add', use: 'add <memberName> [options]', short: 'Adds a member into the cluster', flags: [f('peer-urls', 'string', '', 'comma separated peer URLs for the new member.'), f('learner', 'bool', 'false', 'indicates if the new member is raft learner')] },
      { name: 'list', use: 'list', short: 'Lists all members in the cluster', flags: [f('consistency', 'string', 'l', 'Linearizable(l) or Serializable(s)')] },
      { name: 'promote', use: 'promote <memberID>', short: 'Promotes a non-voting member in the cluster', flags: [] },
      { name: 'remove', use: 'remove <memberID>', short: 'Removes a member from the cluster', flags: [] },
    ],
  },
  { name: 'move-leader', use: 'move-leader <transferee-member-id>', short: 'Transfers leadership to another etcd cluster member.', flags: [] },
  {
    name: 'put', use: 'put [options] <key> <value> (<value> can also be given from stdin)', short: 'Puts the given key into the store',
    flags: [
      f('lease', 'string', '0', 'lease ID (in hexadecimal) to attach to the key'),
      f('prev-kv', 'bool', 'false', 'return the previous key-value pair before modification'),
      f('ignore-value', 'bool', 'false', 'updates the key using its current value'),
      f('ignore-lease', 'bool', 'false', 'updates the key using its current lease'),
    ],
  },
  { name: 'txn', use: 'txn [options]', short: 'Txn processes all the requests in one transaction', flags: [f('interactive', 'bool', 'false', 'Input transaction in interactive mode', 'i')] },
  {
    name: 'watch', use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]', short: 'Watches events stream on keys or prefixes',
    flags: [
      f('interactive', 'bool', 'false', 'Interactive mode', 'i'),
      f('prefix', 'bool', 'false', 'Watch on a prefix if prefix is set'),
      f('rev', 'int64', '0', 'Revision to start watching'),
      f('prev-kv', 'bool', 'false', 'get the previous key-value pair before the event happens'),
      f('progress-notify', 'bool', 'false', 'get periodic watch progress notification from server'),
    ],
  },
];

/** cobra's own `-h, --help` of every command. */
export const HELP_FLAG: FlagSpec = f('help', 'bool', 'false', 'help for', 'h');

let allFlagsCache: FlagSpec[] | null = null;

/** Every flag of every command (for finding the command words before the exact parse). */
function allFlags(): FlagSpec[] {
  if (allFlagsCache) return allFlagsCache;
  const out = new Map<string, FlagSpec>();
  const walk = (cs: CommandSpec[]): void => {
    for (const c of cs) {
      for (const fl of [...c.flags, ...(c.persistentFlags ?? [])]) out.set(fl.name, fl);
      if (c.sub) walk(c.sub);
    }
  };
  for (const g of [...GLOBAL_FLAGS, HELP_FLAG]) out.set(g.name, g);
  walk(COMMANDS);
  allFlagsCache = [...out.values()];
  return allFlagsCache;
}

/** Levenshtein distance, case-insensitive (cobra ld(s, t, true)). */
function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
  }
  return d[s.length][t.length];
}

/** cobra's "unknown command" error with its suggestions (command.go findSuggestions, SuggestionsFor). */
function unknownCommand(word: string, parentPath: string, siblings: CommandSpec[]): string {
  const sugg = siblings
    .filter((c) => c.name !== 'help')
    .filter((c) => levenshtein(word, c.name) <= 2 || c.name.toLowerCase().startsWith(word.toLowerCase()))
    .map((c) => c.name);
  let msg = `unknown command ${goQuote(word)} for ${goQuote(parentPath)}`;
  if (sugg.length > 0) msg += `\n\nDid you mean this?\n${sugg.map((s) => `\t${s}\n`).join('')}`;
  const root = parentPath.split(' ')[0];
  return `${msg}\nRun '${parentPath === root ? root : parentPath} --help' for usage.`;
}

/** cobra's command lookup with prefix matching: the exact name, else the only command starting with `word`. */
function findCommand(word: string, among: CommandSpec[]): CommandSpec | undefined {
  const exact = among.find((c) => c.name === word);
  if (exact) return exact;
  const matches = among.filter((c) => c.name.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

class BadArgs extends Error {
  constructor(
    message: string,
    readonly exit: number = EXIT.BadArgs,
  ) {
    super(message);
  }
}

const fail = (message: string, exit: number = EXIT.BadArgs): never => {
  throw new BadArgs(message, exit);
};

/** An ID argument: an `as` name, else hex as etcdctl reads it. */
function leaseArg(text: string, opts: ParseOptions, what: 'arg' | 'flag'): LeaseId {
  const named = opts.names?.(text);
  if (named !== undefined) return named;
  try {
    const v = parseInt64(text, 16);
    return (v < 0n ? v + (1n << 64n) : v).toString(16).padStart(16, '0');
  } catch (e) {
    const err = (e as GoNumError).message;
    return fail(what === 'arg' ? `bad lease ID arg (${err}), expecting ID in Hex` : `bad lease ID (${err}), expecting ID in Hex`);
  }
}

function memberArg(text: string, opts: ParseOptions): MemberId {
  const named = opts.names?.(text);
  if (named !== undefined) return named;
  try {
    return parseUint64(text, 16).toString(16).padStart(16, '0');
  } catch (e) {
    return fail(`bad member ID arg (${(e as GoNumError).message}), expecting ID in Hex`);
  }
}

/** `IsSerializable` (util.go). */
function isSerializable(option: string): boolean {
  if (option === 's') return true;
  if (option === 'l') return false;
  return fail(`unknown consistency flag ${goQuote(option)}`, EXIT.BadFeature);
}

function num(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(`${v} is too large for the simulator`);
  return Number(v);
}

// ---- the per-command parsers (etcdctl's get…Op functions) ---------------------------------

/** etcdctl getGetOp (get_command.go). */
function getOp(args: string[], fl: FlagReader): RangeRequest {
  if (args.length === 0) fail('get command needs one argument as key and an optional argument as range_end');
  const prefix = fl.bool('prefix');
  const fromKey = fl.bool('from-key');
  if (prefix && fromKey) fail('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (fl.bool('keys-only') && fl.bool('count-only')) fail('`--keys-only` and `--count-only` cannot be set at the same time, choose one');
  const req: RangeRequest = { op: 'range', key: args[0] };
  if (isSerializable(fl.string('consistency'))) req.serializable = true;
  if (args.length > 1) {
    if (prefix || fromKey) fail('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = args[1];
  }
  const limit = num(fl.int('limit'));
  if (limit !== 0) req.limit = limit;
  const rev = num(fl.int('rev'));
  if (rev > 0) req.revision = rev;
  const order = fl.string('order').toUpperCase();
  let sortOrder: SortOrder = 'NONE';
  if (order === 'ASCEND') sortOrder = 'ASCEND';
  else if (order === 'DESCEND') sortOrder = 'DESCEND';
  else if (order !== '') fail(`bad sort order ${fl.string('order')}`, EXIT.BadFeature);
  const targets: Record<string, SortTarget> = { CREATE: 'CREATE', KEY: 'KEY', MODIFY: 'MOD', VALUE: 'VALUE', VERSION: 'VERSION', '': 'KEY' };
  const target = targets[fl.string('sort-by').toUpperCase()];
  if (target === undefined) fail(`bad sort target ${fl.string('sort-by')}`, EXIT.BadFeature);
  // clientv3 WithSort: sorting by KEY with no order is the server's default (left out).
  if (target !== 'KEY' || sortOrder !== 'NONE') {
    req.sortTarget = target;
    req.sortOrder = target !== 'KEY' && sortOrder === 'NONE' ? 'ASCEND' : sortOrder;
  }
  if (prefix) {
    if (req.key === '') {
      req.key = '\0';
      req.rangeEnd = FROM_KEY_END;
    } else req.rangeEnd = prefixEnd(req.key);
  }
  if (fromKey) {
    if (req.key === '') req.key = '\0';
    req.rangeEnd = FROM_KEY_END;
  }
  if (fl.bool('keys-only')) req.keysOnly = true;
  if (fl.bool('count-only')) req.countOnly = true;
  const minC = num(fl.int('min-create-rev'));
  const maxC = num(fl.int('max-create-rev'));
  const minM = num(fl.int('min-mod-rev'));
  const maxM = num(fl.int('max-mod-rev'));
  if (minC > 0) req.minCreateRevision = minC;
  if (maxC > 0) {
    if (minC > maxC) fail(`getMinCreateRev(=${minC}) > getMaxCreateRev(=${maxC})`, EXIT.BadFeature);
    req.maxCreateRevision = maxC;
  }
  if (minM > 0) req.minModRevision = minM;
  if (maxM > 0) {
    if (minM > maxM) fail(`getMinModRev(=${minM}) > getMaxModRev(=${maxM})`, EXIT.BadFeature);
    req.maxModRevision = maxM;
  }
  return req;
}

/** etcdctl getPutOp (put_command.go); `stdin` is read when the value is not an argument. */
function putOp(args: string[], fl: FlagReader, stdin: string | null, opts: ParseOptions): PutRequest {
  if (args.length === 0) fail('put command needs 1 argument and input from stdin or 2 arguments');
  const ignoreValue = fl.bool('ignore-value');
  if (ignoreValue && args.length > 1) fail("put command needs only 1 argument when 'ignore-value' is set");
  let value = '';
  if (!ignoreValue) {
    if (args.length > 1) value = args[1];
    else if (stdin) value = stdin;
    else fail('put command needs 1 argument and input from stdin or 2 arguments');
  }
  const lease = leaseArg(fl.string('lease'), opts, 'flag');
  const req: PutRequest = { op: 'put', key: args[0], value };
  if (lease !== NO_LEASE) req.lease = lease;
  if (fl.bool('prev-kv')) req.prevKv = true;
  if (ignoreValue) req.ignoreValue = true;
  if (fl.bool('ignore-lease')) req.ignoreLease = true;
  return req;
}

/** etcdctl getDelOp (del_command.go). */
function delOp(args: string[], fl: FlagReader, notes: ParseNotes): DeleteRangeRequest {
  if (args.length === 0 || args.length > 2) fail('del command needs one argument as key and an optional argument as range_end');
  const prefix = fl.bool('prefix');
  const fromKey = fl.bool('from-key');
  if (prefix && fromKey) fail('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  const req: DeleteRangeRequest = { op: 'deleteRange', key: args[0] };
  if (args.length > 1) {
    if (prefix || fromKey) fail('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    req.rangeEnd = args[1];
    if (!fl.bool('range')) {
      notes.warnings.push(
        `Warning: Keys between ${goQuote(args[0])} and ${goQuote(args[1])} will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide \`--range\` flag to avoid the delay.`,
      );
      notes.delayMs += 2000;
    }
  }
  if (prefix) {
    if (req.key === '') {
      req.key = '\0';
      req.rangeEnd = FROM_KEY_END;
    } else req.rangeEnd = prefixEnd(req.key);
  }
  if (fl.bool('prev-kv')) req.prevKv = true;
  if (fromKey) {
    if (req.key === '') req.key = '\0';
    req.rangeEnd = FROM_KEY_END;
  }
  return req;
}

/**
 * etcdctl ParseCompare (txn_command.go): `target("key") op "value"` read with
 * `fmt.Sscanf(rest, "%q) %s %q")`; targets ver/version, c/create, m/mod, val/value, lease.
 * etcd v3.6 builds a lease compare with no key and a string value, and panics; here `lease("key")
 * = "<lease ID or as name>"` compares the key's lease, as the etcd API defines it.
 */
export function parseCompare(line: string, opts: ParseOptions = {}): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) throw new BadArgs(`malformed comparison: ${line}`, EXIT.InvalidInput);
  const target = line.slice(0, paren);
  const rest = line.slice(paren + 1);
  const scanned: string[] = [];
  const q = /^\s*("(?:[^"\\\n]|\\.)*"|`[^`]*`)/;
  let r = rest;
  const readQ = (): boolean => {
    const m = q.exec(r);
    if (!m) return false;
    try {
      scanned.push(m[1][0] === '`' ? m[1].slice(1, -1) : argifyUnquote(m[1]));
    } catch {
      return false;
    }
    r = r.slice(m[0].length);
    return true;
  };
  if (readQ() && r[0] === ')') {
    r = r.slice(1);
    const m = /^\s*(\S+)/.exec(r);
    if (m) {
      scanned.push(m[1]);
      r = r.slice(m[0].length);
      readQ();
    }
  }
  if (scanned.length !== 3) {
    const [k = '', o = '', v = ''] = scanned;
    throw new BadArgs(`malformed comparison: ${line}; got ${target}(${goQuote(k)}) ${o} ${goQuote(v)}`, EXIT.InvalidInput);
  }
  const [key, op, val] = scanned;
  if (!['=', '!=', '<', '>'].includes(op)) throw new BadArgs('panic: Unknown result op', 2);
  const result = op as Compare['result'];
  const intVal = (): number => {
    try {
      return num(parseInt64(val, 10));
    } catch {
      throw new BadArgs(`invalid txn compare request: ${line}`, EXIT.InvalidInput);
    }
  };
  switch (target) {
    case 'ver':
    case 'version':
      return { key, target: 'version', result, value: intVal() };
    case 'c':
    case 'create':
      return { key, target: 'createRevision', result, value: intVal() };
    case 'm':
    case 'mod':
      return { key, target: 'modRevision', result, value: intVal() };
    case 'val':
    case 'value':
      return { key, target: 'value', result, value: val };
    case 'lease': {
      let id: LeaseId;
      try {
        id = leaseArg(val, opts, 'arg');
      } catch {
        throw new BadArgs(`invalid txn compare request: ${line}`, EXIT.InvalidInput);
      }
      return { key, target: 'lease', result, value: id };
    }
    default:
      throw new BadArgs(`malformed comparison: ${line} (unknown target ${target})`, EXIT.InvalidInput);
  }
}

function argifyUnquote(lit: string): string {
  const out = argify(lit);
  if (out.length !== 1) throw new Error('invalid syntax');
  return out[0];
}

/** etcdctl parseRequestUnion (txn_command.go): one `get` / `put` / `del` line of a txn branch. */
function parseRequestUnion(line: string, opts: ParseOptions, notes: ParseNotes): RequestOp {
  let args: string[];
  try {
    args = argify(line);
  } catch (e) {
    throw new BadArgs((e as Error).message, EXIT.InvalidInput);
  }
  if (args.length < 2) throw new BadArgs(`invalid txn compare request: ${line}`, EXIT.InvalidInput);
  const sub = ['get', 'put', 'del'].map((n) => COMMANDS.find((c) => c.name === n)!);
  const spec = findCommand(args[0], sub);
  if (!spec) throw new BadArgs(`invalid txn request: ${line}`, EXIT.InvalidInput);
  let fr: FlagReader;
  let rest: string[];
  try {
    const parsed = parseFlags(args.slice(1), spec.flags);
    fr = new FlagReader(parsed, spec.flags);
    rest = parsed.args;
  } catch {
    throw new BadArgs(`invalid txn request: ${line}`, EXIT.InvalidInput);
  }
  if (spec.name === 'get') return getOp(rest, fr);
  if (spec.name === 'put') return putOp(rest, fr, null, opts);
  return delOp(rest, fr, notes);
}

/**
 * etcdctl's txn input (readCompares, readOps): compares until an empty line, then success
 * requests until an empty line, then failure requests until an empty line. etcdctl fails with
 * `Error: EOF` when its input ends before the last empty line; here the end of the text also ends
 * a block, so a scenario's multi-line string needs no trailing empty lines.
 */
export function parseTxnInput(stdin: string, opts: ParseOptions = {}, notes: ParseNotes = { warnings: [], delayMs: 0 }): TxnRequest {
  const lines = stdin.split('\n');
  let i = 0;
  const block = (): string[] => {
    const out: string[] = [];
    while (i < lines.length) {
      const l = lines[i++].trim();
      if (l === '') break;
      out.push(l);
    }
    return out;
  };
  const compare = block().map((l) => parseCompare(l, opts));
  const success = block().map((l) => parseRequestUnion(l, opts, notes));
  const failure = block().map((l) => parseRequestUnion(l, opts, notes));
  return { op: 'txn', compare, success, failure };
}

/** etcdctl's watch argument checks (getWatchChan and parseWatchArgs, non-interactive). */
function watchOp(args: string[], fl: FlagReader, dashdash: boolean): WatchCreateRequest {
  if (fl.bool('interactive')) fail('interactive watch (watch -i) reads requests from standard input; run one watch per command here');
  if (dashdash) fail('watch exec-command (after --) is not supported: there is no shell to run it');
  if (args.length < 1) fail('bad number of arguments');
  if (args.length > 2) fail('bad number of arguments');
  const req: WatchCreateRequest = { key: args[0] };
  const rev = num(fl.int('rev'));
  if (rev !== 0) req.startRevision = rev;
  if (args.length === 2) {
    if (fl.bool('prefix')) fail('`range_end` and `--prefix` are mutually exclusive');
    req.rangeEnd = args[1];
  }
  if (fl.bool('prefix')) {
    if (req.key === '') {
      req.key = '\0';
      req.rangeEnd = FROM_KEY_END;
    } else req.rangeEnd = prefixEnd(req.key);
  }
  if (fl.bool('prev-kv')) req.prevKv = true;
  return req;
}

function commandOf(path: string[], args: string[], fl: FlagReader, stdin: string | null, opts: ParseOptions, dashdash: boolean, notes: ParseNotes): EtcdctlCommand {
  const key = path.join(' ');
  switch (key) {
    case 'get':
      return { kind: 'get', request: getOp(args, fl), printValueOnly: fl.bool('print-value-only'), countOnly: fl.bool('count-only') };
    case 'put':
      return { kind: 'put', request: putOp(args, fl, stdin, opts) };
    case 'del':
      return { kind: 'del', request: delOp(args, fl, notes) };
    case 'txn':
      if (args.length !== 0) fail('txn command does not accept argument');
      return { kind: 'txn', request: parseTxnInput(stdin ?? '', opts, notes), interactive: fl.bool('interactive') };
    case 'compaction': {
      if (args.length !== 1) fail('compaction command needs 1 argument');
      let rev: bigint;
      try {
        rev = parseInt64(args[0], 10);
      } catch (e) {
        return fail((e as Error).message, EXIT.Error);
      }
      return { kind: 'compaction', request: { op: 'compact', revision: num(rev) }, physical: fl.bool('physical') };
    }
    case 'watch':
      return { kind: 'watch', request: watchOp(args, fl, dashdash) };
    case 'lease grant': {
      if (args.length !== 1) fail('lease grant command needs TTL argument');
      let ttl: bigint;
      try {
        ttl = parseInt64(args[0], 10);
      } catch (e) {
        return fail(`bad TTL (${(e as Error).message})`);
      }
      return { kind: 'lease grant', ttl: num(ttl) };
    }
    case 'lease revoke':
      if (args.length !== 1) fail('lease revoke command needs 1 argument');
      return { kind: 'lease revoke', id: leaseArg(args[0], opts, 'arg') };
    case 'lease timetolive':
      if (args.length !== 1) fail('lease timetolive command needs lease ID as argument');
      return { kind: 'lease timetolive', id: leaseArg(args[0], opts, 'arg'), keys: fl.bool('keys') };
    case 'lease list':
      return { kind: 'lease list' };
    case 'lease keep-alive':
      if (args.length !== 1) fail('lease keep-alive command needs lease ID as argument');
      return { kind: 'lease keep-alive', id: leaseArg(args[0], opts, 'arg'), once: fl.bool('once') };
    case 'member list':
      return { kind: 'member list', serializable: isSerializable(fl.string('consistency')) };
    case 'member add': {
      if (args.length < 1) fail('member name not provided');
      if (args.length > 1) {
        let ev = 'too many arguments';
        for (const s of args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
        fail(ev);
      }
      const urls = fl.string('peer-urls');
      // etcdctl requires --peer-urls; the simulator makes one up from the name (http://<name>:2380).
      const peerUrls = urls === '' ? [`http://${args[0].toLowerCase()}:2380`] : urls.split(',');
      return { kind: 'member add', name: args[0], peerUrls, isLearner: fl.bool('learner') };
    }
    case 'member remove':
      if (args.length !== 1) fail('member ID is not provided');
      return { kind: 'member remove', id: memberArg(args[0], opts) };
    case 'member promote':
      if (args.length !== 1) fail('member ID is not provided');
      return { kind: 'member promote', id: memberArg(args[0], opts) };
    case 'endpoint health':
      return { kind: 'endpoint health', cluster: fl.bool('cluster') };
    case 'endpoint status':
      return { kind: 'endpoint status', cluster: fl.bool('cluster') };
    case 'move-leader': {
      if (args.length !== 1) fail('move-leader command needs 1 argument');
      const named = opts.names?.(args[0]);
      if (named !== undefined) return { kind: 'move-leader', target: named };
      try {
        return { kind: 'move-leader', target: parseUint64(args[0], 16).toString(16).padStart(16, '0') };
      } catch (e) {
        return fail((e as Error).message);
      }
    }
    case 'lock': {
      if (args.length === 0) fail('lock takes a lock name argument and an optional command to execute');
      if (args.length > 1) fail('lock exec-command is not supported: there is no shell to run it');
      const ttl = num(fl.int('ttl'));
      return { kind: 'lock', name: args[0], ttl };
    }
    case 'elect': {
      if (args.length !== 1 && args.length !== 2) fail('elect takes one election name argument and an optional proposal argument');
      const listen = fl.bool('listen');
      if (args.length === 1) {
        if (!listen) fail('no proposal argument but -l not set');
        return { kind: 'elect -l', name: args[0] };
      }
      if (listen) fail('proposal given but -l is set');
      return { kind: 'elect', name: args[0], proposal: args[1] };
    }
    default:
      throw new Error(`no parser for ${key}`);
  }
}

/**
 * Parses one etcdctl invocation. `text` is the command line (with or without a leading
 * `etcdctl`), optionally followed by more lines: standard input. Never throws for bad input: a
 * failure says what etcdctl would print on standard error (`Error: …`) and its exit status.
 */
export function parseCommandLine(text: string, opts: ParseOptions = {}): ParsedLine | ParseFailure {
  const nl = text.indexOf('\n');
  const line = nl < 0 ? text : text.slice(0, nl);
  const stdin = nl < 0 ? null : text.slice(nl + 1);
  let argv: string[];
  try {
    argv = shellSplit(line);
  } catch (e) {
    if (e instanceof TokenizeError) return { ok: false, stderr: `Error: ${e.message}`, exit: EXIT.BadArgs };
    throw e;
  }
  if (argv[0] === 'etcdctl') argv = argv.slice(1);
  try {
    // 1. find the command words (cobra Find: flags stripped, every command's flag types known).
    const loose = parseFlags(argv, allFlags());
    const path: string[] = [];
    const words: string[] = [];
    let level: CommandSpec[] | undefined = COMMANDS;
    let spec: CommandSpec | undefined;
    let args = [...loose.args];
    while (level && args.length > 0) {
      const found = findCommand(args[0], level);
      if (!found) {
        if (!spec) return { ok: false, stderr: `Error: ${unknownCommand(args[0], 'etcdctl', COMMANDS)}`, exit: EXIT.Error };
        break;
      }
      spec = found;
      path.push(found.name);
      words.push(args[0]);
      args = args.slice(1);
      level = found.sub;
    }
    const inherited = path.length > 1 ? (COMMANDS.find((c) => c.name === path[0])!.persistentFlags ?? []) : [];
    const specs = [...GLOBAL_FLAGS, HELP_FLAG, ...inherited, ...(spec?.flags ?? [])];
    // 2. parse again with exactly this command's flags (unknown flags are errors now).
    const exact = parseFlags(argv, specs);
    const fl = new FlagReader(exact, specs);
    const global = globalOptions(fl);
    if (fl.bool('help') && spec?.name !== 'help') return { ok: true, command: { kind: 'help', path }, global, words, warnings: [], delayMs: 0 };
    if (!spec || spec.name === 'help' || (spec.sub && args.length === 0)) {
      const topic = spec?.name === 'help' ? args : path;
      return { ok: true, command: { kind: 'help', path: topic }, global, words, warnings: [], delayMs: 0 };
    }
    if (spec.sub) {
      return { ok: false, stderr: `Error: ${unknownCommand(args[0], `etcdctl ${path.join(' ')}`, spec.sub)}`, exit: EXIT.Error };
    }
    const positional = exact.args.slice(words.length);
    const notes: ParseNotes = { warnings: [], delayMs: 0 };
    const command = commandOf(path, positional, fl, stdin, opts, argv.includes('--'), notes);
    return { ok: true, command, global, words, ...notes };
  } catch (e) {
    if (e instanceof FlagError) return { ok: false, stderr: `Error: ${e.message}`, exit: EXIT.Error };
    if (e instanceof BadArgs) return { ok: false, stderr: e.message.startsWith('panic:') ? e.message : `Error: ${e.message}`, exit: e.exit };
    throw e;
  }
}

function globalOptions(fl: FlagReader): GlobalOptions {
  const w = fl.string('write-out');
  if (w !== 'simple' && w !== 'json' && w !== 'table' && w !== 'fields') {
    if (w === 'protobuf') throw new BadArgs('the protobuf output format is not supported by the simulator (use simple, json, table or fields)', EXIT.BadFeature);
    throw new BadArgs('unsupported output format', EXIT.BadFeature);
  }
  const out: GlobalOptions = { writeOut: w, hex: fl.bool('hex'), commandTimeoutMs: fl.durationMs('command-timeout'), dialTimeoutMs: fl.durationMs('dial-timeout') };
  if (fl.changed('endpoints')) out.endpoints = fl.stringSlice('endpoints').map((s) => s.trim());
  return out;
}
