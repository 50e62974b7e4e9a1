/**
 * The glossary: the Raft and etcd terms the page uses, each with a one-line definition and the
 * section or file it comes from, in every language of the page (the `Record<Locale, …>` fields make
 * a missing translation a compile error). `linkTerms` finds the glossary's terms in a sentence of
 * the why feed so that each can open its entry.
 *
 * Sources: the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", 2014), the Raft thesis (Ongaro, "Consensus: Bridging Theory and Practice", 2014),
 * etcd raft (go.etcd.io/raft: tracker/progress.go, tracker/inflights.go, tracker/state.go) and the
 * etcd API (mvccpb.KeyValue, KV.Range and KV.Txn, the API guarantees page).
 */
import type { Locale } from '../i18n';

export type GlossaryGroup = 'roles' | 'log' | 'safety' | 'etcdRaft' | 'store' | 'members';

export interface GlossaryEntry {
  /** Stable id, used in links and test ids (`glossary-entry-<id>`). */
  id: string;
  group: GlossaryGroup;
  /** The term as the entry's heading. */
  term: Record<Locale, string>;
  /** One line: what it is and why it matters here. */
  definition: Record<Locale, string>;
  /** Where it is defined: a paper section, a thesis section or an etcd source file. */
  source: Record<Locale, string>;
  /**
   * The words in a sentence that name this term, per language (Latin words matched whole; a form
   * with a capital letter, such as commitIndex or Progress, only with its exact case, the others in
   * any case). One-word forms with a capital are matched in every language, since the Chinese text
   * keeps identifiers such as commitIndex and RequestVote.
   */
  match: Record<Locale, string[]>;
}

