/**
 * Why a scenario is invalid, as data: a message id with parameters, so the app can show a
 * scenario error in the reader's language. The English templates here are the CLI's words; the
 * app's other dictionaries give the same ids (see `src/ui/i18n/reasonsZh.ts`).
 *
 * A parameter may itself be a message (e.g. what a key expects), a phrase from the schema's
 * `x-expected` (kept in English in the schema and translated by whole phrase), or a list joined
 * with the language's "or" / "and" / comma.
 */

// The engine keeps a failed step's reason in its trace without importing this module: register
// the type in its slot (see SimTypeRegistry in src/sim/types.ts).
declare module '../sim/types' {
  interface SimTypeRegistry {
    stepReason: Reason;
  }
}

/** A parameter of a reason. */
export type ReasonParam = string | number | Reason | { phrase: string } | { list: ReasonParam[]; join: 'or' | 'and' | 'comma' | 'semicolon' };

/** One reason: a template id and its parameters. */
export interface Reason {
  id: ReasonId;
  params?: Record<string, ReasonParam>;
}

/** The English templates, with {named} placeholders. */
export const REASONS_EN = {
  fileTooLarge: 'file is too large: {bytes} bytes (the limit is {limit} bytes)',
  invalidYaml: 'invalid YAML: {message}',
  yamlTag: 'YAML tags are not allowed here ({message}); a scenario file is plain data',
  aliases: 'aliases expand too much ({message}); at most {limit} alias expansions are allowed',
  unknownKey: 'unknown key "{key}" (expected one of: {allowed})',
  unknownKeySuggest: 'unknown key "{key}" (expected one of: {allowed}); did you mean "{suggestion}"?',
  missingKey: 'missing required key "{key}"',
  missingTag: 'missing required key "{key}" ({key}: {choices})',
  needStepKey: 'a step needs one step key (one of: {allowed})',
  needOneOf: 'must have at least one of: {allowed}',
  twoStepKeys: 'a step has exactly one step key, but this one has {present} (start a new "- " item for each step)',
  listedTwice: '{item} is listed twice (also at [{first}])',
  tooMany: 'too many {things}: {count} (at most {limit})',
  needsAtLeast: 'needs at least {limit} {things}',
  mustBe: 'must be {expected} (got {got})',
  mustBeQuote: 'must be {expected} (got {got}); put it in quotes to make it text',
  reservedWord: '"{value}" is a reserved word ({words}) and cannot be used here; expected {expected}',
  unknownServer: 'unknown server "{name}" (servers are {servers})',
  unknownClient: 'unknown client "{name}" (clients are {clients})',
  atMostServers: 'must be at most {n} (the cluster has {n} servers)',
  minAboveMax: 'the minimum ({min}) must not be above the maximum ({max})',
  actionsOrder: 'recorded actions must be in order of position (events and atMs never decrease)',
  tooLong: 'the steps could run for {totalMs} ms of simulated time; runs are limited to {limitMs} ms (24 hours)',
  clientIsServer: '"{name}" is a server name; client names must differ from server names',
  timeoutOrder: 'the minimum ({min}) must be less than the maximum ({max})',
  heartbeatBelow: 'must be less than the election timeout minimum ({min} ms)',
  heartbeatBelowDefault: 'must be less than the election timeout minimum ({min} ms, the default)',
  timeoutAboveHeartbeat: 'the minimum ({min}) must be greater than heartbeatMs ({heartbeat} ms, the default)',
  logTermsDecrease: 'log terms must not decrease: entry {entry} has term {term} after an entry of term {prev}',
  entryAboveTerm: "entry {entry} has term {term}, above {name}'s term ({current})",
  textAndEn: 'give either text or en (en is another name for text), not both',
  missingText: 'missing required key "text" (or its other name "en")',
  askNeedsPause: 'a question (ask) is answered at a presenter pause: add "pause: true" to this say',
  askAnswer: 'the answer "{answer}" is not one of the choices ({choices})',
  askZhChoices: 'give as many Chinese choices as English ones ({n}), in the same order',
  twoGroups: '"{name}" is already in group {group}; a server may be in at most one group',
  mustDiffer: 'must differ from "from" (both are "{value}")',
  prefixValue: 'a prefix get returns several keys: check them with "values" (a mapping)',
  valuesNotPrefix: '"values" is for prefix gets (prefix: true); use "value" for a single key',
  leaseNeedsCheckQuorum: 'reads: lease needs checkQuorum: true (a lease is only safe while a leader that lost its majority steps down; etcd raft refuses ReadOnlyLeaseBased without CheckQuorum); add checkQuorum: true or use profile: etcd',
  leaseCheckQuorumOff: 'reads: lease needs checkQuorum, but checkQuorum is false (a lease is only safe while a leader that lost its majority steps down; etcd raft refuses ReadOnlyLeaseBased without CheckQuorum)',
  spareClash: 'spare "{name}" is already the name of a server of nodes; a spare is another server',
  tooManyServersTotal: 'too many servers: {nodes} nodes and {spares} spares make {total} (at most {limit})',
  learnerNotNode: 'learner "{name}" is not one of the initial servers (nodes: {servers}); a spare becomes a learner with a member step',
  noVoterLeft: 'every initial server is a learner; the cluster needs at least one voter',
  ackNeedsFsync: 'unsafe ackBeforeFsync needs cluster.fsyncMs above 0 (writes that take time to reach the disk)',
  // What a value must be (generic schema words).
  oneOf: 'one of: {items}',
  numberBetween: 'a number between {lo} and {hi}',
  wholeNumberBetween: 'a whole number between {lo} and {hi}',
  numberBounds: 'a number {bounds}',
  wholeNumberBounds: 'a whole number {bounds}',
  aNumber: 'a number',
  aWholeNumber: 'a whole number',
  aString: 'a string',
  trueOrFalse: 'true or false',
  aList: 'a list',
  aMapping: 'a mapping',
  valid: 'valid',
  // Shown values.
  nothing: 'nothing',
  emptyValue: 'an empty value',
  // Counted things.
  'servers.one': 'server',
  'servers.other': 'servers',
  'clients.one': 'client',
  'clients.other': 'clients',
  'steps.one': 'step',
  'steps.other': 'steps',
  'choices.one': 'choice',
  'choices.other': 'choices',
  // Why a step failed (the runner).
  runCap: 'the run reached the simulated-time cap of {maxMs} ms',
  waitTimedOut: 'timed out: not {what} by {time}',
  waitLeader: 'a leader among {servers}',
  waitCommit: 'index {index} committed on {nodes} servers',
  noLeaderToActOn: 'there is no leader to act on',
  messageNotInFlight: 'message #{id} is not in flight at {time}',
  memberRefused: 'the membership change ({change}) was refused: {why}',
  memberNotApplied: 'timed out: the membership change ({change}) at index {index} was not applied on the leader by {time}',
  memberNoLeader: 'timed out: no leader to ask for the membership change ({change}) by {time}',
  'memberWhy.confChangePending': 'another change (index {pendingIndex}) is still pending: only one change at a time, until it is applied',
  'memberWhy.inJointConfig': 'the cluster is in a joint configuration; only the change that leaves it is allowed',
  'memberWhy.notInJointConfig': 'the cluster is not in a joint configuration, so there is none to leave',
  'memberWhy.removesAllVoters': 'it would leave the cluster without a voter',
  'memberWhy.tooManyVoterChanges': 'more than one voter would change without joint consensus',
  'memberWhy.alreadyVoter': 'the server is already a voter',
  'memberWhy.alreadyLearner': 'the server is already a learner',
  'memberWhy.notMember': 'the server is not a member of the cluster',
  'memberWhy.transferring': 'a leader transfer is under way',
  'memberWhy.noLeader': 'there is no leader',
  'memberWhy.leaderPaused': 'the leader is paused',
  expectMembers: 'expected {on}\'s configuration {want}, but it is {actual}',
  expectMembersNoLeader: 'expected the leader\'s configuration {want}, but there is no leader',
  expectSnapshotIndex: 'expected {id}\'s latest snapshot at index {want}, but it is at {actual}',
  clientProblems: '{summary}: {problems}',
  asyncProblems: 'async {op} {key}: {problems}',
  asyncNotReturned: 'async operation had not returned when the run ended, so its expect could not be checked',
  checks: '{problems}',
  expectNoLeader: 'expected no leader, but {id} leads term {term}',
  expectSomeLeader: 'expected a leader, but there is none',
  expectLeader: 'expected leader {want}, but it is {id} (term {term})',
  expectLeaderNobody: 'expected leader {want}, but it is nobody',
  expectRole: 'expected {id} to be {role}, but it is {actual}',
  expectTerm: 'expected {id} at term {term}, but it is at term {actual}',
  expectCommitted: 'expected index {index} committed on {need} servers, but only {have} have it',
  expectNotCommitted: 'expected index {index} not committed, but {servers} have commitIndex ≥ {index}',
  expectLog: "expected {id}'s log terms [{want}], but they are [{actual}]",
  expectKv: 'expected {key}={want} on {id}, but it is {got}',
  expectKvCrashed: 'expected {key}={want} on {id}, but it is {got} (crashed)',
  invariantViolated: 'invariant violated: {property} at {time}: {detail}',
  expectViolation: 'expected a {property} violation, but the checker saw {seen}',
  expectViolationNone: 'expected a {property} violation, but the checker saw none',
  noLinearizabilityChecker: 'no linearizability checker was given to this run',
  expectLinearizable: 'expected the history to be linearizable: {detail}',
  expectNotLinearizable: 'expected the history not to be linearizable: {detail}',
  expectResult: 'expected result {want}, got {got}',
  expectReply: 'expected a reply, got {got}',
  expectValue: 'expected value {want}, got {got}',
  expectValues: 'expected values {want}, got {got}',
  expectDeleted: 'expected {want} deleted, got {got}',
  casUnknownSucceed: 'expected the cas to succeed, but its outcome is unknown',
  casUnknownFail: 'expected the cas to fail, but its outcome is unknown',
  casFailed: 'expected the cas to succeed, but it failed',
  casSucceeded: 'expected the cas to fail, but it succeeded',
  // etcdctl steps (issue 14).
  etcdNameUnknown: 'no earlier etcdctl step is named "{name}" (give the command "as: {name}" first)',
  etcdNameTwice: 'the name "{name}" is already given by an earlier etcdctl step',
  etcdctlTimeout: 'etcdctl {command}: no reply by {time}',
  etcdctlOutput: 'etcdctl {command}: expected the output {want}, got {got}',
  etcdctlContains: 'etcdctl {command}: expected the output to contain {want}, got {got}',
  etcdctlExit: 'etcdctl {command}: expected exit status {want}, got {got}',
  expectWatched: 'expected watch {name} to have received [{want}], but it received [{got}]',
  expectWatchedNotWatch: '{name} is not a watch started by an etcdctl step',
  // List joins.
  'join.or': ' or ',
  'join.and': ' and ',
  'join.comma': ', ',
  'join.semicolon': '; ',
  // Files that are not UTF-8 text, and YAML structure (parse.ts, encoding.ts).
  encodingNul: 'the file contains NUL characters, so it is not UTF-8 text: it is probably saved as UTF-16 or UTF-32 ("Unicode"), or it is not a text file; save it as UTF-8',
  encodingInvalid: 'the file has bytes that are not UTF-8 (a UTF-8 reader shows them as �): it is probably saved in another encoding, such as Latin-1 or GBK; save it as UTF-8',
  encodingBom: 'the file is saved as {encoding}, not UTF-8; save it as UTF-8',
  tooDeep: 'lists and mappings are nested too deeply here (more than {limit} levels); a scenario never needs more than a few',
  multipleDocuments: 'the file holds more than one YAML document (a line "---" starts a new one); a scenario is one document',
  duplicateKey: '"{key}" is given twice in this mapping (first on line {line}); keep one of them',
  keyNotText: 'a mapping key must be plain text (a word, a name or a number), not a list, a mapping or an alias',
  emptyKey: 'the key must not be empty: etcd refuses an empty key ("key is not provided"); only a prefix get or delete may use the empty prefix ""',
  notFinite: '{text}, which is not a finite number',
  tooManyAliases: 'aliases (*name) repeat an anchor (&name) too often: one anchor may be used at most {limit} times, counting the aliases inside what it names; this guards against files that expand without end',
  unknownAnchor: 'the alias *{name} has no anchor &{name} before it',
  'actions.one': 'recorded action',
  'actions.other': 'recorded actions',
  // Why a share link cannot be opened (src/share/link.ts).
  linkMissing: 'This link does not contain a raftsim run.',
  linkNewer: 'This link was made by a newer version of raftsim (link format {version}; this page reads format {supported}). Update the page and try again.',
  linkBadFormat: 'This link is damaged: its format number is not valid.',
  linkTooLarge: 'This link is too large to open.',
  linkCorrupt: 'This link is damaged or was cut short; ask for the link again (copy all of it).',
  linkNotRun: 'This link is damaged: it does not describe a run.',
  linkSource: 'This link must name either a library scenario or include a scenario.',
  linkLibrary: 'This link names a scenario in a form this page does not accept.',
  linkYaml: 'The scenario in this link is not text.',
  linkSeed: 'The seed in this link is not a whole number from 0 to {max} (2^53 − 1).',
  linkReplay: 'The recorded actions in this link are not in the expected form.',
  linkLang: 'The language in this link is not one this page knows.',
} as const;

