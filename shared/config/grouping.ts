import { z } from 'zod';
import { duration } from './duration';

const fields = {
  groupWait: duration.describe(
    "How long an incident's first message waits for related alerts to join it (Alertmanager group_wait)",
  ),
  groupInterval: duration.describe(
    'Least time between two messages about the same incident when members join or recover (group_interval)',
  ),
  repeatInterval: duration.describe('Repeat an incident that is still firing this often (repeat_interval)'),
};

/** Alertmanager-style pacing of incident messages, per destination. Durations in milliseconds. */
export const grouping = z
  .object({
    groupWait: fields.groupWait.default(0),
    groupInterval: fields.groupInterval.default(5 * 60_000),
    repeatInterval: fields.repeatInterval.default(4 * 3_600_000),
    correlationWindow: duration
      .default(60 * 60_000)
      .describe('Alerts of related probes within this window of an incident join it'),
  })
  .strict();
export type Grouping = z.infer<typeof grouping>;

/** A destination's own pacing, over the defaults of `alerts.grouping`. */
export const groupingOverride = z.object(fields).partial().strict();
