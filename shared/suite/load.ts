import type { z } from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from '../config/errors';
import { configSchema, type MailprobeConfig } from './schema';
import { suiteIssues } from './volume';

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

/**
 * Validates an already-parsed object (the schema, then what only the whole suite shows: target lists and the
 * probes-per-minute ceiling); `source` names it in errors. The one validation of `validate`, the CLI and synth.
 */
export function parseConfig(input: unknown, source = 'config'): MailprobeConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(source, issuesOf(parsed.error));
  const issues = suiteIssues(parsed.data);
  if (issues.length > 0) throw new ConfigError(source, issues);
  return parsed.data;
}
