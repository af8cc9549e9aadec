import type { SESEvent } from 'aws-lambda';
import { arrivalFromSes, recordSesArrivals } from '../../shared/probes/canary/ses-inbound';
import { silentLog } from '../../shared/util/log';
import { MemoryCanaryLedger } from '../integ/canary-harness';

const TOKEN = 'mpc-abcdefghijklmnopqrstuvwxyz';

/** The receipt-rule Lambda event as the SES developer guide documents it, carrying a canary. */
function sesEvent(overrides: { spam?: string; dkim?: string; token?: string } = {}): SESEvent {
  const token = overrides.token ?? TOKEN;
  return JSON.parse(
    JSON.stringify({
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: '2026-11-23T10:00:03.120Z',
              source: 'canary@example.com',
              messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
              destination: ['seed@inbound.example.com'],
              headersTruncated: false,
              headers: [
                { name: 'Return-Path', value: '<canary@example.com>' },
                {
                  name: 'Received',
                  value:
                    'from mail.example.com (mail.example.com [203.0.113.10]) by inbound-smtp.eu-west-1.amazonaws.com with SMTP id o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1 for seed@inbound.example.com; Mon, 23 Nov 2026 10:00:03 +0000 (UTC)',
                },
                {
                  name: 'Received',
                  value: 'from [10.0.0.5] by mail.example.com with ESMTPSA; Mon, 23 Nov 2026 10:00:01 +0000',
                },
                { name: 'X-Mailprobe-Canary', value: `${token}; sent=2026-11-23T10:00:00.000Z` },
                { name: 'From', value: 'canary@example.com' },
                { name: 'Subject', value: `mailprobe canary ${token}` },
              ],
              commonHeaders: {
                returnPath: 'canary@example.com',
                from: ['canary@example.com'],
                date: 'Mon, 23 Nov 2026 10:00:00 +0000',
                to: ['seed@inbound.example.com'],
                messageId: '<abc@example.com>',
                subject: `mailprobe canary ${token}`,
              },
            },
            receipt: {
              timestamp: '2026-11-23T10:00:03.120Z',
              processingTimeMillis: 574,
              recipients: ['seed@inbound.example.com'],
              spamVerdict: { status: overrides.spam ?? 'PASS' },
              virusVerdict: { status: 'PASS' },
              spfVerdict: { status: 'PASS' },
              dkimVerdict: { status: overrides.dkim ?? 'PASS' },
              dmarcVerdict: { status: 'GRAY' },
              dmarcPolicy: 'none',
              action: {
                type: 'Lambda',
                functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:mailprobe-canary-inbound',
                invocationType: 'Event',
              },
            },
          },
        },
      ],
    }),
  ) as SESEvent;
}

async function ledgerAwaiting(token = TOKEN): Promise<MemoryCanaryLedger> {
  const ledger = new MemoryCanaryLedger();
  await ledger.recordSend({
    token,
    sentAt: '2026-11-23T10:00:00.000Z',
    mailbox: 'seed',
    to: 'seed@inbound.example.com',
    group: 'canary',
  });
  return ledger;
}

describe('SES inbound canary arrivals', () => {
  it("records the token, receipt time, SES's verdicts and the Received chain oldest first", async () => {
    const ledger = await ledgerAwaiting();
    expect(await recordSesArrivals(sesEvent({ dkim: 'FAIL' }), ledger, silentLog)).toEqual({
      recorded: 1,
      ignored: 0,
    });
    expect(await ledger.findArrival(TOKEN)).toEqual({
      token: TOKEN,
      receivedAt: '2026-11-23T10:00:03.120Z',
      source: 'ses',
      folder: 'inbox',
      verdicts: { spf: 'pass', dkim: 'fail', dmarc: 'none', spam: 'pass', virus: 'pass' },
      hops: [
        { from: '[10.0.0.5]', by: 'mail.example.com', at: '2026-11-23T10:00:01.000Z' },
        {
          from: 'mail.example.com',
          by: 'inbound-smtp.eu-west-1.amazonaws.com',
          at: '2026-11-23T10:00:03.000Z',
        },
      ],
      mailFrom: 'canary@example.com',
    });
  });

  it('files the arrival as spam when SES gives a FAIL spam verdict', () => {
    expect(
      arrivalFromSes(sesEvent({ spam: 'FAIL' }).Records[0] as SESEvent['Records'][number]),
    ).toMatchObject({
      folder: 'spam',
      verdicts: { spam: 'fail' },
    });
  });

  it('ignores a canary token this deployment never sent', async () => {
    const ledger = await ledgerAwaiting();
    const foreign = 'mpc-zzzzzzzzzzzzzzzzzzzzzzzzzz';
    expect(await recordSesArrivals(sesEvent({ token: foreign }), ledger, silentLog)).toEqual({
      recorded: 0,
      ignored: 1,
    });
    expect(await ledger.findArrival(foreign)).toBeUndefined();
  });

  it('records a repeated delivery of the same canary only once', async () => {
    const ledger = await ledgerAwaiting();
    await recordSesArrivals(sesEvent(), ledger, silentLog);
    expect(await recordSesArrivals(sesEvent({ dkim: 'FAIL' }), ledger, silentLog)).toEqual({
      recorded: 0,
      ignored: 1,
    });
    expect((await ledger.findArrival(TOKEN))?.verdicts.dkim).toBe('pass');
  });

  it('ignores mail without a token', async () => {
    const event = sesEvent();
    const mail = (event.Records[0] as SESEvent['Records'][number]).ses.mail;
    mail.headers = mail.headers.filter((h) => h.name !== 'X-Mailprobe-Canary');
    mail.commonHeaders.subject = 'Invoice';
    expect(await recordSesArrivals(event, await ledgerAwaiting(), silentLog)).toEqual({
      recorded: 0,
      ignored: 1,
    });
  });
});
