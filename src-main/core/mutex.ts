/**
 * Runs async sections one at a time, in call order. Local writes go through one
 * of these so that an origin's seq numbers and per-entity counters are never
 * handed out twice.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
