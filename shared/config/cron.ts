/**
 * EventBridge cron expressions: `cron(minutes hours day-of-month month day-of-week year)`, parsed to the same
 * rules AWS applies (values and names per field, `, - * /` everywhere, `?` in one of the day fields, `L` and `W`
 * in day-of-month, `L` and `#` in day-of-week, years 1970-2199), and their fire times computed in a time zone.
 */

export interface CronSpec {
  minutes: readonly number[];
  hours: readonly number[];
  months: ReadonlySet<number>;
  years: ReadonlySet<number>;
  /** Whether a local date (year, month 1-12, day 1-31) is a fire day. */
  day(year: number, month: number, day: number): boolean;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_YEARS = { min: 1970, max: 2199 } as const;

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}
const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dom: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dow: { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  year: { name: 'year', min: CRON_YEARS.min, max: CRON_YEARS.max },
} satisfies Record<string, Field>;

class CronError extends Error {}

function value(field: Field, text: string): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  const n = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < field.min || n > field.max) {
    const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
    throw new CronError(`${field.name}: "${text}" is not ${field.min}-${field.max}${names}`);
  }
  return n;
}

/** `*`, `a`, `a-b`, each optionally `/step`, joined by commas: the set of values. */
function values(field: Field, text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new CronError(`${field.name}: "${part}" is not a value, range or step`);
    const [, base = '', stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || step > field.max) throw new CronError(`${field.name}: step ${stepText} is out of range`);
    let from: number;
    let to: number;
    if (base === '*') [from, to] = [field.min, field.max];
    else if (base.includes('-')) {
      const [a = '', b = ''] = base.split('-');
      [from, to] = [value(field, a), value(field, b)];
      if (from > to) throw new CronError(`${field.name}: range ${base} runs backwards`);
    } else {
      from = value(field, base);
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
/** 1 = Sunday ... 7 = Saturday, as EventBridge numbers them. */
function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

/** The weekday (Mon-Fri) nearest to `target` within the same month, as `15W` means. */
function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysIn(year, month);
  const day = Math.min(target, last);
  const wd = weekday(year, month, day);
  if (wd === 7) return day === 1 ? 3 : day - 1; // Saturday: Friday before, or Monday after the 1st
  if (wd === 1) return day === last ? day - 2 : day + 1; // Sunday: Monday after, or Friday before the last
  return day;
}

type DayTest = (year: number, month: number, day: number) => boolean;

function dayOfMonth(text: string): DayTest {
  if (text === 'L') return (y, m, d) => d === daysIn(y, m);
  if (text === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysIn(y, m));
  const w = /^(\d+)W$/.exec(text);
  if (w) {
    const target = value(FIELDS.dom, w[1] as string);
    return (y, m, d) => d === nearestWeekday(y, m, target);
  }
  if (/[LW#]/i.test(text))
    throw new CronError(`day-of-month: "${text}" (L, LW and nW are the special forms)`);
  const set = values(FIELDS.dom, text);
  return (_y, _m, d) => set.has(d);
}

function dayOfWeek(text: string): DayTest {
  if (text === 'L') return (y, m, d) => weekday(y, m, d) === 7;
  const last = /^(\w+)L$/.exec(text);
  if (last) {
    const wd = value(FIELDS.dow, last[1] as string);
    return (y, m, d) => weekday(y, m, d) === wd && d + 7 > daysIn(y, m);
  }
  const nth = /^(\w+)#(\d)$/.exec(text);
  if (nth) {
    const wd = value(FIELDS.dow, nth[1] as string);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new CronError(`day-of-week: "${text}": the week number after # is 1-5`);
    return (y, m, d) => weekday(y, m, d) === wd && Math.ceil(d / 7) === n;
  }
  if (/[LW#]/i.test(text))
    throw new CronError(`day-of-week: "${text}" (L, nL and n#k are the special forms)`);
  const set = values(FIELDS.dow, text);
  return (y, m, d) => set.has(weekday(y, m, d));
}

/** The six fields of an EventBridge cron expression, or the reason they are not one. */
export function parseCron(fields: readonly string[]): CronSpec | string {
  if (fields.length !== 6) return 'cron needs 6 fields: minutes hours day-of-month month day-of-week year';
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) return 'cron: one of day-of-month and day-of-week must be ?';
  for (const [f, text] of [
    [FIELDS.minutes, min],
    [FIELDS.hours, hour],
    [FIELDS.month, month],
    [FIELDS.year, year],
  ] as const) {
    if (text === '?') return `cron: ${f.name} cannot be ?`;
  }
  try {
    const days = dom === '?' ? dayOfWeek(dow) : dayOfMonth(dom);
    return {
      minutes: [...values(FIELDS.minutes, min)].sort((a, b) => a - b),
      hours: [...values(FIELDS.hours, hour)].sort((a, b) => a - b),
      months: values(FIELDS.month, month),
      years: values(FIELDS.year, year),
      day: days,
    };
  } catch (err) {
    if (err instanceof CronError) return `cron: ${err.message}`;
    throw err;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `t` in `timezone`. */
function wallClock(t: number, timezone: string): [number, number, number, number, number] {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timezone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, Number(p.value)]));
  return [parts.year, parts.month, parts.day, parts.hour, parts.minute] as [
    number,
    number,
    number,
    number,
    number,
  ];
}

/** The instant at which `timezone` reads the given wall clock, or undefined when it never does (a DST gap). */
function instantOf(
  timezone: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
): number | undefined {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  for (const offsetGuess of [0, 1]) {
    let t = asUtc;
    for (let i = 0; i <= offsetGuess + 1; i++) {
      const [wy, wmo, wd, wh, wmi] = wallClock(t, timezone);
      t += asUtc - Date.UTC(wy, wmo - 1, wd, wh, wmi);
    }
    const [wy, wmo, wd, wh, wmi] = wallClock(t, timezone);
    if (wy === y && wmo === mo && wd === d && wh === h && wmi === mi) return t;
  }
  return undefined;
}

/** The first fire time strictly after `after`, in `timezone`; undefined when the years allowed are over. */
export function nextCronTime(spec: CronSpec, after: Date, timezone: string): Date | undefined {
  const [y0, m0, d0] = wallClock(after.getTime(), timezone);
  const lastYear = Math.max(...spec.years);
  for (let date = new Date(Date.UTC(y0, m0 - 1, d0)); ; date = new Date(date.getTime() + 86_400_000)) {
    const y = date.getUTCFullYear();
    if (y > lastYear) return undefined;
    const mo = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (!spec.years.has(y) || !spec.months.has(mo) || !spec.day(y, mo, d)) continue;
    for (const h of spec.hours) {
      for (const mi of spec.minutes) {
        const t = instantOf(timezone, y, mo, d, h, mi);
        if (t !== undefined && t > after.getTime()) return new Date(t);
      }
    }
  }
}
