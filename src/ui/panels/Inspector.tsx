/**
 * Inspectors: the selected server (Figure 2 state, timers, votes, a leader's Progress of each
 * follower with nextIndex/matchIndex/inflight, its configuration (voters, learners, a joint
 * configuration's two halves, a pending change), its snapshot and its stable storage as etcd
 * names it (WAL, snap files, writes in progress), its KV store with revisions, and its role
 * statechart), the selected message (every field, when it was sent and delivered, its fate, and
 * the drop / duplicate / delay actions while it is in flight), and the branch tree of the time
 * machine.
 */
import { useState, type ReactNode } from 'react';
import { commandText } from '../../scenario/report';
import type { MembershipConfig, ProgressView, Snapshot } from '../../raft/types';
import { messageBytes, type MessageRecord, type ServerView, type SimMessage } from '../../sim/types';
import type { Branch } from '../../timetravel/timeMachine';
import { roleColor, termColor, textOn } from '../draw/colors';
import type { Frame } from '../model/frame';
import { Statechart } from '../draw/Statechart';
import { t, tn } from '../i18n';
import { messageKind } from '../model/timelineModel';
import { confChangeText, timeText, whyContextOf, whyLine } from '../model/why';
import { entryAt, lastLogIndex } from '../model/logView';
import { votersAt } from '../model/voters';
import type { Workbench } from '../model/workbench';
import { actionText } from '../model/actionText';
import { LeasesTable, WatchersTable } from '../etcd/KvPanel';
import { engineKvSource } from '../etcd/engineBackend';
import { kvView, type KvView } from '../etcd/kvView';
import './inspector.css';

export type InspectorTab = 'server' | 'message' | 'branches';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <tr data-testid={testId}>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

// ---- server ---------------------------------------------------------------------------------

function deadlineText(v: ServerView, nowMs: number): string {
  if (!v.up) return t('inspect.deadline.crashed');
  if (v.electionDeadlineMs === null) return v.role === 'leader' ? t('inspect.deadline.leader') : t('inspect.deadline.none');
  const p = { at: timeText(v.electionDeadlineMs), left: (Math.round((v.electionDeadlineMs - nowMs) * 10) / 10).toFixed(1) };
  // A learner, a spare or a removed server only notes campaignSkipped when its timer fires.
  if (v.membership !== 'voter') return t('inspect.deadline.noCampaign', p);
  return t('inspect.deadline.at', p);
}

/**
 * The leader's Progress of each follower (etcd raft tracker/progress.go): its state (probe,
 * replicate, snapshot), nextIndex and matchIndex (Figure 2), the AppendEntries in flight against
 * maxInflightMsgs, and whether sending is held back (etcd IsPaused).
 */
