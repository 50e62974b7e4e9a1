/**
 * etcdctl's printers (etcd v3.6 etcdctl/ctlv3/command/printer*.go): how each response is written
 * with `-w simple` (the default), `-w json`, `-w table` and `-w fields`. Every function returns the lines etcdctl
 * writes to standard output (and, where etcdctl writes there, standard error), or throws an
 * {@link UnsupportedFormat} where etcdctl has no such printer (`table not supported as output
 * format`, exit status 4).
 *
 * JSON is Go's encoding/json of etcd's protobuf structs: field names from their json tags, zero
 * fields left out (omitempty), keys and values base64 ([]byte), uint64 IDs in decimal, lease IDs
 * as decimal int64, one line per response.
 */
import type { KeyValue, KvEvent, LeaseId, RangeResponse, ResponseOp, TxnResponse } from '../kv';
import type {
  FullHeader,
  LeaseGrantResult,
  LeaseKeepAliveResult,
  LeaseLeasesResult,
  LeaseTimeToLiveResult,
  Member,
  MemberAddResult,
  MemberListResult,
  StatusResult,
  WatchEventsResult,
  WithHeader,
} from './client';
import { base64, goJsonString, goQuote, hexNoPad, hexSpacePad16, hexToDecimal, humanizeBytes } from './go';
import type { WriteOut } from './parse';
import { renderTable } from './table';

/** Output of one printer call. */
export interface Printed {
  stdout: string[];
  stderr: string[];
}

/** etcdctl printerUnsupported: `<format> not supported as output format` (exit status 4, ExitBadFeature). */
export class UnsupportedFormat extends Error {
  constructor(format: WriteOut) {
    super(`${format} not supported as output format`);
  }
}

/** Printer options: the output format and `--hex`; `valueOnly` is get's `--print-value-only`. */
export interface PrintOptions {
  writeOut: WriteOut;
  hex?: boolean;
  valueOnly?: boolean;
}

const out = (stdout: string[], stderr: string[] = []): Printed => ({ stdout, stderr });

// ---- JSON building blocks (Go encoding/json, field order of the structs) --------------------

type Field = [name: string, json: string | undefined];

