import type { ContractHandlers } from '../../../src-shared/ipc/contract.js';
import { DeviceNameOnHub } from '../hubClient/deviceNameOnHub.js';
import { moveFolder, planFolderMove } from './folderMove.js';
import { ownHubSeen } from './hubHandlers.js';
import type { OwnHub } from './ownHub.js';
import { nextConfig, readIgnoreFile, settingsView, writeIgnoreFile } from './settings.js';
import type { ServiceCore } from './serviceCore.js';
import { createThrottle } from './throttle.js';

/**
 * The settings channels: reading them, saving them (ignore rules, interval, pause, the device's
 * name), and moving the synced folder. Each answers the settings as they are after it.
 */
export type SettingsHandlers = Pick<
  ContractHandlers,
  'settings:get' | 'settings:update' | 'folder:move'
>;

/** Move progress is pushed at most this often (a copy of many small files would flood). */
const MOVE_PROGRESS_MS = 100;

export function createSettingsHandlers(
  core: ServiceCore,
  ownHub: OwnHub | undefined,
): SettingsHandlers {
  const { host } = core;
  const view = async () => {
    const root = (await host.device()).root;
    return settingsView(host.config, root, await readIgnoreFile(root), ownHubSeen(ownHub));
  };

  // Other devices list this device by the name the hub keeps (Devices): it is told at a rename.
  const nameOnHub = new DeviceNameOnHub({
    access: async () => (await host.hubAccess()).hubService,
  });

  return {
    'settings:get': view,

    'settings:update': async (update) => {
      const d = await host.device();
      // Checked before anything is written: a refused name or interval changes nothing.
      const next = nextConfig(host.config, update);
      if (update.ignoreRules !== undefined) {
        await writeIgnoreFile(d.root, update.ignoreRules);
        core.note({ kind: 'change', message: 'Ignore rules saved' });
      }
      const renamed = next.deviceName !== host.config.deviceName;
      await host.updateConfig(next, false);
      if (update.paused !== undefined)
        core.note({ kind: 'sync', message: update.paused ? 'Sync paused' : 'Sync resumed' });
      if (renamed) {
        const told = await nameOnHub.announce(next.deviceName);
        core.note({
          kind: 'change',
          message: told
            ? `This device is now called “${next.deviceName}”`
            : `This device is now called “${next.deviceName}” here; other devices see the new name once the hub can be reached`,
        });
      }
      core.refresh();
      return view();
    },

    'folder:move': async ({ to }) => {
      const from = (await host.device()).root;
      // Refusals come before the device stops: a refused move changes nothing.
      const plan = await planFolderMove(from, to, host.dataDir);
      let latest = { done: 0, total: 0, bytes: 0, totalBytes: 0 };
      const progress = createThrottle(
        () => core.publish({ channel: 'folder:moveProgress', payload: latest }),
        MOVE_PROGRESS_MS,
      );
      let finish: () => Promise<void> = () => Promise.resolve();
      try {
        await host.moveFolder({ ...host.config, folder: plan.to }, async () => {
          const moved = await moveFolder(plan, (p) => {
            latest = p;
            progress.request();
          });
          finish = moved.finish;
          return moved;
        });
      } finally {
        progress.cancel();
      }
      if (latest.total > 0) core.publish({ channel: 'folder:moveProgress', payload: latest });
      let leftBehind = '';
      try {
        await finish();
      } catch (e) {
        leftBehind = `; the old copy at ${plan.from} could not be removed (${(e as Error).message}): remove it yourself`;
      }
      core.note({
        kind: 'change',
        message: `Moved the synced folder from ${plan.from} to ${plan.to}${leftBehind}`,
      });
      core.publish({ channel: 'files:changed', payload: { paths: [] } });
      await core.refreshNow();
      return view();
    },
  };
}
