import type { SESEvent, SESEventRecord, SESReceiptStatus } from 'aws-lambda';
import type { Log } from '../../util/log';
import { type Header, receivedHops } from './headers';
import type { CanaryArrivalRecord, CanaryLedger, Verdicts } from './ledger';
import { oneLine } from './text';
import { CANARY_HEADER, findToken } from './token';

/** SES receipt verdict statuses in Authentication-Results words. */
const VERDICT: Record<SESReceiptStatus['status'], string> = {
  PASS: 'pass',
  FAIL: 'fail',
  GRAY: 'none',
  PROCESSING_FAILED: 'temperror',
  DISABLED: 'none',
};

function verdict(status: SESReceiptStatus | undefined): string | undefined {
  return status ? VERDICT[status.status] : undefined;
}

/** The arrival a receipt-rule record describes, or undefined when it carries no canary token. */
export function arrivalFromSes(record: SESEventRecord): CanaryArrivalRecord | undefined {
  const { mail, receipt } = record.ses;
  const headers: Header[] = (mail.headers ?? [])
    .slice(0, 200)
    .map((h) => ({ name: String(h.name).toLowerCase(), value: String(h.value).slice(0, 2000) }));
  const canaryHeader = headers.find((h) => h.name === CANARY_HEADER.toLowerCase());
  const token = findToken(canaryHeader?.value) ?? findToken(mail.commonHeaders?.subject);
  if (!token) return undefined;
  const verdicts: Verdicts = {};
  const entries = [
    ['spf', verdict(receipt.spfVerdict)],
    ['dkim', verdict(receipt.dkimVerdict)],
    ['dmarc', verdict(receipt.dmarcVerdict)],
    ['spam', verdict(receipt.spamVerdict)],
    ['virus', verdict(receipt.virusVerdict)],
  ] as const;
  for (const [key, value] of entries) if (value) verdicts[key] = value;
  return {
    token,
    receivedAt: new Date(
      Date.parse(receipt.timestamp) || Date.parse(mail.timestamp) || Date.now(),
    ).toISOString(),
    source: 'ses',
    folder: receipt.spamVerdict?.status === 'FAIL' ? 'spam' : 'inbox',
    verdicts,
    hops: receivedHops(headers),
    mailFrom: oneLine(mail.source).slice(0, 254),
  };
}

export interface InboundSummary {
  recorded: number;
  ignored: number;
}

/**
 * Records the canary arrivals of an SES receipt event. Messages without a token, with a token this deployment
 * never sent (foreign) or whose send record expired (stale), and repeated deliveries are ignored.
 */
export async function recordSesArrivals(
  event: SESEvent,
  ledger: CanaryLedger,
  log: Log,
): Promise<InboundSummary> {
  const summary: InboundSummary = { recorded: 0, ignored: 0 };
  for (const record of event.Records ?? []) {
    const arrival = arrivalFromSes(record);
    if (arrival && (await ledger.recordArrival(arrival))) {
      summary.recorded++;
      log.info('canary arrival recorded', { token: arrival.token, verdicts: arrival.verdicts });
    } else {
      summary.ignored++;
      log.info('inbound message ignored: no canary token this deployment is waiting for', {
        messageId: oneLine(record.ses?.mail?.messageId).slice(0, 100),
        token: arrival?.token,
      });
    }
  }
  return summary;
}
