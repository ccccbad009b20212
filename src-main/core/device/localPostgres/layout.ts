import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where a device's PostgreSQL keeps its things. Pure: names only, no I/O.
 *
 * In the data dir (the owner's, mode 0700): the password, the server log and, when the cluster
 * lives elsewhere, a record of where. The cluster's home is `<dataDir>/postgres` when the server
 * user can reach it, else a folder under a shared clusters dir (see `clusterLocation.ts`); it
 * holds the cluster (`pgdata`) and usually the socket folder.
 */
export const dataDirFiles = (dataDir: string) => ({
  localHome: path.join(dataDir, 'postgres'),
  locationFile: path.join(dataDir, 'postgres-location.json'),
  passwordFile: path.join(dataDir, 'postgres-password'),
  logFile: path.join(dataDir, 'postgres.log'),
  /** The previous start's log (the log is rotated at each start, so it stays small). */
  previousLogFile: path.join(dataDir, 'postgres.log.1'),
});

export const homeLayout = (home: string) => ({
  home,
  pgdata: path.join(home, 'pgdata'),
  socketDir: path.join(home, 'run'),
});

/**
 * initdb's scratch files in a cluster home, each with a random part: the folder initdb fills
 * (renamed to `pgdata` only once complete, so `pgdata` is never half made) and the superuser's
 * password for its `--pwfile`. Unique, so an initdb left running by a killed owner (it removes
 * its folder when it fails) can never touch the next attempt's.
 */
export const INITDB_SCRATCH_PREFIX = 'initdb-scratch-';

export const initdbScratch = (home: string, random: string) => ({
  dir: path.join(home, `${INITDB_SCRATCH_PREFIX}${random}`),
  passwordFile: path.join(home, `${INITDB_SCRATCH_PREFIX}${random}.password`),
});

/** Where clusters go when the server user cannot enter the data dir (root's home is 0700). */
export const DEFAULT_SHARED_CLUSTERS_DIR = '/var/lib/netguardian/clusters';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A relocated cluster's home: 16 hex of sha256 of the data dir's real path. Never change it. */
export const relocatedHome = (clustersDir: string, realDataDir: string): string =>
  path.join(clustersDir, sha256Hex(realDataDir).slice(0, 16));

/**
 * The socket folder used when `<home>/run` is too long for a socket path: a private folder in
 * the temp dir, named after the home, so each start of a cluster finds the same one.
 */
export const shortSocketDir = (tmpDir: string, home: string): string =>
  path.join(tmpDir, `netguardian-${sha256Hex(home).slice(0, 16)}`);

/** `sockaddr_un.sun_path` is 108 bytes on Linux, NUL included (PostgreSQL checks the same). */
export const SOCKET_PATH_MAX_BYTES = 107;

export const socketFileName = (port: number) => `.s.PGSQL.${port}`;

export const socketPathFits = (dir: string, port: number): boolean =>
  Buffer.byteLength(path.join(dir, socketFileName(port))) <= SOCKET_PATH_MAX_BYTES;
