import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NetGuardianError } from '../../../src-shared/errors.js';
import { encodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';
import type { HubInvite } from '../../../src-shared/ipc/contract.js';
import { writeFileDurably } from '../files/durableFs.js';
import type { HubEndpoint } from '../hubClient/hubConnection.js';
import {
  DEFAULT_LISTEN,
  inviteAddress,
  parseListen,
  startHubService,
  type HubServiceOptions,
  type RunningHub,
} from '../hubService/hubRuntime.js';
import { childLogger, type Logger } from '../log.js';

/**
 * The hub this app runs on its own computer ("Create a hub on this computer"): a hub service in
 * `<dataDir>/hub`, started with the device's owner (the app's core, `start`, `serve`) and stopped
 * with it. `<dataDir>/own-hub.json` says that it runs and where it listens, so it starts again on
 * the next launch; its data stays in `hub/` when it is stopped for good, and a later create takes
 * it up again (same certificate, same paired devices).
 */

export const OWN_HUB_DIR = 'hub';
export const OWN_HUB_FILE = 'own-hub.json';

const ownHubFileSchema = z.strictObject({ listen: z.string().min(3) });

export interface OwnHub {
  /** The running hub, if this app runs one. */
  running(): RunningHub | undefined;
  /** Where other devices reach it (an invite's address), if it runs. */
  address(): string | undefined;
  /** How this device reaches it: on loopback when it listens on every interface. */
  selfEndpoint(): HubEndpoint | undefined;
  /** Starts it again if `own-hub.json` says this app runs one; a failure is the caller's to tell. */
  resume(): Promise<RunningHub | undefined>;
  /** Starts it (if it does not run) and remembers to start it on every launch. */
  create(listen?: string): Promise<RunningHub>;
  /** A one-time invite code into `spaceId`. */
  invite(spaceId: string, expiresInMs: number): Promise<HubInvite>;
  /** Stops it and forgets to start it again; its data stays in `hub/`. */
  remove(): Promise<void>;
  /** Stops it for now (the owner closing). */
  stop(): Promise<void>;
}

export interface OwnHubOptions {
  readonly dataDir: string;
  readonly log?: Logger;
  /** An existing PostgreSQL for the hub (tests); default: the hub's embedded server. */
  readonly databaseUrl?: string;
}

export function createOwnHub(options: OwnHubOptions): OwnHub {
  const log = childLogger(options.log, 'own-hub');
  const markerPath = path.join(options.dataDir, OWN_HUB_FILE);
  let hub: RunningHub | undefined;
  let starting: Promise<RunningHub> | undefined;

  const start = (listen: string): Promise<RunningHub> => {
    if (hub) return Promise.resolve(hub);
    const serviceOptions: HubServiceOptions = {
      dataDir: path.join(options.dataDir, OWN_HUB_DIR),
      listen,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.log ? { log: options.log } : {}),
    };
    starting ??= startHubService(serviceOptions)
      .then((started) => {
        hub = started;
        log.info({ port: started.address.port }, 'the hub on this computer runs');
        return started;
      })
      .catch((e: unknown) => {
        throw inWords(e, listen);
      })
      .finally(() => {
        starting = undefined;
      });
    return starting;
  };

  const stop = async () => {
    const running = hub ?? (await starting?.catch(() => undefined));
    hub = undefined;
    await running?.stop();
  };

  return {
    running: () => hub,
    address: () => (hub ? inviteAddress(hub.address) : undefined),
    selfEndpoint: () =>
      hub ? { address: loopbackAddress(hub.address), fingerprint: hub.fingerprint } : undefined,

    async resume() {
      const listen = await readMarker(markerPath);
      return listen === undefined ? undefined : start(listen);
    },

    async create(listen = DEFAULT_LISTEN) {
      const wanted = parseListen(listen);
      const started = await start(listen);
      // The port as bound (a free one when 0 was asked for): the paired devices keep dialling it.
      const kept = `${wanted.host.includes(':') ? `[${wanted.host}]` : wanted.host}:${started.address.port}`;
      await writeFileDurably(markerPath, JSON.stringify({ listen: kept }, null, 2) + '\n', {
        mode: 0o600,
      });
      return started;
    },

    async invite(spaceId, expiresInMs) {
      if (!hub)
        throw new NetGuardianError(
          'InvalidArgument',
          'this computer does not run a hub: only the computer that runs it can invite devices (or create one here first)',
          'hub',
        );
      const created = await hub.accounts.createInvite({ spaceId, expiresInMs });
      return {
        code: encodeInvite({
          address: inviteAddress(hub.address),
          fingerprint: hub.fingerprint,
          secret: created.secret,
          spaceId,
        }),
        expiresAt: created.expiresAt,
      };
    },

    async remove() {
      await rm(markerPath, { force: true });
      await stop();
    },

    stop,
  };
}

/** The hub's listen address from `own-hub.json`, or undefined when this app runs none. */
async function readMarker(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ownHubFileSchema.safeParse(json);
  if (!parsed.success)
    throw new NetGuardianError(
      'InvalidArgument',
      `${file} is damaged: delete it and create the hub again in Settings (its devices and data stay)`,
      'ownHub',
    );
  return parsed.data.listen;
}

/** host:port this device dials: loopback for a wildcard, else the bound address itself. */
function loopbackAddress(bound: { host: string; port: number }): string {
  if (bound.host === '0.0.0.0') return `127.0.0.1:${bound.port}`;
  if (bound.host === '::') return `[::1]:${bound.port}`;
  return bound.host.includes(':') ? `[${bound.host}]:${bound.port}` : `${bound.host}:${bound.port}`;
}

/** A port already taken is the likely failure: say so, with what to do. */
function inWords(e: unknown, listen: string): Error {
  const code = (e as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new NetGuardianError(
      'InvalidArgument',
      `the hub could not listen on ${listen}: another program uses that port (another hub?)`,
      'listen',
    );
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new NetGuardianError(
      'InvalidArgument',
      `the hub could not listen on ${listen}: ${code === 'EACCES' ? 'this user may not use that port' : 'this computer has no such address'}`,
      'listen',
    );
  return e instanceof Error ? e : new Error(String(e));
}
