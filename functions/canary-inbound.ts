import type { SESEvent } from 'aws-lambda';
import { type InboundSummary, recordSesArrivals } from '../shared/probes/canary/ses-inbound';
import { DynamoCanaryLedger } from '../shared/store/canary-ledger';
import { createDocumentClient } from '../shared/store/remote';
import { log, requiredEnv } from './container';

let ledger: DynamoCanaryLedger | undefined;

/**
 * SES receipt rule action (Lambda) on the canary domain: records each canary's arrival with SES's SPF/DKIM/DMARC,
 * spam and virus verdicts in the results table, where the canary probe finds it.
 */
export async function handler(event: SESEvent): Promise<InboundSummary> {
  ledger ??= new DynamoCanaryLedger({
    client: createDocumentClient({}),
    tableName: requiredEnv('MAILPROBE_TABLE'),
  });
  return recordSesArrivals(event, ledger, log);
}
