/**
 * Counts through the i18n layer (`tn` in src/ui/i18n/index.ts): the language's plural rule picks
 * the string, so English says "1 action" and "2 actions", Chinese has one form for every count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setLocale, tn } from '../src/ui/i18n';

describe('plurals', () => {
  afterEach(() => setLocale('en'));

  it('English: one form for 1, another for 0 and 2', () => {
    setLocale('en');
    expect(tn('branch.meta', 1, { actions: 1, frontier: '5 ms' })).toBe('1 action · computed up to 5 ms');
    expect(tn('branch.meta', 2, { actions: 2, frontier: '5 ms' })).toBe('2 actions · computed up to 5 ms');
    expect(tn('branch.meta', 0, { actions: 0, frontier: '5 ms' })).toBe('0 actions · computed up to 5 ms');
  });

  it('Chinese: the same form for every count', () => {
    setLocale('zh');
    expect(tn('branch.meta', 1, { actions: 1, frontier: '5 毫秒' })).toBe('1 个操作 · 已计算到 5 毫秒');
    expect(tn('branch.meta', 2, { actions: 2, frontier: '5 毫秒' })).toBe('2 个操作 · 已计算到 5 毫秒');
    expect(tn('flow.freePlayDetails', 3, { time: '0 毫秒' })).toBe('自 0 毫秒 起自由探索：课程余下的 3 个步骤跳过，不再检查。');
  });
});
