/** The last few things that happened, one English line per trace event (from the CLI's timeline). */
import type { FeedLine } from './frame';
import { t } from './strings';

export function EventFeed({ lines }: { lines: FeedLine[] }) {
  return (
    <section className="panel feed" aria-label={t('feed.title')}>
      <h2>{t('feed.title')}</h2>
      {lines.length === 0 ? (
        <div className="feed-empty">{t('feed.empty')}</div>
      ) : (
        <ol className="feed-lines" data-testid="event-feed">
          {lines
            .slice()
            .reverse()
            .map((l) => (
              <li key={l.key} className={`feed-${l.kind}`}>
                {l.text}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
