/**
 * src/etcdctl reacts in the engine's event order alone (the project's first rule: a seed and a
 * scenario give the same trace, in the browser, which advances the engine in frame-sized chunks,
 * and headless, which advances it in one go). A reply delivered in an event handler must cause the
 * next request, the output and the end of a command inside that same handler, never in a
 * microtask after the engine's `advance` returns.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BackgroundCommand,
  CONTEXT_CANCELED,
  MemoryEtcdServer,
  Pending,
  Queue,
  runEtcdctl,
  type CommandResult,
  type EtcdClient,
  type KeyValue,
} from '../src/etcdctl';
import { FakeEngine } from './etcdctl-fake-engine';

const SRC = join(__dirname, '..', 'src', 'etcdctl');

describe('no native asynchrony in src/etcdctl', () => {
  it('no source file uses async functions, await, native promises or queueMicrotask', () => {
    const files = readdirSync(SRC).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('run.ts');
    expect(files).toContain('recipes.ts');
    const found: string[] = [];
    for (const f of files) {
      readFileSync(join(SRC, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const word of ['async ', 'await ', 'Promise', 'queueMicrotask']) if (line.includes(word)) found.push(`${f}:${i + 1}: ${word.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});

describe('Pending: continuations run synchronously', () => {
  it('then on a settled Pending runs before then returns; on an unsettled one, inside resolve', () => {
    const order: string[] = [];
    Pending.resolve(1).then((v) => order.push(`settled ${v}`));
    order.push('after then');
    const d = Pending.deferred<number>();
    const chained = d.pending.then((v) => v * 2).then((v) => order.push(`chained ${v}`));
    order.push('before resolve');
    d.resolve(21);
    order.push('after resolve');
    expect(order).toEqual(['settled 1', 'after then', 'before resolve', 'chained 42', 'after resolve']);
    expect(chained.isSettled).toBe(true);
  });

  it('follows a returned Pending, passes rejections down to the first handler, and the first settlement wins', () => {
    const inner = Pending.deferred<string>();
    const outer = Pending.resolve(0).then(() => inner.pending);
    expect(outer.isSettled).toBe(false);
    inner.resolve('x');
    expect(outer.unwrap()).toBe('x');
    const seen: unknown[] = [];
    Pending.reject<number>(new Error('boom'))
      .then((v) => v + 1)
      .then(undefined, (e) => seen.push((e as Error).message));
    expect(seen).toEqual(['boom']);
    const d = Pending.deferred<number>();
    d.resolve(1);
    d.reject(new Error('late'));
    d.resolve(2);
    expect(d.pending.unwrap()).toBe(1);
    expect(() => Pending.deferred().pending.unwrap()).toThrow('not settled yet');
    expect(() => Pending.resolve(0).then(() => {
      throw new Error('thrown');
    }).unwrap()).toThrow('thrown');
  });

  it('onSettle catches nothing: what its callback throws (or an unhandled rejection) comes out of resolve, after the other continuations ran', () => {
    const d = Pending.deferred<number>();
    const ran: string[] = [];
    d.pending.onSettle((v) => {
      throw new Error(`step failed on ${v}`);
    });
    d.pending.then(() => ran.push('then after it'));
    expect(() => d.resolve(7)).toThrow('step failed on 7');
    expect(ran).toEqual(['then after it']);
    expect(() => Pending.reject(new Error('nobody handled it')).onSettle(() => {})).toThrow('nobody handled it');
    const seen: unknown[] = [];
    Pending.reject(new Error('handled')).onSettle(() => {}, (e) => seen.push((e as Error).message));
    expect(seen).toEqual(['handled']);
  });

  it('all keeps the order of its inputs, whatever order they settle in, and rejects with the first rejection', () => {
    const a = Pending.deferred<string>();
    const b = Pending.deferred<string>();
    const all = Pending.all([a.pending, b.pending]);
    b.resolve('b');
    expect(all.isSettled).toBe(false);
    a.resolve('a');
    expect(all.unwrap()).toEqual(['a', 'b']);
    const c = Pending.deferred<string>();
    const failed = Pending.all([c.pending, Pending.reject<string>(new Error('first'))]);
    expect(() => failed.unwrap()).toThrow('first');
  });
});

/** Lease IDs in the log replaced by the name of the command that holds them (A, B, C). */
function named(log: string[], leases: Map<string, string>): string[] {
  return log.map((line) => {
    let out = line;
    for (const [id, name] of leases) out = out.split(`l/${BigInt(`0x${id}`).toString(16)}`).join(`l/<${name}>`).split(id).join(`<${name}>`);
    return out;
  });
}

