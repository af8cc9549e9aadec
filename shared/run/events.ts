// zod's mini build (about 12 KB): these schemas run in every Lambda invocation, the full config schema never does.
import * as z from 'zod/mini';
import { formatPath } from '../config/errors';

const name = z
  .string({ error: 'must be a non-empty string' })
  .check(z.minLength(1, 'must be a non-empty string'));

/** What each EventBridge Scheduler schedule sends: its probe group and `<aws.scheduler.scheduled-time>`. */
export const scheduledEvent = z.strictObject({
  group: name,
  scheduledTime: z.iso.datetime({
    offset: true,
    error: 'must be an ISO 8601 time (<aws.scheduler.scheduled-time>)',
  }),
});

/** What a one-time flush schedule sends (shared/aws/flush-schedule.ts): the time it was arranged for. */
export const flushEvent = z.strictObject({
  flushAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
});

/** One fan-out batch on the work queue: some targets of a group, for one schedule slot. */
export const probeBatch = z.extend(scheduledEvent, {
  targets: z.array(name).check(z.minLength(1, 'must list at least one target')),
});
export type ProbeBatch = z.infer<typeof probeBatch>;

/** How far ahead of this machine's clock a slot may be (clock skew between the scheduler and the function). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/**
 * How old a slot may be: the schedules retry for 10 minutes, and a fanned-out batch may wait on its queue behind
 * others (capped concurrency, three receives of six function timeouts each); a day covers both.
 */
const MAX_SLOT_AGE_MS = 86_400_000;

/** Rejects a slot in the future beyond the skew or older than the retry horizon: it would change state wrongly. */
export function checkSlot(scheduledTime: string, now: Date, what: string, field = 'scheduledTime'): Date {
  const slot = new Date(scheduledTime);
  const ahead = slot.getTime() - now.getTime();
  if (ahead > MAX_CLOCK_SKEW_MS)
    throw new BadEventError(
      `${what}: ${field} ${scheduledTime} is ${Math.round(ahead / 60_000)} min in the future`,
    );
  if (-ahead > MAX_SLOT_AGE_MS)
    throw new BadEventError(`${what}: ${field} ${scheduledTime} is older than the retry horizon (24 h)`);
  return slot;
}

export class BadEventError extends Error {
  override readonly name = 'BadEventError';
}

/** Parses an event at the boundary, naming every bad field. */
export function parseEvent<T>(schema: z.ZodMiniType<T>, event: unknown, what: string): T {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new BadEventError(
    `${what}: ${parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`,
  );
}

/** Splits `items` into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
