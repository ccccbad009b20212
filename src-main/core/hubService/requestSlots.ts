/**
 * Requests with a body that one device may have under way at once. Each such request may make
 * the hub hold its body while it is read (up to `LIMITS.maxJsonBodyBytes`, or a whole chunk of up
 * to `LIMITS.maxChunkBytes` plus a batch), and HTTP/2 lets a device open 64 streams on each of its
 * connections: without this bound, one paired device sending slow uploads on all of them made the
 * hub hold gigabytes (256 streams of up to 20 MiB each); with it, one device can make it hold a
 * few hundred MiB at most, until the streams idle out. An honest device has about a dozen under
 * way at most: its sync's one, a chunk upload, and its materializer's 8 writers fetching chunks
 * plus the next group's prefetch.
 */
export const MAX_BODIES_PER_DEVICE = 16;

/** Counts the body requests under way per device key. */
export class RequestSlots {
  private readonly held = new Map<string, number>();

  constructor(private readonly max = MAX_BODIES_PER_DEVICE) {}

  /** Takes a slot for `keyId`: false when it holds all of its own. */
  take(keyId: string): boolean {
    const n = this.held.get(keyId) ?? 0;
    if (n >= this.max) return false;
    this.held.set(keyId, n + 1);
    return true;
  }

  give(keyId: string): void {
    const n = (this.held.get(keyId) ?? 1) - 1;
    if (n > 0) this.held.set(keyId, n);
    else this.held.delete(keyId);
  }
}
