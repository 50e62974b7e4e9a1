/**
 * Each server's log (one box per entry, labelled and coloured by term; committed entries solid,
 * uncommitted outlined), its commitIndex, and its key-value store. Columns line up by log index
 * so matching and diverging logs can be compared at a glance. A compacted prefix (Raft paper §7:
 * the entries are in the snapshot) is drawn as hatched cells and said in words; a ConfChange entry
 * (etcd raft EntryConfChangeV2) is marked and its title says what it changes.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { commandText } from '../../scenario/report';
import type { ServerView } from '../../sim/types';
import { darker, termColor, textOn } from '../draw/colors';
import { roleStyle, type StyledRole } from '../draw/roles';
import { t } from '../i18n';
import { entryAt, lastLogIndex } from '../model/logView';
import { confChangeText } from '../model/why';
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

function LogBox({ index, entry, committed, conflict }: { index: number; entry: ServerView['log'][number]; committed: boolean; conflict: Conflict }) {
  const term = entry.term;
  const c = termColor(term);
  const style = committed
    ? { background: c, color: textOn(c), borderColor: c }
    : { background: '#ffffff', color: darker(c), borderColor: c };
  const command = entry.confChange ? t('logs.confChangeCommand', { change: confChangeText(entry.confChange) }) : commandText(entry.command);
  const base = t(committed ? 'logs.entryTitle' : 'logs.entryTitleUncommitted', { index, term, command });
  const title = conflict === 'none' ? base : t(conflict === 'differs' ? 'logs.conflictTitle' : 'logs.extraTitle', { entry: base });
  return (
    <span
      className={`entry ${committed ? 'entry-committed' : 'entry-uncommitted'}${conflict !== 'none' ? ' entry-conflict' : ''}${entry.confChange ? ' entry-conf' : ''}`}
      style={style}
      data-index={index}
      data-term={term}
      data-conflict={conflict !== 'none' ? conflict : undefined}
      data-conf-change={entry.confChange ? '1' : undefined}
      title={title}
    >
      {term}
    </span>
  );
}

/** A column whose entry this server compacted away: it is in the snapshot (Raft paper §7). */
function CompactedBox({ index, snapshotIndex }: { index: number; snapshotIndex: number }) {
  return <span className="entry entry-compacted" data-index={index} title={t('logs.compactedTitle', { index, snapshotIndex })} />;
}

/** A server's role as a small copy of its ring circle: the role's fill, outline and dash (roles.ts). */
function RoleDot({ role }: { role: StyledRole }) {
  const s = roleStyle(role);
  return (
    <svg className="role-dot" width="16" height="16" viewBox="-10 -10 20 20" aria-hidden="true" data-dot-role={role}>
      <circle r={7.5} fill={s.fill} stroke={s.stroke} strokeWidth={Math.min(3, s.strokeWidth * 0.7)} strokeDasharray={s.dash ? '3 2' : undefined} />
      {s.icon === 'crown' && <path d="M-5,2.5L-5.5,-3.5L-2.5,-0.5L0,-5L2.5,-0.5L5.5,-3.5L5,2.5Z" fill="#ffd43b" />}
      {s.icon === 'cross' && <path d="M-4,-4L4,4M-4,4L4,-4" stroke="#e03131" strokeWidth={2.2} strokeLinecap="round" />}
    </svg>
  );
}

/** A spare that has not started: an empty dotted circle (roles.ts MEMBER_STYLES.spare). */
function SpareDot() {
  return (
    <svg className="role-dot" width="16" height="16" viewBox="-10 -10 20 20" aria-hidden="true" data-dot-role="spare">
      <circle r={7.5} fill="#e9ecef" stroke="#868e96" strokeWidth={1.8} strokeDasharray="1.5 2.5" />
    </svg>
  );
}

