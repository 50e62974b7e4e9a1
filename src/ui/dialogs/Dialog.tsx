/** The frame of every dialog: a title, a close button; Escape and a click on the backdrop close it. */
import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../i18n';
import './dialogs.css';

/**
 * A modal dialog: a title, a close button, Escape and a click on the backdrop close it. `size`
 * 'wide' is for tables, 'full' for pages such as the library and the scenario editor.
 */
export function Dialog({ title, onClose, children, testId, wide, size }: { title: string; onClose(): void; children: ReactNode; testId: string; wide?: boolean; size?: 'wide' | 'full' }) {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // The focus goes back to what had it before the dialog opened (read while rendering, before the dialog takes it).
  const opener = useRef<Element | null>(typeof document !== 'undefined' ? document.activeElement : null);
  useEffect(() => {
    const node = ref.current;
    const first = node?.querySelector<HTMLElement>('input, select, button.btn-primary, button');
    first?.focus();
    return () => {
      const from = opener.current as HTMLElement | SVGElement | null;
      const now = document.activeElement;
      const lost = now === null || now === document.body || !now.isConnected || (node != null && node.contains(now));
      if (from && from.isConnected && from !== document.body && lost && typeof from.focus === 'function') from.focus({ preventScroll: true });
    };
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={size === 'full' ? 'dialog full' : wide || size === 'wide' ? 'dialog wide' : 'dialog'} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="btn btn-small" onClick={onClose} aria-label={t('dialog.close')} data-testid={`${testId}-close`}>
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
