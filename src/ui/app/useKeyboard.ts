import { useEffect, useRef } from 'react';
import type { JumpKind } from '../model/workbench';

/** What the keyboard shortcuts do (see HelpOverlay's SHORTCUTS); read anew on every key press. */
export interface KeyActions {
  /** Whether a dialog is open: then only "?" answers (and the dialog's own Escape). */
  dialogOpen: boolean;
  /** Whether a run is open (no shortcut but "?" without one). */
  hasRun(): boolean;
  toggleHelp(): void;
  togglePlay(): void;
  step(): void;
  stepBack(): void;
  jump(kind: JumpKind, dir: -1 | 1): void;
  openClient(): void;
  leaderKey(): void;
  openPartition(): void;
  heal(): void;
  goToNow(): void;
  fitTimeline(): void;
}

/**
 * The page's keyboard shortcuts: Space, ← →, Shift+← →, C, R, P, H, N, F, "?". Not while typing in
 * a field, not with Ctrl/Meta/Alt, and only "?" while a dialog is open.
 */
export function useKeyboard(actions: KeyActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) || target.isContentEditable)) return;
      // A focused button already answers Space itself.
      if (target?.tagName === 'BUTTON' && e.key === ' ') return;
      const k = ref.current;
      if (e.key === '?') {
        k.toggleHelp();
        e.preventDefault();
        return;
      }
      if (k.dialogOpen) return;
      if (!k.hasRun()) return;
      if (e.key === ' ') k.togglePlay();
      else if (e.key === 'ArrowRight' && e.shiftKey) k.jump('election', 1);
      else if (e.key === 'ArrowLeft' && e.shiftKey) k.jump('election', -1);
      else if (e.key === 'ArrowRight' || e.key === 's') k.step();
      else if (e.key === 'ArrowLeft') k.stepBack();
      else if (e.key === 'c') k.openClient();
      else if (e.key === 'r') k.leaderKey();
      else if (e.key === 'p') k.openPartition();
      else if (e.key === 'h') k.heal();
      else if (e.key === 'n') k.goToNow();
      else if (e.key === 'f') k.fitTimeline();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
