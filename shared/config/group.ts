import { z } from 'zod';
import { scheduleExpression } from './schedule';
import { thresholdsOverride } from './thresholds';

/** Fields every probe group has, whatever its kind. */
export const groupBase = {
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,39}$/,
      'must be lowercase letters, digits and dashes, at most 40 characters',
    ),
  schedule: scheduleExpression.describe('EventBridge Scheduler expression: rate(5 minutes) or cron(...)'),
  targets: z
    .array(z.string().min(1))
    .optional()
    .describe('Names of the targets this group probes; omitted means every target of the kind'),
  timeoutSeconds: z.number().int().min(1).max(840).default(60).describe('Hard time budget of one probe run'),
  thresholds: thresholdsOverride.optional(),
  enabled: z.boolean().default(true),
};
