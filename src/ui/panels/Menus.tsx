/**
 * Direct manipulation menus, opened by clicking the ring: a server (crash, restart, force an
 * election timeout, send a client request through it, isolate, membership changes as etcdctl
 * member add / promote / remove, snapshot now), a link (cut one or both ways,
 * restore, latency and loss per direction), a message in flight (drop, duplicate, delay).
 * Every choice becomes a time-machine action; in the past it starts a new branch.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import type { LinkSettings, Membership, MemberRequest } from '../../sim/types';
import type { UserAction } from '../../timetravel/timeMachine';
import { t } from '../i18n';
import './menus.css';

export type MenuTarget =
  | { kind: 'server'; id: string; x: number; y: number }
  | { kind: 'link'; a: string; b: string; x: number; y: number }
  | { kind: 'message'; id: number; x: number; y: number };

/** The focusable controls of a menu, in order. */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('button:not(:disabled), input:not(:disabled), select:not(:disabled)')];
}

/**
 * A small non-modal dialog at a point: it takes the focus (its first control) when it opens and
 * gives it back to what had it (the ring's server, link or message) when it closes. Escape or a
 * click outside closes it; ↑ ↓ move between its controls.
 */
function Popover({ x, y, onClose, children, testId, label }: { x: number; y: number; onClose(): void; children: ReactNode; testId: string; label: string }) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    // Defer so the click that opened the menu does not close it.
    const id = window.setTimeout(() => document.addEventListener('mousedown', onDown), 0);
    window.addEventListener('keydown', onKey);
    return () => {
      window.clearTimeout(id);
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);
  // What had the focus when the menu opened (read while rendering, before the menu takes it).
  const opener = useRef<Element | null>(typeof document !== 'undefined' ? document.activeElement : null);
  useEffect(() => {
    const node = ref.current;
    if (node) focusables(node)[0]?.focus();
    return () => {
      // Back to the item the menu was opened from, unless the focus went somewhere else on purpose.
      const from = opener.current as HTMLElement | SVGElement | null;
      const now = document.activeElement;
      const lost = now === null || now === document.body || !now.isConnected || (node !== null && node.contains(now));
      if (from && from.isConnected && lost && typeof from.focus === 'function') from.focus({ preventScroll: true });
    };
  }, []);
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    const all = ref.current ? focusables(ref.current) : [];
    if (all.length === 0) return;
    const at = all.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? (at + 1) % all.length : (at - 1 + all.length) % all.length;
    all[next].focus();
    e.preventDefault();
    e.stopPropagation();
  };
  // Keep the menu on screen (a long server menu moves up once its height is known).
  const left = Math.max(8, Math.min(x, window.innerWidth - 300));
  const [top, setTop] = useState(() => Math.max(8, Math.min(y, window.innerHeight - 340)));
  useLayoutEffect(() => {
    const h = ref.current?.getBoundingClientRect().height ?? 0;
    const fit = Math.max(8, Math.min(y, window.innerHeight - 8 - h));
    if (fit !== top) setTop(fit);
  }, [y, top]);
  return (
    <div ref={ref} className="popover" style={{ left, top }} role="dialog" aria-label={label} data-testid={testId} onKeyDown={onKeyDown}>
      {children}
    </div>
  );
}

function Item({ onClick, children, testId, danger }: { onClick(): void; children: ReactNode; testId: string; danger?: boolean }) {
  return (
    <button type="button" className={danger ? 'menu-item danger' : 'menu-item'} data-testid={testId} onClick={onClick}>
      {children}
    </button>
  );
}

export interface MenuProps {
  target: MenuTarget;
  /** Whether the server is up (server menus). */
  up: (id: string) => boolean;
  isolated: (id: string) => boolean;
  /** Whether a server is paused (alive, handling nothing). */
  paused: (id: string) => boolean;
  cut: (from: string, to: string) => boolean;
  linkSettings: (from: string, to: string) => LinkSettings;
  inPast: boolean;
  /** How the cluster counts a server (ServerView.membership). */
  membership: (id: string) => Membership;
  onAct(a: UserAction): void;
  /** A membership change (recorded as a `member` action; a refusal is said in a notice). */
  onMember(r: MemberRequest): void;
  onOpenMembers(): void;
  onClientVia(id: string): void;
  onInspectServer(id: string): void;
  onInspectMessage(id: number): void;
  onClose(): void;
}

