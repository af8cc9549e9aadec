import { z } from 'zod';
import { emailAddress } from '../../config/address';
import { readCaFile } from '../../config/ca-file';
import { duration } from '../../config/duration';
import { groupBase } from '../../config/group';
import { hostField } from '../../config/host';
import { secretRef } from '../../config/secret';

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i, {
    message: 'must be a host name',
  });
/** IMAP and relay hosts: the same host validation (and IDN normalisation) as the SMTP targets. */
const host = hostField;
const email = emailAddress;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const tlsSettings = z
  .object({
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe('PEM file of the CA(s) that sign the server (private CA), read when the config is loaded'),
    caPem: z.string().min(1).optional().describe('The same, inline PEM'),
    servername: hostName.optional().describe('Name the certificate must carry, when host is an IP address'),
  })
  .strict()
  .transform(readCaFile);

/**
 * OAuth2 for an IMAP seed (Microsoft 365 / Outlook.com, Gmail): a long-lived refresh token is exchanged at the
 * provider's token endpoint for an access token (about an hour), which logs in with OAUTHBEARER or XOAUTH2.
 */
const oauth2Settings = z
  .object({
    tokenUrl: z
      .url({ protocol: /^https$/, error: 'must be an https:// URL of the token endpoint' })
      .describe(
        'Token endpoint: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token (Microsoft), https://oauth2.googleapis.com/token (Google)',
      ),
    clientId: z
      .union([z.string().min(1), secretRef])
      .describe('Application (client) id of the app registration, as text or by reference'),
    clientSecret: secretRef
      .optional()
      .describe(
        'Client secret, by reference (omit for a public client, e.g. a Microsoft mobile/desktop app)',
      ),
    refreshToken: secretRef.describe(
      'Refresh token from the one-time consent of the seed account, by reference',
    ),
    scope: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Scopes asked with the refresh (Microsoft: "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"; Google: leave out)',
      ),
    tls: tlsSettings.optional().describe('CA of the token endpoint, when a private CA signs it'),
  })
  .strict();
export type OAuth2Settings = z.infer<typeof oauth2Settings>;

/** How the probe finds out that a canary arrived. */
const imapArrival = z
  .object({
    via: z.literal('imap'),
    host,
    port: z.number().int().min(1).max(65535).default(993),
    mode: z
      .enum(['implicit-tls', 'starttls'])
      .default('implicit-tls')
      .describe('implicit-tls: TLS from the first byte (993); starttls: STARTTLS required (143)'),
    user: z.string().min(1),
    password: secretRef.optional().describe('IMAP password or app password, by reference'),
    accessToken: secretRef
      .optional()
      .describe(
        'A fixed OAuth2 access token, by reference (expires in about an hour at Microsoft and Google: use oauth2)',
      ),
    oauth2: oauth2Settings
      .optional()
      .describe(
        'Log in with OAuth2 (OAUTHBEARER or XOAUTH2, as the server offers), access tokens refreshed as needed: for providers that ended password IMAP',
      ),
    tls: tlsSettings.optional(),
    inbox: z.string().min(1).default('INBOX'),
    spamFolders: z
      .array(z.string().min(1))
      .max(5)
      .default(['Junk'])
      .describe('Folders that mean "filed as spam", e.g. "[Gmail]/Spam", "Junk Email"'),
    afterCheck: z
      .enum(['delete', 'move', 'keep'])
      .default('delete')
      .describe('What to do with a found canary so the seed mailbox does not fill up'),
    moveTo: z.string().min(1).optional().describe('Folder for afterCheck: move'),
    authservId: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Trust only Authentication-Results headers with this authserv-id (e.g. mx.google.com); default: the topmost',
      ),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ([m.password, m.accessToken, m.oauth2].filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'give exactly one of password, accessToken or oauth2',
      });
    }
    if (m.afterCheck === 'move' && !m.moveTo) {
      ctx.addIssue({ code: 'custom', path: ['moveTo'], message: 'afterCheck: move needs moveTo' });
    }
  });
