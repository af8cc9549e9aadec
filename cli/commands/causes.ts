import { Command } from 'commander';
import { causes } from '../../shared/model/causes/index';
import { jsonText } from '../../shared/util/sanitize';
import { UsageError } from '../output';

/** The cause catalog, for an operator reading an alert: every cause id with its explanation and fix. */
export function causesCommand(): Command {
  return new Command('causes')
    .description('Explain cause ids (all, or those starting with the given prefixes, e.g. smtp.auth dnsbl)')
    .argument('[prefix...]', 'cause id prefixes')
    .option('--json', 'print the catalog entries as JSON')
    .action((prefixes: string[], opts: { json?: boolean }) => {
      const entries = Object.entries(causes).filter(
        ([id]) => prefixes.length === 0 || prefixes.some((p) => id.startsWith(p)),
      );
      if (entries.length === 0) throw new UsageError(`no cause id starts with ${prefixes.join(' or ')}`);
      if (opts.json) {
        process.stdout.write(`${jsonText(Object.fromEntries(entries), 2)}\n`);
        return;
      }
      const text = entries.map(
        ([id, c]) => `${id}\n  ${c.title}\n  Why: ${c.explanation}\n  Fix: ${c.remediation}`,
      );
      process.stdout.write(`${text.join('\n\n')}\n`);
    });
}
