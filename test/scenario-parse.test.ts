import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseScenario, validateScenario } from '../src/scenario/parse';
import { scenarioSchema } from '../src/scenario/schema';
import { ScenarioRunner } from '../src/scenario/runner';
import { ScenarioError, type Scenario } from '../src/scenario/types';

const FILE = 'scenarios/t.yaml';
const lines = (...l: string[]) => l.join('\n') + '\n';

/** The ScenarioError parseScenario throws for `text` (fails the test if it parses). */
function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text, FILE);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError, but the scenario parsed');
}

/** line, column and key of an error, for compact assertions. */
const where = (e: ScenarioError) => ({ line: e.line, column: e.column, key: e.key });

const FULL = lines(
  'title: Leader crash and re-election',
  'description: Markdown shown beside the run',
  'seed: 42',
  'cluster:',
  '  nodes: 5',
  '  heartbeatMs: 40',
  '  electionTimeoutMs: [150, 300]',
  '  clientTimeoutMs: 700',
  '  network: { latencyMs: [5, 25], dropRate: 0.05, duplicateRate: 0 }',
  '  initial:',
  '    S1: { term: 6, votedFor: S1, log: [1, 1, 4, 6] }',
  '    S2: { term: 3, log: [1, { term: 3, put: [x, "7"] }] }',
  '  unsafe: [skipUpToDateCheck]',
  'clients: [c1, c2]',
  'steps:',
  '  - say: All servers start as followers.', // line 16
  '  - pause: true',
  '  - run: 500',
  '  - wait: { for: leader, among: [S1, S2, S3], withinMs: 4000 }',
  '  - wait: { for: commit, index: 3, nodes: 5 }', // line 20
  '  - crash: leader',
  '  - restart: S1',
  '  - timeout: S3',
  '  - partition: [[S1, S2], [S3, S4, S5]]',
  '  - isolate: S2',
  '  - reconnect: leader',
  '  - cut: { from: S1, to: S2 }',
  '  - heal: all',
  '  - network: { dropRate: 0.1 }',
  '  - put: { key: x, value: "1", client: c2 }', // line 30
  '  - put: { key: y, value: "2", via: S1, retry: false, async: true, withinMs: 900 }',
  '  - get: { key: x, expect: { value: "1" } }',
  '  - delete: { key: x }',
  '  - cas: { key: x, from: "1", to: "2" }',
  '  - expect:', // line 35
  '      leader: S3',
  '      role: { S1: follower }',
  '      term: { S1: 2 }',
  '      committed: { index: 3, nodes: 3 }',
  '      notCommitted: { index: 4 }',
  '      log: { S1: [1, 1, 2] }',
  '      kv: { x: "1", y: null }',
  '      on: [S1, S2]',
  '      invariants: ok',
  '      linearizable: true',
  '  - say: { en: Look at S1, zh: 看 S1, pause: true }',
  '  - crash: [S4, S5]',
  '  - restart: all',
);

const client = { client: 'c1', retry: true, async: false, withinMs: 5000 };

