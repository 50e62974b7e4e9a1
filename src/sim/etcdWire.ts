/**
 * What travels between a simulated etcd client and a server (issue 14): the bodies of
 * EtcdRequest and EtcdResponse messages (src/sim/types.ts). Plain data, named after etcd's RPCs
 * (etcdserverpb KV, Lease, Watch, Cluster, Maintenance).
 */
import type { KvRequest, KvResponse, LeaseId, WatchCreateRequest, WatchResponse } from '../kv';
import type { NodeId } from '../raft/types';

/** The request of an EtcdRequest. */
export type EtcdWireRequest =
  /** KV (range, put, deleteRange, txn, compact): a serializable range is answered locally, the rest goes through the log. */
  | { kind: 'kv'; request: KvRequest }
  /** Lease.Grant: the leader draws the ID and raises the TTL (seconds) to the minimum. */
  | { kind: 'leaseGrant'; ttl: number }
  | { kind: 'leaseRevoke'; id: LeaseId }
  /** Lease.KeepAlive (one round): answered by the leader's lessor. */
  | { kind: 'keepAlive'; id: LeaseId }
  | { kind: 'timeToLive'; id: LeaseId; keys: boolean }
  | { kind: 'leases' }
  /** Watch create on a watch stream `stream` (the client's number for it). */
  | { kind: 'watchCreate'; stream: number; watch: WatchCreateRequest }
  | { kind: 'watchCancel'; stream: number; watchId: number }
  | { kind: 'memberList' }
  /** Cluster.MemberAdd / MemberRemove / MemberPromote: a ConfChange through the leader (the membership issue's Simulation.member). */
  | { kind: 'memberAdd'; peerUrls: string[]; isLearner: boolean }
  | { kind: 'memberRemove'; target: NodeId }
  | { kind: 'memberPromote'; target: NodeId }
  | { kind: 'status' }
  | { kind: 'moveLeader'; target: NodeId };

/** etcd's ResponseHeader as a server fills it (member and cluster IDs are added by the client side from the names). */
export interface WireHeader {
  revision: number;
  raftTerm: number;
}

/** A member as a server reports it: a server name, and whether it is a learner. */
export interface WireMember {
  name: NodeId;
  isLearner: boolean;
}

/** A node's status (Maintenance.Status) as data. */
export interface WireStatus {
  leader: NodeId | null;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  dbSize: number;
  dbSizeInUse: number;
}

/** The body of an EtcdResponse. */
export type EtcdWireResponse =
  /** Not done here: try `leaderHint` (etcd forwards to the leader; the simulated client does it). */
  | { kind: 'notLeader'; leaderHint: NodeId | null }
  /** Refused with etcd's error text. */
  | { kind: 'error'; error: string; header: WireHeader }
  | { kind: 'kv'; response: KvResponse; header: WireHeader }
  | { kind: 'keepAlive'; id: LeaseId; ttl: number; header: WireHeader }
  | { kind: 'timeToLive'; id: LeaseId; ttl: number; grantedTtl: number; keys: string[]; header: WireHeader }
  | { kind: 'leases'; ids: LeaseId[]; header: WireHeader }
  /**
   * A watch response on stream `stream` (a creation reply, events, or a cancel). `seq` numbers the
   * stream's responses from 0 (the creation reply): a gRPC stream is ordered, and the client
   * hands them on in that order even when the network reorders the messages.
   */
  | { kind: 'watch'; stream: number; seq: number; response: WatchResponse; header: WireHeader }
  /** The members as the answering server's applied configuration has them; `added` names the new one (MemberAdd). */
  | { kind: 'memberList'; members: WireMember[]; added?: NodeId; header: WireHeader }
  | { kind: 'status'; status: WireStatus; header: WireHeader }
  | { kind: 'moveLeader'; header: WireHeader };
