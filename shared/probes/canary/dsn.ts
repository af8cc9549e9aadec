import { oneLine } from './text';

/** What a delivery status notification (RFC 3464) says about the canary. */
export interface DsnReport {
  /** `failed` is a bounce, `delayed` a warning that the sender keeps retrying. */
  action: 'failed' | 'delayed';
  /** Enhanced status code, e.g. `5.1.1`. */
  status: string;
  diagnostic?: string;
  recipient?: string;
}

const MAX_DSN_BYTES = 256 * 1024;

/**
 * Reads the per-recipient fields of a DSN's message/delivery-status part. Only these fields are read, with
 * patterns; the text is bounded and never interpreted further. Undefined when the message is not a DSN.
 */
export function parseDsn(raw: Buffer): DsnReport | undefined {
  const text = raw.subarray(0, MAX_DSN_BYTES).toString('latin1');
  if (!/content-type:\s*message\/delivery-status/i.test(text)) return undefined;
  const field = (name: string) =>
    new RegExp(`^${name}:[ \\t]*([^\\r\\n]*(?:\\r?\\n[ \\t]+[^\\r\\n]*)*)`, 'im').exec(text)?.[1];
  const action = field('Action')?.trim().toLowerCase();
  const status = /([245]\.\d{1,3}\.\d{1,3})/.exec(field('Status') ?? '')?.[1];
  if ((action !== 'failed' && action !== 'delayed') || !status) return undefined;
  const report: DsnReport = { action, status };
  const diagnostic = field('Diagnostic-Code');
  const recipient = field('Final-Recipient');
  if (diagnostic) report.diagnostic = oneLine(diagnostic.replace(/\s+/g, ' '));
  if (recipient) report.recipient = oneLine(recipient.replace(/^rfc822;\s*/i, ''));
  return report;
}
