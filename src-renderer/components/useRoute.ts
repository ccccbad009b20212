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

const parse = (hash: string): Route => {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'files';
};

/**
 * Screens are hash routes (`#/conflicts`): real links, back/forward work, and it behaves the
 * same from file:// in Electron and from the headless server.
 */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
