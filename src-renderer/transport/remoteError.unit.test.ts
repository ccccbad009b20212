import { describe, expect, it } from 'vitest';
import { messageOf, RemoteError, transportError } from './remoteError.js';

describe('messageOf', () => {
  it("shows the core's own refusal as the core wrote it", () => {
    const refusal = new RemoteError({
      code: 'InvalidArgument',
      message: 'this is this device: to stop syncing it, leave the hub in Settings',
    });
    expect(messageOf(refusal)).toBe(
      'this is this device: to stop syncing it, leave the hub in Settings',
    );
    expect(
      messageOf(transportError('The connection to NetGuardian was lost. Please try again.')),
    ).toBe('The connection to NetGuardian was lost. Please try again.');
  });

  it('shows a failure in the system’s words as a sentence, never its code', () => {
    const raw = new RemoteError({
      code: 'FileSystemError',
      message: "EACCES: permission denied, open '/home/ann/Sync/report.pdf'",
    });
    expect(messageOf(raw)).toBe(
      'NetGuardian is not allowed to read or change /home/ann/Sync/report.pdf. Check its permissions, or close the program that locks it; NetGuardian tries again at the next sync.',
    );
    expect(messageOf(new Error('connect ECONNREFUSED 127.0.0.1:5477'))).toBe(
      "Can't reach the hub at 127.0.0.1:5477. NetGuardian keeps trying; check that the hub is running.",
    );
  });
});
