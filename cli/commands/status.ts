import { Command } from 'commander';
import { jsonText } from '../../shared/util/sanitize';
import { openReadStore, type StoreOptions, withStoreOptions } from '../context';
import { exitCodeFor, formatStates, outputSettings, styleFor } from '../output';

export function statusCommand(): Command {
  return withStoreOptions(new Command('status').description('Latest state of every probe'))
    .option('--json', 'print the states as JSON')
    .action(async (opts: StoreOptions & { json?: boolean }) => {
      const embedded = await openReadStore(opts);
      try {
        const states = (await embedded.store.listStates()).sort((a, b) => a.probeId.localeCompare(b.probeId));
        const shown = outputSettings.quiet ? states.filter((s) => s.lastStatus !== 'pass') : states;
        process.stdout.write(
          `${opts.json ? jsonText(states, 2) : formatStates(shown, styleFor(process.stdout))}\n`,
        );
        process.exitCode = exitCodeFor(states.map((s) => s.lastStatus));
      } finally {
        await embedded.close();
      }
    });
}
