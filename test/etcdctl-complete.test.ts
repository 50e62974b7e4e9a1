/**
 * Completion for the console: command words level by level, the flags of the command reached
 * (its own, inherited and global), and the values etcdctl registers completions for.
 */
import { describe, expect, it } from 'vitest';
import { complete } from '../src/etcdctl/complete';

describe('etcdctl completion', () => {
  it('command words at each level', () => {
    expect(complete('')).toContain('put');
    expect(complete('m')).toEqual(['member', 'move-leader']);
    expect(complete('lease ')).toEqual(['grant', 'keep-alive', 'list', 'revoke', 'timetolive']);
    expect(complete('lease t')).toEqual(['timetolive']);
    expect(complete('etcdctl mem')).toEqual(['member']);
    expect(complete('get foo ')).toEqual([]);
  });

  it("flags of the command reached, with the global ones and endpoint's inherited --cluster", () => {
    expect(complete('get foo --p')).toEqual(['--prefix', '--print-value-only']);
    expect(complete('put k v --')).toEqual(expect.arrayContaining(['--lease', '--prev-kv', '--write-out', '--endpoints']));
    expect(complete('put k v --')).not.toContain('--prefix');
    expect(complete('endpoint status --c')).toEqual(['--cluster', '--command-timeout']);
    expect(complete('lease timetolive L1 --k')).toEqual(['--keys']);
  });

  it('values where etcdctl registers a completion: --write-out, --sort-by, --order, --consistency', () => {
    expect(complete('member list -w ')).toEqual(['fields', 'json', 'simple', 'table']);
    expect(complete('get k --sort-by=M')).toEqual(['--sort-by=MODIFY']);
    expect(complete('get k --order ')).toEqual(['ASCEND', 'DESCEND']);
    expect(complete('get k --consistency=')).toEqual(['--consistency=l', '--consistency=s']);
  });
});
