import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../shared/config/errors';
import { terminalText } from '../shared/util/sanitize';
import { causesCommand } from './commands/causes';
import { sweepCommand } from './commands/dnsbl-sweep';
import { historyCommand } from './commands/history';
import { inboundMxCommand } from './commands/inbound-mx';
import { receiveCommand } from './commands/receive';
import { reportCommand } from './commands/report';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { silenceCommand } from './commands/silence';
import { statusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { watchCommand } from './commands/watch';
import { demoCommand } from './demo/command';
import { EXIT_CODES, outputSettings, printConfigError, UsageError } from './output';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('mailprobe')
    .description('Email deliverability probes: SMTP endpoints, DNS authentication, DNS blocklists, canaries')
    .version(packageVersion(), '-V, --version', 'print the mailprobe version')
    .option('-q, --quiet', 'print only problems: no progress, no passing results, no informational lines')
    .option('--no-color', 'no colours (also off when NO_COLOR is set or the output is not a terminal)')
    .showHelpAfterError()
    .exitOverride()
    .addCommand(validateCommand())
    .addCommand(runCommand())
    .addCommand(watchCommand())
    .addCommand(historyCommand())
    .addCommand(reportCommand())
    .addCommand(statusCommand())
    .addCommand(schemaCommand())
    .addCommand(demoCommand())
    .addCommand(sweepCommand())
    .addCommand(receiveCommand())
    .addCommand(inboundMxCommand())
    .addCommand(causesCommand())
    .addCommand(silenceCommand())
    .addHelpText(
      'after',
      '\nExit codes (every command): 0 ok · 1 fail · 2 usage or config error · 3 unknown · 4 mailprobe error · 130 interrupted',
    );
  program.hook('preAction', (_root, action) => {
    const opts = action.optsWithGlobals<{ quiet?: boolean; color?: boolean }>();
    outputSettings.quiet = opts.quiet === true;
    outputSettings.colour = opts.color !== false;
  });
  // Usage errors anywhere exit 2 through main(), never with commander's own exit code 1 (which means "fail").
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of program.commands.flatMap(all)) command.exitOverride().showHelpAfterError();
  return program;
}

/**
 * A reader that stops early (`mailprobe schema | head`) closes the pipe: that is not an error. Stop writing and
 * leave with the exit code earned so far, instead of a stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(Number(process.exitCode ?? 0));
  });
}

/** Runs the CLI and resolves to the process exit code. Commands set `process.exitCode`. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_CODES.config;
    if (err instanceof ConfigError) {
      printConfigError(err);
      return EXIT_CODES.config;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`mailprobe: ${err.message}\n`);
      return EXIT_CODES.config;
    }
    process.stderr.write(`mailprobe: ${terminalText((err as Error).message)}\n`);
    return EXIT_CODES.error;
  }
}
