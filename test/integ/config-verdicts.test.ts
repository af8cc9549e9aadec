import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { stackFromFile } from '../../infra/from-file';
import { ConfigError } from '../../shared/config/errors';

// `mailprobe validate` (the real CLI) and the stack `cdk synth` builds give one verdict on the same bad files:
// every problem with the same path and message. The configs are the mistakes of issue 16, item 9.
jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'mailprobe-verdicts-'));

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const smtp = { name: 'submission', host: 'smtp.example.com', port: 587 };
const base = {
  name: 'verdicts',
  targets: { smtp: [smtp], domains: [{ name: 'example.com' }], sendingIps: ['192.0.2.10'] },
  probes: [
    { name: 'smtp', kind: 'smtp', schedule: 'rate(5 minutes)' },
    { name: 'dnsbl', kind: 'dnsbl', schedule: 'rate(15 minutes)' },
  ],
};
type Base = typeof base;
const withSmtp = (extra: Record<string, unknown>) => ({
  ...base,
  targets: { ...base.targets, smtp: [{ ...smtp, ...extra }] },
});
const withSchedule = (schedule: string) => ({
  ...base,
  probes: [{ ...base.probes[0], schedule }, base.probes[1]],
});
const notPem = join(dir, 'not-a-ca.pem');
writeFileSync(notPem, 'hello\n');

/** Each bad config, as a file, with the path of the problem it must be rejected for. */
const BAD: { name: string; config: Base | Record<string, unknown> | string; path: string }[] = [
  { name: 'cron minute 99', config: withSchedule('cron(99 * * * ? *)'), path: 'probes[0].schedule' },
  {
    name: 'rate of 99999999999 days',
    config: withSchedule('rate(99999999999 days)'),
    path: 'probes[0].schedule',
  },
  {
    name: 'cron day-of-month and day-of-week both set',
    config: withSchedule('cron(0 9 1 * MON *)'),
    path: 'probes[0].schedule',
  },
  {
    name: 'empty label in host',
    config: withSmtp({ host: 'smtp..example.com' }),
    path: 'targets.smtp[0].host',
  },
  { name: 'URL as host', config: withSmtp({ host: 'smtp://x:587' }), path: 'targets.smtp[0].host' },
  { name: 'port in host', config: withSmtp({ host: 'host:587' }), path: 'targets.smtp[0].host' },
  {
    name: 'IPv4 literal out of range',
    config: withSmtp({ host: '999.1.1.1' }),
    path: 'targets.smtp[0].host',
  },
  { name: 'space in host', config: withSmtp({ host: 'smtp example.com' }), path: 'targets.smtp[0].host' },
  { name: 'unknown time zone', config: { ...base, timezone: 'Mars/Olympus' }, path: 'timezone' },
  {
    name: 'unreadable tls.caFile',
    config: withSmtp({ tls: { caFile: join(dir, 'missing.pem') } }),
    path: 'targets.smtp[0].tls.caFile',
  },
  {
    name: 'tls.caFile without a certificate',
    config: withSmtp({ tls: { caFile: notPem } }),
    path: 'targets.smtp[0].tls.caFile',
  },
  {
    name: 'tls.caFile and caPem',
    config: withSmtp({ tls: { caFile: notPem, caPem: '-----BEGIN CERTIFICATE-----' } }),
    path: 'targets.smtp[0].tls.caPem',
  },
  {
    name: 'sendingIps range over maxRangeSize',
    config: { ...base, targets: { ...base.targets, sendingIps: ['10.0.0.0/8'] } },
    path: 'targets.sendingIps[0]',
  },
  {
    name: '1,310,720 probes a minute',
    config: {
      ...base,
      targets: { ...base.targets, sendingIps: Array.from({ length: 20 }, (_, i) => `10.${i}.0.0/16`) },
      probes: [
        { name: 'dnsbl', kind: 'dnsbl', schedule: 'rate(1 minute)', options: { maxRangeSize: 65536 } },
      ],
    },
    path: 'probes',
  },
  {
    name: 'a CIDR range as a domain sending IP',
    config: {
      ...base,
      targets: { ...base.targets, domains: [{ name: 'example.com', sendingIps: ['10.0.0.0/8'] }] },
    },
    path: 'targets.domains[0].sendingIps[0]',
  },
  {
    name: 'a group naming an unknown target',
    config: { ...base, probes: [{ ...base.probes[0], targets: ['nope'] }, base.probes[1]] },
    path: 'probes[0].targets[0]',
  },
  {
    name: 'static egress for an unknown group',
    config: { ...base, deploy: { staticEgress: { groups: ['nope'] } } },
    path: 'deploy.staticEgress.groups[0]',
  },
  {
    name: 'a .ts config with a syntax error',
    config: "export default {\n  name: 'x',\n  targets: { domains: [{ name: 'a.example' ] },\n};\n",
    path: '(file)',
  },
];