function LinkDirection({ from, to, settings, onApply, onReset }: { from: string; to: string; settings: LinkSettings; onApply(s: Partial<LinkSettings>): void; onReset(): void }) {
  const [min, setMin] = useState(String(settings.latencyMs[0]));
  const [max, setMax] = useState(String(settings.latencyMs[1]));
  const [loss, setLoss] = useState(String(Math.round(settings.dropRate * 1000) / 10));
  const lo = Number(min);
  const hi = Number(max);
  const p = Number(loss);
  const valid = Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi >= lo && Number.isFinite(p) && p >= 0 && p <= 100;
  return (
    <fieldset className="link-settings" data-testid={`link-settings-${from}-${to}`}>
      <legend>{t('menu.linkDirection', { from, to })}</legend>
      <label>
        {t('menu.latencyMin')}
        <input type="number" min={0} value={min} onChange={(e) => setMin(e.target.value)} />
      </label>
      <label>
        {t('menu.latencyMax')}
        <input type="number" min={0} value={max} onChange={(e) => setMax(e.target.value)} />
      </label>
      <label>
        {t('menu.loss')}
        <input type="number" min={0} max={100} value={loss} onChange={(e) => setLoss(e.target.value)} />
      </label>
      <div className="button-row">
        <button type="button" className="btn btn-small" disabled={!valid} onClick={() => onApply({ latencyMs: [lo, hi], dropRate: p / 100 })}>
          {t('menu.apply')}
        </button>
        <button type="button" className="btn btn-small" onClick={onReset}>
          {t('menu.reset')}
        </button>
      </div>
      {!valid && <p className="form-error">{t('menu.linkInvalid')}</p>}
    </fieldset>
  );
}

