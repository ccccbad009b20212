import { describe, expect, it } from 'vitest';
import { NetGuardianError } from '../../../src-shared/errors.js';
import type { DeviceConfig } from '../deviceConfig.js';
import { nextConfig, settingsView } from './settings.js';

const config: DeviceConfig = {
  version: 1,
  folder: '/home/ada/NetGuardian',
  spaceId: 'default',
  deviceName: 'laptop',
  hub: null,
  syncIntervalMs: 30_000,
  rescanIntervalMs: 900_000,
  paused: false,
};

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    if (e instanceof NetGuardianError) return { code: e.code, field: e.field, message: e.message };
  }
  return null;
};

describe('settings', () => {
  it('applies name, interval and pause, the name without spaces around it', () => {
    expect(
      nextConfig(config, { deviceName: '  Ada’s Laptop ', syncIntervalMs: 300_000, paused: true }),
    ).toEqual({ ...config, deviceName: 'Ada’s Laptop', syncIntervalMs: 300_000, paused: true });
    expect(nextConfig(config, {})).toEqual(config);
  });

  it('refuses a name or an interval by the shared rules, in their sentences', () => {
    expect(refusal(() => nextConfig(config, { deviceName: '   ' }))).toEqual({
      code: 'InvalidArgument',
      field: 'deviceName',
      message:
        'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.',
    });
    expect(refusal(() => nextConfig(config, { syncIntervalMs: 1_500 }))).toEqual({
      code: 'InvalidArgument',
      field: 'syncIntervalMs',
      message:
        'Choose a sync interval from 5 seconds to 24 hours (1440 minutes), in whole seconds.',
    });
  });

  it('shows the hub as host:port and never its password (a device still on a PostgreSQL URL)', () => {
    const view = settingsView(
      {
        ...config,
        hub: { url: 'postgres://ng:s3cret-pw@192.168.1.5:5433/netguardian', ssl: 'require' },
      },
      '/home/ada/NetGuardian',
      '',
    );
    expect(view.hub).toEqual({ address: '192.168.1.5:5433', runsHere: false });
    expect(JSON.stringify(view)).not.toContain('s3cret-pw');
    expect(JSON.stringify(view)).not.toContain('postgres://');
  });
});
