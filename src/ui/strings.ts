/**
 * Every string the page shows, as an English dictionary keyed by id. Whole sentences with named
 * placeholders ({name}), never glued fragments, so a translation can reorder words freely.
 * A later issue adds Simplified Chinese as a second dictionary with the same keys.
 */

export const en = {
  'app.title': 'raftsim',
  'app.tagline': 'A deterministic Raft simulator',

  // Caption bar
  'description.more': 'Show the whole description',
  'description.less': 'Show less',
  'caption.none': 'The scenario has not said anything yet.',
  'caption.label': 'Narration',
  'step.running': 'Step {n} of {total} ({kind}, line {line}) is in progress.',
  'step.held': 'Step {n} of {total} ({kind}, line {line}) is waiting for you: press Continue.',
  'step.done': 'All {total} steps passed; the cluster keeps running on its own.',
  'step.failed': 'Step {n} ({kind}, line {line}) failed: {message}',
  'step.empty': 'This scenario has no steps; the cluster runs on its own.',
  'invariants.violated': 'A safety property was violated: {property} at {time}: {detail}',

  // Controls
  'controls.play': 'Play',
  'controls.pause': 'Pause',
  'controls.continue': 'Continue',
  'controls.step': 'Step',
  'controls.playTitle': 'Play or pause (Space)',
  'controls.stepTitle': 'Process exactly one event, pausing first (→ or S)',
  'controls.restart': 'Restart',
  'controls.restartTitle': 'Run the scenario again from time 0 with the same seed (R)',
  'controls.speed': 'Speed',
  'controls.speedTitle': 'Simulated time per real time',
  'controls.speedCustom': '{speed}x (from the address)',
  'controls.scenario': 'Scenario',
  'controls.seed': 'Seed',
  'controls.seedTitle': 'The seed of every random choice; the same seed replays the same run',
  'controls.simTime': 'Simulated time',
  'controls.events': 'Events',
  'controls.traceHash': 'Trace hash',
  'controls.state.playing': 'Playing',
  'controls.state.paused': 'Paused',
  'controls.state.hidden': 'Paused while the tab is hidden',
  'controls.state.held': 'Waiting for the presenter',
  'controls.state.stepping': 'Stepping',

  // Cluster picture
  'cluster.label': 'The cluster',
  'server.term': 'term {term}',
  'server.role.follower': 'follower',
  'server.role.candidate': 'candidate',
  'server.role.leader': 'leader',
  'server.role.crashed': 'crashed',
  'server.votes': '{votes} of {needed} votes',
  'server.title': '{id}: {role} in term {term}, commitIndex {commitIndex}',
  'server.timerTitle': 'Election timer: {elapsed} ms of {timeout} ms elapsed',
  'client.title': 'Client {id}',
  'message.title': '{type} from {from} to {to}',
  'message.titleLost': '{type} from {from} to {to} (will be lost)',
  'message.titleBlocked': '{type} from {from} to {to} (its link is cut: dropped on arrival unless the link is restored)',
  'message.heartbeat': 'AppendEntries heartbeat (no entries)',
  'link.cutBoth': 'Link {a} ↔ {b} is cut',
  'link.cutOne': 'Link {from} → {to} is cut',

  // Legend
  'legend.title': 'Legend',
  'legend.roles': 'Roles',
  'legend.messages': 'Messages',
  'legend.log': 'Log entries',
  'legend.follower': 'Follower',
  'legend.candidate': 'Candidate',
  'legend.leader': 'Leader',
  'legend.crashed': 'Crashed',
  'legend.timer': 'Election timer elapsed',
  'legend.RequestVote': 'RequestVote',
  'legend.RequestVoteResponse': 'RequestVote response',
  'legend.AppendEntries': 'AppendEntries with entries',
  'legend.Heartbeat': 'Heartbeat (empty AppendEntries)',
  'legend.AppendEntriesResponse': 'AppendEntries response',
  'legend.ClientRequest': 'Client request',
  'legend.ClientResponse': 'Client response',
  'legend.lost': 'Will be lost or dropped',
  'legend.cut': 'Cut link',
  'legend.committed': 'Committed (index ≤ commitIndex)',
  'legend.uncommitted': 'Not committed yet',
  'legend.termColour': 'The colour and number give the entry’s term.',

  // Logs and KV
  'logs.title': 'Logs and key-value stores',
  'logs.index': 'index',
  'logs.commitIndex': 'commitIndex {commitIndex}',
  'logs.lastApplied': 'lastApplied {lastApplied}',
  'logs.empty': 'The log is empty.',
  'logs.hiddenBefore': 'Entries before index {index} are not shown.',
  'logs.entryTitle': 'Index {index}, term {term}: {command} (committed)',
  'logs.entryTitleUncommitted': 'Index {index}, term {term}: {command} (not committed yet)',
  'kv.revision': 'revision {revision}',
  'kv.empty': 'No keys.',
  'kv.crashed': 'Crashed: rebuilt from the log after a restart.',
  'kv.entryTitle': 'createRevision {createRevision}, modRevision {modRevision}, version {version}',

  // Event feed
  'feed.title': 'What just happened',
  'feed.empty': 'Nothing has happened yet.',

  // Errors
  'error.title': 'This scenario cannot be run',
  'error.runtimeTitle': 'The simulation stopped with an error',
  'error.unknownScenario': 'There is no scenario named "{name}". The bundled scenarios are: {list}.',
  'error.noScenarios': 'No scenarios are bundled: the scenarios folder is empty.',
  'error.hint': 'Pick another scenario below, or fix the file and reload the page.',
  'error.crash': 'The page failed to render: {message}',
} as const;

export type StringId = keyof typeof en;
export type Locale = 'en';

const dictionaries: Record<Locale, Record<StringId, string>> = { en };
let locale: Locale = 'en';

/** Switches the language of later `t` calls (only English exists for now). */
export function setLocale(l: Locale): void {
  locale = l;
}

/** The string `id` in the current language, with `{name}` placeholders filled from `params`. */
export function t(id: StringId, params: Record<string, string | number> = {}): string {
  const text = dictionaries[locale][id] ?? en[id];
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