function ProgressTable({ progress }: { progress: ProgressView[] }) {
  return (
    <table className="grid-table progress-table" data-testid="leader-progress" aria-label={t('inspect.progress.caption')}>
      <caption>{t('inspect.progress.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('inspect.peer')}</th>
          <th scope="col" title={t('inspect.progress.stateTitle')}>Progress</th>
          <th scope="col">nextIndex</th>
          <th scope="col">matchIndex</th>
          <th scope="col" title={t('inspect.progress.inflightTitle')}>inflight</th>
        </tr>
      </thead>
      <tbody>
        {progress.map((p) => (
          <tr key={p.id} data-testid={`progress-${p.id}`} data-state={p.state} data-paused={p.paused ? '1' : '0'}>
            <th scope="row">
              {p.id}
              {p.learner && <span className="progress-learner" title={t('inspect.progress.learnerTitle')}>{t('server.member.learner')}</span>}
            </th>
            <td>
              <span className={`progress-state progress-${p.state}`} title={t(`inspect.progress.${p.state}Title`)}>
                {p.state}
              </span>
              {p.pendingSnapshot !== undefined && <span className="progress-paused">{t('inspect.progress.pendingSnapshot', { index: p.pendingSnapshot })}</span>}
              {p.paused && <span className="progress-paused" title={t('inspect.progress.pausedTitle')}>{t('inspect.progress.paused')}</span>}
            </td>
            <td data-field="nextIndex">{p.nextIndex}</td>
            <td data-field="matchIndex">{p.matchIndex}</td>
            <td data-field="inflight">{t('inspect.progress.inflightValue', { n: p.inflight, max: p.maxInflight })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function list(ids: readonly string[]): string {
  return ids.length ? ids.join(', ') : t('inspect.none');
}

/**
 * The server's applied configuration (etcd raft tracker.Config): voters and learners, or in a
 * joint configuration (Raft paper §6) the new and the old voter sets, both of which must agree;
 * on a leader the change proposed and not yet applied (etcd pendingConfIndex: only one at a time).
 */
function ConfigTable({ v }: { v: ServerView }) {
  const c: MembershipConfig = v.config;
  const joint = c.votersOutgoing.length > 0;
  return (
    <>
      <h3 className="inspector-sub">{joint ? t('inspect.configJoint') : t('inspect.config')}</h3>
      <table className="fields" data-testid="config-table" data-joint={joint ? '1' : '0'}>
        <tbody>
          {joint ? (
            <>
              <Row label={t('inspect.votersNew')} testId="config-voters">{list(c.voters)}</Row>
              <Row label={t('inspect.votersOld')} testId="config-voters-outgoing">{list(c.votersOutgoing)}</Row>
              <Row label={t('inspect.jointRule')}>{t(c.autoLeave ? 'inspect.jointRuleAuto' : 'inspect.jointRuleValue')}</Row>
            </>
          ) : (
            <Row label={t('inspect.voters')} testId="config-voters">{list(c.voters)}</Row>
          )}
          <Row label={t('inspect.learners')} testId="config-learners">{list(c.learners)}</Row>
          {c.learnersNext.length > 0 && <Row label={t('inspect.learnersNext')}>{list(c.learnersNext)}</Row>}
          {v.role === 'leader' && v.up && (
            <Row label={t('inspect.changePending')} testId="config-pending">
              {v.pendingConfIndex > v.lastApplied ? pendingText(v) : t('inspect.changePendingNone')}
            </Row>
          )}
        </tbody>
      </table>
    </>
  );
}

function pendingText(v: ServerView): string {
  const e = entryAt(v, v.pendingConfIndex);
  return e?.confChange
    ? t('inspect.changePendingValue', { index: v.pendingConfIndex, change: confChangeText(e.confChange) })
    : t('inspect.changePendingIndex', { index: v.pendingConfIndex });
}

/**
 * The server's snapshot (Raft paper §7: last included index and term) and its stable storage as
 * etcd lays it out (member/wal: hard state and entries; member/snap: *.snap files), with the
 * writes issued and not completed yet, which a crash loses (cluster.fsyncMs).
 */
function StorageTable({ v }: { v: ServerView }) {
  const w = v.wal;
  const snap = w.snapFiles[w.snapFiles.length - 1];
  return (
    <>
      <h3 className="inspector-sub">{t('inspect.storage')}</h3>
      <table className="fields" data-testid="storage-table">
        <tbody>
          <Row label={t('inspect.snapshot')} testId="storage-snapshot">
            {v.snapshotIndex > 0
              ? snap
                ? t('inspect.snapshotValueSize', { index: v.snapshotIndex, term: v.snapshotTerm, bytes: snap.sizeBytes })
                : t('inspect.snapshotValue', { index: v.snapshotIndex, term: v.snapshotTerm })
              : t('inspect.snapshotNone')}
          </Row>
          <Row label={t('inspect.logStart')}>{v.firstIndex > 1 ? t('inspect.logStartValue', { first: v.firstIndex, last: v.firstIndex - 1 }) : t('inspect.logStartNone')}</Row>
          <Row label="member/wal" testId="storage-wal">
            <span className="mono">{t('inspect.walHardState', { term: w.hardState.currentTerm, vote: w.hardState.votedFor ?? '—', commit: w.hardState.commitIndex })}</span>
            <br />
            {w.entries > 0 ? t(w.entries === 1 ? 'inspect.walEntriesOne' : 'inspect.walEntries', { n: w.entries, first: w.firstIndex, last: w.lastIndex }) : t('inspect.walEntriesNone')}
          </Row>
          <Row label="member/snap" testId="storage-snap">
            {w.snapFiles.length ? w.snapFiles.map((f) => <div key={f.name} className="mono">{t('inspect.snapFile', { name: f.name, bytes: f.sizeBytes })}</div>) : t('inspect.snapFilesNone')}
          </Row>
          {w.async && (
            <Row label={t('inspect.walPending')} testId="storage-pending">
              {w.pendingWrites.length ? t('inspect.walPendingValue', { ids: w.pendingWrites.join(', '), count: w.pendingWrites.length }) : t('inspect.walPendingNone')}
            </Row>
          )}
        </tbody>
      </table>
    </>
  );
}

export function ServerInspector({ wb, frame, id }: { wb: Workbench; frame: Frame; id: string | null }) {
  const v = frame.servers.find((s) => s.id === id) ?? null;
  if (!v) {
    return (
      <div className="inspector-empty" data-testid="server-inspector">
        {t('inspect.noServer')}
      </div>
    );
  }
  const server = wb.runner.sim.server(v.id);
  const lastTransition = server.raft.volatile.lastTransition;
  const role = v.up ? v.role : 'crashed';
  const size = v.config.voters.length || frame.servers.length;
  const needed = Math.floor(size / 2) + 1;
  const lastIndex = lastLogIndex(v);
  const lastTerm = entryAt(v, lastIndex)?.term ?? (lastIndex === v.snapshotIndex ? v.snapshotTerm : 0);
  const keys = Object.keys(v.kv.kvs).sort();
  const etcd = v.up ? kvView(engineKvSource(wb), v.id) : null;
  return (
    <div className="server-inspector" data-testid="server-inspector" data-server={v.id}>
      <div className="inspector-head">
        <span className="role-chip" style={{ background: roleColor(role), color: textOn(roleColor(role)) }}>
          {t(`server.role.${role}`)}
        </span>
        {v.membership !== 'voter' && <span className={`member-chip member-chip-${v.membership}`} data-testid="member-chip">{t(`inspect.membership.${v.membership}`)}</span>}
        <strong className="inspector-title">{t('inspect.serverTitle', { id: v.id })}</strong>
      </div>
      <div className="inspector-stack">
        <table className="fields">
          <tbody>
            <Row label="currentTerm" testId="field-currentTerm">{v.currentTerm}</Row>
            <Row label="votedFor">{v.votedFor ?? t('inspect.nobody')}</Row>
            <Row label="commitIndex">{v.commitIndex}</Row>
            <Row label="lastApplied">{v.lastApplied}</Row>
            <Row label={t('inspect.lastLog')}>{t('inspect.lastLogValue', { index: lastIndex, term: lastTerm })}</Row>
            <Row label={t('inspect.leaderKnown')}>{v.leaderId ?? t('inspect.nobody')}</Row>
            <Row label={t('inspect.deadline')}>{deadlineText(v, frame.nowMs)}</Row>
            {v.clockRate !== 1 && <Row label={t('inspect.localClock')}>{t('inspect.localClockValue', { ms: Math.round(v.localClockMs * 100) / 100, rate: v.clockRate })}</Row>}
            {v.leaseUntilMs !== null && <Row label={t('inspect.lease')}>{t('inspect.leaseValue', { ms: Math.round(v.leaseUntilMs * 100) / 100 })}</Row>}
            {v.transferee !== null && <Row label={t('inspect.transfer')}>{t('inspect.transferValue', { to: v.transferee })}</Row>}
            {v.role === 'candidate' && v.up && (
              <Row label={t('inspect.votes')}>{t('inspect.votesValue', { votes: v.votesGranted.join(', ') || '—', count: v.votesGranted.length, needed })}</Row>
            )}
          </tbody>
        </table>
        <div className="chart-box">
          <Statechart role={v.up ? v.role : null} lastTransition={lastTransition} />
        </div>
      </div>
      {v.role === 'leader' && v.up && <ProgressTable progress={v.progress} />}
      <ConfigTable v={v} />
      <StorageTable v={v} />
      <h3 className="inspector-sub">{t('inspect.kvTitle', { revision: v.kv.revision })}</h3>
      {!v.up ? (
        <p className="inspector-note">{t('kv.crashed')}</p>
      ) : keys.length === 0 ? (
        <p className="inspector-note">{t('kv.empty')}</p>
      ) : (
        <table className="grid-table" data-testid="kv-table">
          <thead>
            <tr>
              <th>{t('inspect.key')}</th>
              <th>{t('inspect.value')}</th>
              <th>createRevision</th>
              <th>modRevision</th>
              <th>version</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => {
              const kv = v.kv.kvs[k];
              return (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="mono">{kv.value}</td>
                  <td>{kv.createRevision}</td>
                  <td>{kv.modRevision}</td>
                  <td>{kv.version}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {etcd && <EtcdTables view={etcd} />}
    </div>
  );
}

/**
 * A server's etcd side: the leases in its store (ID in hex, granted TTL, time left on the leader's
 * lessor, attached keys; etcd lessor.go) and the watchers on its WatchHub (what each watches,
 * from which revision, for which client; etcd mvcc watchable store). Nothing when it has neither.
 */
function EtcdTables({ view }: { view: KvView }) {
  return (
    <>
      {view.leases.length > 0 && (
        <>
          <h3 className="inspector-sub">{t('inspect.etcdLeases', { id: view.server })}</h3>
          <LeasesTable leases={view.leases} testId="inspector-leases" />
          <p className="inspector-note">{t('inspect.etcdLeasesNote')}</p>
        </>
      )}
      {view.watchers.length > 0 && (
        <>
          <h3 className="inspector-sub">{t('inspect.etcdWatchers', { id: view.server })}</h3>
          <WatchersTable watchers={view.watchers} testId="inspector-watchers" />
        </>
      )}
    </>
  );
}

// ---- message --------------------------------------------------------------------------------

function fieldValue(key: string, value: unknown): ReactNode {
  if (key === 'entries' && Array.isArray(value)) {
    if (value.length === 0) return t('inspect.noEntries');
    return (
      <span className="entry-list">
        {(value as ServerView['log']).map((e, i) => (
          <span key={i} className={e.confChange ? 'entry-chip entry-chip-conf' : 'entry-chip'} style={{ borderColor: termColor(e.term) }}>
            {t('inspect.entryChip', { term: e.term, command: e.confChange ? t('logs.confChangeCommand', { change: confChangeText(e.confChange) }) : commandText(e.command) })}
          </span>
        ))}
      </span>
    );
  }
  if (key === 'snapshot' && value && typeof value === 'object' && 'metadata' in value) {
    // The state machine itself is not listed (the size row gives its bytes): its metadata is what Figure 13 sends.
    const m = (value as Snapshot).metadata;
    return t('inspect.snapshotField', { index: m.index, term: m.term, voters: list(m.config.voters), learners: list(m.config.learners) });
  }
  if (key === 'sizeBytes' && typeof value === 'number') return t('inspect.bytes', { bytes: value });
  if (value === null) return 'null';
  if (typeof value === 'object') return <code>{JSON.stringify(value)}</code>;
  return String(value);
}

/** A message's fields as the inspector lists them; an InstallSnapshot's size in bytes first after its type. */
function fields(m: SimMessage): [string, unknown][] {
  const rest = Object.entries(m).filter(([k]) => k !== 'type' && k !== 'sizeBytes');
  const bytes = messageBytes(m);
  return bytes === null ? rest : [['sizeBytes', bytes], ...rest];
}

function fateText(head: MessageRecord, cursorMs: number, inFlightNow: boolean): string {
  if (cursorMs < head.sendMs) return t('fate.notYetSent', { at: timeText(head.sendMs) });
  if (inFlightNow) {
    if (head.status === 'delivered') return t('fate.inFlightThenDelivered', { at: timeText(head.deliverMs) });
    if (head.status === 'dropped') return t('fate.inFlightThenDropped', { at: timeText(head.deliverMs), reason: t(`fate.reason.${head.dropReason ?? 'manual'}`) });
    if (head.dropReason === 'loss') return t('fate.inFlightLost', { at: timeText(head.deliverMs) });
    return t('fate.inFlight', { at: timeText(head.deliverMs) });
  }
  if (head.status === 'delivered') return t('fate.delivered', { at: timeText(head.deliverMs) });
  if (head.status === 'dropped') return t('fate.dropped', { at: timeText(head.deliverMs), reason: t(`fate.reason.${head.dropReason ?? 'manual'}`) });
  return t('fate.inFlight', { at: timeText(head.deliverMs) });
}

export interface MessageInspectorProps {
  wb: Workbench;
  frame: Frame;
  id: number | null;
  onSelectMessage(id: number): void;
  onSeek(ms: number): void;
  onAct(kind: 'dropMessage' | 'duplicateMessage' | 'delayMessage', id: number, byMs?: number): void;
}

export function MessageInspector({ wb, frame, id, onSelectMessage, onSeek, onAct }: MessageInspectorProps) {
  const [delay, setDelay] = useState('100');
  const rec = id === null ? null : wb.timeline.message(id);
  if (!rec || id === null) {
    return (
      <div className="inspector-empty" data-testid="message-inspector">
        {t('inspect.noMessage')}
      </div>
    );
  }
  let inFlightNow = false;
  for (const r of wb.runner.sim.inFlight) if (r.id === id && r.status === 'inFlight') inFlightNow = true;
  const kind = messageKind(rec);
  const type = kind === 'Heartbeat' ? t('message.heartbeat') : rec.msg.type;
  const pair = wb.timeline.pairOf(rec);
  const whys = [wb.timeline.noteFor(rec), wb.timeline.progressNoteFor(rec)].flatMap((n) => {
    const w = n ? whyLine(n.event, votersAt({ trace: wb.timeline.trace, config: wb.head.sim.config }, n.index), whyContextOf(wb.head.sim)) : null;
    return w ? [w] : [];
  });
  const delayMs = Number(delay);
  return (
    <div className="message-inspector" data-testid="message-inspector" data-message-id={rec.id}>
      <div className="inspector-head">
        <span className="kind-chip" data-kind={kind}>
          {type}
        </span>
        <strong className="inspector-title">{t('inspect.messageTitle', { id: rec.id, from: rec.msg.from, to: rec.msg.to })}</strong>
      </div>
      <p className="fate" data-testid="message-fate">
        {fateText(rec, frame.position.timeMs, inFlightNow)}
      </p>
      {whys.map((w, i) => (
        <p key={i} className="why-box" data-testid="message-why">
          {w.text}
        </p>
      ))}
      <table className="fields">
        <tbody>
          <Row label="type">{rec.msg.type}</Row>
          {fields(rec.msg).map(([k, v]) => (
            <Row key={k} label={k === 'sizeBytes' ? t('inspect.size') : k} testId={k === 'sizeBytes' ? 'message-size' : undefined}>
              {fieldValue(k, v)}
            </Row>
          ))}
          <Row label={t('inspect.sent')}>{timeText(rec.sendMs)}</Row>
          <Row label={rec.status === 'dropped' ? t('inspect.droppedAt') : t('inspect.deliveredAt')}>{timeText(rec.deliverMs)}</Row>
          {rec.duplicateOf !== undefined && (
            <Row label={t('inspect.duplicateOf')}>
              <button type="button" className="link-button dark" onClick={() => onSelectMessage(rec.duplicateOf!)}>
                #{rec.duplicateOf}
              </button>
            </Row>
          )}
          {pair && (
            <Row label={rec.msg.type.endsWith('Response') ? t('inspect.answers') : t('inspect.answeredBy')}>
              <button type="button" className="link-button dark" data-testid="message-pair" onClick={() => onSelectMessage(pair.id)}>
                {t('inspect.pairLink', { id: pair.id, type: pair.msg.type })}
              </button>
            </Row>
          )}
        </tbody>
      </table>
      <div className="button-row">
        <button type="button" className="btn btn-small" onClick={() => onSeek(rec.sendMs)}>
          {t('inspect.goSend')}
        </button>
        <button type="button" className="btn btn-small" onClick={() => onSeek(rec.deliverMs)}>
          {t('inspect.goDeliver')}
        </button>
      </div>
      {inFlightNow ? (
        <div className="button-row message-actions">
          <button type="button" className="btn btn-small btn-danger" data-testid="msg-drop" onClick={() => onAct('dropMessage', rec.id)}>
            {t('menu.drop')}
          </button>
          <button type="button" className="btn btn-small" data-testid="msg-duplicate" onClick={() => onAct('duplicateMessage', rec.id)}>
            {t('menu.duplicate')}
          </button>
          <label className="inline-field">
            {t('menu.delayBy')}
            <input type="number" min={1} step={10} value={delay} onChange={(e) => setDelay(e.target.value)} />
          </label>
          <button type="button" className="btn btn-small" data-testid="msg-delay" disabled={!(delayMs > 0)} onClick={() => onAct('delayMessage', rec.id, delayMs)}>
            {t('menu.delay')}
          </button>
          {frame.inPast && <span className="inspector-note">{t('menu.forkNote')}</span>}
        </div>
      ) : (
        <p className="inspector-note">{t('inspect.notInFlight')}</p>
      )}
    </div>
  );
}

// ---- branches -------------------------------------------------------------------------------

export function branchLabel(b: Branch): string {
  if (b.parent === null) return t('branch.original');
  const first = b.actions[0];
  return first ? t('branch.label', { action: actionText(first.action), at: timeText(b.fork.timeMs) }) : t('branch.empty', { at: timeText(b.fork.timeMs) });
}

export function BranchList({ wb, onSwitch }: { wb: Workbench; onSwitch(id: number): void }) {
  const branches = wb.tm.branches;
  const current = wb.tm.branchId;
  const children = new Map<number | null, Branch[]>();
  for (const b of branches) {
    const list = children.get(b.parent) ?? [];
    list.push(b);
    children.set(b.parent, list);
  }
  const lineage = new Set(wb.lineage());
  const render = (parent: number | null, depth: number): ReactNode[] =>
    (children.get(parent) ?? []).flatMap((b) => [
      <li key={b.id} style={{ paddingLeft: depth * 18 }}>
        <button
          type="button"
          className={b.id === current ? 'branch-item current' : lineage.has(b.id) ? 'branch-item ancestor' : 'branch-item'}
          data-testid={`branch-${b.id}`}
          data-current={b.id === current}
          aria-current={b.id === current ? 'true' : undefined}
          onClick={() => onSwitch(b.id)}
        >
          <span className="branch-name">{depth > 0 ? '└ ' : ''}{t('branch.name', { id: b.id })}</span>
          <span className="branch-text">{branchLabel(b)}</span>
          <span className="branch-meta">
            {tn('branch.meta', b.actions.length, { actions: b.actions.length, frontier: timeText(b.frontier.timeMs) })}
          </span>
        </button>
      </li>,
      ...render(b.id, depth + 1),
    ]);
  return (
    <div className="branch-list" data-testid="branch-list">
      <p className="inspector-note">{t('branch.help')}</p>
      <ul>{render(null, 0)}</ul>
    </div>
  );
}

// ---- the tabbed panel -------------------------------------------------------------------------

export interface InspectorProps {
  wb: Workbench;
  frame: Frame;
  tab: InspectorTab;
  onTab(tab: InspectorTab): void;
  server: string | null;
  message: number | null;
  onSelectMessage(id: number): void;
  onSeek(ms: number): void;
  onMessageAct(kind: 'dropMessage' | 'duplicateMessage' | 'delayMessage', id: number, byMs?: number): void;
  onSwitchBranch(id: number): void;
}

export function Inspector(p: InspectorProps) {
  const tabs: InspectorTab[] = ['server', 'message', 'branches'];
  return (
    <section className="panel inspector" aria-label={t('inspect.title')} data-testid="inspector">
      <div className="tabs" role="tablist">
        {tabs.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={p.tab === k}
            className={p.tab === k ? 'tab active' : 'tab'}
            data-testid={`tab-${k}`}
            onClick={() => p.onTab(k)}
          >
            {k === 'server' && p.server
              ? t('inspect.tab.serverOf', { id: p.server })
              : k === 'message' && p.message !== null
                ? t('inspect.tab.messageOf', { id: p.message })
                : k === 'branches'
                  ? t('inspect.tab.branchesOf', { n: p.wb.tm.branches.length })
                  : t(`inspect.tab.${k}`)}
          </button>
        ))}
      </div>
      <div className="tab-body">
        {p.tab === 'server' && <ServerInspector wb={p.wb} frame={p.frame} id={p.server} />}
        {p.tab === 'message' && (
          <MessageInspector wb={p.wb} frame={p.frame} id={p.message} onSelectMessage={p.onSelectMessage} onSeek={p.onSeek} onAct={p.onMessageAct} />
        )}
        {p.tab === 'branches' && <BranchList wb={p.wb} onSwitch={p.onSwitchBranch} />}
      </div>
    </section>
  );
}
