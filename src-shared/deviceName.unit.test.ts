import { describe, expect, it } from 'vitest';
import { checkDeviceName } from './deviceName.js';

const RULE =
  'Choose a device name of 1 to 64 characters, not only spaces, without line breaks or tabs.';

describe('the device name rule', () => {
  it('keeps a name without the spaces around it', () => {
    expect(checkDeviceName('  Anna’s Laptop ')).toEqual({ ok: true, name: 'Anna’s Laptop' });
    expect(checkDeviceName('x'.repeat(64))).toEqual({ ok: true, name: 'x'.repeat(64) });
  });

  it('refuses blank, too long and control characters with one sentence', () => {
    for (const typed of ['', '   ', 'x'.repeat(65), 'two\nlines', 'tab\there'])
      expect(checkDeviceName(typed)).toEqual({ ok: false, message: RULE });
  });
});
