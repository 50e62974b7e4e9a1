/**
 * The bad-input table (issue 11): many kinds of bad scenario input, generated from a few families
 * (wrong numbers in every numeric field, unknown names in every place a name goes, the empty key in
 * every place a key goes, every limit and one past it, encodings, YAML structure, the rules the
 * schema cannot say). Each row has the exit code `raftsim run` must give and the words its message
 * must contain, and names the line the message must point at. The parser is driven directly for
 * speed (through `runScenarioFile`, the function the CLI calls); a handful of rows also go through
 * the real CLI to check the exit code and the one-line message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../src/cli/run';
import { LIMITS } from '../src/scenario/schema';

interface Row {
  kind: string;
  /** The file's text (or bytes, for encodings only the CLI can see). */
  text: string;
  exit: 0 | 1 | 2;
  /** Words the first message must contain (empty for exit 0). */
  words: string[];
  /** The 1-based line the message must point at, when there is one. */
  line?: number;
}

const FILE = 'bad.yaml';

/** A text from lines; `@` marks where `value` goes, and the row's line is the marked line. */
function marked(template: string[], value: string): { text: string; line: number } {
  const i = template.findIndex((l) => l.includes('@'));
  return { text: template.map((l) => l.replace('@', value)).join('\n') + '\n', line: i + 1 };
}

const rows: Row[] = [];
const add = (kind: string, t: { text: string; line?: number }, exit: 0 | 1 | 2, words: string[]) =>
  rows.push({ kind, text: t.text, exit, words, ...(t.line !== undefined ? { line: t.line } : {}) });

// 1. Every numeric field, with values of the wrong kind.
const numberFields: { key: string; template: string[] }[] = [
  { key: 'steps[0].run', template: ['title: T', 'steps:', '  - run: @'] },
  { key: 'cluster.heartbeatMs', template: ['title: T', 'cluster:', '  heartbeatMs: @', 'steps: []'] },
  { key: 'cluster.clientTimeoutMs', template: ['title: T', 'cluster:', '  clientTimeoutMs: @', 'steps: []'] },
  { key: 'cluster.network.dropRate', template: ['title: T', 'cluster:', '  network:', '    dropRate: @', 'steps: []'] },
  { key: 'steps[0].wait.withinMs', template: ['title: T', 'steps:', '  - wait:', '      for: leader', '      withinMs: @'] },
  { key: 'seed', template: ['title: T', 'seed: @', 'steps: []'] },
];
const badNumbers: { value: string; words: string[] }[] = [
  { value: '-1', words: ['must be', '(got -1)'] },
  { value: 'soon', words: ['must be', '(got "soon")'] },
  { value: '1e999', words: ['must be', '1e999, which is not a finite number'] },
  { value: '[1]', words: ['must be', '(got a list)'] },
];
for (const f of numberFields) {
  for (const b of badNumbers) add(`${f.key} = ${b.value}`, marked(f.template, b.value), 2, [f.key, ...b.words]);
}