/**
 * Three `etcdctl lock l` commands on one fake engine (latency 1 ms each way): A at 0 ms, B at
 * 10 ms, C at 20 ms; Ctrl-C on A at 100 ms and on B at 200 ms. `drive` advances the engine.
 */
function threeLockers(drive: (e: FakeEngine) => void | Promise<void>, wrap: (c: EtcdClient) => EtcdClient = (c) => c) {
  const engine = new FakeEngine(1);
  const leases = new Map<string, string>();
  const cmds = new Map<string, BackgroundCommand>();
  const start = (name: string, atMs: number): void =>
    engine.at(atMs, () => {
      engine.note(`${name} runs: etcdctl lock l`);
      runEtcdctl('lock l', { client: wrap(engine.client(name)) }).then((r) => {
        if (!(r instanceof BackgroundCommand)) throw new Error(`lock finished: ${r.text}`);
        cmds.set(name, r);
        leases.set((r.created as { lease: string }).lease, name);
        r.onOutput((l) => engine.note(`${name} prints ${JSON.stringify(l.text)}`));
        r.done.then((end) => engine.note(`${name} exits ${end.exit}`));
      });
    });
  const cancel = (name: string, atMs: number): void =>
    engine.at(atMs, () => {
      engine.note(`${name} gets Ctrl-C`);
      const cmd = cmds.get(name);
      if (cmd) cmd.cancel();
      else engine.note(`${name} has not started`);
    });
  start('A', 0);
  start('B', 10);
  start('C', 20);
  cancel('A', 100);
  cancel('B', 200);
  const done = drive(engine);
  const result = () => ({ log: named(engine.log, leases), cmds });
  return done instanceof Promise ? done.then(result) : result();
}

