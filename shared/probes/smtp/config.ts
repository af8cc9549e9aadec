import { z } from 'zod';
import { groupBase } from '../../config/group';
import { secretRef } from '../../config/secret';

/** An SMTP endpoint to test: a submission port, an MX, a relay. */
export const smtpEndpoint = z
  .object({
    name: z.string().min(1).describe('Stable name: results, state and alerts are keyed on it'),
    host: z.string().min(1).describe('Host name (preferred: TLS names are checked against it) or IP address'),
    port: z.number().int().min(1).max(65535).default(587),
    mode: z.enum(['starttls', 'implicit-tls', 'plain']).default('starttls'),
    auth: z
      .object({ user: z.string().min(1), password: secretRef })
      .strict()
      .optional()
      .describe('Credentials for AUTH; the password is a secret reference'),
  })
  .strict();
export type SmtpEndpoint = z.infer<typeof smtpEndpoint>;

export const smtpGroup = z
  .object({
    ...groupBase,
    kind: z.literal('smtp'),
    options: z.object({}).strict().prefault({}),
  })
  .strict();
export type SmtpGroup = z.infer<typeof smtpGroup>;
