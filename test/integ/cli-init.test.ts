import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

jest.setTimeout(60_000);

const BIN = join(__dirname, '../../bin/mailprobe.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with stdin a pipe (never a terminal) fed `input`, then closed. */
function run(command: string, args: string[], cwd: string, input = ''): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const cli = (args: string[], cwd: string, input = '') => run(process.execPath, [BIN, ...args], cwd, input);

/**
 * The CLI on a real terminal: util-linux `script` (Debian's essential bsdutils) gives it a pseudo-terminal and
 * types `input` into it; what the CLI writes to the terminal comes back on stdout.
 */
const onTerminal = (args: string[], cwd: string, input: string) =>
  run('script', ['-qec', [process.execPath, BIN, ...args].join(' '), '/dev/null'], cwd, input);

const fresh = () => mkdtempSync(join(tmpdir(), 'mailprobe-init-'));

describe('mailprobe init', () => {
  it('writes a starter that validates at once, names what to fill in, and never overwrites it', async () => {
    const dir = fresh();
    const init = await cli(['init', '--domain', 'example.test', '--sending-ip', '192.0.2.10'], dir);
    expect(init.stderr).toContain('next: mailprobe validate && mailprobe run');
    expect(init.code).toBe(0);
    // dns and smtp once each; dnsbl for the sending address and for the domain
    expect(init.stdout).toContain('wrote mailprobe.config.yaml: valid — 4 probes in 3 groups');
    expect(init.stdout).toContain('  targets.domains[0].dkimSelectors: the DKIM selectors');
    expect(init.stdout).toContain('  targets.smtp[0].host: your submission server, if not smtp.example.test');
    expect(init.stdout).toContain('  alerts.sns.emails: who gets alerts');
    expect(init.stdout).not.toContain('targets.sendingIps'); // given by a flag
    const written = readFileSync(join(dir, 'mailprobe.config.yaml'), 'utf8');
    expect(written.match(/# FILL IN/g)).toHaveLength(4);

    const validate = await cli(['validate'], dir);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('valid — 4 probes in 3 groups');

    const again = await cli(['init', '--domain', 'other.test'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('mailprobe.config.yaml already exists: not overwritten');
    expect(readFileSync(join(dir, 'mailprobe.config.yaml'), 'utf8')).toBe(written);
  });

  it('runs right away: every probe of the starter runs and is stored', async () => {
    const dir = fresh();
    const init = await cli(
      ['init', '-d', 'example.test', '--smtp-host', '127.0.0.1', '--sending-ip', '192.0.2.10'],
      dir,
    );
    expect(init.code).toBe(0);
    // Keep the run on loopback: the probes ask a DNS server that is not there, so nothing leaves the machine.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const file = join(dir, 'mailprobe.config.yaml');
    const config = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'loopback.yaml'),
      stringifyYaml({ ...config, resolver: { servers: [`127.0.0.1:${port}`], timeoutMs: 500, tries: 1 } }),
    );
    const ran = await cli(['run', '--json', '-c', 'loopback.yaml', '--data-dir', join(dir, 'data')], dir);
    const results = JSON.parse(ran.stdout) as { probeId: string; status: string }[];
    expect(results.map((r) => r.probeId).sort()).toEqual([
      'dns-hourly/example.test',
      'dnsbl-15m/192.0.2.10',
      'dnsbl-15m/example.test',
      'smtp-5m/submission',
    ]);
    // Nothing answers on loopback: the submission port is refused (fail); the DNS checks cannot tell.
    expect(results.find((r) => r.probeId === 'smtp-5m/submission')?.status).toBe('fail');
    expect(ran.code).toBe(1);
    const status = await cli(['status', '--json', '--data-dir', join(dir, 'data')], dir);
    expect((JSON.parse(status.stdout) as unknown[]).length).toBe(4);
  });

  it('asks on a terminal, keeping the default shown in brackets when Enter is pressed', async () => {
    const dir = fresh();
    const typed = ['bücher.example', '', '192.0.2.10, 192.0.2.11', 's1', 'ops@bücher.example', ''].join('\n');
    const ran = await onTerminal(['init'], dir, typed);
    expect(ran.stdout).toContain('Mail domain to monitor (e.g. example.com): ');
    expect(ran.stdout).toContain('Submission (SMTP) host to probe on port 587 [smtp.bücher.example]: ');
    expect(ran.stdout).toContain('wrote mailprobe.config.yaml: valid — 5 probes in 3 groups');
    expect(ran.code).toBe(0);
    const written = parseYaml(readFileSync(join(dir, 'mailprobe.config.yaml'), 'utf8'));
    expect(written).toMatchObject({
      name: 'xn-bcher-kva-example',
      targets: {
        domains: [
          { name: 'bücher.example', dkimSelectors: ['s1'], sendingIps: ['192.0.2.10', '192.0.2.11'] },
        ],
        smtp: [{ host: 'smtp.bücher.example', port: 587 }],
        sendingIps: ['192.0.2.10', '192.0.2.11'],
      },
      alerts: { sns: { emails: ['ops@bücher.example'] } },
    });
    expect((await cli(['validate'], dir)).code).toBe(0);
  });

  it('never waits for an answer without a terminal: --domain is then required (exit 2)', async () => {
    const dir = fresh();
    const ran = await cli(['init'], dir, 'example.test\n');
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('init needs --domain <domain>');
    expect(existsSync(join(dir, 'mailprobe.config.yaml'))).toBe(false);
  });

  it('reports a bad answer against its flag and writes nothing', async () => {
    const dir = fresh();
    const ran = await cli(
      ['init', '-d', 'not a domain', '--alert-email', 'nobody', '-o', 'starter.json'],
      dir,
    );
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('\n  --domain: must be a domain name');
    expect(ran.stderr).toContain('\n  --alert-email: must be an email address');
    expect(ran.stderr).not.toContain('--smtp-host'); // derived from the domain, not typed
    expect(existsSync(join(dir, 'starter.json'))).toBe(false);
  });

  it('writes JSON when asked, and refuses a file that another config in the directory would shadow', async () => {
    const dir = fresh();
    const json = await cli(
      ['init', '-d', 'example.test', '-o', 'starter.json', '--dkim-selector', 's1,s2'],
      dir,
    );
    expect(json.code).toBe(0);
    expect(json.stderr).toContain(
      'next: mailprobe validate -c starter.json && mailprobe run -c starter.json',
    );
    const written = JSON.parse(readFileSync(join(dir, 'starter.json'), 'utf8'));
    expect(written.targets.domains[0].dkimSelectors).toEqual(['s1', 's2']);
    expect((await cli(['validate', '-c', 'starter.json'], dir)).code).toBe(0);

    writeFileSync(join(dir, 'mailprobe.config.json'), '{}');
    const shadowed = await cli(['init', '-d', 'example.test'], dir);
    expect(shadowed.code).toBe(2);
    expect(shadowed.stderr).toContain('mailprobe.config.json already exists');
    expect(existsSync(join(dir, 'mailprobe.config.yaml'))).toBe(false);
  });
});
