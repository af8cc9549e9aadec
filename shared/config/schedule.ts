import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/**
 * Schedules use EventBridge Scheduler syntax so the same string deploys unchanged:
 * `rate(5 minutes)` or `cron(minutes hours day-of-month month day-of-week year)`.
 * The local scheduler (`mailprobe watch`) computes fire times from the same expression.
 */
export type Schedule =
  | { kind: 'rate'; everyMs: number; expression: string }
  | { kind: 'cron'; expression: string; fields: string[] };

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseSchedule(expression: string): Schedule | string {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    const unit = (rate[2] as string).replace(/s$/, '');
    const plural = rate[2] !== unit;
    if (n < 1) return 'rate must be at least 1';
    if (n === 1 && plural) return `EventBridge wants the singular: rate(1 ${unit})`;
    if (n > 1 && !plural) return `EventBridge wants the plural: rate(${n} ${unit}s)`;
    return { kind: 'rate', everyMs: n * (RATE_UNIT_MS[unit] as number), expression };
  }
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    if (fields.length !== 6) return 'cron needs 6 fields: minutes hours day-of-month month day-of-week year';
    if (fields[2] !== '?' && fields[4] !== '?') return 'cron: one of day-of-month and day-of-week must be ?';
    try {
      toCronParser(fields);
    } catch (err) {
      return `cron: ${(err as Error).message}`;
    }
    return { kind: 'cron', expression, fields };
  }
  return 'must be rate(<n> minutes|hours|days) or cron(<6 fields>)';
}

/** EventBridge cron fields -> cron-parser's (seconds first, no year, Sunday = 0). */
function toCronParser(fields: string[]): string {
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  const shiftedDow = dow.replace(/\d+/g, (d) => String((Number(d) + 6) % 7));
  const star = (f: string) => (f === '?' ? '*' : f);
  return `0 ${min} ${hour} ${star(dom)} ${month} ${star(shiftedDow)}`;
}

/** The first fire time strictly after `after`. Rates are aligned to the epoch so every process agrees on slots. */
export function nextFireTime(schedule: Schedule, after: Date, timezone = 'UTC'): Date {
  if (schedule.kind === 'rate') {
    const t = after.getTime();
    return new Date((Math.floor(t / schedule.everyMs) + 1) * schedule.everyMs);
  }
  const expr = CronExpressionParser.parse(toCronParser(schedule.fields), {
    currentDate: after,
    tz: timezone,
  });
  return expr.next().toDate();
}

export const scheduleExpression = z.string().superRefine((s, ctx) => {
  const parsed = parseSchedule(s);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});
