/**
 * Runs `fn` at most once per `intervalMs` however often it is requested: the
 * first request of a quiet period runs on the next tick (so a synchronous burst
 * is one run), later ones are folded into one run at the end of the interval.
 * A run that is async is awaited before the next one starts.
 */
export interface Throttle {
  request(): void;
  /** Stops any scheduled run; later requests are ignored. */
  cancel(): void;
}

export function createThrottle(fn: () => void | Promise<void>, intervalMs: number): Throttle {
  let timer: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;
  let running = false;
  let again = false;
  let cancelled = false;

  const run = () => {
    timer = undefined;
    if (cancelled) return;
    running = true;
    lastRun = Date.now();
    Promise.resolve()
      .then(fn)
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  };

  const schedule = () => {
    if (cancelled || timer) return;
    if (running) {
      again = true;
      return;
    }
    const wait = Math.max(0, lastRun + intervalMs - Date.now());
    timer = setTimeout(run, wait);
    timer.unref();
  };

  return {
    request: schedule,
    cancel: () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
