/**
 * Scenario errors in Chinese: every reason id and every schema phrase has a translation, and the
 * errors of many broken scenarios read as Chinese with their names and keys kept as written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../src/scenario/parse';
import { REASONS_EN, formatReason, type ReasonId } from '../src/scenario/reasons';
import { ScenarioRunner } from '../src/scenario/runner';
import { scenarioSchema } from '../src/scenario/schema';
import { parseScenario } from '../src/scenario/parse';
import { REASONS_ZH } from '../src/ui/i18n/reasonsZh';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every `x-expected` phrase in the schema. */
function schemaPhrases(): string[] {
  const out = new Set<string>();
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'x-expected' && typeof v === 'string') out.add(v);
        walk(v);
      }
    }
  };
  walk(scenarioSchema);
  return [...out];
}

/** Broken versions of the library's scenarios: each line's value or key changed in a few ways. */
function brokenScenarios(): { file: string; text: string }[] {
  const muts: ((l: string) => string)[] = [
    (l) => l.replace(/: .*$/, ': true'),
    (l) => l.replace(/: .*$/, ': [1, 2]'),
    (l) => l.replace(/: .*$/, ': -5'),
    (l) => l.replace(/^(\s*-?\s*)(\w+)/, '$1$2x'),
    (l) => l.replace(/S1/g, 'S9'),
  ];
  const out: { file: string; text: string }[] = [];
  for (const file of readdirSync(new URL('../scenarios', import.meta.url)).filter((f) => f.endsWith('.yaml')).slice(0, 6)) {
    const lines = readFileSync(new URL(`../scenarios/${file}`, import.meta.url), 'utf8').split('\n');
    lines.forEach((_, i) => {
      for (const m of muts) {
        const c = [...lines];
        c[i] = m(c[i]);
        out.push({ file, text: c.join('\n') });
      }
    });
  }
  return out;
}

describe('scenario errors in Chinese', () => {
  it('every reason has a Chinese template with the same placeholders', () => {
    for (const id of Object.keys(REASONS_EN) as ReasonId[]) {
      expect(REASONS_ZH.templates[id], id).toBeTruthy();
      expect(placeholders(REASONS_ZH.templates[id]), id).toEqual(placeholders(REASONS_EN[id]));
    }
  });

  it('every phrase the schema uses in "must be …" has a Chinese translation', () => {
    const missing = schemaPhrases().filter((p) => !(p in (REASONS_ZH.phrases ?? {})));
    expect(missing).toEqual([]);
  });

  it('an unknown key, a wrong value and too many servers read as Chinese, names kept', () => {
    const base = readFileSync(new URL('../scenarios/leader-crash.yaml', import.meta.url), 'utf8');
    const [unknown] = validateScenario(base.replace(/^seed:/m, 'seeed:'), 'a.yaml').errors;
    expect(formatReason(unknown.why!, REASONS_ZH)).toBe(
      '未知的键 "seeed"（应为以下之一：title, description, i18n, summary, concepts, seed, cluster, clients, replay, steps）；你是不是想写 "seed"？',
    );
    const [nodes] = validateScenario(base.replace(/nodes: \d+/, 'nodes: fivee'), 'a.yaml').errors;
    expect(formatReason(nodes.why!, REASONS_ZH)).toBe('应为 1 到 9 之间的数目，或由 1 到 9 个服务器名字组成的列表（实际为 "fivee"）');
    const [many] = validateScenario(base.replace(/nodes: \d+/, 'nodes: [A, B, C, D, E, F, G, H, I, J]'), 'a.yaml').errors;
    expect(formatReason(many.why!, REASONS_ZH)).toBe('服务器太多：10 个（最多 9 个）');
    // The English text is the same reason formatted with the English templates.
    expect(formatReason(many.why!)).toBe(many.reason);
  });

  it('the errors of many broken scenarios all read as Chinese, with every placeholder filled', () => {
    const cases = brokenScenarios();
    let seen = 0;
    const ids = new Set<string>();
    for (const { file, text } of cases) {
      for (const e of validateScenario(text, file).errors) {
        seen++;
        expect(e.why, e.message).not.toBeNull();
        ids.add(e.why!.id);
        const zh = formatReason(e.why!, REASONS_ZH);
        expect(zh, e.message).toMatch(/[\u4e00-\u9fff]/);
        expect(zh, e.message).not.toMatch(/\{\w+\}/);
        expect(formatReason(e.why!), e.message).toBe(e.reason);
      }
    }
    expect(seen).toBeGreaterThan(500);
    expect(ids.size).toBeGreaterThan(8);
  });

  it('a failed step says why in Chinese too: failed checks, a timed-out wait, a client expect', () => {
    const run = (steps: string) => {
      const text = `title: t\nseed: 1\ncluster: { nodes: 3 }\nclients: [c1]\nsteps:\n${steps}`;
      const r = new ScenarioRunner(parseScenario(text, 't.yaml'), { seed: 1 });
      r.runToEnd();
      const f = r.failure!;
      expect(f.why).toBeDefined();
      expect(formatReason(f.why!)).toBe(f.message);
      // The trace's step event carries the same reason (the event feed shows it).
      const ev = r.sim.trace.find((e) => e.kind === 'step' && !e.ok);
      expect(ev && ev.kind === 'step' ? ev.why : undefined).toEqual(f.why);
      return formatReason(f.why!, REASONS_ZH);
    };
    expect(run('  - wait: { for: leader, withinMs: 2000 }\n  - expect: { leader: none, term: { S1: 7 } }\n')).toMatch(
      /^预期没有领导者，但 S\d 是任期 1 的领导者；预期 S1 处于任期 7，但它处于任期 1$/,
    );
    expect(run('  - crash: [S1, S2]\n  - wait: { for: leader, withinMs: 500 }\n')).toBe('超时：到 500 ms 时仍未满足“S1, S2, S3 中有一个领导者”');
    expect(run('  - put: { key: x, value: "1", expect: { result: fail } }\n')).toBe('put x → ok：预期结果为 fail，实际为 ok');
  });
});
