import { Command, CommanderError } from 'commander';
import { ConfigError } from '../shared/config/errors';
import { terminalText } from '../shared/util/sanitize';
import { EXIT_CODES, outputSettings, printConfigError, UsageError } from './output';

/**
 * Every command, in the order the top-level help lists them, with the line it shows there and the module that
 * builds it. A command's module (and everything it imports: probes, store, SDK clients) loads only when that
 * command is asked for, so `mailprobe --help`, `--version` and a command's own `--help` load nothing they do not
 * show.
 */
const COMMANDS: Record<string, { summary: string; load(): Promise<Command> }> = {
  init: {
    summary: 'Write a starter config for a domain that validates and runs at once (asks on a terminal)',
    load: async () => (await import('./commands/init')).initCommand(),
  },
  validate: {
    summary: 'Check a config file; every problem is reported with its field path',
    load: async () => (await import('./commands/validate')).validateCommand(),
  },
  run: {
    summary: 'Run every probe once now, store the results, evaluate alerts',
    load: async () => (await import('./commands/run')).runCommand(),
  },
  watch: {
    summary: 'Run the probes on their schedules until interrupted',
    load: async () => (await import('./commands/watch')).watchCommand(),
  },
  history: {
    summary: 'Show stored results of a probe or of every probe on a target, or their --stats',
    load: async () => (await import('./commands/history')).historyCommand(),
  },
  report: {
    summary: 'Write one self-contained HTML report (charts, incidents, listings, drift)',
    load: async () => (await import('./commands/report')).reportCommand(),
  },
  status: {
    summary: 'Latest state of every probe',
    load: async () => (await import('./commands/status')).statusCommand(),
  },
  schema: {
    summary: 'Print the JSON Schema of the config file (or the field reference)',
    load: async () => (await import('./commands/schema')).schemaCommand(),
  },
  demo: {
    summary: 'Start a demo lab on loopback and run every probe against it',
    load: async () => (await import('./demo/command')).demoCommand(),
  },
  'dnsbl-sweep': {
    summary: 'Check IP addresses, CIDR ranges and domains against DNS blocklists in one run',
    load: async () => (await import('./commands/dnsbl-sweep')).sweepCommand(),
  },
  receive: {
    summary: 'Receive canaries over SMTP and record their arrival for canary probes',
    load: async () => (await import('./commands/receive')).receiveCommand(),
  },
  'inbound-mx': {
    summary: 'Check that the canary domains received by SES inbound have their MX at SES',
    load: async () => (await import('./commands/inbound-mx')).inboundMxCommand(),
  },
  causes: {
    summary: 'Explain cause ids (all, or those starting with the given prefixes)',
    load: async () => (await import('./commands/causes')).causesCommand(),
  },
  silence: {
    summary: 'Maintenance windows: matching alerts are recorded as suppressed instead of sent',
    load: async () => (await import('./commands/silence')).silenceCommand(),
  },
};

/** The command `argv` asks for (`mailprobe [options] <name> ...` or `mailprobe help <name>`), if it names one. */
function requestedCommand(argv: string[]): string | undefined {
  const args = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const first = args[0] === 'help' ? args[1] : args[0];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/**
 * The program with every command listed; only the one `argv` asks for is built in full (with its options,
 * subcommands and action), the others are placeholders that carry their summary for the top-level help.
 */
export async function buildProgram(argv: string[], version: string): Promise<Command> {
  const program = new Command('mailprobe')
    .description('Email deliverability probes: SMTP endpoints, DNS authentication, DNS blocklists, canaries')
    .version(version, '-V, --version', 'print the mailprobe version')
    .option('-q, --quiet', 'print only problems: no progress, no passing results, no informational lines')
    .option('--no-color', 'no colours (also off when NO_COLOR is set or the output is not a terminal)')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes (every command): 0 ok · 1 fail · 2 usage or config error · 3 unknown · 4 mailprobe error · 5 verdict not stored · 130 interrupted',
    );
  const wanted = requestedCommand(argv);
  for (const [name, { summary, load }] of Object.entries(COMMANDS)) {
    const command = name === wanted ? await load() : new Command(name);
    program.addCommand(command.summary(summary));
  }
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
export async function main(argv: string[], version: string): Promise<number> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  try {
    const program = await buildProgram(argv, version);
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
