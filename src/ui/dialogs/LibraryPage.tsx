/**
 * The library page: the suggested path through the lessons (first election to Figure 8) as
 * numbered steps, then every bundled lesson in that order (or by title) with its title, one-line
 * summary and the concepts it teaches (in the page's language: the scenario's `i18n.zh` for titles
 * and summaries, the concept table of i18n/conceptsZh.ts for concepts), filterable by concept;
 * then the user's own scenarios from the editor. Each can be opened, presented or copied into the
 * editor.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { validateScenario } from '../../scenario/parse';
import { Dialog } from './Dialog';
import { bundledScenarios, lessonOrder } from '../model/scenarios';
import { getLocale, t } from '../i18n';
import { conceptName } from '../i18n/words';
import type { UserScenario } from '../io/userScenarios';
import './library.css';

/** What the library shows of one scenario. */
export interface LibraryEntry {
  /** The bundled name (file name without .yaml) or the user scenario's id. */
  name: string;
  title: string;
  summary: string;
  concepts: string[];
  /** The number of `say` steps (captions), i.e. the lesson's chapters. */
  chapters: number;
  /** Its place on the suggested path (1-based), or null when it is off the path. */
  step?: number | null;
}

/** Reads a scenario's title, summary and concepts (translated when the language has them); null if it does not validate. */
export function libraryEntry(name: string, text: string, file: string, lang: string): LibraryEntry | null {
  const { scenario } = validateScenario(text, file);
  if (!scenario) return null;
  const tr = lang === 'zh' ? scenario.i18n.zh : undefined;
  return {
    name,
    title: tr?.title ?? scenario.title,
    summary: tr?.summary ?? scenario.summary,
    concepts: scenario.concepts,
    chapters: scenario.steps.filter((s) => s.kind === 'say').length,
  };
}

export interface LibraryPageProps {
  userScenarios: UserScenario[];
  /** The open run's bundled name, to mark it. */
  current: string;
  onOpen(name: string, presenter: boolean): void;
  onOpenUser(s: UserScenario, presenter: boolean): void;
  /** Copies a bundled scenario into the editor as a new user scenario. */
  onEditCopy(name: string): void;
  onEditUser(id: string): void;
  onClose(): void;
}

