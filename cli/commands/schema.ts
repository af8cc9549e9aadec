import { Command } from 'commander';
import { z } from 'zod';
import { configSchema } from '../../shared/suite/schema';
import { jsonText } from '../../shared/util/sanitize';

/** The config format as JSON Schema (draft 2020-12), for editors and CI validation of JSON/YAML files. */
function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function schemaCommand(): Command {
  return new Command('schema').description('Print the JSON Schema of the config file').action(() => {
    process.stdout.write(`${jsonText(configJsonSchema(), 2)}\n`);
  });
}
