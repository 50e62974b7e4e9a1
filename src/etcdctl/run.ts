/**
 * Running an etcdctl command against an {@link EtcdClient}: what each etcdctl v3.6 command function
 * does (etcdctl/ctlv3/command/*_command.go), printed with the printers of format.ts.
 *
 * A one-shot command fulfils with its output and exit status. A background command (`watch`,
 * `lease keep-alive`, `lock`, `elect`, `elect -l`) fulfils, once started, with a
 * {@link BackgroundCommand} that streams its output lines until it ends on its own (a watch
 * cancelled by the server, a keep-alive whose lease is gone, a lock whose session expired) or is
 * cancelled, as Ctrl-C would: a cancelled keep-alive stops renewing (the lease then expires),
 * a cancelled lock deletes its key (the next waiter gets the lock), a cancelled campaign resigns.
 * A process killed by Ctrl-C without handling it (watch, keep-alive) exits with status 130, as a
 * shell reports it; lock and elect handle the signal and exit with 0.
 *
 * Nothing here reads a clock or sets a timer: time is the client's. The `--command-timeout`
 * deadline ({@link ParsedLine.global}) and etcdctl's 2 s pause before a `del KEY END` without
 * `--range` ({@link ParsedLine.delayMs}) are the host's to wait for: parse first, wait, then
 * {@link execute}.
 *
 * Results are {@link Pending} values, settled synchronously inside the call that delivers the
 * client's last reply (see client.ts): a scenario step can check a command's output in the very
 * engine event that delivered the reply, and a background command's reactions (its next request,
 * its output lines, `watched`, `done`) happen in the events that caused them.
 */
import type { KvEvent, LeaseId } from '../kv';
import { EtcdClientError, type EtcdClient, type Subscription } from './client';
import {
  UnsupportedFormat,
  printCompaction,
  printDel,
  printEndpointHealth,
  printEndpointStatus,
  printGet,
  printGrant,
  printKeepAlive,
  printLeases,
  printMemberAdd,
  printMemberList,
  printMemberPromote,
  printMemberRemove,
  printMoveLeader,
  printPut,
  printRevoke,
  printTimeToLive,
  printTxn,
  printWatch,
  type EndpointHealth,
  type EndpointStatus,
  type PrintOptions,
  type Printed,
} from './format';
import { goDuration } from './go';
import { usage } from './help';
import { Pending } from './pending';
import { EXIT, isBackground, parseCommandLine, type EtcdctlCommand, type ParseOptions, type ParsedLine } from './parse';
import { CONTEXT_CANCELED, Election, Mutex, Session } from './recipes';

/** One line etcdctl wrote, and where. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What a command made that an `as` name can stand for afterwards. */
export type Created =
  | { kind: 'lease'; id: LeaseId }
  | { kind: 'member'; id: string }
  | { kind: 'watch' }
  | { kind: 'keep-alive'; id: LeaseId }
  | { kind: 'lock'; lease: LeaseId; key: string }
  | { kind: 'election'; lease: LeaseId; key: string }
  | { kind: 'observer'; lease: LeaseId };

/** A finished command: its output (in order), the two streams as text, its exit status. */
export interface CommandResult {
  exit: number;
  output: OutputLine[];
  /** Standard output, each line ended by a newline. */
  stdout: string;
  stderr: string;
  /** Both streams interleaved as written, each line ended by a newline (what a terminal shows; `expect: { output }` compares this). */
  text: string;
  created?: Created;
}

/** Where a command runs. */
export interface RunContext extends ParseOptions {
  client: EtcdClient;
}

/** The watch events a named watch received, as scenario expects write them: `PUT key value` / `DELETE key`. */
export function describeEvent(e: KvEvent): string {
  return e.type === 'PUT' ? `PUT ${e.kv.key} ${e.kv.value}` : `DELETE ${e.kv.key}`;
}

class Output {
  readonly lines: OutputLine[] = [];
  private listeners: Array<(l: OutputLine) => void> = [];

  add(p: Printed): void {
    for (const t of p.stdout) this.push({ stream: 'stdout', text: t });
    for (const t of p.stderr) this.push({ stream: 'stderr', text: t });
  }

  out(text: string): void {
    this.push({ stream: 'stdout', text });
  }

  err(text: string): void {
    this.push({ stream: 'stderr', text });
  }

  private push(l: OutputLine): void {
    this.lines.push(l);
    for (const f of this.listeners) f(l);
  }

