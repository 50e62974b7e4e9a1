/**
 * The transport: everything between "a node sends a message" and "a message arrives". It draws
 * each message's latency, loss and duplication from the seeded network stream, keeps the message
 * records (every message sent, and those still in flight), delivers them when the engine's queue
 * says so (dropping those that cross a cut link), and carries out the network verbs: partition,
 * isolate, reconnect, cut, restore a link, heal, network-wide and per-link settings, and drop,
 * duplicate or delay one message in flight. Link state itself is the Network (network.ts).
 *
 * Who receives is not its business: a message that crosses goes to a DeliveryTarget (the engine
 * hands ClientResponses to the clients and everything else to the host, which may still drop it
 * for a crashed server or hold it for a paused one).
 */
import type { NodeId } from '../raft/types';
import type { SimKernel } from './kernel';
import { MessageLog } from './messageLog';
import { Network } from './network';
import { RandomStream, quantizeMs } from './rng';
import type { ClientResponse, DropReason, EtcdResponse, LinkSettings, MessageRecord, SimMessage } from './types';

/** Where messages that crossed the network go. */
export interface DeliveryTarget {
  /** A ClientResponse reached its client. */
  toClient(m: ClientResponse): void;
  /** An EtcdResponse reached its client (issue 14). */
  toEtcdClient(m: EtcdResponse): void;
  /** A message crossed to a server (the link was up at delivery time). */
  toServer(rec: MessageRecord): void;
}

/** Short codes of message types in the trace hash. */
const MSG_CODES: Record<SimMessage['type'], string> = {
  RequestVote: 'RV', RequestVoteResponse: 'RVR', AppendEntries: 'AE', AppendEntriesResponse: 'AER',
  ClientRequest: 'CQ', ClientResponse: 'CR', EtcdRequest: 'EQ', EtcdResponse: 'ER',
  PreVote: 'PV', PreVoteResponse: 'PVR', TimeoutNow: 'TN', ReadIndex: 'RI', ReadIndexResponse: 'RIR',
  InstallSnapshot: 'IS', InstallSnapshotResponse: 'ISR',
};

export class Transport {
  /** Link state: cut links, isolation, network-wide and per-link settings. */
  network: Network;
  /** Every message sent, in send order, stored by columns (only when the run keeps its trace; empty otherwise). */
  messages = new MessageLog();
  /** Messages sent and not yet delivered or dropped, plus those held by a paused server (what the UI draws moving). */
  inFlight = new Set<MessageRecord>();
  private rng: RandomStream;
  private nextMsgId = 1;

  /**
   * @param seed  the run's seed: latency, loss and duplication come from its "network" sub-stream
   * @param keepMessages  keep every record in `messages` (the run's keepTrace)
   */
  constructor(
    private readonly k: SimKernel,
    private target: DeliveryTarget,
    servers: NodeId[],
    settings: LinkSettings,
    seed: number,
    private readonly keepMessages: boolean,
  ) {
    this.network = new Network(servers, settings);
    this.rng = new RandomStream(seed, 'network');
  }

  // ---- sending and delivery --------------------------------------------------------------

  /** Sends a message: draws its latency, loss and duplication (the duplicate gets its own latency and loss). */
  send(msg: SimMessage): void {
    const settings = this.network.linkSettings(msg.from, msg.to);
    this.k.stats.messagesSent++;
    this.enqueueCopy(msg, settings, undefined);
    if (this.rng.chance(settings.duplicateRate)) {
      this.k.stats.messagesSent++;
      this.enqueueCopy(msg, settings, this.nextMsgId - 1);
    }
  }

  private enqueueCopy(msg: SimMessage, settings: LinkSettings, duplicateOf: number | undefined): void {
    const latencyMs = quantizeMs(this.rng.between(settings.latencyMs[0], settings.latencyMs[1]));
    const lost = this.rng.chance(settings.dropRate);
    const now = this.k.nowMs;
    const rec: MessageRecord = { id: this.nextMsgId++, msg, sendMs: now, deliverMs: now + latencyMs, status: 'inFlight' };
    if (duplicateOf !== undefined) rec.duplicateOf = duplicateOf;
    if (lost) rec.dropReason = 'loss';
    this.k.hasher.str('s').num(rec.id).str(MSG_CODES[msg.type]).str(msg.from).str(msg.to).num(msg.term).num(rec.deliverMs);
    if (this.keepMessages) this.messages.append(rec);
    this.inFlight.add(rec);
    this.k.scheduleDelivery(rec);
  }

