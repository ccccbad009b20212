import { useEffect, useRef, type RefObject } from 'react';

/**
 * When the screen changes (not on the first load), focus moves to the new screen's heading, so a
 * screen reader says where the user is and the next Tab starts at the top of the new screen, not
 * in the navigation. The heading is made focusable by script only (tabIndex -1): it is no tab
 * stop.
 */
export function useScreenFocus(route: string, main: RefObject<HTMLElement | null>): void {
  const shown = useRef(route);
  useEffect(() => {
    if (shown.current === route) return;
    shown.current = route;
    const heading = main.current?.querySelector<HTMLElement>('h1');
    const target = heading ?? main.current;
    if (!target) return;
    if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    target.focus({ preventScroll: true });
  }, [route, main]);
}
