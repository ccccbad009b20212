import type { SyncReport } from '../../src-main/core/syncEngine.js';

/** A sync run's report for the state's and the activity's tests: nothing moved, no error, unless patched. */
export const syncReport = (patch: Partial<SyncReport> = {}): SyncReport => ({
  direction: 'bidirectional',
  sent: 0,
  received: 0,
  quarantined: [],
  batches: 0,
  durationMs: 1,
  changes: [],
  error: null,
  ...patch,
});
