import { useRef } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner.js';
import { DropZone } from './components/DropZone.js';
import { Nav } from './components/Nav.js';
import { StatusHeader } from './components/StatusHeader.js';
import { UploadStatus } from './components/UploadStatus.js';
import { useRoute, type Route } from './components/useRoute.js';
import { useScreenFocus } from './components/useScreenFocus.js';
import { useWindowTitle } from './components/windowTitle.js';
import { ActivityScreen } from './screens/activity/ActivityScreen.js';
import { ConflictsScreen } from './screens/conflicts/ConflictsScreen.js';
import { DevicesScreen } from './screens/devices/DevicesScreen.js';
import { FilesScreen } from './screens/files/FilesScreen.js';
import { SettingsScreen } from './screens/settings/SettingsScreen.js';
import { UnsyncableScreen } from './screens/unsyncable/UnsyncableScreen.js';

function Screen({ route }: { route: Route }) {
  switch (route) {
    case 'files':
      return <FilesScreen />;
    case 'conflicts':
      return <ConflictsScreen />;
    case 'unsyncable':
      return <UnsyncableScreen />;
    case 'activity':
      return <ActivityScreen />;
    case 'devices':
      return <DevicesScreen />;
    case 'settings':
      return <SettingsScreen />;
    default: {
      const never: never = route;
      return never;
    }
  }
}

/** The window: status at the top, screens on the left, drops accepted everywhere. */
export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  useScreenFocus(route, main);
  useWindowTitle();
  return (
    <DropZone>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <ConnectionBanner />
      <StatusHeader />
      <div className="layout">
        <Nav route={route} />
        <main id="main" tabIndex={-1} ref={main}>
          <Screen route={route} />
        </main>
      </div>
      <UploadStatus />
    </DropZone>
  );
}
