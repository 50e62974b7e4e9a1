/**
 * The KV panel: one server's keys with their leases and a countdown (ms of the leader's simulated
 * clock), the leases, and the revision history of a selected key (createRevision, modRevision,
 * version, tombstones; what compaction discards disappears from it).
 */
import { useId, useState } from 'react';
import { t } from '../i18n';
import { countdownText, kvHistory, kvView, watchedRange, type KvLeaseRow, type KvSource, type KvWatcherRow } from './kvView';

/** A lease's time left (`—` without a lease, "held" when no lessor counts it, "expired" at 0), shared with the inspector. */
export function Countdown({ ms, ttlSeconds }: { ms: number | null | undefined; ttlSeconds?: number }) {
  if (ms === undefined) return <span>—</span>;
  if (ms === null) return <span className="kv-countdown" title={t('kvp.heldTitle')}>{t('kvp.held')}</span>;
  if (ms <= 0) return <span className="kv-countdown soon">{t('kvp.expired')}</span>;
  const soon = ttlSeconds !== undefined ? ms < Math.min(3000, ttlSeconds * 1000 * 0.34) : ms < 3000;
  return (
    <span className={soon ? 'kv-countdown soon' : 'kv-countdown'} data-testid="kv-countdown">
      {countdownText(ms)}
    </span>
  );
}

/**
 * @param leaderId  the server shown until another is chosen (the leader), or null for the first
 * @param markLeader  whether to mark `leaderId` as the leader in the server list
 */
