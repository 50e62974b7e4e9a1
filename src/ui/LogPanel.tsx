/**
 * Each server's log (one box per entry, labelled and coloured by term; committed entries solid,
 * uncommitted outlined), its commitIndex, and its key-value store. Columns line up by log index
 * so matching and diverging logs can be compared at a glance.
 */
import { commandText } from '../scenario/report';
import type { ServerView } from '../sim/types';
import { darker, roleColor, termColor, textOn } from './colors';
import { t } from './strings';

/** How many log indexes are shown (the latest ones). */
const WINDOW = 16;

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
  const maxLen = Math.max(0, ...servers.map((s) => s.log.length));
  const first = Math.max(1, maxLen - WINDOW + 1);
  const indexes: number[] = [];
  for (let i = first; i <= Math.max(maxLen, first); i++) indexes.push(i);
  return (
    <section className="panel logs" aria-label={t('logs.title')}>
      <h2>{t('logs.title')}</h2>
      {first > 1 && <div className="logs-hidden">{t('logs.hiddenBefore', { index: first })}</div>}
      <div className="log-grid">
        <div className="log-row log-header">
          <div className="log-who">{t('logs.index')}</div>
          <div className="log-entries">
            {maxLen > 0 &&
              indexes.map((i) => (
                <span key={i} className="entry-index">
                  {i}
                </span>
              ))}
          </div>
          <div />
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
