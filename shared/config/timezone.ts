import { z } from 'zod';

/** Whether `name` is an IANA time zone this runtime knows (EventBridge Scheduler takes the same names). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The config field: an IANA time zone name such as `Europe/Berlin`. */
export const timeZoneField = z.string().refine(isTimeZone, {
  message: 'must be an IANA time zone name such as UTC, Europe/Berlin or America/New_York',
});
