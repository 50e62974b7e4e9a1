/** The client panel: put / get / delete / cas to the leader or a chosen server, with the replies. */
import { useState } from 'react';
import type { ClientOpSpec } from '../../sim/client';
import type { HistoryRecord } from '../../sim/types';
import { t } from '../i18n';
import { timeText } from '../model/why';
import type { IssuedOp, IssuedState } from '../model/workbench';
import { Dialog } from './Dialog';

type OpKind = ClientOpSpec['op'];

function replyText(r: HistoryRecord): string {
  if (r.result === 'unknown') return t('client.reply.unknown');
  if (r.result === 'fail') {
    if (r.op === 'cas') return t('client.reply.casFailed');
    return t('client.reply.fail');
  }
  const resp = r.response as { revision?: number; deleted?: number } | undefined;
  switch (r.op) {
    case 'get': return r.value === null || r.value === undefined ? t('client.reply.getAbsent', { key: r.key }) : t('client.reply.get', { key: r.key, value: r.value });
    case 'put': return t('client.reply.put', { revision: resp?.revision ?? '?' });
    case 'delete': return t('client.reply.delete', { deleted: resp?.deleted ?? 0 });
    case 'cas': return t('client.reply.casOk', { revision: resp?.revision ?? '?' });
  }
}

function opText(spec: ClientOpSpec): string {
  switch (spec.op) {
    case 'put': return t('client.op.put', { key: spec.key, value: spec.value });
    case 'get': return t('client.op.get', { key: spec.key });
    case 'delete': return t('client.op.delete', { key: spec.key });
    case 'cas': return spec.from === null ? t('client.op.casAbsent', { key: spec.key, to: spec.to }) : t('client.op.cas', { key: spec.key, from: spec.from, to: spec.to });
  }
}

function stateText(s: IssuedState): string {
  if (s.kind === 'future') return t('client.state.future');
  if (s.kind === 'waiting') return t('client.state.waiting');
  return replyText(s.record);
}

export function ClientPanel({ clients, servers, leaderId, initialVia, issued, inPast, onSend, onClose }: {
  clients: string[];
  servers: string[];
  leaderId: string | null;
  initialVia: string | null;
  issued: { op: IssuedOp; state: IssuedState }[];
  inPast: boolean;
  onSend(client: string, spec: ClientOpSpec, via: string | null): void;
  onClose(): void;
}) {
  const [client, setClient] = useState(clients[0] ?? '');
  const [op, setOp] = useState<OpKind>('put');
  const [key, setKey] = useState('x');
  const [value, setValue] = useState('1');
  const [from, setFrom] = useState('');
  const [via, setVia] = useState(initialVia ?? '');
  const spec: ClientOpSpec | null = !key.trim()
    ? null
    : op === 'put'
      ? { op, key: key.trim(), value }
      : op === 'get'
        ? { op, key: key.trim() }
        : op === 'delete'
          ? { op, key: key.trim() }
          : { op, key: key.trim(), from: from === '' ? null : from, to: value };
  return (
    <Dialog title={t('client.panelTitle')} onClose={onClose} testId="client-panel" wide>
      <p className="dialog-text">{t('client.help')}</p>
      <div className="form-grid">
        <label>
          {t('client.client')}
          <select value={client} onChange={(e) => setClient(e.target.value)} data-testid="client-name">
            {clients.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('client.operation')}
          <select value={op} onChange={(e) => setOp(e.target.value as OpKind)} data-testid="client-op">
            <option value="put">put</option>
            <option value="get">get</option>
            <option value="delete">delete</option>
            <option value="cas">cas</option>
          </select>
        </label>
        <label>
          {t('client.key')}
          <input value={key} onChange={(e) => setKey(e.target.value)} data-testid="client-key" />
        </label>
        {op === 'cas' && (
          <label title={t('client.fromTitle')}>
            {t('client.from')}
            <input value={from} placeholder={t('client.fromPlaceholder')} onChange={(e) => setFrom(e.target.value)} data-testid="client-from" />
          </label>
        )}
        {(op === 'put' || op === 'cas') && (
          <label>
            {op === 'cas' ? t('client.to') : t('client.value')}
            <input value={value} onChange={(e) => setValue(e.target.value)} data-testid="client-value" />
          </label>
        )}
        <label>
          {t('client.target')}
          <select value={via} onChange={(e) => setVia(e.target.value)} data-testid="client-target">
            <option value="">{leaderId ? t('client.toLeaderKnown', { id: leaderId }) : t('client.toLeader')}</option>
            {servers.map((s) => (
              <option key={s} value={s}>
                {t('client.viaServer', { id: s })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {inPast && <p className="menu-note">{t('menu.forkNote')}</p>}
      <div className="button-row">
        <button type="button" className="btn btn-primary" data-testid="client-send" disabled={!spec || !client} onClick={() => spec && onSend(client, spec, via || null)}>
          {t('client.send')}
        </button>
      </div>
      <h3 className="inspector-sub">{t('client.replies')}</h3>
      {issued.length === 0 ? (
        <p className="inspector-note">{t('client.none')}</p>
      ) : (
        <table className="grid-table" data-testid="client-replies">
          <thead>
            <tr>
              <th>{t('client.col.when')}</th>
              <th>{t('client.col.client')}</th>
              <th>{t('client.col.op')}</th>
              <th>{t('client.col.reply')}</th>
            </tr>
          </thead>
          <tbody>
            {issued
              .slice()
              .reverse()
              .map(({ op: o, state }) => (
                <tr key={o.id} data-state={state.kind} data-result={state.kind === 'done' ? state.record.result : undefined}>
                  <td>{timeText(o.issuedMs)}</td>
                  <td>{o.via ? t('client.viaShort', { client: o.client, via: o.via }) : o.client}</td>
                  <td className="mono">{opText(o.spec)}</td>
                  <td>{stateText(state)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
