/**
 * etcdctl v3 as a pure module: parse a command line (parse.ts), run it against an EtcdClient
 * (run.ts, client.ts; results are synchronous Pending values, pending.ts), print responses as etcdctl does (format.ts, table.ts), and etcd's
 * concurrency recipes (recipes.ts). memory.ts is a client over one in-memory store. See README.md.
 */
export * from './client';
export * from './format';
export * from './go';
export * from './help';
export * from './members';
export * from './memory';
export * from './parse';
export * from './pending';
export * from './recipes';
export * from './run';
export * from './table';
export * from './tokenize';
export * from './flags';
export * from './complete';