describe('the lock recipe in event order (three waiters on a fake synchronous engine)', () => {
  const oneCall = threeLockers((e) => e.advance(10_000)) as { log: string[]; cmds: Map<string, BackgroundCommand> };

  it('sends each request, prints and exits in the event that delivered the reply it reacts to', () => {
    // Each hop takes 1 ms and is an event: a request sent at t is served at t+1 (an event of the
    // member) and its reply handled at t+2 (an event of the client), where the next request goes
    // out. The store starts at revision 1, so A's key is created at 2, B's at 3, C's at 4.
    const txn = (k: string): string =>
      `Txn if createRevision(l/<${k}>) = 0 then [Put l/<${k}> lease=<${k}>; Range l/ end=l0 sort=CREATE/ASCEND limit=1] else [Range l/<${k}>; Range l/ end=l0 sort=CREATE/ASCEND limit=1]`;
    const waiters = (k: string, maxCreateRevision: number): string => `${k} sends Range l/ end=l0 maxCreateRevision=${maxCreateRevision} sort=CREATE/DESCEND limit=1`;
    expect(oneCall.log).toEqual([
      // A: the session (lease grant, then its keep-alive; the keep-alive's first answer is event 4), the
      // txn, then etcdctl's Get of the key it holds, and the key printed when that Get comes back
      '#0 @0ms A runs: etcdctl lock l',
      '#0 @0ms A sends LeaseGrant 10',
      '#2 @2ms A sends LeaseKeepAlive <A>',
      `#5 @4ms A sends ${txn('A')}`,
      '#7 @6ms A sends Range l/<A>',
      '#9 @8ms A prints "l/<A>"',
      '#9 @8ms A prints ""',
      // B: the same session and txn; A's key is older, so B asks for the last key before its own and watches it
      '#10 @10ms B runs: etcdctl lock l',
      '#10 @10ms B sends LeaseGrant 10',
      '#12 @12ms B sends LeaseKeepAlive <B>',
      `#15 @14ms B sends ${txn('B')}`,
      `#17 @16ms ${waiters('B', 2)}`,
      '#19 @18ms B sends Watch l/<A> from 3',
      // C watches B's key, not A's (no herd)
      '#21 @20ms C runs: etcdctl lock l',
      '#21 @20ms C sends LeaseGrant 10',
      '#24 @22ms C sends LeaseKeepAlive <C>',
      `#27 @24ms C sends ${txn('C')}`,
      `#29 @26ms ${waiters('C', 3)}`,
      '#31 @28ms C sends Watch l/<B> from 4',
      // Ctrl-C on A: it deletes its key; the DELETE reaches B's watch at the same time as A's own
      // reply, just before it, and B reacts in that event; then B checks its key and etcdctl reads it
      '#34 @100ms A gets Ctrl-C',
      '#34 @100ms A sends DeleteRange l/<A>',
      '#36 @102ms B receives DELETE l/<A>',
      `#36 @102ms ${waiters('B', 2)}`,
      '#37 @102ms A exits 0',
      '#40 @104ms B sends Range l/<B>',
      '#42 @106ms B sends Range l/<B>',
      '#44 @108ms B prints "l/<B>"',
      '#44 @108ms B prints ""',
      // the same for C when B lets go
      '#45 @200ms B gets Ctrl-C',
      '#45 @200ms B sends DeleteRange l/<B>',
      '#47 @202ms C receives DELETE l/<B>',
      `#47 @202ms ${waiters('C', 3)}`,
      '#48 @202ms B exits 0',
      '#51 @204ms C sends Range l/<C>',
      '#53 @206ms C sends Range l/<C>',
      '#55 @208ms C prints "l/<C>"',
      '#55 @208ms C prints ""',
    ]);
    expect(oneCall.cmds.get('C')!.running).toBe(true);
  });

  it('the log is the same, event for event, whether the engine runs in one call, one event per call, or in 16 ms frames', () => {
    const perEvent = threeLockers((e) => {
      while (e.step()) {
        /* one event per call, nothing in between */
      }
    });
    const frames = threeLockers((e) => {
      for (let t = 0; t <= 10_000; t += 16) e.advance(t);
    });
    const uneven = threeLockers((e) => {
      for (const t of [0, 1, 3, 7, 50, 101, 102, 103, 150, 203, 10_000]) e.advance(t);
    });
    expect(oneCall.log.length).toBeGreaterThan(30);
    expect(perEvent).toMatchObject({ log: oneCall.log });
    expect(frames).toMatchObject({ log: oneCall.log });
    expect(uneven).toMatchObject({ log: oneCall.log });
  });

  it('control: a client that settles in microtasks (what native promises did) gives a log that depends on the chunking', async () => {
    /** Re-delivers every settlement and callback of `c` in a microtask, as the old client did. */
    const viaMicrotasks = (c: EtcdClient): EtcdClient =>
      new Proxy(c, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function' || prop === 'endpoints' || prop === 'nowMs') return v;
          if (prop === 'at') return (ep: string) => viaMicrotasks(target.at(ep));
          return (...args: unknown[]) => {
            const late = args.map((a) => (typeof a === 'function' ? (...xs: unknown[]) => queueMicrotask(() => (a as (...ys: unknown[]) => void)(...xs)) : a));
            const d = Pending.deferred<unknown>();
            (v as (...ys: unknown[]) => Pending<unknown>).apply(target, late).then(
              (x) => queueMicrotask(() => d.resolve(x)),
              (e) => queueMicrotask(() => d.reject(e)),
            );
            return d.pending;
          };
        },
      });
    const flush = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    const oneGo = await threeLockers(async (e) => {
      e.advance(300);
      await flush();
      e.advance(10_000);
      await flush();
    }, viaMicrotasks);
    const stepwise = await threeLockers(async (e) => {
      while (!e.idle) {
        e.step();
        await flush();
      }
    }, viaMicrotasks);
    expect(stepwise.log).not.toEqual(oneGo.log);
    // the keep-alive that answers the grant delivered at 2 ms goes out after the engine's call
    // returns, outside any event (#-1), at whatever time that call stopped
    expect(stepwise.log).toContain('#-1 @2ms A sends LeaseKeepAlive <A>');
    expect(oneGo.log).toContain('#-1 @300ms A sends LeaseKeepAlive <A>');
    // and the synchronous client is not that: it gives the one log in every chunking
    expect(oneCall.log).not.toEqual(oneGo.log);
  });
});

