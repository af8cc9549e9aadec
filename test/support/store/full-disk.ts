/**
 * Run by test/integ/store.test.ts inside `unshare -m` with a small tmpfs mounted on the directory given: fills
 * the file system, opens the embedded store (which must fail and say why), frees the space, opens it again.
 * Prints what it saw as one JSON line.
 */
import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../../shared/store/embedded';

async function main(root: string): Promise<void> {
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  const filler = join(root, 'filler');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) appendFileSync(filler, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  for (let size = chunk.length; size >= 1; size = Math.floor(size / 2)) {
    try {
      for (;;) appendFileSync(filler, chunk.subarray(0, size));
    } catch {
      // Full at this granularity: try a smaller piece.
    }
  }
  let whenFull: string;
  try {
    const store = await openEmbeddedStore({ dataDir, retentionDays: 1 });
    await store.close();
    whenFull = 'opened';
  } catch (err) {
    whenFull = (err as Error).message;
  }
  const leftBehind = readdirSync(dataDir).filter((f) => f.startsWith('dynamodb.lock'));
  rmSync(filler);
  const store = await openEmbeddedStore({ dataDir, retentionDays: 1 });
  const afterFreeing = store.role;
  await store.close();
  process.stdout.write(`${JSON.stringify({ whenFull, leftBehind, afterFreeing })}\n`);
}

main(process.argv[2] as string).catch((err) => {
  process.stdout.write(`${JSON.stringify({ crashed: String(err) })}\n`);
  process.exitCode = 1;
});
