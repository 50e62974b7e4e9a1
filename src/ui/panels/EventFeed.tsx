/**
 * The "why" feed: what happened up to the cursor, newest first, one whole sentence per event with
 * its reason and the Raft paper section (votes granted and refused, AppendEntries rejected,
 * commitIndex advances, step-downs, faults, client operations, captions). In each sentence the
 * server it is about selects that server and the glossary's terms open their entry (WhyText); all
 * those links are one tab stop, with arrow keys between them (useRovingLinks).
 */
import { useState } from 'react';
import type { FeedLine } from '../model/frame';
import { t } from '../i18n';
import { timeText } from '../model/why';
import { useRovingLinks } from './useRovingLinks';
import { WhyText } from './WhyText';
import './feed.css';

export function EventFeed({ lines: all, onSelectServer, onTerm }: { lines: FeedLine[]; onSelectServer?: (id: string) => void; onTerm?: (id: string) => void }) {
  const [minor, setMinor] = useState(true);
  const roving = useRovingLinks<HTMLOListElement>('.feed-link');
  const lines = minor ? all : all.filter((l) => !l.minor);

  return (
    <section className="panel feed" aria-label={t('feed.title')} data-testid="why-feed">
      <div className="panel-head">
        <h2>{t('feed.title')}</h2>
        <label className="check" title={t('feed.minorTitle')}>
          <input type="checkbox" checked={minor} onChange={(e) => setMinor(e.target.checked)} data-testid="feed-minor" />
          {t('feed.minor')}
        </label>
      </div>
      {lines.length === 0 ? (
        <div className="feed-empty">{t('feed.empty')}</div>
      ) : (
        <ol className="feed-lines" data-testid="event-feed" ref={roving.ref} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus}>
          {lines.map((l) => (
            <li key={l.key} className={`feed-${l.kind} tone-${l.tone}`} data-tone={l.tone} onClick={l.node && onSelectServer ? () => onSelectServer(l.node!) : undefined}>
              <span className="feed-time">{timeText(l.atMs)}</span>
              <span className="feed-text">
                <WhyText text={l.text} onTerm={onTerm} node={l.node} onNode={onSelectServer} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
