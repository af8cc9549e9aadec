import type { ProbeSpec } from '../config/expand';
import type { MailprobeConfig } from '../config/schema';
import type { CauseId } from '../model/causes/index';
import type { Check, JsonObject, ProbeResult } from '../model/result';
import { worstStatus } from '../model/status';
import { Timings } from '../model/timings';
import { Transcript } from '../model/transcript';
import type { CanaryLedger } from '../probes/canary/ledger';
import type { SecretResolver } from '../probes/types';
import { SecretUnavailableError } from '../secrets/resolve';
import type { Log } from '../util/log';

export interface ExecuteDeps {
  config: MailprobeConfig;
  secrets: SecretResolver;
  /** Where canary sends and arrivals are recorded: the results table, through the same DynamoDB client. */
  canary?: CanaryLedger;
  log: Log;
  now: () => Date;
}

/** Sentinel settled when the time budget is spent, whether or not the probe honours its signal. */
class ProbeTimeout extends Error {
  override readonly name = 'ProbeTimeout';
}

function runnerCheck(cause: CauseId, message: string): Check {
  return { id: 'probe', status: 'unknown', cause, message };
}

/**
 * Runs one probe under a hard time budget and always returns a result: a crash, a missing secret or a timeout
 * becomes an `unknown` result naming its cause, never an exception and never a lost run.
 */
export async function executeProbe(
  spec: ProbeSpec,
  scheduledAt: Date,
  memo: JsonObject | undefined,
  deps: ExecuteDeps,
): Promise<{ result: ProbeResult; memo?: JsonObject }> {
  const started = deps.now();
  const startedMs = performance.now();
  const controller = new AbortController();
  const timings = new Timings();
  const transcript = new Transcript();
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new ProbeTimeout(`no verdict within ${spec.timeoutMs} ms`));
      reject(controller.signal.reason);
    }, spec.timeoutMs);
  });

  let checks: Check[];
  let newMemo: JsonObject | undefined;
  try {
    const outcome = await Promise.race([
      spec.definition.run(spec.target, spec.group, {
        signal: controller.signal,
        scheduledAt,
        now: deps.now,
        memo,
        config: deps.config,
        secrets: deps.secrets,
        canary: deps.canary,
        transcript,
        timings,
        log: deps.log,
      }),
      budget,
    ]);
    checks = outcome.checks;
    newMemo = outcome.memo;
  } catch (err) {
    if (err instanceof ProbeTimeout) {
      checks = [runnerCheck('probe.timeout', `probe aborted after ${spec.timeoutMs} ms without a verdict`)];
    } else if (err instanceof SecretUnavailableError) {
      checks = [runnerCheck('probe.secret-unavailable', err.message)];
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      deps.log.error('probe crashed', { probeId: spec.id, error: transcript.mask(e.stack ?? e.message) });
      checks = [runnerCheck('probe.crashed', transcript.mask(`${e.name}: ${e.message}`).slice(0, 500))];
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }

  const finished = deps.now();
  return {
    result: {
      probeId: spec.id,
      kind: spec.kind,
      group: spec.group.name,
      target: spec.targetName,
      scheduledAt: scheduledAt.toISOString(),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - startedMs),
      status: worstStatus(checks.map((c) => c.status)),
      checks,
      timings: timings.values,
      transcript: transcript.toLines(),
    },
    memo: newMemo,
  };
}
