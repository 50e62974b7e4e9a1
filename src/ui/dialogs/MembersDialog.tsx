/**
 * "Members…": the cluster's membership as etcdctl lists it (`member list`), with its changes
 * (`member add`, `member add --learner`, `member promote`, `member remove`) and one joint change
 * of several servers (Raft paper §6). Every change goes through the `member` verb, so it is
 * recorded like any other action (a branch in the past, a `member` action in replays and links);
 * a refusal is shown with the leader's reason. The dialog stays open: the change is a log entry,
 * applied later (thesis §4.1), and the table follows the run.
 */
import { useState } from 'react';
import type { MembershipConfig, NodeId } from '../../raft/types';
import type { MemberRequest, ServerView } from '../../sim/types';
import { t } from '../i18n';
import type { Frame } from '../model/frame';
import { votersAt } from '../model/voters';
import { confChangeText, whyContextOf, whyLine } from '../model/why';
import type { MemberRefusalSeen, Workbench } from '../model/workbench';
import { entryAt, lastLogIndex } from '../model/logView';
import { Dialog } from './Dialog';

/** A refused membership change as one whole sentence: the leader's note, or why no leader handled it. */
export function refusalText(r: MemberRefusalSeen, wb: Workbench): string {
  if (r.event) {
    const trace = wb.tm.runner.sim.trace;
    const w = whyLine(r.event, votersAt({ trace, config: wb.tm.runner.sim.config }), whyContextOf(wb.tm.runner.sim));
    if (w) return w.text;
  }
  if (r.reason === 'leaderPaused') return t('members.refused.leaderPaused', { leader: r.leader ?? '' });
  if (r.reason === 'noLeader') return t('members.refused.noLeader');
  return t('members.refused.other', { reason: r.reason });
}

/** A voter's half of a joint configuration (Raft paper §6). */
function halfOf(c: MembershipConfig, id: NodeId): 'voterOld' | 'voterNew' | 'voter' {
  const inOld = c.votersOutgoing.includes(id);
  const inNew = c.voters.includes(id);
  return inOld && !inNew ? 'voterOld' : inNew && !inOld ? 'voterNew' : 'voter';
}

/** What the joint-change column asks for each server. */
type JointChoice = 'keep' | 'voter' | 'learner' | 'remove';

/** The joint change the choices make (null when they change nothing). */
function jointRequest(choices: ReadonlyMap<NodeId, JointChoice>): MemberRequest | null {
  const add: NodeId[] = [];
  const learners: NodeId[] = [];
  const remove: NodeId[] = [];
  for (const [id, c] of choices) {
    if (c === 'voter') add.push(id);
    else if (c === 'learner') learners.push(id);
    else if (c === 'remove') remove.push(id);
  }
  if (add.length + learners.length + remove.length === 0) return null;
  return { change: { ...(add.length ? { add } : {}), ...(learners.length ? { learners } : {}), ...(remove.length ? { remove } : {}) } };
}

/** The buttons of one server's row: what etcdctl offers for a server in that state. */
function RowActions({ v, onMember }: { v: ServerView; onMember(r: MemberRequest): void }) {
  const b = (testId: string, label: string, r: MemberRequest, danger = false) => (
    <button type="button" className={danger ? 'btn btn-small btn-danger' : 'btn btn-small'} data-testid={testId} onClick={() => onMember(r)} aria-label={label}>
      {label}
    </button>
  );
  switch (v.membership) {
    case 'spare':
    case 'removed':
      return (
        <>
          {b(`member-add-learner-${v.id}`, t('members.addLearner', { id: v.id }), { add: v.id, learner: true })}
          {b(`member-add-${v.id}`, t('members.addVoter', { id: v.id }), { add: v.id })}
        </>
      );
    case 'learner':
      return (
        <>
          {b(`member-promote-${v.id}`, t('members.promote', { id: v.id }), { promote: v.id })}
          {b(`member-remove-${v.id}`, t('members.remove', { id: v.id }), { remove: v.id }, true)}
        </>
      );
    case 'voter':
      return b(`member-remove-${v.id}`, t('members.remove', { id: v.id }), { remove: v.id }, true);
  }
}

