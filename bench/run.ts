/**
 * Runs every `bench/*.bench.ts` module (or those named on the command line: `npm run bench -- history`), prints one
 * markdown table of their figures and writes it to bench/results.md, where the rows of modules not run this time
 * stay as they were. A module that throws is reported after the table and makes the run exit 1.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchModule, BenchRow } from './types';

const SUFFIX = '.bench.ts';

interface Failure {
  name: string;
  error: unknown;
}

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`no such benchmark: ${unknown.join(', ')} (available: ${available.join(', ')})\n`);
    return 2;
  }
  const partial = wanted.length > 0;
  const names = partial ? wanted : available;

  const rows: { name: string; row: BenchRow }[] = [];
  const failures: Failure[] = [];
  for (const name of names) {
    process.stderr.write(`bench ${name}...\n`);
    try {
      const mod = (await import(join(__dirname, `${name}${SUFFIX}`))) as BenchModule;
      for (const row of await mod.run()) rows.push({ name, row });
    } catch (error) {
      failures.push({ name, error });
    }
  }

  const table = renderTable(rows);
  process.stdout.write(`${table}\n`);
  const failed = failures.map(({ name, error }) => `- ${name}: FAILED: ${describe(error)}`);
  const results = join(__dirname, 'results.md');
  const earlier = existsSync(results) ? readFileSync(results, 'utf8') : '';
  writeFileSync(
    results,
    [
      `# Benchmark results (${new Date().toISOString()}${partial ? `; re-run: ${names.join(', ')}` : ''})`,
      '',
      ...(partial ? merged(table, earlier, available, names) : [table]),
      ...(failed.length ? ['', ...failed] : []),
    ]
      .join('\n')
      .concat('\n'),
  );
  for (const { name, error } of failures) {
    process.stderr.write(
      `bench ${name} FAILED: ${error instanceof Error ? (error.stack ?? error) : error}\n`,
    );
  }
  return failures.length > 0 ? 1 : 0;
}

function renderTable(rows: { name: string; row: BenchRow }[]): string {
  const lines = ['| figure | value | baseline | ratio | note |', '| --- | ---: | ---: | ---: | --- |'];
  for (const { name, row } of rows) {
    const baseline = row.baseline === undefined ? '' : `${formatNumber(row.baseline)} ${row.unit}`;
    const ratio = row.baseline ? formatNumber(row.value / row.baseline) : '';
    lines.push(
      `| ${cell(`${name}: ${row.figure}`)} | ${formatNumber(row.value)} ${cell(row.unit)} | ${baseline} | ${ratio} | ${cell(row.note ?? '')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * A partial run: the earlier file's notes (the paragraphs between its title and its table, written by whoever ran
 * it), then the new rows with the earlier rows of the modules not run this time, in module order.
 */
function merged(table: string, earlier: string, available: string[], ran: string[]): string[] {
  const lines = earlier.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| figure |'));
  const notes = start > 0 ? lines.slice(1, start).join('\n').trim() : '';
  const moduleOf = (line: string) => /^\| ([a-z-]+): /.exec(line)?.[1] ?? '';
  const kept = lines.filter((line) => available.includes(moduleOf(line)) && !ran.includes(moduleOf(line)));
  const [head, rule, ...fresh] = table.split('\n');
  const rows = [...kept, ...fresh].sort(
    (a, b) => available.indexOf(moduleOf(a)) - available.indexOf(moduleOf(b)),
  );
  return [...(notes ? [notes, ''] : []), [head, rule, ...rows].join('\n')];
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function describe(error: unknown): string {
  return cell(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${describe(error)}\n`);
    process.exitCode = 1;
  },
);
