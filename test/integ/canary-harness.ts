import { parseConfig } from '../../shared/config/load';
import type { MailprobeConfig, MailprobeConfigInput } from '../../shared/config/schema';
import type { Check, JsonObject, ProbeOutcome } from '../../shared/model/result';
import { Timings } from '../../shared/model/timings';
import { Transcript } from '../../shared/model/transcript';
import type { CanaryGroup, MailboxTarget } from '../../shared/probes/canary/config';
import type { CanaryArrivalRecord, CanaryLedger, CanarySendRecord } from '../../shared/probes/canary/ledger';
import { canaryProbe } from '../../shared/probes/canary/probe';
import { silentLog } from '../../shared/util/log';

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
  } = {},
): Promise<CanaryRun> {
  const transcript = new Transcript();
  const timings = new Timings();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), setup.group.timeoutSeconds * 1000);
  try {
    const outcome = await canaryProbe.run(setup.mailbox, setup.group, {
      signal: controller.signal,
      scheduledAt: new Date(),
      now: options.now ?? (() => new Date()),
      memo: options.memo,
      config: setup.config,
      secrets: async (ref) => {
        const name = 'env' in ref ? ref.env : ref.secret;
        const value = options.secrets?.[name];
        if (value === undefined) throw new Error(`no secret ${name}`);
        return value;
      },
      transcript,
      timings,
      log: silentLog,
      ...(options.ledger ? { canary: options.ledger } : {}),
    });
    return {
      ...outcome,
      check: (id) => outcome.checks.find((c) => c.id === id),
      transcript: transcript.toLines(),
      timings: timings.values,
    };
  } finally {
    clearTimeout(timer);
  }
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
