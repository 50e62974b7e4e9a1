/**
 * Splitting what the user typed into arguments.
 *
 * - A command line is split as a POSIX shell would before etcdctl sees it (single and double
 *   quotes, backslash escapes), with the shell-quote library. Variables (`$HOME`) are kept as
 *   typed (there is no environment), an unmatched glob stays literal (what bash passes on when no
 *   file matches), a `#` comment is dropped; pipes, redirections and `;` are refused, since there
 *   is no shell to run them.
 * - The lines of a `txn` block are split with etcdctl's own `Argify` (etcdctl/ctlv3/command/util.go):
 *   its regular expression, single quotes taken literally, double quotes unquoted as Go's `%q`.
 */
import { parse as shellParse } from 'shell-quote';
import { goUnquote } from './go';

/** A command line that cannot be split; `message` is what the console prints. */
export class TokenizeError extends Error {}

/**
 * Splits one shell command line into arguments. Throws a {@link TokenizeError} for an unterminated
 * quote or a shell operator (`|`, `>`, `;`, `&&` …).
 */
export function shellSplit(line: string): string[] {
  const quotes = [...line.matchAll(/\\.|'[^']*'|"(?:[^"\\]|\\.)*"|(['"])/gs)].filter((m) => m[1]);
  if (quotes.length > 0) throw new TokenizeError(`unexpected EOF while looking for matching \`${quotes[0][1]}'`);
  const parts = shellParse(line, (name: string) => `$${name}`);
  const out: string[] = [];
  for (const p of parts) {
    if (typeof p === 'string') out.push(p);
    else if ('comment' in p) break;
    else if ('op' in p && p.op === 'glob') out.push((p as { pattern: string }).pattern);
    else throw new TokenizeError(`the console runs one etcdctl command: shell operator ${JSON.stringify((p as { op: string }).op)} is not supported`);
  }
  return out;
}

/** etcdctl's argsRegexp (util.go). */
const ARGS_REGEXP = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;

/**
 * etcdctl's `Argify` (util.go): the arguments of one line of a txn block. Single-quoted words lose
 * their quotes, double-quoted ones are unquoted as Go's `%q`; throws an Error with Go's message
 * ("invalid syntax") for a bad double-quoted literal (etcdctl exits with ExitInvalidInput).
 */
export function argify(s: string): string[] {
  const args = s.match(ARGS_REGEXP) ?? [];
  return args.map((a) => {
    if (a.length === 0) return a;
    if (a[0] === "'") return a.slice(1, -1);
    if (a[0] === '"') return goUnquote(a);
    return a;
  });
}