describe('MemoryEtcdServer: one request at a time', () => {
  it('a request sent from a watch callback is served after the delivery in progress, so every watcher sees revisions in order', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const seen: string[] = [];
    // W1 reacts to /a by writing /b, inside its callback
    c.watch({ key: '/', rangeEnd: '0', startRevision: 0 }, (r) => {
      for (const e of r.events) {
        seen.push(`W1 ${e.kv.key}@${e.kv.modRevision}`);
        if (e.kv.key === '/a') c.kv({ op: 'put', key: '/b', value: 'from W1' }).then((p) => seen.push(`W1's put done @${p.header.revision}`));
      }
    }).unwrap();
    c.watch({ key: '/', rangeEnd: '0', startRevision: 0 }, (r) => {
      for (const e of r.events) seen.push(`W2 ${e.kv.key}@${e.kv.modRevision}`);
    }).unwrap();
    const put = c.kv({ op: 'put', key: '/a', value: '1' });
    expect(put.isSettled).toBe(true);
    expect(seen).toEqual(['W1 /a@2', 'W2 /a@2', 'W1 /b@3', 'W2 /b@3', "W1's put done @3"]);
  });

  it("a host's onSettle that throws inside the member's work comes out of the call, and the member still serves what was queued", () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const order: string[] = [];
    c.watch({ key: 'k', startRevision: 0 }, () => {
      c.kv({ op: 'put', key: 'a', value: '1' }).onSettle(() => {
        throw new Error('expect failed');
      });
      c.kv({ op: 'put', key: 'b', value: '2' }).then(() => order.push('b served'));
    }).unwrap();
    expect(() => c.kv({ op: 'put', key: 'k', value: 'v' })).toThrow('expect failed');
    expect(order).toEqual(['b served']);
    expect(c.kv({ op: 'range', key: 'a', rangeEnd: 'c' }).unwrap().kvs.map((kv) => kv.key)).toEqual(['a', 'b']);
  });

  it('advance runs each keep-alive or expiry as its own task, at its own time, and refuses to run from a callback', () => {
    const server = new MemoryEtcdServer();
    const c = server.client();
    const lease = c.leaseGrant(5).unwrap().id;
    c.kv({ op: 'put', key: 'k', value: 'v', lease }).unwrap();
    const at: number[] = [];
    c.watch({ key: 'k', startRevision: 0 }, (r) => {
      if (r.events.some((e) => e.type === 'DELETE')) c.kv({ op: 'range', key: 'k' }).then(() => at.push(server.nowMs));
    }).unwrap();
    server.advance(60_000);
    expect(at).toEqual([5000]); // the reaction to the expiry is served at the expiry, not at the end of the advance
    let error = '';
    c.watch({ key: 'x', startRevision: 0 }, () => {
      try {
        server.advance(1);
      } catch (e) {
        error = (e as Error).message;
      }
    }).unwrap();
    c.kv({ op: 'put', key: 'x', value: '1' }).unwrap();
    expect(error).toMatch(/advance: called from inside a request or a callback/);
  });
});

