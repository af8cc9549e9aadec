import { z } from 'zod';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `90s`, `5m`, `4h`, `7d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** A duration written as `<n>s|m|h|d` in config, parsed to milliseconds. */
export const duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'must be a duration such as 90s, 5m, 4h or 7d' })
  .transform((s) => parseDuration(s) as number);
