const STATUSES = ['pass', 'warn', 'fail', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];

/** Severity order used to roll checks up into one status: a failure outranks not knowing, which outranks a warning. */
const RANK: Record<Status, number> = { pass: 0, warn: 1, unknown: 2, fail: 3 };

export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'pass';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}
