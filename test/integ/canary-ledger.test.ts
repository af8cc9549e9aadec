import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';
import type { CanaryArrivalRecord, CanarySendRecord } from '../../shared/probes/canary/ledger';
import { newToken } from '../../shared/probes/canary/token';
import { DynamoCanaryLedger } from '../../shared/store/canary-ledger';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const send = (token: string): CanarySendRecord => ({
  token,
  sentAt: '2026-11-23T10:00:00.000Z',
  mailbox: 'seed',
  to: 'seed@inbound.example.com',
  group: 'canary',
});
const arrival = (token: string, dkim = 'pass'): CanaryArrivalRecord => ({
  token,
  receivedAt: '2026-11-23T10:00:04.000Z',
  source: 'ses',
  folder: 'inbox',
  verdicts: { spf: 'pass', dkim, dmarc: 'pass' },
  hops: [{ by: 'inbound-smtp.eu-west-1.amazonaws.com', at: '2026-11-23T10:00:04.000Z' }],
});

describe('canary ledger on the results table (dynalite)', () => {
  let dir: string;
  let embedded: EmbeddedStore;
  let ledger: DynamoCanaryLedger;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailprobe-canary-ledger-'));
    embedded = await openEmbeddedStore({ dataDir: dir, retentionDays: 30 });
    ledger = new DynamoCanaryLedger({ client: embedded.client, tableName: embedded.tableName });
  });
  afterAll(async () => {
    await embedded.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pairs a recorded send with its arrival, once', async () => {
    const token = newToken();
    expect(await ledger.findArrival(token)).toBeUndefined();
    await ledger.recordSend(send(token));
    expect(await ledger.findSend(token)).toEqual(send(token));
    expect(await ledger.recordArrival(arrival(token))).toBe(true);
    expect(await ledger.recordArrival(arrival(token, 'fail'))).toBe(false);
    expect(await ledger.findArrival(token)).toEqual(arrival(token));
  });

  it('refuses the arrival of a token it never sent', async () => {
    const token = newToken();
    expect(await ledger.recordArrival(arrival(token))).toBe(false);
    expect(await ledger.findArrival(token)).toBeUndefined();
  });

  it('treats a send past its retention as gone (stale tokens are ignored)', async () => {
    const token = newToken();
    const past = new DynamoCanaryLedger({
      client: embedded.client,
      tableName: embedded.tableName,
      retentionDays: 1,
      clock: () => new Date(Date.now() - 2 * 86_400_000),
    });
    await past.recordSend(send(token));
    expect(await ledger.findSend(token)).toBeUndefined();
    expect(await ledger.recordArrival(arrival(token))).toBe(false);
  });

  it('keeps canary items out of the state listing', async () => {
    const token = newToken();
    await ledger.recordSend(send(token));
    expect(await embedded.store.listStates()).toEqual([]);
  });

  it('records arrivals from the deployed inbound handler (SES receipt event) into the same table', async () => {
    const token = newToken();
    await ledger.recordSend(send(token));
    const saved = { ...process.env };
    Object.assign(process.env, {
      MAILPROBE_TABLE: embedded.tableName,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const { handler } = await import('../../functions/canary-inbound');
      const event = {
        Records: [
          {
            eventSource: 'aws:ses',
            eventVersion: '1.0',
            ses: {
              mail: {
                timestamp: '2026-11-23T10:00:04.000Z',
                source: 'canary@example.com',
                messageId: 'm1',
                destination: ['seed@inbound.example.com'],
                headersTruncated: false,
                headers: [{ name: 'X-Mailprobe-Canary', value: `${token}; sent=2026-11-23T10:00:00.000Z` }],
                commonHeaders: { returnPath: 'canary@example.com', date: '', messageId: '<m1>' },
              },
              receipt: {
                timestamp: '2026-11-23T10:00:04.000Z',
                processingTimeMillis: 300,
                recipients: ['seed@inbound.example.com'],
                spamVerdict: { status: 'PASS' },
                virusVerdict: { status: 'PASS' },
                spfVerdict: { status: 'PASS' },
                dkimVerdict: { status: 'PASS' },
                dmarcVerdict: { status: 'PASS' },
                action: {
                  type: 'Lambda',
                  functionArn: 'arn:aws:lambda:eu-west-1:1:function:f',
                  invocationType: 'Event',
                },
              },
            },
          },
        ],
      } as SESEvent;
      expect(await handler(event)).toEqual({ recorded: 1, ignored: 0 });
      expect(await ledger.findArrival(token)).toMatchObject({ source: 'ses', verdicts: { dkim: 'pass' } });
    } finally {
      process.env = saved;
    }
  });
});
