import { Command } from 'commander';
import { deployedSuite } from '../../shared/suite/deployed';
import { findConfigFile, loadConfig } from '../../shared/suite/file';
import { configWarnings } from '../../shared/suite/warnings';
import { terminalText } from '../../shared/util/sanitize';

export function validateCommand(): Command {
  return new Command('validate')
    .description('Check a config file; every problem is reported with its field path (exit 2 when invalid)')
    .option('-c, --config <file>', 'config file (default: ./mailprobe.config.{ts,json,yaml})')
    .action(async (opts: { config?: string }) => {
      const file = findConfigFile(opts.config);
      const config = await loadConfig(file);
      // The same expansion `cdk synth` bundles: a target list that cannot be expanded fails here too.
      const probes = Object.values(deployedSuite(config).targets).reduce((n, t) => n + t.length, 0);
      for (const w of configWarnings(config))
        process.stderr.write(`${terminalText(`warning: ${w.path}: ${w.message}`)}\n`);
      process.stdout.write(`${file}: valid — ${probes} probes in ${config.probes.length} groups\n`);
    });
}
