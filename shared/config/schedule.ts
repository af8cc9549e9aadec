import { z } from 'zod';
import { type CronSpec, nextCronTime, parseCron } from './cron';

/**
 * Schedules use EventBridge Scheduler syntax so the same string deploys unchanged:
 * `rate(5 minutes)` or `cron(minutes hours day-of-month month day-of-week year)` (see cron.ts).
 * The local scheduler (`mailprobe watch`) and the stack's dead-man's switch compute fire times from it.
 */
export type Schedule =
  | { kind: 'rate'; everyMs: number; expression: string }
  | { kind: 'cron'; expression: string; fields: string[]; spec: CronSpec };

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** The longest rate accepted: a probe that runs less than once a year is not monitoring. */
const RATE_MAX_MS = 365 * 86_400_000;

export function parseSchedule(expression: string): Schedule | string {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '');
    const plural = rate[2] !== unit;
    if (n < 1) return 'rate must be at least 1';
    if (n === 1 && plural) return `EventBridge wants the singular: rate(1 ${unit})`;
    if (n > 1 && !plural) return `EventBridge wants the plural: rate(${n} ${unit}s)`;
    const everyMs = n * (RATE_UNIT_MS[unit] as number);
    if (everyMs > RATE_MAX_MS) return 'rate must be at most a year (365 days, 8760 hours, 525600 minutes)';
    return { kind: 'rate', everyMs, expression };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    const spec = parseCron(fields);
    if (typeof spec === 'string') return spec;
    return { kind: 'cron', expression, fields, spec };
  }
  return 'must be rate(<n> minutes|hours|days) or cron(<6 fields>)';
}

/**
 * The first fire time strictly after `after`, or undefined when a cron's years are over. Rates are aligned to
 * the epoch so every process agrees on slots.
 */
export function nextFireTime(schedule: Schedule, after: Date, timezone = 'UTC'): Date | undefined {
  if (schedule.kind === 'rate') {
    const t = after.getTime();
    return new Date((Math.floor(t / schedule.everyMs) + 1) * schedule.everyMs);
  }
  return nextCronTime(schedule.spec, after, timezone);
}

/**
 * How many times a minute the schedule fires while it runs: a rate's average; for a cron, its firings per hour
 * spread over the hour (every minute of a busy hour counts, whatever the hour, day or year fields).
 */
export function runsPerMinute(schedule: Schedule): number {
  return schedule.kind === 'rate' ? 60_000 / schedule.everyMs : schedule.spec.minutes.length / 60;
}

export const scheduleExpression = z.string().superRefine((s, ctx) => {
  const parsed = parseSchedule(s);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});
