/**
 * The etcdctl console: a terminal with the prompt `$ etcdctl`. Each line typed is sent to the
 * backend (backend.ts) as the chosen client, through the chosen server (`--endpoints`); its output
 * appears when the cluster answers, exactly as etcdctl prints it (standard error styled apart).
 * Background commands (watch, lease keep-alive, lock, elect) keep printing until Ctrl-C or Stop.
 *
 * Keys (the console's own help, translated; etcdctl's output stays English): Enter runs the line,
 * Shift+Enter starts another line of the same command (a txn's blocks), ↑ / ↓ go through the
 * history, Tab completes commands, flags and flag values (src/etcdctl/complete.ts) and moves focus
 * on when there is nothing to complete, Ctrl+C stops the newest background command (or clears the
 * line when none runs; with text selected it copies, as usual).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { complete } from '../../etcdctl/complete';
import { t } from '../i18n';
import { timeText } from '../model/why';
import type { ConsoleBackend, ConsoleEntry } from './backend';
import './etcd.css';

/** The longest common prefix of `words` ('' for none). */
function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0];
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The start of the word the cursor is in (words are split on spaces, as complete() splits them). */
function wordStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return i;
}

/** Applies Tab at `cursor`: the new text and cursor, or the choices to show when several fit. */
export function completeAt(text: string, cursor: number): { text: string; cursor: number; choices: string[] } | null {
  const before = text.slice(0, cursor);
  if (before.includes('\n')) return null;
  const options = complete(before);
  if (options.length === 0) return null;
  const start = wordStart(text, cursor);
  const word = text.slice(start, cursor);
  const common = commonPrefix(options);
  const insert = options.length === 1 ? (options[0].endsWith('=') ? options[0] : `${options[0]} `) : common;
  if (insert.length <= word.length || !insert.startsWith(word)) {
    return { text, cursor, choices: options.length > 1 ? options : [] };
  }
  const next = text.slice(0, start) + insert + text.slice(cursor);
  return { text: next, cursor: start + insert.length, choices: options.length > 1 && insert === common ? options : [] };
}

