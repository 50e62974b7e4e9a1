/**
 * The page's words (issue 9, "words"): the commit note states the entry's own term and, under
 * `unsafe.commitPreviousTermEntries`, that the commitment rule of §5.4.2 was broken (Raft paper
 * §5.4.2, Figure 8); Chinese for everything worded from data (captions in the why feed, step
 * keywords, library concepts, the checker's properties and details, client replies); the glossary
 * and the links from why lines into it; the library's lesson path and the merged first-election
 * lesson; README's lesson list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario } from '../src/scenario/parse';
import { ScenarioRunner } from '../src/scenario/runner';
import type { TraceEvent } from '../src/sim/types';
import { setLocale } from '../src/ui/i18n';
import { CONCEPTS_ZH } from '../src/ui/i18n/conceptsZh';
import { invariantDetailZh, PROPERTIES_ZH } from '../src/ui/i18n/invariantsZh';
import { conceptName, stepKindName } from '../src/ui/i18n/words';
import { GLOSSARY, linkTerms } from '../src/ui/model/glossary';
import { bundledScenarios, canonicalScenario, LESSON_PATH, lessonOrder, loadRun } from '../src/ui/model/scenarios';
import { whyLine } from '../src/ui/model/why';

const root = join(__dirname, '..');
const CJK = /[\u4e00-\u9fff]/;
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** The full trace of a bundled scenario run to its end. */
function trace(name: string): TraceEvent[] {
  const file = `scenarios/${name}.yaml`;
  const runner = new ScenarioRunner(parseScenario(read(file), file), { keepTrace: true });
  runner.runToEnd();
  return runner.sim.trace;
}

type Commit = Extract<TraceEvent, { kind: 'note' }> & { note: { kind: 'commitAdvanced' } };
const leaderCommits = (tr: TraceEvent[]) =>
  tr.filter((e): e is Commit => e.kind === 'note' && e.note.kind === 'commitAdvanced' && e.note.replicas > 0);

afterEach(() => setLocale('en'));

describe('the commit note states the entry’s own term (Raft paper §5.4.2, Figure 8)', () => {
  it('figure-8-unsafe: S1 commits a term-2 entry in term 4 and S5 a term-3 entry in term 5, and the rule is said to be broken', () => {
    const commits = leaderCommits(trace('figure-8-unsafe'));
    const seen = commits.map((c) => [c.node, c.note.to, c.note.entryTerm, c.note.term, c.note.previousTermCounted]);
    expect(seen).toEqual([['S1', 2, 2, 4, true], ['S5', 2, 3, 5, true]]);
    const [s1, s5] = commits.map((c) => whyLine(c, 5)!.text);
    expect(s1).toContain('entry 2 is of term 2, not its current term 4');
    expect(s5).toContain('entry 2 is of term 3, not its current term 5');
    for (const text of [s1, s5]) {
      expect(text).toContain('breaks the rule of §5.4.2');
      expect(text).toContain('commitPreviousTermEntries');
      // The false claim of the old wording.
      expect(text).not.toMatch(/is from its current term/);
    }
    setLocale('zh');
    const [z1, z5] = commits.map((c) => whyLine(c, 5)!.text);
    expect(z1).toContain('条目 2 属于任期 2，而不是它的当前任期 4');
    expect(z5).toContain('条目 2 属于任期 3，而不是它的当前任期 5');
    for (const text of [z1, z5]) expect(text).toContain('违反了 §5.4.2 的规则');
  });

  it('figure-8 (safe): every leader commit is of an entry of its current term, and nothing is said to be broken', () => {
    const commits = leaderCommits(trace('figure-8'));
    expect(commits.length).toBeGreaterThan(0);
    for (const c of commits) {
      expect(c.note.previousTermCounted).toBe(false);
      expect(c.note.entryTerm).toBe(c.note.term);
      const text = whyLine(c, 5)!.text;
      expect(text).toContain(`entry ${c.note.to} is of term ${c.note.term}, its current term`);
      expect(text).not.toContain('breaks');
    }
  });

  it('a leader commit whose entry is of another term without the unsafe switch names both terms and claims no rule', () => {
    const e: Commit = { atMs: 1, kind: 'note', node: 'S1', note: { kind: 'commitAdvanced', from: 0, to: 3, term: 4, replicas: 3, entryTerm: 2, previousTermCounted: false } };
    const text = whyLine(e, 5)!.text;
    expect(text).toContain('entry 3, of term 2 (its current term is 4)');
    expect(text).not.toContain('§5.4.2');
  });
});

