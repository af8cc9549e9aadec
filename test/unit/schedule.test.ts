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
    expect(nextFireTime(s, new Date('2026-11-23T10:02:31Z'))?.toISOString()).toBe('2026-11-23T10:05:00.000Z');
    expect(nextFireTime(s, new Date('2026-11-23T10:05:00Z'))?.toISOString()).toBe('2026-11-23T10:10:00.000Z');
  });

  it('computes cron slots with EventBridge day-of-week numbering (1 = Sunday)', () => {
    const s = parseSchedule('cron(30 6 ? * 2 *)'); // Mondays 06:30
    if (typeof s === 'string') throw new Error(s);
    // 2026-11-23 is a Monday.
    expect(nextFireTime(s, new Date('2026-11-23T07:00:00Z'))?.toISOString()).toBe('2026-11-30T06:30:00.000Z');
    const every15 = parseSchedule('cron(0/15 * * * ? *)');
    if (typeof every15 === 'string') throw new Error(every15);
    expect(nextFireTime(every15, new Date('2026-11-23T07:01:00Z'))?.toISOString()).toBe(
      '2026-11-23T07:15:00.000Z',
    );
  });

  it.each([
    ['cron(99 * * * ? *)', 'cron: minutes: "99" is not 0-59'],
    ['cron(0 24 * * ? *)', 'cron: hours: "24" is not 0-23'],
    ['cron(0 12 32 * ? *)', 'cron: day-of-month: "32" is not 1-31'],
    ['cron(0 12 ? 13 MON *)', 'cron: month: "13" is not 1-12 or JAN-DEC'],
    ['cron(0 12 ? * 8 *)', 'cron: day-of-week: "8" is not 1-7 or SUN-SAT'],
    ['cron(0 12 ? * FUN *)', 'cron: day-of-week: "FUN" is not 1-7 or SUN-SAT'],
    ['cron(0 12 * * ? 1969)', 'cron: year: "1969" is not 1970-2199'],
    ['cron(0 12 ? * ? *)', 'cron: one of day-of-month and day-of-week must be ?'],
    ['cron(0 12 10-5 * ? *)', 'cron: day-of-month: range 10-5 runs backwards'],
    ['cron(0/0 * * * ? *)', 'cron: minutes: step 0 is out of range'],
    ['cron(0 12 ? * 2#6 *)', 'cron: day-of-week: "2#6": the week number after # is 1-5'],
    ['cron(0 12 5L * ? *)', 'cron: day-of-month: "5L" (L, LW and nW are the special forms)'],
    ['cron(0 ? * * ? *)', 'cron: hours cannot be ?'],
    ['rate(99999999999 days)', 'rate must be at most a year (365 days, 8760 hours, 525600 minutes)'],
    ['rate(366 days)', 'rate must be at most a year (365 days, 8760 hours, 525600 minutes)'],
  ])('rejects %s with the field and the reason', (expr, reason) => {
    expect(parseSchedule(expr)).toBe(reason);
  });

  const next = (expr: string, after: string, tz = 'UTC') => {
    const s = parseSchedule(expr);
    if (typeof s === 'string') throw new Error(s);
    return nextFireTime(s, new Date(after), tz)?.toISOString();
  };

  it('computes ranges, lists, steps and month and day names', () => {
    expect(next('cron(0 9-17/4 ? * MON-FRI *)', '2026-11-27T18:00:00Z')).toBe('2026-11-30T09:00:00.000Z');
    expect(next('cron(15,45 8 1 JAN,JUL ? *)', '2026-02-01T00:00:00Z')).toBe('2026-07-01T08:15:00.000Z');
  });

  it('computes L, LW, nW, nL and n#k as EventBridge defines them', () => {
    expect(next('cron(0 12 L * ? *)', '2026-02-01T00:00:00Z')).toBe('2026-02-28T12:00:00.000Z');
    // 2026-01-31 is a Saturday: the last weekday of January is Friday the 30th.
    expect(next('cron(0 12 LW * ? *)', '2026-01-01T00:00:00Z')).toBe('2026-01-30T12:00:00.000Z');
    // 2026-11-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-08-01 is a Saturday: Monday the 3rd.
    expect(next('cron(0 12 15W * ? *)', '2026-11-01T00:00:00Z')).toBe('2026-11-16T12:00:00.000Z');
    expect(next('cron(0 12 1W * ? *)', '2026-07-02T00:00:00Z')).toBe('2026-08-03T12:00:00.000Z');
    // The last Friday (6) of November 2026, and its second Tuesday (3).
    expect(next('cron(0 12 ? * 6L *)', '2026-11-01T00:00:00Z')).toBe('2026-11-27T12:00:00.000Z');
    expect(next('cron(0 12 ? * 3#2 *)', '2026-11-01T00:00:00Z')).toBe('2026-11-10T12:00:00.000Z');
  });

  it('honours the year field and ends when its years are over', () => {
    expect(next('cron(0 0 1 1 ? 2028-2030)', '2026-06-01T00:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 1 ? 2020)', '2026-06-01T00:00:00Z')).toBeUndefined();
  });

  it('fires at wall-clock times of the configured time zone, across a DST change', () => {
    // 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC in summer (CEST, from 2026-03-29).
    expect(next('cron(0 9 * * ? *)', '2026-03-27T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-28T08:00:00.000Z',
    );
    expect(next('cron(0 9 * * ? *)', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    // 02:30 does not exist in Berlin on 2026-03-29: that day has no slot.
    expect(next('cron(30 2 * * ? *)', '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe(
      '2026-03-30T00:30:00.000Z',
    );
  });
});
