/**
 * `etcdctl help [command]` (and a command group without its subcommand, `etcdctl lease`): the
 * usage text of etcd's cobrautl usage template (pkg/cobrautl/help.go) laid out with Go's
 * text/tabwriter (minwidth 0, tabwidth 8, padding 1, padded with tabs), listing the commands this
 * simulator's etcdctl knows. It is etcdctl's own output, so it stays in English.
 */
import { COMMANDS, GLOBAL_FLAGS, HELP_FLAG, type CommandSpec } from './parse';
import type { FlagSpec } from './flags';
import { ETCD_VERSION } from './memory';

/** Go text/tabwriter with padchar '\t' (tabwidth 8, padding 1): aligns the tab-separated cells of consecutive lines. */
export function tabwrite(text: string): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const widths: number[][] = lines.map(() => []);
  const format = (from: number, to: number, col: number): void => {
    let i = from;
    while (i < to) {
      if (lines[i].length - 1 <= col) {
        i++;
        continue;
      }
      let j = i;
      let w = 0;
      while (j < to && lines[j].length - 1 > col) {
        w = Math.max(w, [...lines[j][col]].length + 1);
        j++;
      }
      w = Math.ceil(w / 8) * 8;
      for (let k = i; k < j; k++) widths[k][col] = w;
      format(i, j, col + 1);
      i = j;
    }
  };
  format(0, lines.length, 0);
  return lines
    .map((cells, li) =>
      cells
        .map((c, ci) => {
          if (ci === cells.length - 1) return c;
          const pad = widths[li][ci] - [...c].length;
          return c + '\t'.repeat(Math.max(1, Math.ceil(pad / 8)));
        })
        .join(''),
    )
    .join('\n');
}

/** cobrautl etcdFlagUsages: `  -w, --write-out="simple"\tusage` / `      --prefix[=false]\tusage`. */
function flagUsages(flags: readonly FlagSpec[]): string {
  return [...flags]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((fl) => {
      let s = fl.short ? `  -${fl.short}, --${fl.name}` : `      --${fl.name}`;
      const noOpt = fl.type === 'bool';
      if (noOpt) s += '[';
      s += fl.type === 'string' ? `=${JSON.stringify(fl.default)}` : `=${fl.default}`;
      if (noOpt) s += ']';
      return `${s}\t${fl.usage}\n`;
    })
    .join('');
}

function subCommands(cs: CommandSpec[], parent: string[] = []): Array<{ name: string; short: string }> {
  return cs.flatMap((c) => (c.sub ? subCommands(c.sub, [...parent, c.name]) : [{ name: [...parent, c.name].join(' '), short: c.short }]));
}

/**
 * The usage text for the command path (`[]` for etcdctl itself, `['lease']`, `['lease', 'grant']`).
 * Throws an Error for an unknown path (the parser never produces one).
 */
export function usage(path: readonly string[]): string {
  let spec: CommandSpec | undefined;
  let level: CommandSpec[] | undefined = COMMANDS;
  for (const p of path) {
    spec = level?.find((c) => c.name === p);
    if (!spec) throw new Error(`usage: unknown command ${path.join(' ')}`);
    level = spec.sub;
  }
  const ind = (s: string): string => `  ${s.replace(/\n/g, '\n  ')}`;
  let t = 'NAME:\n';
  if (!spec) t += `${ind('etcdctl - A simple command line client for etcd3.')}\n`;
  else t += `${ind(`${path.join(' ')} - ${spec.short}`)}\n`;
  t += '\nUSAGE:\n';
  const parents = path.slice(0, -1);
  t += `${ind(spec ? ['etcdctl', ...parents, spec.use].join(' ') : 'etcdctl [flags]')}\n`;
  if (!spec) t += `\nVERSION:\n${ind(ETCD_VERSION)}\n`;
  const subs = spec ? spec.sub : COMMANDS;
  if (subs) {
    t += `\nAPI VERSION:\n${ind(ETCD_VERSION.split('.').slice(0, 2).join('.'))}\n`;
    t += '\n\nCOMMANDS:\n';
    for (const s of subCommands(subs)) t += `${ind(`${s.name}\t${s.short}`)}\n`;
  }
  const local = spec ? [...spec.flags, ...(spec.persistentFlags ?? [])] : GLOBAL_FLAGS;
  const name = spec ? spec.name : 'etcdctl';
  t += `\nOPTIONS:\n${flagUsages([...local, { ...HELP_FLAG, usage: `help for ${name}` }])}`;
  if (spec) {
    const inherited = path.length > 1 ? (COMMANDS.find((c) => c.name === path[0])?.persistentFlags ?? []) : [];
    t += `\nGLOBAL OPTIONS:\n${flagUsages([...GLOBAL_FLAGS, ...inherited])}`;
  }
  return tabwrite(t.replace(/\n$/, ''));
}
