import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sweepCommand } from '../../cli/commands/dnsbl-sweep';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';
import { ConfigError } from '../../shared/config/errors';
import { resolverSettings } from '../../shared/config/resolver';
import type { DnsResolver } from '../../shared/dns/resolver';
import { dnsblOptions } from '../../shared/probes/dnsbl/config';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import { parseSweepTargets, runSweep } from '../../shared/probes/dnsbl/sweep';

interface Row {
  target: string;
  status: string;
  checks: Array<{ id: string; cause?: string; details?: { reason?: string } }>;
}

/** Runs the command with stdout/stderr captured; returns the NDJSON rows, stderr text and exit code. */
async function sweep(args: string[]): Promise<{ rows: Row[]; stderr: string; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk) => err.push(String(chunk)) > 0);
  const before = process.exitCode;
  try {
    await sweepCommand()
      .exitOverride()
      .parseAsync(['node', 'mailprobe', ...args]);
    const rows = out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
    return { rows, stderr: err.join(''), exitCode: process.exitCode as number | undefined };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = before;
  }
}

describe('mailprobe dnsbl-sweep', () => {
  let server: DnsServer;
  const zoneArgs = () => [
    '--no-default-zones',
    '--zones',
    'bl.spamcop.net,psbl.surriel.com',
    '--resolver',
    server.server,
    '--timeout',
    '300',
    '--tries',
    '1',
    '--no-progress',
  ];

  beforeAll(async () => {
    server = await startDnsServer({
      records: {
        '2.0.0.127.bl.spamcop.net': [{ type: 'A', address: '127.0.0.2' }],
        '5.2.0.192.bl.spamcop.net': [
          { type: 'A', address: '127.0.0.2' },
          {
            type: 'TXT',
            data: ['\u001b[31mBlocked\u001b[0m see https://www.spamcop.net/bl.shtml?192.0.2.5'],
          },
        ],
        // PSBL stand-in without its test entry: dead, so never trusted.
        '5.2.0.192.psbl.surriel.com': [{ type: 'A', address: '127.0.0.2' }],
      },
    });
  });
  beforeEach(() => clearSelfTestCache());
  afterAll(() => server.close());

  it('prints one JSON row per address of the range, from a file too, and exits 1 when one is listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    const file = join(dir, 'targets.txt');
    writeFileSync(file, '# senders\n192.0.2.4/31\n192.0.2.6, 192.0.2.7\n');
    const { rows, stderr, exitCode } = await sweep([`@${file}`, '--json', ...zoneArgs()]);
    expect(rows.map((r) => r.target).sort()).toEqual(['192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7']);
    const listed = rows.find((r) => r.target === '192.0.2.5');
    expect(listed?.status).toBe('fail');
    expect(listed?.checks.find((c) => c.id === 'zone:bl.spamcop.net')?.cause).toBe('dnsbl.listed');
    expect(listed?.checks.find((c) => c.id === 'zone:psbl.surriel.com')?.cause).toBe('dnsbl.zone.dead');
    expect(stderr).toContain('4 targets: 1 listed (fail), 0 warn, 3 unknown, 0 clean');
    expect(stderr).toContain('zone psbl.surriel.com not trusted');
    expect(exitCode).toBe(1);
  });

  it('shows the listing reason on a terminal line without its escape sequences', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await sweepCommand()
        .exitOverride()
        .parseAsync(['node', 'mailprobe', '192.0.2.5', ...zoneArgs()]);
    } finally {
      spy.mockRestore();
      err.mockRestore();
      process.exitCode = undefined;
    }
    const line = out.join('');
    expect(line).toContain('192.0.2.5  listed on SpamCop (bl.spamcop.net)');
    expect(line).toContain('Blocked');
    expect(line).toContain('see https://www.spamcop.net/bl.shtml?192.0.2.5');
    expect(line).toContain('1 untrusted zone (see summary)');
    expect(line).not.toContain('\u001b[31m');
  });

  it('refuses bad targets and oversized ranges before querying anything, naming each', async () => {
    await expect(sweep(['192.0.2.1', 'not a target!', '10.0.0.0/8', ...zoneArgs()])).rejects.toThrow(
      ConfigError,
    );
    const parsed = parseSweepTargets(['192.0.2.0/33', 'bad_', '10.0.0.0/8'], 65_536);
    expect('errors' in parsed && parsed.errors).toEqual([
      '"192.0.2.0/33": not a valid CIDR range',
      '"bad_": not an IP address, CIDR range or domain',
      '16777216 targets is more than --max-targets 65536: split the run or raise the limit',
    ]);
  });

  it('prints the rows in input order even when the first target answers last', async () => {
    const input = parseSweepTargets(['192.0.2.0/29'], 100);
    if ('errors' in input) throw new Error(input.errors.join());
    // Queries about 192.0.2.0 answer only after every other target is done.
    let done = 0;
    const resolve = (async (name: string) => {
      if (name.startsWith('0.2.0.192.')) while (done < 7) await sleep(5);
      else if (!name.startsWith('2.0.0.127.') && !name.startsWith('1.0.0.127.')) done++;
      return name.startsWith('2.0.0.127.') ? ['127.0.0.2'] : [];
    }) as unknown as DnsResolver;
    const rows: string[] = [];
    await runSweep(input, {
      options: dnsblOptions.parse({ defaultZones: false, zones: ['bl.spamcop.net'], concurrency: 8 }),
      resolver: resolverSettings.parse({}),
      resolve,
      onRow: (row) => rows.push(row.target),
    });
    expect(rows).toEqual(Array.from({ length: 8 }, (_, i) => `192.0.2.${i}`));
  });
});
