/** The parts of Electron's `app` the single-instance lock needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One NetGuardian per user: two would open the same PGlite store and fight over the folder.
 * Returns false when another instance holds the lock (this one quits; Electron tells the
 * other one, which reveals its window through `onSecondLaunch`).
 */
export function claimSingleInstance(app: SingleInstanceApp, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondLaunch);
  return true;
}
