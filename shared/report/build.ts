import type { ResultStore } from '../store/types';
import { type CollectOptions, collectHistory } from './collect';
import { renderReport } from './html';

/** Reads the aggregates of the window from `store` and renders the self-contained HTML report. */
export async function buildReport(
  store: ResultStore,
  options: CollectOptions & { generatedAt?: Date; title?: string },
): Promise<string> {
  const generatedAt = options.generatedAt ?? new Date();
  const collected = await collectHistory(store, { until: generatedAt, ...options });
  return renderReport(collected, { generatedAt, ...(options.title ? { title: options.title } : {}) });
}
