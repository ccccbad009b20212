import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isNetGuardianError } from '../../src-shared/errors.js';
import type { ContractClient } from '../../src-shared/ipc/contract.js';
import type { UploadResult } from '../core/app/receiveUpload.js';
import type { Logger } from '../core/log.js';
import type { HubResolver } from '../core/app/deviceHost.js';

/**
 * How a CLI command reaches its device. When a process runs the device (`start`, `serve`, the
 * desktop app), the command talks to it over the data dir's control channel; otherwise the
 * command becomes the device's owner for as long as it runs (lock, server, store) and answers
 * itself, through the same contract, so the output is the same either way. Never a second
 * opener of a store that another process owns.
 */
export interface DeviceSession {
  readonly client: ContractClient;
  /** Copies a local file into the folder at `relPath` (a free name beside it if taken). */
  upload(relPath: string, file: string): Promise<UploadResult>;
  /** True when this command opened the device itself (no daemon runs): it should sync before it ends. */
  readonly ownsDevice: boolean;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly dataDir: string;
  /** The command, for a refused second owner to name ("netguardian status"). */
  readonly command: string;
  readonly resolveHub: HubResolver;
  /** Needed only when the command opens the device itself. */
  readonly logger: () => Promise<Logger>;
}

/** How long a command waits for an owner that is starting (locked, not listening yet). */
const OWNER_STARTING_WAIT_MS = 30_000;
const RETRY_MS = 100;
const CONNECT_TIMEOUT_MS = 5_000;

export async function openSession(options: SessionOptions): Promise<DeviceSession> {
  // Imported here, not at the top: `netguardian --help` must not load the core.
  const { connectControlChannel } = await import('../core/device/controlChannel/client.js');
  const deadline = Date.now() + OWNER_STARTING_WAIT_MS;
  for (;;) {
    const remote = await connectControlChannel(options.dataDir, { timeoutMs: CONNECT_TIMEOUT_MS });
    if (remote) {
      return {
        client: remote,
        upload: async (relPath, file) =>
          remote.upload(relPath, createReadStream(file), (await stat(file)).size),
        ownsDevice: false,
        close: async () => remote.close(),
      };
    }
    try {
      return await openOwnSession(options);
    } catch (e) {
      // Another process took the device between our two tries (it is starting): talk to it.
      if (!isNetGuardianError(e) || e.code !== 'AlreadyRunning' || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

async function openOwnSession(options: SessionOptions): Promise<DeviceSession> {
  const { openDeviceOwner } = await import('../core/app/deviceOwner.js');
  const { localClient } = await import('../core/app/localClient.js');
  const owner = await openDeviceOwner({
    dataDir: options.dataDir,
    command: options.command,
    resolveHub: options.resolveHub,
    // A one-shot command does not start the hub this computer may run for its devices (that is
    // the daemon's or the app's job; starting its PostgreSQL would cost seconds per command).
    runOwnHub: false,
    log: await options.logger(),
  });
  return {
    client: localClient(owner.service),
    upload: async (relPath, file) =>
      owner.service.receiveUpload(relPath, createReadStream(file), (await stat(file)).size),
    ownsDevice: true,
    close: () => owner.close(),
  };
}
