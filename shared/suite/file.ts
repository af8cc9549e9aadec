import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { ConfigIssue } from '../config/errors';
import { ConfigError } from '../config/errors';
import { parseConfig } from './load';
import type { MailprobeConfig } from './schema';

/** The names `validate`, `run` and `cdk synth` look for, in this order, when no file is named. */
export const CONFIG_FILE_NAMES = [
  'mailprobe.config.ts',
  'mailprobe.config.json',
  'mailprobe.config.yaml',
  'mailprobe.config.yml',
];

/** esbuild's diagnostic line, as tsx passes it on: `<file>:<line>:<column>: ERROR: <reason>`. */
const ESBUILD_ERROR = /^(.+):(\d+):(\d+): ERROR: (.+)$/;

/**
 * Why a file could not be loaded. A `.ts` syntax error (tsx compiles with esbuild) is reported per error with its
 * line, column, reason and the source line; anything else by its first line.
 */
function loadIssues(err: unknown, path: string): ConfigIssue[] {
  const message = err instanceof Error ? err.message : String(err);
  const located = message.split('\n').flatMap((line) => {
    const m = ESBUILD_ERROR.exec(line.trim());
    return m
      ? [{ file: m[1] as string, line: Number(m[2]), column: Number(m[3]), reason: m[4] as string }]
      : [];
  });
  if (located.length === 0) return [{ path: '(file)', message: message.split('\n')[0] ?? message }];
  let lines: string[] = [];
  try {
    lines = readFileSync(path, 'utf8').split('\n');
  } catch {
    // The location alone still says where.
  }
  return located.map((e) => {
    const source = lines[e.line - 1];
    const excerpt = source === undefined ? '' : `\n      ${source}\n      ${' '.repeat(e.column)}^`;
    return {
      path: '(file)',
      message: `${e.file}:${e.line}:${e.column + 1}: syntax error: ${e.reason}${excerpt}`,
    };
  });
}

/** The config object as written in `.ts` (default export, usually `defineConfig(...)`), `.json`, `.yaml` or `.yml`, not yet validated. */
export async function readConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  try {
    if (ext === '.ts' || ext === '.js' || ext === '.cjs') {
      const mod = (ext === '.ts' ? requireTypeScript(path) : require(path)) as { default?: unknown };
      raw = mod.default ?? mod;
    } else if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      const text = await readFile(path, 'utf8');
      // The YAML parser is loaded only for a YAML file.
      raw = ext === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
    } else {
      throw new ConfigError(file, [
        { path: '(file)', message: `unsupported extension "${ext}": use .ts, .json, .yaml or .yml` },
      ]);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, loadIssues(err, path), { cause: err });
  }
  return raw;
}

/**
 * Loads a `.ts` config with tsx's TypeScript hook registered only for this synchronous require: the TypeScript
 * loader is loaded only here, and compiles only the config file and what it imports.
 */
function requireTypeScript(path: string): unknown {
  const tsx = require('tsx/cjs/api') as { register(): () => void };
  const unregister = tsx.register();
  try {
    return require(path);
  } finally {
    unregister();
  }
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
