/** One measured figure of a benchmark module. */
export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  /** The same figure measured the naive way, when there is one to compare with. */
  baseline?: number;
  note?: string;
}

/** What every `bench/<name>.bench.ts` exports. */
export type BenchModule = { run(): Promise<BenchRow[]> };
