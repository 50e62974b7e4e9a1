/**
 * Dialogs: the partition helper (drag or click servers into group A or B), the client panel
 * (put / get / delete / cas to the leader or a chosen server, with the replies), a new custom
 * cluster (size and timing, validated by the scenario parser), and the keyboard help.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ClientOpSpec } from '../../sim/client';
import type { HistoryRecord } from '../../sim/types';
import { CUSTOM_FILE, customYaml, type CustomCluster } from '../model/scenarios';
import { parseScenario } from '../../scenario/parse';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import { timeText } from '../model/why';
import type { IssuedOp, IssuedState } from '../model/workbench';
import './dialogs.css';

/**
 * A modal dialog: a title, a close button, Escape and a click on the backdrop close it. `size`
 * 'wide' is for tables, 'full' for pages such as the library and the scenario editor.
 */
export function Dialog({ title, onClose, children, testId, wide, size }: { title: string; onClose(): void; children: ReactNode; testId: string; wide?: boolean; size?: 'wide' | 'full' }) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, button.btn-primary, button');
    first?.focus();
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={size === 'full' ? 'dialog full' : wide || size === 'wide' ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="btn btn-small" onClick={onClose} aria-label={t('dialog.close')} data-testid={`${testId}-close`}>
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

// ---- partition helper -----------------------------------------------------------------------

export function PartitionDialog({ servers, initial, inPast, onApply, onHeal, onClose }: {
  servers: string[];
  /** The group of each server to start from. */
  initial: Record<string, 'A' | 'B'>;
  inPast: boolean;
  onApply(groups: string[][]): void;
  onHeal(): void;
  onClose(): void;
}) {
  const [group, setGroup] = useState<Record<string, 'A' | 'B'>>(initial);
  const [dragging, setDragging] = useState<string | null>(null);
  const move = (id: string, g: 'A' | 'B') => setGroup((cur) => ({ ...cur, [id]: g }));
  const a = servers.filter((s) => group[s] !== 'B');
  const b = servers.filter((s) => group[s] === 'B');
  const box = (g: 'A' | 'B', members: string[]) => (
    <div
      className={`partition-group group-${g}`}
      data-testid={`partition-group-${g}`}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const id = e.dataTransfer.getData('text/plain') || dragging;
        if (id) move(id, g);
        setDragging(null);
      }}
    >
      <h3>{t(g === 'A' ? 'partition.groupA' : 'partition.groupB', { n: members.length })}</h3>
      <div className="chips">
        {members.map((id) => (
          <button
            key={id}
            type="button"
            draggable
            className="server-chip"
            data-testid={`partition-chip-${id}`}
            title={t('partition.chipTitle')}
            onDragStart={(e) => {
              e.dataTransfer.setData('text/plain', id);
              setDragging(id);
            }}
            onClick={() => move(id, g === 'A' ? 'B' : 'A')}
          >
            {id}
          </button>
        ))}
        {members.length === 0 && <span className="inspector-note">{t('partition.emptyGroup')}</span>}
      </div>
    </div>
  );
  return (
    <Dialog title={t('partition.title')} onClose={onClose} testId="partition-dialog">
      <p className="dialog-text">{t('partition.help')}</p>
      <div className="partition-groups">
        {box('A', a)}
        {box('B', b)}
      </div>
      {inPast && <p className="menu-note">{t('menu.forkNote')}</p>}
      <div className="button-row">
        <button type="button" className="btn btn-primary" data-testid="partition-apply" disabled={a.length === 0 || b.length === 0} onClick={() => { onApply([a, b]); onClose(); }}>
          {t('partition.apply')}
        </button>
        <button type="button" className="btn" data-testid="partition-heal" onClick={() => { onHeal(); onClose(); }}>
          {t('partition.heal')}
        </button>
      </div>
    </Dialog>
  );
}

// ---- client panel ---------------------------------------------------------------------------

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

// ---- custom cluster -------------------------------------------------------------------------