export function Menu(p: MenuProps) {
  const done = (a: UserAction) => {
    p.onAct(a);
    p.onClose();
  };
  const tg = p.target;
  const forkNote = p.inPast ? <p className="menu-note">{t('menu.forkNote')}</p> : null;
  if (tg.kind === 'server') {
    const up = p.up(tg.id);
    const member = p.membership(tg.id);
    // A spare that never started has nothing to crash, restart, time out or lead yet.
    const idle = member === 'spare' && !up;
    const change = (r: MemberRequest) => {
      p.onMember(r);
      p.onClose();
    };
    return (
      <Popover x={tg.x} y={tg.y} onClose={p.onClose} testId="server-menu" label={t('menu.serverTitle', { id: tg.id })}>
        <div className="menu-title">{t('menu.serverTitle', { id: tg.id })}</div>
        {forkNote}
        {idle ? null : up ? (
          <Item testId="menu-crash" danger onClick={() => done({ kind: 'crash', node: tg.id })}>
            {t('menu.crash')}
          </Item>
        ) : (
          <Item testId="menu-restart" onClick={() => done({ kind: 'restart', node: tg.id })}>
            {t('menu.restart')}
          </Item>
        )}
        {up && (
          <Item testId="menu-timeout" onClick={() => done({ kind: 'timeout', node: tg.id })}>
            {t('menu.timeout')}
          </Item>
        )}
        {up && (
          <Item testId="menu-transfer" onClick={() => done({ kind: 'transfer', to: tg.id })}>
            {t('menu.transferTo', { to: tg.id })}
          </Item>
        )}
        <Item testId="menu-client" onClick={() => { p.onClientVia(tg.id); p.onClose(); }}>
          {t('menu.clientVia', { id: tg.id })}
        </Item>
        {up && (p.paused(tg.id) ? (
          <Item testId="menu-resume-server" onClick={() => done({ kind: 'resumeServer', node: tg.id })}>
            {t('menu.resumeServer')}
          </Item>
        ) : (
          <Item testId="menu-pause-server" onClick={() => done({ kind: 'pauseServer', node: tg.id })}>
            {t('menu.pauseServer')}
          </Item>
        ))}
        {p.isolated(tg.id) ? (
          <Item testId="menu-reconnect" onClick={() => done({ kind: 'reconnect', node: tg.id })}>
            {t('menu.reconnect')}
          </Item>
        ) : (
          <Item testId="menu-isolate" onClick={() => done({ kind: 'isolate', node: tg.id })}>
            {t('menu.isolate')}
          </Item>
        )}
        {(member === 'spare' || member === 'removed') && (
          <>
            <Item testId="menu-add-learner" onClick={() => change({ add: tg.id, learner: true })}>
              {t('menu.addLearner', { id: tg.id })}
            </Item>
            <Item testId="menu-add-voter" onClick={() => change({ add: tg.id })}>
              {t('menu.addVoter', { id: tg.id })}
            </Item>
          </>
        )}
        {member === 'learner' && (
          <Item testId="menu-promote" onClick={() => change({ promote: tg.id })}>
            {t('menu.promote', { id: tg.id })}
          </Item>
        )}
        {(member === 'learner' || member === 'voter') && (
          <Item testId="menu-remove-member" danger onClick={() => change({ remove: tg.id })}>
            {t('menu.removeMember', { id: tg.id })}
          </Item>
        )}
        {up && (
          <Item testId="menu-compact" onClick={() => done({ kind: 'compact', node: tg.id })}>
            {t('menu.compact', { id: tg.id })}
          </Item>
        )}
        <Item testId="menu-members" onClick={() => { p.onOpenMembers(); p.onClose(); }}>
          {t('menu.members')}
        </Item>
        <Item testId="menu-inspect" onClick={() => { p.onInspectServer(tg.id); p.onClose(); }}>
          {t('menu.inspect')}
        </Item>
      </Popover>
    );
  }
  if (tg.kind === 'link') {
    const { a, b } = tg;
    const ab = p.cut(a, b);
    const ba = p.cut(b, a);
    return (
      <Popover x={tg.x} y={tg.y} onClose={p.onClose} testId="link-menu" label={t('menu.linkTitle', { a, b })}>
        <div className="menu-title">{t('menu.linkTitle', { a, b })}</div>
        {forkNote}
        {!(ab && ba) && (
          <Item testId="menu-cut-both" danger onClick={() => done({ kind: 'cut', from: a, to: b, both: true })}>
            {t('menu.cutBoth', { a, b })}
          </Item>
        )}
        {!ab && (
          <Item testId="menu-cut-ab" onClick={() => done({ kind: 'cut', from: a, to: b, both: false })}>
            {t('menu.cutOne', { from: a, to: b })}
          </Item>
        )}
        {!ba && (
          <Item testId="menu-cut-ba" onClick={() => done({ kind: 'cut', from: b, to: a, both: false })}>
            {t('menu.cutOne', { from: b, to: a })}
          </Item>
        )}
        {(ab || ba) && (
          <Item testId="menu-restore" onClick={() => done({ kind: 'restoreLink', from: a, to: b, both: true })}>
            {t('menu.restore', { a, b })}
          </Item>
        )}
        <LinkDirection
          from={a}
          to={b}
          settings={p.linkSettings(a, b)}
          onApply={(s) => done({ kind: 'link', from: a, to: b, settings: s })}
          onReset={() => done({ kind: 'link', from: a, to: b, settings: null })}
        />
        <LinkDirection
          from={b}
          to={a}
          settings={p.linkSettings(b, a)}
          onApply={(s) => done({ kind: 'link', from: b, to: a, settings: s })}
          onReset={() => done({ kind: 'link', from: b, to: a, settings: null })}
        />
      </Popover>
    );
  }
  return <MessageMenu {...p} target={tg} done={done} forkNote={forkNote} />;
}

function MessageMenu(p: MenuProps & { target: Extract<MenuTarget, { kind: 'message' }>; done(a: UserAction): void; forkNote: ReactNode }) {
  const [delay, setDelay] = useState('100');
  const id = p.target.id;
  const ms = Number(delay);
  return (
    <Popover x={p.target.x} y={p.target.y} onClose={p.onClose} testId="message-menu" label={t('menu.messageTitle', { id })}>
      <div className="menu-title">{t('menu.messageTitle', { id })}</div>
      {p.forkNote}
      <Item testId="menu-drop" danger onClick={() => p.done({ kind: 'dropMessage', id })}>
        {t('menu.drop')}
      </Item>
      <Item testId="menu-duplicate" onClick={() => p.done({ kind: 'duplicateMessage', id })}>
        {t('menu.duplicate')}
      </Item>
      <div className="menu-inline">
        <label className="inline-field">
          {t('menu.delayBy')}
          <input type="number" min={1} step={10} value={delay} onChange={(e) => setDelay(e.target.value)} />
        </label>
        <button type="button" className="btn btn-small" data-testid="menu-delay" disabled={!(ms > 0)} onClick={() => p.done({ kind: 'delayMessage', id, byMs: ms })}>
          {t('menu.delay')}
        </button>
      </div>
      <Item testId="menu-inspect-message" onClick={() => { p.onInspectMessage(id); p.onClose(); }}>
        {t('menu.inspect')}
      </Item>
    </Popover>
  );
}
