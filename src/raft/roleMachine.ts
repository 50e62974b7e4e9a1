/**
 * The server role statechart of the Raft paper's Figure 4, as an xstate v5 machine.
 *
 * The Raft node drives it with xstate's pure `transition` function (no actor, no clock), so the
 * engine stays deterministic and the UI can draw the very same chart. Only role changes go
 * through xstate (they are rare); message handling is plain TypeScript.
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
      },
    },
    candidate: {
      description: 'Votes for itself and asks every server for its vote (§5.2).',
      on: {
        TIMEOUT: { target: 'candidate', reenter: true, description: 'times out, new election' },
        WIN_ELECTION: { target: 'leader', description: 'receives votes from majority of servers' },
        DISCOVER_LEADER: { target: 'follower', description: 'discovers current leader or new term' },
        DISCOVER_HIGHER_TERM: { target: 'follower', description: 'discovers current leader or new term' },
      },
    },
    leader: {
      description: 'Replicates its log and sends heartbeats (§5.3).',
      on: {
        DISCOVER_HIGHER_TERM: { target: 'follower', description: 'discovers server with higher term' },
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
