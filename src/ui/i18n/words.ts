/**
 * Words that come from data rather than from the dictionaries, in the page's language: a scenario
 * step's keyword (the status line), a library concept, a safety property and its detail (the
 * checker's English), a scenario caption. Each falls back to the data as written.
 */
import { conceptZh } from './conceptsZh';
import { getLocale, isStringId, t } from './index';
import { invariantDetailZh, PROPERTIES_ZH } from './invariantsZh';

/**
 * A scenario step's kind as the status line names it: the YAML keyword in English ("say",
 * "wait"), a word in Chinese ("旁白", "等待"); an unknown kind as written.
 */
export function stepKindName(kind: string): string {
  const id = `stepKind.${kind}`;
  return isStringId(id) ? t(id) : kind;
}

/** A library concept in the page's language (the scenario's English name is the key). */
export function conceptName(concept: string): string {
  return getLocale() === 'zh' ? conceptZh(concept) : concept;
}

/** A safety property's name in the page's language (the paper's English name in English). */
export function propertyName(property: string): string {
  return getLocale() === 'zh' ? PROPERTIES_ZH[property] ?? property : property;
}

/** The checker's detail of a violation in the page's language (English when no template matches). */
export function violationDetail(detail: string): string {
  return getLocale() === 'zh' ? invariantDetailZh(detail) ?? detail : detail;
}

/** A caption's text in the page's language: its `zh` in Chinese when it has one. */
export function captionText(c: { text: string; zh?: string }): string {
  return getLocale() === 'zh' && c.zh ? c.zh : c.text;
}
