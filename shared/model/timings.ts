/** Milliseconds per named phase of one probe run, and the phases still running (what a timeout interrupted). */
export class Timings {
  readonly values: Record<string, number> = {};
  private readonly running = new Map<string, number>();

  record(phase: string, ms: number): void {
    this.values[phase] = Math.round((this.values[phase] ?? 0) + ms);
  }

  /** Runs `fn` and adds its wall time to `phase`, whether it resolves or throws. */
  async measure<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    this.running.set(phase, (this.running.get(phase) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const left = (this.running.get(phase) ?? 1) - 1;
      if (left > 0) this.running.set(phase, left);
      else this.running.delete(phase);
      this.record(phase, performance.now() - start);
    }
  }

  /** Phases started and not yet finished, oldest first: the wait a time budget cut short. */
  inProgress(): string[] {
    return [...this.running.keys()];
  }
}