function obj(fields: Field[]): string {
  return `{${fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${goJsonString(k)}:${v}`).join(',')}}`;
}

const jInt = (n: number): string | undefined => (n === 0 ? undefined : String(n));
const jBool = (b: boolean | undefined): string | undefined => (b ? 'true' : undefined);
const jStr = (s: string): string | undefined => (s === '' ? undefined : goJsonString(s));
const jBytes = (s: string): string | undefined => (s === '' ? undefined : goJsonString(base64(s)));
const jU64 = (hex: string): string | undefined => (/^0*$/.test(hex) ? undefined : hexToDecimal(hex));
const jStrs = (xs: string[]): string | undefined => (xs.length === 0 ? undefined : `[${xs.map(goJsonString).join(',')}]`);

/** pb.ResponseHeader fields (also flattened into the lease responses, which embed it). */
function headerFields(h: Partial<FullHeader> & { revision: number }): Field[] {
  return [
    ['cluster_id', h.clusterId ? jU64(h.clusterId) : undefined],
    ['member_id', h.memberId ? jU64(h.memberId) : undefined],
    ['revision', jInt(h.revision)],
    ['raft_term', jInt(h.raftTerm ?? 0)],
  ];
}

const jHeader = (h: Partial<FullHeader> & { revision: number }): string => obj(headerFields(h));

/** mvccpb.KeyValue. */
function jKv(kv: KeyValue): string {
  return obj([
    ['key', jBytes(kv.key)],
    ['create_revision', jInt(kv.createRevision)],
    ['mod_revision', jInt(kv.modRevision)],
    ['version', jInt(kv.version)],
    ['value', jBytes(kv.value)],
    ['lease', kv.lease ? jU64(kv.lease) : undefined],
  ]);
}

const jKvs = (kvs: KeyValue[] | undefined): string | undefined => (kvs && kvs.length > 0 ? `[${kvs.map(jKv).join(',')}]` : undefined);

function jRange(r: Omit<RangeResponse, 'op' | 'header'> & { header: Partial<FullHeader> & { revision: number } }): string {
  return obj([['header', jHeader(r.header)], ['kvs', jKvs(r.kvs)], ['more', jBool(r.more)], ['count', jInt(r.count)]]);
}

function jResponseOp(r: ResponseOp): string {
  switch (r.op) {
    case 'range':
      return obj([['response_range', jRange(r)]]);
    case 'put':
      return obj([['response_put', obj([['header', jHeader(r.header)], ['prev_kv', r.prevKv ? jKv(r.prevKv) : undefined]])]]);
    case 'deleteRange':
      return obj([['response_delete_range', obj([['header', jHeader(r.header)], ['deleted', jInt(r.deleted)], ['prev_kvs', jKvs(r.prevKvs)]])]]);
    case 'txn':
      return obj([['response_txn', jTxn(r)]]);
  }
}

function jTxn(r: Omit<TxnResponse, 'header'> & { header: Partial<FullHeader> & { revision: number } }): string {
  return obj([
    ['header', jHeader(r.header)],
    ['succeeded', jBool(r.succeeded)],
    ['responses', r.responses.length > 0 ? `[${r.responses.map((x) => obj([['Response', jResponseOp(x)]])).join(',')}]` : undefined],
  ]);
}

function jMember(m: Member): string {
  return obj([['ID', jU64(m.id)], ['name', jStr(m.name)], ['peerURLs', jStrs(m.peerUrls)], ['clientURLs', jStrs(m.clientUrls)], ['isLearner', jBool(m.isLearner)]]);
}

const jMembers = (ms: Member[]): string | undefined => (ms.length > 0 ? `[${ms.map(jMember).join(',')}]` : undefined);

// ---- simple printer helpers -----------------------------------------------------------------

/** etcdctl addHexPrefix(hex.EncodeToString(b)): every byte as `\xNN`. */
function hexBytes(s: string): string {
  return [...new TextEncoder().encode(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

/** etcdctl printKV (util.go): the key line (unless value-only), then the value line. */
function printKV(kv: KeyValue, o: PrintOptions): string[] {
  const k = o.hex ? hexBytes(kv.key) : kv.key;
  const v = o.hex ? hexBytes(kv.value) : kv.value;
  return o.valueOnly ? [v] : [k, v];
}

// ---- the fields printer (printer_fields.go) ---------------------------------------------------

/** fieldsPrinter.kv: one `"<pfx>Key" : "foo"` line per field. */
function fKv(pfx: string, kv: KeyValue, o: PrintOptions): string[] {
  const lease = kv.lease ?? '0000000000000000';
  return [
    `"${pfx}Key" : ${goQuote(kv.key)}`,
    `"${pfx}CreateRevision" : ${kv.createRevision}`,
    `"${pfx}ModRevision" : ${kv.modRevision}`,
    `"${pfx}Version" : ${kv.version}`,
    `"${pfx}Value" : ${goQuote(kv.value)}`,
    `"${pfx}Lease" : ${o.hex ? lease : hexToDecimal(lease)}`,
  ];
}

/** fieldsPrinter.hdr: ClusterID, MemberID, Revision (only when > 0), RaftTerm. */
function fHdr(h: Partial<FullHeader> & { revision: number }, o: PrintOptions): string[] {
  const id = (x: string | undefined): string => (o.hex ? hexNoPad(x ?? '0') : hexToDecimal(x ?? '0'));
  return [`"ClusterID" : ${id(h.clusterId)}`, `"MemberID" : ${id(h.memberId)}`, ...(h.revision > 0 ? [`"Revision" : ${h.revision}`] : []), `"RaftTerm" : ${h.raftTerm ?? 0}`];
}

const fLeaseId = (id: LeaseId, o: PrintOptions): string => `"ID" : ${o.hex ? id : hexToDecimal(id)}`;

function fOp(r: ResponseOp, o: PrintOptions): string[] {
  switch (r.op) {
    case 'deleteRange':
      return [...fHdr(r.header, o), `"Deleted" : ${r.deleted}`, ...(r.prevKvs ?? []).flatMap((kv) => fKv('Prev', kv, o))];
    case 'put':
      return [...fHdr(r.header, o), ...(r.prevKv ? fKv('Prev', r.prevKv, o) : [])];
    case 'range':
      return [...fHdr(r.header, o), ...r.kvs.flatMap((kv) => fKv('', kv, o)), `"More" : ${r.more}`, `"Count" : ${r.count}`];
    case 'txn':
      return [`"Unknown" : ${goQuote('txn')}`];
  }
}

function unsupported(o: PrintOptions): never {
  throw new UnsupportedFormat(o.writeOut);
}

// ---- the printers --------------------------------------------------------------------------

/** printer.Get. */
export function printGet(r: WithHeader<RangeResponse>, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([jRange(r)]);
  if (o.writeOut === 'fields') return out(fOp(r, o));
  if (o.writeOut === 'table') unsupported(o);
  return out(r.kvs.flatMap((kv) => printKV(kv, o)));
}

/** printer.Put. */
export function printPut(r: WithHeader<Extract<ResponseOp, { op: 'put' }>>, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)], ['prev_kv', r.prevKv ? jKv(r.prevKv) : undefined]])]);
  if (o.writeOut === 'fields') return out(fOp(r, o));
  if (o.writeOut === 'table') unsupported(o);
  return out(['OK', ...(r.prevKv ? printKV(r.prevKv, o) : [])]);
}

/** printer.Del: the number deleted, then the deleted key-values if asked. */
export function printDel(r: WithHeader<Extract<ResponseOp, { op: 'deleteRange' }>>, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)], ['deleted', jInt(r.deleted)], ['prev_kvs', jKvs(r.prevKvs)]])]);
  if (o.writeOut === 'fields') return out(fOp(r, o));
  if (o.writeOut === 'table') unsupported(o);
  return out([String(r.deleted), ...(r.prevKvs ?? []).flatMap((kv) => printKV(kv, o))]);
}

function simpleOp(r: ResponseOp, o: PrintOptions): string[] {
  switch (r.op) {
    case 'deleteRange':
      return [String(r.deleted), ...(r.prevKvs ?? []).flatMap((kv) => printKV(kv, o))];
    case 'put':
      return ['OK', ...(r.prevKv ? printKV(r.prevKv, o) : [])];
    case 'range':
      return r.kvs.flatMap((kv) => printKV(kv, o));
    case 'txn':
      return [`unexpected response ${r.succeeded ? 'txn SUCCESS' : 'txn FAILURE'}`];
  }
}

/** printer.Txn: SUCCESS or FAILURE, then an empty line before each op's output. */
export function printTxn(r: WithHeader<TxnResponse>, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([jTxn(r)]);
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), `"Succeeded" : ${r.succeeded}`, ...r.responses.flatMap((x) => fOp(x, o))]);
  if (o.writeOut === 'table') unsupported(o);
  return out([r.succeeded ? 'SUCCESS' : 'FAILURE', ...r.responses.flatMap((x) => ['', ...simpleOp(x, { ...o, valueOnly: false })])]);
}

/** printer.Watch for one response: per event its type, the previous key-value if any, the key-value. */
export function printWatch(r: WatchEventsResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') {
    const ev = (e: KvEvent): string => obj([['type', e.type === 'DELETE' ? '1' : undefined], ['kv', jKv(e.kv)], ['prev_kv', e.prevKv ? jKv(e.prevKv) : undefined]]);
    return out([
      obj([
        ['Header', jHeader(r.header)],
        ['Events', r.events.length > 0 ? `[${r.events.map(ev).join(',')}]` : 'null'],
        ['CompactRevision', String(r.compactRevision ?? 0)],
        ['Canceled', r.canceled ? 'true' : 'false'],
        ['Created', 'false'],
      ]),
    ]);
  }
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), ...r.events.flatMap((e) => [`"Type" : ${e.type}`, ...(e.prevKv ? fKv('Prev', e.prevKv, o) : []), ...fKv('', e.kv, o)])]);
  if (o.writeOut === 'table') unsupported(o);
  return out(r.events.flatMap((e) => [e.type, ...(e.prevKv ? printKV(e.prevKv, o) : []), ...printKV(e.kv, o)]));
}

/** printer.Grant: `lease 694d5765fc71500b granted with TTL(10s)`. */
export function printGrant(r: LeaseGrantResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([...headerFields(r.header), ['ID', hexToDecimal(r.id)], ['TTL', String(r.ttl)], ['Error', '""']])]);
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), fLeaseId(r.id, o), `"TTL" : ${r.ttl}`]);
  if (o.writeOut === 'table') unsupported(o);
  return out([`lease ${r.id} granted with TTL(${r.ttl}s)`]);
}

/** printer.Revoke: `lease 694d5765fc71500b revoked`. */
export function printRevoke(id: LeaseId, r: { header: FullHeader }, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)]])]);
  if (o.writeOut === 'fields') return out(fHdr(r.header, o));
  if (o.writeOut === 'table') unsupported(o);
  return out([`lease ${id} revoked`]);
}

/** printer.KeepAlive: `lease 694d5765fc71500b keepalived with TTL(10)`. */
export function printKeepAlive(r: LeaseKeepAliveResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([...headerFields(r.header), ['ID', hexToDecimal(r.id)], ['TTL', String(r.ttl)]])]);
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), fLeaseId(r.id, o), `"TTL" : ${r.ttl}`]);
  if (o.writeOut === 'table') unsupported(o);
  return out([`lease ${r.id} keepalived with TTL(${r.ttl})`]);
}

/** printer.TimeToLive: granted and remaining TTL, with `attached keys([a b])` when asked; `already expired` for a missing lease. */
export function printTimeToLive(r: LeaseTimeToLiveResult, keys: boolean, o: PrintOptions): Printed {
  if (o.writeOut === 'json') {
    const ks = r.keys.length > 0 ? `[${r.keys.map((k) => goJsonString(base64(k))).join(',')}]` : 'null';
    return out([obj([...headerFields(r.header), ['id', hexToDecimal(r.id)], ['ttl', String(r.ttl)], ['granted-ttl', String(r.grantedTtl)], ['keys', ks]])]);
  }
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), fLeaseId(r.id, o), `"TTL" : ${r.ttl}`, `"GrantedTTL" : ${r.grantedTtl}`, ...r.keys.map((k) => `"Key" : ${goQuote(k)}`)]);
  if (o.writeOut === 'table') unsupported(o);
  if (r.grantedTtl === 0 && r.ttl === -1) return out([`lease ${r.id} already expired`]);
  let txt = `lease ${r.id} granted with TTL(${r.grantedTtl}s), remaining(${r.ttl}s)`;
  if (keys) txt += `, attached keys([${r.keys.join(' ')}])`;
  return out([txt]);
}

/** printer.Leases: `found 2 leases`, then one ID per line. */
export function printLeases(r: LeaseLeasesResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([...headerFields(r.header), ['leases', `[${r.leases.map((l) => obj([['id', hexToDecimal(l.id)]])).join(',')}]`]])]);
  if (o.writeOut === 'fields') return out([...fHdr(r.header, o), ...r.leases.map((l) => fLeaseId(l.id, o))]);
  if (o.writeOut === 'table') unsupported(o);
  return out([`found ${r.leases.length} leases`, ...r.leases.map((l) => l.id)]);
}

/**
 * printer.MemberAdd, and (simple format only) the environment for starting the new member that
 * memberAddCommandFunc prints after it. `peerUrlsFlag` is the `--peer-urls` text.
 */
export function printMemberAdd(r: MemberAddResult, name: string, peerUrlsFlag: string, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)], ['member', jMember(r.member)], ['members', jMembers(r.members)]])]);
  if (o.writeOut === 'table' || o.writeOut === 'fields') unsupported(o); // fieldsPrinter has none either
  const asLearner = r.member.isLearner ? ' as learner ' : ' ';
  const conf = r.members.flatMap((m) => m.peerUrls.map((u) => `${m.id === r.member.id ? name : m.name}=${u}`));
  return out([
    `Member ${hexSpacePad16(r.member.id)} added${asLearner}to cluster ${hexSpacePad16(r.header.clusterId)}`,
    '',
    `ETCD_NAME=${goQuote(name)}`,
    `ETCD_INITIAL_CLUSTER=${goQuote(conf.join(','))}`,
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(peerUrlsFlag)}`,
    'ETCD_INITIAL_CLUSTER_STATE="existing"',
  ]);
}

