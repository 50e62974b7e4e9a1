/**
 * Parsing etcdctl command lines as etcdctl v3.6 reads them: shell quoting, cobra/pflag flags,
 * each command's argument checks and messages (etcdctl/ctlv3/command/*_command.go), txn blocks
 * (txn_command.go, its TestParseCompare cases), `as` names for IDs. Each test is named after the
 * etcdctl behaviour it checks.
 */
import { describe, expect, it } from 'vitest';
import { argify, shellSplit } from '../src/etcdctl/tokenize';
import { FlagError, parseFlags, parseGoDurationMs, type FlagSpec } from '../src/etcdctl/flags';
import { EXIT, isBackground, parseCommandLine, parseCompare, parseTxnInput, type EtcdctlCommand, type ParsedLine } from '../src/etcdctl/parse';

const L1 = '694d5765fc71500b';
const names = (n: string): string | undefined => ({ L1, M2: '8e9e05c52164694d' })[n];

function ok(text: string): ParsedLine {
  const r = parseCommandLine(text, { names });
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${r.stderr}`);
  return r;
}

function cmd(text: string): EtcdctlCommand {
  return ok(text).command;
}

function err(text: string): { stderr: string; exit: number } {
  const r = parseCommandLine(text, { names });
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(r.command)}`);
  return { stderr: r.stderr, exit: r.exit };
}