describe('results in the event of the reply (what a scenario step checks)', () => {
  it("a one-shot command's result, and a watch's output and `watched`, are there in the event that delivered the reply", () => {
    const engine = new FakeEngine(1);
    const steps = engine.client('step');
    let watch: BackgroundCommand | null = null;
    engine.at(0, () => {
      runEtcdctl('watch /config --prefix', { client: engine.client('W') }).then((r) => {
        watch = r as BackgroundCommand;
        engine.note(`W started, watched ${JSON.stringify(watch.watched)}`);
        watch.onOutput((l) => engine.note(`W prints ${JSON.stringify(l.text)}, watched ${JSON.stringify(watch!.watched)}`));
      });
    });
    engine.at(10, () => {
      runEtcdctl('put /config/db mysql://a', { client: steps }).then((r) => engine.note(`step checks ${JSON.stringify((r as CommandResult).text)} exit ${(r as CommandResult).exit}`));
    });
    engine.at(20, () => {
      runEtcdctl('get /config/db', { client: steps }).then((r) => engine.note(`step checks ${JSON.stringify((r as CommandResult).text)}`));
    });
    engine.advance(1000);
    expect(engine.log).toEqual([
      '#0 @0ms W sends Watch /config end=/confih from 0',
      '#2 @2ms W started, watched []',
      '#3 @10ms step sends Put /config/db',
      // the member applies the put at 11 ms: the watch event and the put's reply both travel 1 ms;
      // the watch event was queued first
      '#5 @12ms W receives PUT /config/db',
      '#5 @12ms W prints "PUT", watched ["PUT /config/db mysql://a"]',
      '#5 @12ms W prints "/config/db", watched ["PUT /config/db mysql://a"]',
      '#5 @12ms W prints "mysql://a", watched ["PUT /config/db mysql://a"]',
      '#6 @12ms step checks "OK\\n" exit 0',
      '#7 @20ms step sends Range /config/db',
      '#9 @22ms step checks "/config/db\\nmysql://a\\n"',
    ]);
  });
});

describe('in-flight replies (the windows a synchronous in-memory member never opens)', () => {
  it('etcdctl lock: Ctrl-C while the waiter\'s last check is in flight ends it with "context canceled", nothing printed, its key deleted', () => {
    const engine = new FakeEngine(1);
    const a = engine.client('A');
    const b = engine.client('B');
    let cmdA: BackgroundCommand | null = null;
    let cmdB: BackgroundCommand | null = null;
    runEtcdctl('lock l', { client: a }).then((r) => (cmdA = r as BackgroundCommand));
    engine.advance(10);
    runEtcdctl('lock l', { client: b }).then((r) => (cmdB = r as BackgroundCommand));
    engine.advance(50);
    expect(cmdA!.output.map((l) => l.text)).toEqual([(cmdA!.created as { key: string }).key, '']);
    expect(cmdB!.output).toEqual([]);
    cmdA!.cancel();
    // A's delete reaches the member at +1 ms, the DELETE reaches B at +2 ms and B sends its Range
    engine.advance(engine.nowMs + 2);
    expect(engine.log[engine.log.length - 1]).toMatch(/B sends Range l\/ end=l0 maxCreateRevision/);
    const endB = cmdB!.cancel();
    expect(endB.isSettled).toBe(false); // it ends when the Range it waits for comes back
    engine.advance(engine.nowMs + 100);
    const end = endB.unwrap() as CommandResult;
    expect(end).toMatchObject({ exit: 1, stderr: `Error: ${CONTEXT_CANCELED}\n` });
    expect(cmdB!.output.filter((l) => l.stream === 'stdout')).toEqual([]);
    const left = engine.server.client().kv({ op: 'range', key: 'l/', rangeEnd: 'l0' }).unwrap();
    expect(left.kvs).toEqual([]);
  });

  it('Queue: two consumers racing for the same item (both read it, both try to claim it): the txn that deletes only if unchanged lets one win', () => {
    const engine = new FakeEngine(1);
    new Queue(engine.server.client(), 'q').enqueue('only').unwrap();
    const got: Array<{ who: string; value?: string; error?: string }> = [];
    const ctls = ['X', 'Y'].map((who) => {
      const ctl = new AbortController();
      new Queue(engine.client(who), 'q').dequeue(ctl.signal).then(
        (kv: KeyValue) => got.push({ who, value: kv.value }),
        (e) => got.push({ who, error: (e as Error).message }),
      );
      return ctl;
    });
    engine.advance(100);
    // both read the item at the same time and both sent a claim
    expect(engine.log.filter((l) => l.includes('sends Txn if modRevision(q/0000000000000000)')).map((l) => l.replace(/ sends .*/, ''))).toEqual(['#2 @2ms X', '#3 @2ms Y']);
    expect(got).toEqual([{ who: 'X', value: 'only' }]);
    for (const c of ctls) c.abort();
    engine.advance(200);
    expect(got).toEqual([
      { who: 'X', value: 'only' },
      { who: 'Y', error: CONTEXT_CANCELED },
    ]);
  });
});
