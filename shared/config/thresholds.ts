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
  flapWindow: z
    .number()
    .int()
    .min(8)
    .max(50)
    .describe('Runs with a verdict looked at for flap detection (Nagios uses 21)'),
  flapStartPercent: z
    .number()
    .min(1)
    .max(100)
    .describe('Weighted percent of state changes in the window at which the probe is flapping'),
  flapStopPercent: z
    .number()
    .min(0)
    .max(100)
    .describe('Weighted percent of state changes under which a flapping probe has settled'),
};

export const thresholds = z
  .object({
    failuresBeforeAlert: fields.failuresBeforeAlert.default(2),
    passesBeforeRecovery: fields.passesBeforeRecovery.default(2),
    reminderEvery: fields.reminderEvery.default(6 * 3_600_000),
    unknownsBeforeCoverageAlert: fields.unknownsBeforeCoverageAlert.default(6),
    reportPreExisting: fields.reportPreExisting.default(true),
    flapWindow: fields.flapWindow.default(20),
    flapStartPercent: fields.flapStartPercent.default(50),
    flapStopPercent: fields.flapStopPercent.default(25),
  })
  .strict()
  .refine((t) => t.flapStopPercent < t.flapStartPercent, {
    path: ['flapStopPercent'],
    message: 'must be below flapStartPercent',
  });
/** Thresholds with durations in milliseconds. */
export type Thresholds = z.infer<typeof thresholds>;

export const thresholdsOverride = z.object(fields).partial().strict();
