/** The part of fs-native-extensions (holepunch; prebuilt Node-API addon) NetGuardian uses. */
declare module 'fs-native-extensions' {
  /**
   * Takes an advisory lock on an open file without waiting: an open-file-description lock
   * (fcntl F_OFD_SETLK) on Linux, flock on macOS, LockFileEx on Windows. Returns false when
   * another open file holds a conflicting lock. The lock goes away when the file is closed
   * or the process ends, however it ends.
   */
  export function tryLock(
    fd: number,
    offset?: number,
    length?: number,
    opts?: { shared?: boolean },
  ): boolean;
  export function unlock(fd: number, offset?: number, length?: number): void;
}
