import type { z } from 'zod';
import { configSchema, type MailprobeConfig } from './schema';

export interface ConfigIssue {
  /** Field path as written in the file, e.g. `probes[2].schedule`. */
  path: string;
  message: string;
}

/** A configuration that cannot be used, with every problem found (not just the first). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      options,
    );
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

function issuesOf(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({
        path: formatPath([...issue.path, k]),
        message: 'unknown field (misspelt?)',
      }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest rather than "invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return best.map((i) => ({ path: formatPath([...issue.path, ...i.path]), message: i.message }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** Validates an already-parsed object; `source` names it in errors. */
export function parseConfig(input: unknown, source = 'config'): MailprobeConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(source, issuesOf(parsed.error));
  return parsed.data;
}