function Entry({ e, onStop }: { e: ConsoleEntry; onStop(key: string): void }) {
  const [first, ...rest] = e.command.split('\n');
  return (
    <div className="term-entry" data-state={e.state} data-exit={e.exit} data-testid="etcd-entry">
      <div className="term-cmd">
        <span className="term-prompt-echo" aria-hidden="true">$ etcdctl </span>
        <span className="visually-hidden">{t('etcd.typed', { client: e.client, time: timeText(e.atMs) })}</span>
        <span className="term-cmd-text">{first}</span>
        {rest.map((l, i) => (
          <span key={i} className="term-cmd-more">
            {'\n'}
            <span aria-hidden="true">&gt; </span>
            {l}
          </span>
        ))}
        <span className="term-meta" aria-hidden="true">
          {e.via ? t('etcd.metaVia', { client: e.client, via: e.via, time: timeText(e.atMs) }) : t('etcd.meta', { client: e.client, time: timeText(e.atMs) })}
        </span>
      </div>
      {e.lines.length > 0 && (
        <pre className="term-output" data-testid="etcd-output-text">
          {e.lines.map((l, i) => (
            <span key={i} className={l.stream === 'stderr' ? 'term-err' : 'term-out'} data-stream={l.stream}>
              {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
      {e.state === 'waiting' && (
        <div className="term-status term-waiting" data-testid="etcd-waiting">
          {t('etcd.waiting')}
        </div>
      )}
      {e.state === 'running' && (
        <div className="term-status term-running">
          <span>{e.name ? t('etcd.runningNamed', { name: e.name }) : t('etcd.running')}</span>
          {e.name && (
            <button type="button" className="btn btn-small" data-testid="etcd-stop-one" onClick={() => onStop(e.key)} aria-label={t('etcd.stopOne', { command: first })}>
              {t('etcd.stop')}
            </button>
          )}
        </div>
      )}
      {e.state === 'done' && e.exit !== undefined && e.exit !== 0 && <div className="term-status term-exit">{t('etcd.exit', { exit: e.exit })}</div>}
    </div>
  );
}

export function EtcdConsole({ backend, leaderId, inPast, onNotice }: {
  backend: ConsoleBackend;
  leaderId: string | null;
  /** The cursor is in the past: a line typed now starts a new branch. */
  inPast: boolean;
  onNotice(text: string): void;
}) {
  const ids = useId();
  const clients = backend.clients();
  const servers = backend.servers();
  const [client, setClient] = useState(clients[0] ?? '');
  const [via, setVia] = useState('');
  const [text, setText] = useState('');
  const [history, setHistory] = useState<string[]>([]);
  /** Position in the history while browsing it (history.length: the line being edited). */
  const [at, setAt] = useState(0);
  const [draft, setDraft] = useState('');
  const [choices, setChoices] = useState<string[]>([]);
  const input = useRef<HTMLTextAreaElement | null>(null);
  const screen = useRef<HTMLDivElement | null>(null);
  const entries = backend.entries();
  /** The background commands Ctrl+C can stop (those with a name: a `cancel` names what it stops). */
  const running = entries.filter((e) => e.state === 'running' && e.name !== undefined);
  const lineCount = entries.reduce((n, e) => n + e.lines.length + 1, 0);
  const cursorAfter = useRef<number | null>(null);

  useEffect(() => {
    if (!clients.includes(client) && clients.length > 0) setClient(clients[0]);
  }, [clients.join(' '), client]);

  // Follow the newest output (a terminal scrolls with what it prints).
  useEffect(() => {
    const el = screen.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lineCount, entries.length, choices.length]);

  useEffect(() => {
    const el = input.current;
    if (el && cursorAfter.current !== null) {
      el.setSelectionRange(cursorAfter.current, cursorAfter.current);
      cursorAfter.current = null;
    }
  });

  const submit = () => {
    const line = text.replace(/\s+$/, '');
    if (line.trim() === '') return;
    setChoices([]);
    const err = backend.run(line, client, via || null);
    if (err) {
      onNotice(err);
      return;
    }
    setHistory((h) => (h[h.length - 1] === line ? h : [...h, line]));
    setAt(history.length + (history[history.length - 1] === line ? 0 : 1));
    setText('');
    setDraft('');
  };

  const stop = (key: string) => {
    const err = backend.cancel(key);
    if (err) onNotice(err);
  };

  const browse = (dir: -1 | 1) => {
    const next = Math.max(0, Math.min(history.length, at + dir));
    if (next === at) return;
    if (at === history.length) setDraft(text);
    setAt(next);
    const value = next === history.length ? draft : history[next];
    setText(value);
    cursorAfter.current = value.length;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    const noSelection = el.selectionStart === el.selectionEnd;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      submit();
    } else if (e.key === 'ArrowUp' && noSelection && !text.slice(0, el.selectionStart).includes('\n')) {
      e.preventDefault();
      browse(-1);
    } else if (e.key === 'ArrowDown' && noSelection && !text.slice(el.selectionEnd).includes('\n')) {
      e.preventDefault();
      browse(1);
    } else if (e.key === 'Tab' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && text.trim() !== '' && noSelection) {
      const r = completeAt(text, el.selectionStart);
      if (!r) return; // nothing to complete: Tab moves focus on
      e.preventDefault();
      setText(r.text);
      setChoices(r.choices);
      cursorAfter.current = r.cursor;
    } else if ((e.key === 'c' || e.key === 'C') && e.ctrlKey && !e.shiftKey && !e.altKey && noSelection) {
      e.preventDefault();
      const last = running[running.length - 1];
      if (last) stop(last.key);
      else {
        setText('');
        setChoices([]);
      }
    } else if (e.key === 'Escape' && choices.length > 0) {
      e.stopPropagation();
      setChoices([]);
    }
  };

  const helpId = `${ids}-help`;
  const titleId = `${ids}-title`;
  return (
    <section className="panel etcd-console" aria-labelledby={titleId} data-testid="etcd-console" data-backend={backend.kind}>
      <div className="panel-head">
        <h2 id={titleId}>{t('etcd.title')}</h2>
        <label className="etcd-pick">
          {t('etcd.client')}
          <select value={client} onChange={(e) => setClient(e.target.value)} data-testid="etcd-client">
            {clients.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="etcd-pick" title={t('etcd.endpointsTitle')}>
          {t('etcd.endpoints')}
          <select value={via} onChange={(e) => setVia(e.target.value)} data-testid="etcd-endpoint">
            <option value="">{leaderId ? t('etcd.endpointAnyLeader', { id: leaderId }) : t('etcd.endpointAny')}</option>
            {servers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-small"
          data-testid="etcd-stop"
          disabled={running.length === 0}
          onClick={() => running.length > 0 && stop(running[running.length - 1].key)}
          title={t('etcd.stopTitle')}
        >
          {t('etcd.stopLast')}
        </button>
      </div>
      <p id={helpId} className="etcd-help">
        {backend.kind === 'memory' ? t('etcd.helpMemory') : t('etcd.help')}
      </p>
      <div ref={screen} className="terminal" role="log" aria-label={t('etcd.outputLabel')} aria-live="polite" tabIndex={0} data-testid="etcd-screen">
        {entries.length === 0 && <p className="term-empty">{t('etcd.empty')}</p>}
        {entries.map((e) => (
          <Entry key={e.key} e={e} onStop={stop} />
        ))}
      </div>
      {choices.length > 0 && (
        <div className="term-choices" role="status" data-testid="etcd-choices">
          <span className="visually-hidden">{t('etcd.choices', { count: choices.length })}</span>
          {choices.join('  ')}
        </div>
      )}
      {inPast && <p className="menu-note">{t('menu.forkNote')}</p>}
      <div className="term-input-row">
        <label htmlFor={`${ids}-input`} className="term-prompt">
          $ etcdctl
          <span className="visually-hidden">{t('etcd.inputLabel')}</span>
        </label>
        <textarea
          id={`${ids}-input`}
          ref={input}
          className="term-input"
          rows={Math.min(8, text.split('\n').length)}
          value={text}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          aria-describedby={helpId}
          data-testid="etcd-input"
          onChange={(e) => {
            setText(e.target.value);
            setChoices([]);
            setAt(history.length);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
    </section>
  );
}