describe('Chinese for what is worded from data', () => {
  it('a caption already in the why feed is worded again in the new language', () => {
    const caption = trace('figure-8-unsafe').find((e): e is Extract<TraceEvent, { kind: 'caption' }> => e.kind === 'caption')!;
    expect(whyLine(caption, 5)!.text).toBe(`“${caption.text}”`);
    setLocale('zh');
    expect(caption.zh).toMatch(CJK);
    expect(whyLine(caption, 5)!.text).toBe(`“${caption.zh}”`);
  });

  it('every step keyword of the scenario format has a Chinese name for the status line', () => {
    const types = read('src/scenario/types.ts');
    const body = types.slice(types.indexOf('export type StepBody'), types.indexOf('/** What an `expect` step can check'));
    const kinds = [...new Set([...body.matchAll(/kind: '(\w+)'/g)].map((m) => m[1]))];
    expect(kinds).toEqual(expect.arrayContaining(['say', 'wait', 'expect', 'crash', 'put', 'cas']));
    for (const k of kinds) expect(stepKindName(k), k).toBe(k);
    setLocale('zh');
    for (const k of kinds) expect(stepKindName(k), k).toMatch(CJK);
  });

  it('every concept of a bundled lesson has a Chinese name (section numbers and protocol names stay as they are)', () => {
    const concepts = new Set([...bundledScenarios.entries()].flatMap(([name, text]) => parseScenario(text, `scenarios/${name}.yaml`).concepts));
    setLocale('zh');
    for (const c of concepts) {
      // Section numbers, identifiers (currentTerm, RequestVote, prevExist) and etcd keep their spelling.
      if (/^§[\d.]+$/.test(c) || /^[A-Za-z][a-z]+[A-Z]\w*$/.test(c) || c === 'etcd') continue;
      expect(Object.keys(CONCEPTS_ZH), c).toContain(c);
      expect(conceptName(c), c).toMatch(CJK);
    }
  });

  it('every property the safety checker reports has a Chinese name', () => {
    const props = [...read('src/check/invariants.ts').matchAll(/property: '([^']+)'/g)].map((m) => m[1]);
    expect(props.length).toBeGreaterThan(5);
    for (const p of props) expect(PROPERTIES_ZH[p], p).toMatch(CJK);
  });

  it('the checker’s violation details are translated, every template of it', () => {
    // Tripwire: a new detail template in the checker needs a Chinese pattern in invariantsZh.ts.
    expect([...read('src/check/invariants.ts').matchAll(/detail:/g)].length).toBe(15);
    const samples = [
      'two leaders in term 3: S1 and S2',
      'S5 became leader of term 5 without the entry committed at index 2 (term 2)',
      'leader S1 (term 2) overwrote or deleted entries from index 4',
      'S4 removed or overwrote its entry at index 2, which it had already committed (commitIndex 2)',
      "S2's log changed under its entry of term 3 at index 4: it now follows an entry of term 2 instead of 1",
      "S2's log changed under its entry of term 3 at index 4: the entry itself differs",
      'S1 and S2 both hold an entry of term 3 at index 4 but their logs differ just before it (terms 1 and 2)',
      'S1 and S2 both hold an entry of term 3 at index 4 but their logs differ in that entry',
      'entry at index 2 (term 2) committed in term 4 by S1 is missing from S5, leader of later term 5',
      'S2 applied an entry of term 2 at index 2 but S5 applied a different one of term 3',
      "S3's currentTerm went back from 4 to 3",
      "S3's vote in term 4 changed from S1 to S2",
      "S3's vote in term 4 changed from S1 to nobody",
      'S3 applied index 5 right after index 3',
      "S3's key-value store after applying index 5 differs from another server's at the same index",
      "S1's snapshot ends at index 6 with term 1 but S3's with term 7",
      "S3's snapshot ends at index 6 with term 7, but the entry committed at index 6 has term 1",
      'S3 restored a snapshot at index 6 whose key-value state differs from the state other servers had after applying index 6',
    ];
    for (const d of samples) {
      const zh = invariantDetailZh(d);
      expect(zh, d).toMatch(CJK);
      // No English left but the identifiers (commitIndex, currentTerm).
      expect(zh!.replace(/commitIndex|currentTerm/g, ''), d).not.toMatch(/[a-z]{4,}/);
    }
    // The real ones of the Figure 8 bug.
    const file = 'scenarios/figure-8-unsafe.yaml';
    const runner = new ScenarioRunner(parseScenario(read(file), file), {});
    runner.runToEnd();
    const violations = runner.sim.checker!.violations;
    expect(violations.length).toBeGreaterThan(1);
    for (const v of violations) expect(invariantDetailZh(v.detail), v.detail).toMatch(CJK);
    expect(invariantDetailZh('something the checker never says')).toBeNull();
  });

  it('client replies and the serializable mark are worded in Chinese; the operation keeps etcd’s syntax', () => {
    const ret = (result: string, opText = 'get x (serializable)'): TraceEvent => ({ atMs: 1, kind: 'client', phase: 'return', client: 'c1', opText, result });
    expect(whyLine(ret('ok "1"'), 5)!.text).toBe('c1 gets the reply to get x (serializable): ok "1".');
    setLocale('zh');
    expect(whyLine(ret('ok "1"'), 5)!.text).toBe('c1 收到 get x（可串行化读） 的回复：成功："1"。');
    expect(whyLine(ret('ok (absent)', 'get y'), 5)!.text).toBe('c1 收到 get y 的回复：成功（键不存在）。');
    expect(whyLine(ret('unknown', 'put x="2"'), 5)!.text).toMatch(/^c1 收到 put x="2" 的回复：结果未知/);
  });

  it('a message delayed by hand says by how long, in both languages', () => {
    const e: TraceEvent = { atMs: 1, kind: 'fault', action: 'delay message', nodes: ['S1', 'S2'], detail: '#7 by 100 ms' };
    expect(whyLine(e, 5)!.text).toBe('Message #7 from S1 to S2 was delayed by 100 ms by hand.');
    setLocale('zh');
    expect(whyLine(e, 5)!.text).toBe('从 S1 到 S2 的消息 #7 被手动延迟了 100 毫秒。');
  });
});

