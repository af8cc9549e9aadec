import type { FlushWake } from '../shared/alert/flush';

/** Node's timers fire at once beyond about 24.8 days: a longer wait is cut, and the timer simply waits again. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface FlushTimer {
  /** Runs the flush at `at` (at once when it is past); only the earliest time asked for is kept. */
  wake: FlushWake;
  /** Cancels the pending wake-up and resolves once a flush in progress has finished. */
  stop(): Promise<void>;
}

/**
 * The local stand-in for the one-time flush schedules of the deployed stack (`watch`): one timer at the earliest
 * time asked for. A later time asked for meanwhile needs no timer of its own: the flush at the earlier time sees it
 * still pending and asks for it again. `onError` hears of a flush that threw (the store was unavailable).
 */
export function flushTimer(flush: () => Promise<unknown>, onError: (err: Error) => void): FlushTimer {
  let due: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const arm = () => {
    if (due === undefined) return;
    const wait = Math.max(0, due - Date.now());
    timer = setTimeout(wait > MAX_TIMER_MS ? arm : fire, Math.min(wait, MAX_TIMER_MS));
  };
  const fire = () => {
    timer = undefined;
    due = undefined;
    const run = flush().then(
      () => undefined,
      (err: Error) => onError(err),
    );
    running = run.finally(() => {
      if (running === run) running = undefined;
    });
  };
  return {
    async wake(at) {
      if (stopped || (due !== undefined && due <= at.getTime())) return;
      if (timer) clearTimeout(timer);
      due = at.getTime();
      arm();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      due = undefined;
      await running;
    },
  };
}
