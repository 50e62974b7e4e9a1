/**
 * Completion of commands and flags for a console (what cobra's generated shell completion offers):
 * the command words at the current level, then the flags of the command reached plus the global
 * ones. Flag values are completed where etcdctl registers a completion function
 * (`--write-out`, `--consistency`, `--order`, `--sort-by`).
 */
import { COMMANDS, GLOBAL_FLAGS, type CommandSpec } from './parse';

const VALUES: Record<string, string[]> = {
  'write-out': ['fields', 'json', 'simple', 'table'],
  consistency: ['l', 's'],
  order: ['ASCEND', 'DESCEND'],
  'sort-by': ['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'],
};

/**
 * The completions of the last word of `line` (the text before the cursor, first line only):
 * whole replacement words, sorted. The word is empty after a trailing space. Words are split on
 * spaces only (enough for completing names; quoting does not matter for them).
 */
export function complete(line: string): string[] {
  const words = line.split('\n')[0].split(/\s+/);
  if (words[0] === '') words.shift();
  if (words[0] === 'etcdctl') words.shift();
  const current = words.length === 0 ? '' : words[words.length - 1];
  const before = words.slice(0, -1);
  let level: CommandSpec[] | undefined = COMMANDS;
  let spec: CommandSpec | undefined;
  let parent: CommandSpec | undefined;
  let argsSeen = 0;
  for (const w of before) {
    if (w.startsWith('-')) continue;
    const matches: CommandSpec[] = level?.filter((c) => c.name.startsWith(w)) ?? [];
    const found: CommandSpec | undefined = level?.find((c) => c.name === w) ?? (matches.length === 1 ? matches[0] : undefined);
    if (found && argsSeen === 0) {
      if (spec) parent = spec;
      spec = found;
      level = found.sub;
    } else argsSeen++;
  }
  const prev = before[before.length - 1];
  const flags = [...GLOBAL_FLAGS, ...(parent?.persistentFlags ?? []), ...(spec?.persistentFlags ?? []), ...(spec?.flags ?? [])];
  if (prev?.startsWith('-') && !prev.includes('=')) {
    const name = prev.replace(/^-+/, '');
    const fl = flags.find((x) => x.name === name || x.short === name);
    if (fl && fl.type !== 'bool') return (VALUES[fl.name] ?? []).filter((v) => v.startsWith(current));
  }
  const eq = /^--([^=]+)=(.*)$/.exec(current);
  if (eq && VALUES[eq[1]]) return VALUES[eq[1]].filter((v) => v.startsWith(eq[2])).map((v) => `--${eq[1]}=${v}`);
  if (current.startsWith('-')) {
    return flags
      .map((x) => `--${x.name}`)
      .filter((x) => x.startsWith(current))
      .sort();
  }
  if (level && argsSeen === 0) return level.map((c) => c.name).filter((n) => n.startsWith(current)).sort();
  return [];
}