/** printer.MemberRemove: `Member <id> removed from cluster <cluster id>`. */
export function printMemberRemove(id: string, r: MemberListResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)], ['members', jMembers(r.members)]])]);
  if (o.writeOut === 'table' || o.writeOut === 'fields') unsupported(o); // fieldsPrinter has none either
  return out([`Member ${hexSpacePad16(id)} removed from cluster ${hexSpacePad16(r.header.clusterId)}`]);
}

/** printer.MemberPromote: `Member <id> promoted in cluster <cluster id>`. */
export function printMemberPromote(id: string, r: MemberListResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)], ['members', jMembers(r.members)]])]);
  if (o.writeOut === 'table' || o.writeOut === 'fields') unsupported(o); // fieldsPrinter has none either
  return out([`Member ${hexSpacePad16(id)} promoted in cluster ${hexSpacePad16(r.header.clusterId)}`]);
}

/** makeMemberListTable: ID, Status, Name, Peer Addrs, Client Addrs, Is Learner. */
function memberRows(r: MemberListResult): { hdr: string[]; rows: string[][] } {
  return {
    hdr: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [hexNoPad(m.id), m.name === '' ? 'unstarted' : 'started', m.name, m.peerUrls.join(','), m.clientUrls.join(','), String(m.isLearner)]),
  };
}