function fileOf(i: number, config: (typeof BAD)[number]['config']): string {
  const file = join(dir, typeof config === 'string' ? `bad-${i}.ts` : `bad-${i}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}
const files = BAD.map((b, i) => fileOf(i, b.config));

/** `  <path>: <message>` lines of a ConfigError as printed. */
const problemLines = (text: string) => text.split('\n').filter((l) => /^ {2}\S/.test(l));

describe('validate and cdk synth give one verdict', () => {
  const verdicts: { validate: string[]; synth: string[]; stderr: string }[] = [];

  beforeAll(async () => {
    for (const file of files) {
      const validate = await run(process.execPath, [join(ROOT, 'bin/mailprobe.js'), 'validate', '-c', file]);
      expect(validate.code).toBe(2);
      let synth: string[] = [];
      if (file.endsWith('.json')) {
        // The stack exactly as infra/app.ts builds it (bundling off: the config is rejected before any asset).
        const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
        const err = await stackFromFile(app, file).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigError);
        synth = problemLines((err as ConfigError).message);
      }
      verdicts.push({ validate: problemLines(validate.stderr), synth, stderr: validate.stderr });
    }
  });

  it.each(BAD.map((b, i) => [b.name, i] as const))(
    'rejects %s with its path, in validate and the stack',
    (_name, i) => {
      const bad = BAD[i] as (typeof BAD)[number];
      const { validate, synth } = verdicts[i] as (typeof verdicts)[number];
      expect(validate.map((l) => l.trim().split(': ')[0])).toContain(bad.path);
      if (files[i]?.endsWith('.json')) expect(synth).toEqual(validate);
    },
  );

  it('rejects every bad config with its path (the tally of the issue)', () => {
    const withPath = BAD.filter((b, i) =>
      (verdicts[i]?.validate ?? []).some((l) => l.trim().startsWith(`${b.path}: `)),
    );
    expect(`bad configs tried ${BAD.length}, rejected with path ${withPath.length}`).toBe(
      `bad configs tried ${BAD.length}, rejected with path ${BAD.length}`,
    );
  });

  it('reports a .ts syntax error with file:line:column, the reason and the source line', () => {
    const source = BAD[BAD.length - 1]?.config as string;
    const line = source.split('\n')[2] as string;
    const column = line.indexOf(']') + 1;
    const stderr = verdicts[BAD.length - 1]?.stderr ?? '';
    expect(stderr).toContain(
      `${files[BAD.length - 1]}:3:${column}: syntax error: Expected "}" but found "]"`,
    );
    // The source line, and a caret under the column.
    expect(stderr).toContain(`      ${line}\n      ${' '.repeat(column - 1)}^`);
  });

  it('fails the real `cdk synth` with the same problems, its app exiting 2', async () => {
    for (const i of [BAD.length - 1, BAD.findIndex((b) => b.path === 'targets.sendingIps[0]')]) {
      const out = join(dir, `cdk.out-${i}`);
      const synth = await run('npx', ['cdk', 'synth', '-q', '-o', out, '-c', `config=${files[i]}`]);
      // The CDK CLI turns any failed app into its own exit 1; the app itself exits 2.
      expect(synth.code).toBe(1);
      expect(synth.stderr).toContain('Subprocess exited with error 2');
      for (const line of verdicts[i]?.validate ?? []) expect(synth.stderr).toContain(line.trim());
    }
  });
});
