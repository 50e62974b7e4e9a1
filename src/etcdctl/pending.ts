/**
 * {@link Pending}: a value that arrives later, with continuations that run **synchronously**.
 *
 * The engine (src/sim) is a synchronous discrete-event loop: one `advance(untilMs)` call processes
 * many events. A continuation queued as a microtask would run only after that call returns, at a
 * point that depends on how the host chunked its `advance` calls (frames in the browser, one go
 * headless), so the next request of a recipe would be sent at a different simulated instant on
 * each host. A Pending runs its continuations inside the call that settles it: when the engine
 * delivers a reply in an event handler and the client calls `resolve`, every reaction (the next
 * request sent, output lines, a command finishing) happens in that same event, ordered by the
 * engine's event order alone. `then` on a settled Pending runs its callback at once, before `then`
 * returns.
 *
 * `onSettle` is the host's last continuation: it catches nothing, so an assertion that fails in
 * it is thrown out of the event handler that delivered the reply.
 *
 * Otherwise it behaves as the ES promise it replaces: `then(onValue, onError)` returns a new
 * Pending settled with the callback's result (adopting a returned Pending) or rejected with what
 * it throws; a rejection with no `onError` passes down the chain; the first settlement wins.
 * Continuations registered on one Pending run in the order they were registered; a chain runs
 * depth first (a continuation's own continuations run before the next sibling's).
 */

/** How a Pending ended. */
export type Settlement<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/** A Pending and the two functions that settle it (what the engine keeps per request in flight). */
export interface Deferred<T> {
  pending: Pending<T>;
  /** Fulfils (or, given a Pending, follows it); ignored once settled or following. */
  resolve: (value: T | Pending<T>) => void;
  /** Rejects (for a failed request: an EtcdClientError); ignored once settled or following. */
  reject: (reason: unknown) => void;
}

/**
 * A continuation waiting for a settlement. Declared through a method so that it does not make
 * Pending invariant: a `Pending<undefined>` is a `Pending<void>`, as for ES promises.
 */
type Reaction<T> = { call(s: Settlement<T>): void }['call'];

/** See the module comment. */
export class Pending<out T> {
  private settlement: Settlement<T> | null = null;
  private reactions: Array<Reaction<T>> = [];
  /** Resolved with a value or a Pending it now follows: later resolve / reject calls are ignored. */
  private locked = false;

  /**
   * Runs `executor` at once with the settling functions, as the ES promise constructor does; what it
   * throws rejects the Pending.
   */
  constructor(executor?: (resolve: (value: T | Pending<T>) => void, reject: (reason: unknown) => void) => void) {
    if (!executor) return;
    try {
      executor(
        (v) => this.resolveWith(v),
        (e) => this.rejectWith(e),
      );
    } catch (e) {
      this.rejectWith(e);
    }
  }

  /** A new unsettled Pending with its settling functions. */
  static deferred<T>(): Deferred<T> {
    const pending = new Pending<T>();
    return { pending, resolve: (v) => pending.resolveWith(v), reject: (e) => pending.rejectWith(e) };
  }

  /** A Pending fulfilled with `value` (or `value` itself if it is a Pending). */
  static resolve<T>(value: T | Pending<T>): Pending<T> {
    if (value instanceof Pending) return value;
    const p = new Pending<T>();
    p.resolveWith(value);
    return p;
  }

  /** A Pending rejected with `reason`. */
  static reject<T = never>(reason: unknown): Pending<T> {
    const p = new Pending<T>();
    p.rejectWith(reason);
    return p;
  }

  /** Calls `f` now; its result (a value or a Pending) or what it throws, as a Pending. */
  static try<T>(f: () => T | Pending<T>): Pending<T> {
    try {
      return Pending.resolve(f());
    } catch (e) {
      return Pending.reject<T>(e);
    }
  }

