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
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, button.btn-primary, button');
    first?.focus();
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
