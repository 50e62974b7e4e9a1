/**
 * Running an etcdctl command against an {@link EtcdClient}: what each etcdctl v3.6 command function
 * does (etcdctl/ctlv3/command/*_command.go), printed with the printers of format.ts.
 *
 * A one-shot command resolves with its output and exit status. A background command (`watch`,
 * `lease keep-alive`, `lock`, `elect`, `elect -l`) resolves, once started, with a
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
 * A command running in the background. `output` grows as it prints; `done` resolves when it has
 * ended (on its own or after {@link cancel}).
 */
export class BackgroundCommand {
  readonly output: OutputLine[];
  /** For `watch`: every event received, in order (`PUT key value` / `DELETE key`). */
  readonly watched: string[] = [];
  created?: Created;
  readonly done: Promise<CommandResult>;
  private resolveDone!: (r: CommandResult) => void;
  private finished: CommandResult | null = null;
  private readonly ctl = new AbortController();
  /** What Ctrl-C does for this command (set by the command). */
  onInterrupt: () => Promise<number> = async () => 130;

  constructor(
    readonly command: EtcdctlCommand,
    private readonly out: Output,
  ) {
    this.output = out.lines;
    this.done = new Promise((r) => (this.resolveDone = r));
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
    this.resolveDone(this.finished);
    return this.finished;
  }

  /** Ctrl-C: stops the command as etcdctl would on SIGINT, and resolves with how it ended. */
  async cancel(): Promise<CommandResult> {
    if (this.finished) return this.finished;
    this.ctl.abort();
    const code = await this.onInterrupt();
    return this.finish(code);
  }
}

/**
 * Parses and runs one etcdctl invocation (see parse.ts for the text). Resolves with the result of a
 * one-shot command, or with the running {@link BackgroundCommand}. Never rejects for bad input or
 * a failed request: those are etcdctl's error lines and exit statuses.
 */
export async function runEtcdctl(text: string, ctx: RunContext): Promise<CommandResult | BackgroundCommand> {
  const parsed = parseCommandLine(text, ctx);
  if (!parsed.ok) {
    const o = new Output();
    for (const l of parsed.stderr.split('\n')) o.err(l);
    return o.result(parsed.exit);
  }
  return execute(parsed, ctx.client);
}

/** Runs an already parsed command (see {@link runEtcdctl}). */
export async function execute(parsed: ParsedLine, client: EtcdClient): Promise<CommandResult | BackgroundCommand> {
  const { command: cmd, global } = parsed;
  const c = global.endpoints && global.endpoints.length > 0 ? client.at(global.endpoints[0]) : client;
  const po: PrintOptions = { writeOut: global.writeOut, hex: global.hex };
  const o = new Output();
  for (const w of parsed.warnings) o.err(w);
  if (isBackground(cmd)) {
    const bg = new BackgroundCommand(cmd, o);
    try {
      await startBackground(bg, cmd, c, po, o);
    } catch (e) {
      if (e instanceof Exit) return bg.finish(e.code, e.message);
      if (e instanceof UnsupportedFormat) return bg.finish(EXIT.BadFeature, e.message);
      return bg.finish(EXIT.Error, clientErr(e));
    }
    return bg.running ? bg : bg.done;
  }
  let created: Created | undefined;
  try {
    created = await runOnce(cmd, c, global.endpoints, po, o);
  } catch (e) {
    if (e instanceof QuietExit) return o.result(e.code);
    if (e instanceof Exit) o.err(`Error: ${e.message}`);
    else if (e instanceof UnsupportedFormat) o.err(`Error: ${e.message}`);
    else o.err(`Error: ${clientErr(e)}`);
    return o.result(e instanceof Exit ? e.code : e instanceof UnsupportedFormat ? EXIT.BadFeature : EXIT.Error);
  }
  return o.result(EXIT.Success, created);
}

async function call<T>(p: Promise<T>, code: number = EXIT.Error, wrap: (m: string) => string = (m) => m): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new Exit(code, wrap(clientErr(e)));
  }
}

