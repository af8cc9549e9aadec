/**
 * Ctrl-C and SIGTERM while results are being written. The first signal stops starting new work and lets what
 * is in flight finish and be stored, and says so; the second says it is still waiting (the write in flight is
 * what a hasty exit would lose); the third exits at once.
 */
export interface GracefulStop {
  /** Aborted by the first signal. */
  signal: AbortSignal;
  dispose(): void;
}

const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;
type StopSignal = keyof typeof SIGNAL_NUMBER;

export function gracefulStop(
  inFlight: () => string,
  out: NodeJS.WritableStream = process.stderr,
): GracefulStop {
  const controller = new AbortController();
  let count = 0;
  let first: StopSignal | undefined;
  const handler = (name: StopSignal) => {
    count += 1;
    first ??= name;
    if (count === 1) {
      controller.abort();
      out.write(`\nmailprobe: ${name} received: stopping after ${inFlight()} (results are stored)\n`);
    } else if (count === 2) {
      out.write(`mailprobe: still finishing ${inFlight()}; a third signal exits now and loses it\n`);
    } else {
      out.write('mailprobe: exiting now; the results in flight are lost\n');
      process.exit(128 + SIGNAL_NUMBER[first]);
    }
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