describe('the glossary', () => {
  it('has the Raft and etcd terms the page uses, each defined in one line in both languages with a source', () => {
    const ids = GLOSSARY.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ['term', 'currentTerm', 'votedFor', 'log', 'commitIndex', 'lastApplied', 'nextIndex', 'matchIndex', 'majority', 'RequestVote',
      'AppendEntries', 'heartbeat', 'electionTimeout', 'leader', 'follower', 'candidate', 'Progress', 'probe', 'replicate', 'inflight',
      'linearizable', 'serializable', 'revision', 'modRevision', 'createRevision', 'version', 'txn', 'cas', 'clientSession']) {
      expect(ids, id).toContain(id);
    }
    for (const g of GLOSSARY) {
      for (const lang of ['en', 'zh'] as const) {
        expect(g.term[lang].trim(), `${g.id}.term.${lang}`).not.toBe('');
        expect(g.definition[lang], `${g.id}.definition.${lang}`).not.toContain('\n');
        expect(g.source[lang], `${g.id}.source.${lang}`).toMatch(/§|Figure|图|etcd|tracker|Herlihy/);
      }
      expect(g.definition.zh, g.id).toMatch(CJK);
      expect(g.definition.en.length, g.id).toBeLessThan(240);
    }
  });

  it('links the terms of a why line, each once, whole words only', () => {
    const commit = leaderCommits(trace('figure-8-unsafe'))[0];
    const pieces = linkTerms(whyLine(commit, 5)!.text, 'en');
    const linked = pieces.filter((p) => p.term).map((p) => p.term);
    expect(linked).toEqual(expect.arrayContaining(['commitIndex', 'term', 'currentTerm', 'leader', 'commitRule', 'commitPreviousTermEntries']));
    expect(new Set(linked).size).toBe(linked.length);
    // The pieces are the sentence, cut but unchanged.
    expect(pieces.map((p) => p.text).join('')).toBe(whyLine(commit, 5)!.text);
    // "log" is not found inside prevLogIndex, nor "leader" inside leaderCommit.
    const rejected = linkTerms('S3 rejects AppendEntries from S1: my log has no entry at prevLogIndex 2; the leader’s leaderCommit', 'en');
    expect(rejected.filter((p) => p.term).map((p) => [p.term, p.text])).toEqual([
      ['AppendEntries', 'AppendEntries'], ['log', 'log'], ['prevLogIndex', 'prevLogIndex'], ['leader', 'leader'], ['leaderCommit', 'leaderCommit'],
    ]);
    // In Chinese, the Chinese words and the identifiers the sentence keeps.
    setLocale('zh');
    const zh = linkTerms(whyLine(commit, 5)!.text, 'zh').filter((p) => p.term).map((p) => p.term);
    expect(zh).toEqual(expect.arrayContaining(['commitIndex', 'term', 'currentTerm', 'commitRule', 'commitPreviousTermEntries']));
  });
});

