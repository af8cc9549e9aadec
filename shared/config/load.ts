import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
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

export const CONFIG_FILE_NAMES = [
  'mailprobe.config.ts',
  'mailprobe.config.json',
  'mailprobe.config.yaml',
  'mailprobe.config.yml',
];

/** The config object as written in `.ts` (default export, usually `defineConfig(...)`), `.json`, `.yaml` or `.yml`, not yet validated. */
export async function readConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    if (ext === '.ts' || ext === '.js' || ext === '.cjs') {
      const mod = require(path) as { default?: unknown };
      raw = mod.default ?? mod;
    } else if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      const text = await readFile(path, 'utf8');
      raw = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } else {
      throw new ConfigError(file, [
        { path: '(file)', message: `unsupported extension "${ext}": use .ts, .json, .yaml or .yml` },
      ]);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      file,
      [{ path: '(file)', message: (err as Error).message.split('\n')[0] ?? String(err) }],
      { cause: err },
    );
  }
  return raw;
}

/** Reads and validates a config file. */
export async function loadConfig(file: string): Promise<MailprobeConfig> {
  return parseConfig(await readConfigFile(file), file);
}

/** The config file named explicitly, else the first `mailprobe.config.*` in `dir`. */
export function findConfigFile(explicit: string | undefined, dir = process.cwd()): string {
  if (explicit) return explicit;
  const found = CONFIG_FILE_NAMES.find((name) => existsSync(join(dir, name)));
  if (!found) {
    throw new ConfigError('(no config file)', [
      { path: '(file)', message: `none of ${CONFIG_FILE_NAMES.join(', ')} in ${dir}; pass --config <file>` },
    ]);
  }
  return join(dir, found);
}
