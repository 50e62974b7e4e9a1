/**
 * Predict mode in the scenario format: `say: { text, pause: true, ask: { question, choices,
 * answer, zh: { question, choices } } }` (docs/scenarios.md). Good input becomes a typed `ask`
 * (the answer as the index of its choice); bad input gets an error naming file, line, column and
 * key, in English and in Chinese.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, validateScenario } from '../src/scenario/parse';
import { formatReason } from '../src/scenario/reasons';
import { ScenarioError } from '../src/scenario/types';
import { REASONS_ZH } from '../src/ui/i18n/reasonsZh';

const FILE = 'scenarios/ask.yaml';

/** A one-step scenario whose say body is `body` (lines indented under `say:`). */
function withSay(...body: string[]): string {
  return ['title: Ask', 'steps:', '  - say:', ...body.map((l) => `      ${l}`), '  - run: 10', ''].join('\n');
}

function errorsOf(text: string): ScenarioError[] {
  const r = validateScenario(text, FILE);
  expect(r.scenario).toBeUndefined();
  return r.errors;
}

const GOOD = [
  'text: Will entry 2 survive?',
  'zh: 条目 2 会保留吗？',
  'pause: true',
  'ask:',
  '  question: Will the term-2 entry survive?',
  '  choices: [Yes, "No: S5 overwrites it"]',
  '  answer: "No: S5 overwrites it"',
  '  zh:',
  '    question: 任期 2 的条目会保留吗？',
  '    choices: [会, 不会：S5 会覆盖它]',
];

describe('say with ask (predict mode)', () => {
  it('parses a question with its choices, the answer as the index of its choice, and the Chinese text', () => {
    const s = parseScenario(withSay(...GOOD), FILE);
    const say = s.steps[0];
    expect(say.kind).toBe('say');
    if (say.kind !== 'say') return;
    expect(say.pause).toBe(true);
    expect(say.ask).toEqual({
      question: 'Will the term-2 entry survive?',
      choices: ['Yes', 'No: S5 overwrites it'],
      answer: 1,
      zh: { question: '任期 2 的条目会保留吗？', choices: ['会', '不会：S5 会覆盖它'] },
    });
  });

  it('the Chinese part is optional, and a say without ask has none', () => {
    const s = parseScenario(withSay(...GOOD.slice(0, 7)), FILE);
    const say = s.steps[0];
    expect(say.kind === 'say' && say.ask?.zh).toBeUndefined();
    expect(say.kind === 'say' && say.ask?.answer).toBe(1);
    const plain = parseScenario(withSay('text: Hello', 'pause: true'), FILE).steps[0];
    expect(plain.kind === 'say' && 'ask' in plain).toBe(false);
  });

  it('the bundled lessons with a question parse, each answer being one of its choices', () => {
    for (const name of ['figure-8', 'figure-8-unsafe', 'split-vote', 'stale-read']) {
      const file = `scenarios/${name}.yaml`;
      const s = parseScenario(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'), file);
      const asks = s.steps.flatMap((st) => (st.kind === 'say' && st.ask ? [st] : []));
      expect(asks.length, name).toBe(1);
      const a = asks[0].kind === 'say' ? asks[0].ask! : null;
      expect(asks[0].kind === 'say' && asks[0].pause).toBe(true);
      expect(a!.answer).toBeGreaterThanOrEqual(0);
      expect(a!.answer).toBeLessThan(a!.choices.length);
      expect(a!.zh?.choices.length).toBe(a!.choices.length);
    }
  });

  const bad: { name: string; body: string[]; line: number; key: string; en: RegExp; zh: RegExp }[] = [
    {
      name: 'an ask without pause: true',
      body: ['text: Hi', 'ask:', '  question: Q?', '  choices: [a, b]', '  answer: a'],
      line: 5, key: 'steps[0].say.pause', en: /add "pause: true"/, zh: /pause: true/,
    },
    {
      name: 'an answer that is not one of the choices',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [yes, no]', '  answer: maybe'],
      line: 9, key: 'steps[0].say.ask.answer', en: /the answer "maybe" is not one of the choices \(yes, no\)/, zh: /答案 "maybe" 不在选项/,
    },
    {
      name: 'a single choice',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [yes]', '  answer: yes'],
      line: 8, key: 'steps[0].say.ask.choices', en: /needs at least 2 choices/, zh: /至少需要 2 个选项/,
    },
    {
      name: 'a choice listed twice',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [yes, yes]', '  answer: yes'],
      line: 8, key: 'steps[0].say.ask.choices[1]', en: /"yes" is listed twice/, zh: /被列出了两次/,
    },
    {
      name: 'fewer Chinese choices than English ones',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [a, b, c]', '  answer: a', '  zh: { question: 问？, choices: [甲, 乙] }'],
      line: 10, key: 'steps[0].say.ask.zh.choices', en: /as many Chinese choices as English ones \(3\)/, zh: /中文选项的个数要和英文选项一样多（3 个）/,
    },
    {
      name: 'a missing answer',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [a, b]'],
      line: 7, key: 'steps[0].say.ask.answer', en: /missing required key "answer"/, zh: /缺少必需的键 "answer"/,
    },
    {
      name: 'an unknown key in ask',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [a, b]', '  answer: a', '  hint: think'],
      line: 10, key: 'steps[0].say.ask.hint', en: /unknown key "hint" \(expected one of: question, choices, answer, zh\)/, zh: /未知的键 "hint"/,
    },
    {
      name: 'an ask that is not a mapping',
      body: ['text: Hi', 'pause: true', 'ask: what happens next?'],
      line: 6, key: 'steps[0].say.ask', en: /must be a mapping \{ question, choices, answer, zh \}/, zh: /一个映射 \{ question, choices, answer, zh \}/,
    },
    {
      name: 'an empty question',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: ""', '  choices: [a, b]', '  answer: a'],
      line: 7, key: 'steps[0].say.ask.question', en: /must be a non-empty string/, zh: /一个非空字符串/,
    },
    {
      name: 'a choice that is not text',
      body: ['text: Hi', 'pause: true', 'ask:', '  question: Q?', '  choices: [a, [b]]', '  answer: a'],
      line: 8, key: 'steps[0].say.ask.choices[1]', en: /must be a non-empty string/, zh: /一个非空字符串/,
    },
  ];

  for (const c of bad) {
    it(`refuses ${c.name}, naming file, line and key, in English and Chinese`, () => {
      const errors = errorsOf(withSay(...c.body));
      const e = errors.find((x) => x.key === c.key);
      expect(e, errors.map((x) => x.message).join('\n')).toBeDefined();
      expect(e!.file).toBe(FILE);
      expect(e!.line).toBe(c.line);
      expect(e!.message).toMatch(new RegExp(`^scenarios/ask\\.yaml:${c.line}:\\d+: ${c.key.replace(/[.[\]]/g, '\\$&')}: `));
      expect(e!.reason).toMatch(c.en);
      expect(e!.why).not.toBeNull();
      expect(formatReason(e!.why!, REASONS_ZH)).toMatch(c.zh);
    });
  }
});
