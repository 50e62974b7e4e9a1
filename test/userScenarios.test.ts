/**
 * The user's scenarios in browser storage: every keystroke's text is kept as the draft, only a
 * valid text becomes the last valid version, and damaged storage is reported, never thrown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../src/scenario/parse';
import {
  STORAGE_KEY, applyEdit, blankScenarioYaml, loadUserScenarios, newUserScenario, saveUserScenarios, uniqueFile, type KeyValueStorage,
} from '../src/ui/io/userScenarios';

/** A Map-backed stand-in for localStorage; `full` makes setItem throw as a full quota does. */
function fakeStorage(full = false): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      if (full) throw new Error('QuotaExceededError: the quota has been exceeded');
      data.set(k, v);
    },
  };
}

const lesson = readFileSync(new URL('../scenarios/leader-crash.yaml', import.meta.url), 'utf8');

describe('user scenarios', () => {
  it('a valid edit becomes the last valid version', () => {
    const { scenario: s, errors } = newUserScenario([], 'leader-crash', lesson);
    expect(errors).toEqual([]);
    expect(s.valid).toBe(lesson);
    const edited = lesson.replace(/^seed: \d+$/m, 'seed: 99');
    expect(edited).not.toBe(lesson);
    const r = applyEdit(s, edited);
    expect(r.errors).toEqual([]);
    expect(r.scenario.draft).toBe(edited);
    expect(r.scenario.valid).toBe(edited);
  });

  it('an invalid edit keeps the draft but never replaces the last valid version', () => {
    const { scenario: s } = newUserScenario([], 'leader-crash', lesson);
    const bad = lesson.replace(/^seed:/m, 'sede:');
    const r = applyEdit(s, bad);
    expect(r.scenario.draft).toBe(bad);
    expect(r.scenario.valid).toBe(lesson);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].key).toBe('sede');
    expect(r.errors[0].line).toBe(bad.split('\n').findIndex((l) => l.startsWith('sede:')) + 1);
    expect(r.errors[0].reason).toMatch(/expected one of/);
    // A second bad edit still leaves the valid text alone.
    const worse = applyEdit(r.scenario, 'title: [');
    expect(worse.scenario.valid).toBe(lesson);
    expect(worse.scenario.draft).toBe('title: [');
  });

  it('a scenario that was never valid has no valid version', () => {
    const r = newUserScenario([], 'x', 'steps: 3');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.scenario.valid).toBe('');
  });

  it('survives a save and a reload (the storage round trip)', () => {
    const store = fakeStorage();
    const a = newUserScenario([], 'leader-crash', lesson).scenario;
    const b = applyEdit(newUserScenario([a], 'leader-crash', lesson).scenario, 'oops: [').scenario;
    expect(saveUserScenarios(store, [a, b])).toBeNull();
    const back = loadUserScenarios(store);
    expect(back.problem).toBeNull();
    expect(back.scenarios).toEqual([a, b]);
    expect(back.scenarios[1].file).toBe('leader-crash-2.yaml');
    expect(back.scenarios[1].draft).toBe('oops: [');
    expect(back.scenarios[1].valid).toBe(lesson);
  });

  it('damaged storage is reported, not thrown, and good entries are kept', () => {
    const store = fakeStorage();
    store.data.set(STORAGE_KEY, '{not json');
    const broken = loadUserScenarios(store);
    expect(broken.scenarios).toEqual([]);
    expect(broken.problem).toContain(STORAGE_KEY);
    const good = newUserScenario([], 'a', lesson).scenario;
    store.data.set(STORAGE_KEY, JSON.stringify({ scenarios: [good, { id: 'u9', file: 3 }, good] }));
    const partial = loadUserScenarios(store);
    expect(partial.scenarios).toEqual([good]);
    expect(partial.problem).toMatch(/2 damaged entries/);
    expect(loadUserScenarios(null)).toEqual({ scenarios: [], problem: null });
  });

  it('a full storage quota is reported as the reason', () => {
    expect(saveUserScenarios(fakeStorage(true), [])).toMatch(/quota/i);
    expect(saveUserScenarios(null, [])).toMatch(/not available/);
  });

  it('new scenarios get unique ids and file names', () => {
    const a = newUserScenario([], 'My lesson!', lesson).scenario;
    const b = newUserScenario([a], 'My lesson!', lesson).scenario;
    expect(a.id).not.toBe(b.id);
    expect(a.file).toBe('My-lesson.yaml');
    expect(b.file).toBe('My-lesson-2.yaml');
    expect(uniqueFile([], '///')).toBe('scenario.yaml');
  });

  it('the blank template is a valid scenario in either language', () => {
    for (const [title, say] of [['My lesson', 'Watch: "the first election"'], ['我的课程', '三台服务器以跟随者身份启动。']]) {
      const text = blankScenarioYaml(title, say);
      const { scenario, errors } = validateScenario(text, 'blank.yaml');
      expect(errors).toEqual([]);
      expect(scenario?.title).toBe(title);
      expect(scenario?.steps[0]).toMatchObject({ kind: 'say', text: say });
    }
  });
});