describe('the library: one first-election lesson and a suggested path', () => {
  const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

  it('orders the lessons along the path from the first election to Figure 8, then the rest, each once', () => {
    const order = lessonOrder(bundledScenarios.keys());
    expect(order.map((o) => o.name).sort()).toEqual([...files].sort());
    expect(order.slice(0, LESSON_PATH.length).map((o) => o.name)).toEqual([...LESSON_PATH]);
    expect(order[0]).toEqual({ name: 'basic-election', step: 1 });
    expect(order[LESSON_PATH.length - 1].name).toBe('figure-8-unsafe');
    expect(order.slice(0, LESSON_PATH.length).map((o) => o.step)).toEqual(LESSON_PATH.map((_, i) => i + 1));
    expect(order.slice(LESSON_PATH.length).every((o) => o.step === null)).toBe(true);
    for (const n of LESSON_PATH) expect(files, n).toContain(n);
  });

  it('keeps one first-election lesson; its old name opens the kept one', () => {
    expect(files).not.toContain('first-election');
    const titles = files.map((f) => parseScenario(read(`scenarios/${f}.yaml`), f).title.toLowerCase());
    expect(titles.filter((t) => t.includes('first election'))).toHaveLength(1);
    expect(canonicalScenario('first-election')).toBe('basic-election');
    const run = loadRun('first-election', null);
    expect(run.ok).toBe(true);
    expect(run.name).toBe('basic-election');
  });

  it('README lists every shipped scenario and counts the lessons as there are', () => {
    const readme = read('README.md');
    const shipped = /Shipped \((\d+)\):([^]*?)\n\n/.exec(readme);
    expect(shipped, 'README has "Shipped (N): …"').not.toBeNull();
    expect(Number(shipped![1])).toBe(files.length);
    for (const f of files) expect(shipped![2], f).toContain(`\`${f}\``);
    expect(readme).toMatch(new RegExp(`\\*\\*Lessons\\*\\*: ${files.length} narrated lessons`));
  });
});
