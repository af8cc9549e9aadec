/** Config errors, free of the schema library: code that only reports them (CLI, Lambda bundles) imports this. */

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

/** A setting that validates but will probably not work as the operator expects; shown by `validate` and synth. */
export interface ConfigWarning {
  /** Field path as written in the file, e.g. `targets.smtp[1].port`. */
  path: string;
  message: string;
}
