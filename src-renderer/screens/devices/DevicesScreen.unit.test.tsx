// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeCore } from '../../testing/fakeCore.js';
import { NOW } from '../../testing/fakeData.js';
import { renderWithStore } from '../../testing/renderWithStore.js';
import { DevicesScreen } from './DevicesScreen.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('Devices screen', () => {
  it('lists the devices, marks this one, and says when the others were last seen', async () => {
    const { core } = renderWithStore(<DevicesScreen />);
    const [laptop, desktop, phone] = await screen.findAllByTestId('device');
    expect(core.callsOf('devices:list')).toHaveLength(1);
    expect(laptop!.textContent).toContain('This device');
    expect(laptop!.textContent).toContain('Online now');
    expect(desktop!.textContent).toContain('Last seen 5 minutes ago');
    expect(desktop!.textContent).not.toContain('This device');
    expect(phone!.textContent).toContain('Never seen');
  });

  it('shows an error with a retry', async () => {
    const core = createFakeCore();
    core.failing['devices:list'] = {
      code: 'AccessDenied',
      message: 'The hub refused to list devices.',
    };
    renderWithStore(<DevicesScreen />, { core });
    expect(await screen.findByText('The hub refused to list devices.')).toBeTruthy();
    delete core.failing['devices:list'];
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(await screen.findAllByTestId('device')).toHaveLength(3);
  });
});