/** The glossary's entries, grouped as the dialog shows them. */
export const GLOSSARY: GlossaryEntry[] = [
  // ---- roles, terms and elections -------------------------------------------------------
  {
    id: 'term', group: 'roles',
    term: { en: 'term', zh: '任期' },
    definition: {
      en: 'A numbered period of time with at most one leader; every message carries its sender’s term, and a server that sees a higher term adopts it and becomes a follower.',
      zh: '编号递增的一段时间，每个任期至多有一个领导者；每条消息都带着发送者的任期，服务器看到更高的任期就采用它并变为跟随者。',
    },
    source: { en: 'Raft paper §5.1, Figure 5', zh: 'Raft 论文 §5.1，图 5' },
    match: { en: ['term', 'terms'], zh: ['任期'] },
  },
  {
    id: 'currentTerm', group: 'roles',
    term: { en: 'currentTerm', zh: 'currentTerm（当前任期）' },
    definition: {
      en: 'The latest term a server has seen; kept on stable storage, so it survives a crash, and it only ever increases.',
      zh: '服务器见过的最新任期；保存在持久存储上，崩溃后仍然保留，并且只会增大。',
    },
    source: { en: 'Raft paper Figure 2 (persistent state), §5.1', zh: 'Raft 论文图 2（持久状态），§5.1' },
    match: { en: ['currentTerm', 'current term'], zh: ['currentTerm', '当前任期'] },
  },
  {
    id: 'votedFor', group: 'roles',
    term: { en: 'votedFor', zh: 'votedFor（投票给谁）' },
    definition: {
      en: 'The candidate this server voted for in its current term, or none; persistent, so a server never votes twice in one term, even across a crash.',
      zh: '服务器在当前任期投票给的候选人（或尚未投票）；它是持久的，所以服务器即使崩溃重启，也不会在同一任期投两次票。',
    },
    source: { en: 'Raft paper Figure 2 (persistent state), §5.2', zh: 'Raft 论文图 2（持久状态），§5.2' },
    match: { en: ['votedFor'], zh: ['votedFor'] },
  },
  {
    id: 'leader', group: 'roles',
    term: { en: 'leader', zh: '领导者（leader）' },
    definition: {
      en: 'The one server of a term that accepts client requests, appends them to its log and replicates them to the others with AppendEntries.',
      zh: '一个任期中唯一接受客户端请求的服务器：它把请求追加到自己的日志，并用 AppendEntries 复制给其他服务器。',
    },
    source: { en: 'Raft paper §5.1, Figure 4', zh: 'Raft 论文 §5.1，图 4' },
    match: { en: ['leader', 'leaders'], zh: ['领导者'] },
  },
  {
    id: 'follower', group: 'roles',
    term: { en: 'follower', zh: '跟随者（follower）' },
    definition: {
      en: 'A passive server: it answers RequestVote and AppendEntries and becomes a candidate when its election timer fires without hearing from a leader.',
      zh: '被动的服务器：它只回应 RequestVote 和 AppendEntries，在选举计时器到期前没有收到领导者的消息时成为候选人。',
    },
    source: { en: 'Raft paper §5.1, Figure 4', zh: 'Raft 论文 §5.1，图 4' },
    match: { en: ['follower', 'followers'], zh: ['跟随者'] },
  },
  {
    id: 'candidate', group: 'roles',
    term: { en: 'candidate', zh: '候选人（candidate）' },
    definition: {
      en: 'A server running for leader: it has incremented its term, voted for itself and asked every other server for its vote with RequestVote.',
      zh: '正在竞选领导者的服务器：它已把任期加一、投票给自己，并用 RequestVote 向其他所有服务器请求投票。',
    },
    source: { en: 'Raft paper §5.2, Figure 4', zh: 'Raft 论文 §5.2，图 4' },
    match: { en: ['candidate', 'candidates'], zh: ['候选人'] },
  },
  {
    id: 'electionTimeout', group: 'roles',
    term: { en: 'election timeout', zh: '选举超时' },
    definition: {
      en: 'How long a follower waits without hearing from a leader before it starts an election; drawn at random (here between electionTimeoutMs min and max) so that one server usually times out first.',
      zh: '跟随者在没有收到领导者消息时等待多久才发起选举；它是随机选取的（这里在 electionTimeoutMs 的最小值和最大值之间），所以通常只有一台服务器最先超时。',
    },
    source: { en: 'Raft paper §5.2, §9.3', zh: 'Raft 论文 §5.2，§9.3' },
    match: { en: ['election timeout', 'election timer', 'election timers'], zh: ['选举超时', '选举计时器'] },
  },
  {
    id: 'heartbeat', group: 'roles',
    term: { en: 'heartbeat', zh: '心跳' },
    definition: {
      en: 'An AppendEntries with no entries that a leader sends every heartbeatMs to assert its leadership and reset the followers’ election timers.',
      zh: '领导者每隔 heartbeatMs 发送的不带条目的 AppendEntries，用来宣示自己的领导地位并重置跟随者的选举计时器。',
    },
    source: { en: 'Raft paper §5.2', zh: 'Raft 论文 §5.2' },
    match: { en: ['heartbeat', 'heartbeats'], zh: ['心跳'] },
  },
  {
    id: 'majority', group: 'roles',
    term: { en: 'majority (quorum)', zh: '多数派（quorum）' },
    definition: {
      en: 'More than half of the servers (3 of 5): a candidate needs a majority of votes to win and an entry must be on a majority to commit; any two majorities share a server.',
      zh: '超过半数的服务器（5 台中的 3 台）：候选人需要多数票才能当选，条目必须存储在多数派上才能提交；任意两个多数派至少有一台共同的服务器。',
    },
    source: { en: 'Raft paper §5.2, §5.3', zh: 'Raft 论文 §5.2，§5.3' },
    match: { en: ['majority', 'quorum'], zh: ['多数派', '多数'] },
  },
  {
    id: 'RequestVote', group: 'roles',
    term: { en: 'RequestVote', zh: 'RequestVote（请求投票）' },
    definition: {
      en: 'The RPC a candidate sends to ask for a vote, with its term and its last log entry’s index and term (lastLogIndex, lastLogTerm).',
      zh: '候选人请求投票时发送的 RPC，带着它的任期以及它最后一个日志条目的索引和任期（lastLogIndex、lastLogTerm）。',
    },
    source: { en: 'Raft paper Figure 2, §5.2', zh: 'Raft 论文图 2，§5.2' },
    match: { en: ['RequestVote'], zh: ['RequestVote'] },
  },
  {
    id: 'splitVote', group: 'roles',
    term: { en: 'split vote', zh: '选票分裂' },
    definition: {
      en: 'An election in which no candidate gets a majority because several ran at once; each times out again and a new term starts, and random timeouts make a repeat unlikely.',
      zh: '几个候选人同时参选、谁都没有拿到多数票的选举；它们会再次超时并开始新的任期，随机的超时时间让这种情况很少重演。',
    },
    source: { en: 'Raft paper §5.2', zh: 'Raft 论文 §5.2' },
    match: { en: ['split vote', 'split votes'], zh: ['选票分裂'] },
  },
  // ---- the log and replication ----------------------------------------------------------
  {
    id: 'log', group: 'log',
    term: { en: 'log', zh: '日志' },
    definition: {
      en: 'A server’s numbered list of entries, each a command with the term in which a leader received it; persistent, and applied to the state machine in index order.',
      zh: '服务器上编号的条目列表，每个条目是一条命令以及领导者收到它时的任期；日志是持久的，并按索引顺序应用到状态机。',
    },
    source: { en: 'Raft paper Figure 2, §5.3, Figure 6', zh: 'Raft 论文图 2，§5.3，图 6' },
    match: { en: ['log', 'logs'], zh: ['日志'] },
  },
  {
    id: 'AppendEntries', group: 'log',
    term: { en: 'AppendEntries', zh: 'AppendEntries（追加条目）' },
    definition: {
      en: 'The RPC a leader sends to replicate entries (and, empty, as a heartbeat); the follower accepts it only if its log holds prevLogIndex with prevLogTerm.',
      zh: '领导者用来复制条目的 RPC（不带条目时就是心跳）；只有当跟随者的日志在 prevLogIndex 处有任期为 prevLogTerm 的条目时，它才接受。',
    },
    source: { en: 'Raft paper Figure 2, §5.3', zh: 'Raft 论文图 2，§5.3' },
    match: { en: ['AppendEntries'], zh: ['AppendEntries'] },
  },
  {
    id: 'prevLogIndex', group: 'log',
    term: { en: 'prevLogIndex, prevLogTerm', zh: 'prevLogIndex、prevLogTerm' },
    definition: {
      en: 'The index and term of the entry just before the new ones in an AppendEntries: the consistency check that keeps logs matching.',
      zh: 'AppendEntries 中新条目前一个条目的索引和任期：这是保证各日志一致的一致性检查。',
    },
    source: { en: 'Raft paper Figure 2, §5.3', zh: 'Raft 论文图 2，§5.3' },
    match: { en: ['prevLogIndex', 'prevLogTerm'], zh: ['prevLogIndex', 'prevLogTerm'] },
  },
  {
    id: 'commitIndex', group: 'log',
    term: { en: 'commitIndex', zh: 'commitIndex（提交索引）' },
    definition: {
      en: 'The highest log index a server knows to be committed, i.e. safe to apply because it is durable on a majority; volatile, learnt again after a restart.',
      zh: '服务器所知的已提交的最高日志索引，即已在多数派上持久保存、可以安全应用的位置；它是易失的，重启后重新获知。',
    },
    source: { en: 'Raft paper Figure 2 (volatile state), §5.3', zh: 'Raft 论文图 2（易失状态），§5.3' },
    match: { en: ['commitIndex'], zh: ['commitIndex'] },
  },
  {
    id: 'leaderCommit', group: 'log',
    term: { en: 'leaderCommit', zh: 'leaderCommit' },
    definition: {
      en: 'The leader’s commitIndex, sent in every AppendEntries so that followers learn which entries are committed and apply them.',
      zh: '领导者的 commitIndex，随每条 AppendEntries 发送，跟随者由此得知哪些条目已提交并应用它们。',
    },
    source: { en: 'Raft paper Figure 2, §5.3', zh: 'Raft 论文图 2，§5.3' },
    match: { en: ['leaderCommit'], zh: ['leaderCommit'] },
  },
  {
    id: 'lastApplied', group: 'log',
    term: { en: 'lastApplied', zh: 'lastApplied（最后应用的索引）' },
    definition: {
      en: 'The highest log index a server has applied to its state machine (here the key-value store); it follows commitIndex.',
      zh: '服务器已应用到其状态机（这里是键值存储）的最高日志索引；它跟在 commitIndex 后面。',
    },
    source: { en: 'Raft paper Figure 2 (volatile state)', zh: 'Raft 论文图 2（易失状态）' },
    match: { en: ['lastApplied'], zh: ['lastApplied'] },
  },
  {
    id: 'nextIndex', group: 'log',
    term: { en: 'nextIndex', zh: 'nextIndex' },
    definition: {
      en: 'For each follower, the index of the next entry the leader will send it; backed up after a rejected AppendEntries until the logs agree.',
      zh: '领导者为每个跟随者记录的、下一个要发送的条目索引；AppendEntries 被拒绝后它会回退，直到双方日志一致。',
    },
    source: { en: 'Raft paper Figure 2 (leader state), §5.3', zh: 'Raft 论文图 2（领导者状态），§5.3' },
    match: { en: ['nextIndex'], zh: ['nextIndex'] },
  },
  {
    id: 'matchIndex', group: 'log',
    term: { en: 'matchIndex', zh: 'matchIndex' },
    definition: {
      en: 'For each follower, the highest index the leader knows is replicated there; the leader commits an index once a majority’s matchIndex reaches it.',
      zh: '领导者为每个跟随者记录的、已知已复制到该跟随者的最高索引；当多数派的 matchIndex 都达到某个索引时，领导者就提交它。',
    },
    source: { en: 'Raft paper Figure 2 (leader state), §5.3', zh: 'Raft 论文图 2（领导者状态），§5.3' },
    match: { en: ['matchIndex'], zh: ['matchIndex'] },
  },
  {
    id: 'upToDate', group: 'log',
    term: { en: 'up-to-date log (election restriction)', zh: '日志至少一样新（选举限制）' },
    definition: {
      en: 'A server votes only for a candidate whose last entry has a higher term, or the same term and an index at least as high, so every leader holds all committed entries.',
      zh: '服务器只投票给最后一个条目任期更高、或任期相同且索引不更小的候选人，因此每个领导者都拥有全部已提交的条目。',
    },
    source: { en: 'Raft paper §5.4.1', zh: 'Raft 论文 §5.4.1' },
    match: { en: ['up to date'], zh: ['一样新'] },
  },
  {
    id: 'commitRule', group: 'log',
    term: { en: 'commitment rule (§5.4.2)', zh: '提交规则（§5.4.2）' },
    definition: {
      en: 'A leader commits by counting replicas only entries of its own current term; earlier entries become committed with them. Figure 8 shows why counting an old entry is unsafe.',
      zh: '领导者只通过统计副本数来提交自己当前任期的条目，更早的条目随之一起提交。图 8 说明了为什么统计旧条目的副本数是不安全的。',
    },
    source: { en: 'Raft paper §5.4.2, Figure 8', zh: 'Raft 论文 §5.4.2，图 8' },
    match: { en: ['rule of §5.4.2', 'commitment rule'], zh: ['§5.4.2 的规则', '提交规则'] },
  },
  {
    id: 'commitPreviousTermEntries', group: 'log',
    term: { en: 'commitPreviousTermEntries (unsafe)', zh: 'commitPreviousTermEntries（不安全开关）' },
    definition: {
      en: 'This simulator’s deliberate bug for teaching: the leader also counts replicas of earlier terms’ entries, breaking the commitment rule, so a committed entry can be lost.',
      zh: '本模拟器为教学特意提供的缺陷开关：领导者也统计更早任期条目的副本数，这违反了提交规则，于是已提交的条目可能丢失。',
    },
    source: { en: 'Raft paper §5.4.2, Figure 8; scenarios/figure-8-unsafe.yaml', zh: 'Raft 论文 §5.4.2，图 8；scenarios/figure-8-unsafe.yaml' },
    match: { en: ['commitPreviousTermEntries'], zh: ['commitPreviousTermEntries'] },
  },
  {
    id: 'noop', group: 'log',
    term: { en: 'no-op entry', zh: '空操作条目（no-op）' },
    definition: {
      en: 'The empty entry a new leader appends at the start of its term, so that an entry of its own term commits soon and brings earlier entries with it.',
      zh: '新领导者在任期开始时追加的空条目，使自己任期的一个条目尽快提交，并把更早的条目一起提交。',
    },
    source: { en: 'Raft paper §8', zh: 'Raft 论文 §8' },
    match: { en: ['no-op'], zh: ['空操作'] },
  },
  {
    id: 'persistentState', group: 'log',
    term: { en: 'persistent state', zh: '持久状态' },
    definition: {
      en: 'currentTerm, votedFor and the log, written to stable storage before answering; a crash loses only the volatile state (commitIndex, lastApplied, the leader’s indexes).',
      zh: 'currentTerm、votedFor 和日志，在回应之前写入持久存储；崩溃只会丢失易失状态（commitIndex、lastApplied、领导者的各个索引）。',
    },
    source: { en: 'Raft paper Figure 2, §5.1', zh: 'Raft 论文图 2，§5.1' },
    match: { en: ['persistent state', 'volatile state'], zh: ['持久状态', '易失状态'] },
  },
  // ---- safety properties ----------------------------------------------------------------
  {
    id: 'electionSafety', group: 'safety',
    term: { en: 'Election Safety', zh: '选举安全性' },
    definition: { en: 'At most one leader can be elected in a given term.', zh: '在一个给定的任期内至多只能选出一个领导者。' },
    source: { en: 'Raft paper Figure 3, §5.2', zh: 'Raft 论文图 3，§5.2' },
    match: { en: ['Election Safety'], zh: ['选举安全性'] },
  },
  {
    id: 'leaderAppendOnly', group: 'safety',
    term: { en: 'Leader Append-Only', zh: '领导者只追加' },
    definition: { en: 'A leader never overwrites or deletes entries in its own log; it only appends.', zh: '领导者从不覆盖或删除自己日志中的条目，只追加新条目。' },
    source: { en: 'Raft paper Figure 3, §5.3', zh: 'Raft 论文图 3，§5.3' },
    match: { en: ['Leader Append-Only'], zh: ['领导者只追加'] },
  },
  {
    id: 'logMatching', group: 'safety',
    term: { en: 'Log Matching', zh: '日志匹配' },
    definition: { en: 'If two logs hold an entry with the same index and term, the logs are identical up to that index.', zh: '如果两份日志在同一索引处有任期相同的条目，那么这两份日志在该索引之前完全相同。' },
    source: { en: 'Raft paper Figure 3, §5.3', zh: 'Raft 论文图 3，§5.3' },
    match: { en: ['Log Matching'], zh: ['日志匹配'] },
  },
  {
    id: 'leaderCompleteness', group: 'safety',
    term: { en: 'Leader Completeness', zh: '领导者完整性' },
    definition: { en: 'An entry committed in a term is in the log of every leader of every later term.', zh: '在某个任期提交的条目，会出现在之后所有任期的领导者的日志中。' },
    source: { en: 'Raft paper Figure 3, §5.4', zh: 'Raft 论文图 3，§5.4' },
    match: { en: ['Leader Completeness'], zh: ['领导者完整性'] },
  },
  {
    id: 'stateMachineSafety', group: 'safety',
    term: { en: 'State Machine Safety', zh: '状态机安全性' },
    definition: { en: 'Once a server has applied an entry at an index, no server ever applies a different entry at that index.', zh: '一旦某台服务器在某个索引处应用了一个条目，任何服务器都不会在该索引处应用不同的条目。' },
    source: { en: 'Raft paper Figure 3, §5.4.3', zh: 'Raft 论文图 3，§5.4.3' },
    match: { en: ['State Machine Safety'], zh: ['状态机安全性'] },
  },
  {
    id: 'partition', group: 'safety',
    term: { en: 'network partition', zh: '网络分区' },
    definition: {
      en: 'A split of the network into groups that cannot reach each other; only a group with a majority can elect a leader and commit, the others wait.',
      zh: '网络被分成互相无法通信的几组；只有包含多数派的那一组能选出领导者并提交条目，其余各组只能等待。',
    },
    source: { en: 'Raft paper §5.2, §5.3; Raft thesis §6.4', zh: 'Raft 论文 §5.2，§5.3；Raft 博士论文 §6.4' },
    match: { en: ['partition', 'partitioned'], zh: ['网络分区', '分区'] },
  },
  // ---- etcd raft: the leader's view of each follower -------------------------------------
  {
    id: 'Progress', group: 'etcdRaft',
    term: { en: 'Progress', zh: 'Progress（复制进度）' },
    definition: {
      en: 'etcd raft’s record of one follower on the leader: its Match and Next indexes (matchIndex, nextIndex) and a state, probe, replicate or snapshot.',
      zh: 'etcd raft 中领导者为每个跟随者保存的记录：它的 Match 和 Next 索引（matchIndex、nextIndex）以及一个状态：probe、replicate 或 snapshot。',
    },
    source: { en: 'etcd raft tracker/progress.go', zh: 'etcd raft tracker/progress.go' },
    match: { en: ['Progress'], zh: ['Progress'] },
  },
  {
    id: 'probe', group: 'etcdRaft',
    term: { en: 'probe (StateProbe)', zh: 'probe（探测状态，StateProbe）' },
    definition: {
      en: 'The leader does not know where the follower’s log ends: it sends one AppendEntries at a time and waits for the answer before sending more.',
      zh: '领导者不知道跟随者的日志到哪里为止：它每次只发送一条 AppendEntries，收到回复后才继续发送。',
    },
    source: { en: 'etcd raft tracker/progress.go, tracker/state.go', zh: 'etcd raft tracker/progress.go，tracker/state.go' },
    match: { en: ['probe', 'StateProbe'], zh: ['StateProbe', '探测'] },
  },
  {
    id: 'replicate', group: 'etcdRaft',
    term: { en: 'replicate (StateReplicate)', zh: 'replicate（复制状态，StateReplicate）' },
    definition: {
      en: 'The follower is known to match: the leader streams entries optimistically, advancing Next as it sends, up to the inflight limit.',
      zh: '已知跟随者的日志与领导者一致：领导者乐观地连续发送条目，发送时就推进 Next，直到达到 inflight 上限。',
    },
    source: { en: 'etcd raft tracker/progress.go, tracker/state.go', zh: 'etcd raft tracker/progress.go，tracker/state.go' },
    match: { en: ['replicate', 'StateReplicate'], zh: ['StateReplicate'] },
  },
  {
    id: 'snapshotState', group: 'etcdRaft',
    term: { en: 'snapshot (StateSnapshot)', zh: 'snapshot（快照状态，StateSnapshot）' },
    definition: {
      en: 'The follower needs entries the leader has compacted away: the leader sends a snapshot (InstallSnapshot) and waits for it to land.',
      zh: '跟随者需要的条目已被领导者压缩掉：领导者发送快照（InstallSnapshot）并等待它被安装。',
    },
    source: { en: 'etcd raft tracker/state.go; Raft paper §7', zh: 'etcd raft tracker/state.go；Raft 论文 §7' },
    match: { en: ['StateSnapshot', 'InstallSnapshot'], zh: ['StateSnapshot', 'InstallSnapshot'] },
  },
  {
    id: 'inflight', group: 'etcdRaft',
    term: { en: 'inflights', zh: 'inflights（在途消息）' },
    definition: {
      en: 'The AppendEntries sent to a follower in replicate state and not yet acknowledged; the leader stops sending when their number reaches the limit.',
      zh: '在 replicate 状态下已发给跟随者、尚未得到确认的 AppendEntries；数量达到上限时领导者暂停发送。',
    },
    source: { en: 'etcd raft tracker/inflights.go', zh: 'etcd raft tracker/inflights.go' },
    match: { en: ['inflight', 'inflights'], zh: ['inflight', 'inflights', '在途'] },
  },
  // ---- the etcd store and its clients ---------------------------------------------------
  {
    id: 'linearizable', group: 'store',
    term: { en: 'linearizable', zh: '线性一致（linearizable）' },
    definition: {
      en: 'Every operation appears to take effect at one instant between its invocation and its reply, so a read never returns a value older than a write that finished before it.',
      zh: '每个操作看起来都在其调用和回复之间的某一瞬间生效，因此读操作不会返回比它开始前已完成的写入更旧的值。',
    },
    source: { en: 'Herlihy and Wing, 1990; Raft thesis §6.3; etcd API guarantees', zh: 'Herlihy 与 Wing，1990；Raft 博士论文 §6.3；etcd API 保证' },
    match: { en: ['linearizable', 'linearizability'], zh: ['线性一致'] },
  },
  {
    id: 'serializable', group: 'store',
    term: { en: 'serializable read', zh: '可串行化读（serializable）' },
    definition: {
      en: 'etcd’s read served from one server’s own store without going through the leader and the log: fast, but it can return a stale value.',
      zh: 'etcd 中由某台服务器直接用自己的存储回答、不经过领导者和日志的读：很快，但可能返回过期的值。',
    },
    source: { en: 'etcd API guarantees; KV.Range (serializable)', zh: 'etcd API 保证；KV.Range（serializable）' },
    match: { en: ['serializable'], zh: ['可串行化读', '可串行化'] },
  },
  {
    id: 'revision', group: 'store',
    term: { en: 'revision', zh: 'revision（版本号）' },
    definition: {
      en: 'etcd’s store-wide counter: every change (a put, a delete, a transaction that writes) gives the store the next revision.',
      zh: 'etcd 整个存储共用的计数器：每次修改（put、delete、有写入的事务）都让存储进入下一个版本号。',
    },
    source: { en: 'etcd data model; mvccpb.KeyValue', zh: 'etcd 数据模型；mvccpb.KeyValue' },
    match: { en: ['revision', 'revisions'], zh: ['revision', '版本号'] },
  },
  {
    id: 'createRevision', group: 'store',
    term: { en: 'createRevision', zh: 'createRevision（创建版本号）' },
    definition: {
      en: 'The revision at which a key was last created (after being absent or deleted).',
      zh: '键最近一次被创建时（此前不存在或已被删除）的版本号。',
    },
    source: { en: 'etcd mvccpb.KeyValue (create_revision)', zh: 'etcd mvccpb.KeyValue（create_revision）' },
    match: { en: ['createRevision'], zh: ['createRevision'] },
  },
  {
    id: 'modRevision', group: 'store',
    term: { en: 'modRevision', zh: 'modRevision（修改版本号）' },
    definition: {
      en: 'The revision of the last change to a key.',
      zh: '键最近一次被修改时的版本号。',
    },
    source: { en: 'etcd mvccpb.KeyValue (mod_revision)', zh: 'etcd mvccpb.KeyValue（mod_revision）' },
    match: { en: ['modRevision'], zh: ['modRevision'] },
  },
  {
    id: 'version', group: 'store',
    term: { en: 'version', zh: 'version（键版本）' },
    definition: {
      en: 'How many times a key has been written since it was created; a delete resets it to 0.',
      zh: '键自创建以来被写入的次数；删除会把它重置为 0。',
    },
    source: { en: 'etcd mvccpb.KeyValue (version)', zh: 'etcd mvccpb.KeyValue（version）' },
    match: { en: ['version'], zh: [] },
  },
  {
    id: 'txn', group: 'store',
    term: { en: 'txn (transaction)', zh: 'txn（事务）' },
    definition: {
      en: 'etcd’s atomic transaction: if every compare holds, run the success operations, else the failure ones, all at one revision.',
      zh: 'etcd 的原子事务：如果所有比较条件都成立，就执行成功分支的操作，否则执行失败分支的操作，全部在同一个版本号上完成。',
    },
    source: { en: 'etcd KV.Txn', zh: 'etcd KV.Txn' },
    match: { en: ['txn', 'transaction'], zh: ['txn', '事务'] },
  },
  {
    id: 'cas', group: 'store',
    term: { en: 'compare-and-swap (cas)', zh: '比较并交换（cas）' },
    definition: {
      en: 'Set a key to a new value only if it still has the expected value (or is absent): here a txn with one compare; it is how locks are taken.',
      zh: '只有当键仍是预期的值（或不存在）时才把它设为新值：这里是只带一个比较条件的 txn；分布式锁就是这样获取的。',
    },
    source: { en: 'etcd KV.Txn (Compare); etcd clientv3 concurrency', zh: 'etcd KV.Txn（Compare）；etcd clientv3 concurrency' },
    match: { en: ['cas', 'compare-and-swap'], zh: ['cas', '比较并交换'] },
  },
  {
    id: 'clientSession', group: 'store',
    term: { en: 'client session', zh: '客户端会话' },
    definition: {
      en: 'Each client numbers its requests; the state machine remembers the last one applied per client, so a retried request is applied exactly once.',
      zh: '每个客户端为自己的请求编号；状态机记住每个客户端最后应用的请求，因此重试的请求只会被应用一次。',
    },
    source: { en: 'Raft thesis §6.3; Raft paper §8', zh: 'Raft 博士论文 §6.3；Raft 论文 §8' },
    match: { en: ['client session', 'session'], zh: ['客户端会话', '会话'] },
  },
  // ---- issue 12: elections and reads as etcd runs them --------------------------------------
  {
    id: 'PreVote', group: 'roles',
    term: { en: 'PreVote', zh: 'PreVote（预投票）' },
    definition: {
      en: 'A server whose timer fired first asks whether the others would vote for it in the next term, keeping its own term; only a majority of pre-votes starts a real election, so a cut-off server cannot depose a working leader.',
      zh: '选举之前，计时器触发的服务器先询问其他服务器会不会在下一个任期投票给它，但不提升自己的任期；只有获得多数预投票才开始真正的选举，所以一台只是被隔离的服务器无法赶走正常工作的领导者。',
    },
    source: { en: 'Raft thesis §9.6; etcd raft Config.PreVote', zh: 'Raft 博士论文 §9.6；etcd raft Config.PreVote' },
    match: { en: ['PreVote', 'pre-vote', 'pre-votes'], zh: ['PreVote', '预投票'] },
  },
  {
    id: 'preCandidate', group: 'roles',
    term: { en: 'pre-candidate', zh: '预候选者（pre-candidate）' },
    definition: {
      en: 'The role of a server during a pre-vote: it asks for pre-votes for currentTerm + 1 but keeps its term; a majority makes it a candidate, a majority of refusals sends it back to follower.',
      zh: '预投票期间服务器的角色：它为 currentTerm + 1 请求预投票，但保持自己的任期；获得多数同意就成为候选者，被多数拒绝就回到跟随者。',
    },
    source: { en: 'Raft thesis §9.6; etcd raft StatePreCandidate', zh: 'Raft 博士论文 §9.6；etcd raft StatePreCandidate' },
    match: { en: ['pre-candidate', 'preCandidate'], zh: ['预候选者', 'preCandidate'] },
  },
  {
    id: 'CheckQuorum', group: 'roles',
    term: { en: 'CheckQuorum', zh: 'CheckQuorum（检查多数派）' },
    definition: {
      en: 'A leader that has not heard from a majority (itself included) within an election timeout steps down; a server that heard from its leader within the minimum election timeout ignores RequestVote from others (the leader lease).',
      zh: '在一个选举超时之内没有收到多数派（包括自己）消息的领导者会下台；在最小选举超时之内收到过领导者消息的服务器会忽略其他服务器的 RequestVote（领导者租约）。',
    },
    source: { en: 'Raft thesis §6.2, §4.2.3; etcd raft Config.CheckQuorum', zh: 'Raft 博士论文 §6.2、§4.2.3；etcd raft Config.CheckQuorum' },
    match: { en: ['CheckQuorum'], zh: ['CheckQuorum'] },
  },
  {
    id: 'ReadIndex', group: 'store',
    term: { en: 'ReadIndex', zh: 'ReadIndex（读索引）' },
    definition: {
      en: 'A linearizable read without a log entry: the leader takes its commitIndex as the read index, confirms it still leads with one heartbeat round, and answers once applied that far; a follower may ask the leader for one.',
      zh: '不写日志条目的线性一致读：领导者把自己的 commitIndex 作为读索引，用一轮发往多数派的心跳确认自己仍是领导者，应用到那里之后回答；跟随者也可以向领导者要读索引，再用自己的状态回答。',
    },
    source: { en: 'Raft thesis §6.4; etcd raft ReadOnlySafe, MsgReadIndex', zh: 'Raft 博士论文 §6.4；etcd raft ReadOnlySafe、MsgReadIndex' },
    match: { en: ['ReadIndex', 'read index'], zh: ['ReadIndex', '读索引'] },
  },
  {
    id: 'leaseRead', group: 'store',
    term: { en: 'lease read', zh: '租约读（lease read）' },
    definition: {
      en: 'The leader answers a read at once, with no messages, while a majority heard from it within the minimum election timeout divided by the clock-drift bound: safe only while the servers’ clocks stay within that bound.',
      zh: '只要多数派在“最小选举超时 ÷ 时钟漂移上界”之内收到过领导者的消息，领导者就立即回答读请求，不发任何消息：只有在各服务器的时钟都保持在这个上界之内时才安全。',
    },
    source: { en: 'Raft thesis §6.4.1; etcd raft ReadOnlyLeaseBased', zh: 'Raft 博士论文 §6.4.1；etcd raft ReadOnlyLeaseBased' },
    match: { en: ['lease read', 'lease reads', 'its lease', 'no lease'], zh: ['租约读', '租约'] },
  },
  {
    id: 'leaderTransfer', group: 'roles',
    term: { en: 'leader transfer', zh: '领导权移交' },
    definition: {
      en: 'The leader hands leadership to a chosen server: it stops accepting client requests, brings the target’s log up to date, then sends it TimeoutNow; abandoned if not done within an election timeout.',
      zh: '领导者把领导权交给指定的服务器：它停止接受客户端请求，把目标的日志补齐，然后发送 TimeoutNow；如果一个选举超时之内没有完成就放弃。',
    },
    source: { en: 'Raft thesis §3.10; etcd raft MsgTransferLeader, etcdctl move-leader', zh: 'Raft 博士论文 §3.10；etcd raft MsgTransferLeader（etcdctl 的 move-leader 命令）' },
    match: { en: ['leader transfer', 'transfer'], zh: ['移交'] },
  },
  {
    id: 'TimeoutNow', group: 'roles',
    term: { en: 'TimeoutNow', zh: 'TimeoutNow' },
    definition: {
      en: 'The message that ends a leader transfer: its target starts an election at once, skipping PreVote, and voters grant it even within the CheckQuorum lease.',
      zh: '结束领导权移交的消息：目标服务器立即开始选举，跳过 PreVote，即使在 CheckQuorum 的租约之内投票者也会投给它。',
    },
    source: { en: 'Raft thesis §3.10; etcd raft MsgTimeoutNow', zh: 'Raft 博士论文 §3.10；etcd raft MsgTimeoutNow' },
    match: { en: ['TimeoutNow'], zh: ['TimeoutNow'] },
  },
  // ---- membership, snapshots and stable storage (issue 13) ------------------------------
  {
    id: 'configuration', group: 'members',
    term: { en: 'configuration (voters and learners)', zh: '配置（投票者与学习者）' },
    definition: {
      en: 'Who the cluster is: the voters, whose majorities decide elections and commits, and the learners, who only receive the log. It is part of the log and changes when a change entry is applied.',
      zh: '集群由谁组成：投票者（它们的多数派决定选举与提交）和只接收日志的学习者。配置是日志的一部分，在变更条目被应用时改变。',
    },
    source: { en: 'Raft paper §6; etcd raft tracker.Config', zh: 'Raft 论文 §6；etcd raft tracker.Config' },
    match: { en: ['configuration', 'voters', 'voter'], zh: ['配置', '投票者'] },
  },
  {
    id: 'confChange', group: 'members',
    term: { en: 'configuration change (ConfChange)', zh: '配置变更（ConfChange）' },
    definition: {
      en: 'A log entry that adds, promotes or removes servers; each server switches when it applies it, and the leader accepts only one unapplied change at a time.',
      zh: '一个添加、提升或移除服务器的日志条目；每台服务器在应用它时切换配置，领导者同一时间只接受一个尚未应用的变更。',
    },
    source: { en: 'Raft thesis §4.1; etcd raft ConfChangeV2, pendingConfIndex', zh: 'Raft 博士论文 §4.1；etcd raft ConfChangeV2、pendingConfIndex' },
    match: { en: ['configuration change', 'ConfChange'], zh: ['配置变更', 'ConfChange'] },
  },
  {
    id: 'learner', group: 'members',
    term: { en: 'learner', zh: '学习者（learner）' },
    definition: {
      en: 'A member that receives the log and snapshots but never votes, never campaigns and counts in no majority; etcd adds new servers as learners, then promotes them once caught up.',
      zh: '接收日志和快照、但从不投票、从不参加选举、也不计入任何多数派的成员；etcd 先把新服务器加为学习者，等它追上之后再提升。',
    },
    source: { en: 'Raft thesis §4.2.1; etcd raft Progress.IsLearner, etcdctl member promote', zh: 'Raft 博士论文 §4.2.1；etcd raft Progress.IsLearner、etcdctl member promote' },
    match: { en: ['learner', 'learners'], zh: ['学习者'] },
  },
  {
    id: 'jointConsensus', group: 'members',
    term: { en: 'joint consensus (C_old,new)', zh: '联合共识（C_old,new）' },
    definition: {
      en: 'How several servers change at once: a joint configuration where every decision needs a majority of the old voters and of the new ones, then left for the new configuration alone.',
      zh: '一次改变多台服务器的方法：先进入联合配置，其中每个决定都需要旧投票者和新投票者各自的多数派，然后离开它，只留新配置。',
    },
    source: { en: 'Raft paper §6, Figure 11; etcd raft ConfChangeV2, AutoLeave', zh: 'Raft 论文 §6，图 11；etcd raft ConfChangeV2、AutoLeave' },
    match: { en: ['joint configuration', 'joint consensus', 'C_old,new'], zh: ['联合配置', '联合共识'] },
  },
  {
    id: 'spare', group: 'members',
    term: { en: 'spare', zh: '备用服务器（spare）' },
    definition: {
      en: 'A server that exists but is not a member yet (raftsim’s cluster.spares): it starts empty when a change adds it, as an etcd member is started after member add, and catches up from the leader.',
      zh: '已存在但还不是成员的服务器（raftsim 的 cluster.spares）：变更加入它时它才以空状态启动（就像 etcd 在 member add 之后启动新成员），并从领导者那里追赶。',
    },
    source: { en: 'etcd docs: member add, --initial-cluster-state existing', zh: 'etcd 文档：member add、--initial-cluster-state existing' },
    match: { en: ['spare', 'spares'], zh: ['备用服务器'] },
  },
  {
    id: 'StepDownOnRemoval', group: 'members',
    term: { en: 'StepDownOnRemoval', zh: 'StepDownOnRemoval（被移除后下台）' },
    definition: {
      en: 'A leader that removes itself keeps leading until the change is committed and applied, then steps down and no longer campaigns.',
      zh: '移除自己的领导者一直领导到该变更被提交并应用，然后下台，不再参加选举。',
    },
    source: { en: 'Raft thesis §4.2.2; etcd raft Config.StepDownOnRemoval', zh: 'Raft 博士论文 §4.2.2；etcd raft Config.StepDownOnRemoval' },
    match: { en: ['StepDownOnRemoval'], zh: ['StepDownOnRemoval'] },
  },
  {
    id: 'logCompaction', group: 'members',
    term: { en: 'snapshot and log compaction', zh: '快照与日志压缩' },
    definition: {
      en: 'A server writes its state machine out with the last index and term it covers, then discards the log up to there; a follower that needs discarded entries is sent the snapshot instead.',
      zh: '服务器把状态机连同它覆盖的最后索引和任期写成快照，然后丢弃到那里为止的日志；需要已丢弃条目的跟随者改为收到这个快照。',
    },
    source: { en: 'Raft paper §7, Figure 12; etcd --snapshot-count', zh: 'Raft 论文 §7，图 12；etcd --snapshot-count' },
    match: { en: ['snapshot', 'snapshots', 'log compaction', 'compacts', 'compacted'], zh: ['快照', '日志压缩'] },
  },
  {
    id: 'WAL', group: 'members',
    term: { en: 'WAL and fsync', zh: 'WAL 与 fsync（落盘）' },
    definition: {
      en: 'Stable storage as etcd keeps it: a write-ahead log of the hard state (term, vote, commit) and entries, plus snap files; a server acknowledges only what an fsync has put on disk.',
      zh: 'etcd 的持久存储：一个预写日志（WAL），记录硬状态（任期、投票、提交）和条目，外加快照文件；服务器只确认已经 fsync 落盘的内容。',
    },
    source: { en: 'etcd server/storage/wal; etcd raft AsyncStorageWrites; Raft paper Figure 2', zh: 'etcd server/storage/wal；etcd raft AsyncStorageWrites；Raft 论文图 2' },
    match: { en: ['WAL', 'HardState', 'fsync'], zh: ['WAL', 'HardState', 'fsync', '落盘'] },
  },
];

