/** Milliseconds per named phase of one probe run. */
export class Timings {
  readonly values: Record<string, number> = {};

  record(phase: string, ms: number): void {
    this.values[phase] = Math.round((this.values[phase] ?? 0) + ms);
  }

  /** Runs `fn` and adds its wall time to `phase`, whether it resolves or throws. */
  async measure<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.record(phase, performance.now() - start);
    }
  }
}
