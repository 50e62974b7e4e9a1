/**
 * A golden etcdctl session, in the manner of etcd's datadriven testdata: test/golden/etcdctl/tour.txt
 * holds commands and the exact output they must print, run in order against one in-memory member
 * (S1). A change in any printer shows up as a readable diff.
 *
 * The file: `$ <command>` (more lines starting with `> ` are its standard input, as for `txn`), then
 * its output; standard error lines start with `2> `; a non-zero exit status is `[exit N]`.
 * A `# as NAME` comment on a command names the lease or member it creates (the shell drops the
 * comment); `# bg NAME` runs it in the background. `@ advance MS` moves the clock, `@ output NAME`
 * shows what a background command printed since last time, `@ cancel NAME` is Ctrl-C.
 *
 * Regenerate after an intended change:  UPDATE_GOLDEN=1 npx vitest run test/etcdctl-golden.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { BackgroundCommand, MemoryEtcdServer, runEtcdctl, type OutputLine } from '../src/etcdctl';

const FILE = join(__dirname, 'golden', 'etcdctl', 'tour.txt');
const update = process.env.UPDATE_GOLDEN === '1';

/** The steps of the file: a command (with its stdin lines) or a directive; expected output is dropped. */
function steps(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('$ ') || line.startsWith('@ ')) out.push([line]);
    else if ((line === '>' || line.startsWith('> ')) && out.length > 0) out[out.length - 1].push(line);
  }
  return out;
}

const show = (lines: OutputLine[]): string[] => lines.map((l) => (l.stream === 'stderr' ? `2> ${l.text}` : l.text));

/**
 * Runs the steps and writes the transcript they produce. The in-memory member answers at once, so
 * every command has ended (or started, in the background) when runEtcdctl returns.
 */
function transcript(text: string): string {
  const server = new MemoryEtcdServer();
  const client = server.client();
  const names = new Map<string, string>();
  const bg = new Map<string, { cmd: BackgroundCommand; shown: number }>();
  const out: string[] = [];
  const flushBg = (name: string): void => {
    const b = bg.get(name);
    if (!b) throw new Error(`no background command ${name}`);
    out.push(...show(b.cmd.output.slice(b.shown)));
    b.shown = b.cmd.output.length;
  };
  for (const step of steps(text)) {
    const [head, ...stdin] = step;
    out.push(...step);
    if (head.startsWith('@ ')) {
      const [verb, arg] = head.slice(2).split(' ');
      if (verb === 'advance') {
        server.advance(Number(arg));
      } else if (verb === 'output') flushBg(arg);
      else if (verb === 'cancel') {
        const end = bg.get(arg)!.cmd.cancel().unwrap();
        flushBg(arg);
        out.push(`[exit ${end.exit}]`);
      } else throw new Error(`unknown directive ${head}`);
      continue;
    }
    const line = head.slice(2);
    const as = /#\s*as\s+(\S+)/.exec(line)?.[1];
    const bgName = /#\s*bg\s+(\S+)/.exec(line)?.[1];
    const r = runEtcdctl([line, ...stdin.map((s) => s.slice(2))].join('\n'), { client, names: (n) => names.get(n) }).unwrap();
    if (r instanceof BackgroundCommand) {
      if (!bgName) throw new Error(`${line} runs in the background: name it with # bg NAME`);
      bg.set(bgName, { cmd: r, shown: 0 });
      flushBg(bgName);
      continue;
    }
    out.push(...show(r.output));
    if (r.exit !== 0) out.push(`[exit ${r.exit}]`);
    if (as && r.created && 'id' in r.created) names.set(as, r.created.id);
  }
  return `${out.join('\n')}\n`;
}

describe('golden etcdctl session (test/golden/etcdctl/tour.txt; UPDATE_GOLDEN=1 regenerates)', () => {
  it('every command prints exactly what the transcript says', () => {
    const expected = readFileSync(FILE, 'utf8');
    const actual = transcript(expected);
    if (update) {
      writeFileSync(FILE, actual);
      return;
    }
    if (actual !== expected) throw new Error(createTwoFilesPatch('expected', 'actual', expected, actual));
    expect(actual).toBe(expected);
  });

  it('the transcript runs the commands of the issue tour and the recipes (so it cannot pass on an empty file)', () => {
    const cmds = steps(readFileSync(FILE, 'utf8')).map((s) => s[0]);
    for (const c of ['$ member list -w table', '$ endpoint status -w table', '$ endpoint health', '$ put /testdir/testkey "Hello world"', '$ get /testdir --prefix', '$ del /testdir --prefix', '$ lock', '$ elect', '$ txn', '$ watch']) {
      expect(cmds.some((x) => x.startsWith(c))).toBe(true);
    }
  });
});
