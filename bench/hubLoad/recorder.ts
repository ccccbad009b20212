/**
 * What the simulated devices did, in one place: every change a device pushed (when it began
 * sending it) and every arrival of a change at another device of its space (when that device
 * held the event and had checked the bytes of its chunks). Propagation is arrival minus send,
 * both read from this process's one clock, so no clock skew enters the figures.
 */

export type ChangeKind = 'edit' | 'new' | 'large';

export interface PushedChange {
  readonly eventId: string;
  readonly spaceId: string;
  readonly origin: string;
  readonly kind: ChangeKind;
  /** Bytes of the file's content (the chunks pushed with it). */
  readonly bytes: number;
  /** performance.now() when the device began sending it (chunks first, then the event). */
  readonly sentAt: number;
  /** performance.now() when the hub had stored the event. */
  readonly pushedAt: number;
}

export interface Arrival {
  readonly device: string;
  readonly at: number;
}

export class Recorder {
  readonly pushed = new Map<string, PushedChange>();
  readonly arrivals = new Map<string, Arrival[]>();
  /** Pulled chunks whose bytes did not hash to their name, or asked for and not sent. */
  badChunks = 0;
  /** Pulled events that were not valid events (parseEvent refused them). */
  badEvents = 0;
  /** Bytes of chunks pulled (each receiver counts its own). */
  pulledBytes = 0;
  /** Failed requests, by message (a load that overwhelms the hub shows here). */
  readonly failures = new Map<string, number>();

  notePushed(change: PushedChange): void {
    this.pushed.set(change.eventId, change);
  }

  noteArrival(eventId: string, device: string, at: number): void {
    let list = this.arrivals.get(eventId);
    if (!list) this.arrivals.set(eventId, (list = []));
    list.push({ device, at });
  }

  /** Milliseconds each kind of request took (missing, put, push, pull, get). */
  readonly requestMs = new Map<string, number[]>();

  noteRequest(name: string, ms: number): void {
    let list = this.requestMs.get(name);
    if (!list) this.requestMs.set(name, (list = []));
    list.push(ms);
  }

  noteFailure(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.failures.set(message, (this.failures.get(message) ?? 0) + 1);
  }
}
