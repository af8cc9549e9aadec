import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ProbeState } from '../../shared/alert/types';
import type { ProbeResult } from '../../shared/model/result';
import { DynamoResultStore } from '../../shared/store/dynamo-store';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { StoreError, StoreInputError } from '../../shared/store/errors';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-10T12:00:00.000Z');

function result(probeId: string, at: number, overrides: Partial<ProbeResult> = {}): ProbeResult {
  const scheduledAt = new Date(at).toISOString();
  return {
    probeId,
    kind: 'smtp',
    group: 'mx',
    target: 'mx1.example.test',
    scheduledAt,
    startedAt: scheduledAt,
    finishedAt: new Date(at + 850).toISOString(),
    durationMs: 850,
    status: 'pass',
    checks: [
      { id: 'connect', status: 'pass', message: 'connected to 192.0.2.10:25' },
      { id: 'tls.certificate', status: 'warn', cause: 'probe.timeout', message: 'expires in 9 days' },
    ],
    timings: { dns: 3, connect: 12, banner: 40, ehlo: 5, starttls: 60 },
    transcript: ['S: 220 mx1.example.test ESMTP', 'C: EHLO probe.example.test'],
    ...overrides,
  };
}

function state(probeId: string, version: number, overrides: Partial<ProbeState> = {}): ProbeState {
  return {
    probeId,
    kind: 'smtp',
    group: 'mx',
    target: 'mx1.example.test',
    version,
    lastScheduledAt: new Date(NOW).toISOString(),
    lastStatus: 'pass',
    phase: 'ok',
    consecutiveFailures: 0,
    consecutivePasses: version,
    consecutiveUnknowns: 0,
    coverageAlerted: false,
    checks: { connect: { status: 'pass', alerted: false } },
    ...overrides,
  };
}

const times = (results: ProbeResult[]) => results.map((r) => `${r.probeId}@${r.scheduledAt}`);
const iso = (ms: number) => new Date(ms).toISOString();

