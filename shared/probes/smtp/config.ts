import { z } from 'zod';
import { emailAddress } from '../../config/address';
import { readCaFile } from '../../config/ca-file';
import { groupBase } from '../../config/group';
import { hostField } from '../../config/host';
import { secretRef } from '../../config/secret';

const hostName = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i, {
    message: 'must be a host name',
  });

/** A mailbox for the envelope; `""` is the null sender (bounces), allowed only for MAIL FROM. */
const mailbox = emailAddress;

/** An SMTP endpoint to test: a submission port, an MX, a relay. */
export const smtpEndpoint = z
  .object({
    name: z.string().min(1).describe('Stable name: results, state and alerts are keyed on it'),
    host: hostField.describe(
      'Host name (preferred: TLS names are checked against it; IDN accepted, used as punycode) or IP address',
    ),
    port: z.number().int().min(1).max(65535).default(587),
    mode: z
      .enum(['starttls', 'implicit-tls', 'plain'])
      .default('starttls')
      .describe('starttls: plaintext then STARTTLS (587, 25); implicit-tls: TLS from the first byte (465)'),
    ehloName: hostName.optional().describe('Name sent with EHLO; defaults to the group option'),
    requireTls: z
      .boolean()
      .default(true)
      .describe('starttls mode: a server that does not offer STARTTLS is a failure (else a warning)'),
    tls: z
      .object({
        caFile: z
          .string()
          .min(1)
          .optional()
          .describe(
            'PEM file of the CA(s) that sign this endpoint (private CA), read when the config is loaded',
          ),
        caPem: z.string().min(1).optional().describe('The same, inline PEM'),
        servername: hostName
          .optional()
          .describe('Name the certificate must carry, when it differs from host (e.g. host is an IP)'),
      })
      .strict()
      .transform(readCaFile)
      .optional(),
    certWarnDays: z
      .number()
      .int()
      .min(0)
      .max(365)
      .optional()
      .describe('Warn when the certificate expires within this many days; defaults to the group option'),
    dane: z
      .enum(['off', 'optional', 'required'])
      .optional()
      .describe(
        'DANE (RFC 7672): the TLSA records at _<port>._tcp.<host> checked against the certificate served on the same ' +
          'connection. optional: judged when published; required: no usable, DNSSEC-secure record fails. Default: ' +
          'optional on port 25, off elsewhere. A verdict on DNSSEC needs resolver.validating',
      ),
    auth: z
      .object({
        user: z.string().min(1),
        password: secretRef,
        mechanism: z
          .enum(['PLAIN', 'LOGIN', 'CRAM-MD5'])
          .optional()
          .describe('Default: the first advertised'),
      })
      .strict()
      .optional()
      .describe('Credentials for AUTH; the password is a secret reference'),
    envelope: z
      .object({
        from: z
          .union([z.literal(''), mailbox])
          .describe(
            'MAIL FROM address ("" is the null sender). An address with a UTF-8 local part (here or in to) is sent ' +
              'with MAIL FROM … SMTPUTF8 (RFC 6531); a server that does not advertise SMTPUTF8 is a finding and the ' +
              'envelope is not sent. International domains are sent as punycode and need no extension',
          ),
        // One address may be written as a string; the schema (for editors) shows both forms.
        to: z
          .preprocess(
            (to) => (typeof to === 'string' ? [to] : to),
            z.array(mailbox).min(1, 'give at least one address').max(10, 'at most 10 addresses'),
          )
          .meta({
            anyOf: [
              { type: 'string', format: 'email' },
              { type: 'array', items: { type: 'string', format: 'email' }, minItems: 1, maxItems: 10 },
            ],
          })
          .describe('RCPT TO address, or a list of up to 10 (UTF-8 local parts: see from)')
          .meta({ examples: ['postmaster@example.com'] }),
        sizeBytes: z
          .number()
          .int()
          .min(1)
          .max(52_428_800)
          .optional()
          .describe(
            'Size of the test: declared with MAIL FROM SIZE= and, with send, the size of the message sent ' +
              '(default with send: 64 KiB, a real message rather than a one-liner)',
          ),
        send: z
          .boolean()
          .default(false)
          .describe('Send a test message of sizeBytes with DATA (only for endpoints and mailboxes you own)'),
      })
      .strict()
      .optional()
      .describe('Envelope test: MAIL FROM and RCPT TO, then QUIT (no DATA unless send is true)'),
    relayTest: z
      .object({
        from: z.union([z.literal(''), mailbox]).default(''),
        to: mailbox.describe('An address in a domain this server must not relay to'),
      })
      .strict()
      .optional()
      .describe('Open-relay test: RCPT TO an outside address without AUTH must be refused'),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.mode === 'plain' && e.tls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'TLS settings have no effect in plain mode' });
    }
  });
export type SmtpEndpoint = z.infer<typeof smtpEndpoint>;

export const smtpGroup = z
  .object({
    ...groupBase,
    kind: z.literal('smtp'),
    options: z
      .object({
        ehloName: hostName.default('mailprobe.invalid').describe('EHLO name when the endpoint sets none'),
        certWarnDays: z.number().int().min(0).max(365).default(21),
        connectTimeoutSeconds: z.number().int().min(1).max(120).default(10),
        replyTimeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(300)
          .default(30)
          .describe('Longest wait for the banner or any reply'),
        minSizeLimitBytes: z
          .number()
          .int()
          .min(0)
          .default(10_000_000)
          .describe(
            'Warn when the server advertises a SIZE limit below this (0: never); providers accept 25-35 MB, ' +
              "Postfix's default is 10,240,000",
          ),
        tlsScan: z
          .boolean()
          .default(true)
          .describe(
            'After a TLS session, three short extra connections ask whether the server still accepts TLS 1.0, TLS ' +
              '1.1 and weak suites (no forward secrecy, 3DES, RC4, NULL), once a day per endpoint (the runs in ' +
              'between repeat that verdict); after a failed handshake, one asks whether it speaks only TLS 1.0/1.1',
          ),
        greylistRetrySeconds: z
          .number()
          .int()
          .min(0)
          .max(780)
          .default(0)
          .describe('When a recipient is greylisted, retry after this delay (0: report it as a warning)'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type SmtpGroup = z.infer<typeof smtpGroup>;