export function MembersDialog({ frame, inPast, onMember, onClose }: {
  frame: Frame;
  inPast: boolean;
  /** Sends a change; gives back the refusal's sentence, or null when the leader accepted it. */
  onMember(r: MemberRequest): string | null;
  onClose(): void;
}) {
  const [outcome, setOutcome] = useState<{ text: string; refused: boolean } | null>(null);
  const [choices, setChoices] = useState<ReadonlyMap<NodeId, JointChoice>>(new Map());
  const leader = frame.leaderId ? frame.servers.find((s) => s.id === frame.leaderId) ?? null : null;
  const send = (r: MemberRequest, label: string) => {
    const refused = onMember(r);
    setOutcome(refused ? { text: refused, refused: true } : { text: t('members.sent', { change: label }), refused: false });
  };
  const config = leader?.config ?? null;
  const joint = !!config && config.votersOutgoing.length > 0;
  const pending = leader && leader.pendingConfIndex > leader.lastApplied ? leader.pendingConfIndex : 0;
  const pendingEntry = leader && pending ? entryAt(leader, pending) : undefined;
  const progressOf = (id: NodeId) => leader?.progress.find((p) => p.id === id) ?? null;
  const joinReq = jointRequest(choices);
  return (
    <Dialog title={t('members.title')} onClose={onClose} testId="members-dialog" size="wide">
      <p className="dialog-text">{t('members.help')}</p>
      <p className="members-state" data-testid="members-leader" data-joint={joint ? '1' : '0'}>
        {!leader || !config
          ? t('members.noLeader')
          : joint
            ? t('members.leaderJoint', { leader: leader.id, old: config.votersOutgoing.join(', '), new: config.voters.join(', '), learners: config.learners.join(', ') || t('inspect.none') })
            : t('members.leader', { leader: leader.id, voters: config.voters.join(', '), learners: config.learners.join(', ') || t('inspect.none') })}
      </p>
      {pending > 0 && (
        <p className="members-state" data-testid="members-pending">
          {pendingEntry?.confChange ? t('members.pending', { index: pending, change: confChangeText(pendingEntry.confChange) }) : t('members.pendingIndex', { index: pending })}
        </p>
      )}
      <table className="grid-table members-table" data-testid="members-table">
        <caption className="sr-only">{t('members.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('members.colServer')}</th>
            <th scope="col">{t('members.colMember')}</th>
            <th scope="col">{t('members.colRole')}</th>
            <th scope="col" title={t('members.colMatchTitle')}>matchIndex</th>
            <th scope="col">{t('members.colActions')}</th>
            <th scope="col">{t('members.colJoint')}</th>
          </tr>
        </thead>
        <tbody>
          {frame.servers.map((v) => {
            const p = progressOf(v.id);
            const match = v.id === leader?.id ? t('members.matchLeader', { index: lastLogIndex(v) }) : p ? t('members.matchValue', { index: p.matchIndex, state: p.state }) : '—';
            return (
              <tr key={v.id} data-testid={`member-row-${v.id}`} data-membership={v.membership}>
                <th scope="row">{v.id}</th>
                <td>{joint && v.membership === 'voter' && config ? t(`members.state.${halfOf(config, v.id)}`) : t(`members.state.${v.membership}`)}</td>
                <td>{v.membership === 'spare' && !v.up ? t('members.notStarted') : t(`server.role.${v.up ? v.role : 'crashed'}`)}</td>
                <td data-field="matchIndex">{match}</td>
                <td>
                  <div className="members-actions">
                    <RowActions v={v} onMember={(r) => send(r, memberWords(r))} />
                  </div>
                </td>
                <td>
                  <select
                    aria-label={t('members.jointFor', { id: v.id })}
                    data-testid={`member-joint-${v.id}`}
                    value={choices.get(v.id) ?? 'keep'}
                    onChange={(e) => setChoices((cur) => new Map(cur).set(v.id, e.target.value as JointChoice))}
                  >
                    <option value="keep">{t('members.jointKeep')}</option>
                    {v.membership !== 'voter' && <option value="voter">{t('members.jointVoter')}</option>}
                    {v.membership !== 'learner' && <option value="learner">{t('members.jointLearner')}</option>}
                    {(v.membership === 'voter' || v.membership === 'learner') && <option value="remove">{t('members.jointRemove')}</option>}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="button-row">
        <button
          type="button"
          className="btn"
          data-testid="member-joint-apply"
          disabled={!joinReq}
          onClick={() => {
            if (!joinReq) return;
            send(joinReq, memberWords(joinReq));
            setChoices(new Map());
          }}
        >
          {t('members.jointApply')}
        </button>
      </div>
      {inPast && <p className="menu-note">{t('menu.forkNote')}</p>}
      <p className={outcome?.refused ? 'members-outcome refused' : 'members-outcome'} role="status" aria-live="polite" data-testid="member-outcome" data-refused={outcome?.refused ? '1' : '0'}>
        {outcome?.text ?? ''}
      </p>
    </Dialog>
  );
}

/** A membership request as a phrase, in the words of a ConfChange ("make S4 a learner"). */
export function memberWords(r: MemberRequest): string {
  if ('add' in r) return confChangeText({ changes: [{ type: r.learner ? 'addLearnerNode' : 'addNode', nodeId: r.add }] });
  if ('promote' in r) return confChangeText({ changes: [{ type: 'addNode', nodeId: r.promote }] });
  if ('remove' in r) return confChangeText({ changes: [{ type: 'removeNode', nodeId: r.remove }] });
  const c = r.change;
  return confChangeText({
    changes: [
      ...(c.add ?? []).map((id) => ({ type: 'addNode' as const, nodeId: id })),
      ...(c.learners ?? []).map((id) => ({ type: 'addLearnerNode' as const, nodeId: id })),
      ...(c.remove ?? []).map((id) => ({ type: 'removeNode' as const, nodeId: id })),
    ],
  });
}
