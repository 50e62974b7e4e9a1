/**
 * The page's strings for issue 12 (PreVote, CheckQuorum, ReadIndex and lease reads, clock drift,
 * leader transfer), kept in their own block so that they merge cleanly: en.ts and zh.ts spread
 * `electEn` / `electZh` into their dictionaries. Whole sentences with named placeholders, each
 * with its source (Raft thesis section, etcd raft).
 */

export const electEn = {
  'action.transfer': 'transfer leadership to {to}',
  'stepKind.transfer': 'transfer',
} as const;

/** Simplified Chinese of `electEn` (the type makes a missing key a compile error). */
export const electZh: Record<keyof typeof electEn, string> = {
  'action.transfer': '把领导权移交给 {to}',
  'stepKind.transfer': '移交领导权',
};
