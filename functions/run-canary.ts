import { sesClients } from '../shared/aws/ses';
import { createCanaryProbe } from '../shared/probes/canary/probe';
import { DynamoCanaryLedger } from '../shared/store/canary-ledger';
import { probeRunner } from './probe-runner';

/** Schedule target (and work-queue consumer) of `canary` probe groups: sends through SES, ledger on the table. */
export const handler = probeRunner((table) =>
  createCanaryProbe({ ses: sesClients(), ledger: new DynamoCanaryLedger(table) }),
);
