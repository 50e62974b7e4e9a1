/**
 * The library page: every bundled lesson with its title, one-line summary and the concepts it
 * teaches (in the page's language where the scenario gives a translation), filterable by concept;
 * then the user's own scenarios from the editor. Each can be opened, presented or copied into the
 * editor.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { validateScenario } from '../../scenario/parse';
import { Dialog } from './Dialog';
import { bundledScenarios } from '../model/scenarios';
import { getLocale, t } from '../i18n';
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
  return (
    <li className={current ? 'library-card current' : 'library-card'} data-testid={testId}>
      <h3 className="library-title">{entry.title}</h3>
      {entry.summary && <p className="library-summary">{entry.summary}</p>}
      <p className="library-meta">{t('library.chapters', { n: entry.chapters })}</p>
      {entry.concepts.length > 0 && (
        <ul className="library-concepts" aria-label={t('library.concepts')}>
          {entry.concepts.map((c) => (
            <li key={c} className="concept">
              {onConcept ? (
                <button type="button" className="concept-button" onClick={() => onConcept(c)} title={t('library.conceptTitle', { concept: c })}>
                  {c}
                </button>
              ) : (
                c
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="library-actions">{children}</div>
    </li>
  );
}

export function LibraryPage(p: LibraryPageProps) {
  const lang = getLocale();
  const [concept, setConcept] = useState<string | null>(null);
  const entries = useMemo(
    () => [...bundledScenarios.entries()].map(([name, text]) => libraryEntry(name, text, `scenarios/${name}.yaml`, lang)).filter((e): e is LibraryEntry => e !== null),
    [lang],
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
  const shown = concept === null ? entries : entries.filter((e) => e.concepts.includes(concept));

  return (
    <Dialog title={t('library.title')} onClose={p.onClose} testId="library" size="full">
      <p className="dialog-text">{t('library.intro')}</p>
      <div className="library-filter" role="group" aria-label={t('library.filterLabel')}>
        <button type="button" className={concept === null ? 'concept-filter active' : 'concept-filter'} aria-pressed={concept === null} onClick={() => setConcept(null)} data-testid="concept-all">
          {t('library.allConcepts', { n: entries.length })}
        </button>
        {filters.map((c) => (
          <button key={c} type="button" className={concept === c ? 'concept-filter active' : 'concept-filter'} aria-pressed={concept === c} onClick={() => setConcept(concept === c ? null : c)} data-testid="concept-filter">
            {c}
          </button>
        ))}
      </div>
      <ul className="library-grid" data-testid="library-list">
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
      </ul>
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
