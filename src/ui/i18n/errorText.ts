/**
 * Error texts in the page's language. A scenario error keeps its reason as data (see
 * src/scenario/reasons.ts), so it is shown in Chinese too; other errors show their message.
 */
import { formatReason, type Reason } from '../../scenario/reasons';
import { ScenarioError } from '../../scenario/types';
import { REASONS_ZH } from './reasonsZh';
import { getLocale } from './index';

/** A reason (a scenario error's, a failed step's) in the current language. */
export function localReason(why: Reason): string {
  return getLocale() === 'zh' ? formatReason(why, REASONS_ZH) : formatReason(why);
}

/** Why a scenario is invalid, in the current language (English where no translation exists). */
export function reasonText(e: ScenarioError): string {
  return e.why ? localReason(e.why) : e.reason;
}

/** "file:line:column: key: reason" with the reason in the current language; other errors: their message. */
export function errorText(e: unknown): string {
  if (e instanceof ScenarioError) return `${e.file}:${e.line}:${e.column}: ${e.key ? `${e.key}: ` : ''}${reasonText(e)}`;
  return e instanceof Error ? e.message : String(e);
}
