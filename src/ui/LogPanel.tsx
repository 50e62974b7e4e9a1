/**
 * Each server's log (one box per entry, labelled and coloured by term; committed entries solid,
 * uncommitted outlined), its commitIndex, and its key-value store. Columns line up by log index
 * so matching and diverging logs can be compared at a glance.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { commandText } from '../scenario/report';
import type { ServerView } from '../sim/types';
import { darker, roleColor, termColor, textOn } from './colors';
import { t } from './strings';

/** Width of one log column: a 26 px box and a 3 px gap (see styles.css). */
const COLUMN_PX = 29;
/** How many log indexes are shown (the latest ones) before the panel has been measured. */
const DEFAULT_WINDOW = 12;

/** How many log columns fit in the element, kept up to date as it is resized. */
function useColumns(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement | null>(null);
  const [columns, setColumns] = useState(DEFAULT_WINDOW);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => setColumns(Math.max(4, Math.floor((el.clientWidth + 3) / COLUMN_PX)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, columns];
}

function LogBox({ index, term, command, committed }: { index: number; term: number; command: string; committed: boolean }) {
  const c = termColor(term);
  const style = committed
    ? { background: c, color: textOn(c), borderColor: c }
    : { background: '#ffffff', color: darker(c), borderColor: c };
  return (
    <span
      className={committed ? 'entry entry-committed' : 'entry entry-uncommitted'}
      style={style}
      data-index={index}
      data-term={term}
      title={t(committed ? 'logs.entryTitle' : 'logs.entryTitleUncommitted', { index, term, command })}
    >
      {term}
    </span>
  );
}

function Kv({ v }: { v: ServerView }) {
  if (!v.up) return <div className="kv kv-crashed">{t('kv.crashed')}</div>;
  const keys = Object.keys(v.kv.kvs).sort();
  return (
    <div className="kv" data-testid={`kv-${v.id}`}>
      <div className="kv-revision">{t('kv.revision', { revision: v.kv.revision })}</div>
      {keys.length === 0 ? (
        <div className="kv-empty">{t('kv.empty')}</div>
      ) : (
        <div className="kv-pairs">
          {keys.map((k) => {
            const kv = v.kv.kvs[k];
            return (
              <span
                key={k}
                className="kv-pair"
                title={t('kv.entryTitle', { createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version })}
              >
                {k} = {kv.value}
              </span>
            );
          })}
        </div>
      )}
    </div>
  );
}

export function LogPanel({ servers }: { servers: ServerView[] }) {
  const [headerRef, columns] = useColumns();
  const maxLen = Math.max(0, ...servers.map((s) => s.log.length));
  const first = Math.max(1, maxLen - columns + 1);
  const indexes: number[] = [];
  for (let i = first; i <= Math.max(maxLen, first); i++) indexes.push(i);
  return (
    <section className="panel logs" aria-label={t('logs.title')}>
      <h2>{t('logs.title')}</h2>
      <div className="log-grid">
        <div className="log-row log-header">
          <div className="log-who">{t('logs.index')}</div>
          <div className="log-entries" ref={headerRef}>
            {maxLen > 0 &&
              indexes.map((i) => (
                <span key={i} className="entry-index">
                  {i}
                </span>
              ))}
          </div>
          <div className="logs-hidden">{first > 1 && t('logs.hiddenBefore', { index: first })}</div>
        </div>
        {servers.map((v) => {
          const role = v.up ? v.role : 'crashed';
          const shown = v.log.slice(first - 1);
          return (
            <div key={v.id} className={`log-row log-${role}`} data-testid={`log-${v.id}`} data-commit-index={v.commitIndex}>
              <div className="log-who">
                <span className="role-dot" style={{ background: roleColor(role) }} />
                <span className="log-id">{v.id}</span>
                <div className="log-meta">{t('logs.commitIndex', { commitIndex: v.commitIndex })}</div>
              </div>
              <div className="log-entries">
                {v.log.length === 0 ? (
                  <span className="log-empty">{t('logs.empty')}</span>
                ) : (
                  shown.map((e, k) => {
                    const index = first + k;
                    return <LogBox key={index} index={index} term={e.term} command={commandText(e.command)} committed={index <= v.commitIndex} />;
                  })
                )}
              </div>
              <Kv v={v} />
            </div>
          );
        })}
      </div>
    </section>
  );
}