// 2. Every place a server or client name goes, with a name the cluster does not have.
const nameSteps: { kind: string; step: string; words: string[] }[] = [
  { kind: 'crash', step: 'crash: S9', words: ['steps[0].crash', 'unknown server "S9"'] },
  { kind: 'timeout', step: 'timeout: S9', words: ['steps[0].timeout', 'unknown server "S9"'] },
  { kind: 'isolate', step: 'isolate: S9', words: ['steps[0].isolate', 'unknown server "S9"'] },
  { kind: 'restart', step: 'restart: [S1, S9]', words: ['steps[0].restart[1]', 'unknown server "S9"'] },
  { kind: 'partition', step: 'partition: [[S1], [S9]]', words: ['steps[0].partition[1][0]', 'unknown server "S9"'] },
  { kind: 'cut', step: 'cut: { from: S1, to: S9 }', words: ['steps[0].cut.to', 'unknown server "S9"'] },
  { kind: 'via', step: 'put: { key: x, value: "1", via: S9 }', words: ['steps[0].put.via', 'unknown server "S9"'] },
  { kind: 'expect.leader', step: 'expect: { leader: S9 }', words: ['steps[0].expect.leader', 'unknown server "S9"'] },
  { kind: 'expect.role', step: 'expect: { role: { S9: leader } }', words: ['steps[0].expect.role.S9', 'unknown server "S9"'] },
  { kind: 'client', step: 'get: { key: x, client: c9 }', words: ['steps[0].get.client', 'unknown client "c9"'] },
  { kind: 'reserved word', step: 'crash: all', words: ['steps[0].crash', '"all" is a reserved word'] },
];
for (const n of nameSteps) add(`name in ${n.kind}`, marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', `  - @`], n.step), 2, n.words);
add('server named like a reserved word', marked(['title: T', 'cluster:', '  nodes: [S1, @]', 'steps: []'], 'leader'), 2, ['cluster.nodes', 'reserved word']);
add('server name against the pattern', marked(['title: T', 'cluster:', '  nodes: [S1, @]', 'steps: []'], '2fast'), 2, ['cluster.nodes[1]', 'a server name: a letter followed by']);
add('server listed twice', marked(['title: T', 'cluster:', '  nodes: [S1, @]', 'steps: []'], 'S1'), 2, ['cluster.nodes[1]', '"S1" is listed twice']);
add('client named like a server', marked(['title: T', 'cluster: { nodes: 3 }', 'clients: [c1, @]', 'steps: []'], 'S2'), 2, ['clients[1]', 'client names must differ from server names']);

// 3. Every place a KV key goes, with the empty key (etcd: "key is not provided").
const emptyKeyPlaces: { kind: string; template: string[]; key: string }[] = [
  { kind: 'put', template: ['title: T', 'steps:', '  - put: { key: @, value: "1" }'], key: 'steps[0].put.key' },
  { kind: 'cas', template: ['title: T', 'steps:', '  - cas: { key: @, from: null, to: "1" }'], key: 'steps[0].cas.key' },
  { kind: 'get', template: ['title: T', 'steps:', '  - get: { key: @ }'], key: 'steps[0].get.key' },
  { kind: 'delete', template: ['title: T', 'steps:', '  - delete: { key: @, prefix: false }'], key: 'steps[0].delete.key' },
  { kind: 'expect.kv', template: ['title: T', 'steps:', '  - expect: { kv: { @: "1" } }'], key: 'steps[0].expect.kv[""]' },
  { kind: 'expect.values', template: ['title: T', 'steps:', '  - get: { key: a, prefix: true, expect: { values: { @: "1" } } }'], key: 'steps[0].get.expect.values[""]' },
  { kind: 'initial log put', template: ['title: T', 'cluster:', '  nodes: 3', '  initial:', '    S1: { term: 1, log: [{ term: 1, put: [@, "1"] }] }', 'steps: []'], key: 'cluster.initial.S1.log[0].put[0]' },
  {
    kind: 'recorded action',
    template: ['title: T', 'replay:', '  actions:', '    - { events: 0, atMs: 0, do: { kind: client, client: c1, spec: { op: put, key: @, value: v } } }', '  until: { events: 0, atMs: 0 }', 'steps: []'],
    key: 'replay.actions[0].do.spec.key',
  },
];
for (const p of emptyKeyPlaces) add(`empty key in ${p.kind}`, marked(p.template, '""'), 2, [p.key, 'key is not provided', 'the key must not be empty']);
add('the null key in expect.kv is the empty key', marked(['title: T', 'steps:', '  - expect: { kv: { @: "1" } }'], 'null'), 2, ['steps[0].expect.kv[""]', 'key is not provided']);

// 4. Every limit, one past it (and at it, accepted).
const many = (n: number, line: string) => Array.from({ length: n }, () => line);
add('10,001 steps', { text: ['title: T', 'steps:', ...many(LIMITS.maxSteps + 1, '  - say: hi')].join('\n') + '\n', line: 3 }, 2, ['steps', 'too many steps: 10001 (at most 10000)']);
add('10,000 steps', { text: ['title: T', 'steps:', ...many(LIMITS.maxSteps, '  - say: hi')].join('\n') + '\n' }, 0, []);
add('10 servers', marked(['title: T', 'cluster:', '  nodes: @', 'steps: []'], '10'), 2, ['cluster.nodes', 'too many servers: 10 (at most 9)']);
add('10,001 recorded actions', {
  text: ['title: T', 'replay:', '  actions:', ...many(LIMITS.maxReplayActions + 1, '    - { events: 0, atMs: 0, do: { kind: heal } }'), '  until: { events: 0, atMs: 0 }', 'steps: []'].join('\n') + '\n',
  line: 4,
}, 2, ['replay.actions', 'too many recorded actions: 10001 (at most 10000)']);
add('more than 1 MB', { text: 'title: T\nsteps: []\ndescription: "' + 'x'.repeat(LIMITS.maxBytes) + '"\n', line: 1 }, 2, ['file is too large', `the limit is ${LIMITS.maxBytes} bytes`]);
// The total is the steps' (the message points at the list, its first step's line).
add('more than 24 h of simulated time', { ...marked(['title: T', 'steps:', '  - run: 86400000', '  - wait: { for: leader, withinMs: @ }'], '1'), line: 3 }, 2, ['steps', 'runs are limited to 86400000 ms']);
add('nesting 10,000 deep (flow)', { text: 'title: T\nsteps: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n', line: 2 }, 2, ['nested too deeply', `more than ${LIMITS.maxDepth} levels`]);
add('nesting 10,000 deep (block)', { text: 'title: T\nsteps:\n' + '- '.repeat(10_000) + 'x\n', line: 3 }, 2, ['nested too deeply', `more than ${LIMITS.maxDepth} levels`]);
add('nesting 65 deep in a mapping', { text: 'title: T\ndescription: ' + '{a: '.repeat(65) + '1' + '}'.repeat(65) + '\nsteps: []\n', line: 2 }, 2, ['nested too deeply']);
const aliases = (n: number) => ['title: T', 'steps:', '  - say: &a hi', ...many(n, '  - say: *a')].join('\n') + '\n';
add('101 aliases of one anchor', { text: aliases(101), line: 104 }, 2, ['one anchor may be used at most 100 times']);
add('100 aliases of one anchor', { text: aliases(100) }, 0, []);
add('nested aliases that multiply', {
  text: ['title: T', 'steps: []', 'a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill('*' + 'abcdefgh'[i]).join(', ')}]`)].join('\n') + '\n',
}, 2, ['one anchor may be used at most 100 times']);
add('seed 2^53 + 1', marked(['title: T', 'seed: @', 'steps: []'], '9007199254740993'), 2, ['seed', 'a whole number from 0 to 9007199254740991 (2^53 − 1)', '(got 9007199254740993)']);
add('seed in hex', marked(['title: T', 'seed: @', 'steps: []'], '0x10'), 2, ['seed', '(got 0x10)']);
add('seed 2^53 − 1', marked(['title: T', 'seed: @', 'steps: []'], '9007199254740991'), 0, []);

// 5. Files that are not UTF-8 text (as a UTF-8 reader decodes them).
const asUtf8 = (b: Buffer) => b.toString('utf8');
add('UTF-16 LE with BOM', { text: asUtf8(Buffer.from('\ufefftitle: T\nsteps: []\n', 'utf16le')), line: 1 }, 2, ['NUL characters', 'UTF-16', 'save it as UTF-8']);
add('UTF-16 LE without BOM', { text: asUtf8(Buffer.from('title: T\nsteps: []\n', 'utf16le')), line: 1 }, 2, ['NUL characters', 'save it as UTF-8']);
add('UTF-16 BE', { text: asUtf8(Buffer.from('\ufefftitle: T\nsteps: []\n', 'utf16le').swap16()), line: 1 }, 2, ['NUL characters', 'save it as UTF-8']);
add('Latin-1', { text: asUtf8(Buffer.from('title: T\nsteps:\n  - say: café\n', 'latin1')), line: 3 }, 2, ['not UTF-8', 'Latin-1', 'save it as UTF-8']);
add('a NUL in a caption', marked(['title: T', 'steps:', '  - say: "a@b"'], '\u0000'), 2, ['NUL characters']);

// 6. YAML structure.
add('duplicate key', marked(['title: T', 'steps: []', '@: U'], 'title'), 2, ['title', '"title" is given twice in this mapping (first on line 1)']);
add('duplicate key, number and text', marked(['title: T', 'steps:', '  - expect: { kv: { 1: "a", @: "b" } }'], '"1"'), 2, ['steps[0].expect.kv["1"]', '"1" is given twice']);
add('duplicate step option', marked(['title: T', 'steps:', '  - put: { key: a, value: "1", @: b }'], 'key'), 2, ['steps[0].put.key', '"key" is given twice']);
add('a list as a mapping key', marked(['title: T', 'steps:', '  - expect: { kv: { @: "1" } }'], '[a, b]'), 2, ['steps[0].expect.kv', 'a mapping key must be plain text']);
add('two YAML documents', marked(['title: T', 'steps: []', '@', 'title: U'], '---'), 2, ['more than one YAML document']);
add('a JavaScript tag', marked(['title: T', 'steps:', '  - say: @ x'], '!!js/function'), 2, ['YAML tags are not allowed']);
add('a custom tag', marked(['title: T', 'steps:', '  - say: @ rm'], '!shell'), 2, ['YAML tags are not allowed', '!shell']);
add('an alias with no anchor', marked(['title: T', 'steps:', '  - say: @'], '*nope'), 2, ['the alias *nope has no anchor &nope before it']);
add('an unclosed list', { text: marked(['title: T', 'steps: @'], '[say: hi').text }, 2, ['invalid YAML']);
add('a scalar document', { text: 'just words\n', line: 1 }, 2, ['must be a mapping with at least title and steps']);
add('an empty file', { text: '' }, 2, ['must be a mapping with at least title and steps']);
add('a list document', { text: '- title: T\n', line: 1 }, 2, ['must be a mapping with at least title and steps', '(got a list)']);
add('missing title', { text: 'steps: []\n', line: 1 }, 2, ['title', 'missing required key "title"']);
add('misspelt key', marked(['title: T', 'steps:', '  - @: S1'], 'crashh'), 2, ['steps[0].crashh', 'unknown key "crashh"', 'did you mean "crash"?']);
add('two step keys in one step', marked(['title: T', 'steps:', '  - { run: 5, @: S1 }'], 'crash'), 2, ['a step has exactly one step key']);

// 7. Rules the schema cannot say.
add('election timeout min >= max', marked(['title: T', 'cluster:', '  electionTimeoutMs: @', 'steps: []'], '[300, 150]'), 2, ['cluster.electionTimeoutMs', 'the minimum (300) must be less than the maximum (150)']);
add('heartbeat not below the election timeout', marked(['title: T', 'cluster:', '  heartbeatMs: @', 'steps: []'], '200'), 2, ['cluster.heartbeatMs', 'must be less than the election timeout minimum (150 ms, the default)']);
add('latency min above max', marked(['title: T', 'cluster:', '  network: { latencyMs: @ }', 'steps: []'], '[20, 10]'), 2, ['cluster.network.latencyMs', 'the minimum (20) must not be above the maximum (10)']);
add('initial log terms decrease', marked(['title: T', 'cluster:', '  nodes: 3', '  initial:', '    S1: { term: 5, log: [1, 4, @] }', 'steps: []'], '2'), 2, ['cluster.initial.S1.log[2]', 'log terms must not decrease']);
add('a server in two partition groups', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - partition: [[S1, S2], [@]]'], 'S2'), 2, ['steps[0].partition[1][0]', '"S2" is already in group 1']);
add('a cut from a server to itself', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - cut: { from: S1, to: @ }'], 'S1'), 2, ['steps[0].cut.to', 'must differ from "from"']);
add('say with text and en', marked(['title: T', 'steps:', '  - say: { text: a, @: b }'], 'en'), 2, ['steps[0].say.en', 'give either text or en']);
add('values on a single-key get', marked(['title: T', 'steps:', '  - get: { key: a, expect: { @: { a: "1" } } }'], 'values'), 2, ['steps[0].get.expect.values', '"values" is for prefix gets']);
add('recorded actions out of order', marked(['title: T', 'replay:', '  actions:', '    - { events: 5, atMs: 5, do: { kind: heal } }', '    @', '  until: { events: 9, atMs: 9 }', 'steps: []'], '- { events: 2, atMs: 6, do: { kind: heal } }'), 2, ['replay.actions[1]', 'recorded actions must be in order of position']);
add('a recorded action at events -1', marked(['title: T', 'replay:', '  actions:', '    - { events: @, atMs: 0, do: { kind: heal } }', '  until: { events: 0, atMs: 0 }', 'steps: []'], '-1'), 2, ['replay.actions[0].events', 'must be a whole number of events >= 0 (got -1)']);
add('wait for more servers than the cluster has', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - wait: { for: commit, index: 1, nodes: @ }'], '4'), 2, ['steps[0].wait.nodes', 'must be at most 3 (the cluster has 3 servers)']);

// 7b. Issue 12's cluster keys and the transfer step.
const c3 = (line: string) => marked(['title: T', 'cluster:', '  nodes: 3', '  @', 'steps: []'], line);
add('reads: fast', c3('reads: fast'), 2, ['cluster.reads', 'must be one of: log, readIndex, lease', '(got "fast")']);
add('a profile that does not exist', c3('profile: zookeeper'), 2, ['cluster.profile', 'must be one of: paper, etcd', '(got "zookeeper")']);
add('clockRate for an unknown server', marked(['title: T', 'cluster:', '  nodes: 3', '  clockRate: { S1: 0.5, @: 2 }', 'steps: []'], 'S9'), 2, ['cluster.clockRate.S9', 'unknown server "S9"']);
add('clockRate 0', marked(['title: T', 'cluster:', '  nodes: 3', '  clockRate: { S1: @ }', 'steps: []'], '0'), 2, ['cluster.clockRate.S1', 'a clock rate between 0.1 and 10 (both excluded)', '(got 0)']);
add('clockRate 10', marked(['title: T', 'cluster:', '  nodes: 3', '  clockRate: { S1: @ }', 'steps: []'], '10'), 2, ['cluster.clockRate.S1', 'a clock rate between 0.1 and 10', '(got 10)']);
add('clockDriftBound below 1', c3('clockDriftBound: 0.9'), 2, ['cluster.clockDriftBound', 'a number between 1 and 10', '(got 0.9)']);
add('preVote not a boolean', c3('preVote: yes'), 2, ['cluster.preVote', 'must be true or false', '(got "yes")']);
add('reads: lease without checkQuorum', c3('reads: lease'), 2, ['cluster.reads', 'reads: lease needs checkQuorum: true']);
add('reads: lease with checkQuorum: false under etcd', marked(['title: T', 'cluster:', '  profile: etcd', '  checkQuorum: false', '  reads: @', 'steps: []'], 'lease'), 2, ['cluster.reads', 'but checkQuorum is false']);
add('reads: lease with checkQuorum', c3('reads: lease\n  checkQuorum: true'), 0, []);
add('transfer to an unknown server', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - transfer: { to: @ }'], 'S9'), 2, ['steps[0].transfer.to', 'unknown server "S9"']);
add('transfer without to', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - transfer: @'], '{}'), 2, ['steps[0].transfer', 'missing required key "to"']);
add('expect role that does not exist', marked(['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - expect: { role: { S1: @ } }'], 'observer'), 2, ['steps[0].expect.role.S1', 'follower, preCandidate, candidate, leader']);
add('an unknown unsafe switch', c3('unsafe: [leaderReadsFast]'), 2, ['cluster.unsafe[0]', 'leaderReadsLocally']);

// 8. Valid input whose expectation is wrong: exit 1, with the step and why.
add('a wrong expectation', { text: ['title: T', 'cluster: { nodes: 3 }', 'steps:', '  - wait: { for: leader }', '  - put: { key: x, value: "1" }', '  - expect: { kv: { x: "2" } }'].join('\n') + '\n' }, 1, ['expected x="2"']);

/** Every row's file name, exit code and first message, as the CLI computes them (without spawning). */
function outcome(r: Row): { exit: number; message: string; line?: number } {
  const out = runScenarioFile(r.text, FILE);
  if (out.kind === 'invalid') return { exit: 2, message: out.error, line: out.scenarioError?.line };
  const failed = out.report.steps.find((s) => !s.ok);
  return { exit: out.report.ok ? 0 : 1, message: failed?.message ?? '' };
}

describe('bad scenario input: the table', () => {
  it('has at least 60 kinds of bad input, each named once', () => {
    expect(rows.filter((r) => r.exit !== 0).length).toBeGreaterThanOrEqual(60);
    expect(new Set(rows.map((r) => r.kind)).size).toBe(rows.length);
  });

  it.each(rows.map((r) => [r.kind, r] as const))('%s', (_kind, r) => {
    const o = outcome(r);
    expect(o.exit, o.message).toBe(r.exit);
    for (const w of r.words) expect(o.message).toContain(w);
    if (r.exit === 2) {
      // One line that starts with the file name and a position; no stack trace, no JS error names.
      expect(o.message).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: `));
      expect(o.message).not.toMatch(/\n|at .*\.ts:|TypeError|RangeError|Maximum call stack|undefined/);
      if (r.line !== undefined) expect(o.line).toBe(r.line);
    }
  }, 60_000);
});

describe('bad scenario input: through the real CLI', () => {
  const root = join(__dirname, '..');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const dir = mkdtempSync(join(tmpdir(), 'raftsim-bad-'));
  const cli = (file: string, bytes: string | Buffer) => {
    const p = join(dir, file);
    writeFileSync(p, bytes);
    const r = spawnSync(tsx, [join(root, 'src/cli/main.ts'), 'run', p], { cwd: root, encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr, path: p };
  };
  const sample = ['steps[0].run = 1e999', 'empty key in put', 'nesting 10,000 deep (flow)', 'duplicate key', '101 aliases of one anchor', 'a wrong expectation', '100 aliases of one anchor'];

  it.each(sample)('%s gives the same exit code and message', (kind) => {
    const r = rows.find((x) => x.kind === kind)!;
    const got = cli('row.yaml', r.text);
    expect(got.code).toBe(r.exit);
    if (r.exit === 2) {
      const lines = got.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`raftsim: ${got.path}:`)).toBe(true);
      for (const w of r.words) expect(lines[0]).toContain(w);
    }
  }, 60_000);

  it('a UTF-16 file (its bytes, with the byte-order mark) is told it is UTF-16 and to save as UTF-8', () => {
    const le = cli('utf16le.yaml', Buffer.from('\ufefftitle: T\nsteps: []\n', 'utf16le'));
    expect(le.code).toBe(2);
    expect(le.stderr).toBe(`raftsim: ${le.path}:1:1: the file is saved as UTF-16 (little-endian), not UTF-8; save it as UTF-8\n`);
    const be = cli('utf16be.yaml', Buffer.from('\ufefftitle: T\nsteps: []\n', 'utf16le').swap16());
    expect(be.stderr).toContain('saved as UTF-16 (big-endian)');
    const latin1 = cli('latin1.yaml', Buffer.from('title: T\nsteps:\n  - say: café\n', 'latin1'));
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toContain(`${latin1.path}:3:`);
    expect(latin1.stderr).toContain('not UTF-8');
  }, 60_000);
});
