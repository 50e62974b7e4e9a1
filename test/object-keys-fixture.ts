/**
 * Scenarios whose server names, client names and KV keys are names of object properties
 * (`toString`, `constructor`, `hasOwnProperty`, `__proto__`, …), for the tests of issue 11 #1/#2:
 * test/object-keys.test.ts (CLI, check-history, links, traces) and test/hostile.browser.test.ts.
 */

/** Names the name pattern allows that are properties of every plain object (or of Object.prototype's functions). */
export const OBJECT_NAMES = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString'] as const;

/** KV keys that are properties of every plain object, `__proto__` included. */
export const OBJECT_KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'] as const;

/**
 * A scenario that uses names and keys in every place a scenario can: the cluster's nodes,
 * `initial` (keys, votedFor, a put's key), clients, every step that names a server or a client
 * (wait among, crash, restart, timeout, partition, isolate, reconnect, cut, do with node/from/to/
 * client/via), client steps with `client`, keys and expectations (`value`, `values`, `deleted`,
 * `succeeded`), and `expect` with role, term, log, kv and on. Every step passes.
 * `s` are the three server names, `c` the three client names.
 */
export function objectKeysScenario(s: readonly [string, string, string], c: readonly [string, string, string]): string {
  const [A, B, C] = s;
  const [x, y, z] = c;
  return `title: Names that are object keys
seed: 7
cluster:
  nodes: [${A}, ${B}, ${C}]
  initial:
    ${A}: { term: 1, votedFor: ${B}, log: [1, { term: 1, put: [hasOwnProperty, init] }, { term: 1, put: [__proto__, i1] }, { term: 1, put: [constructor, i2] }] }
    ${B}: { term: 1, votedFor: ${B}, log: [1, { term: 1, put: [hasOwnProperty, init] }, { term: 1, put: [__proto__, i1] }, { term: 1, put: [constructor, i2] }] }
    ${C}: { term: 1, log: [1, { term: 1, put: [hasOwnProperty, init] }, { term: 1, put: [__proto__, i1] }, { term: 1, put: [constructor, i2] }] }
clients: [${x}, ${y}, ${z}]
steps:
  - wait: { for: leader, among: [${A}, ${B}, ${C}], withinMs: 3000 }
  - wait: { for: commit, index: 5, nodes: 3, withinMs: 3000 }
  - expect: { kv: { __proto__: i1, constructor: i2, hasOwnProperty: init }, on: all }
  - put: { key: __proto__, value: real, client: ${x} }
  - put: { key: constructor, value: c1, client: ${y} }
  - get: { key: __proto__, expect: { value: real } }
  - get: { key: "", prefix: true, expect: { values: { __proto__: real, constructor: c1, hasOwnProperty: init } } }
  - run: 200
  - expect:
      kv: { __proto__: real, constructor: c1, hasOwnProperty: init, toString: null, valueOf: null }
      on: all
      term: { ${A}: 2, ${B}: 2, ${C}: 2 }
      log: { ${A}: [1, 1, 1, 1, 2, 2, 2, 2, 2], ${B}: [1, 1, 1, 1, 2, 2, 2, 2, 2], ${C}: [1, 1, 1, 1, 2, 2, 2, 2, 2] }
  - crash: ${B}
  - timeout: ${A}
  - wait: { for: leader, among: [${A}, ${C}], withinMs: 3000 }
  - restart: ${B}
  - expect: { role: { ${B}: follower } }
  - partition: [[${A}, ${B}], [${C}]]
  - heal: all
  - isolate: ${C}
  - reconnect: ${C}
  - cut: { from: ${A}, to: ${C}, both: true }
  - heal: all
  - do: { kind: pauseServer, node: ${C} }
  - do: { kind: resumeServer, node: ${C} }
  - do: { kind: link, from: ${B}, to: ${A}, settings: { latencyMs: [5, 9] } }
  - do: { kind: restoreLink, from: ${A}, to: ${C}, both: true }
  - do: { kind: client, client: ${z}, via: leader, spec: { op: put, key: toString, value: t } }
  - cas: { key: constructor, from: c1, to: c2, client: ${z}, expect: { succeeded: true } }
  - delete: { key: constructor, client: ${x}, expect: { deleted: 1 } }
  - put: { key: hasOwnProperty, value: h2, client: ${y} }
  - run: 300
  - expect: { kv: { constructor: null, toString: t, __proto__: real, hasOwnProperty: h2 }, on: all }
  - delete: { key: "", prefix: true, client: ${y} }
  - get: { key: __proto__, client: ${x}, expect: { value: null } }
  - get: { key: toString, client: ${x}, expect: { value: null } }
  - expect: { kv: { __proto__: null, toString: null, hasOwnProperty: null }, invariants: ok, linearizable: true }
`;
}

/** Servers named like object properties, and clients too (never the same names: clients must not be named like servers). */
export const SERVERS_FIRST = objectKeysScenario(['toString', 'constructor', 'valueOf'], ['hasOwnProperty', 'isPrototypeOf', 'toLocaleString']);
/** The same with the names swapped between servers and clients. */
export const CLIENTS_FIRST = objectKeysScenario(['hasOwnProperty', 'isPrototypeOf', 'toLocaleString'], ['toString', 'constructor', 'valueOf']);