export function CustomClusterDialog({ initial, onCreate, onClose }: { initial: CustomCluster; onCreate(text: string, c: CustomCluster): void; onClose(): void }) {
  const [c, setC] = useState({
    nodes: String(initial.nodes),
    heartbeatMs: String(initial.heartbeatMs),
    etMin: String(initial.electionTimeoutMs[0]),
    etMax: String(initial.electionTimeoutMs[1]),
    latMin: String(initial.latencyMs[0]),
    latMax: String(initial.latencyMs[1]),
    loss: String(Math.round(initial.dropRate * 1000) / 10),
    clients: String(initial.clients),
    seed: String(initial.seed),
  });
  const [error, setError] = useState<string | null>(null);
  const field = (k: keyof typeof c, label: string, attrs: { min?: number; max?: number; step?: number } = {}) => (
    <label>
      {label}
      <input type="number" value={c[k]} data-testid={`custom-${k}`} onChange={(e) => setC({ ...c, [k]: e.target.value })} {...attrs} />
    </label>
  );
  const create = () => {
    const cluster: CustomCluster = {
      nodes: Number(c.nodes),
      heartbeatMs: Number(c.heartbeatMs),
      electionTimeoutMs: [Number(c.etMin), Number(c.etMax)],
      latencyMs: [Number(c.latMin), Number(c.latMax)],
      dropRate: Number(c.loss) / 100,
      clients: Number(c.clients),
      seed: Number(c.seed),
    };
    const text = customYaml(cluster);
    try {
      parseScenario(text, CUSTOM_FILE);
    } catch (e) {
      setError(errorText(e));
      return;
    }
    onCreate(text, cluster);
    onClose();
  };
  return (
    <Dialog title={t('custom.title')} onClose={onClose} testId="custom-dialog">
      <p className="dialog-text">{t('custom.help')}</p>
      <div className="form-grid">
        {field('nodes', t('custom.nodes'), { min: 1, max: 9, step: 1 })}
        {field('heartbeatMs', t('custom.heartbeat'), { min: 1 })}
        {field('etMin', t('custom.electionMin'), { min: 1 })}
        {field('etMax', t('custom.electionMax'), { min: 1 })}
        {field('latMin', t('custom.latencyMin'), { min: 0 })}
        {field('latMax', t('custom.latencyMax'), { min: 0 })}
        {field('loss', t('custom.loss'), { min: 0, max: 100 })}
        {field('clients', t('custom.clients'), { min: 1, max: 5, step: 1 })}
        {field('seed', t('custom.seed'), { min: 0, step: 1 })}
      </div>
      {error && (
        <pre className="form-error" role="alert" data-testid="custom-error">
          {error}
        </pre>
      )}
      <div className="button-row">
        <button type="button" className="btn btn-primary" data-testid="custom-create" onClick={create}>
          {t('custom.create')}
        </button>
      </div>
    </Dialog>
  );
}

// ---- keyboard help --------------------------------------------------------------------------

export const SHORTCUTS: { keys: string; what: Parameters<typeof t>[0] }[] = [
  { keys: 'key.space', what: 'help.space' },
  { keys: '←', what: 'help.left' },
  { keys: '→', what: 'help.right' },
  { keys: 'key.shift+→', what: 'help.nextElection' },
  { keys: 'key.shift+←', what: 'help.prevElection' },
  { keys: 'C', what: 'help.client' },
  { keys: 'R', what: 'help.r' },
  { keys: 'P', what: 'help.partition' },
  { keys: 'H', what: 'help.heal' },
  { keys: 'N', what: 'help.now' },
  { keys: 'F', what: 'help.fit' },
  { keys: '?', what: 'help.help' },
  { keys: 'key.esc', what: 'help.escape' },
];

/** A key or key combination as shown on the keyboard ("key.shift+→" names Shift plus an arrow). */
function keyLabel(k: string): string {
  const [name, rest] = k.split('+');
  if (!name.startsWith('key.')) return k;
  const label = name === 'key.space' ? t('key.space') : name === 'key.shift' ? t('key.shift') : t('key.esc');
  return rest ? `${label} + ${rest}` : label;
}

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Dialog title={t('help.title')} onClose={onClose} testId="help-overlay">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{keyLabel(s.keys)}</kbd>
              </th>
              <td>{t(s.what)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="dialog-text">{t('help.mouse')}</p>
    </Dialog>
  );
}