function Kv({ v }: { v: ServerView }) {
  if (!v.up) return <div className="kv kv-crashed">{v.membership === 'spare' ? t('kv.notStarted') : t('kv.crashed')}</div>;
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
    if (index > lastLogIndex(leader)) return 'extra';
    const theirs = entryAt(leader, index);
    // Below the leader's log start the entry is in its snapshot: committed, so no conflict to show.
    return theirs && theirs.term !== term ? 'differs' : 'none';
  };
  const maxLen = Math.max(0, ...servers.map(lastLogIndex));
  const first = Math.max(1, maxLen - columns + 1);
  const indexes: number[] = [];
  for (let i = first; i <= Math.max(maxLen, first); i++) indexes.push(i);
  return (
    <section className="panel logs" aria-label={t('logs.title')} data-testid="logs">
      <div className="panel-head">
        <h2>{t('logs.title')}</h2>
        <span className="logs-key">
          <span className="entry entry-committed mini" style={{ background: termColor(2), borderColor: termColor(2), color: textOn(termColor(2)) }}>2</span>
          {t('legend.committed')}
          <span className="entry entry-uncommitted mini" style={{ background: '#fff', borderColor: termColor(2), color: darker(termColor(2)) }}>2</span>
          {t('legend.uncommitted')}
          <span className="entry entry-uncommitted entry-conflict mini" style={{ background: '#fff', borderColor: termColor(3), color: darker(termColor(3)) }}>3</span>
          {leader ? t('logs.conflictKey', { leader: leader.id }) : t('logs.conflictKeyNoLeader')}
          {servers.some((v) => v.log.some((e) => e.confChange)) && (
            <>
              <span className="entry entry-committed entry-conf mini" style={{ background: termColor(2), borderColor: termColor(2), color: textOn(termColor(2)) }}>2</span>
              {t('logs.confChangeKey')}
            </>
          )}
          {servers.some((v) => v.firstIndex > 1) && (
            <>
              <span className="entry entry-compacted mini" />
              {t('logs.compactedKey')}
            </>
          )}
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
          // A spare that never started is not crashed: it has not run yet.
          const idle = v.membership === 'spare' && !v.up;
          const role = v.up || idle ? v.role : 'crashed';
          const last = lastLogIndex(v);
          const cells: number[] = [];
          for (let i = first; i <= last; i++) cells.push(i);
          const roleWord = idle ? t('members.notStarted') : v.membership === 'spare' ? t('server.member.spare') : v.membership === 'learner' ? t('server.member.learner') : v.membership === 'removed' ? t('server.member.removed', { role: t(`server.role.${role}`) }) : t(`server.role.${role}`);
          return (
            <div key={v.id} className={`log-row log-${role}${v.membership !== 'voter' ? ` log-${v.membership}` : ''}${v.id === selected ? ' log-selected' : ''}`} data-testid={`log-${v.id}`} data-commit-index={v.commitIndex}>
              <button type="button" className="log-who" onClick={onSelect ? () => onSelect(v.id) : undefined} title={t('logs.selectTitle', { id: v.id })}>
                {idle ? <SpareDot /> : <RoleDot role={role} />}
                <span className="log-id">
                  {v.id} <span className="log-role">{roleWord}</span>
                </span>
                <span className="log-meta">{t('logs.commitIndex', { commitIndex: v.commitIndex })}</span>
                <span className="log-meta">{t('logs.lastApplied', { lastApplied: v.lastApplied })}</span>
                {v.firstIndex > 1 && (
                  <span className="log-meta log-compacted" data-testid={`log-compacted-${v.id}`}>
                    {v.firstIndex === 2 ? t('logs.compactedOne') : t('logs.compacted', { last: v.firstIndex - 1 })}
                  </span>
                )}
              </button>
              <div className="log-entries">
                {last === 0 ? (
                  <span className="log-empty">{t('logs.empty')}</span>
                ) : cells.length === 0 ? null : (
                  cells.map((index) => {
                    const e = entryAt(v, index);
                    if (!e) return <CompactedBox key={index} index={index} snapshotIndex={v.snapshotIndex} />;
                    return <LogBox key={index} index={index} entry={e} committed={index <= v.commitIndex} conflict={conflictAt(v, index, e.term)} />;
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
