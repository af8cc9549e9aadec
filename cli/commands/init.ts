import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../shared/config/errors';
import { deployedSuite } from '../../shared/suite/deployed';
import { CONFIG_FILE_NAMES } from '../../shared/suite/file';
import { parseConfig } from '../../shared/suite/load';
import { configWarnings } from '../../shared/suite/warnings';
import { terminalText } from '../../shared/util/sanitize';
import { info, UsageError } from '../output';
import { FIELD_FLAGS, type StarterAnswers, starterConfig } from '../starter-config';

interface InitOptions {
  domain?: string;
  name?: string;
  smtpHost?: string;
  sendingIp: string[];
  dkimSelector: string[];
  alertEmail?: string;
  out: string;
  input: boolean;
}

interface PromptIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/**
 * The answers: flags first; on a terminal (and without `--no-input`) a question for each value no flag gave,
 * Enter keeping the default shown in brackets. Without a terminal nothing is asked: `--domain` is then required
 * and everything else takes its default, so scripts and CI never hang on a prompt.
 */
async function gatherAnswers(opts: InitOptions, io: PromptIo | undefined): Promise<StarterAnswers> {
  const answers: StarterAnswers = {
    domain: opts.domain ?? '',
    name: opts.name,
    smtpHost: opts.smtpHost,
    sendingIps: opts.sendingIp,
    dkimSelectors: opts.dkimSelector,
    alertEmail: opts.alertEmail,
  };
  if (io) {
    // Lines are read through the iterator, which buffers them: answers pasted or piped ahead of their question
    // are kept, and the end of the input (Ctrl-D) ends the questions instead of repeating one forever.
    const rl = createInterface({ input: io.input, terminal: false });
    const lines = rl[Symbol.asyncIterator]();
    let ended = false;
    const ask = async (question: string, fallback = '') => {
      if (ended) return fallback;
      io.output.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
      const next = await lines.next();
      if (next.done) ended = true;
      return (next.done ? '' : String(next.value).trim()) || fallback;
    };
    const list = (reply: string) => collect(reply, []);
    try {
      while (!answers.domain && !ended)
        answers.domain = await ask('Mail domain to monitor (e.g. example.com)');
      if (opts.smtpHost === undefined && answers.domain) {
        const fallback = `smtp.${answers.domain}`;
        const host = await ask('Submission (SMTP) host to probe on port 587', fallback);
        answers.smtpHost = host === fallback ? undefined : host; // the default stays listed as to check
      }
      if (opts.sendingIp.length === 0)
        answers.sendingIps = list(
          await ask('Public IPs your mail leaves from, comma-separated (Enter: later)'),
        );
      if (opts.dkimSelector.length === 0)
        answers.dkimSelectors = list(await ask('DKIM selectors, comma-separated (Enter: later)'));
      if (opts.alertEmail === undefined)
        answers.alertEmail = (await ask('E-mail address for alerts (Enter: later)')) || undefined;
    } finally {
      rl.close();
    }
  }
  if (!answers.domain)
    throw new UsageError('init needs --domain <domain> (no terminal to ask on, or --no-input was given)');
  return answers;
}

/** A config the generator wrote but the schema rejects: report it against the flag that supplied the value. */
function rejected(err: ConfigError, answers: StarterAnswers): UsageError {
  const issues = err.issues.map((issue) => ({
    ...issue,
    flag: FIELD_FLAGS.find((f) => f.path.test(issue.path))?.flag ?? issue.path,
  }));
  // The default submission host is made from the domain: a bad domain is reported once, against --domain.
  const derived = (flag: string) =>
    flag === '--smtp-host' && !answers.smtpHost && issues.some((i) => i.flag === '--domain');
  const lines = issues.filter((i) => !derived(i.flag)).map((i) => `  ${i.flag}: ${i.message}`);
  return new UsageError(`init: the answers do not make a valid config:\n${lines.join('\n')}`);
}