/** printer.MemberList (simple: comma-separated rows; table; json, with `--hex` as v3.6 printMemberListWithHexJSON). */
export function printMemberList(r: MemberListResult, o: PrintOptions): Printed {
  if (o.writeOut === 'json') {
    if (o.hex) {
      let s = `{"header":{"cluster_id":"${hexNoPad(r.header.clusterId)}","member_id":"${hexNoPad(r.header.memberId)}","raft_term":${r.header.raftTerm}}`;
      r.members.forEach((m, i) => {
        s += `${i === 0 ? ',"members":[' : ','}{"ID":"${hexNoPad(m.id)}","name":"${m.name}","peerURLs":${JSON.stringify(m.peerUrls)},"clientURLs":${JSON.stringify(m.clientUrls)}}`;
        if (i === r.members.length - 1) s += ']';
      });
      return out([`${s}}`]);
    }
    return out([obj([['header', jHeader(r.header)], ['members', jMembers(r.members)]])]);
  }
  if (o.writeOut === 'fields') {
    return out([
      ...fHdr(r.header, o),
      ...r.members.flatMap((m) => [
        `"ID" : ${o.hex ? hexNoPad(m.id) : hexToDecimal(m.id)}`,
        `"Name" : ${goQuote(m.name)}`,
        ...m.peerUrls.map((u) => `"PeerURL" : ${goQuote(u)}`),
        ...m.clientUrls.map((u) => `"ClientURL" : ${goQuote(u)}`),
        `"IsLearner" : ${m.isLearner}`,
        '',
      ]),
    ]);
  }
  const { hdr, rows } = memberRows(r);
  if (o.writeOut === 'table') return out(renderTable(hdr, rows));
  return out(rows.map((row) => row.join(', ')));
}

