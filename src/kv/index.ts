/**
 * The etcd v3 store as one import: the MVCC store and state machine, the lessor, the watch hub,
 * ranges, lease IDs, errors and types. See each module for the etcd rules it follows.
 */
export * from './errors';
export * from './leaseId';
export * from './lessor';
export * from './range';
export * from './sortedMap';
export * from './store';
export type * from './types';
export * from './watch';
