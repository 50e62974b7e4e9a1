/** A new custom cluster: size, timing, spares and snapshots, validated by the scenario parser. */
import { useState } from 'react';
import { CUSTOM_FILE, customYaml, type CustomCluster } from '../model/scenarios';
import { parseScenario } from '../../scenario/parse';
import { errorText } from '../i18n/errorText';
import { t } from '../i18n';
import { Dialog } from './Dialog';

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
    spares: String(initial.spares),
    snapshotCount: String(initial.snapshotCount),
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
      spares: Number(c.spares),
      snapshotCount: Number(c.snapshotCount),
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
        {field('spares', t('custom.spares'), { min: 0, max: 8, step: 1 })}
        {field('snapshotCount', t('custom.snapshotCount'), { min: 0, step: 1 })}
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