/** The entry with this id, or undefined. */
export function glossaryEntry(id: string): GlossaryEntry | undefined {
  return GLOSSARY.find((g) => g.id === id);
}

/** A piece of a sentence: plain text, or the words of a glossary term. */
export type TermPiece = { text: string; term?: string };

/** A form with a capital letter (commitIndex, RequestVote, Progress, Leader Completeness) matches with its exact case. */
const EXACT = /[A-Z]/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Matcher {
  re: RegExp;
  /** Lower-cased (for words) or exact (for identifiers) surface form → entry id. */
  ids: Map<string, string>;
}
const matchers = new Map<Locale, Matcher>();

/**
 * One pattern per language: every surface form, longest first so "election timeout" wins over
 * shorter words, whole-word in English, as is in Chinese (which has no spaces between words).
 */
function matcher(lang: Locale): Matcher {
  const cached = matchers.get(lang);
  if (cached) return cached;
  const ids = new Map<string, string>();
  const forms: string[] = [];
  for (const g of GLOSSARY) {
    // Identifiers (commitIndex, RequestVote) appear untranslated in every language's sentences.
    const own = g.match[lang];
    const shared = lang === 'en' ? [] : g.match.en.filter((w) => EXACT.test(w) && !/\s/.test(w));
    for (const w of [...own, ...shared]) {
      const key = EXACT.test(w) ? w : w.toLowerCase();
      if (!ids.has(key)) {
        ids.set(key, g.id);
        forms.push(w);
      }
    }
  }
  forms.sort((a, b) => b.length - a.length);
  const alts = forms.map((w) => {
    const body = escape(w);
    // Latin words are matched whole (not "log" inside "prevLogIndex"); CJK forms anywhere.
    return /^[\w§ .-]+$/.test(w) ? `(?<![\\w-])${body}(?![\\w-])` : body;
  });
  const m = { re: new RegExp(alts.join('|'), 'gi'), ids };
  matchers.set(lang, m);
  return m;
}

/**
 * Splits a sentence into plain text and glossary terms: the first mention of each term only, so a
 * line is not a row of links.
 */
export function linkTerms(text: string, lang: Locale): TermPiece[] {
  const { re, ids } = matcher(lang);
  const out: TermPiece[] = [];
  const seen = new Set<string>();
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const word = m[0];
    const id = ids.get(word) ?? ids.get(word.toLowerCase());
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ text: word, term: id });
    last = m.index + word.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
