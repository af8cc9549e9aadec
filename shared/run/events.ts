import { z } from 'zod';
import { formatPath } from '../config/load';

/** What each EventBridge Scheduler schedule sends: its probe group and `<aws.scheduler.scheduled-time>`. */
export const scheduledEvent = z
  .object({
    group: z.string().min(1),
    scheduledTime: z.iso.datetime({ offset: true }),
  })
  .strict();
export type ScheduledEvent = z.infer<typeof scheduledEvent>;

/** One fan-out batch on the work queue: some targets of a group, for one schedule slot. */
export const probeBatch = scheduledEvent.extend({ targets: z.array(z.string().min(1)).min(1) }).strict();
export type ProbeBatch = z.infer<typeof probeBatch>;

export class BadEventError extends Error {
  override readonly name = 'BadEventError';
}

/** Parses an event at the boundary, naming every bad field. */
export function parseEvent<T>(schema: z.ZodType<T>, event: unknown, what: string): T {
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
