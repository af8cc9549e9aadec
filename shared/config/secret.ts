import { z } from 'zod';
import type { SecretRef } from './secret-ref';

/**
 * A secret is always a reference, never a value: a Secrets Manager secret (optionally one JSON key of it)
 * or, for local runs, an environment variable.
 */
export const secretRef = z.union([
  z
    .object({
      secret: z.string().min(1).describe('Secrets Manager secret name or ARN'),
      key: z
        .string()
        .min(1)
        .optional()
        .describe('JSON key inside the secret value, when it is a JSON object'),
    })
    .strict(),
  z
    .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') })
    .strict(),
]) satisfies z.ZodType<SecretRef>;
