import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { buildReport } from '../../shared/report/build';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { HOSTILE, seedHistory } from '../support/seed-history';

jest.setTimeout(120_000);

/** Where the screenshot and the report land for a human to look at after the run (git-ignored). */
const OUTPUT = resolve(__dirname, '../../test-output');
const END = Date.parse('2026-11-20T00:00:00.000Z');
const START = END - 3 * 86_400_000;

/** In the page (strings, so this file needs no DOM types): every chart ran its draw hook. */
const ALL_CHARTS_DRAWN = `[...document.querySelectorAll('.chart')].every((c) => c.dataset.points !== undefined)`;
/** Per chart: the points its data had, and how many canvas pixels it actually painted. */
const INSPECT_CHARTS = `[...document.querySelectorAll('.chart')].map((el) => {
  const canvas = el.querySelector('canvas');
  let inked = 0;
  if (canvas) {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
  }
  return { id: el.id, points: Number(el.dataset.points), inked };
})`;

let embedded: EmbeddedStore;
let browser: BrowserContext;
let reportPath: string;

beforeAll(async () => {
  embedded = await openEmbeddedStore({
    dataDir: mkdtempSync(join(tmpdir(), 'mailprobe-report-')),
    retentionDays: 30,
    clock: () => new Date(END),
  });
  // Every kind, with an auth failure (incident), a blocklist listing, a DNS record change and canary spam.
  await seedHistory(embedded, {
    probes: 4,
    from: START,
    to: END,
    intervalMs: 30 * 60_000,
    retentionDays: 30,
  });
  const html = await buildReport(embedded.store, { since: new Date(START), generatedAt: new Date(END) });
  mkdirSync(OUTPUT, { recursive: true });
  reportPath = join(OUTPUT, 'report.html');
  writeFileSync(reportPath, html);
  // Debian's chromium, headless, with an empty profile; playwright-core downloads nothing.
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'mailprobe-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    viewport: { width: 1200, height: 900 },
  });
});
afterAll(async () => {
  await browser?.close();
  await embedded?.close();
});

describe('the HTML report in a real browser', () => {
  it('draws every chart, logs no error, requests nothing but itself and shows hostile text as text', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${reportPath}`);
    await page.waitForFunction(ALL_CHARTS_DRAWN);
    const charts = (await page.evaluate(INSPECT_CHARTS)) as { id: string; points: number; inked: number }[];
    const kinds = new Set(charts.map((c) => c.id.split('-')[1]));
    expect([...kinds].sort()).toEqual(['cert', 'latency', 'listings', 'phases', 'placement', 'status']);
    for (const chart of charts) {
      expect({ id: chart.id, drew: chart.points > 0 && chart.inked > 100 }).toEqual({
        id: chart.id,
        drew: true,
      });
    }

    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${reportPath}`]);

    // The hostile banner, TXT reason and record change are shown as text; none became markup.
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    const text = await page.textContent('main');
    expect(text).toContain('onerror=alert(1)>');
    expect(text).toContain('bl.example.test');
    expect(text).toContain('127.0.0.2 (direct UBE source)');
    expect(text).toContain('include:</script>');
    expect(HOSTILE).toContain('</script>');

    // The overview sorts by a column when its heading is clicked.
    await page.click('#overview-table th:nth-child(3)');
    const statuses = await page.$$eval('#overview-table tbody tr td:nth-child(3)', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(statuses[0]).toBe('fail');

    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
  });
});
