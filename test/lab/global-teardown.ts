/** Jest globalTeardown of the lab tier: stops the daemons up.sh started, by their recorded PIDs. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export class LabStopError extends Error {
  override name = 'LabStopError';
}

/** down.sh waits at most 10 s per daemon before KILL; this bounds the whole. */
const DOWN_TIMEOUT_MS = 60_000;

export default function stopLab(): void {
  const script = join(__dirname, 'down.sh');
  const run = spawnSync(script, ['--quiet'], { encoding: 'utf8', timeout: DOWN_TIMEOUT_MS });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : `exit status ${run.status ?? run.signal}`;
    throw new LabStopError(`lab tier: ${script} failed (${why})\n${run.stdout ?? ''}${run.stderr ?? ''}`, {
      cause: run.error,
    });
  }
}
