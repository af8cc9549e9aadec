import { flushTimer } from '../../cli/flush-timer';

describe('the local flush timer of watch (the stand-in for one-time flush schedules)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 23, 10, 0) });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 10, minute));

  it('flushes at the earliest time asked for, once, and not before', async () => {
    const flushes: string[] = [];
    const timer = flushTimer(
      async () => flushes.push(new Date().toISOString()),
      () => {},
    );
    await timer.wake(at(5));
    await timer.wake(at(2));
    await timer.wake(at(2)); // asked twice: one flush
    await timer.wake(at(9)); // later than the pending one: that flush will ask again
    await jest.advanceTimersByTimeAsync(2 * 60_000 - 1000);
    expect(flushes).toEqual([]);
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(flushes).toEqual(['2026-11-23T10:02:00.000Z']);
    await timer.stop();
  });

  it('lets a flush ask for the next wake-up, and stops without flushing again', async () => {
    const flushes: string[] = [];
    const timer = flushTimer(
      async () => {
        flushes.push(new Date().toISOString());
        if (flushes.length === 1) await timer.wake(at(7));
      },
      () => {},
    );
    await timer.wake(at(3));
    await jest.advanceTimersByTimeAsync(8 * 60_000);
    expect(flushes).toEqual(['2026-11-23T10:03:00.000Z', '2026-11-23T10:07:00.000Z']);
    await timer.wake(at(12));
    await timer.stop();
    await timer.wake(at(13));
    await jest.advanceTimersByTimeAsync(20 * 60_000);
    expect(flushes).toHaveLength(2);
  });

  it('flushes at once for a time already past, and reports a flush that threw', async () => {
    const errors: string[] = [];
    const timer = flushTimer(
      async () => {
        throw new Error('store unavailable');
      },
      (err) => errors.push(err.message),
    );
    await timer.wake(new Date(Date.now() - 60_000));
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['store unavailable']);
    await timer.stop();
  });
});