/** One endpoint's health (etcdctl epHealth): `took` is Go's Duration text. */
export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  took: string;
  error?: string;
}

/** printer.EndpointHealth: healthy lines on standard output, unhealthy ones on standard error. */
export function printEndpointHealth(list: EndpointHealth[], o: PrintOptions): Printed {
  if (o.writeOut === 'json') {
    return out([`[${list.map((h) => obj([['endpoint', goJsonString(h.endpoint)], ['health', String(h.health)], ['took', goJsonString(h.took)], ['error', h.error ? goJsonString(h.error) : undefined]])).join(',')}]`]);
  }
  if (o.writeOut === 'fields') return out(list.flatMap((h) => [`"Endpoint" : ${goQuote(h.endpoint)}`, `"Health" : ${h.health}`, `"Took" : ${h.took}`, `"Error" : ${h.error ?? ''}`, '']));
  if (o.writeOut === 'table') return out(renderTable(['endpoint', 'health', 'took', 'error'], list.map((h) => [h.endpoint, String(h.health), h.took, h.error ?? ''])));
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const h of list) {
    if (!h.error) stdout.push(`${h.endpoint} is healthy: successfully committed proposal: took = ${h.took}`);
    else stderr.push(`${h.endpoint} is unhealthy: failed to commit proposal: ${h.error}`);
  }
  return out(stdout, stderr);
}

/** One endpoint's status (etcdctl epStatus). */
export interface EndpointStatus {
  endpoint: string;
  status: StatusResult;
}

