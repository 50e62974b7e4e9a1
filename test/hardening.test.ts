/**
 * Issue 11, defects 4 to 9: nothing a user types or opens can crash, freeze or fool raftsim.
 * One describe per defect, each failing on the code before the fix:
 * 4 share-link decompression bombs, 5 the fuzzer's limits, 6 one rule for KV keys, 7 one seed
 * range, 8 the alias limit, 9 messages that say what is wrong.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { parseHistoryJson } from '../src/check/history';
import { runScenarioFile } from '../src/cli/run';
import { runFuzzSeed } from '../src/fuzz/fuzz';
import { fuzzPlan, MAX_FUZZ_DURATION_MS, MAX_FUZZ_NODES, MAX_FUZZ_SEEDS, MAX_FUZZ_WORKERS } from '../src/fuzz/plan';
import { parseScenario, validateScenario } from '../src/scenario/parse';
import { formatReason, reason } from '../src/scenario/reasons';
import { LIMITS } from '../src/scenario/schema';
import { MAX_SEED } from '../src/scenario/seed';
import { ScenarioError } from '../src/scenario/types';
import { decodeLink, decompressedLength, encodeLink, LinkError, MAX_LINK_BYTES } from '../src/share/link';
import { importTrace } from '../src/share/traceFile';
import { parseSeed, readUrl } from '../src/ui/io/url';
import { REASONS_ZH } from '../src/ui/i18n/reasonsZh';
import { en } from '../src/ui/i18n/en';
import { zh } from '../src/ui/i18n/zh';

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'raftsim-harden-'));
function cli(...args: string[]) {
  const r = spawnSync(tsx, [join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function tmpFile(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function scenarioError(text: string, file = 's.yaml'): ScenarioError {
  const { errors } = validateScenario(text, file);
  expect(errors.length, `no error for:\n${text.slice(0, 300)}`).toBeGreaterThan(0);
  return errors[0];
}

/**
 * An lz-string stream (URI alphabet) that decompresses to 1 + 2 + … + (codes + 1) copies of "a":
 * a literal "a", then `codes` times the code of the entry being defined (w + w[0], one longer each
 * time), then the end code. Written with lz-string's own rules for code widths.
 */
