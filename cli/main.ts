import { Command, CommanderError } from 'commander';
import { ConfigError } from '../shared/config/errors';
import { causesCommand } from './commands/causes';
import { sweepCommand } from './commands/dnsbl-sweep';
import { historyCommand } from './commands/history';
import { receiveCommand } from './commands/receive';
import { reportCommand } from './commands/report';
import { runCommand } from './commands/run';
import { schemaCommand } from './commands/schema';
import { silenceCommand } from './commands/silence';
import { statusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { watchCommand } from './commands/watch';
import { demoCommand } from './demo/command';
import { EXIT_CODES, printConfigError } from './output';

export function buildProgram(): Command {
  const program = new Command('mailprobe')
    .description('Email deliverability probes: SMTP endpoints, DNS authentication, DNS blocklists')
    .showHelpAfterError()
    .exitOverride()
    .addCommand(runCommand())
    .addCommand(watchCommand())
    .addCommand(historyCommand())
    .addCommand(reportCommand())
    .addCommand(statusCommand())
    .addCommand(validateCommand())
    .addCommand(schemaCommand())
    .addCommand(demoCommand())
    .addCommand(sweepCommand())
    .addCommand(receiveCommand())
    .addCommand(causesCommand())
    .addCommand(silenceCommand());
  // Usage errors anywhere exit 2 through main(), never with commander's own exit code 1 (which means "fail").
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of program.commands.flatMap(all)) command.exitOverride().showHelpAfterError();
  return program;
}

/** Runs the CLI and resolves to the process exit code. Commands set `process.exitCode`. */
export async function main(argv: string[]): Promise<number> {
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
    process.stderr.write(`mailprobe: ${(err as Error).message}\n`);
    return EXIT_CODES.error;
  }
}