/** makeEndpointStatusTable: etcd v3.6's sixteen columns. */
function statusRows(list: EndpointStatus[]): { hdr: string[]; rows: string[][] } {
  return {
    hdr: ['endpoint', 'ID', 'version', 'storage version', 'db size', 'in use', 'percentage not in use', 'quota', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors', 'downgrade target version', 'downgrade enabled'],
    rows: list.map(({ endpoint, status: s }) => [
      endpoint,
      hexNoPad(s.header.memberId),
      s.version,
      s.storageVersion,
      humanizeBytes(s.dbSize),
      humanizeBytes(s.dbSizeInUse),
      `${s.dbSize === 0 ? 0 : 100 - Math.trunc((s.dbSizeInUse * 100) / s.dbSize)}%`,
      humanizeBytes(s.dbSizeQuota),
      String(s.leader === s.header.memberId),
      String(s.isLearner),
      String(s.raftTerm),
      String(s.raftIndex),
      String(s.raftAppliedIndex),
      s.errors.join(', '),
      s.downgradeInfo.targetVersion,
      String(s.downgradeInfo.enabled),
    ]),
  };
}

/** printer.EndpointStatus. */
export function printEndpointStatus(list: EndpointStatus[], o: PrintOptions): Printed {
  if (o.writeOut === 'json') {
    const st = (s: StatusResult): string =>
      obj([
        ['header', jHeader(s.header)],
        ['version', jStr(s.version)],
        ['dbSize', jInt(s.dbSize)],
        ['leader', jU64(s.leader)],
        ['raftIndex', jInt(s.raftIndex)],
        ['raftTerm', jInt(s.raftTerm)],
        ['raftAppliedIndex', jInt(s.raftAppliedIndex)],
        ['errors', jStrs(s.errors)],
        ['dbSizeInUse', jInt(s.dbSizeInUse)],
        ['isLearner', jBool(s.isLearner)],
        ['storageVersion', jStr(s.storageVersion)],
        ['dbSizeQuota', jInt(s.dbSizeQuota)],
        ['downgradeInfo', obj([['enabled', jBool(s.downgradeInfo.enabled)], ['targetVersion', jStr(s.downgradeInfo.targetVersion)]])],
      ]);
    return out([`[${list.map((e) => obj([['Endpoint', goJsonString(e.endpoint)], ['Status', st(e.status)]])).join(',')}]`]);
  }
  if (o.writeOut === 'fields') {
    return out(
      list.flatMap(({ endpoint, status: s }) => [
        ...fHdr(s.header, o),
        `"Version" : ${goQuote(s.version)}`,
        `"StorageVersion" : ${goQuote(s.storageVersion)}`,
        `"DBSize" : ${s.dbSize}`,
        `"DBSizeInUse" : ${s.dbSizeInUse}`,
        `"DBSizeQuota" : ${s.dbSizeQuota}`,
        `"Leader" : ${hexToDecimal(s.leader)}`,
        `"IsLearner" : ${s.isLearner}`,
        `"RaftIndex" : ${s.raftIndex}`,
        `"RaftTerm" : ${s.raftTerm}`,
        `"RaftAppliedIndex" : ${s.raftAppliedIndex}`,
        `"Errors" : [${s.errors.join(' ')}]`,
        `"Endpoint" : ${goQuote(endpoint)}`,
        `"DowngradeTargetVersion" : ${goQuote(s.downgradeInfo.targetVersion)}`,
        `"DowngradeEnabled" : ${s.downgradeInfo.enabled}`,
        '',
      ]),
    );
  }
  const { hdr, rows } = statusRows(list);
  if (o.writeOut === 'table') return out(renderTable(hdr, rows));
  return out(rows.map((row) => row.join(', ')));
}

/** printer.MoveLeader: `Leadership transferred from <leader> to <target>` (types.ID: hex without padding). */
export function printMoveLeader(leader: string, target: string, r: { header: FullHeader }, o: PrintOptions): Printed {
  if (o.writeOut === 'json') return out([obj([['header', jHeader(r.header)]])]);
  if (o.writeOut === 'table' || o.writeOut === 'fields') unsupported(o); // fieldsPrinter has none either
  return out([`Leadership transferred from ${hexNoPad(leader)} to ${hexNoPad(target)}`]);
}

/** `compaction`'s own line: `compacted revision 5` (all formats: it is printed with fmt, not the printer). */
export function printCompaction(revision: number): Printed {
  return out([`compacted revision ${revision}`]);
}
