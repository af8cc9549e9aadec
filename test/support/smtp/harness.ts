import type { Check, ProbeOutcome } from '../../../shared/model/result';
import type { SmtpGroup } from '../../../shared/probes/smtp/config';
import { smtpProbe } from '../../../shared/probes/smtp/probe';
import type { ProbeDefinition } from '../../../shared/probes/types';
import { parseConfig } from '../../../shared/suite/load';
import type { MailprobeConfig, MailprobeConfigInput, ProbeGroup } from '../../../shared/suite/schema';
import type { Log } from '../../../shared/util/log';
import { runProbeOnce } from '../probe-context';

type EndpointInput = NonNullable<NonNullable<MailprobeConfigInput['targets']>['smtp']>[number];
type OptionsInput = Partial<SmtpGroup['options']>;

export interface ProbeRun {
  outcome: ProbeOutcome;
  checks: Check[];
  transcript: string[];
  timings: Record<string, number>;
  /** Everything the probe logged, one JSON line per call. */
  logs: string[];
  check(id: string): Check;
}

export interface RunOptions {
  options?: OptionsInput;
  resolverServers?: string[];
  /** The resolver validates DNSSEC (`resolver.validating`). */
  validating?: boolean;
  /** Secret values by env name; `{ env: 'SMTP_PASS' }` refs resolve here. */
  secrets?: Record<string, string>;
  signal?: AbortSignal;
  now?: Date;
  /** The memo of a previous run (what `outcome.memo` returned). */
  memo?: ProbeOutcome['memo'];
}

/** The config and group `runSmtpProbe` parses: one endpoint, one smtp group with short timeouts. */
export interface SmtpProbeSetup {
  config: MailprobeConfig;
  group: SmtpGroup;
}

/** Parses the one-endpoint config of a probe run (a benchmark does this once, outside its timed loop). */
export function smtpProbeSetup(
  endpoint: EndpointInput,
  run: Pick<RunOptions, 'options' | 'resolverServers' | 'validating'> = {},
): SmtpProbeSetup {
  const config = parseConfig({
    resolver: {
      servers: run.resolverServers ?? ['127.0.0.1:9'],
      timeoutMs: 3000,
      tries: 1,
      validating: run.validating ?? false,
    },
    targets: { smtp: [endpoint] },
    probes: [
      {
        name: 'smtp',
        kind: 'smtp',
        schedule: 'rate(5 minutes)',
        options: { replyTimeoutSeconds: 5, connectTimeoutSeconds: 5, ...run.options },
      },
    ],
  });
  return { config, group: config.probes[0] as SmtpGroup };
}

/** Runs the smtp probe once against `endpoint`, the way runProbe would, and returns what it recorded. */
export async function runSmtpProbe(endpoint: EndpointInput, run: RunOptions = {}): Promise<ProbeRun> {
  return runSmtpSetup(smtpProbeSetup(endpoint, run), run);
}

/** Runs the probe of a parsed setup once (the per-run options of `run` only). */
export async function runSmtpSetup(
  { config, group }: SmtpProbeSetup,
  run: Omit<RunOptions, 'options' | 'resolverServers' | 'validating'> = {},
): Promise<ProbeRun> {
  const logs: string[] = [];
  const record = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    logs.push(JSON.stringify({ level, message, extra }));
  const log: Log = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const {
    transcript,
    timings,
    check: _check,
    ...outcome
  } = await runProbeOnce(smtpProbe as ProbeDefinition<ProbeGroup, unknown>, config, group, {
    ...(run.secrets ? { secrets: run.secrets } : {}),
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.now ? { now: () => run.now as Date } : {}),
    ...(run.memo ? { memo: run.memo } : {}),
    log,
  });
  return {
    outcome,
    checks: outcome.checks,
    transcript,
    timings,
    logs,
    check(id: string) {
      const c = outcome.checks.find((x) => x.id === id);
      if (!c)
        throw new Error(`no check ${id} in ${outcome.checks.map((x) => `${x.id}=${x.status}`).join(', ')}`);
      return c;
    },
  };
}