export function KvPanel({ source, leaderId, markLeader }: { source: KvSource; leaderId: string | null; markLeader: boolean }) {
  const ids = useId();
  const servers = source.servers();
  const [chosen, setChosen] = useState<string>('');
  const server = chosen && servers.includes(chosen) ? chosen : leaderId ?? servers[0] ?? '';
  const [selected, setSelected] = useState<string | null>(null);
  const view = server ? kvView(source, server) : null;
  const history = selected !== null && server ? kvHistory(source, server, selected) : [];
  const historyLeases = history.some((h) => h.kv?.lease !== undefined);
  const leaseTtl = new Map((view?.leases ?? []).map((l) => [l.id, l.ttlSeconds]));
  const titleId = `${ids}-title`;
  return (
    <section className="panel kv-panel" aria-labelledby={titleId} data-testid="kv-panel">
      <div className="panel-head">
        <h2 id={titleId}>{t('kvp.title')}</h2>
        <label className="etcd-pick">
          {t('kvp.server')}
          <select value={server} onChange={(e) => setChosen(e.target.value)} data-testid="kv-server">
            {servers.map((s) => (
              <option key={s} value={s}>
                {markLeader && s === leaderId ? t('kvp.serverLeader', { id: s }) : s}
              </option>
            ))}
          </select>
        </label>
        {view && (
          <span className="etcd-help" data-testid="kv-revision">
            {view.compactRevision > 0 ? t('kvp.revisionCompacted', { revision: view.revision, compacted: view.compactRevision }) : t('kvp.revision', { revision: view.revision })}
          </span>
        )}
      </div>
      <div className="kv-scroll">
        {!view ? (
          <p className="inspector-note">{t('kv.crashed')}</p>
        ) : view.keys.length === 0 ? (
          <p className="inspector-note">{t('kv.empty')}</p>
        ) : (
          <table className="grid-table" data-testid="kv-keys">
            <caption className="visually-hidden">{t('kvp.keysCaption', { server })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('inspect.key')}</th>
                <th scope="col">{t('inspect.value')}</th>
                <th scope="col">version</th>
                <th scope="col">lease</th>
                <th scope="col">{t('kvp.timeLeft')}</th>
              </tr>
            </thead>
            <tbody>
              {view.keys.map(({ kv, remainingMs }) => (
                <tr key={kv.key} data-selected={selected === kv.key ? '1' : undefined} data-key={kv.key}>
                  <td>
                    <button type="button" className="kv-key" aria-pressed={selected === kv.key} onClick={() => setSelected(selected === kv.key ? null : kv.key)} title={t('kvp.historyTitle', { key: kv.key })}>
                      {kv.key}
                    </button>
                  </td>
                  <td className="mono">{kv.value}</td>
                  <td>{kv.version}</td>
                  <td className="mono">{kv.lease ?? '—'}</td>
                  <td>
                    <Countdown ms={remainingMs} ttlSeconds={kv.lease ? leaseTtl.get(kv.lease) : undefined} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {view && view.leases.length > 0 && (
          <>
            <h3 className="inspector-sub">{t('kvp.leases')}</h3>
            <LeasesTable leases={view.leases} testId="kv-leases" />
          </>
        )}
        {view && view.watchers.length > 0 && (
          <>
            <h3 className="inspector-sub">{t('kvp.watchersOn', { server })}</h3>
            <WatchersTable watchers={view.watchers} testId="kv-watchers" />
          </>
        )}
        {selected !== null && (
          <>
            <h3 className="inspector-sub">{t('kvp.historyOf', { key: selected })}</h3>
            {history.length === 0 ? (
              <p className="inspector-note">{t('kvp.noHistory')}</p>
            ) : (
              <table className="grid-table" data-testid="kv-history">
                <thead>
                  <tr>
                    <th scope="col">revision</th>
                    <th scope="col">{t('kvp.event')}</th>
                    <th scope="col">{t('inspect.value')}</th>
                    <th scope="col">createRevision</th>
                    <th scope="col">modRevision</th>
                    <th scope="col">version</th>
                    {historyLeases && <th scope="col">lease</th>}
                  </tr>
                </thead>
                <tbody>
                  {history.map((h) => (
                    <tr key={`${h.revision}.${h.sub}`} className={h.kv ? undefined : 'kv-tomb'} data-revision={h.revision}>
                      <td>{h.sub > 0 ? `${h.revision}.${h.sub}` : h.revision}</td>
                      <td>{h.kv ? 'PUT' : t('kvp.tombstone')}</td>
                      <td className="mono">{h.kv ? h.kv.value : '—'}</td>
                      <td>{h.kv ? h.kv.createRevision : '—'}</td>
                      <td>{h.kv ? h.kv.modRevision : h.revision}</td>
                      <td>{h.kv ? h.kv.version : 0}</td>
                      {historyLeases && <td className="mono">{h.kv?.lease ?? '—'}</td>}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {view && view.compactRevision > 0 && <p className="inspector-note">{t('kvp.compactedNote', { revision: view.compactRevision })}</p>}
          </>
        )}
      </div>
    </section>
  );
}

/** A server's leases (ID in hex, granted TTL, time left on the leader's lessor, attached keys; etcd lessor.go): the KV panel's and the inspector's table. */
export function LeasesTable({ leases, testId }: { leases: readonly KvLeaseRow[]; testId: string }) {
  return (
    <table className="grid-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">lease</th>
          <th scope="col">TTL</th>
          <th scope="col">{t('kvp.timeLeft')}</th>
          <th scope="col">{t('kvp.attached')}</th>
        </tr>
      </thead>
      <tbody>
        {leases.map((l) => (
          <tr key={l.id} data-lease={l.id}>
            <td className="mono">{l.id}</td>
            <td>{t('kvp.seconds', { n: l.ttlSeconds })}</td>
            <td>
              <Countdown ms={l.remainingMs} ttlSeconds={l.ttlSeconds} />
            </td>
            <td className="mono">{l.keys.join(' ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The watchers on a server's WatchHub (what each watches, from which revision, the next one due, for which client; etcd mvcc watchable store): the KV panel's and the inspector's table. */
export function WatchersTable({ watchers, testId }: { watchers: readonly KvWatcherRow[]; testId: string }) {
  return (
    <table className="grid-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">watch ID</th>
          <th scope="col">{t('kvp.watches')}</th>
          <th scope="col">{t('inspect.fromRevision')}</th>
          <th scope="col">{t('kvp.nextRevision')}</th>
          <th scope="col">{t('inspect.watchClient')}</th>
        </tr>
      </thead>
      <tbody>
        {watchers.map((w) => (
          <tr key={w.watchId}>
            <td>{w.watchId}</td>
            <td className="mono">{watchedRange(w)}</td>
            <td>{w.startRevision > 0 ? w.startRevision : t('inspect.fromNow')}</td>
            <td>{w.nextRevision}</td>
            <td>{w.client ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
