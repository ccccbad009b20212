import { useEffect, useState } from 'react';

export const ROUTES = [
  'files',
  'conflicts',
  'unsyncable',
  'activity',
  'devices',
  'settings',
] as const;
export type Route = (typeof ROUTES)[number];

/** A route's parameter: `#/conflicts?path=notes.md` names the conflict to show. */
export function routeParam(name: string, hash: string = window.location.hash): string | null {
  const query = hash.indexOf('?');
  return query < 0 ? null : new URLSearchParams(hash.slice(query + 1)).get(name);
}

/** The link to a screen, with parameters (`routeHref('conflicts', { path })`). */
export const routeHref = (route: Route, params: Record<string, string> = {}): string => {
  const query = new URLSearchParams(params).toString();
  return `#/${route}${query === '' ? '' : `?${query}`}`;
};

export const parseRoute = (hash: string): Route => {
  const name = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'files';
};

/**
 * Screens are hash routes (`#/conflicts`): real links, back/forward work, and it behaves the
 * same from file:// in Electron and from the headless server.
 */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
