/**
 * The glossary dialog: every term of model/glossary.ts in the page's language, grouped, each with
 * its one-line definition and source, filterable. Opened at an entry (from a why-feed term), it
 * scrolls there, marks it and moves the focus to it, so a screen reader reads it at once.
 */
import { useEffect, useState } from 'react';
import { getLocale, t, type StringId } from '../i18n';
import { GLOSSARY, type GlossaryGroup } from '../model/glossary';
import { Dialog } from './Dialog';
import './aids.css';

const GROUPS: [GlossaryGroup, StringId][] = [
  ['roles', 'glossary.group.roles'],
  ['log', 'glossary.group.log'],
  ['safety', 'glossary.group.safety'],
  ['etcdRaft', 'glossary.group.etcdRaft'],
  ['store', 'glossary.group.store'],
  ['members', 'glossary.group.members'],
];

export function Glossary({ initial, onClose }: { initial: string | null; onClose(): void }) {
  const lang = getLocale();
  const [query, setQuery] = useState('');
  // This effect runs after the Dialog's own (a child's effects run first), so its focus wins.
  useEffect(() => {
    if (!initial) return;
    const el = document.getElementById(`glossary-${initial}`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  }, [initial]);
  const q = query.trim().toLowerCase();
  const matches = (g: (typeof GLOSSARY)[number]) =>
    q === '' || [g.term[lang], g.term.en, g.definition[lang], ...g.match[lang], ...g.match.en].some((w) => w.toLowerCase().includes(q));
  const shown = GLOSSARY.filter(matches);
  return (
    <Dialog title={t('glossary.title')} onClose={onClose} testId="glossary" size="wide">
      <p className="dialog-text">{t('glossary.intro')}</p>
      <label className="glossary-filter">
        {t('glossary.filter')}{' '}
        <input type="search" value={query} placeholder={t('glossary.filterPlaceholder')} onChange={(e) => setQuery(e.target.value)} data-testid="glossary-filter" />
      </label>
      {shown.length === 0 && <p className="dialog-text">{t('glossary.none', { query })}</p>}
      {GROUPS.map(([group, title]) => {
        const entries = shown.filter((g) => g.group === group);
        if (entries.length === 0) return null;
        return (
          <section key={group} className="glossary-group" aria-labelledby={`glossary-group-${group}`}>
            <h3 id={`glossary-group-${group}`}>{t(title)}</h3>
            <dl className="glossary-list">
              {entries.map((g) => (
                <div
                  key={g.id}
                  id={`glossary-${g.id}`}
                  className={g.id === initial ? 'glossary-entry current' : 'glossary-entry'}
                  tabIndex={-1}
                  data-testid={`glossary-entry-${g.id}`}
                  aria-current={g.id === initial ? 'true' : undefined}
                >
                  <dt>{g.term[lang]}</dt>
                  <dd>
                    {g.definition[lang]}
                    <span className="glossary-source">{t('glossary.source', { source: g.source[lang] })}</span>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        );
      })}
    </Dialog>
  );
}