  listen(f: (l: OutputLine) => void): void {
    this.listeners.push(f);
  }

  result(exit: number, created?: Created): CommandResult {
    const text = (s: OutputLine['stream']): string => this.lines.filter((l) => l.stream === s).map((l) => `${l.text}\n`).join('');
    const all = this.lines.map((l) => `${l.text}\n`).join('');
    return { exit, output: [...this.lines], stdout: text('stdout'), stderr: text('stderr'), text: all, ...(created ? { created } : {}) };
  }
}

/** An etcdctl exit with an error (cobrautl.ExitWithError). */
class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const clientErr = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * A command running in the background. `output` grows as it prints; `done` settles when it has
 * ended (on its own or after {@link cancel}), synchronously in the call that ended it.
 */
export class BackgroundCommand {
  readonly output: OutputLine[];
  /** For `watch`: every event received, in order (`PUT key value` / `DELETE key`). */
  readonly watched: string[] = [];
  created?: Created;
  readonly done: Pending<CommandResult>;
  private readonly ended = Pending.deferred<CommandResult>();
  private finished: CommandResult | null = null;
  private readonly ctl = new AbortController();
  /** What Ctrl-C does for this command (set by the command): the exit status, once known. */
  onInterrupt: () => Pending<number> = () => Pending.resolve(130);

  constructor(
    readonly command: EtcdctlCommand,
    private readonly out: Output,
  ) {
    this.output = out.lines;
    this.done = this.ended.pending;
  }

  /** Aborted when the command is cancelled (the recipes' context). */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** Whether it is still running. */
  get running(): boolean {
    return this.finished === null;
  }

  /** Calls `f` for every line printed from now on. */
  onOutput(f: (l: OutputLine) => void): void {
    this.out.listen(f);
  }

  /** Ends the command with `exit` (and an `Error: …` line if given). Later calls are ignored. */
  finish(exit: number, error?: string): CommandResult {
    if (this.finished) return this.finished;
    if (error !== undefined) this.out.err(`Error: ${error}`);
    this.finished = this.out.result(exit, this.created);
    this.ended.resolve(this.finished);
    return this.finished;
  }

  /**
   * Ctrl-C: stops the command as etcdctl would on SIGINT, and fulfils with how it ended. What the
   * command does on the signal (delete its lock key, resign) is sent at once; the result settles
   * when the replies it waits for are delivered (at once on the in-memory client).
   */
  cancel(): Pending<CommandResult> {
    if (this.finished) return Pending.resolve(this.finished);
    this.ctl.abort();
    return Pending.try(() => this.onInterrupt()).then(
      (code) => this.finish(code),
      (e) => this.finish(EXIT.Error, clientErr(e)),
    );
  }
}

/**
 * Parses and runs one etcdctl invocation (see parse.ts for the text). Fulfils with the result of a
 * one-shot command, or with the running {@link BackgroundCommand}. Never rejects for bad input or
 * a failed request: those are etcdctl's error lines and exit statuses. A line that does not parse
 * gives an already settled result.
 */
export function runEtcdctl(text: string, ctx: RunContext): Pending<CommandResult | BackgroundCommand> {
  const parsed = parseCommandLine(text, ctx);
  if (!parsed.ok) {
    const o = new Output();
    for (const l of parsed.stderr.split('\n')) o.err(l);
    return Pending.resolve(o.result(parsed.exit));
  }
  return execute(parsed, ctx.client);
}

/** The exit status and message etcdctl ends with for an error `e` of a command. */
function failure(e: unknown): { code: number; message: string } {
  if (e instanceof Exit) return { code: e.code, message: e.message };
  if (e instanceof UnsupportedFormat) return { code: EXIT.BadFeature, message: e.message };
  return { code: EXIT.Error, message: clientErr(e) };
}

/** Runs an already parsed command (see {@link runEtcdctl}). */
export function execute(parsed: ParsedLine, client: EtcdClient): Pending<CommandResult | BackgroundCommand> {
  const { command: cmd, global } = parsed;
  const c = global.endpoints && global.endpoints.length > 0 ? client.at(global.endpoints[0]) : client;
  const po: PrintOptions = { writeOut: global.writeOut, hex: global.hex };
  const o = new Output();
  for (const w of parsed.warnings) o.err(w);
  if (isBackground(cmd)) {
    const bg = new BackgroundCommand(cmd, o);
    return Pending.try(() => startBackground(bg, cmd, c, po, o)).then<CommandResult | BackgroundCommand, CommandResult>(
      () => (bg.running ? bg : bg.done),
      (e) => {
        const f = failure(e);
        return bg.finish(f.code, f.message);
      },
    );
  }
  return Pending.try(() => runOnce(cmd, c, global.endpoints, po, o)).then(
    (created) => o.result(EXIT.Success, created),
    (e) => {
      if (e instanceof QuietExit) return o.result(e.code);
      const f = failure(e);
      o.err(`Error: ${f.message}`);
      return o.result(f.code);
    },
  );
}

