/** Jest globalSetup of the lab tier: starts the daemons with up.sh, or fails the tier loudly. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { labEnv } from './ports';

export class LabStartError extends Error {
  override name = 'LabStartError';
}

/** up.sh waits at most 15 s for the daemons itself; this bounds everything else it does. */
const UP_TIMEOUT_MS = 60_000;

export default function startLab(): void {
  const script = join(__dirname, 'up.sh');
  const run = spawnSync(script, [], {
    env: { ...process.env, ...labEnv() },
    encoding: 'utf8',
    timeout: UP_TIMEOUT_MS,
  });
  if (run.error || run.status !== 0) {
    const why = run.error ? run.error.message : `exit status ${run.status ?? run.signal}`;
    throw new LabStartError(
      `lab tier: ${script} failed (${why}); the lab tests cannot run without their daemons.\n` +
        `${run.stdout ?? ''}${run.stderr ?? ''}`,
      { cause: run.error },
    );
  }
}
