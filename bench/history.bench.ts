/**
 * The history query at the size of a real month: 30 days of 5-minute results for one probe (8,640 items) written
 * to the embedded store, then read back as summaries (the list `history` prints) and whole (historyByProbe). Baseline: a full-table Scan filtered to the same
 * probe and window, then sorted, as a store without the key design would have to do it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ProbeResult } from '../shared/model/result';
import { openEmbeddedStore } from '../shared/store/embedded';
import { probePartition, resultSortKey, TABLE } from '../shared/store/table';
import type { BenchRow } from './types';

const SLOTS = 30 * 24 * 12;
const FIVE_MIN = 5 * 60_000;
const WRITERS = 16;
const READS = 5;
const PROBE = 'smtp-5m/mx1.example.test';
const END = Date.parse('2026-03-31T00:00:00.000Z');
const START = END - SLOTS * FIVE_MIN;

export async function run(): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-bench-'));
  const embedded = await openEmbeddedStore({ dataDir, retentionDays: 90, clock: () => new Date(END) });
  try {
    const { store, client, tableName } = embedded;
    const results = Array.from({ length: SLOTS }, (_, i) => sampleResult(START + i * FIVE_MIN, i));
    const itemBytes = results.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0) / SLOTS;

    const writeStart = performance.now();
    let next = 0;
    const writer = async () => {
      while (next < results.length) {
        const result = results[next++] as ProbeResult;
        if ((await store.putResult(result)) !== 'written')
          throw new Error(`slot ${result.scheduledAt} not written`);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const writeMs = performance.now() - writeStart;

    const window = { since: new Date(START), until: new Date(END) };
    const query = await medianMs(async () => expectCount(await store.historyByProbe(PROBE, window), SLOTS));
    const list = await medianMs(async () =>
      expectCount(await store.summaries({ probeId: PROBE }, window), SLOTS),
    );
    const newest = await medianMs(async () =>
      expectCount(await store.historyByProbe(PROBE, { ...window, newestFirst: true, limit: 100 }), 100),
    );

    const scanInput: ScanCommandInput = {
      TableName: tableName,
      FilterExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: {
        ':pk': probePartition(PROBE),
        ':low': resultSortKey(new Date(START).toISOString()),
        ':high': resultSortKey(new Date(END - 1).toISOString()),
      },
    };
    const scanAll = async () => {
      const items: Record<string, unknown>[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ ...scanInput, ExclusiveStartKey }));
        items.push(...(page.Items ?? []));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items.sort((a, b) => String(a[TABLE.sortKey]).localeCompare(String(b[TABLE.sortKey])));
    };
    const scan = await medianMs(async () => expectCount(await scanAll(), SLOTS));

    const size = `${SLOTS.toLocaleString('en-US')} items of ~${Math.round(itemBytes).toLocaleString('en-US')} B`;
    return [
      {
        figure: `write 30 days of 5-min results (putResult, ${WRITERS} in flight)`,
        value: writeMs,
        unit: 'ms',
        note: `${size}; conditional puts to dynalite on disk`,
      },
      { figure: 'write throughput', value: (SLOTS / writeMs) * 1000, unit: 'items/s' },
      {
        figure: '30-day history of one probe (historyByProbe)',
        value: query,
        unit: 'ms',
        baseline: scan,
        note: `median of ${READS} reads of ${size}; baseline: paged Scan + filter + sort of the same table`,
      },
      {
        figure: '30-day history list of one probe (summaries: what `history` prints as a table or CSV)',
        value: list,
        unit: 'ms',
        baseline: query,
        note: `median of ${READS}; goal <= 500 ms; baseline: the same window read as whole results (--format json)`,
      },
      {
        figure: 'newest 100 results of one probe (limit 100)',
        value: newest,
        unit: 'ms',
        baseline: scan,
        note: `median of ${READS}; a Scan must read the whole table for the same answer`,
      },
    ];
  } finally {
    await embedded.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function expectCount(items: unknown[], expected: number): void {
  if (items.length !== expected) throw new Error(`expected ${expected} items, read ${items.length}`);
}

async function medianMs(read: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const start = performance.now();
    await read();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** A result the size of a real SMTP probe run: a handful of checks, per-phase timings, a short transcript. */
function sampleResult(at: number, i: number): ProbeResult {
  const scheduledAt = new Date(at).toISOString();
  const failing = i % 97 === 0;
  return {
    probeId: PROBE,
    kind: 'smtp',
    group: 'smtp-5m',
    target: 'mx1.example.test',
    scheduledAt,
    startedAt: new Date(at + 120).toISOString(),
    finishedAt: new Date(at + 1020).toISOString(),
    durationMs: 900,
    status: failing ? 'fail' : 'pass',
    checks: [
      {
        id: 'connect',
        status: 'pass',
        message: 'connected to 192.0.2.10:25 in 12 ms',
        observed: '192.0.2.10',
      },
      { id: 'banner', status: 'pass', message: '220 mx1.example.test ESMTP Postfix (Debian/GNU)' },
      {
        id: 'starttls',
        status: 'pass',
        message: 'TLSv1.3 TLS_AES_256_GCM_SHA384',
        observed: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
      },
      {
        id: 'tls.certificate',
        status: 'pass',
        message: 'CN=mx1.example.test, issued by R11, expires in 61 days',
        observed: { subject: 'mx1.example.test', issuer: 'R11', daysLeft: 61 },
        expected: { minDaysLeft: 14 },
      },
      failing
        ? {
            id: 'rcpt',
            status: 'fail',
            cause: 'probe.timeout',
            message: '451 4.7.1 Service unavailable - try again later',
            details: { code: 451, enhanced: '4.7.1' },
          }
        : { id: 'rcpt', status: 'pass', message: '250 2.1.5 Ok' },
    ],
    timings: { dns: 3, connect: 12, banner: 41, ehlo: 4, starttls: 63, ehloTls: 5, mailFrom: 4, rcptTo: 6 },
    transcript: [
      'S: 220 mx1.example.test ESMTP Postfix (Debian/GNU)',
      'C: EHLO probe.example.test',
      'S: 250-mx1.example.test',
      'S: 250-PIPELINING',
      'S: 250-SIZE 52428800',
      'S: 250-STARTTLS',
      'S: 250-ENHANCEDSTATUSCODES',
      'S: 250 CHUNKING',
      'C: STARTTLS',
      'S: 220 2.0.0 Ready to start TLS',
      'C: EHLO probe.example.test',
      'S: 250 mx1.example.test',
      'C: MAIL FROM:<probe@example.test>',
      'S: 250 2.1.0 Ok',
      'C: RCPT TO:<postmaster@example.test>',
      failing ? 'S: 451 4.7.1 Service unavailable - try again later' : 'S: 250 2.1.5 Ok',
      'C: QUIT',
    ],
  };
}