describe('parseScenario: valid documents', () => {
  it('parses a document using every step kind to the exact typed shape, with defaults filled in', () => {
    const s = parseScenario(FULL, FILE);
    const expected: Scenario = {
      file: FILE,
      title: 'Leader crash and re-election',
      description: 'Markdown shown beside the run',
      summary: '',
      concepts: [],
      i18n: {},
      seed: 42,
      cluster: {
        nodes: ['S1', 'S2', 'S3', 'S4', 'S5'],
        heartbeatMs: 40,
        electionTimeoutMs: [150, 300],
        clientTimeoutMs: 700,
        network: { latencyMs: [5, 25], dropRate: 0.05, duplicateRate: 0 },
        initial: new Map([
          ['S1', { term: 6, votedFor: 'S1', log: [{ term: 1 }, { term: 1 }, { term: 4 }, { term: 6 }] }],
          ['S2', { term: 3, votedFor: null, log: [{ term: 1 }, { term: 3, put: ['x', '7'] }] }],
        ]),
        leaderNoop: true,
        maxEntriesPerAppend: 64,
        maxInflightMsgs: 8,
        autoCompactionRetention: 1_000,
        unsafe: ['skipUpToDateCheck'],
        profile: 'paper',
        preVote: false,
        checkQuorum: false,
        reads: 'log',
        clockDriftBound: 1.1,
        clockRate: new Map(),
        spares: [],
        learners: [],
        snapshotCount: 0,
        snapshotCatchUpEntries: 5,
        fsyncMs: 0,
      },
      clients: ['c1', 'c2'],
      steps: [
        { kind: 'say', text: 'All servers start as followers.', pause: false, index: 0, line: 16 },
        { kind: 'pause', index: 1, line: 17 },
        { kind: 'run', durationMs: 500, index: 2, line: 18 },
        { kind: 'wait', for: 'leader', among: ['S1', 'S2', 'S3'], withinMs: 4000, index: 3, line: 19 },
        // `index` of a Step is its position; the log index of a commit wait is in logIndex.
        { kind: 'wait', for: 'commit', logIndex: 3, nodes: 5, withinMs: 5000, index: 4, line: 20 },
        { kind: 'crash', targets: ['leader'], index: 5, line: 21 },
        { kind: 'restart', targets: ['S1'], index: 6, line: 22 },
        { kind: 'timeout', target: 'S3', index: 7, line: 23 },
        { kind: 'partition', groups: [['S1', 'S2'], ['S3', 'S4', 'S5']], index: 8, line: 24 },
        { kind: 'isolate', target: 'S2', index: 9, line: 25 },
        { kind: 'reconnect', target: 'leader', index: 10, line: 26 },
        { kind: 'cut', from: 'S1', to: 'S2', both: false, index: 11, line: 27 },
        { kind: 'heal', index: 12, line: 28 },
        { kind: 'network', settings: { dropRate: 0.1 }, index: 13, line: 29 },
        { kind: 'put', key: 'x', value: '1', ...client, client: 'c2', index: 14, line: 30 },
        { kind: 'put', key: 'y', value: '2', client: 'c1', via: 'S1', retry: false, async: true, withinMs: 900, index: 15, line: 31 },
        { kind: 'get', key: 'x', prefix: false, serializable: false, ...client, expect: { value: '1' }, index: 16, line: 32 },
        { kind: 'delete', key: 'x', prefix: false, ...client, index: 17, line: 33 },
        { kind: 'cas', key: 'x', from: '1', to: '2', ...client, index: 18, line: 34 },
        {
          kind: 'expect',
          checks: {
            leader: 'S3',
            role: new Map([['S1', 'follower']]),
            term: new Map([['S1', 2]]),
            committed: { index: 3, nodes: 3 },
            notCommitted: { index: 4 },
            log: new Map([['S1', [1, 1, 2]]]),
            kv: new Map([['x', '1'], ['y', null]]),
            on: ['S1', 'S2'],
            invariants: 'ok',
            linearizable: true,
          },
          index: 19,
          line: 35,
        },
        { kind: 'say', text: 'Look at S1', zh: '看 S1', pause: true, index: 20, line: 46 },
        { kind: 'crash', targets: ['S4', 'S5'], index: 21, line: 47 },
        { kind: 'restart', targets: 'all', index: 22, line: 48 },
      ],
    } as Scenario;
    expect(s).toStrictEqual(expected);
  });

  it('fills every default of a minimal document', () => {
    const s = parseScenario(lines('title: Minimal', 'steps: []'), FILE);
    expect(s).toStrictEqual({
      file: FILE,
      title: 'Minimal',
      description: '',
      summary: '',
      concepts: [],
      i18n: {},
      seed: 1,
      cluster: {
        nodes: ['S1', 'S2', 'S3', 'S4', 'S5'],
        heartbeatMs: 50,
        electionTimeoutMs: [150, 300],
        clientTimeoutMs: 500,
        network: { latencyMs: [10, 20], dropRate: 0, duplicateRate: 0 },
        initial: new Map(),
        leaderNoop: true,
        maxEntriesPerAppend: 64,
        maxInflightMsgs: 8,
        autoCompactionRetention: 1_000,
        unsafe: [],
        profile: 'paper',
        preVote: false,
        checkQuorum: false,
        reads: 'log',
        clockDriftBound: 1.1,
        clockRate: new Map(),
        spares: [],
        learners: [],
        snapshotCount: 0,
        snapshotCatchUpEntries: 5,
        fsyncMs: 0,
      },
      clients: ['c1'],
      steps: [],
    });
  });

  it('profile: etcd sets heartbeatMs 100, electionTimeoutMs [1000, 2000], preVote, checkQuorum and reads readIndex, as etcd runs raft', () => {
    const c = parseScenario(lines('title: T', 'cluster: { profile: etcd }', 'steps: []'), FILE).cluster;
    expect([c.profile, c.heartbeatMs, c.electionTimeoutMs, c.preVote, c.checkQuorum, c.reads]).toEqual(['etcd', 100, [1000, 2000], true, true, 'readIndex']);
  });

  it('keys given explicitly override the profile; clockRate and clockDriftBound are read as given', () => {
    const c = parseScenario(lines('title: T', 'cluster: { nodes: 3, profile: etcd, preVote: false, heartbeatMs: 200, reads: lease, clockDriftBound: 1.5, clockRate: { S1: 0.5, S3: 2 } }', 'steps: []'), FILE).cluster;
    expect([c.preVote, c.checkQuorum, c.heartbeatMs, c.electionTimeoutMs, c.reads, c.clockDriftBound]).toEqual([false, true, 200, [1000, 2000], 'lease', 1.5]);
    expect([...c.clockRate]).toEqual([['S1', 0.5], ['S3', 2]]);
  });

  it('the transfer step and a preCandidate role in expect', () => {
    const s = parseScenario(lines('title: T', 'cluster: { nodes: 3 }', 'steps:', '  - transfer: { to: S3 }', '  - expect: { role: { S2: preCandidate } }'), FILE);
    expect(s.steps[0]).toEqual({ kind: 'transfer', to: 'S3', index: 0, line: 4 });
    expect(s.steps[1]).toMatchObject({ kind: 'expect', checks: { role: new Map([['S2', 'preCandidate']]) } });
  });

  it('reads cluster.maxEntriesPerAppend and cluster.maxInflightMsgs, and the run uses them', () => {
    const s = parseScenario(lines('title: T', 'cluster: { maxEntriesPerAppend: 3, maxInflightMsgs: 2 }', 'steps: []'), FILE);
    expect([s.cluster.maxEntriesPerAppend, s.cluster.maxInflightMsgs]).toEqual([3, 2]);
    const sim = new ScenarioRunner(s).sim;
    const raft = sim.server('S1').raft;
    expect([raft.maxEntries, raft.maxInflight]).toEqual([3, 2]);
  });

  it('names servers S1..Sn when nodes is a count, and keeps the given names when it is a list', () => {
    const counted = parseScenario(lines('title: T', 'cluster: { nodes: 3 }', 'steps: []'), FILE);
    expect(counted.cluster.nodes).toEqual(['S1', 'S2', 'S3']);
    const nine = parseScenario(lines('title: T', 'cluster: { nodes: 9 }', 'steps: []'), FILE);
    expect(nine.cluster.nodes).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9']);
    const named = parseScenario(
      lines('title: T', 'cluster: { nodes: [alpha, beta, gamma_2] }', 'steps:', '  - crash: beta'),
      FILE,
    );
    expect(named.cluster.nodes).toEqual(['alpha', 'beta', 'gamma_2']);
    expect(named.steps[0]).toMatchObject({ kind: 'crash', targets: ['beta'] });
  });

  it('turns KV keys and values written as YAML numbers into the text written', () => {
    const s = parseScenario(
      lines(
        'title: T',
        'cluster: { nodes: 3, initial: { S1: { term: 2, log: [{ term: 2, put: [k, 7] }] } } }',
        'steps:',
        '  - put: { key: 5, value: 1 }',
        '  - put: { key: x, value: 007 }',
        '  - cas: { key: x, from: null, to: 2.50 }',
        '  - get: { key: x, expect: { value: 3 } }',
        '  - expect: { kv: { x: 1, gone: null } }',
      ),
      FILE,
    );
    expect(s.cluster.initial.get('S1')!.log).toEqual([{ term: 2, put: ['k', '7'] }]);
    expect(s.steps[0]).toMatchObject({ kind: 'put', key: '5', value: '1' });
    expect(s.steps[1]).toMatchObject({ kind: 'put', value: '007' });
    expect(s.steps[2]).toMatchObject({ kind: 'cas', from: null, to: '2.50' });
    expect(s.steps[3]).toMatchObject({ kind: 'get', expect: { value: '3' } });
    expect(s.steps[4]).toMatchObject({ kind: 'expect', checks: { kv: new Map([['x', '1'], ['gone', null]]) } });
  });

  it('accepts aliases that expand a little and the core !!str tag', () => {
    const s = parseScenario(
      lines('title: !!str 1984', 'steps:', '  - crash: &pair [S1, S2]', '  - restart: *pair'),
      FILE,
    );
    expect(s.title).toBe('1984');
    expect(s.steps[1]).toMatchObject({ kind: 'restart', targets: ['S1', 'S2'] });
  });

  it('accepts exactly 10,000 steps and a file of exactly 1,000,000 bytes', () => {
    const many = parseScenario('title: T\nsteps:\n' + '  - run: 1\n'.repeat(10_000), FILE);
    expect(many.steps).toHaveLength(10_000);
    expect(many.steps[9_999]).toEqual({ kind: 'run', durationMs: 1, index: 9_999, line: 10_002 });

    const head = 'title: T\nsteps: []\ndescription: "';
    const text = head + 'a'.repeat(1_000_000 - head.length - 2) + '"\n';
    expect(Buffer.byteLength(text)).toBe(1_000_000);
    expect(parseScenario(text, FILE).description).toHaveLength(1_000_000 - head.length - 2);
  });
});

