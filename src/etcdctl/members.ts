/**
 * Deterministic member and cluster IDs and made-up URLs for the simulator's servers.
 *
 * etcd derives a member ID from the member's peer URLs, the cluster token and (for a member added
 * at run time) the time (etcdserver/api/membership/member.go computeMemberID: the first 8 bytes of
 * a SHA-1), and the cluster ID from the sorted member IDs (cluster.go genID). Here both are a
 * 64-bit FNV-1a hash of the same inputs without the time, so a seed and a scenario always show the
 * same IDs. The top bit is set so that every ID prints as 16 hex digits, as real IDs nearly always
 * do. A server named `S1` has peer URL `http://s1:2380` and client URL `http://s1:2379`.
 */

/** A member or cluster ID (etcd uint64) as 16 lowercase hex digits. */
export type MemberId = string;

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * FNV_PRIME) & MASK;
  }
  return h;
}

function toId(h: bigint): MemberId {
  return (h | (1n << 63n)).toString(16).padStart(16, '0');
}

/** The made-up peer URL of a server: `http://<name in lower case>:2380`. */
export function peerUrlFor(serverName: string): string {
  return `http://${serverName.toLowerCase()}:2380`;
}

/** The made-up client URL of a server (what `--endpoints` and `endpoint status` show): `http://<name>:2379`. */
export function clientUrlFor(serverName: string): string {
  return `http://${serverName.toLowerCase()}:2379`;
}

/**
 * The member ID for a set of peer URLs (etcd computeMemberID without the time): sorted URLs
 * joined, hashed. Throws a RangeError for an empty list.
 */
export function memberIdFromPeerUrls(peerUrls: readonly string[]): MemberId {
  if (peerUrls.length === 0) throw new RangeError('memberIdFromPeerUrls: no peer URLs');
  return toId(fnv1a64(`raftsim-member\n${[...peerUrls].sort().join('\n')}`));
}

/** The member ID of a server by its name (from its made-up peer URL). */
export function memberIdFor(serverName: string): MemberId {
  return memberIdFromPeerUrls([peerUrlFor(serverName)]);
}

/** The cluster ID of the initial members (etcd genID over the sorted member IDs). */
export function clusterIdFor(memberIds: readonly MemberId[]): MemberId {
  return toId(fnv1a64(`raftsim-cluster\n${[...memberIds].sort().join('\n')}`));
}