function Card({ entry, current, children, testId, onConcept }: { entry: LibraryEntry; current: boolean; children: ReactNode; testId: string; onConcept?(c: string): void }) {
  const step = entry.step ?? null;
  return (
    <li className={`library-card${current ? ' current' : ''}${step !== null ? ' on-path' : ''}`} data-testid={testId} data-step={step ?? undefined} id={`library-card-${entry.name}`}>
      {step !== null && <span className="library-step">{t('library.step', { n: step })}</span>}
      <h3 className="library-title">{entry.title}</h3>
      {entry.summary && <p className="library-summary">{entry.summary}</p>}
      <p className="library-meta">{t('library.chapters', { n: entry.chapters })}</p>
      {entry.concepts.length > 0 && (
        <ul className="library-concepts" aria-label={t('library.concepts')}>
          {entry.concepts.map((c) => (
            <li key={c} className="concept">
              {onConcept ? (
                <button type="button" className="concept-button" onClick={() => onConcept(c)} title={t('library.conceptTitle', { concept: conceptName(c) })}>
                  {conceptName(c)}
                </button>
              ) : (
                conceptName(c)
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="library-actions">{children}</div>
    </li>
  );
}

/** Focuses a lesson's card (its Open button) and scrolls it into view. */
function goToCard(name: string): void {
  const card = document.getElementById(`library-card-${name}`);
  card?.scrollIntoView({ block: 'nearest' });
  card?.querySelector<HTMLButtonElement>('button.btn-primary')?.focus();
}

export function LibraryPage(p: LibraryPageProps) {
  const lang = getLocale();
  const [concept, setConcept] = useState<string | null>(null);
  const [sort, setSort] = useState<'path' | 'title'>('path');
  // Teaching order: the suggested path (numbered), then the other lessons.
  const entries = useMemo(
    () =>
      lessonOrder(bundledScenarios.keys())
        .flatMap(({ name, step }): LibraryEntry[] => {
          const e = libraryEntry(name, bundledScenarios.get(name) ?? '', `scenarios/${name}.yaml`, lang);
          return e ? [{ ...e, step }] : [];
        }),
    [lang],
  );
  const path = entries.filter((e) => e.step != null);
  const sorted = useMemo(
    () => (sort === 'path' ? entries : [...entries].sort((a, b) => a.title.localeCompare(b.title, lang === 'zh' ? 'zh-CN' : 'en'))),
    [entries, sort, lang],
  );
  const users = useMemo(
    () => p.userScenarios.map((s) => ({ s, entry: s.valid ? libraryEntry(s.id, s.valid, s.file, lang) : null })),
    [p.userScenarios, lang],
  );
  const concepts = useMemo(() => {
    const count = new Map<string, number>();
    for (const e of entries) for (const c of e.concepts) count.set(c, (count.get(c) ?? 0) + 1);
    // The concepts several lessons share, most shared first; the rest are on the cards.
    return [...count.entries()].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  }, [entries]);
  const filters = concept !== null && !concepts.includes(concept) ? [...concepts, concept] : concepts;
  const shown = concept === null ? sorted : sorted.filter((e) => e.concepts.includes(concept));

  return (
    <Dialog title={t('library.title')} onClose={p.onClose} testId="library" size="full">
      <p className="dialog-text">{t('library.intro')}</p>
      <section className="library-path" aria-labelledby="library-path-title" data-testid="library-path">
        <h3 id="library-path-title" className="library-section">{t('library.pathTitle')}</h3>
        <p className="dialog-text">{t('library.pathIntro')}</p>
        <ol className="path-steps">
          {path.map((e) => (
            <li key={e.name} data-testid={`path-step-${e.name}`}>
              <button type="button" className="path-step" onClick={() => goToCard(e.name)}>
                <span className="path-number" aria-hidden="true">{e.step}</span>
                <span className="path-title">{e.title}</span>
              </button>
            </li>
          ))}
        </ol>
      </section>
      <label className="library-sort" title={t('library.sortLabelTitle')}>
        {t('library.sortLabel')}{' '}
        <select value={sort} onChange={(ev) => setSort(ev.target.value === 'title' ? 'title' : 'path')} data-testid="library-sort">
          <option value="path">{t('library.sortPath')}</option>
          <option value="title">{t('library.sortTitle')}</option>
        </select>
      </label>
      <div className="library-filter" role="group" aria-label={t('library.filterLabel')}>
        <button type="button" className={concept === null ? 'concept-filter active' : 'concept-filter'} aria-pressed={concept === null} onClick={() => setConcept(null)} data-testid="concept-all">
          {t('library.allConcepts', { n: entries.length })}
        </button>
        {filters.map((c) => (
          <button key={c} type="button" className={concept === c ? 'concept-filter active' : 'concept-filter'} aria-pressed={concept === c} onClick={() => setConcept(concept === c ? null : c)} data-testid="concept-filter" data-concept={c}>
            {conceptName(c)}
          </button>
        ))}
      </div>
      <ol className="library-grid" data-testid="library-list" data-sort={sort}>
        {shown.map((e) => (
          <Card key={e.name} entry={e} current={e.name === p.current} testId={`library-${e.name}`} onConcept={setConcept}>
            <button type="button" className="btn btn-primary btn-small" data-testid={`library-open-${e.name}`} onClick={() => p.onOpen(e.name, false)}>
              {t('library.open')}
            </button>
            <button type="button" className="btn btn-small" data-testid={`library-present-${e.name}`} onClick={() => p.onOpen(e.name, true)} title={t('library.presentTitle')}>
              {t('library.present')}
            </button>
            <button type="button" className="btn btn-small" data-testid={`library-edit-${e.name}`} onClick={() => p.onEditCopy(e.name)} title={t('library.editCopyTitle')}>
              {t('library.editCopy')}
            </button>
          </Card>
        ))}
      </ol>
      <h3 className="library-section">{t('library.yours')}</h3>
      {users.length === 0 ? (
        <p className="dialog-text">{t('library.yoursEmpty')}</p>
      ) : (
        <ul className="library-grid" data-testid="library-user-list">
          {users.map(({ s, entry }) => (
            <Card key={s.id} entry={entry ?? { name: s.id, title: s.file, summary: t('library.neverValid'), concepts: [], chapters: 0 }} current={false} testId={`library-user-${s.id}`}>
              <button type="button" className="btn btn-primary btn-small" disabled={!entry} onClick={() => p.onOpenUser(s, false)}>
                {t('library.open')}
              </button>
              <button type="button" className="btn btn-small" disabled={!entry} onClick={() => p.onOpenUser(s, true)} title={t('library.presentTitle')}>
                {t('library.present')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => p.onEditUser(s.id)}>
                {t('library.edit')}
              </button>
            </Card>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