describe('parseScenario: errors point at the right line, column and key', () => {
  it('unknown top-level key: at the key, listing the allowed keys', () => {
    const e = errorOf(lines('title: T', 'steps: []', 'colour: blue'));
    expect(where(e)).toEqual({ line: 3, column: 1, key: 'colour' });
    expect(e.reason).toBe('unknown key "colour" (expected one of: title, description, i18n, summary, concepts, seed, cluster, clients, replay, steps)');
    expect(e.file).toBe(FILE);
    expect(e.message).toBe(`${FILE}:3:1: colour: ${e.reason}`);
  });

  it('unknown step key: at the key, listing the step keys and suggesting the closest', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - run: 100', '  - crashh: S1'));
    expect(where(e)).toEqual({ line: 4, column: 5, key: 'steps[1].crashh' });
    expect(e.reason).toContain('unknown key "crashh" (expected one of: say, run, wait, pause, crash, restart,');
    expect(e.reason).toContain('did you mean "crash"?');
  });

  it('wrong type: at the value, saying what was expected and what was found', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - wait: { for: leader, withinMs: soon }'));
    expect(where(e)).toEqual({ line: 3, column: 36, key: 'steps[0].wait.withinMs' });
    expect(e.reason).toBe('must be a number > 0 (got "soon")');
    expect(e.message).toBe(`${FILE}:3:36: steps[0].wait.withinMs: must be a number > 0 (got "soon")`);
  });

  it('out-of-range rate: at the value', () => {
    const e = errorOf(lines('title: T', 'cluster:', '  network:', '    dropRate: 1.5', 'steps: []'));
    expect(where(e)).toEqual({ line: 4, column: 15, key: 'cluster.network.dropRate' });
    expect(e.reason).toContain('must be a number between 0 and 1');
  });

  it('flow-control limits must be whole numbers from 1: at the value', () => {
    const e = errorOf(lines('title: T', 'cluster:', '  maxInflightMsgs: 0', 'steps: []'));
    expect(where(e)).toEqual({ line: 3, column: 20, key: 'cluster.maxInflightMsgs' });
    expect(e.reason).toContain('must be a whole number from 1 to 10000');
    const f = errorOf(lines('title: T', 'cluster:', '  maxEntriesPerAppend: 2.5', 'steps: []'));
    expect(where(f)).toEqual({ line: 3, column: 24, key: 'cluster.maxEntriesPerAppend' });
    expect(f.reason).toContain('must be a whole number from 1 to 10000');
  });

  it('unknown server name in a step: at the name, listing the servers', () => {
    const e = errorOf(lines('title: T', 'cluster: { nodes: 3 }', 'steps:', '  - crash: [S1, S7]'));
    expect(where(e)).toEqual({ line: 4, column: 17, key: 'steps[0].crash[1]' });
    expect(e.reason).toBe('unknown server "S7" (servers are S1, S2, S3)');

    const named = errorOf(lines('title: T', 'cluster: { nodes: [alpha, beta] }', 'steps:', '  - isolate: S1'));
    expect(where(named)).toEqual({ line: 4, column: 14, key: 'steps[0].isolate' });
    expect(named.reason).toBe('unknown server "S1" (servers are alpha, beta)');
  });

  it('unknown server names are caught in initial, among, via, partition, cut and expect too', () => {
    const { errors } = validateScenario(
      lines(
        'title: T',
        'cluster:',
        '  nodes: 3',
        '  initial: { S4: { term: 1 }, S1: { term: 1, votedFor: S5 } }',
        'steps:',
        '  - wait: { for: leader, among: [S1, S6] }',
        '  - put: { key: x, value: "1", via: S7 }',
        '  - partition: [[S1], [S2, S8]]',
        '  - cut: { from: S9, to: S1 }',
        '  - expect: { leader: X1, role: { X2: leader }, term: { X3: 1 }, log: { X4: [] }, on: [X5] }',
        '  - expect: { leader: none }',
      ),
      FILE,
    );
    expect(errors.map((e) => e.key)).toEqual([
      'cluster.initial.S4',
      'cluster.initial.S1.votedFor',
      'steps[0].wait.among[1]',
      'steps[1].put.via',
      'steps[2].partition[1][1]',
      'steps[3].cut.from',
      'steps[4].expect.leader',
      'steps[4].expect.role.X2',
      'steps[4].expect.term.X3',
      'steps[4].expect.log.X4',
      'steps[4].expect.on[0]',
    ]);
    expect(errors.every((e) => e.reason.startsWith('unknown server "'))).toBe(true);
    // an unknown key of initial is reported at the key itself
    expect(where(errors[0])).toEqual({ line: 4, column: 14, key: 'cluster.initial.S4' });
  });

  it('unknown client: at the client name, listing the clients', () => {
    const e = errorOf(lines('title: T', 'clients: [alice, bob]', 'steps:', '  - put: { key: x, value: "1", client: carol }'));
    expect(where(e)).toEqual({ line: 4, column: 40, key: 'steps[0].put.client' });
    expect(e.reason).toBe('unknown client "carol" (clients are alice, bob)');
  });

  it('a client named like a server is refused', () => {
    const e = errorOf(lines('title: T', 'cluster: { nodes: 3 }', 'clients: [c1, S2]', 'steps: []'));
    expect(where(e)).toEqual({ line: 3, column: 15, key: 'clients[1]' });
    expect(e.reason).toContain('"S2" is a server name');
  });

  it('more than 9 servers, as a count or as a list, is refused', () => {
    const count = errorOf(lines('title: T', 'cluster: { nodes: 10 }', 'steps: []'));
    expect(where(count)).toEqual({ line: 2, column: 19, key: 'cluster.nodes' });
    expect(count.reason).toBe('too many servers: 10 (at most 9)');

    const list = errorOf(lines('title: T', 'cluster:', '  nodes: [A, B, C, D, E, F, G, H, I, J]', 'steps: []'));
    expect(where(list)).toEqual({ line: 3, column: 10, key: 'cluster.nodes' });
    expect(list.reason).toBe('too many servers: 10 (at most 9)');
  });

  it('a reserved word or a duplicate as a server name is refused', () => {
    const reserved = errorOf(lines('title: T', 'cluster: { nodes: [S1, leader] }', 'steps: []'));
    expect(where(reserved)).toEqual({ line: 2, column: 24, key: 'cluster.nodes[1]' });
    expect(reserved.reason).toContain('"leader" is a reserved word');

    const dup = errorOf(lines('title: T', 'cluster: { nodes: [S1, S2, S1] }', 'steps: []'));
    expect(where(dup)).toEqual({ line: 2, column: 28, key: 'cluster.nodes[2]' });
    expect(dup.reason).toBe('"S1" is listed twice (also at [0])');
  });

  it('malformed YAML: the YAML parser\'s line and column', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - run: 100', '  - crash: [S1, S2', '  - run: 5'));
    expect(where(e)).toEqual({ line: 5, column: 3, key: '' });
    expect(e.reason).toMatch(/^invalid YAML: /);
  });

  it('a duplicated key is an error at the second occurrence that names the key and the first line', () => {
    const e = errorOf(lines('title: T', 'steps: []', 'title: U'));
    expect(where(e)).toEqual({ line: 3, column: 1, key: 'title' });
    expect(e.reason).toBe('"title" is given twice in this mapping (first on line 1); keep one of them');
  });

  it('missing title: at the top-level mapping, with the key path of the missing key', () => {
    const e = errorOf(lines('# no title here', 'description: D', 'steps: []'));
    expect(where(e)).toEqual({ line: 2, column: 1, key: 'title' });
    expect(e.reason).toBe('missing required key "title"');
  });

  it('an empty title and an empty file are refused', () => {
    expect(errorOf(lines('title: "  "', 'steps: []')).reason).toContain('must be a non-empty string');
    const empty = errorOf('');
    expect(where(empty)).toEqual({ line: 1, column: 1, key: '' });
    expect(empty.reason).toContain('must be a mapping');
  });

  it('a missing key of a step: at the step\'s mapping, with the key path of the missing key', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - cut: { from: S1 }'));
    expect(where(e)).toEqual({ line: 3, column: 10, key: 'steps[0].cut.to' });
    expect(e.reason).toBe('missing required key "to"');
  });

  it('a step with two step keys is refused at the second key', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - run: 100', '    crash: S1'));
    expect(where(e)).toEqual({ line: 4, column: 5, key: 'steps[0]' });
    expect(e.reason).toContain('exactly one step key');
  });

  it('a wait variant is chosen by its "for" key, so errors name the right keys', () => {
    const bad = errorOf(lines('title: T', 'steps:', '  - wait: { for: lead }'));
    expect(where(bad)).toEqual({ line: 3, column: 18, key: 'steps[0].wait.for' });
    expect(bad.reason).toBe('must be "leader" or "commit" (got "lead")');

    const extra = errorOf(lines('title: T', 'steps:', '  - wait: { for: leader, index: 3 }'));
    expect(where(extra)).toEqual({ line: 3, column: 26, key: 'steps[0].wait.index' });
    expect(extra.reason).toBe('unknown key "index" (expected one of: for, among, withinMs)');

    const missing = errorOf(lines('title: T', 'steps:', '  - wait: { for: commit }'));
    expect(where(missing)).toEqual({ line: 3, column: 11, key: 'steps[0].wait.index' });
  });

  it('more than 10,000 steps are refused', () => {
    const e = errorOf('title: T\nsteps:\n' + '  - run: 1\n'.repeat(10_001));
    expect(where(e)).toEqual({ line: 3, column: 3, key: 'steps' });
    expect(e.reason).toBe('too many steps: 10001 (at most 10000)');
  });

  it('a text over 1 MB is refused before parsing, counting UTF-8 bytes', () => {
    const big = errorOf('title: T\nsteps: []\ndescription: "' + 'a'.repeat(1_000_000) + '"\n');
    expect(where(big)).toEqual({ line: 1, column: 1, key: '' });
    expect(big.reason).toMatch(/^file is too large: \d+ bytes \(the limit is 1000000 bytes\)$/);

    // 600,000 characters, but 1,200,000 bytes
    const wide = errorOf('title: T\nsteps: []\ndescription: "' + 'é'.repeat(600_000) + '"\n');
    expect(wide.reason).toContain('too large');
  });

  it('custom YAML tags are refused at the tag, and so are YAML 1.1 types like !!binary', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - crash: !shell rm -rf /'));
    expect(where(e)).toEqual({ line: 3, column: 12, key: '' });
    expect(e.reason).toContain('tags are not allowed');
    expect(e.reason).toContain('!shell');

    const binary = errorOf(lines('title: !!binary aGVsbG8=', 'steps: []'));
    expect(where(binary)).toEqual({ line: 1, column: 8, key: '' });
  });

  it('aliases that expand hugely are refused', () => {
    let text = 'title: T\nsteps: []\na: &a [x, x, x, x, x, x, x, x, x]\n';
    let prev = 'a';
    for (const n of 'bcdefghi') {
      text += `${n}: &${n} [${Array(9).fill('*' + prev).join(', ')}]\n`;
      prev = n;
    }
    const e = errorOf(text);
    expect(e.reason).toContain('one anchor may be used at most 100 times');
    expect(e.line).toBe(4);
  });

  it('initial log terms that decrease, or exceed the server\'s term, are refused at the entry', () => {
    const dec = errorOf(lines('title: T', 'cluster:', '  nodes: 3', '  initial:', '    S1: { term: 5, log: [1, 4, 2, 5] }', 'steps: []'));
    expect(where(dec)).toEqual({ line: 5, column: 32, key: 'cluster.initial.S1.log[2]' });
    expect(dec.reason).toBe('log terms must not decrease: entry 3 has term 2 after an entry of term 4');

    const above = errorOf(lines('title: T', 'cluster:', '  initial:', '    S2: { term: 3, log: [1, { term: 4 }] }', 'steps: []'));
    expect(where(above)).toEqual({ line: 4, column: 37, key: 'cluster.initial.S2.log[1].term' });
    expect(above.reason).toBe("entry 2 has term 4, above S2's term (3)");

    const zero = errorOf(lines('title: T', 'cluster: { initial: { S1: { term: 3, log: [0] } } }', 'steps: []'));
    expect(zero.key).toBe('cluster.initial.S1.log[0]');
    expect(zero.reason).toContain('a term (a whole number >= 1)');
  });

  it('timing: electionTimeoutMs min must be below max, and heartbeatMs below min', () => {
    const order = errorOf(lines('title: T', 'cluster: { electionTimeoutMs: [300, 150] }', 'steps: []'));
    expect(where(order)).toEqual({ line: 2, column: 31, key: 'cluster.electionTimeoutMs' });
    expect(order.reason).toBe('the minimum (300) must be less than the maximum (150)');

    const hb = errorOf(lines('title: T', 'cluster: { heartbeatMs: 150 }', 'steps: []'));
    expect(where(hb)).toEqual({ line: 2, column: 25, key: 'cluster.heartbeatMs' });
    expect(hb.reason).toBe('must be less than the election timeout minimum (150 ms, the default)');

    const latency = errorOf(lines('title: T', 'steps:', '  - network: { latencyMs: [30, 10] }'));
    expect(latency.key).toBe('steps[0].network.latencyMs');
  });

  it('reserved words are accepted only where the format allows them', () => {
    expect(errorOf(lines('title: T', 'steps:', '  - restart: leader')).key).toBe('steps[0].restart');
    expect(errorOf(lines('title: T', 'steps:', '  - crash: all')).key).toBe('steps[0].crash');
    expect(errorOf(lines('title: T', 'steps:', '  - cut: { from: leader, to: S1 }')).key).toBe('steps[0].cut.from');
    expect(errorOf(lines('title: T', 'steps:', '  - heal: S1')).reason).toBe('must be "all" (got "S1")');
    const ok = parseScenario(
      lines('title: T', 'steps:', '  - timeout: leader', '  - expect: { leader: any, on: all }', '  - expect: { leader: none }'),
      FILE,
    );
    expect(ok.steps.map((s) => s.kind)).toEqual(['timeout', 'expect', 'expect']);
  });

  it('client expect keys depend on the operation', () => {
    const e = errorOf(lines('title: T', 'steps:', '  - cas: { key: x, from: null, to: "1", expect: { deleted: 1 } }'));
    expect(e.key).toBe('steps[0].cas.expect.deleted');
    expect(e.reason).toBe('unknown key "deleted" (expected one of: result, succeeded)');
  });
});

