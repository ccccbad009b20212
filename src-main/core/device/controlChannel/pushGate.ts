import type { PushChannel, PushMessage } from '../../../../src-shared/ipc/contract.js';

/**
 * Pushes to one client that may not be reading. While the bytes queued to it stay
 * under the limit, every push goes out. Above it, pushes are held back instead of
 * queued, so a stuck reader costs the owner at most the limit plus one value per
 * channel; when its queue drains it gets what it missed, summed up:
 *
 * - `state`, `conflicts:changed`, `import:progress`, `folder:moveProgress`: the latest value (each is a
 *   whole current value, so the latest says everything the dropped ones said);
 * - `files:changed`: one `{ paths: [] }`, the contract's "anything may have changed";
 * - `activity`: dropped (a log line each; `activity:list` has them all).
 */
export class PushGate {
  private readonly held = new Map<PushChannel, PushMessage>();
  private droppedCount = 0;

  constructor(private readonly limitBytes: number) {}

  /**
   * What to write now: nothing while the client is behind (the message is held back or
   * dropped), else what was held back and then the message.
   */
  offer(message: PushMessage, unsentBytes: number): PushMessage[] {
    if (unsentBytes <= this.limitBytes) return [...this.drained(), message];
    this.droppedCount++;
    switch (message.channel) {
      case 'state':
      case 'conflicts:changed':
      case 'import:progress':
      case 'folder:moveProgress':
        this.held.delete(message.channel);
        this.held.set(message.channel, message);
        return [];
      case 'files:changed':
        this.held.delete('files:changed');
        this.held.set('files:changed', { channel: 'files:changed', payload: { paths: [] } });
        return [];
      case 'activity':
        return [];
      default: {
        const unexpected: never = message;
        throw new Error(`unknown push channel ${JSON.stringify(unexpected)}`);
      }
    }
  }

  /** The client's queue drained: what was held back, oldest first. */
  drained(): PushMessage[] {
    const out = [...this.held.values()];
    this.held.clear();
    return out;
  }

  /** Pushes held back or dropped since the gate was made (for the log). */
  get dropped(): number {
    return this.droppedCount;
  }
}