describe('shell tokenising (what the shell hands etcdctl)', () => {
  it('double quotes, single quotes and backslashes group words as a POSIX shell does', () => {
    expect(shellSplit(`put /testdir/testkey "Hello world"`)).toEqual(['put', '/testdir/testkey', 'Hello world']);
    expect(shellSplit(`put k 'a "b" c'`)).toEqual(['put', 'k', 'a "b" c']);
    expect(shellSplit(`put k a\\ b "x\\"y"`)).toEqual(['put', 'k', 'a b', 'x"y']);
    expect(shellSplit(`put k ""`)).toEqual(['put', 'k', '']);
  });

  it('variables stay as typed, an unmatched glob stays literal, a comment is dropped', () => {
    expect(shellSplit('put k $HOME # a comment')).toEqual(['put', 'k', '$HOME']);
    expect(shellSplit('get /services/*')).toEqual(['get', '/services/*']);
  });

  it('refuses shell operators and unterminated quotes', () => {
    expect(() => shellSplit('put k v | cat')).toThrow(/shell operator "\|"/);
    expect(() => shellSplit('put k v > out')).toThrow(/shell operator ">"/);
    expect(() => shellSplit(`put k 'open`)).toThrow(/unexpected EOF while looking for matching `''/);
    expect(err(`put k "open`).exit).toBe(EXIT.BadArgs);
  });

  it("etcdctl Argify (util.go) splits txn lines: single quotes literal, double quotes as Go %q", () => {
    expect(argify(`put key1 "overwrote-key1"`)).toEqual(['put', 'key1', 'overwrote-key1']);
    expect(argify(`put k 'a\\nb'`)).toEqual(['put', 'k', 'a\\nb']);
    expect(argify(`put k "a\\nb\\t\\x41\\u00e9"`)).toEqual(['put', 'k', 'a\nb\tAé']);
    expect(argify(`put "a b" c`)).toEqual(['put', 'a b', 'c']);
  });
});

describe('pflag flags', () => {
  const specs: FlagSpec[] = [
    { name: 'prefix', type: 'bool', default: 'false', usage: '' },
    { name: 'rev', type: 'int64', default: '0', usage: '' },
    { name: 'lease', type: 'string', default: '0', usage: '' },
    { name: 'write-out', short: 'w', type: 'string', default: 'simple', usage: '' },
    { name: 'listen', short: 'l', type: 'bool', default: 'false', usage: '' },
    { name: 'endpoints', type: 'stringSlice', default: '[127.0.0.1:2379]', usage: '' },
  ];
  const p = (argv: string[]) => parseFlags(argv, specs);

  it('--x=y and --x y, flags anywhere among the arguments, -- ends the flags', () => {
    const r = p(['a', '--rev=3', 'b', '--lease', 'abc', '--', '--prefix', '-w']);
    expect(r.args).toEqual(['a', 'b', '--prefix', '-w']);
    expect(r.values.get('rev')).toBe(3n);
    expect(r.values.get('lease')).toBe('abc');
    expect(r.values.has('prefix')).toBe(false);
  });

  it('short flags: -w json, -wjson, -w=json, grouped booleans -lw json', () => {
    expect(p(['-w', 'json']).values.get('write-out')).toBe('json');
    expect(p(['-wjson']).values.get('write-out')).toBe('json');
    expect(p(['-w=json']).values.get('write-out')).toBe('json');
    const g = p(['-lw', 'table']);
    expect(g.values.get('listen')).toBe(true);
    expect(g.values.get('write-out')).toBe('table');
  });

  it('a boolean takes a value only after = (--prefix false leaves "false" an argument)', () => {
    expect(p(['--prefix=false']).values.get('prefix')).toBe(false);
    const r = p(['--prefix', 'false']);
    expect(r.values.get('prefix')).toBe(true);
    expect(r.args).toEqual(['false']);
  });

  it('a string flag takes the next argument even if it starts with a dash (pflag)', () => {
    expect(p(['--lease', '--prefix']).values.get('lease')).toBe('--prefix');
  });

  it("pflag's error texts: unknown flag, unknown shorthand, missing argument, bad value", () => {
    expect(() => p(['--foo'])).toThrow(new FlagError('unknown flag: --foo'));
    expect(() => p(['-x'])).toThrow(new FlagError("unknown shorthand flag: 'x' in -x"));
    expect(() => p(['--lease'])).toThrow(new FlagError('flag needs an argument: --lease'));
    expect(() => p(['-w'])).toThrow(new FlagError("flag needs an argument: 'w' in -w"));
    expect(() => p(['--rev', 'abc'])).toThrow(new FlagError('invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax'));
    expect(() => p(['--prefix=maybe'])).toThrow(new FlagError('invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax'));
  });

  it('a string slice flag reads comma-separated values and repeats add up', () => {
    expect(p(['--endpoints=a:1,b:2', '--endpoints', 'c:3']).values.get('endpoints')).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('Go durations for the timeout flags', () => {
    expect(parseGoDurationMs('5s')).toBe(5000);
    expect(parseGoDurationMs('1m30s')).toBe(90_000);
    expect(parseGoDurationMs('1.5h')).toBe(5_400_000);
    expect(parseGoDurationMs('250ms')).toBe(250);
    expect(() => parseGoDurationMs('5')).toThrow('time: invalid duration "5"');
  });
});

describe('cobra command tree', () => {
  it('global flags before or after the command; a leading "etcdctl" is allowed', () => {
    expect(ok('-w table member list').global.writeOut).toBe('table');
    expect(ok('etcdctl member list --write-out=json').global.writeOut).toBe('json');
    expect(ok('--endpoints=http://s2:2379 get foo').global.endpoints).toEqual(['http://s2:2379']);
    expect(ok('get foo --command-timeout=2s').global.commandTimeoutMs).toBe(2000);
  });

  it('cobra.EnablePrefixMatching: an unambiguous prefix names the command (mem li = member list)', () => {
    expect(cmd('mem li')).toEqual({ kind: 'member list', serializable: false });
    expect(cmd('lea gr 10')).toEqual({ kind: 'lease grant', ttl: 10 });
    expect(err('m list').stderr).toMatch(/^Error: unknown command "m" for "etcdctl"/);
  });

  it('an unknown command: cobra error with suggestions, exit status 1', () => {
    expect(err('pt foo bar')).toEqual({ stderr: 'Error: unknown command "pt" for "etcdctl"\n\nDid you mean this?\n\tget\n\tput\n\nRun \'etcdctl --help\' for usage.', exit: 1 });
    expect(err('frobnicate').stderr).toBe('Error: unknown command "frobnicate" for "etcdctl"\nRun \'etcdctl --help\' for usage.');
    expect(err('lease foo').stderr).toBe('Error: unknown command "foo" for "etcdctl lease"\nRun \'etcdctl lease --help\' for usage.');
  });

  it('an unknown flag of the command is an error even if another command has it', () => {
    expect(err('put k v --prefix')).toEqual({ stderr: 'Error: unknown flag: --prefix', exit: 1 });
  });

  it('a command group alone and help show the usage', () => {
    expect(cmd('lease')).toEqual({ kind: 'help', path: ['lease'] });
    expect(cmd('help')).toEqual({ kind: 'help', path: [] });
    expect(cmd('help lease')).toEqual({ kind: 'help', path: ['lease'] });
    expect(cmd('get --help')).toEqual({ kind: 'help', path: ['get'] });
    expect(cmd('lease grant -h')).toEqual({ kind: 'help', path: ['lease', 'grant'] });
  });

  it('unsupported -w values are refused with exit status 4 (ExitBadFeature)', () => {
    expect(err('get k -w yaml')).toEqual({ stderr: 'Error: unsupported output format', exit: EXIT.BadFeature });
  });
});

describe('get (get_command.go getGetOp)', () => {
  it('a key, a range [key, range_end), --prefix, --from-key and the empty prefix', () => {
    expect(cmd('get foo')).toMatchObject({ request: { op: 'range', key: 'foo' } });
    expect(cmd('get a c')).toMatchObject({ request: { key: 'a', rangeEnd: 'c' } });
    expect(cmd('get --prefix /testdir')).toMatchObject({ request: { key: '/testdir', rangeEnd: '/testdis' } });
    expect(cmd('get --from-key b')).toMatchObject({ request: { key: 'b', rangeEnd: '\0' } });
    expect(cmd("get '' --prefix")).toMatchObject({ request: { key: '\0', rangeEnd: '\0' } });
  });

  it('--rev, --limit, --keys-only, --count-only, --consistency=s, the revision filters', () => {
    const c = cmd('get k --rev=3 --limit 2 --keys-only --consistency=s --min-create-rev=2 --max-mod-rev=9');
    expect(c).toMatchObject({ kind: 'get', request: { revision: 3, limit: 2, keysOnly: true, serializable: true, minCreateRevision: 2, maxModRevision: 9 } });
    expect(cmd('get k --count-only')).toMatchObject({ countOnly: true, request: { countOnly: true } });
    expect(cmd('get k --print-value-only')).toMatchObject({ printValueOnly: true });
  });

  it('--sort-by and --order: MODIFY is MOD, another target with no order sorts ascending, KEY with no order is the default', () => {
    expect(cmd('get k --prefix --sort-by=MODIFY')).toMatchObject({ request: { sortTarget: 'MOD', sortOrder: 'ASCEND' } });
    expect(cmd('get k --prefix --order=descend --sort-by=create')).toMatchObject({ request: { sortTarget: 'CREATE', sortOrder: 'DESCEND' } });
    expect(cmd('get k --prefix --order=DESCEND')).toMatchObject({ request: { sortTarget: 'KEY', sortOrder: 'DESCEND' } });
    const plain = cmd('get k') as Extract<EtcdctlCommand, { kind: 'get' }>;
    expect(plain.request.sortTarget).toBeUndefined();
  });

  it("etcdctl's checks and exit statuses", () => {
    expect(err('get')).toEqual({ stderr: 'Error: get command needs one argument as key and an optional argument as range_end', exit: 128 });
    expect(err('get k --prefix --from-key').stderr).toBe('Error: `--prefix` and `--from-key` cannot be set at the same time, choose one');
    expect(err('get k --keys-only --count-only').stderr).toBe('Error: `--keys-only` and `--count-only` cannot be set at the same time, choose one');
    expect(err('get a b --prefix').stderr).toBe('Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
    expect(err('get k --sort-by=SIZE')).toEqual({ stderr: 'Error: bad sort target SIZE', exit: 4 });
    expect(err('get k --order=UP')).toEqual({ stderr: 'Error: bad sort order UP', exit: 4 });
    expect(err('get k --consistency=x')).toEqual({ stderr: 'Error: unknown consistency flag "x"', exit: 4 });
    expect(err('get k --min-mod-rev=5 --max-mod-rev=3')).toEqual({ stderr: 'Error: getMinModRev(=5) > getMaxModRev(=3)', exit: 4 });
  });
});

describe('put (put_command.go getPutOp)', () => {
  it('key and value, --lease in hex or an `as` name, --prev-kv, --ignore-value, --ignore-lease', () => {
    expect(cmd('put foo bar')).toEqual({ kind: 'put', request: { op: 'put', key: 'foo', value: 'bar' } });
    expect(cmd('put foo bar --lease=L1 --prev-kv')).toEqual({ kind: 'put', request: { op: 'put', key: 'foo', value: 'bar', lease: L1, prevKv: true } });
    expect(cmd('put foo bar --lease=2d8257079fa1bc0c')).toMatchObject({ request: { lease: '2d8257079fa1bc0c' } });
    expect(cmd('put foo bar --lease=abc')).toMatchObject({ request: { lease: '0000000000000abc' } });
    expect(cmd('put foo --ignore-value --ignore-lease')).toEqual({ kind: 'put', request: { op: 'put', key: 'foo', value: '', ignoreValue: true, ignoreLease: true } });
  });

  it('--lease=0 is no lease; a value starting with a dash after --', () => {
    expect(cmd('put foo bar --lease=0')).toEqual({ kind: 'put', request: { op: 'put', key: 'foo', value: 'bar' } });
    expect(cmd('put -- foo -bar')).toMatchObject({ request: { key: 'foo', value: '-bar' } });
  });

  it('the value is read from standard input (the next lines) when not an argument', () => {
    expect(cmd('put foo\nline one\nline two')).toMatchObject({ request: { key: 'foo', value: 'line one\nline two' } });
  });

  it("etcdctl's errors", () => {
    expect(err('put')).toEqual({ stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments', exit: 128 });
    expect(err('put foo')).toEqual({ stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments', exit: 128 });
    expect(err('put foo bar --ignore-value').stderr).toBe("Error: put command needs only 1 argument when 'ignore-value' is set");
    expect(err('put foo bar --lease=L9')).toEqual({ stderr: 'Error: bad lease ID (strconv.ParseInt: parsing "L9": invalid syntax), expecting ID in Hex', exit: 128 });
    expect(err('put foo bar --lease=ffffffffffffffffff').stderr).toBe('Error: bad lease ID (strconv.ParseInt: parsing "ffffffffffffffffff": value out of range), expecting ID in Hex');
  });
});

describe('del (del_command.go getDelOp)', () => {
  it('a key, a range, --prefix, --from-key, --prev-kv', () => {
    expect(cmd('del foo')).toEqual({ kind: 'del', request: { op: 'deleteRange', key: 'foo' } });
    expect(cmd('del a c')).toMatchObject({ request: { key: 'a', rangeEnd: 'c' } });
    expect(cmd('del --prefix /testdir --prev-kv')).toEqual({ kind: 'del', request: { op: 'deleteRange', key: '/testdir', rangeEnd: '/testdis', prevKv: true } });
    expect(cmd('del --from-key b')).toMatchObject({ request: { key: 'b', rangeEnd: '\0' } });
  });

  it('del KEY END without --range warns and pauses 2 s (v3.6), inside a txn too; --range skips it', () => {
    const warning = 'Warning: Keys between "a" and "c" will be deleted. Please interrupt the command within next 2 seconds to cancel. You can provide `--range` flag to avoid the delay.';
    expect(ok('del a c')).toMatchObject({ warnings: [warning], delayMs: 2000 });
    expect(ok('del a c --range')).toMatchObject({ warnings: [], delayMs: 0 });
    expect(ok('txn\n\ndel a c\n\ndel a c')).toMatchObject({ warnings: [warning, warning], delayMs: 4000 });
    expect(ok('del --prefix a')).toMatchObject({ warnings: [], delayMs: 0 });
  });

  it("etcdctl's errors", () => {
    expect(err('del').stderr).toBe('Error: del command needs one argument as key and an optional argument as range_end');
    expect(err('del a b c').exit).toBe(128);
    expect(err('del a b --prefix').stderr).toBe('Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
  });
});

describe('txn (txn_command.go)', () => {
  it("the README's interactive example: compares, success and failure blocks on the following lines", () => {
    const c = cmd(['txn', 'mod("key1") > "0"', '', 'put key1 "overwrote-key1"', '', 'put key1 "created-key1"', 'put key2 "some extra key"', ''].join('\n'));
    expect(c).toEqual({
      kind: 'txn',
      interactive: false,
      request: {
        op: 'txn',
        compare: [{ key: 'key1', target: 'modRevision', result: '>', value: 0 }],
        success: [{ op: 'put', key: 'key1', value: 'overwrote-key1' }],
        failure: [
          { op: 'put', key: 'key1', value: 'created-key1' },
          { op: 'put', key: 'key2', value: 'some extra key' },
        ],
      },
    });
  });

  it('the end of the text ends the open block (no trailing empty lines needed); empty blocks are empty lists', () => {
    expect(parseTxnInput('val("a") = "b"\n\nget a')).toEqual({ op: 'txn', compare: [{ key: 'a', target: 'value', result: '=', value: 'b' }], success: [{ op: 'range', key: 'a' }], failure: [] });
    expect(parseTxnInput('')).toEqual({ op: 'txn', compare: [], success: [], failure: [] });
  });

  it('branch lines are get / put / del with their flags (prefix matching too)', () => {
    const t = parseTxnInput('\nget --prefix a --limit=1\ndel k --prev-kv\np x y --lease=L1', { names });
    expect(t.success).toEqual([
      { op: 'range', key: 'a', rangeEnd: 'b', limit: 1 },
      { op: 'deleteRange', key: 'k', prevKv: true },
      { op: 'put', key: 'x', value: 'y', lease: L1 },
    ]);
  });

  // etcdctl/ctlv3/command/txn_command_test.go TestParseCompare
  it('TestParseCompare: every target and operator', () => {
    expect(parseCompare('ver("a") = "1"')).toEqual({ key: 'a', target: 'version', result: '=', value: 1 });
    expect(parseCompare('version("a") != "1"')).toEqual({ key: 'a', target: 'version', result: '!=', value: 1 });
    expect(parseCompare('c("a") < "9"')).toEqual({ key: 'a', target: 'createRevision', result: '<', value: 9 });
    expect(parseCompare('create("a") = "0"')).toEqual({ key: 'a', target: 'createRevision', result: '=', value: 0 });
    expect(parseCompare('m("a") > "3"')).toEqual({ key: 'a', target: 'modRevision', result: '>', value: 3 });
    expect(parseCompare('mod("a") = "3"')).toEqual({ key: 'a', target: 'modRevision', result: '=', value: 3 });
    expect(parseCompare('val("a") = "b c"')).toEqual({ key: 'a', target: 'value', result: '=', value: 'b c' });
    expect(parseCompare('value("a") != "\\"q\\""')).toEqual({ key: 'a', target: 'value', result: '!=', value: '"q"' });
    expect(parseCompare('lease("a") = "L1"', { names })).toEqual({ key: 'a', target: 'lease', result: '=', value: L1 });
    expect(parseCompare('lease("a") = "0"')).toEqual({ key: 'a', target: 'lease', result: '=', value: '0000000000000000' });
  });

  it("malformed compares and requests: etcdctl's messages, exit status 3 (ExitInvalidInput)", () => {
    expect(err('txn\nmod "key1" > "0"')).toEqual({ stderr: 'Error: malformed comparison: mod "key1" > "0"', exit: 3 });
    expect(err('txn\nfoo("a") = "b"')).toEqual({ stderr: 'Error: malformed comparison: foo("a") = "b" (unknown target foo)', exit: 3 });
    expect(err('txn\nmod("a")>"0"')).toEqual({ stderr: 'Error: malformed comparison: mod("a")>"0"; got mod("a") >"0" ""', exit: 3 });
    expect(err('txn\nver("a") = "x"')).toEqual({ stderr: 'Error: invalid txn compare request: ver("a") = "x"', exit: 3 });
    expect(err('txn\n\nget')).toEqual({ stderr: 'Error: invalid txn compare request: get', exit: 3 });
    expect(err('txn\n\nwatch a')).toEqual({ stderr: 'Error: invalid txn request: watch a', exit: 3 });
    expect(err('txn\n\nget a --foo')).toEqual({ stderr: 'Error: invalid txn request: get a --foo', exit: 3 });
    expect(err('txn extra')).toEqual({ stderr: 'Error: txn command does not accept argument', exit: 128 });
  });

  it('an operator clientv3.Compare does not know panics etcdctl (exit status 2)', () => {
    expect(err('txn\nmod("a") <= "0"')).toEqual({ stderr: 'panic: Unknown result op', exit: 2 });
  });
});

describe('compaction, watch', () => {
  it('compaction REV; a bad revision is strconv\'s error with exit status 1', () => {
    expect(cmd('compaction 5')).toEqual({ kind: 'compaction', request: { op: 'compact', revision: 5 }, physical: false });
    expect(cmd('compaction --physical 5')).toMatchObject({ physical: true });
    expect(err('compaction')).toEqual({ stderr: 'Error: compaction command needs 1 argument', exit: 128 });
    expect(err('compaction x')).toEqual({ stderr: 'Error: strconv.ParseInt: parsing "x": invalid syntax', exit: 1 });
  });

  it('watch KEY [END] --prefix --rev --prev-kv (getWatchChan)', () => {
    expect(cmd('watch foo')).toEqual({ kind: 'watch', request: { key: 'foo' } });
    expect(cmd('watch /config --prefix --rev=3 --prev-kv')).toEqual({ kind: 'watch', request: { key: '/config', rangeEnd: '/confih', startRevision: 3, prevKv: true } });
    expect(cmd('watch a c')).toEqual({ kind: 'watch', request: { key: 'a', rangeEnd: 'c' } });
    expect(err('watch')).toEqual({ stderr: 'Error: bad number of arguments', exit: 128 });
    expect(err('watch a c --prefix').stderr).toBe('Error: `range_end` and `--prefix` are mutually exclusive');
  });
});

describe('lease, member, endpoint, move-leader', () => {
  it('lease grant TTL / revoke / timetolive [--keys] / list / keep-alive [--once], IDs in hex or by `as` name', () => {
    expect(cmd('lease grant 10')).toEqual({ kind: 'lease grant', ttl: 10 });
    expect(cmd('lease revoke 694d5765fc71500b')).toEqual({ kind: 'lease revoke', id: L1 });
    expect(cmd('lease timetolive L1 --keys')).toEqual({ kind: 'lease timetolive', id: L1, keys: true });
    expect(cmd('lease list')).toEqual({ kind: 'lease list' });
    expect(cmd('lease keep-alive L1')).toEqual({ kind: 'lease keep-alive', id: L1, once: false });
    expect(cmd('lease keep-alive --once L1')).toEqual({ kind: 'lease keep-alive', id: L1, once: true });
  });

  it("lease errors as etcdctl words them", () => {
    expect(err('lease grant')).toEqual({ stderr: 'Error: lease grant command needs TTL argument', exit: 128 });
    expect(err('lease grant ten').stderr).toBe('Error: bad TTL (strconv.ParseInt: parsing "ten": invalid syntax)');
    expect(err('lease revoke')).toEqual({ stderr: 'Error: lease revoke command needs 1 argument', exit: 128 });
    expect(err('lease revoke xyz').stderr).toBe('Error: bad lease ID arg (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex');
    expect(err('lease timetolive').stderr).toBe('Error: lease timetolive command needs lease ID as argument');
    expect(err('lease keep-alive').stderr).toBe('Error: lease keep-alive command needs lease ID as argument');
  });

  it('member list / add NAME [--learner] [--peer-urls] / remove ID / promote ID', () => {
    expect(cmd('member list --consistency=s')).toEqual({ kind: 'member list', serializable: true });
    expect(cmd('member add S4 --peer-urls=http://s4:2380,http://s4b:2380')).toEqual({ kind: 'member add', name: 'S4', peerUrls: ['http://s4:2380', 'http://s4b:2380'], isLearner: false });
    // etcdctl requires --peer-urls; the simulator makes one up from the name
    expect(cmd('member add S4 --learner')).toEqual({ kind: 'member add', name: 'S4', peerUrls: ['http://s4:2380'], isLearner: true });
    expect(cmd('member remove 8e9e05c52164694d')).toEqual({ kind: 'member remove', id: '8e9e05c52164694d' });
    expect(cmd('member promote M2')).toEqual({ kind: 'member promote', id: '8e9e05c52164694d' });
    expect(err('member add').stderr).toBe('Error: member name not provided');
    expect(err('member add S4 http://s4:2380').stderr).toBe('Error: too many arguments, did you mean --peer-urls=http://s4:2380');
    expect(err('member remove').stderr).toBe('Error: member ID is not provided');
    expect(err('member remove zz').stderr).toBe('Error: bad member ID arg (strconv.ParseUint: parsing "zz": invalid syntax), expecting ID in Hex');
  });

  it('endpoint health / status [--cluster] (a persistent flag of endpoint); move-leader ID', () => {
    expect(cmd('endpoint health')).toEqual({ kind: 'endpoint health', cluster: false });
    expect(cmd('endpoint --cluster status')).toEqual({ kind: 'endpoint status', cluster: true });
    expect(cmd('endpoint status --cluster -w table')).toEqual({ kind: 'endpoint status', cluster: true });
    expect(cmd('move-leader 8e9e05c52164694d')).toEqual({ kind: 'move-leader', target: '8e9e05c52164694d' });
    expect(err('move-leader')).toEqual({ stderr: 'Error: move-leader command needs 1 argument', exit: 128 });
    expect(err('move-leader xyz').stderr).toBe('Error: strconv.ParseUint: parsing "xyz": invalid syntax');
  });
});

describe('lock, elect (the concurrency recipes)', () => {
  it('lock NAME [--ttl]; elect NAME PROPOSAL; elect -l NAME', () => {
    expect(cmd('lock mylock')).toEqual({ kind: 'lock', name: 'mylock', ttl: 10 });
    expect(cmd('lock mylock --ttl=5')).toEqual({ kind: 'lock', name: 'mylock', ttl: 5 });
    expect(cmd('elect one p1')).toEqual({ kind: 'elect', name: 'one', proposal: 'p1' });
    expect(cmd('elect -l one')).toEqual({ kind: 'elect -l', name: 'one' });
  });

  it("their argument errors", () => {
    expect(err('lock').stderr).toBe('Error: lock takes a lock name argument and an optional command to execute');
    expect(err('elect').stderr).toBe('Error: elect takes one election name argument and an optional proposal argument');
    expect(err('elect one').stderr).toBe('Error: no proposal argument but -l not set');
    expect(err('elect -l one p1').stderr).toBe('Error: proposal given but -l is set');
  });

  it('watch, lease keep-alive (without --once), lock, elect and elect -l run in the background', () => {
    const bg = ['watch k', 'lease keep-alive L1', 'lock l', 'elect e p', 'elect -l e'].map((t) => isBackground(cmd(t)));
    expect(bg).toEqual([true, true, true, true, true]);
    expect(['lease keep-alive --once L1', 'get k', 'lease grant 5'].map((t) => isBackground(cmd(t)))).toEqual([false, false, false]);
  });
});
