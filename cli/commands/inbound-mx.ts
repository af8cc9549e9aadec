import { Command } from 'commander';
import { createResolver } from '../../shared/dns/resolver';
import { checkSesInboundMx } from '../../shared/probes/canary/ses-inbound-mx';
import { terminalText } from '../../shared/util/sanitize';
import { loadConfigFrom } from '../context';
import { exitCodeFor, outputSettings, statusTag, styleFor, UsageError } from '../output';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * `mailprobe inbound-mx`: checks that each canary domain received by SES inbound (mailboxes with arrival via
 * ledger) publishes the MX of SES inbound in the stack's region, on the config's resolver.
 */
export function inboundMxCommand(): Command {
  return new Command('inbound-mx')
    .description('Check that the canary domains received by SES inbound have their MX at SES in the region')
    .option('-c, --config <file>', 'config file (default: ./mailprobe.config.{ts,json,yaml})')
    .option('--region <region>', 'region of the deployed stack (default: AWS_REGION)')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { config?: string; region?: string; json?: boolean }) => {
      const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region || !REGION.test(region))
        throw new UsageError(
          `--region ${region ?? ''} is needed: the AWS region of the stack, e.g. eu-west-1`,
        );
      const config = await loadConfigFrom(opts.config);
      const domains = [
        ...new Set(
          config.targets.mailboxes
            .filter((m) => m.arrival.via === 'ledger')
            .map((m) => m.address.slice(m.address.lastIndexOf('@') + 1).toLowerCase()),
        ),
      ].sort();
      if (domains.length === 0)
        throw new UsageError(
          'no seed mailbox uses arrival: { via: ledger }: nothing is received by SES inbound',
        );
      const resolve = createResolver(config.resolver);
      const checks = await Promise.all(domains.map((d) => checkSesInboundMx(d, region, resolve)));
      if (opts.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else {
        const style = styleFor(process.stdout);
        for (const c of checks) {
          if (outputSettings.quiet && c.status === 'pass') continue;
          process.stdout.write(`${statusTag(c.status, style)} ${terminalText(c.message)}\n`);
        }
      }
      process.exitCode = exitCodeFor(checks.map((c) => c.status));
    });
}