  /**
   * Fulfils with every value, in the order of `items`, once all are fulfilled; rejects with the
   * first rejection (as `all` of ES promises).
   */
  static all<T>(items: ReadonlyArray<Pending<T>>): Pending<T[]> {
    const d = Pending.deferred<T[]>();
    const values: T[] = new Array<T>(items.length);
    let left = items.length;
    if (left === 0) d.resolve(values);
    items.forEach((p, i) =>
      p.subscribe((s) => {
        if (s.status === 'rejected') return d.reject(s.reason);
        values[i] = s.value;
        if (--left === 0) d.resolve(values);
      }),
    );
    return d.pending;
  }

  /** Whether it has been fulfilled or rejected. */
  get isSettled(): boolean {
    return this.settlement !== null;
  }

  /** How it ended, or null while unsettled. */
  peek(): Settlement<T> | null {
    return this.settlement;
  }

  /**
   * The value now. Throws the rejection reason if rejected, and an Error if still unsettled
   * (for callers that know the reply has been delivered, such as tests of the in-memory client).
   */
  unwrap(): T {
    const s = this.settlement;
    if (s === null) throw new Error('Pending.unwrap: not settled yet');
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  }

  /**
   * The continuation of a value: `onValue` (or `onError`) runs synchronously when this settles, at
   * once if it already has. The returned Pending takes the callback's result, or what it throws.
   */
  then<U = T, V = never>(onValue?: ((value: T) => U | Pending<U>) | null, onError?: ((reason: unknown) => V | Pending<V>) | null): Pending<U | V> {
    const d = Pending.deferred<U | V>();
    this.subscribe((s) => {
      try {
        if (s.status === 'fulfilled') {
          if (onValue) d.resolve(onValue(s.value));
          else d.resolve(s.value as unknown as U);
        } else if (onError) d.resolve(onError(s.reason));
        else d.reject(s.reason);
      } catch (e) {
        d.reject(e);
      }
    });
    return d.pending;
  }

  /**
   * A last continuation, for the host: `onValue` (or `onError`) runs synchronously when this
   * settles, as for {@link then}, but nothing is caught. What the callback throws, and a rejection
   * when there is no `onError`, is thrown to the code that settled this Pending (the engine's
   * event handler that delivered the reply), or by `onSettle` itself if it has already settled.
   * So a scenario step's failed `expect` fails the run in that event instead of becoming a
   * rejection nobody reads. The other continuations of this Pending still run first.
   */
  onSettle(onValue: (value: T) => void, onError?: (reason: unknown) => void): void {
    this.subscribe((s) => {
      if (s.status === 'fulfilled') onValue(s.value);
      else if (onError) onError(s.reason);
      else throw s.reason;
    });
  }

  /** `then(undefined, onError)`. */
  catch<V = never>(onError: (reason: unknown) => V | Pending<V>): Pending<T | V> {
    return this.then<T, V>(undefined, onError);
  }

  /** Runs `f` when this settles, either way, and passes the settlement on (what `f` throws rejects). */
  finally(f: () => void): Pending<T> {
    return this.then(
      (v) => {
        f();
        return v;
      },
      (e) => {
        f();
        throw e;
      },
    );
  }

  private subscribe(r: Reaction<T>): void {
    if (this.settlement) r(this.settlement);
    else this.reactions.push(r);
  }

  private settle(s: Settlement<T>): void {
    if (this.settlement) return;
    this.settlement = s;
    const rs = this.reactions;
    this.reactions = [];
    // only onSettle callbacks throw; every continuation runs, then the first error goes on up
    let failed: { error: unknown } | null = null;
    for (const r of rs) {
      try {
        r(s);
      } catch (e) {
        failed ??= { error: e };
      }
    }
    if (failed) throw failed.error;
  }

  private resolveWith(v: T | Pending<T>): void {
    if (this.locked) return;
    this.locked = true;
    if (v === this) this.settle({ status: 'rejected', reason: new TypeError('Pending resolved with itself') });
    else if (v instanceof Pending) v.subscribe((s) => this.settle(s));
    else this.settle({ status: 'fulfilled', value: v });
  }

  private rejectWith(e: unknown): void {
    if (this.locked) return;
    this.locked = true;
    this.settle({ status: 'rejected', reason: e });
  }
}
