/**
 * The page's strings for issue 13 (membership changes, learners, snapshots, stable storage), kept
 * in their own block so that they merge cleanly: en.ts and zh.ts spread `membersEn` / `membersZh`
 * into their dictionaries. Whole sentences with named placeholders. (The engine side adds the
 * action words; the UI adds the rest here.)
 */

export const membersEn = {
  'action.memberAdd': 'add {node} to the cluster as a voter',
  'action.memberAddLearner': 'add {node} to the cluster as a learner',
  'action.memberPromote': 'promote learner {node} to voter',
  'action.memberRemove': 'remove {node} from the cluster',
  'action.memberChange': 'change the membership in one joint change: {changes}',
  'action.compact': 'snapshot {node} now and compact its log',
  'action.compactAll': 'snapshot every server now and compact their logs',
  'stepKind.member': 'member',
  'stepKind.compact': 'compact',
} as const;

/** Simplified Chinese of `membersEn` (the type makes a missing key a compile error). */
export const membersZh: Record<keyof typeof membersEn, string> = {
  'action.memberAdd': '把 {node} 作为投票成员加入集群',
  'action.memberAddLearner': '把 {node} 作为学习者（learner）加入集群',
  'action.memberPromote': '把学习者 {node} 提升为投票成员',
  'action.memberRemove': '把 {node} 移出集群',
  'action.memberChange': '用一次联合变更修改成员：{changes}',
  'action.compact': '让 {node} 立即做快照并压缩日志',
  'action.compactAll': '让每台服务器立即做快照并压缩日志',
  'stepKind.member': '成员变更（member）',
  'stepKind.compact': '快照（compact）',
} as const;
