/**
 * A hub the bench can take down and bring back: an embedded hub (`startEmbeddedHub`, the server
 * `netguardian hub start` runs) in a scratch dir, on a fixed loopback port, so the devices' hub
 * address stays the same across the outage. Stopping it is a fast shutdown: every device's
 * connections are cut, as when a hub machine restarts. Its cluster and roles go with the dir.
 */
import path from 'node:path';
import { findFreeLoopbackPort } from '../../src-main/core/freePort.js';
import { addDevice } from '../../src-main/core/hub/hubAdmin.js';
import { startEmbeddedHub, type EmbeddedHub } from '../../src-main/core/hub/embeddedHub.js';
import type { DaemonHub } from './daemon.js';
import type { ScratchDirs } from './scratchDirs.js';

export class OutageHub implements DaemonHub {
  private running: EmbeddedHub | undefined;

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    private readonly adminUrl: string,
    hub: EmbeddedHub,
  ) {
    this.running = hub;
  }

  static async start(scratch: ScratchDirs): Promise<OutageHub> {
    const dataDir = path.join(await scratch.make('ng-bench-outage-hub-'), 'hub');
    const port = await findFreeLoopbackPort();
    const hub = await startEmbeddedHub({ dataDir, port });
    return new OutageHub(dataDir, port, hub.adminUrl, hub);
  }

  async initArgs(deviceName: string, spaceId: string): Promise<string[]> {
    const creds = await addDevice(this.adminUrl, { deviceName, spaceId });
    return ['--space', spaceId, '--hub', creds.connectionString];
  }

  get up(): boolean {
    return this.running !== undefined;
  }

  /** Fast shutdown; resolves once the server has exited. */
  async stop(): Promise<void> {
    const hub = this.running;
    this.running = undefined;
    await hub?.stop();
  }

  /** Starts the same cluster on the same port; resolves once it accepts connections (and `initHub` ran). */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the hub is running');
    this.running = await startEmbeddedHub({ dataDir: this.dataDir, port: this.port });
  }

  /** Stops the server if it runs; the cluster goes with the scratch dir. */
  close(): Promise<void> {
    return this.stop();
  }
}
