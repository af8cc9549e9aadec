import { sesClients } from '../../shared/aws/ses';
import type { Check, JsonObject, ProbeOutcome } from '../../shared/model/result';
import type { CanaryGroup, MailboxTarget } from '../../shared/probes/canary/config';
import type { CanaryArrivalRecord, CanaryLedger, CanarySendRecord } from '../../shared/probes/canary/ledger';
import { createCanaryProbe } from '../../shared/probes/canary/probe';
import type { ProbeDefinition } from '../../shared/probes/types';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfig, MailprobeConfigInput, ProbeGroup } from '../../shared/suite/schema';
import { runProbeOnce } from '../support/probe-context';

export interface CanaryRun extends ProbeOutcome {
  check(id: string): Check | undefined;
  transcript: string[];
  timings: Record<string, number>;
}

/** Parses a one-mailbox, one-group canary config the way the CLI does. */
export function canaryConfig(
  mailbox: MailboxTarget | Record<string, unknown>,
  group: Record<string, unknown>,
  resolverServers: string[] = [],
): { config: MailprobeConfig; mailbox: MailboxTarget; group: CanaryGroup } {
  const input = {
    resolver: { servers: resolverServers, timeoutMs: 1000, tries: 1 },
    targets: { mailboxes: [mailbox] },
    probes: [{ name: 'canary', kind: 'canary', schedule: 'rate(5 minutes)', ...group }],
  } as MailprobeConfigInput;
  const config = parseConfig(input, 'test config');
  return {
    config,
    mailbox: config.targets.mailboxes[0] as MailboxTarget,
    group: config.probes[0] as CanaryGroup,
  };
}

/** Runs the canary probe once, as runProbe would, with the given ledger, memo, clock and secrets. */
export async function runCanary(
  setup: { config: MailprobeConfig; mailbox: MailboxTarget; group: CanaryGroup },
  options: {
    ledger?: CanaryLedger;
    memo?: JsonObject;
    now?: () => Date;
    secrets?: Record<string, string>;
    /** The run's signal (instead of the runner's budget), to see what the probe reports when it is aborted. */
    signal?: AbortSignal;
  } = {},
): Promise<CanaryRun> {
  // SES: the real client (tests that send through SES mock it with aws-sdk-client-mock).
  const probe = createCanaryProbe({
    ses: sesClients(),
    ...(options.ledger ? { ledger: options.ledger } : {}),
  });
  const { check, ...run } = await runProbeOnce(
    probe as ProbeDefinition<ProbeGroup, unknown>,
    setup.config,
    setup.group,
    {
      ...(options.memo ? { memo: options.memo } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return { ...run, check };
}

/** The ledger port in process memory, with the same rules as the DynamoDB one (tests only). */
export class MemoryCanaryLedger implements CanaryLedger {
  private readonly sends = new Map<string, CanarySendRecord>();
  private readonly arrivals = new Map<string, CanaryArrivalRecord>();

  async recordSend(send: CanarySendRecord): Promise<void> {
    this.sends.set(send.token, send);
  }
  async findSend(token: string): Promise<CanarySendRecord | undefined> {
    return this.sends.get(token);
  }
  async recordArrival(arrival: CanaryArrivalRecord): Promise<boolean> {
    if (!this.sends.has(arrival.token) || this.arrivals.has(arrival.token)) return false;
    this.arrivals.set(arrival.token, arrival);
    return true;
  }
  async findArrival(token: string): Promise<CanaryArrivalRecord | undefined> {
    return this.arrivals.get(token);
  }
}