function lzBomb(codes: number): string {
  const bits: number[] = [];
  const write = (value: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push((value >> i) & 1);
  };
  let dictSize = 4;
  let numBits = 3;
  let enlargeIn = 4;
  write(0, 2); // a literal of 8 bits …
  write(97, 8); // … "a": dictionary entry 3
  for (let k = 0; k < codes; k++) {
    write(dictSize, numBits); // the entry being defined: w + w[0]
    dictSize++;
    if (--enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
  write(2, numBits); // end of stream
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
  let out = '';
  for (let i = 0; i < bits.length; i += 6) {
    let v = 0;
    for (let j = 0; j < 6; j++) v = v * 2 + (bits[i + j] ?? 0);
    out += alphabet[v];
  }
  return out + 'A';
}
const triangle = (codes: number) => ((codes + 1) * (codes + 2)) / 2;

describe('#4 share links: the decompressed size is bounded before anything is built', () => {
  it('the crafted stream is a real lz-string bomb (a small one decompresses as computed)', () => {
    const small = lzBomb(1500);
    const out = decompressFromEncodedURIComponent(small);
    expect(out.length).toBe(triangle(1500));
    expect(out).toBe('a'.repeat(triangle(1500)));
    expect(decompressedLength(small, Infinity)).toBe(triangle(1500));
  });

  it('a 260 KB link that would expand to 5 billion characters says "too large", in English and Chinese', () => {
    const codes = 100_000;
    const hash = `r=1.${lzBomb(codes)}`;
    expect(hash.length).toBeLessThan(MAX_LINK_BYTES); // under the old size pre-check
    expect(triangle(codes)).toBeGreaterThan(5e9);
    let error: unknown;
    try {
      decodeLink(hash);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe('tooLarge');
    expect((error as LinkError).reason).toBe('This link is too large to open.');
    expect(formatReason((error as LinkError).why, REASONS_ZH)).toBe('此链接太大，无法打开。');
  });

  it('the measure agrees with lz-string on honest links and on damaged ones', () => {
    const rng = seedrandom('link-measure');
    const alphabets = ['ab', 'title: steps: - run: 500\n{}":,', '中文字符 abc\u0000\uffff\ud83d\ude00'];
    for (let i = 0; i < 400; i++) {
      const alphabet = alphabets[i % alphabets.length];
      const text = Array.from({ length: Math.floor(rng() * 2000) + 1 }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
      const z = compressToEncodedURIComponent(text);
      expect(decompressedLength(z, Infinity)).toBe(text.length);
      // Damaged: cut short, or a few characters changed.
      const damaged = i % 2 ? z.slice(0, Math.floor(rng() * z.length)) : [...z].map((c) => (rng() < 0.03 ? 'Q' : c)).join('');
      let real: string | null;
      try {
        real = decompressFromEncodedURIComponent(damaged);
      } catch {
        real = null;
      }
      expect(decompressedLength(damaged, Infinity)).toBe(real ? real.length : 'corrupt');
    }
  });

  it('a link to a scenario of almost 1 MB still opens', () => {
    const yaml = fuzzPlan(472, { nodes: [5], durationMs: MAX_FUZZ_DURATION_MS });
    expect(yaml.length).toBeGreaterThan(400_000);
    const hash = encodeLink({ yaml, seed: 5 });
    expect(decodeLink(hash).yaml).toBe(yaml);
  });
});

describe('#5 the fuzzer: bounded options, and every plan is a scenario its parser accepts', () => {
  it('plans at the bounds (60 s, 1 and 9 servers, the busiest seeds) parse back, within the step and size limits, with no anchors', () => {
    // Seeds 472 and 576 reach the step limit at 60 s with 1 and with 9 servers (the plans of issue 12's options).
    for (const [seed, nodes] of [[1, 1], [2, 9], [472, 9], [472, 1], [576, 9]] as const) {
      const yaml = fuzzPlan(seed, { nodes: [nodes], durationMs: MAX_FUZZ_DURATION_MS, unsafe: ['forgetVoteOnRestart'] });
      expect(yaml).not.toMatch(/^[^"#]*[&*][A-Za-z0-9]/m); // no anchor (&a) or alias (*a)
      expect(new TextEncoder().encode(yaml).length).toBeLessThanOrEqual(LIMITS.maxBytes);
      const sc = parseScenario(yaml, `fuzz-seed-${seed}.yaml`);
      expect(sc.steps.length).toBeLessThanOrEqual(LIMITS.maxSteps);
      expect(sc.cluster.nodes).toHaveLength(nodes);
      if (seed === 472 || seed === 576) {
        expect(sc.steps.length).toBeGreaterThan(LIMITS.maxSteps - 200);
        expect(sc.steps[0]).toMatchObject({ kind: 'say', text: expect.stringMatching(/the fault phase ends at \d+ of 60000 ms, so that the plan stays within the 10000-step scenario limit/) });
      }
    }
  }, 300_000);

  it('shared settings are written out, not as YAML anchors (which the alias limit counts)', () => {
    const yaml = fuzzPlan(3, { nodes: [3], durationMs: 20_000 });
    expect(yaml).not.toMatch(/&a\d|\*a\d/);
    // The cluster's network and the liveness phase's network step, each in full.
    expect(yaml.match(/network:\n\s+latencyMs:\n\s+- 5\n\s+- 25\n/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('a seed at the bounds runs to the end with every check on', () => {
    const r = runFuzzSeed(1, { nodes: [MAX_FUZZ_NODES], durationMs: MAX_FUZZ_DURATION_MS });
    expect(r.failures).toEqual([]);
    expect(r.simMs).toBeGreaterThan(MAX_FUZZ_DURATION_MS);
  }, 300_000);

  it('fuzzPlan refuses options past the bounds', () => {
    expect(() => fuzzPlan(1, { nodes: [3], durationMs: MAX_FUZZ_DURATION_MS + 1 })).toThrow(/durationMs must be > 0 and at most 60000/);
    expect(() => fuzzPlan(1, { nodes: [10], durationMs: 1000 })).toThrow(/cluster sizes must be 1 to 9/);
    expect(() => fuzzPlan(MAX_SEED + 1, { nodes: [3], durationMs: 1000 })).toThrow(/seed/);
  });

  it('the CLI refuses each option past its bound with exit 2 and one line that says the bound', () => {
    const cases: [string[], string][] = [
      [['--duration-ms', String(MAX_FUZZ_DURATION_MS + 1)], `--duration-ms must be a whole number from 1 to ${MAX_FUZZ_DURATION_MS}, got "60001"`],
      [['--duration-ms', '86400000'], '--duration-ms must be a whole number from 1 to 60000'],
      [['--seeds', String(MAX_FUZZ_SEEDS + 1)], `--seeds must be a whole number from 1 to ${MAX_FUZZ_SEEDS}, got "1000001"`],
      [['--seeds', '0'], '--seeds must be a whole number from 1 to'],
      [['--nodes', '3,10'], '--nodes must be a whole number from 1 to 9, got "10"'],
      [['--nodes', '0'], '--nodes must be a whole number from 1 to 9, got "0"'],
      [['--workers', String(MAX_FUZZ_WORKERS + 1)], '--workers must be a whole number from 1 to 64'],
      [['--from', String(MAX_SEED), '--seeds', '2'], 'the last seed must be at most 9007199254740991 (2^53 − 1)'],
      [['--from', '9007199254740993'], '--from must be a whole number from 0 to 9007199254740991'],
    ];
    for (const [args, message] of cases) {
      const r = cli('fuzz', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/ at .*\.ts:\d+/);
    }
  }, 120_000);

  it('--help documents the bounds', () => {
    const help = cli('fuzz', '--help').stdout;
    expect(help).toContain('1 to 1000000');
    expect(help).toContain('1 to 60000 ms');
    expect(help).toContain('each 1 to 9');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('`--duration-ms` 1 to 60,000 ms');
  }, 60_000);
});

describe('#6 one rule for keys: the empty key is refused everywhere, with the same words; every other key is accepted everywhere', () => {
  const words = formatReason(reason('emptyKey'));

  it('a scenario refuses the empty key, and check-history refuses it with the same message', () => {
    const e = scenarioError('title: T\nsteps:\n  - put: { key: "", value: "1" }\n');
    expect(e.key).toBe('steps[0].put.key');
    expect(e.reason).toBe(words);
    expect(words).toContain('key is not provided');
    const history = [{ client: 'c1', op: 'put', key: '', value: '1', invokeMs: 0, returnMs: 5, result: 'fail' }];
    expect(() => parseHistoryJson(JSON.stringify(history), 'h.json')).toThrow(`h.json: history entry 0 (key ""): "key": ${words}`);
  });

  it("a run's own --json history always checks, whatever keys it used (the empty prefix, odd and long keys)", () => {
    const keys = ['x', '__proto__', 'constructor', 'hasOwnProperty', ' ', 'a/b\\c', 'ключ', '中文', '😀', 'k'.repeat(300), 'quote"d', 'tab\there', '0', '007'];
    const steps = keys.flatMap((k, i) => [
      `  - put: { key: ${JSON.stringify(k)}, value: "v${i}" }`,
      `  - get: { key: ${JSON.stringify(k)}, expect: { value: "v${i}" } }`,
      `  - cas: { key: ${JSON.stringify(k)}, from: "v${i}", to: "w${i}", expect: { succeeded: true } }`,
    ]);
    const text = ['title: Keys', 'cluster: { nodes: 3 }', 'steps:', '  - wait: { for: leader }', ...steps,
      // (No single-key read after the prefix deletes: the linearizability checker skips prefix operations.)
      '  - get: { key: "", prefix: true }', '  - delete: { key: "0", prefix: true }', '  - delete: { key: "", prefix: true, expect: { deleted: 12 } }'].join('\n') + '\n';
    const out = runScenarioFile(text, 'keys.yaml');
    expect(out.kind).toBe('ran');
    if (out.kind !== 'ran') return;
    expect(out.report.ok, JSON.stringify(out.report.steps.filter((s) => !s.ok))).toBe(true);
    const json = JSON.stringify(out.report, null, 2);
    const history = parseHistoryJson(json, 'keys.json');
    expect(history.length).toBe(keys.length * 3 + 3);
    expect(new Set(history.map((h) => h.key))).toEqual(new Set([...keys, '']));
  });
});

describe('#7 seeds: one range, 0 to 2^53 − 1, the same check in the file and on the command line', () => {
  it('a file with seed 9007199254740993 is refused with the range and the seed as written', () => {
    const e = scenarioError('title: T\nseed: 9007199254740993\nsteps: []\n');
    expect(e.reason).toBe('must be a whole number from 0 to 9007199254740991 (2^53 − 1) (got 9007199254740993)');
    expect(parseScenario(`title: T\nseed: ${MAX_SEED}\nsteps: []\n`, 's.yaml').seed).toBe(MAX_SEED);
  });

  it('--seed 9007199254740993 is refused (not run as …992); --seed 9007199254740991 runs as itself', () => {
    const bad = cli('run', 'scenarios/basic-election.yaml', '--seed', '9007199254740993');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('raftsim: --seed must be a whole number from 0 to 9007199254740991 (2^53 − 1), got "9007199254740993"\n');
    const good = cli('run', 'scenarios/basic-election.yaml', '--seed', '9007199254740991', '--json');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout).seed).toBe(9007199254740991);
  }, 60_000);

  it("the page's ?seed= and seed box use the same rule: 9007199254740991.4, 1e3, 0x10 and 2^53 are refused, never rounded", () => {
    for (const bad of ['9007199254740991.4', '1e3', '0x10', '9007199254740992', '-1', '1.0', '', ' ']) expect(parseSeed(bad), bad).toBeNull();
    expect(readUrl('?seed=9007199254740991.4').seed).toBeNull();
    expect(readUrl('?seed=1e3').seed).toBeNull();
    expect(readUrl('?seed=9007199254740991').seed).toBe(MAX_SEED);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(' 42 ')).toBe(42);
    expect(parseSeed(null)).toBeNull();
  });

  it('links and trace files say the range too', () => {
    const link = `r=1.${compressToEncodedURIComponent(JSON.stringify({ v: 1, library: 'leader-crash', seed: 2 ** 53 }))}`;
    expect(() => decodeLink(link)).toThrow('The seed in this link is not a whole number from 0 to 9007199254740991 (2^53 − 1).');
    const trace = JSON.stringify({ format: 'raftsim-trace', version: 1, scenario: { name: 'x', yaml: 't' }, seed: 2 ** 53 });
    expect(() => importTrace(trace, 't.json')).toThrow('t.json: "seed" must be a whole number from 0 to 9007199254740991 (2^53 − 1)');
  });
});

describe('#8 the alias limit is the documented one: more than 100 refused, exactly 100 accepted', () => {
  const text = (n: number) => 'title: T\nsteps:\n  - say: &a hi\n' + '  - say: *a\n'.repeat(n);

  it('100 aliases of one anchor are accepted, 101 are refused at the 101st', () => {
    expect(parseScenario(text(100), 'a.yaml').steps).toHaveLength(101);
    const e = scenarioError(text(101));
    expect(e.line).toBe(104);
    expect(e.reason).toContain('one anchor may be used at most 100 times');
    expect(readFileSync(join(root, 'docs', 'scenarios.md'), 'utf8')).toContain('exactly\n  100 are accepted, more than 100 refused');
  });
});

describe('#9 messages say what is wrong, with file, line and key', () => {
  it('10,001 recorded actions: says the limit (not "must be a list (got a list)")', () => {
    const actions = '    - { events: 0, atMs: 0, do: { kind: heal } }\n'.repeat(10_001);
    const e = scenarioError(`title: T\nreplay:\n  actions:\n${actions}  until: { events: 0, atMs: 0 }\nsteps: []\n`);
    expect(e.message).toBe('s.yaml:4:5: replay.actions: too many recorded actions: 10001 (at most 10000)');
    expect(formatReason(e.why!, REASONS_ZH)).toBe('录制的操作太多：10001 个（最多 10000 个）');
  });

  it('events: -1 says it must be >= 0 (not "must be in order of position")', () => {
    const e = scenarioError('title: T\nreplay:\n  actions:\n    - { events: -1, atMs: 0, do: { kind: heal } }\n  until: { events: 0, atMs: 0 }\nsteps: []\n');
    expect(e.message).toBe('s.yaml:4:17: replay.actions[0].events: must be a whole number of events >= 0 (got -1)');
    expect(validateScenario('title: T\nreplay:\n  actions:\n    - { events: -1, atMs: 0, do: { kind: heal } }\n  until: { events: 0, atMs: 0 }\nsteps: []\n', 's.yaml').errors).toHaveLength(1);
  });

  it('a UTF-16 file is told to save as UTF-8, read as text (the page) and as bytes (the CLI)', () => {
    const bytes = Buffer.from('\ufefftitle: T\nsteps: []\n', 'utf16le');
    const e = scenarioError(bytes.toString('utf8'));
    expect(e.reason).toContain('probably saved as UTF-16 or UTF-32');
    expect(e.reason).toContain('save it as UTF-8');
    const p = tmpFile('utf16.yaml', bytes);
    const r = cli('run', p);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`raftsim: ${p}:1:1: the file is saved as UTF-16 (little-endian), not UTF-8; save it as UTF-8\n`);
    const h = cli('check-history', tmpFile('utf16.json', Buffer.from('\ufeff[]', 'utf16le')));
    expect(h.code).toBe(2);
    expect(h.stderr).toContain('saved as UTF-16 (little-endian)');
  }, 60_000);

  it('10,000-deep nesting has its own limit and message (no "Maximum call stack size exceeded")', () => {
    for (const text of ['title: T\nsteps: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n', 'title: T\nsteps:\n' + '- '.repeat(10_000) + 'x\n']) {
      const e = scenarioError(text);
      expect(e.reason).toBe(`lists and mappings are nested too deeply here (more than ${LIMITS.maxDepth} levels); a scenario never needs more than a few`);
    }
    const deepJson = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseHistoryJson(deepJson, 'h.json')).toThrow(`h.json:1:${LIMITS.maxDepth + 1}: arrays and objects are nested too deeply (more than ${LIMITS.maxDepth} levels)`);
    expect(() => importTrace(deepJson, 't.json')).toThrow('t.json:1:65: arrays and objects are nested too deeply');
    const r = cli('check-history', tmpFile('deep.json', deepJson));
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('Maximum call stack');
  }, 60_000);

  it('check-history reports 1e999 as a number out of range (not "got null")', () => {
    const text = '[{"client":"c1","op":"put","key":"x","value":"1","invokeMs":1e999,"returnMs":5,"result":"ok"}]';
    expect(() => parseHistoryJson(text, 'h.json')).toThrow('h.json: history entry 0 (key "x"): "invokeMs" must be a finite number >= 0, got a number too large to store (out of range)');
    expect(scenarioError('title: T\nsteps:\n  - run: 1e999\n').message).toBe('s.yaml:3:10: steps[0].run: must be a number > 0 (got 1e999, which is not a finite number)');
  });

  it('a trace whose hash differs: the page opens it, and its notice says it is open (not "could not be opened")', () => {
    const id = 'share.traceHashDiffers';
    expect(en[id]).toMatch(/^\{file\} is open, but replaying it here gives traceHash \{got\}, not the \{want\} it was exported with/);
    expect(en[id]).not.toMatch(/could not be opened/);
    expect(zh[id]).toContain('已打开');
    for (const p of ['{file}', '{got}', '{want}']) expect(zh[id]).toContain(p);
  });

  it('a duplicate key names the key and where it was first given', () => {
    const e = scenarioError('title: T\ncluster:\n  nodes: 3\n  heartbeatMs: 50\n  nodes: 5\nsteps: []\n');
    expect(e.message).toBe('s.yaml:5:3: cluster.nodes: "nodes" is given twice in this mapping (first on line 3); keep one of them');
    expect(formatReason(e.why!, REASONS_ZH)).toBe('"nodes" 在这个映射中出现了两次（第一次在第 3 行）；请只保留一个');
  });
});
