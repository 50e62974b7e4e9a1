import { useCallback, useLayoutEffect, useRef, type FocusEvent, type KeyboardEvent } from 'react';

/**
 * Makes the buttons matching `selector` inside a list one tab stop (a roving tabindex, WAI-ARIA
 * Authoring Practices "composite widgets"): Tab enters at the last one used (else the first), ←/→
 * move to the previous/next link, ↑/↓ to the first link of the previous/next line that has one,
 * Home/End to the first/last. Arrow keys used here do not reach the page's shortcuts.
 * @returns a ref for the list and its keydown and focus handlers
 */
export function useRovingLinks<E extends HTMLElement>(selector: string, lineSelector = 'li') {
  const ref = useRef<E | null>(null);
  const active = useRef<HTMLElement | null>(null);

  // After each render: exactly one link is tabbable (the active one if it is still there).
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    const links = [...root.querySelectorAll<HTMLElement>(selector)];
    const current = active.current && links.includes(active.current) ? active.current : links[0];
    for (const l of links) l.tabIndex = l === current ? 0 : -1;
  });

  const onFocus = useCallback(
    (e: FocusEvent<E>) => {
      const el = e.target as HTMLElement;
      if (!el.matches(selector) || !ref.current) return;
      active.current = el;
      for (const l of ref.current.querySelectorAll<HTMLElement>(selector)) l.tabIndex = l === el ? 0 : -1;
    },
    [selector],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent<E>) => {
      const root = ref.current;
      const el = e.target as HTMLElement;
      if (!root || !el.matches(selector)) return;
      const links = [...root.querySelectorAll<HTMLElement>(selector)];
      const i = links.indexOf(el);
      const line = (x: HTMLElement) => x.closest(lineSelector);
      let next: HTMLElement | undefined;
      switch (e.key) {
        case 'ArrowRight': next = links[i + 1]; break;
        case 'ArrowLeft': next = links[i - 1]; break;
        case 'ArrowDown': next = links.slice(i + 1).find((l) => line(l) !== line(el)); break;
        case 'ArrowUp': {
          const before = links.slice(0, i).reverse().find((l) => line(l) !== line(el));
          // The first link of that line.
          next = before ? links.find((l) => line(l) === line(before)) : undefined;
          break;
        }
        case 'Home': next = links[0]; break;
        case 'End': next = links[links.length - 1]; break;
        default: return;
      }
      e.preventDefault();
      e.stopPropagation();
      next?.focus();
    },
    [selector, lineSelector],
  );

  return { ref, onKeyDown, onFocus };
}
