import { Command } from 'commander';
import { expandProbes } from '../../shared/config/expand';
import { findConfigFile, loadConfig } from '../../shared/config/file';
import { configWarnings } from '../../shared/config/warnings';
import { probes } from '../../shared/probes/registry';
import { terminalText } from '../../shared/util/sanitize';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check a config file; every problem is reported with its field path (exit 2 when invalid)')
    .option('-c, --config <file>', 'config file (default: ./mailprobe.config.{ts,json,yaml})')
    .action(async (opts: { config?: string }) => {
      const file = findConfigFile(opts.config);
      const config = await loadConfig(file);
      const specs = expandProbes(config, probes);
      for (const w of configWarnings(config))
        process.stderr.write(`${terminalText(`warning: ${w.path}: ${w.message}`)}\n`);
      process.stdout.write(`${file}: valid — ${specs.length} probes in ${config.probes.length} groups\n`);
    });
}