  /** Whether a delivery queued for `atMs` no longer does anything (the message was dropped or delayed by hand). */
  isStale(rec: MessageRecord, atMs: number): boolean {
    return rec.status !== 'inFlight' || atMs !== rec.deliverMs;
  }

  /**
   * The engine's queue says `rec` arrives now. A lost message is dropped ("loss"); a client's
   * answer always reaches its client (clients are outside the cluster: their links are never cut);
   * a message on a link that is cut now is dropped ("partition"); anything else goes to its server.
   */
  deliver(rec: MessageRecord): void {
    if (rec.status !== 'inFlight') return; // dropped by hand while in flight
    const m = rec.msg;
    if (rec.dropReason !== 'loss') this.inFlight.delete(rec);
    if (rec.dropReason === 'loss') return this.drop(rec, 'loss');
    if (m.type === 'ClientResponse') {
      this.markDelivered(rec);
      this.target.toClient(m);
      return;
    }
    if (m.type === 'EtcdResponse') {
      this.markDelivered(rec);
      this.target.toEtcdClient(m);
      return;
    }
    if (!this.network.isUp(m.from, m.to)) return this.drop(rec, 'partition');
    this.target.toServer(rec);
  }

  /** Records that `rec` reached its receiver, which takes it in now. */
  markDelivered(rec: MessageRecord): void {
    rec.status = 'delivered';
    this.k.stats.messagesDelivered++;
    this.k.hasher.str('d').num(rec.id);
    if (this.keepMessages) this.messages.finish(rec);
  }

  /** `rec` arrived at a paused server, which reads it only when resumed: it still counts as in flight. */
  hold(rec: MessageRecord): void {
    this.inFlight.add(rec);
    this.k.hasher.str('h').num(rec.id);
  }

  /** A held message leaves the in-flight set (its server resumed, or crashed). */
  release(rec: MessageRecord): void {
    this.inFlight.delete(rec);
  }

  /** Drops a message now, for `reason`. */
  drop(rec: MessageRecord, reason: DropReason): void {
    this.inFlight.delete(rec);
    rec.status = 'dropped';
    rec.dropReason = reason;
    rec.deliverMs = this.k.nowMs;
    this.k.stats.messagesDropped++;
    this.k.hasher.str('x').num(rec.id).str(reason);
    if (this.keepMessages) this.messages.finish(rec);
  }

  /** A message held by a paused server is lost with it (the server crashed): dropped, not hashed (as it always was). */
  dropHeld(rec: MessageRecord): void {
    this.inFlight.delete(rec);
    rec.status = 'dropped';
    rec.dropReason = 'crashed';
    this.k.stats.messagesDropped++;
    if (this.keepMessages) this.messages.finish(rec);
  }

  // ---- messages in flight, by hand -------------------------------------------------------

  private findInFlight(id: number): MessageRecord {
    for (const r of this.inFlight) if (r.id === id && r.status === 'inFlight') return r;
    throw new Error(`message ${id} is not in flight`);
  }

  /**
   * Drops a message that is still in flight (the UI's "drop it").
   * @throws Error if no message with that id is in flight
   */
  dropInFlight(id: number): void {
    const rec = this.findInFlight(id);
    this.drop(rec, 'manual');
    this.k.fault('drop message', [rec.msg.from, rec.msg.to], `#${id}`);
  }

  /**
   * Sends another copy of a message that is in flight, with a fresh latency and no loss (the UI's
   * "duplicate it").
   * @throws Error if no message with that id is in flight
   */
  duplicateInFlight(id: number): void {
    const rec = this.findInFlight(id);
    const settings = this.network.linkSettings(rec.msg.from, rec.msg.to);
    this.k.stats.messagesSent++;
    this.enqueueCopy(rec.msg, { ...settings, dropRate: 0 }, rec.id);
    this.k.fault('duplicate message', [rec.msg.from, rec.msg.to], `#${id}`);
  }

