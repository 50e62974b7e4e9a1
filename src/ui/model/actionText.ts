/** A user action as a whole phrase of the page's language (branch labels, notices). */
import { describeOp } from '../../sim/client';
import { memberLabel } from '../../sim/verbs';
import type { UserAction } from '../../timetravel/timeMachine';
import { t } from '../i18n';

export function actionText(a: UserAction): string {
  switch (a.kind) {
    case 'crash': return t('action.crash', { node: a.node });
    case 'restart': return t('action.restart', { node: a.node });
    case 'timeout': return t('action.timeout', { node: a.node });
    case 'isolate': return t('action.isolate', { node: a.node });
    case 'reconnect': return t('action.reconnect', { node: a.node });
    case 'pauseServer': return t('action.pauseServer', { node: a.node });
    case 'resumeServer': return t('action.resumeServer', { node: a.node });
    case 'partition': return t('action.partition', { groups: a.groups.map((g) => `[${g.join(', ')}]`).join(' ') });
    case 'cut': return t(a.both ? 'action.cutBoth' : 'action.cutOne', { from: a.from, to: a.to });
    case 'restoreLink': return t(a.both ? 'action.restoreBoth' : 'action.restoreOne', { from: a.from, to: a.to });
    case 'heal': return t('action.heal');
    case 'resume': return t('action.resume');
    case 'network': return t('action.network', { settings: JSON.stringify(a.settings) });
    case 'link': return a.settings ? t('action.link', { from: a.from, to: a.to, settings: JSON.stringify(a.settings) }) : t('action.linkReset', { from: a.from, to: a.to });
    case 'client': return a.via ? t('action.clientVia', { client: a.client, op: describeOp(a.spec), via: a.via }) : t('action.client', { client: a.client, op: describeOp(a.spec) });
    case 'dropMessage': return t('action.drop', { id: a.id });
    case 'duplicateMessage': return t('action.duplicate', { id: a.id });
    case 'delayMessage': return t('action.delay', { id: a.id, ms: a.byMs });
    case 'transfer': return t('action.transfer', { to: a.to });
    case 'member': {
      const c = a.change;
      if ('add' in c) return t(c.learner ? 'action.memberAddLearner' : 'action.memberAdd', { node: c.add });
      if ('promote' in c) return t('action.memberPromote', { node: c.promote });
      if ('remove' in c) return t('action.memberRemove', { node: c.remove });
      return t('action.memberChange', { changes: memberLabel(a.change).replace(/^member change /, '') });
    }
    case 'compact': return a.node === 'all' ? t('action.compactAll') : t('action.compact', { node: a.node });
    case 'etcdctl': {
      const command = a.command.split('\n')[0];
      return a.via ? t('action.etcdctlVia', { client: a.client, command, via: a.via }) : t('action.etcdctl', { client: a.client, command });
    }
    case 'etcdCancel': return t('action.etcdCancel', { name: a.name });
  }
}
