/**
 * The page's strings for issue 14 (the etcd v3 API through the engine), kept in their own block so
 * that they merge cleanly: en.ts and zh.ts spread `etcdEn` / `etcdZh` into their dictionaries.
 * etcdctl's own output is never translated (it stays as etcdctl prints it).
 */

export const etcdEn = {
  'action.etcdctl': '{client} runs etcdctl {command}',
  'action.etcdctlVia': '{client} runs etcdctl {command} on {via}',
  'action.etcdCancel': 'Ctrl-C on {name}',
  'stepKind.etcdctl': 'etcdctl',
  'stepKind.cancel': 'cancel',
} as const;

/** Simplified Chinese of `etcdEn` (the type makes a missing key a compile error). */
export const etcdZh: Record<keyof typeof etcdEn, string> = {
  'action.etcdctl': '{client} 运行 etcdctl {command}',
  'action.etcdctlVia': '{client} 在 {via} 上运行 etcdctl {command}',
  'action.etcdCancel': '对 {name} 按 Ctrl-C',
  'stepKind.etcdctl': 'etcdctl 命令',
  'stepKind.cancel': '取消',
};
