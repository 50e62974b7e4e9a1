/**
 * The simulated network's connectivity and settings. It decides nothing by itself: the engine asks
 * it whether a link is up at delivery time and which latency/loss settings apply to a message.
 *
 * Connectivity is the set of directed server-to-server links that are cut; every other link is up.
 * Clients are outside the cluster: their links to servers are never cut (a partitioned old leader
 * can still be reached by a client, which is what the stale-read lesson needs).
 */
import type { NodeId } from '../raft/types';
import type { LinkSettings } from './types';

export class Network {
  /** Cut directed links, as "from>to". */
  private cuts = new Set<string>();
  /** Servers cut from everyone by `isolate`. */
  private isolated = new Set<NodeId>();
  /** Per-link overrides of the defaults, keyed "from>to". */
  private linkOverrides = new Map<string, Partial<LinkSettings>>();
  settings: LinkSettings;

  constructor(readonly servers: NodeId[], settings: LinkSettings) {
    this.settings = { latencyMs: [settings.latencyMs[0], settings.latencyMs[1]], dropRate: settings.dropRate, duplicateRate: settings.duplicateRate };
  }

  /** Whether a message from `from` to `to` can cross now. Links to or from clients are always up. */
  isUp(from: string, to: string): boolean {
    return this.cuts.size === 0 || !this.cuts.has(from + '>' + to);
  }

  /** Settings that apply on the directed link (per-link overrides over the network defaults). */
  linkSettings(from: string, to: string): LinkSettings {
    if (this.linkOverrides.size === 0) return this.settings;
    const o = this.linkOverrides.get(from + '>' + to);
    return o ? { ...this.settings, ...o } : this.settings;
  }

  /** Sets per-link overrides on one direction (or removes them with `undefined`). */
  setLink(from: NodeId, to: NodeId, o: Partial<LinkSettings> | undefined): void {
    if (o) this.linkOverrides.set(from + '>' + to, o);
    else this.linkOverrides.delete(from + '>' + to);
  }

  /** Changes the network-wide settings now; fields not given are kept. */
  update(p: Partial<LinkSettings>): void {
    this.settings = {
      latencyMs: p.latencyMs ? [p.latencyMs[0], p.latencyMs[1]] : this.settings.latencyMs,
      dropRate: p.dropRate ?? this.settings.dropRate,
      duplicateRate: p.duplicateRate ?? this.settings.duplicateRate,
    };
  }

  /**
   * Keeps only links inside each group; a server in no group is alone. Replaces any earlier
   * partition, cut or isolation.
   * @throws Error if a server appears in two groups or is unknown
   */
  partition(groups: NodeId[][]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((g, i) => {
      for (const s of g) {
        if (!this.servers.includes(s)) throw new Error(`unknown server ${s}`);
        if (groupOf.has(s)) throw new Error(`server ${s} is in two groups`);
        groupOf.set(s, i);
      }
    });
    this.cuts.clear();
    this.isolated.clear();
    for (const a of this.servers) {
      for (const b of this.servers) {
        if (a === b) continue;
        const ga = groupOf.get(a);
        if (ga === undefined || ga !== groupOf.get(b)) this.cuts.add(a + '>' + b);
      }
    }
  }

  /** Cuts every link of `s`, both directions. */
  isolate(s: NodeId): void {
    this.isolated.add(s);
    for (const o of this.servers) {
      if (o === s) continue;
      this.cuts.add(s + '>' + o);
      this.cuts.add(o + '>' + s);
    }
  }

  /** Restores `s`'s links (both directions) to every server that is not isolated. */
  reconnect(s: NodeId): void {
    this.isolated.delete(s);
    for (const o of this.servers) {
      if (o === s || this.isolated.has(o)) continue;
      this.cuts.delete(s + '>' + o);
      this.cuts.delete(o + '>' + s);
    }
  }

  /** Cuts the link from `from` to `to` (and back when `both`). */
  cut(from: NodeId, to: NodeId, both: boolean): void {
    this.cuts.add(from + '>' + to);
    if (both) this.cuts.add(to + '>' + from);
  }

  /** Restores one directed link (and back when `both`). */
  restore(from: NodeId, to: NodeId, both: boolean): void {
    this.cuts.delete(from + '>' + to);
    if (both) this.cuts.delete(to + '>' + from);
  }

  /** Restores every link and clears isolation (per-link settings are kept). */
  heal(): void {
    this.cuts.clear();
    this.isolated.clear();
  }

  /** The cut directed links as [from, to] pairs, sorted (for the UI and snapshots). */
  cutLinks(): [NodeId, NodeId][] {
    return [...this.cuts].sort().map((k) => k.split('>') as [NodeId, NodeId]);
  }

  clone(): Network {
    const n = new Network(this.servers, this.settings);
    n.cuts = new Set(this.cuts);
    n.isolated = new Set(this.isolated);
    n.linkOverrides = new Map(this.linkOverrides);
    return n;
  }
}
