/**
 * On a phone the panels under the ring (timeline with time travel, logs, why feed, inspector, etcd)
 * become tabs, one shown at a time; on wider screens this bar is hidden and every panel shows
 * (see layout.css). Keyboard: ← → Home End move between the tabs (WAI-ARIA tabs pattern).
 */
import { useRef, type KeyboardEvent } from 'react';
import { t } from '../i18n';

export type PanelTab = 'timeline' | 'logs' | 'why' | 'inspect' | 'etcd';
export const PANEL_TABS: readonly PanelTab[] = ['timeline', 'logs', 'why', 'inspect', 'etcd'];

/** The id of a tab's panel (its wrapper in the workbench grid). */
export function panelId(tab: PanelTab): string {
  return `wb-panel-${tab}`;
}

export function tabId(tab: PanelTab): string {
  return `wb-tab-${tab}`;
}

export function PanelTabs({ tab, onTab }: { tab: PanelTab; onTab(tab: PanelTab): void }) {
  const ref = useRef<HTMLDivElement | null>(null);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = PANEL_TABS.indexOf(tab);
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (at + 1) % PANEL_TABS.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + PANEL_TABS.length) % PANEL_TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = PANEL_TABS.length - 1;
    else return;
    e.preventDefault();
    e.stopPropagation();
    onTab(PANEL_TABS[next]);
    ref.current?.querySelector<HTMLElement>(`#${tabId(PANEL_TABS[next])}`)?.focus();
  };
  return (
    <div ref={ref} className="panel-tabs" role="tablist" aria-label={t('panels.label')} data-testid="panel-tabs" onKeyDown={onKeyDown}>
      {PANEL_TABS.map((p) => (
        <button
          key={p}
          type="button"
          role="tab"
          id={tabId(p)}
          className={p === tab ? 'panel-tab active' : 'panel-tab'}
          aria-selected={p === tab}
          aria-controls={panelId(p)}
          tabIndex={p === tab ? 0 : -1}
          data-testid={`panel-tab-${p}`}
          onClick={() => onTab(p)}
        >
          {t(`panels.${p}`)}
        </button>
      ))}
    </div>
  );
}