export function initCommand(): Command {
  return new Command('init')
    .description(
      'Write a starter config for a domain (DNS, submission SMTP and blocklist probes) that validates and runs at once; asks on a terminal, never overwrites',
    )
    .option('-d, --domain <domain>', 'the mail domain to monitor (an international name is fine)')
    .option('--name <name>', 'deployment name (default: from the domain, e.g. example-com)')
    .option('--smtp-host <host>', 'submission server probed on port 587 (default: smtp.<domain>)')
    .option(
      '--sending-ip <ip>',
      'a public IP or CIDR your mail leaves from (repeatable, or comma-separated)',
      collect,
      [],
    )
    .option(
      '--dkim-selector <selector>',
      'a DKIM selector of the domain (repeatable, or comma-separated)',
      collect,
      [],
    )
    .option('--alert-email <address>', 'who the deployed stack e-mails alerts to')
    .addOption(
      new Option('-o, --out <file>', 'file to write: .yaml/.yml (with comments) or .json').default(
        'mailprobe.config.yaml',
      ),
    )
    .option('--no-input', 'never ask, even on a terminal: missing values take their defaults')
    .action(async (opts: InitOptions) => {
      const out = resolve(opts.out);
      const ext = extname(out).toLowerCase();
      if (!['.yaml', '.yml', '.json'].includes(ext))
        throw new UsageError(`init writes .yaml, .yml or .json files, not "${terminalText(opts.out)}"`);
      if (existsSync(out))
        throw new UsageError(
          `${terminalText(opts.out)} already exists: not overwritten (remove it or pick --out)`,
        );
      // Without --config, validate/run read the first mailprobe.config.* of the directory: another one would win.
      if (CONFIG_FILE_NAMES.includes(basename(out))) {
        const other = CONFIG_FILE_NAMES.find((n) => existsSync(join(dirname(out), n)));
        if (other)
          throw new UsageError(
            `${other} already exists in ${terminalText(dirname(out))}: validate and run would read it, not the new file (pick --out, or remove it)`,
          );
      }

      const interactive = opts.input && process.stdin.isTTY === true && process.stderr.isTTY === true;
      const answers = await gatherAnswers(
        opts,
        interactive ? { input: process.stdin, output: process.stderr } : undefined,
      );
      const format = ext === '.json' ? 'json' : 'yaml';
      const starter = starterConfig(answers, format);
      // The file must validate as written, exactly as `mailprobe validate` will read it.
      let probes: number;
      let config: ReturnType<typeof parseConfig>;
      try {
        config = parseConfig(
          format === 'json' ? JSON.parse(starter.text) : parseYaml(starter.text),
          opts.out,
        );
        probes = Object.values(deployedSuite(config).targets).reduce((n, t) => n + t.length, 0);
      } catch (err) {
        if (err instanceof ConfigError) throw rejected(err, answers);
        throw err;
      }
      try {
        writeFileSync(out, starter.text, { flag: 'wx' }); // exclusive: never replaces a file created meanwhile
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST')
          throw new UsageError(`${terminalText(opts.out)} already exists: not overwritten`);
        throw err;
      }

      for (const w of configWarnings(config))
        process.stderr.write(`${terminalText(`warning: ${w.path}: ${w.message}`)}\n`);
      const file = terminalText(opts.out);
      process.stdout.write(`wrote ${file}: valid — ${probes} probes in ${config.probes.length} groups\n`);
      if (starter.fillIn.length > 0) {
        process.stdout.write(`fill in${format === 'yaml' ? ' (marked FILL IN in the file)' : ''}:\n`);
        for (const f of starter.fillIn) process.stdout.write(`  ${f.path}: ${f.what}\n`);
      }
      const flag =
        CONFIG_FILE_NAMES.includes(basename(out)) && dirname(out) === process.cwd() ? '' : ` -c ${file}`;
      info(`next: mailprobe validate${flag} && mailprobe run${flag}`);
    });
}
