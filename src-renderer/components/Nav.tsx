import { useAppStore } from '../store/StoreContext.js';
import type { Route } from './useRoute.js';

const LABELS: Record<Route, string> = {
  files: 'Files',
  conflicts: 'Conflicts',
  unsyncable: "Can't sync",
  activity: 'Activity',
  devices: 'Devices',
  settings: 'Settings',
};

/** Real links (hash routes), the current one marked with aria-current. */
export function Nav({ route }: { route: Route }) {
  const conflicts = useAppStore((s) => s.status.app?.conflicts ?? s.conflicts.list?.length ?? 0);
  const unsyncable = useAppStore((s) => s.unsyncable.list?.total ?? 0);
  return (
    <nav className="nav" aria-label="Screens">
      <ul>
        {(Object.keys(LABELS) as Route[]).map((name) => (
          <li key={name}>
            <a
              href={`#/${name}`}
              aria-current={route === name ? 'page' : undefined}
              data-testid={`nav-${name}`}
            >
              {LABELS[name]}
              {/* A space: the name reads "Conflicts 1 unresolved", not "Conflicts1 …" (the flex
                  row ignores it). */}{' '}
              {name === 'conflicts' && conflicts > 0 && (
                <span
                  className="badge"
                  data-testid="conflict-count"
                  aria-label={`${conflicts} unresolved`}
                >
                  {conflicts}
                </span>
              )}
              {name === 'unsyncable' && unsyncable > 0 && (
                <span
                  className="badge"
                  data-testid="unsyncable-count"
                  aria-label={`${unsyncable} can't sync`}
                >
                  {unsyncable}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
