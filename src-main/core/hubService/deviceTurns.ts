/**
 * Requests of one device that work at once: the rest wait their turn. The hub's database pool is
 * shared by every space, so a device that sends many heavy requests together (its own, or an
 * attacker's) gets at most this many connections' worth of work, and the others keep theirs.
 * Waiting is bounded by the connection limits (streams per connection, connections per device).
 */
export class DeviceTurns {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perDevice: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.take(key);
    try {
      return await work();
    } finally {
      this.give(key);
    }
  }

  private take(key: string): Promise<void> {
    const now = this.running.get(key) ?? 0;
    if (now < this.perDevice) {
      this.running.set(key, now + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  /** Hands the turn to the next waiting request, or frees it. */
  private give(key: string): void {
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(key);
    if (next) {
      next();
      return;
    }
    const now = (this.running.get(key) ?? 1) - 1;
    if (now === 0) this.running.delete(key);
    else this.running.set(key, now);
  }
}
