import type { ConnectionOptions } from 'node:tls';
import type { Timings } from '../../model/timings';
import type { Transcript } from '../../model/transcript';
import type { SmtpEndpoint } from './config';
import type { DanePlan } from './dane';

/** Everything one SMTP session needs, resolved from config, secrets and the probe context. */
export interface SessionPlan {
  host: string;
  address: string;
  port: number;
  mode: SmtpEndpoint['mode'];
  ehloName: string;
  requireTls: boolean;
  /** The name the certificate must carry. */
  certName: string;
  /** tls.connect options: servername (SNI) and a context trusting the private CA, if any. */
  tls: Pick<ConnectionOptions, 'secureContext' | 'servername'>;
  certWarnDays: number;
  connectTimeoutMs: number;
  replyTimeoutMs: number;
  auth?: { user: string; password: string; mechanism?: 'PLAIN' | 'LOGIN' | 'CRAM-MD5' };
  envelope?: NonNullable<SmtpEndpoint['envelope']>;
  /** An advertised SIZE below this is a warning (0: never). */
  minSizeLimitBytes: number;
  relayTest?: NonNullable<SmtpEndpoint['relayTest']>;
  /** The TLSA lookup made before connecting, judged against the certificate of this session. */
  dane?: DanePlan;
}

export interface SessionIo {
  signal: AbortSignal;
  timings: Timings;
  transcript: Transcript;
  now(): Date;
}

/** Runs one phase under its timing name (ctx.timings.measure). */
export type Step = <T>(phase: string, fn: () => Promise<T>) => Promise<T>;
