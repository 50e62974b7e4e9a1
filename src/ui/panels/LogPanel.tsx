/**
 * Each server's log (one box per entry, labelled and coloured by term; committed entries solid,
 * uncommitted outlined), its commitIndex, and its key-value store. Columns line up by log index
 * so matching and diverging logs can be compared at a glance.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { commandText } from '../../scenario/report';
import type { ServerView } from '../../sim/types';
import { darker, roleColor, termColor, textOn } from '../draw/colors';
import { t } from '../i18n';
import './logs.css';

/** Width of one log column: a 26 px box and a 3 px gap (see logs.css). */
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

/** How an entry compares with the current leader's entry at the same index. */
type Conflict = 'none' | 'differs' | 'extra';

function LogBox({ index, term, command, committed, conflict }: { index: number; term: number; command: string; committed: boolean; conflict: Conflict }) {
  const c = termColor(term);
  const style = committed
    ? { background: c, color: textOn(c), borderColor: c }
    : { background: '#ffffff', color: darker(c), borderColor: c };
  const base = t(committed ? 'logs.entryTitle' : 'logs.entryTitleUncommitted', { index, term, command });
  const title = conflict === 'none' ? base : t(conflict === 'differs' ? 'logs.conflictTitle' : 'logs.extraTitle', { entry: base });
  return (
    <span
      className={`entry ${committed ? 'entry-committed' : 'entry-uncommitted'}${conflict !== 'none' ? ' entry-conflict' : ''}`}
      style={style}
      data-index={index}
      data-term={term}
      data-conflict={conflict !== 'none' ? conflict : undefined}
      title={title}
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

export function LogPanel({ servers, leaderId = null, selected = null, onSelect }: { servers: ServerView[]; leaderId?: string | null; selected?: string | null; onSelect?: (id: string) => void }) {
  const [headerRef, columns] = useColumns();
  const leader = leaderId ? servers.find((s) => s.id === leaderId) ?? null : null;
  const conflictAt = (v: ServerView, index: number, term: number): Conflict => {
    if (!leader || v.id === leader.id) return 'none';
    if (index > leader.log.length) return 'extra';
    return leader.log[index - 1].term !== term ? 'differs' : 'none';
  };
  const maxLen = Math.max(0, ...servers.map((s) => s.log.length));
  const first = Math.max(1, maxLen - columns + 1);
  const indexes: number[] = [];
  for (let i = first; i <= Math.max(maxLen, first); i++) indexes.push(i);
  return (
    <section className="panel logs" aria-label={t('logs.title')} data-testid="logs">
      <div className="panel-head">
        <h2>{t('logs.title')}</h2>
        <span className="logs-key">
          <span className="entry entry-committed mini" style={{ background: termColor(2), borderColor: termColor(2), color: '#fff' }}>2</span>
          {t('legend.committed')}
          <span className="entry entry-uncommitted mini" style={{ background: '#fff', borderColor: termColor(2), color: termColor(2) }}>2</span>
          {t('legend.uncommitted')}
          <span className="entry entry-uncommitted entry-conflict mini" style={{ background: '#fff', borderColor: termColor(3), color: termColor(3) }}>3</span>
          {leader ? t('logs.conflictKey', { leader: leader.id }) : t('logs.conflictKeyNoLeader')}
        </span>
      </div>
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
            <div key={v.id} className={`log-row log-${role}${v.id === selected ? ' log-selected' : ''}`} data-testid={`log-${v.id}`} data-commit-index={v.commitIndex}>
              <button type="button" className="log-who" onClick={onSelect ? () => onSelect(v.id) : undefined} title={t('logs.selectTitle', { id: v.id })}>
                <span className="role-dot" style={{ background: roleColor(role) }} />
                <span className="log-id">{v.id}</span>
                <span className="log-meta">{t('logs.commitIndex', { commitIndex: v.commitIndex })}</span>
                <span className="log-meta">{t('logs.lastApplied', { lastApplied: v.lastApplied })}</span>
              </button>
              <div className="log-entries">
                {v.log.length === 0 ? (
                  <span className="log-empty">{t('logs.empty')}</span>
                ) : (
                  shown.map((e, k) => {
                    const index = first + k;
                    return (
                      <LogBox
                        key={index}
                        index={index}
                        term={e.term}
                        command={commandText(e.command)}
                        committed={index <= v.commitIndex}
                        conflict={conflictAt(v, index, e.term)}
                      />
                    );
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