describe('validateScenario', () => {
  const SEVERAL = lines(
    'title: T',
    'cluster:',
    '  nodes: 3',
    '  network: { dropRate: 2 }', // 4
    'steps:',
    '  - run: -1', // 6
    '  - crashh: S1', // 7
    '  - crash: S9', // 8
    '  - put: { key: x, value: "1", client: c9 }', // 9
  );

  it('returns every error, in document order, and no scenario', () => {
    const { scenario, errors } = validateScenario(SEVERAL, FILE);
    expect(scenario).toBeUndefined();
    expect(errors.map((e) => [e.line, e.column, e.key])).toEqual([
      [4, 24, 'cluster.network.dropRate'],
      [6, 10, 'steps[0].run'],
      [7, 5, 'steps[1].crashh'],
      [8, 12, 'steps[2].crash'],
      [9, 40, 'steps[3].put.client'],
    ]);
    expect(errors.every((e) => e instanceof ScenarioError)).toBe(true);
  });

  it('parseScenario throws the first of them', () => {
    const first = validateScenario(SEVERAL, FILE).errors[0];
    expect(errorOf(SEVERAL).message).toBe(first.message);
  });

  it('returns the scenario and no errors for a valid document', () => {
    const { scenario, errors } = validateScenario(FULL, FILE);
    expect(errors).toEqual([]);
    expect(scenario?.steps).toHaveLength(23);
  });
});

describe('scenarioSchema', () => {
  it('is plain JSON data', () => {
    expect(JSON.parse(JSON.stringify(scenarioSchema))).toEqual(scenarioSchema);
  });

  it('compiles in a fresh ajv and accepts the full example and rejects an unknown key', () => {
    const ajv = new Ajv({ strict: false, discriminator: true, allErrors: true });
    const validate = ajv.compile(JSON.parse(JSON.stringify(scenarioSchema)));
    expect(validate(parseYaml(FULL))).toBe(true);
    expect(validate(parseYaml(lines('title: T', 'steps:', '  - crashh: S1')))).toBe(false);
  });
});
