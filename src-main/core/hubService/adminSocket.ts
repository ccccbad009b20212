import { chmod, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { NetGuardianError, isNetGuardianError } from '../../../src-shared/errors.js';
import { encodeInvite } from '../../../src-shared/hubProtocol/inviteCode.js';
import type { ChunkMove } from './chunkMove.js';
import type { HubAccounts } from './hubAccounts.js';
import type { SpaceReport } from './spaceReport.js';

/**
 * The hub's admin channel: a Unix socket in the hub's data dir (0600, so only the hub's owner may
 * use it), over which `hub invite`, `hub devices` and `hub remove-device` ask the running hub. The
 * hub is the only client of its database, so admin commands go through it too.
 */

export interface HubAdminServer {
  close(): Promise<void>;
}

const inviteRequest = z.strictObject({
  spaceId: z.string(),
  expiresInMs: z
    .number()
    .int()
    .positive()
    .max(365 * 24 * 3600 * 1000),
  /** host:port devices dial, when the hub's own guess (its listen address) is not it. */
  address: z.string().optional(),
});
const removeRequest = z.strictObject({ device: z.string().min(1), spaceId: z.string().optional() });
const devicesRequest = z.strictObject({ spaceId: z.string().optional() });
/** `start`: begin the move (or join the one running); without it, where it stands. */
const moveRequest = z.strictObject({ start: z.boolean() });
const quotaRequest = z.strictObject({
  spaceId: z.string(),
  bytes: z.number().int().positive().nullable(),
});

export async function serveHubAdmin(options: {
  readonly socketPath: string;
  readonly accounts: HubAccounts;
  readonly invite: { readonly address: string; readonly fingerprint: string };
  /** What each space holds (`hub spaces`). */
  readonly spaces: () => Promise<SpaceReport[]>;
  /** The move of chunks into object storage; absent when the hub keeps them in PostgreSQL. */
  readonly chunkMove?: ChunkMove;
}): Promise<HubAdminServer> {
  const { accounts } = options;
  const routes: Record<string, (body: unknown) => Promise<unknown>> = {
    '/invite': async (body) => {
      const r = inviteRequest.parse(body);
      const invite = await accounts.createInvite({
        spaceId: r.spaceId,
        expiresInMs: r.expiresInMs,
      });
      return {
        code: encodeInvite({
          address: r.address ?? options.invite.address,
          fingerprint: options.invite.fingerprint,
          secret: invite.secret,
          spaceId: r.spaceId,
        }),
        expiresAt: invite.expiresAt,
      };
    },
    '/devices': async (body) => ({
      devices: await accounts.listDevices(devicesRequest.parse(body).spaceId),
    }),
    '/remove-device': async (body) => {
      const r = removeRequest.parse(body);
      const removed = await accounts.revokeDevice({
        device: r.device,
        ...(r.spaceId ? { spaceId: r.spaceId } : {}),
      });
      // A refusal (no such device, an ambiguous name) travels as its sentence.
      if (!removed.ok) throw removed.error;
      return { removed: removed.value };
    },
    '/quota': async (body) => {
      const r = quotaRequest.parse(body);
      await accounts.setQuota(r.spaceId, r.bytes);
      return { ok: true };
    },
    '/spaces': async () => ({ spaces: await options.spaces() }),
    '/move-chunks': (body) => {
      const r = moveRequest.parse(body);
      if (!options.chunkMove)
        throw new NetGuardianError(
          'InvalidArgument',
          'this hub keeps its chunks in PostgreSQL: start it with --chunks s3://BUCKET/PREFIX (and the S3 settings in the environment) first, then move the chunks it already holds',
          'chunks',
        );
      const move = options.chunkMove;
      return r.start
        ? move.start().then((progress) => ({ move: progress }))
        : Promise.resolve({ move: move.status() });
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
      const route = routes[req.url ?? ''];
      if (!route) throw new NetGuardianError('NotFound', `no admin request ${req.url ?? ''}`);
      const text = Buffer.concat(chunks).toString('utf8');
      const answer = await route(text === '' ? {} : (JSON.parse(text) as unknown));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })().catch((e: unknown) => {
      const error = isNetGuardianError(e)
        ? e.toInfo()
        : { code: 'InvalidArgument', message: e instanceof Error ? e.message : String(e) };
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    });
  });
  // A socket left by a hub that was killed: no one listens on it any more.
  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  await chmod(options.socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Asks a running hub over its admin socket; a hub that is not running is said in words. */
export function askHub<T>(socketPath: string, route: string, body: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: route, method: 'POST' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            error?: { code: string; message: string };
          };
          if (res.statusCode !== 200 || json.error)
            reject(
              new NetGuardianError(
                (json.error?.code ?? 'InvalidArgument') as 'InvalidArgument',
                json.error?.message ?? `the hub answered ${res.statusCode}`,
              ),
            );
          else resolve(json as T);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? new NetGuardianError(
              'HubUnreachable',
              `no hub is running with this data directory (start it with \`netguardian hub start --data DIR\`)`,
              'data',
            )
          : e,
      ),
    );
    req.end(JSON.stringify(body));
  });
}
