/**
 * Folders a device's PostgreSQL server must be able to enter. Run as root, the server runs as the
 * `postgres` user (src-main/core/device/localPostgres/serverUser.ts); `mkdtemp` makes 0700 folders,
 * which it cannot enter, so the cluster would be placed under /var/lib/netguardian/clusters
 * (clusterLocation.ts) and outlive the bench's temp folders. With every folder from the temp dir
 * down to the data dir at 0755, the cluster stays at `<dataDir>/postgres` and goes with them.
 */
import { chmod, mkdir } from 'node:fs/promises';

export const SERVER_ENTERABLE_MODE = 0o755;

/** Makes `dir` (created if missing) enterable by the server user. */
export async function makeServerEnterable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: SERVER_ENTERABLE_MODE });
  // mkdir's mode is masked by the umask, and an existing folder keeps its mode.
  await chmod(dir, SERVER_ENTERABLE_MODE);
}
