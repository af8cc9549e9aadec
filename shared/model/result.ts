import type { CauseId } from './causes/index';
import type { Status } from './status';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The name of a probe kind, as its manifest (`shared/probes/<kind>/kind.ts`) declares it: `smtp`, `dns`... */
export type ProbeKind = string;

/** One verdict inside a probe run: a TLS certificate, an SPF record, one DNSBL zone. */
export interface Check {
  /** Stable id within the probe kind, e.g. `tls.certificate`, `spf.lookups`, `zone:bl.example`. */
  id: string;
  status: Status;
  /** Required whenever status is not `pass`: the catalog entry that explains it. */
  cause?: CauseId;
  /** What happened in this instance, in one line. Untrusted text must already be bounded. */
  message: string;
  observed?: JsonValue;
  expected?: JsonValue;
  /** Kind-specific facts: SMTP reply code/enhanced code/text, TXT reasons, fingerprints... */
  details?: JsonObject;
  /**
   * The probe graded this failure hard itself, having already counted its soft failures (the canary's second
   * consecutive miss): the evaluator alerts on this run instead of waiting for `failuresBeforeAlert` more.
   */
  hard?: boolean;
}

/** What a probe returns; runProbe adds identity, timing and the rolled-up status. */
export interface ProbeOutcome {
  checks: Check[];
  /** Facts the probe wants back on its next run (e.g. DNS record fingerprints for drift). Stored in the probe state. */
  memo?: JsonObject;
}

export interface ProbeResult {
  probeId: string;
  kind: ProbeKind;
  group: string;
  target: string;
  /** The slot this run belongs to (from the scheduler): the idempotency key together with probeId. */
  scheduledAt: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: Status;
  checks: Check[];
  /** Milliseconds per phase, e.g. { dns: 3, connect: 12, banner: 40 }. */
  timings: Record<string, number>;
  /** Redacted protocol transcript, bounded in lines and bytes. */
  transcript: string[];
}