describe('DynamoResultStore on embedded dynalite', () => {
  let dataDir: string;
  let now: number;
  let opened: EmbeddedStore;
  const open = (retentionDays = 30) =>
    openEmbeddedStore({ dataDir, retentionDays, clock: () => new Date(now) });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-store-'));
    now = NOW;
    opened = await open();
  });

  afterEach(async () => {
    await opened.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes a result once when the same slot is put twice, keeping the first', async () => {
    const first = result('mx1-smtp', NOW - HOUR);
    const replay = result('mx1-smtp', NOW - HOUR, { status: 'fail', durationMs: 9 });

    expect(await opened.store.putResult(first)).toBe('written');
    expect(await opened.store.putResult(replay)).toBe('duplicate');

    expect(await opened.store.historyByProbe('mx1-smtp', { since: new Date(NOW - DAY) })).toEqual([first]);
  });

  it('treats two spellings of the same scheduled instant as one slot', async () => {
    const at = NOW - HOUR;
    expect(await opened.store.putResult(result('p', at))).toBe('written');
    const sameInstant = result('p', at, { scheduledAt: '2026-03-10T11:00:00Z' });
    expect(await opened.store.putResult(sameInstant)).toBe('duplicate');
  });

  it('returns results exactly as written, without table keys, and drops undefined fields', async () => {
    const written = result('p', NOW - HOUR, {
      checks: [
        {
          id: 'auth',
          status: 'fail',
          cause: 'probe.secret-unavailable',
          message: '535',
          observed: undefined,
        },
      ],
    });
    await opened.store.putResult(written);
    const [read] = await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) });
    expect(read).toEqual(written);
    expect(Object.keys(read ?? {}).sort()).toEqual(Object.keys(written).sort());
  });

  it('rejects a result whose scheduled time is not a date', async () => {
    await expect(opened.store.putResult(result('p', NOW, { scheduledAt: 'yesterday-ish' }))).rejects.toThrow(
      StoreInputError,
    );
  });

  describe('state', () => {
    it('saves version 1 only when no state exists, then each next version only once', async () => {
      expect(await opened.store.getState('p')).toBeUndefined();
      expect(await opened.store.saveState(state('p', 1))).toBe(true);
      expect(await opened.store.saveState(state('p', 1))).toBe(false);
      expect(await opened.store.saveState(state('p', 3))).toBe(false);
      expect(await opened.store.saveState(state('p', 2, { phase: 'failing' }))).toBe(true);
      expect(await opened.store.saveState(state('p', 2))).toBe(false);
      expect(await opened.store.getState('p')).toEqual(state('p', 2, { phase: 'failing' }));
    });

    it('lets exactly one of many concurrent saves of the same version win', async () => {
      await opened.store.saveState(state('p', 1));
      const contenders = Array.from({ length: 12 }, (_, i) => state('p', 2, { consecutiveFailures: i }));
      const outcomes = await Promise.all(contenders.map((s) => opened.store.saveState(s)));

      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = contenders[outcomes.indexOf(true)];
      expect(await opened.store.getState('p')).toEqual(winner);
    });

    it('lets exactly one of concurrent first saves win', async () => {
      const contenders = Array.from({ length: 8 }, (_, i) => state('q', 1, { consecutiveUnknowns: i }));
      const outcomes = await Promise.all(contenders.map((s) => opened.store.saveState(s)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });

    it('lists the state of every probe without table keys', async () => {
      const states = ['a', 'b', 'c'].map((id) => state(id, 1, { target: `${id}.example.test` }));
      for (const s of states) await opened.store.saveState(s);
      await opened.store.putResult(result('a', NOW - HOUR));

      const listed = await opened.store.listStates();
      expect(listed.sort((x, y) => x.probeId.localeCompare(y.probeId))).toEqual(states);
    });
  });

  describe('history windows', () => {
    const FIVE_MIN = 5 * MINUTE;
    const base = NOW - 2 * HOUR;

    beforeEach(async () => {
      for (let i = 0; i < 12; i++) await opened.store.putResult(result('p', base + i * FIVE_MIN));
      await opened.store.putResult(result('other', base + FIVE_MIN, { target: 'mx2.example.test' }));
      // A target's history is that of the probes whose state names it, as a run saves one after its result.
      await opened.store.saveState(state('p', 1));
      await opened.store.saveState(state('other', 1, { target: 'mx2.example.test' }));
    });

    it('includes since and excludes until for one probe', async () => {
      const got = await opened.store.historyByProbe('p', {
        since: new Date(base + FIVE_MIN),
        until: new Date(base + 4 * FIVE_MIN),
      });
      expect(got.map((r) => r.scheduledAt)).toEqual([1, 2, 3].map((i) => iso(base + i * FIVE_MIN)));
    });

    it('returns the newest results first, limited, when asked', async () => {
      const got = await opened.store.historyByProbe('p', {
        since: new Date(base),
        newestFirst: true,
        limit: 3,
      });
      expect(got.map((r) => r.scheduledAt)).toEqual([11, 10, 9].map((i) => iso(base + i * FIVE_MIN)));
    });

    it('defaults until to now', async () => {
      now = base + 2 * FIVE_MIN;
      const got = await opened.store.historyByProbe('p', { since: new Date(base) });
      expect(got).toHaveLength(2);
    });

    it('returns nothing for an empty window or a zero limit', async () => {
      expect(
        await opened.store.historyByProbe('p', { since: new Date(base), until: new Date(base) }),
      ).toEqual([]);
      expect(
        await opened.store.historyByTarget('mx1.example.test', { since: new Date(base), limit: 0 }),
      ).toEqual([]);
    });

    it('returns every probe on a target, in time order, and nothing from other targets', async () => {
      await opened.store.putResult(result('p-submission', base + 2 * FIVE_MIN + 1));
      await opened.store.saveState(state('p-submission', 1));
      const got = await opened.store.historyByTarget('mx1.example.test', {
        since: new Date(base + FIVE_MIN),
        until: new Date(base + 3 * FIVE_MIN),
      });
      expect(times(got)).toEqual([
        `p@${iso(base + FIVE_MIN)}`,
        `p@${iso(base + 2 * FIVE_MIN)}`,
        `p-submission@${iso(base + 2 * FIVE_MIN + 1)}`,
      ]);
      const other = await opened.store.historyByTarget('mx2.example.test', { since: new Date(base) });
      expect(times(other)).toEqual([`other@${iso(base + FIVE_MIN)}`]);
    });
  });

  it('stops returning results and states once their retention has passed', async () => {
    await opened.close();
    opened = await open(2);
    await opened.store.putResult(result('p', NOW - 3 * HOUR));
    await opened.store.putResult(result('p', NOW - HOUR));
    await opened.store.saveState(state('p', 1));
    const window = { since: new Date(NOW - 10 * DAY), until: new Date(NOW + 10 * DAY) };

    now = NOW + 2 * DAY - 2 * HOUR;
    expect(await opened.store.historyByProbe('p', window)).toHaveLength(1);
    expect(await opened.store.historyByTarget('mx1.example.test', window)).toHaveLength(1);
    expect(await opened.store.getState('p')).toBeDefined();

    now = NOW + 3 * DAY;
    expect(await opened.store.historyByProbe('p', window)).toEqual([]);
    expect(await opened.store.historyByTarget('mx1.example.test', window)).toEqual([]);
    expect(await opened.store.getState('p')).toBeUndefined();
    expect(await opened.store.listStates()).toEqual([]);
    // The expired item is still in the table (dynalite never deletes; AWS deletes late): a fresh start must win.
    expect(await opened.store.saveState(state('p', 1))).toBe(true);
  });

  it('honours the TTL stored with a result even after retention is raised', async () => {
    await opened.close();
    opened = await open(2);
    await opened.store.putResult(result('p', NOW - HOUR));
    await opened.close();

    opened = await open(10);
    now = NOW + 3 * DAY;
    expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toEqual([]);
    expect(await opened.store.historyByTarget('mx1.example.test', { since: new Date(NOW - DAY) })).toEqual(
      [],
    );
  });

  it('keeps results and states across close and reopen of the same data directory', async () => {
    const written = result('p', NOW - HOUR);
    await opened.store.putResult(written);
    await opened.store.saveState(state('p', 1));
    await opened.close();

    opened = await open();
    expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toEqual([written]);
    expect(await opened.store.getState('p')).toEqual(state('p', 1));
    expect(await opened.store.putResult(written)).toBe('duplicate');
  });

  it('follows every page when a window holds more than one 1 MB page of results', async () => {
    const transcript = Array.from(
      { length: 200 },
      (_, i) => `S: 250-${String(i).padStart(3, '0')} ${'x'.repeat(70)}`,
    );
    const count = 150; // ~16 KB each: about 2.4 MB, three pages or more
    const base = NOW - count * MINUTE;
    for (let i = 0; i < count; i++) {
      await opened.store.putResult(result('p', base + i * MINUTE, { transcript }));
    }
    await opened.store.saveState(state('p', 1));
    const window = { since: new Date(base) };

    const byProbe = await opened.store.historyByProbe('p', window);
    expect(byProbe).toHaveLength(count);
    expect(byProbe.at(-1)?.scheduledAt).toBe(iso(base + (count - 1) * MINUTE));
    expect(await opened.store.historyByTarget('mx1.example.test', window)).toHaveLength(count);
    expect(await opened.store.historyByProbe('p', { ...window, limit: 100 })).toHaveLength(100);
  });

  describe('sharing a data directory', () => {
    it('makes a second opener the guest of the process that serves the directory', async () => {
      const guest = await open();
      try {
        expect(opened.role).toBe('owner');
        expect(guest.role).toBe('guest');
        expect(guest.endpoint).toBe(opened.endpoint);
        const written = result('p', NOW - HOUR);
        expect(await guest.store.putResult(written)).toBe('written');
        expect(await opened.store.putResult(written)).toBe('duplicate');
      } finally {
        await guest.close();
      }
      expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toHaveLength(1);
    });

    it('takes over a directory whose owner died without closing', async () => {
      await opened.store.putResult(result('p', NOW - HOUR));
      const deadEndpoint = opened.endpoint;
      await opened.close();
      const dead = spawnSync(process.execPath, ['-e', '']);
      await writeFile(
        join(dataDir, 'dynamodb.lock'),
        JSON.stringify({ pid: dead.pid, endpoint: deadEndpoint }),
      );

      opened = await open();
      expect(opened.role).toBe('owner');
      expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toHaveLength(1);
      expect(JSON.parse(await readFile(join(dataDir, 'dynamodb.lock'), 'utf8'))).toEqual({
        pid: process.pid,
        endpoint: opened.endpoint,
      });
    });

    it.each([
      ['empty', ''],
      ['half-written', '{"pid": 12'],
      ['not a claim', '{"pid": "me"}'],
    ])(
      'takes over a directory whose lock is %s (debris of a full disk or a crash)',
      async (_what, content) => {
        await opened.store.putResult(result('p', NOW - HOUR));
        await opened.close();
        await writeFile(join(dataDir, 'dynamodb.lock'), content);

        opened = await open();
        expect(opened.role).toBe('owner');
        expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toHaveLength(1);
      },
    );

    it('says "no space left on device" on a full disk, leaves no lock behind, and opens once space is freed', () => {
      const root = mkdtempSync(join(tmpdir(), 'mailprobe-full-'));
      const script = join(__dirname, '../support/store/full-disk.ts');
      const run = spawnSync(
        'unshare',
        [
          '-m',
          'sh',
          '-c',
          'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$1" --import tsx "$2" "$0"',
          root,
          process.execPath,
          script,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        whenFull: expect.stringContaining('no space left on device'),
        leftBehind: [],
        afterFreeing: 'owner',
      });
    });

    it('reads without a retention but refuses to write', async () => {
      await opened.store.putResult(result('p', NOW - HOUR));
      const reader = await openEmbeddedStore({ dataDir, clock: () => new Date(now) });
      try {
        expect(await reader.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toHaveLength(1);
        await expect(reader.store.putResult(result('p', NOW))).rejects.toThrow(/needs retentionDays/);
        await expect(reader.store.saveState(state('p', 1))).rejects.toThrow(StoreInputError);
      } finally {
        await reader.close();
      }
    });
  });

  describe('compact items and summaries', () => {
    /** The first item of a partition, as stored (keys and encoded attributes). */
    const firstItemOf = async (partition: string) => {
      const raw = await opened.client.send(
        new QueryCommand({
          TableName: opened.tableName,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
        }),
      );
      return raw.Items?.[0] ?? {};
    };
    const big = (at: number) =>
      result('p', at, {
        status: 'fail',
        checks: Array.from({ length: 40 }, (_, i) => ({
          id: `zone:bl${i}.example.test`,
          status: i === 3 ? ('fail' as const) : ('pass' as const),
          ...(i === 3 ? { cause: 'dnsbl.listed' as const } : {}),
          message: `192.0.2.10 is not listed by bl${i}.example.test (NXDOMAIN after 12 ms)`,
          details: { query: `10.2.0.192.bl${i}.example.test`, answers: [] },
        })),
      });

    it('stores the checks, timings and transcript as one compressed body beside the summary attributes', async () => {
      const written = big(NOW - HOUR);
      await opened.store.putResult(written);
      const item = await firstItemOf('PROBE#p');
      expect(item).not.toHaveProperty('checks');
      expect(item.failing).toEqual(['zone:bl3.example.test: dnsbl.listed']);
      expect(item.body).toBeInstanceOf(Uint8Array);
      expect((item.body as Uint8Array).length).toBeLessThan(JSON.stringify(written.checks).length / 4);
      expect(await opened.store.historyByProbe('p', { since: new Date(NOW - DAY) })).toEqual([written]);
    });

    it('lists the summaries of a probe and of a target, newest first', async () => {
      await opened.store.putResult(big(NOW - 2 * HOUR));
      await opened.store.putResult(result('p', NOW - HOUR));
      await opened.store.saveState(state('p', 1));
      const window = { since: new Date(NOW - DAY), newestFirst: true };
      const expected = [
        {
          probeId: 'p',
          kind: 'smtp',
          group: 'mx',
          target: 'mx1.example.test',
          scheduledAt: iso(NOW - HOUR),
          startedAt: iso(NOW - HOUR),
          finishedAt: iso(NOW - HOUR + 850),
          durationMs: 850,
          status: 'pass',
          failing: ['tls.certificate: probe.timeout'],
        },
        expect.objectContaining({
          scheduledAt: iso(NOW - 2 * HOUR),
          status: 'fail',
          failing: ['zone:bl3.example.test: dnsbl.listed'],
        }),
      ];
      expect(await opened.store.summaries({ probeId: 'p' }, window)).toEqual(expected);
      expect(await opened.store.summaries({ target: 'mx1.example.test' }, window)).toEqual(expected);
      expect(await opened.store.summaries({ probeId: 'p' }, { ...window, limit: 1 })).toEqual([expected[0]]);
    });

    it('names a result stored whole by a development build instead of misreading it', async () => {
      const old = result('p', NOW - HOUR);
      const at = iso(NOW - HOUR);
      await opened.client.send(
        new PutCommand({ TableName: opened.tableName, Item: { ...old, PK: 'PROBE#p', SK: `R#${at}` } }),
      );
      const window = { since: new Date(NOW - DAY) };
      await expect(opened.store.historyByProbe('p', window)).rejects.toThrow(
        `stored result p at ${at} is not in the compact format`,
      );
      await expect(opened.store.summaries({ probeId: 'p' }, window)).rejects.toThrow(
        /not in the compact format/,
      );
    });

    it('stores a state with its checks, memo and recent verdicts as one compressed body', async () => {
      // A dns probe's state: forty checks, and the records its drift memo keeps (a 2048-bit DKIM key among them).
      const checks = Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [
          `spf.ip:198.51.100.${i}`,
          {
            status: 'fail' as const,
            cause: 'dns.spf.permerror' as const,
            alerted: true,
            alertedCause: 'dns.spf.permerror' as const,
          },
        ]),
      );
      const memo = {
        records: { 'dkim:s1': { fp: 'a53ecdc4efb91697', value: `v=DKIM1; k=rsa; p=${'A'.repeat(392)}` } },
      };
      const written = state('p', 1, { checks, memo, recent: ['fail', 'ok', 'fail'] });
      await opened.store.saveState(written);
      const item = await firstItemOf('PROBE#p');
      expect(item).not.toHaveProperty('checks');
      expect(item).not.toHaveProperty('memo');
      expect(item).toMatchObject({ probeId: 'p', version: 1, lastStatus: 'pass', phase: 'ok' });
      expect((item.body as Uint8Array).length).toBeLessThan(600);
      expect(JSON.stringify(written).length).toBeGreaterThan(3_000);
      expect(await opened.store.getState('p')).toEqual(written);
      expect(await opened.store.listStates()).toEqual([written]);
    });

    it('reads a state saved with plain attributes, and saves its next version compact', async () => {
      const old = state('p', 1, { memo: { records: {} } });
      await opened.client.send(
        new PutCommand({
          TableName: opened.tableName,
          Item: { ...old, PK: 'PROBE#p', SK: 'STATE', GSI3PK: 'STATES', GSI3SK: 'p' },
        }),
      );
      expect(await opened.store.getState('p')).toEqual(old);
      expect(await opened.store.saveState(state('p', 2))).toBe(true);
      expect(await opened.store.getState('p')).toEqual(state('p', 2));
    });

    it('reads whole results of a target from the partitions of its probes, merged in time order', async () => {
      const written = [big(NOW - 2 * HOUR), result('q', NOW - 90 * MINUTE), result('p', NOW - HOUR)];
      for (const r of written) await opened.store.putResult(r);
      for (const id of ['p', 'q']) await opened.store.saveState(state(id, 1));
      const window = { since: new Date(NOW - DAY) };
      expect(await opened.store.historyByTarget('mx1.example.test', window)).toEqual(written);
      const newest = await opened.store.historyByTarget('mx1.example.test', {
        ...window,
        newestFirst: true,
        limit: 2,
      });
      expect(times(newest)).toEqual([`p@${iso(NOW - HOUR)}`, `q@${iso(NOW - 90 * MINUTE)}`]);
      const rows = await opened.store.summaries(
        { target: 'mx1.example.test' },
        { ...window, newestFirst: true },
      );
      expect(rows.map((r) => r.probeId)).toEqual(['p', 'q', 'p']);
    });
  });

  it('names the table and the operation when DynamoDB fails', async () => {
    const missing = new DynamoResultStore({
      client: opened.client,
      tableName: 'no-such-table',
      retentionDays: 30,
    });
    const failure = missing.historyByProbe('p', { since: new Date(Date.now() - DAY) });
    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toThrow(/Query \(history by probe\) on table no-such-table/);
    await expect(failure).rejects.toMatchObject({ cause: { name: 'ResourceNotFoundException' } });
    await expect(missing.putResult(result('p', NOW))).rejects.toMatchObject({
      name: 'StoreError',
      operation: 'PutItem (result)',
      tableName: 'no-such-table',
    });
  });
});
