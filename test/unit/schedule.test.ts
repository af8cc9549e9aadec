import { nextFireTime, parseSchedule } from '../../shared/config/schedule';

describe('schedule expressions', () => {
  it.each([
    ['rate(5 minutes)', 300_000],
    ['rate(1 minute)', 60_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
  ])('parses %s', (expr, everyMs) => {
    expect(parseSchedule(expr)).toEqual({ kind: 'rate', everyMs, expression: expr });
  });

  it.each([
    ['rate(5 minute)', 'EventBridge wants the plural: rate(5 minutes)'],
    ['rate(1 minutes)', 'EventBridge wants the singular: rate(1 minute)'],
    ['rate(0 minutes)', 'rate must be at least 1'],
    ['cron(0 12 * * *)', 'cron needs 6 fields: minutes hours day-of-month month day-of-week year'],
    ['cron(0 12 * * MON *)', 'cron: one of day-of-month and day-of-week must be ?'],
    ['every 5 minutes', 'must be rate(<n> minutes|hours|days) or cron(<6 fields>)'],
  ])('rejects %s with a reason', (expr, reason) => {
    expect(parseSchedule(expr)).toBe(reason);
  });

  it('aligns rate slots to the epoch so every process agrees on the slot', () => {
    const s = parseSchedule('rate(5 minutes)');
    if (typeof s === 'string') throw new Error(s);
    expect(nextFireTime(s, new Date('2026-11-23T10:02:31Z')).toISOString()).toBe('2026-11-23T10:05:00.000Z');
    expect(nextFireTime(s, new Date('2026-11-23T10:05:00Z')).toISOString()).toBe('2026-11-23T10:10:00.000Z');
  });

  it('computes cron slots with EventBridge day-of-week numbering (1 = Sunday)', () => {
    const s = parseSchedule('cron(30 6 ? * 2 *)'); // Mondays 06:30
    if (typeof s === 'string') throw new Error(s);
    // 2026-11-23 is a Monday.
    expect(nextFireTime(s, new Date('2026-11-23T07:00:00Z')).toISOString()).toBe('2026-11-30T06:30:00.000Z');
    const every15 = parseSchedule('cron(0/15 * * * ? *)');
    if (typeof every15 === 'string') throw new Error(every15);
    expect(nextFireTime(every15, new Date('2026-11-23T07:01:00Z')).toISOString()).toBe(
      '2026-11-23T07:15:00.000Z',
    );
  });
});
