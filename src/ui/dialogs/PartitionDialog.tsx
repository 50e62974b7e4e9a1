/** The partition helper: drag or click servers into group A or B, then cut the links between the groups. */
import { useState } from 'react';
import { t } from '../i18n';
import type { Frame } from '../model/frame';
import { Dialog } from './Dialog';

/** The default groups of the partition helper: the leader and the servers after it form the minority. */
export function defaultGroups(frame: Frame): Map<string, 'A' | 'B'> {
  const ids = frame.servers.map((s) => s.id);
  const minority = Math.max(ids.length > 1 ? 1 : 0, Math.floor((ids.length - 1) / 2));
  const start = frame.leaderId ? ids.indexOf(frame.leaderId) : ids.length - minority;
  const out = new Map<string, 'A' | 'B'>(ids.map((id) => [id, 'A']));
  for (let k = 0; k < minority; k++) out.set(ids[(start + k) % ids.length], 'B');
  return out;
}

export function PartitionDialog({ servers, initial, inPast, onApply, onHeal, onClose }: {
  servers: string[];
  /** The group of each server to start from. */
  initial: ReadonlyMap<string, 'A' | 'B'>;
  inPast: boolean;
  onApply(groups: string[][]): void;
  onHeal(): void;
  onClose(): void;
}) {
  const [group, setGroup] = useState<ReadonlyMap<string, 'A' | 'B'>>(initial);
  const [dragging, setDragging] = useState<string | null>(null);
  const move = (id: string, g: 'A' | 'B') => setGroup((cur) => new Map(cur).set(id, g));
  const a = servers.filter((s) => group.get(s) !== 'B');
  const b = servers.filter((s) => group.get(s) === 'B');
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
