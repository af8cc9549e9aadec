import { Command } from 'commander';
import { jsonText } from '../../shared/util/sanitize';
import { configJsonSchema, configReference } from '../config-reference';

export function schemaCommand(): Command {
  return new Command('schema')
    .description(
      'Print the JSON Schema of the config file (or with --reference, the markdown field reference)',
    )
    .option(
      '--reference',
      'print docs/config-reference.md: every field with type, default, description, example',
    )
    .action((opts: { reference?: boolean }) => {
      process.stdout.write(opts.reference ? configReference() : `${jsonText(configJsonSchema(), 2)}\n`);
    });
}
