/**
 * The safety checker's words in Chinese. The checker (src/check/invariants.ts) reports a violated
 * property by its English name and a detail sentence built from a fixed set of templates; the page
 * shows both in the reader's language by matching those templates here. A detail that matches none
 * (a template added to the checker later) is shown as the checker wrote it.
 */

/** The Raft paper's Figure 3 properties and the checker's extra ones, English name → Chinese. */
export const PROPERTIES_ZH: Record<string, string> = {
  'Election Safety': '选举安全性',
  'Leader Append-Only': '领导者只追加',
  'Log Matching': '日志匹配',
  'Leader Completeness': '领导者完整性',
  'State Machine Safety': '状态机安全性',
  'Term and Vote Persistence': '任期与投票持久性',
  'Applied In Order': '按序应用',
  'Replica Agreement': '副本一致性',
};

const N = '(\\S+?)';
const I = '(\\d+)';

/** Each checker detail template as a pattern, and its Chinese sentence with $1… for the captures. */
const DETAILS_ZH: [RegExp, string][] = [
  [new RegExp(`^two leaders in term ${I}: ${N} and ${N}$`), '任期 $1 中出现了两个领导者：$2 和 $3'],
  [new RegExp(`^${N} became leader of term ${I} without the entry committed at index ${I} \\(term ${I}\\)$`), '$1 成为任期 $2 的领导者，但它没有索引 $3 处已提交的条目（任期 $4）'],
  [new RegExp(`^leader ${N} \\(term ${I}\\) overwrote or deleted entries from index ${I}$`), '领导者 $1（任期 $2）覆盖或删除了从索引 $3 开始的条目'],
  [new RegExp(`^${N} removed or overwrote its entry at index ${I}, which it had already committed \\(commitIndex ${I}\\)$`), '$1 删除或覆盖了它在索引 $2 处的条目，而它已经提交了这个条目（commitIndex $3）'],
  [new RegExp(`^${N}'s log changed under its entry of term ${I} at index ${I}: it now follows an entry of term ${I} instead of ${I}$`), '$1 的日志在它索引 $3 处任期 $2 的条目之前发生了变化：这个条目前面现在是任期 $4 的条目，而不是任期 $5 的'],
  [new RegExp(`^${N}'s log changed under its entry of term ${I} at index ${I}: the entry itself differs$`), '$1 的日志在索引 $3 处任期 $2 的条目发生了变化：条目本身不同了'],
  [new RegExp(`^${N} and ${N} both hold an entry of term ${I} at index ${I} but their logs differ just before it \\(terms ${I} and ${I}\\)$`), '$1 和 $2 在索引 $4 处都有任期 $3 的条目，但它们的日志在这个条目之前就不同（任期 $5 和 $6）'],
  [new RegExp(`^${N} and ${N} both hold an entry of term ${I} at index ${I} but their logs differ in that entry$`), '$1 和 $2 在索引 $4 处都有任期 $3 的条目，但这个条目的内容不同'],
  [new RegExp(`^entry at index ${I} \\(term ${I}\\) committed in term ${I} by ${N} is missing from ${N}, leader of later term ${I}$`), '索引 $1 处的条目（任期 $2）已由 $4 在任期 $3 提交，但更晚的任期 $6 的领导者 $5 没有它'],
  [new RegExp(`^${N} applied an entry of term ${I} at index ${I} but ${N} applied a different one of term ${I}$`), '$1 在索引 $3 处应用了任期 $2 的条目，而 $4 在同一索引处应用了另一个任期 $5 的条目'],
  [new RegExp(`^${N}'s currentTerm went back from ${I} to ${I}$`), '$1 的 currentTerm 从 $2 倒退到了 $3'],
  [new RegExp(`^${N}'s vote in term ${I} changed from ${N} to nobody$`), '$1 在任期 $2 的投票从 $3 变成了没有投票'],
  [new RegExp(`^${N}'s vote in term ${I} changed from ${N} to ${N}$`), '$1 在任期 $2 的投票从 $3 变成了 $4'],
  [new RegExp(`^${N} applied index ${I} right after index ${I}$`), '$1 在应用索引 $3 之后紧接着应用了索引 $2'],
  [new RegExp(`^${N}'s key-value store after applying index ${I} differs from another server's at the same index$`), '$1 应用索引 $2 之后的键值存储与另一台服务器在同一索引处的不同'],
  [new RegExp(`^${N}'s snapshot ends at index ${I} with term ${I} but ${N}'s with term ${I}$`), '$1 的快照截止于索引 $2，任期为 $3，而 $4 的快照在同一索引处的任期为 $5'],
  [new RegExp(`^${N}'s snapshot ends at index ${I} with term ${I}, but the entry committed at index ${I} has term ${I}$`), '$1 的快照截止于索引 $2，任期为 $3，但索引 $4 处已提交的条目的任期是 $5'],
  [new RegExp(`^${N} restored a snapshot at index ${I} whose key-value state differs from the state other servers had after applying index ${I}$`), '$1 恢复了索引 $2 处的快照，但快照中的键值状态与其他服务器应用索引 $3 之后的状态不同'],
];

/** A checker detail sentence in Chinese, or null when it matches no known template. */
export function invariantDetailZh(detail: string): string | null {
  for (const [re, zh] of DETAILS_ZH) {
    if (re.test(detail)) return detail.replace(re, zh);
  }
  return null;
}
