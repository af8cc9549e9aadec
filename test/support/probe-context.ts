import type { MailprobeConfig } from '../../shared/config/schema';
import { Timings } from '../../shared/model/timings';
import { Transcript } from '../../shared/model/transcript';
import type { ProbeContext } from '../../shared/probes/types';
import { silentLog } from '../../shared/util/log';

/** A ProbeContext for calling a probe directly, as runProbe would; any field can be replaced. */
export function probeContext(config: MailprobeConfig, overrides: Partial<ProbeContext> = {}): ProbeContext {
  return {
    signal: new AbortController().signal,
    scheduledAt: new Date(),
    now: () => new Date(),
    memo: undefined,
    config,
    secrets: async () => {
      throw new Error('this test configures no secrets');
    },
    transcript: new Transcript(),
    timings: new Timings(),
    log: silentLog,
    ...overrides,
  };
}
