import { z } from 'zod';
import { configSchema } from '../shared/suite/schema';

/** The config format as JSON Schema (draft 2020-12), for editors and CI validation of JSON/YAML files. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
};

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
  example: string;
}

const code = (v: unknown) => `\`${JSON.stringify(v)}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' | ');
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object')
    return `map of ${typeOf(s.additionalProperties)}`;
  const base = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const range =
    s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? ''}..${s.maximum ?? ''}` : '';
  return `${base}${s.format ? ` (${s.format})` : ''}${range}`;
}

function exampleOf(s: JsonSchema): unknown {
  if (s.examples?.[0] !== undefined) return s.examples[0];
  if (s.default !== undefined && !(Array.isArray(s.default) && s.default.length === 0)) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const variants = s.anyOf ?? s.oneOf;
  if (variants?.[0])
    return exampleOf(variants.find((v) => v.const === undefined || v.const !== '') ?? variants[0]);
  if (s.type === 'array') {
    const item = s.items ? exampleOf(s.items) : undefined;
    return item === undefined ? undefined : [item];
  }
  if (s.type === 'boolean') return true;
  if (s.type === 'number' || s.type === 'integer') return s.minimum ?? 1;
  if (s.format === 'email') return 'user@example.com';
  if (s.type === 'object') return undefined;
  return '…';
}

/** The object variants of a union, each labelled by its discriminator (`kind: smtp`, `via: imap`). */
function objectVariants(s: JsonSchema): { label: string; schema: JsonSchema }[] {
  const variants = (s.anyOf ?? s.oneOf ?? []).filter((v) => v.type === 'object' && v.properties);
  return variants.map((v) => {
    const [key, prop] = Object.entries(v.properties ?? {}).find(([, p]) => p.const !== undefined) ?? [];
    return { label: key && prop ? ` (${key}: ${String(prop.const)})` : '', schema: v };
  });
}

function walk(s: JsonSchema, path: string, rows: Row[], required: boolean): void {
  const example = exampleOf(s);
  if (path)
    rows.push({
      path,
      type: typeOf(s),
      default: s.default !== undefined ? code(s.default) : required ? 'required' : '',
      description: s.description ?? '',
      example: example === undefined ? '' : code(example),
    });
  if (s.properties) {
    for (const [key, prop] of Object.entries(s.properties))
      walk(prop, path ? `${path}.${key}` : key, rows, s.required?.includes(key) ?? false);
    return;
  }
  if (s.type === 'array' && s.items) {
    const items = s.items;
    if (items.properties)
      walk({ ...items, description: undefined, default: undefined }, `${path}[]`, rows, false);
    for (const v of objectVariants(items))
      walk({ ...v.schema, description: undefined }, `${path}[]${v.label}`, rows, false);
    return;
  }
  if (
    s.additionalProperties &&
    typeof s.additionalProperties === 'object' &&
    s.additionalProperties.properties
  )
    walk({ ...s.additionalProperties, description: undefined }, `${path}.<name>`, rows, false);
  for (const v of objectVariants(s))
    walk({ ...v.schema, description: undefined }, `${path}${v.label}`, rows, false);
}

/** docs/config-reference.md: every field of the config with its type, default, description and an example. */
export function configReference(): string {
  const rows: Row[] = [];
  walk(configJsonSchema() as JsonSchema, '', rows, false);
  const unique = [...new Map(rows.map((r) => [r.path, r] as const)).values()];
  return [
    '# Config reference',
    '',
    'Generated from the config schema by `mailprobe schema --reference` (a test keeps this file in sync: edit the',
    'schema, then run `npx mailprobe schema --reference > docs/config-reference.md`). `a[]` is an element of the',
    'list `a`; `(kind: smtp)` names one variant of a list of alternatives. Durations are strings such as `90s`,',
    '`15m`, `24h`, `7d`; secret references are `{ secret: "name", key? }` or `{ env: "VAR" }`.',
    '',
    '| field | type | default | description | example |',
    '| --- | --- | --- | --- | --- |',
    ...unique.map(
      (r) =>
        `| \`${r.path}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} | ${cell(r.example)} |`,
    ),
    '',
  ].join('\n');
}