/** A client request whose failure becomes etcdctl's exit `code` with the message `wrap` makes. */
function call<T>(request: () => Pending<T>, code: number = EXIT.Error, wrap: (m: string) => string = (m) => m): Pending<T> {
  return Pending.try(request).then(undefined, (e) => {
    throw new Exit(code, wrap(clientErr(e)));
  });
}

/** Prints with `print` and creates nothing. */
const printed =
  <T>(o: Output, print: (r: T) => Printed) =>
  (r: T): undefined => {
    o.add(print(r));
    return undefined;
  };

function runOnce(cmd: EtcdctlCommand, c: EtcdClient, endpointsFlag: string[] | undefined, po: PrintOptions, o: Output): Pending<Created | undefined> {
  switch (cmd.kind) {
    case 'get':
      return call(() => c.kv(cmd.request)).then((r) => {
        if (cmd.countOnly && po.writeOut !== 'fields') throw new Exit(EXIT.BadArgs, '--count-only is only for `--write-out=fields`');
        if (cmd.printValueOnly && po.writeOut !== 'simple') throw new Exit(EXIT.BadArgs, 'print-value-only is only for `--write-out=simple`');
        o.add(printGet(r, { ...po, valueOnly: cmd.printValueOnly }));
        return undefined;
      });
    case 'put':
      return call(() => c.kv(cmd.request)).then(printed(o, (r) => printPut(r, po)));
    case 'del':
      return call(() => c.kv(cmd.request)).then(printed(o, (r) => printDel(r, po)));
    case 'txn':
      if (cmd.interactive) {
        o.out('compares:');
        o.out('success requests (get, put, del):');
        o.out('failure requests (get, put, del):');
      }
      return call(() => c.kv(cmd.request)).then(printed(o, (r) => printTxn(r, po)));
    case 'compaction':
      return call(() => c.kv(cmd.request)).then(printed(o, () => printCompaction(cmd.request.revision)));
    case 'lease grant':
      return call(() => c.leaseGrant(cmd.ttl), EXIT.Error, (m) => `failed to grant lease (${m})`).then((r): Created => {
        o.add(printGrant(r, po));
        return { kind: 'lease', id: r.id };
      });
    case 'lease revoke':
      return call(() => c.leaseRevoke(cmd.id), EXIT.Error, (m) => `failed to revoke lease (${m})`).then(printed(o, (r) => printRevoke(cmd.id, r, po)));
    case 'lease timetolive':
      return call(() => c.leaseTimeToLive(cmd.id, cmd.keys), EXIT.BadConnection).then(printed(o, (r) => printTimeToLive(r, cmd.keys, po)));
    case 'lease list':
      return call(() => c.leaseLeases(), EXIT.BadConnection).then(printed(o, (r) => printLeases(r, po)));
    case 'lease keep-alive': // --once (the loop runs in the background)
      return call(() => c.leaseKeepAliveOnce(cmd.id), EXIT.BadConnection).then(printed(o, (r) => printKeepAlive(r, po)));
    case 'member list':
      return call(() => c.memberList({ serializable: cmd.serializable })).then(printed(o, (r) => printMemberList(r, po)));
    case 'member add':
      return call(() => c.memberAdd(cmd.peerUrls, cmd.isLearner)).then((r): Created => {
        o.add(printMemberAdd(r, cmd.name, cmd.peerUrls.join(','), po));
        return { kind: 'member', id: r.member.id };
      });
    case 'member remove':
      return call(() => c.memberRemove(cmd.id)).then(printed(o, (r) => printMemberRemove(cmd.id, r, po)));
    case 'member promote':
      return call(() => c.memberPromote(cmd.id)).then(printed(o, (r) => printMemberPromote(cmd.id, r, po)));
    case 'endpoint health':
      return endpointsFor(c, endpointsFlag, cmd.cluster).then((eps) => {
        // every endpoint is asked at once; the lines are printed in the order the answers came
        const done: EndpointHealth[] = [];
        return Pending.all(
          eps.map((ep) => {
            const cli = c.at(ep);
            const st = cli.nowMs();
            return Pending.try(() => cli.kv({ op: 'range', key: 'health' })).then(
              () => {
                done.push({ endpoint: ep, health: true, took: goDuration(cli.nowMs() - st) });
              },
              (e) => {
                done.push({ endpoint: ep, health: false, took: goDuration(cli.nowMs() - st), error: clientErr(e) });
              },
            );
          }),
        ).then(() => {
          o.add(printEndpointHealth(done, po));
          if (done.some((h) => h.error)) throw new Exit(EXIT.Error, 'unhealthy cluster');
          return undefined;
        });
      });
    case 'endpoint status':
      return endpointsFor(c, endpointsFlag, cmd.cluster).then((eps) => {
        const list: EndpointStatus[] = [];
        let failed = false;
        // one endpoint after the other, as etcdctl's loop asks them
        const ask = (i: number): Pending<void> => {
          if (i >= eps.length) return Pending.resolve(undefined);
          const ep = eps[i];
          return Pending.try(() => c.at(ep).status(ep))
            .then(
              (status) => {
                list.push({ endpoint: ep, status });
              },
              (e) => {
                failed = true;
                o.err(`Failed to get the status of endpoint ${ep} (${clientErr(e)})`);
              },
            )
            .then(() => ask(i + 1));
        };
        return ask(0).then(() => {
          o.add(printEndpointStatus(list, po));
          if (failed) return exitQuietly(EXIT.Error);
          return undefined;
        });
      });
    case 'move-leader': {
      const eps = endpointsFlag && endpointsFlag.length > 0 ? endpointsFlag : c.endpoints();
      // the first endpoint whose status says it is the leader
      const find = (i: number): Pending<{ cli: EtcdClient; id: string } | null> => {
        if (i >= eps.length) return Pending.resolve(null);
        const cli = c.at(eps[i]);
        return call(() => cli.status(eps[i])).then((s) => (s.header.memberId === s.leader ? { cli, id: s.leader } : find(i + 1)));
      };
      return find(0).then((leader) => {
        if (!leader) throw new Exit(EXIT.BadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
        return call(() => leader.cli.moveLeader(cmd.target)).then(printed(o, (r) => printMoveLeader(leader.id, cmd.target, r, po)));
      });
    }
    case 'help':
      for (const l of usage(cmd.path).split('\n')) o.out(l);
      return Pending.resolve(undefined);
    default:
      return Pending.reject(new Error(`${cmd.kind} runs in the background`));
  }
}

/** `os.Exit(code)` without an error line (endpoint status after printing what it got). */
function exitQuietly(code: number): never {
  throw new QuietExit(code);
}

class QuietExit extends Exit {
  constructor(code: number) {
    super(code, '');
  }
}

/** endpointsFromCluster: `--endpoints` (or the client's), or with `--cluster` every member's client URLs. */
function endpointsFor(c: EtcdClient, flag: string[] | undefined, cluster: boolean): Pending<string[]> {
  if (!cluster) return Pending.resolve(flag && flag.length > 0 ? flag : c.endpoints());
  return call(() => c.memberList(), EXIT.Error, (m) => `failed to fetch endpoints from etcd cluster member list: ${m}`).then((r) => r.members.flatMap((m) => m.clientUrls));
}

/** The lock key (or campaign key) of a session: `<name>/<lease id in hex, no leading zeros>`. */
const sessionKey = (name: string, lease: LeaseId): string => `${name}/${BigInt(`0x${lease}`).toString(16)}`;

function startBackground(bg: BackgroundCommand, cmd: EtcdctlCommand, c: EtcdClient, po: PrintOptions, o: Output): Pending<void> {
  switch (cmd.kind) {
    case 'watch': {
      if (po.writeOut === 'table') throw new UnsupportedFormat('table');
      bg.created = { kind: 'watch' };
      let sub: Subscription | null = null;
      bg.onInterrupt = () => {
        sub?.cancel();
        return Pending.resolve(130);
      };
      return c
        .watch(cmd.request, (r) => {
          if (!bg.running) return;
          if (r.canceled) o.err(`watch was canceled (${r.cancelReason ?? ''})`);
          for (const e of r.events) bg.watched.push(describeEvent(e));
          o.add(printWatch(r, po));
          if (r.canceled) bg.finish(EXIT.Interrupted, 'watch is canceled by the server');
        })
        .then((s) => {
          sub = s;
          if (!bg.running) s.cancel();
        });
    }
    case 'lease keep-alive': {
      if (po.writeOut === 'table') throw new UnsupportedFormat('table');
      bg.created = { kind: 'keep-alive', id: cmd.id };
      let sub: Subscription | null = null;
      let interrupted = false;
      bg.onInterrupt = () => {
        interrupted = true;
        sub?.cancel();
        return Pending.resolve(130);
      };
      return call(
        () =>
          c.leaseKeepAlive(
            cmd.id,
            (r) => o.add(printKeepAlive(r, po)),
            () => {
              if (interrupted) return;
              if (po.writeOut === 'simple') o.out(`lease ${cmd.id} expired or revoked.`);
              bg.finish(EXIT.Success);
            },
          ),
        EXIT.BadConnection,
      ).then((s) => {
        sub = s;
        if (!bg.running) s.cancel();
      });
    }
    case 'lock':
      return Session.create(c, { ttl: cmd.ttl }).then((session) => {
        const m = new Mutex(session, cmd.name);
        bg.created = { kind: 'lock', lease: session.lease, key: sessionKey(cmd.name, session.lease) };
        let held = false;
        bg.done.then(() => session.orphan());
        bg.onInterrupt = () => {
          // still waiting: Lock deletes its key and fails with "context canceled" (below)
          if (!held) return bg.done.then((r) => r.exit);
          return m.unlock().then(
            () => EXIT.Success,
            (e) => {
              o.err(`Error: ${clientErr(e)}`);
              return EXIT.Error;
            },
          );
        };
        m.lock(bg.signal)
          .then(
            () => {
              if (bg.signal.aborted) {
                // etcdctl's Get of the key runs with the cancelled context and fails; the process exits
                bg.finish(EXIT.Error, CONTEXT_CANCELED);
                return undefined;
              }
              held = true;
              return c.kv({ op: 'range', key: m.key }).then((k) => {
                if (k.kvs.length === 0) {
                  bg.finish(EXIT.Error, 'lock lost on init');
                  return undefined;
                }
                o.add(printGet(k, po));
                return session.done.then(() => {
                  if (bg.running && !bg.signal.aborted) bg.finish(EXIT.Error, 'session expired');
                });
              });
            },
            (e) => {
              bg.finish(EXIT.Error, clientErr(e));
            },
          )
          .catch((e) => bg.finish(EXIT.Error, clientErr(e)));
      });
    case 'elect':
      return Session.create(c).then((session) => {
        const e = new Election(session, cmd.name);
        bg.created = { kind: 'election', lease: session.lease, key: sessionKey(cmd.name, session.lease) };
        let elected = false;
        bg.done.then(() => session.orphan());
        bg.onInterrupt = () => {
          // still campaigning: Campaign resigns and fails with "context canceled" (below)
          if (!elected) return bg.done.then((r) => r.exit);
          return e.resign().then(
            () => EXIT.Success,
            () => EXIT.Success,
          );
        };
        e.campaign(cmd.proposal, bg.signal)
          .then(
            () => {
              if (bg.signal.aborted) {
                bg.finish(EXIT.Error, CONTEXT_CANCELED); // as for lock: the Get with the cancelled context fails
                return undefined;
              }
              elected = true;
              return c.kv({ op: 'range', key: e.key }).then((k) => {
                o.add(printGet(k, po));
                return session.done.then(() => {
                  if (bg.running && !bg.signal.aborted) bg.finish(EXIT.Error, 'elect: session expired');
                });
              });
            },
            (err) => {
              bg.finish(EXIT.Error, clientErr(err));
            },
          )
          .catch((err) => bg.finish(EXIT.Error, clientErr(err)));
      });
    case 'elect -l':
      return Session.create(c).then((session) => {
        const e = new Election(session, cmd.name);
        bg.created = { kind: 'observer', lease: session.lease };
        bg.done.then(() => session.orphan());
        bg.onInterrupt = () => Pending.resolve(EXIT.Success);
        e.observe(
          (v) => o.add(printGet({ op: 'range', header: v.header, kvs: [v.kv], more: false, count: 0 } /* Observe builds a GetResponse with Header and Kvs only */, po)),
          bg.signal,
        ).then(
          () => {
            if (!bg.signal.aborted) bg.finish(EXIT.Error, 'elect: observer lost');
          },
          () => bg.finish(EXIT.Error, 'elect: observer lost'),
        );
      });
    default:
      throw new EtcdClientError(`${cmd.kind} is not a background command`);
  }
}