async function runOnce(cmd: EtcdctlCommand, c: EtcdClient, endpointsFlag: string[] | undefined, po: PrintOptions, o: Output): Promise<Created | undefined> {
  switch (cmd.kind) {
    case 'get': {
      const r = await call(c.kv(cmd.request));
      if (cmd.countOnly && po.writeOut !== 'fields') throw new Exit(EXIT.BadArgs, '--count-only is only for `--write-out=fields`');
      if (cmd.printValueOnly && po.writeOut !== 'simple') throw new Exit(EXIT.BadArgs, 'print-value-only is only for `--write-out=simple`');
      o.add(printGet(r, { ...po, valueOnly: cmd.printValueOnly }));
      return undefined;
    }
    case 'put':
      o.add(printPut(await call(c.kv(cmd.request)), po));
      return undefined;
    case 'del':
      o.add(printDel(await call(c.kv(cmd.request)), po));
      return undefined;
    case 'txn':
      if (cmd.interactive) {
        o.out('compares:');
        o.out('success requests (get, put, del):');
        o.out('failure requests (get, put, del):');
      }
      o.add(printTxn(await call(c.kv(cmd.request)), po));
      return undefined;
    case 'compaction':
      await call(c.kv(cmd.request));
      o.add(printCompaction(cmd.request.revision));
      return undefined;
    case 'lease grant': {
      const r = await call(c.leaseGrant(cmd.ttl), EXIT.Error, (m) => `failed to grant lease (${m})`);
      o.add(printGrant(r, po));
      return { kind: 'lease', id: r.id };
    }
    case 'lease revoke': {
      const r = await call(c.leaseRevoke(cmd.id), EXIT.Error, (m) => `failed to revoke lease (${m})`);
      o.add(printRevoke(cmd.id, r, po));
      return undefined;
    }
    case 'lease timetolive':
      o.add(printTimeToLive(await call(c.leaseTimeToLive(cmd.id, cmd.keys), EXIT.BadConnection), cmd.keys, po));
      return undefined;
    case 'lease list':
      o.add(printLeases(await call(c.leaseLeases(), EXIT.BadConnection), po));
      return undefined;
    case 'lease keep-alive': // --once (the loop runs in the background)
      o.add(printKeepAlive(await call(c.leaseKeepAliveOnce(cmd.id), EXIT.BadConnection), po));
      return undefined;
    case 'member list':
      o.add(printMemberList(await call(c.memberList({ serializable: cmd.serializable })), po));
      return undefined;
    case 'member add': {
      const r = await call(c.memberAdd(cmd.peerUrls, cmd.isLearner));
      o.add(printMemberAdd(r, cmd.name, cmd.peerUrls.join(','), po));
      return { kind: 'member', id: r.member.id };
    }
    case 'member remove':
      o.add(printMemberRemove(cmd.id, await call(c.memberRemove(cmd.id)), po));
      return undefined;
    case 'member promote':
      o.add(printMemberPromote(cmd.id, await call(c.memberPromote(cmd.id)), po));
      return undefined;
    case 'endpoint health': {
      const eps = await endpointsFor(c, endpointsFlag, cmd.cluster);
      const done: Array<{ h: EndpointHealth; order: number }> = [];
      let order = 0;
      await Promise.all(
        eps.map(async (ep) => {
          const cli = c.at(ep);
          const st = cli.nowMs();
          let error: string | undefined;
          try {
            await cli.kv({ op: 'range', key: 'health' });
          } catch (e) {
            error = clientErr(e);
          }
          const h: EndpointHealth = { endpoint: ep, health: error === undefined, took: goDuration(cli.nowMs() - st), ...(error !== undefined ? { error } : {}) };
          done.push({ h, order: order++ });
        }),
      );
      const list = done.sort((a, b) => a.order - b.order).map((d) => d.h);
      o.add(printEndpointHealth(list, po));
      if (list.some((h) => h.error)) throw new Exit(EXIT.Error, 'unhealthy cluster');
      return undefined;
    }
    case 'endpoint status': {
      const eps = await endpointsFor(c, endpointsFlag, cmd.cluster);
      const list: EndpointStatus[] = [];
      let failed = false;
      for (const ep of eps) {
        try {
          list.push({ endpoint: ep, status: await c.at(ep).status(ep) });
        } catch (e) {
          failed = true;
          o.err(`Failed to get the status of endpoint ${ep} (${clientErr(e)})`);
        }
      }
      o.add(printEndpointStatus(list, po));
      if (failed) return exitQuietly(EXIT.Error);
      return undefined;
    }
    case 'move-leader': {
      const eps = endpointsFlag && endpointsFlag.length > 0 ? endpointsFlag : c.endpoints();
      let leaderCli: EtcdClient | null = null;
      let leaderId = '';
      for (const ep of eps) {
        const cli = c.at(ep);
        const s = await call(cli.status(ep));
        if (s.header.memberId === s.leader) {
          leaderCli = cli;
          leaderId = s.leader;
          break;
        }
      }
      if (!leaderCli) throw new Exit(EXIT.BadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
      const r = await call(leaderCli.moveLeader(cmd.target));
      o.add(printMoveLeader(leaderId, cmd.target, r, po));
      return undefined;
    }
    case 'help':
      for (const l of usage(cmd.path).split('\n')) o.out(l);
      return undefined;
    default:
      throw new Error(`${cmd.kind} runs in the background`);
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
async function endpointsFor(c: EtcdClient, flag: string[] | undefined, cluster: boolean): Promise<string[]> {
  if (!cluster) return flag && flag.length > 0 ? flag : c.endpoints();
  const r = await call(c.memberList(), EXIT.Error, (m) => `failed to fetch endpoints from etcd cluster member list: ${m}`);
  return r.members.flatMap((m) => m.clientUrls);
}

async function startBackground(bg: BackgroundCommand, cmd: EtcdctlCommand, c: EtcdClient, po: PrintOptions, o: Output): Promise<void> {
  switch (cmd.kind) {
    case 'watch': {
      if (po.writeOut === 'table') throw new UnsupportedFormat('table');
      bg.created = { kind: 'watch' };
      let sub: Subscription | null = null;
      sub = await c.watch(cmd.request, (r) => {
        if (!bg.running) return;
        if (r.canceled) o.err(`watch was canceled (${r.cancelReason ?? ''})`);
        for (const e of r.events) bg.watched.push(describeEvent(e));
        o.add(printWatch(r, po));
        if (r.canceled) bg.finish(EXIT.Interrupted, 'watch is canceled by the server');
      });
      bg.onInterrupt = async () => {
        sub?.cancel();
        return 130;
      };
      if (!bg.running) sub.cancel();
      return;
    }
    case 'lease keep-alive': {
      if (po.writeOut === 'table') throw new UnsupportedFormat('table');
      bg.created = { kind: 'keep-alive', id: cmd.id };
      let sub: Subscription | null = null;
      let interrupted = false;
      sub = await call(
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
      );
      bg.onInterrupt = async () => {
        interrupted = true;
        sub?.cancel();
        return 130;
      };
      return;
    }
    case 'lock': {
      const session = await Session.create(c, { ttl: cmd.ttl });
      const m = new Mutex(session, cmd.name);
      bg.created = { kind: 'lock', lease: session.lease, key: `${cmd.name}/${BigInt(`0x${session.lease}`).toString(16)}` };
      let held = false;
      void bg.done.then(() => session.orphan());
      bg.onInterrupt = async () => {
        if (!held) return (await bg.done).exit; // Lock fails with "context canceled" after deleting its key
        try {
          await m.unlock();
          return EXIT.Success;
        } catch (e) {
          o.err(`Error: ${clientErr(e)}`);
          return EXIT.Error;
        }
      };
      void (async () => {
        try {
          await m.lock(bg.signal);
        } catch (e) {
          bg.finish(EXIT.Error, clientErr(e));
          return;
        }
        if (bg.signal.aborted) {
          // etcdctl's Get of the key runs with the cancelled context and fails; the process exits
          bg.finish(EXIT.Error, CONTEXT_CANCELED);
          return;
        }
        held = true;
        const k = await c.kv({ op: 'range', key: m.key });
        if (k.kvs.length === 0) {
          bg.finish(EXIT.Error, 'lock lost on init');
          return;
        }
        o.add(printGet(k, po));
        await session.done;
        if (bg.running && !bg.signal.aborted) bg.finish(EXIT.Error, 'session expired');
      })().catch((e) => bg.finish(EXIT.Error, clientErr(e)));
      return;
    }
    case 'elect': {
      const session = await Session.create(c);
      const e = new Election(session, cmd.name);
      bg.created = { kind: 'election', lease: session.lease, key: `${cmd.name}/${BigInt(`0x${session.lease}`).toString(16)}` };
      let elected = false;
      void bg.done.then(() => session.orphan());
      bg.onInterrupt = async () => {
        if (!elected) return (await bg.done).exit; // Campaign resigns and fails with "context canceled"
        await e.resign().catch(() => {});
        return EXIT.Success;
      };
      void (async () => {
        try {
          await e.campaign(cmd.proposal, bg.signal);
        } catch (err) {
          bg.finish(EXIT.Error, clientErr(err));
          return;
        }
        if (bg.signal.aborted) {
          bg.finish(EXIT.Error, CONTEXT_CANCELED); // as for lock: the Get with the cancelled context fails
          return;
        }
        elected = true;
        o.add(printGet(await c.kv({ op: 'range', key: e.key }), po));
        await session.done;
        if (bg.running && !bg.signal.aborted) bg.finish(EXIT.Error, 'elect: session expired');
      })().catch((err) => bg.finish(EXIT.Error, clientErr(err)));
      return;
    }
    case 'elect -l': {
      const session = await Session.create(c);
      const e = new Election(session, cmd.name);
      bg.created = { kind: 'observer', lease: session.lease };
      void bg.done.then(() => session.orphan());
      bg.onInterrupt = async () => EXIT.Success;
      void e
        .observe((v) => o.add(printGet({ op: 'range', header: v.header, kvs: [v.kv], more: false, count: 0 } /* Observe builds a GetResponse with Header and Kvs only */, po)), bg.signal)
        .then(
          () => {
            if (!bg.signal.aborted) bg.finish(EXIT.Error, 'elect: observer lost');
          },
          () => bg.finish(EXIT.Error, 'elect: observer lost'),
        );
      return;
    }
    default:
      throw new EtcdClientError(`${cmd.kind} is not a background command`);
  }
}