  /**
   * Delays a message in flight by `byMs` ms of simulated time (the UI's "delay it").
   * @throws Error if no message with that id is in flight, or byMs is not a positive number
   */
  delayInFlight(id: number, byMs: number): void {
    if (!(byMs > 0)) throw new Error(`delay must be a positive number of ms, got ${byMs}`);
    const rec = this.findInFlight(id);
    rec.deliverMs += byMs;
    this.k.scheduleDelivery(rec);
    this.k.fault('delay message', [rec.msg.from, rec.msg.to], `#${id} by ${byMs} ms`);
  }

  // ---- link state ------------------------------------------------------------------------

  /** @throws Error naming the cluster's servers if `id` is not one of them */
  private known(id: NodeId): void {
    if (!this.network.servers.includes(id)) throw new Error(`unknown server "${id}" (servers are ${this.network.servers.join(', ')})`);
  }

  /**
   * Only links inside each group stay up; servers in no group are alone.
   * @throws Error if a server is unknown or in two groups
   */
  partition(groups: NodeId[][]): void {
    this.network.partition(groups);
    this.k.fault('partition', groups.flat(), groups.map((g) => `[${g.join(', ')}]`).join(' '));
  }

  /** Cuts every link of `id`, both ways. @throws Error for an unknown server */
  isolate(id: NodeId): void {
    this.known(id);
    this.network.isolate(id);
    this.k.fault('isolate', [id]);
  }

  /** Restores `id`'s links to every server that is not isolated. @throws Error for an unknown server */
  reconnect(id: NodeId): void {
    this.known(id);
    this.network.reconnect(id);
    this.k.fault('reconnect', [id]);
  }

  /** Cuts the link from `from` to `to` (and back when `both`). @throws Error for an unknown server */
  cut(from: NodeId, to: NodeId, both: boolean): void {
    this.known(from);
    this.known(to);
    this.network.cut(from, to, both);
    this.k.fault('cut', [from, to], both ? 'both ways' : 'one way');
  }

  /** Restores the link from `from` to `to` (and back when `both`). @throws Error for an unknown server */
  restoreLink(from: NodeId, to: NodeId, both: boolean): void {
    this.known(from);
    this.known(to);
    this.network.restore(from, to, both);
    this.k.fault('restore link', [from, to], both ? 'both ways' : 'one way');
  }

  /** Restores every link and clears isolation (per-link settings stay). */
  heal(): void {
    this.network.heal();
    this.k.fault('heal', []);
  }

  /** Per-link latency, loss and duplication on one direction; null goes back to the network's. @throws Error for an unknown server */
  setLink(from: NodeId, to: NodeId, settings: Partial<LinkSettings> | null): void {
    this.known(from);
    this.known(to);
    this.network.setLink(from, to, settings ?? undefined);
    this.k.fault('link settings', [from, to], settings ? JSON.stringify(settings) : 'default');
  }

  /** Changes the network-wide latency, loss or duplication from now on. */
  setNetwork(p: Partial<LinkSettings>): void {
    this.network.update(p);
    this.k.fault('network', [], JSON.stringify(p));
  }

  // ---- copies ----------------------------------------------------------------------------

  /**
   * A copy bound to another engine. In-flight records are copied (the message log shares its
   * columns, copy-on-write); `records` receives old → new so the engine can re-point its queue and
   * the host its held messages.
   */
  clone(k: SimKernel, target: DeliveryTarget, records: Map<MessageRecord, MessageRecord>): Transport {
    const c = Object.create(Transport.prototype) as Transport;
    Object.assign(c, this);
    const w = c as unknown as { k: SimKernel; target: DeliveryTarget; rng: RandomStream };
    w.k = k;
    w.target = target;
    w.rng = this.rng.clone();
    c.network = this.network.clone();
    c.inFlight = new Set();
    for (const r of this.inFlight) {
      const copy = { ...r };
      records.set(r, copy);
      c.inFlight.add(copy);
    }
    c.messages = this.messages.clone(records);
    return c;
  }
}
