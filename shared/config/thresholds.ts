import { z } from 'zod';
import { duration } from './duration';

const fields = {
  failuresBeforeAlert: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe('Consecutive failing runs before a failure alert'),
  passesBeforeRecovery: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe('Consecutive passing runs before a recovery alert'),
  reminderEvery: duration.describe(
    'Repeat the failure alert at this interval while still failing (e.g. 6h); 0s turns reminders off',
  ),
  unknownsBeforeCoverageAlert: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe('Consecutive unknown runs before a coverage alert'),
  reportPreExisting: z.boolean().describe('Alert once when the very first run of a probe already fails'),
};

export const thresholds = z
  .object({
    failuresBeforeAlert: fields.failuresBeforeAlert.default(2),
    passesBeforeRecovery: fields.passesBeforeRecovery.default(2),
    reminderEvery: fields.reminderEvery.default(6 * 3_600_000),
    unknownsBeforeCoverageAlert: fields.unknownsBeforeCoverageAlert.default(6),
    reportPreExisting: fields.reportPreExisting.default(true),
  })
  .strict();
/** Thresholds with durations in milliseconds. */
export type Thresholds = z.infer<typeof thresholds>;

export const thresholdsOverride = z.object(fields).partial().strict();
