/**
 * The server role statechart of the Raft paper's Figure 4, as an xstate v5 machine.
 *
 * The Raft node drives it with xstate's pure `transition` function (no actor, no clock), so the
 * engine stays deterministic and the UI can draw the very same chart. Only role changes go
 * through xstate (they are rare); message handling is plain TypeScript.
 *
 * PreVote (Raft thesis §9.6; etcd raft StatePreCandidate) is one more state, `preCandidate`, between
 * follower and candidate: with RaftConfig.preVote a timeout leads there (`TIMEOUT_PRE_VOTE`) instead
 * of to candidate, and only a majority of pre-votes (`WIN_PRE_VOTE`) leads on to candidate. A leader
 * transfer's target goes from follower to candidate at once (`TIMEOUT_NOW`, thesis §3.10), and
 * CheckQuorum sends a leader that lost touch with a majority back to follower (`LOSE_QUORUM`, §6.2),
 * and a leader that applies its own removal steps down (`REMOVED`, etcd StepDownOnRemoval).
 * Without those options the node never sends these events and the chart runs as Figure 4 draws it.
 */
import { setup, transition } from 'xstate';
import type { Role, RoleEvent } from './types';

export const roleMachine = setup({
  types: { events: {} as RoleEvent },
}).createMachine({
  id: 'raftRole',
  initial: 'follower',
  states: {
    follower: {
      description: 'Responds to RPCs from candidates and leaders (Figure 2, Followers).',
      on: {
        TIMEOUT: { target: 'candidate', description: 'times out, starts election' },
        TIMEOUT_PRE_VOTE: { target: 'preCandidate', description: 'times out, starts pre-vote' },
        TIMEOUT_NOW: { target: 'candidate', description: 'receives TimeoutNow, starts election at once' },
      },
    },
    preCandidate: {
      description: 'Asks every server for a pre-vote for the next term without raising its own term (thesis §9.6).',
      on: {
        TIMEOUT_PRE_VOTE: { target: 'preCandidate', reenter: true, description: 'times out, new pre-vote' },
        WIN_PRE_VOTE: { target: 'candidate', description: 'receives pre-votes from majority of servers' },
        LOSE_PRE_VOTE: { target: 'follower', description: 'majority of servers refuse the pre-vote' },
        DISCOVER_LEADER: { target: 'follower', description: 'discovers current leader or new term' },
        DISCOVER_HIGHER_TERM: { target: 'follower', description: 'discovers current leader or new term' },
      },
    },
    candidate: {
      description: 'Votes for itself and asks every server for its vote (§5.2).',
      on: {
        TIMEOUT: { target: 'candidate', reenter: true, description: 'times out, new election' },
        TIMEOUT_PRE_VOTE: { target: 'preCandidate', description: 'times out, starts pre-vote' },
        WIN_ELECTION: { target: 'leader', description: 'receives votes from majority of servers' },
        DISCOVER_LEADER: { target: 'follower', description: 'discovers current leader or new term' },
        DISCOVER_HIGHER_TERM: { target: 'follower', description: 'discovers current leader or new term' },
      },
    },
    leader: {
      description: 'Replicates its log and sends heartbeats (§5.3).',
      on: {
        DISCOVER_HIGHER_TERM: { target: 'follower', description: 'discovers server with higher term' },
        LOSE_QUORUM: { target: 'follower', description: 'hears from no majority within an election timeout (CheckQuorum)' },
        REMOVED: { target: 'follower', description: 'applies a configuration that removes it (StepDownOnRemoval)' },
      },
    },
  },
});

const snapshots = new Map<Role, ReturnType<typeof roleMachine.resolveState>>();
function snapshotOf(role: Role) {
  let s = snapshots.get(role);
  if (!s) {
    s = roleMachine.resolveState({ value: role, context: undefined as never });
    snapshots.set(role, s);
  }
  return s;
}

/**
 * The role a server moves to from `role` on `event`, by the Figure 4 statechart.
 * Returns `role` itself when the chart has no such transition (the event is ignored).
 */
export function nextRole(role: Role, event: RoleEvent): Role {
  const [next] = transition(roleMachine, snapshotOf(role), event);
  return next.value as Role;
}
