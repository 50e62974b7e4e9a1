/**
 * The page's languages: `t(id, params)` gives string `id` of the current language with its
 * `{name}` placeholders filled; the dictionaries are one file per language (en.ts, zh.ts, same keys).
 */
import { en, type StringId } from './en';
import { zh } from './zh';

export type { StringId };
export type Locale = 'en' | 'zh';

const dictionaries: Record<Locale, Record<StringId, string>> = { en, zh };
let locale: Locale = 'en';

/** Whether `id` is a string id (for ids built from data, e.g. statechart events). */
export function isStringId(id: string): id is StringId {
  return Object.prototype.hasOwnProperty.call(en, id);
}

/** Switches the language of later `t` calls. */
export function setLocale(l: Locale): void {
  locale = l;
}

/** The string `id` in the current language, with `{name}` placeholders filled from `params`. */
export function t(id: StringId, params: Record<string, string | number> = {}): string {
  const text = dictionaries[locale][id] ?? en[id];
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/**
 * A count's string in the current language: `${id}.one` when the language's plural rule calls `n`
 * "one" and that string exists (English "1 action"), else `${id}.other`, else `id` itself
 * (Chinese has one form for every count). `n` is also the `{n}` placeholder unless `params` sets it.
 */
export function tn(id: string, n: number, params: Record<string, string | number> = {}): string {
  const category = new Intl.PluralRules(locale === 'zh' ? 'zh-CN' : 'en').select(n);
  const candidates = [`${id}.${category}`, `${id}.other`, id];
  const found = candidates.find(isStringId);
  return found ? t(found, { n, ...params }) : id;
}

/** The current language. */
export function getLocale(): Locale {
  return locale;
}

const LANG_KEY = 'raftsim.lang';

/** The remembered language, else the browser's (zh* gives Chinese), else English. */
export function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(LANG_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // storage unavailable
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language ?? '' : '';
  return /^zh/i.test(nav) ? 'zh' : 'en';
}

/** Remembers the chosen language. */
export function saveLocale(l: Locale): void {
  try {
    window.localStorage.setItem(LANG_KEY, l);
  } catch {
    // storage unavailable
  }
}
