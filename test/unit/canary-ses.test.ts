import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { sendViaSes } from '../../shared/probes/canary/send-ses';
import { canaryConfig, MemoryCanaryLedger, runCanary } from '../integ/canary-harness';

const ses = mockClient(SESv2Client);
beforeEach(() => ses.reset());

function sesError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

const setup = (configurationSet?: string) =>
  canaryConfig(
    { name: 'seed', address: 'seed@inbound.example.com', arrival: { via: 'ledger' } },
    {
      options: {
        from: 'canary@example.com',
        send: { via: 'ses', region: 'eu-west-1', ...(configurationSet ? { configurationSet } : {}) },
        checkAfter: '5m',
      },
    },
  );

const message = {
  from: 'canary@example.com',
  to: 'seed@inbound.example.com',
  token: 'mpc-abcdefghijklmnopqrstuvwxyz',
  sentAt: new Date('2026-11-23T10:00:00.000Z'),
};
const io = () => ({ signal: new AbortController().signal, log: () => {}, backoffMs: [0, 0] });

describe('canary over SES', () => {
  it('sends the exact SendEmail request with the token in subject and header, and records the send', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0102018f-aaaa' });
    const ledger = new MemoryCanaryLedger();
    const sentAt = new Date('2026-11-23T10:00:00.000Z');
    const run = await runCanary(setup('canary-set'), { ledger, now: () => sentAt });

    expect(run.check('send')).toMatchObject({ status: 'pass', details: { messageId: '0102018f-aaaa' } });
    const [token] = ((run.memo?.pending ?? []) as { token: string }[]).map((p) => p.token);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: 'canary@example.com',
      Destination: { ToAddresses: ['seed@inbound.example.com'] },
      Content: {
        Simple: {
          Subject: { Data: `mailprobe canary ${token}`, Charset: 'UTF-8' },
          Body: {
            Text: {
              Data:
                'This is a mailprobe canary message, sent at 2026-11-23T10:00:00.000Z to check that mail is delivered.\n' +
                `Token: ${token}\nIt is removed automatically by the probe; no action is needed.\n`,
              Charset: 'UTF-8',
            },
          },
          Headers: [{ Name: 'X-Mailprobe-Canary', Value: `${token}; sent=2026-11-23T10:00:00.000Z` }],
        },
      },
      EmailTags: [{ Name: 'mailprobe', Value: 'canary' }],
      ConfigurationSetName: 'canary-set',
    });
    expect(await ledger.findSend(token as string)).toMatchObject({
      to: 'seed@inbound.example.com',
      mailbox: 'seed',
    });
  });

  it('names MessageRejected (sandbox, unverified identity) as a config error and does not retry it', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(
        sesError(
          'MessageRejected',
          'Email address is not verified. The following identities failed the check: canary@example.com',
        ),
      );
    const run = await runCanary(setup(), { ledger: new MemoryCanaryLedger() });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(run.check('send')).toMatchObject({
      status: 'fail',
      cause: 'canary.ses.identity-unverified',
      details: { error: 'MessageRejected' },
    });
    expect(run.memo?.pending).toEqual([]);
  });

  it('backs off and retries when throttled, and succeeds when a retry gets through', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(sesError('TooManyRequestsException', 'Maximum sending rate exceeded.'))
      .resolves({ MessageId: 'm-2' });
    const result = await sendViaSes(new SESv2Client({ region: 'eu-west-1' }), { via: 'ses' }, message, io());
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect(result).toMatchObject({ accepted: true, check: { status: 'pass' } });
  });

  it('names throttling once every retry was throttled', async () => {
    ses.on(SendEmailCommand).rejects(sesError('LimitExceededException', 'Daily message quota exceeded.'));
    const result = await sendViaSes(new SESv2Client({ region: 'eu-west-1' }), { via: 'ses' }, message, io());
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(result.check).toMatchObject({ status: 'fail', cause: 'canary.ses.throttled' });
  });

  it.each([
    ['SendingPausedException', 'Sending is paused for this account.'],
    ['AccountSuspendedException', 'The account has been suspended.'],
  ])('names a paused account (%s) as its own cause, without retrying', async (name, text) => {
    ses.on(SendEmailCommand).rejects(sesError(name, text));
    const result = await sendViaSes(new SESv2Client({ region: 'eu-west-1' }), { via: 'ses' }, message, io());
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(result.check).toMatchObject({ status: 'fail', cause: 'canary.ses.account-paused' });
  });

  it('names any other SES client error with its error name, as unknown: the request was the monitor’s', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(sesError('NotFoundException', 'Configuration set <nope> does not exist.'));
    const result = await sendViaSes(new SESv2Client({ region: 'eu-west-1' }), { via: 'ses' }, message, io());
    expect(result.check).toMatchObject({
      status: 'unknown',
      cause: 'canary.ses.failed',
      details: { error: 'NotFoundException' },
    });
  });

  it.each([
    ['AccessDeniedException', 'User is not authorized to perform ses:SendEmail', 'canary.ses.access-denied'],
    [
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      'canary.ses.access-denied',
    ],
  ])(
    'reports %s as unknown (the monitor’s fault), never as a delivery failure',
    async (name, text, cause) => {
      ses.on(SendEmailCommand).rejects(sesError(name, text));
      const result = await sendViaSes(
        new SESv2Client({ region: 'eu-west-1' }),
        { via: 'ses' },
        message,
        io(),
      );
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
      expect(result).toMatchObject({ accepted: false, check: { status: 'unknown', cause } });
    },
  );

  it('reports an SES service error (5xx) as unknown', async () => {
    ses.on(SendEmailCommand).rejects(
      Object.assign(new Error('We encountered an internal error.'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const result = await sendViaSes(new SESv2Client({ region: 'eu-west-1' }), { via: 'ses' }, message, io());
    expect(result.check).toMatchObject({ status: 'unknown', cause: 'canary.ses.unavailable' });
  });

  it('reports a client without a region (the SDK’s own "Region is missing") as unknown, with the fix', async () => {
    ses.restore();
    try {
      const client = new SESv2Client({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const saved = {
        AWS_REGION: process.env.AWS_REGION,
        AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION,
      };
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      try {
        const result = await sendViaSes(client, { via: 'ses' }, message, io());
        expect(result.check).toMatchObject({
          status: 'unknown',
          cause: 'canary.ses.unavailable',
          message: expect.stringContaining('Region is missing'),
        });
      } finally {
        Object.assign(process.env, saved);
      }
    } finally {
      mockClient(SESv2Client);
    }
  });
});