export type ImapArrival = z.infer<typeof imapArrival>;

const ledgerArrival = z
  .object({ via: z.literal('ledger') })
  .strict()
  .describe('Arrivals recorded in the results table by SES inbound (canary-inbound) or `mailprobe receive`');

/** A seed mailbox: where canaries are sent and how their arrival is seen. */
export const mailboxTarget = z
  .object({
    name: z.string().min(1).describe('Stable name: results, state and alerts are keyed on it'),
    address: email.describe('Recipient of the canaries'),
    arrival: z.discriminatedUnion('via', [imapArrival, ledgerArrival]),
  })
  .strict();
export type MailboxTarget = z.infer<typeof mailboxTarget>;

const smtpSend = z
  .object({
    via: z.literal('smtp'),
    host,
    port: z.number().int().min(1).max(65535).default(587),
    mode: z
      .enum(['starttls', 'implicit-tls', 'plain'])
      .default('starttls')
      .describe(
        'starttls (required, not opportunistic), implicit-tls (465), plain (loopback receivers only)',
      ),
    ehloName: hostName.optional(),
    auth: z
      .object({ user: z.string().min(1), password: secretRef })
      .strict()
      .optional(),
    tls: tlsSettings.optional(),
    dkim: z
      .object({
        domain: hostName.describe('d= of the signature (align it with the From domain)'),
        selector: z.string().regex(/^[a-z0-9._-]{1,63}$/i, { message: 'must be a DKIM selector' }),
        privateKey: secretRef.describe('PEM private key, by reference'),
      })
      .strict()
      .optional()
      .describe('Sign the canary with DKIM (SES signs by itself)'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'plain' && !LOOPBACK.has(s.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: 'plain mode is only for a receiver on loopback (127.0.0.1, ::1, localhost)',
      });
    }
  });

const sesSend = z
  .object({
    via: z.literal('ses'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region' })
      .optional()
      .describe('Defaults to the region the probe runs in'),
    configurationSet: z.string().min(1).max(64).optional(),
  })
  .strict();

const canarySend = z.discriminatedUnion('via', [smtpSend, sesSend]);
export type SmtpSend = z.infer<typeof smtpSend>;
export type SesSend = z.infer<typeof sesSend>;

export const canaryGroup = z
  .object({
    ...groupBase,
    kind: z.literal('canary'),
    options: z
      .object({
        from: email.describe('From (and envelope sender) of the canaries'),
        send: canarySend,
        checkAfter: duration
          .default(0)
          .describe('How long after a send its arrival is first looked for (0s: in the same run)'),
        window: duration
          .default(15 * 60_000)
          .describe('A canary not seen this long after its send is missing'),
        waitSeconds: z
          .number()
          .int()
          .min(0)
          .max(600)
          .default(30)
          .describe('Within one run, how long to keep polling for a due canary (bounded by timeoutSeconds)'),
        latencyWarn: duration.default(2 * 60_000).describe('Arrival slower than this is a warning'),
        compliance: z
          .object({
            providers: z
              .array(z.enum(['gmail', 'yahoo', 'outlook']))
              .default(['gmail', 'yahoo', 'outlook'])
              .describe('Providers whose bulk-sender rules each delivered canary is judged by ([] : none)'),
            bulk: z
              .boolean()
              .default(false)
              .describe(
                'The stream is bulk/marketing mail: one-click unsubscribe (RFC 8058) is required too',
              ),
          })
          .strict()
          .prefault({})
          .describe('Bulk-sender compliance verdict per canary (Gmail, Yahoo, Outlook.com rules)'),
        bounces: imapArrival
          .optional()
          .describe(
            "The sender's mailbox over IMAP, where bounces (DSNs) of canaries arrive: searched for canaries not yet seen",
          ),
      })
      .strict()
      .refine((o) => o.checkAfter < o.window, {
        path: ['checkAfter'],
        message: 'checkAfter must be shorter than window',
      }),
  })
  .strict();
export type CanaryGroup = z.infer<typeof canaryGroup>;
export type CanaryOptions = CanaryGroup['options'];
