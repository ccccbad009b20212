import { ROUTES, deviceNameAnswerSchema } from '../../../src-shared/hubProtocol/protocol.js';
import type { HubServiceAccess } from '../device/hubAccess.js';
import { backoffDelay, type BackoffPolicy } from '../sync/backoff.js';
import { HubConnection } from './hubConnection.js';

/**
 * Tells the hub this device's new name, the one other devices list (`ROUTES.deviceName`). A
 * rename made while the hub can't be reached still stands here at once; the hub is told again,
 * doubling the wait from 5 s to 10 min, until it takes the name, a newer name replaces it, or
 * the device closes. Only a hub service keeps names (a PostgreSQL hub has no accounts).
 */

export interface DeviceNameOnHubOptions {
  /** The hub as the config names it now; undefined when it is not a hub service. */
  readonly access: () => Promise<HubServiceAccess | undefined>;
  readonly retry?: BackoffPolicy;
  readonly onError?: (message: string) => void;
  /** The hub took the name (a retry's success is known only here). */
  readonly onTold?: (name: string) => void;
}

const NAME_RETRY: BackoffPolicy = { firstMs: 5_000, maxMs: 10 * 60_000 };

/** One request on a connection of its own, closed after (a rename is rare). */
async function sendName(access: HubServiceAccess, name: string): Promise<string> {
  const connection = new HubConnection({ ...access, connectTimeoutMs: 10_000 });
  try {
    const answer = await connection.json('POST', ROUTES.deviceName, deviceNameAnswerSchema, {
      deviceName: name,
    });
    return answer.deviceName;
  } finally {
    connection.close();
  }
}

export class DeviceNameOnHub {
  private wanted: string | undefined;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: DeviceNameOnHubOptions) {}

  /**
   * Tries now; true when the hub took the name (or there is no hub service to tell). On false the
   * name is sent again later by itself.
   */
  async announce(name: string): Promise<boolean> {
    this.wanted = name;
    this.failures = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.attempt(name);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async attempt(name: string): Promise<boolean> {
    if (this.closed || this.wanted !== name) return true;
    try {
      const access = await this.options.access();
      if (access !== undefined) {
        await sendName(access, name);
        this.options.onTold?.(name);
      }
      return true;
    } catch (e) {
      this.failures += 1;
      this.options.onError?.((e as Error).message);
      if (!this.closed && this.wanted === name)
        this.timer = setTimeout(
          () => void this.attempt(name),
          backoffDelay(this.options.retry ?? NAME_RETRY, this.failures),
        );
      // A retry never keeps a process alive by itself (a CLI command that renamed ends).
      this.timer?.unref?.();
      return false;
    }
  }
}
