/**
 * The "why" feed: what happened up to the cursor, newest first, one whole sentence per event with
 * its reason and the Raft paper section (votes granted and refused, AppendEntries rejected,
 * commitIndex advances, step-downs, faults, client operations, captions).
 *
 * Keyboard: the list is a single tab stop (a listbox); ↑ ↓ Home End move between its lines and
 * Enter (or Space) selects the line's server in the inspector, as a click on the line does.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { FeedLine } from '../model/frame';
import { t } from '../i18n';
import { timeText } from '../model/why';
import './feed.css';

export function EventFeed({ lines: all, onSelectServer }: { lines: FeedLine[]; onSelectServer?: (id: string) => void }) {
  const [minor, setMinor] = useState(true);
  const lines = minor ? all : all.filter((l) => !l.minor);
  const [activeKey, setActiveKey] = useState<number | null>(null);
  const listRef = useRef<HTMLOListElement | null>(null);
  const idBase = useId();
  const activeIndex = Math.max(0, activeKey === null ? 0 : lines.findIndex((l) => l.key === activeKey));
  const active = lines[activeIndex] ?? null;
  const optionId = (key: number) => `${idBase}-line-${key}`;

  // Keep the active line in view while moving with the keyboard.
  useEffect(() => {
    if (!active || document.activeElement !== listRef.current) return;
    document.getElementById(optionId(active.key))?.scrollIntoView({ block: 'nearest' });
  });

  const choose = (l: FeedLine) => {
    setActiveKey(l.key);
    if (l.node && onSelectServer) onSelectServer(l.node);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLOListElement>) => {
    if (lines.length === 0) return;
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(lines.length - 1, activeIndex + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, activeIndex - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = lines.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      if (active) choose(active);
    } else return;
    e.preventDefault();
    e.stopPropagation();
    if (next !== null) setActiveKey(lines[next].key);
  };

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
        <ol
          ref={listRef}
          className="feed-lines"
          data-testid="event-feed"
          role="listbox"
          tabIndex={0}
          aria-label={t('feed.listLabel')}
          aria-activedescendant={active ? optionId(active.key) : undefined}
          onKeyDown={onKeyDown}
        >
          {lines.map((l) => (
            <li
              key={l.key}
              id={optionId(l.key)}
              role="option"
              aria-selected={l === active}
              className={`feed-${l.kind} tone-${l.tone}${l === active ? ' feed-active' : ''}${l.node && onSelectServer ? ' feed-link' : ''}`}
              data-tone={l.tone}
              data-node={l.node ?? undefined}
              onClick={() => choose(l)}
            >
              <span className="feed-time">{timeText(l.atMs)}</span>
              <span className="feed-text">{l.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
