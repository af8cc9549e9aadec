import { Command, InvalidArgumentError } from 'commander';
import { resolverSettings } from '../../shared/config/resolver';
import { type ReceivedMessage, startReceiver } from '../../shared/probes/canary/receiver';
import { DynamoCanaryLedger } from '../../shared/store/canary-ledger';
import { openEmbeddedStore } from '../../shared/store/embedded';
import { terminalText } from '../../shared/util/sanitize';
import { cliLog, DEFAULT_DATA_DIR } from '../context';
import { info, outputSettings } from '../output';

/** One line per received message on stdout; every field came from the sender, so it is escaped. */
function receivedLine(m: ReceivedMessage): string {
  const from = `from ${m.remoteAddress} <${m.mailFrom}>`;
  if (!m.token) return terminalText(`${m.receivedAt.toISOString()} ignored (not a canary) ${from}`);
  const verdicts = Object.entries(m.verdicts ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const what = m.recorded ? `recorded ${m.folder}` : 'ignored (no canary of this deployment)';
  return terminalText(`${m.receivedAt.toISOString()} ${m.token} ${what} ${verdicts} ${from}`);
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `mailprobe receive`: a local SMTP receiver that records canary arrivals in the embedded store. */
export function receiveCommand(): Command {
  return new Command('receive')
    .description(
      'Receive canaries over SMTP and record their arrival (with SPF/DKIM/DMARC verdicts) for canary probes ' +
        'whose mailbox uses arrival: { via: ledger }',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (25 needs root)', port, 2525)
    .option(
      '--dns <server>',
      'DNS server for SPF/DKIM/DMARC lookups (repeatable; default: the system resolvers)',
      collect,
      [],
    )
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .action(async (opts: { host: string; port: number; dns: string[]; dataDir: string }) => {
      const resolver = resolverSettings.parse({ servers: opts.dns });
      const embedded = await openEmbeddedStore({ dataDir: opts.dataDir });
      const ledger = new DynamoCanaryLedger({ client: embedded.client, tableName: embedded.tableName });
      const receiver = await startReceiver({
        host: opts.host,
        port: opts.port,
        ledger,
        resolver,
        log: cliLog,
        onMessage: (m) => {
          if (outputSettings.quiet && m.recorded) return;
          process.stdout.write(`${receivedLine(m)}\n`);
        },
      });
      info(`mailprobe receive: listening on ${receiver.host}:${receiver.port}; Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await receiver.close();
      await embedded.close();
    });
}
