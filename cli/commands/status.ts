import { Command } from 'commander';
import { openEmbeddedStore } from '../../shared/store/embedded';
import { DEFAULT_DATA_DIR } from '../context';
import { exitCodeFor, formatStates, styleFor } from '../output';

export function statusCommand(): Command {
  return new Command('status')
    .description('Latest state of every probe')
    .option('--json', 'print the states as JSON')
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .action(async (opts: { json?: boolean; dataDir: string }) => {
      const embedded = await openEmbeddedStore({ dataDir: opts.dataDir });
      try {
        const states = (await embedded.store.listStates()).sort((a, b) => a.probeId.localeCompare(b.probeId));
        process.stdout.write(
          `${opts.json ? JSON.stringify(states, null, 2) : formatStates(states, styleFor(process.stdout))}\n`,
        );
        process.exitCode = exitCodeFor(states.map((s) => s.lastStatus));
      } finally {
        await embedded.close();
      }
    });
}