export type ReasonId = keyof typeof REASONS_EN;

/** Templates for one language, and its translations of the schema's `x-expected` phrases. */
export interface ReasonLanguage {
  templates: Record<ReasonId, string>;
  /** The schema's English phrase → this language's (missing ones stay English). */
  phrases?: Record<string, string>;
}

const ENGLISH: ReasonLanguage = { templates: REASONS_EN };

/** Makes a reason (a shorthand for the object literal). */
export function reason(id: ReasonId, params?: Record<string, ReasonParam>): Reason {
  return params ? { id, params } : { id };
}

/** The text of one parameter (a phrase, a list, a nested reason) in a language. */
export function formatParam(p: ReasonParam, lang: ReasonLanguage = ENGLISH): string {
  if (typeof p === 'string') return p;
  if (typeof p === 'number') return String(p);
  if ('phrase' in p) return lang.phrases?.[p.phrase] ?? p.phrase;
  if ('list' in p) return p.list.map((x) => formatParam(x, lang)).join(lang.templates[`join.${p.join}`]);
  return formatReason(p, lang);
}

/** The text of a reason in a language (English by default: the words the CLI prints). */
export function formatReason(r: Reason, lang: ReasonLanguage = ENGLISH): string {
  const template = lang.templates[r.id] ?? REASONS_EN[r.id];
  const params = r.params ?? {};
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? formatParam(params[k], lang) : m));
}
