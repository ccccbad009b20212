import { useEffect, useRef } from 'react';

/**
 * A side panel (the files' version history) that takes focus when it opens, closes on Escape
 * wherever focus is, and gives focus back to where it came from (the list) when it closes, so a
 * keyboard or screen reader user is never left on a removed element, at the top of the page.
 * Returns the ref for the panel's element, which needs tabIndex -1.
 */
export function usePanelFocus<T extends HTMLElement>(open: boolean, close: () => void) {
  const panel = useRef<T>(null);
  const cameFrom = useRef<HTMLElement | null>(null);
  const closeRef = useRef(close);
  closeRef.current = close;

  useEffect(() => {
    if (!open) return;
    const active = document.activeElement;
    cameFrom.current = active instanceof HTMLElement && active !== document.body ? active : null;
    panel.current?.focus({ preventScroll: true });

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      closeRef.current();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      const back = cameFrom.current;
      const focusLost =
        document.activeElement === null ||
        document.activeElement === document.body ||
        !document.activeElement.isConnected ||
        (panel.current?.contains(document.activeElement) ?? false);
      // Only when focus was in the panel or lost with it; never taken from where the user went.
      if (back?.isConnected && focusLost) back.focus({ preventScroll: true });
    };
  }, [open]);

  return panel;
}
