import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { type Clock, DynamoResultStore } from './dynamo-store';
import { EmbeddedStoreError } from './errors';
import { createDocumentClient, type OpenedStore } from './remote';
import { createTableInput, DEFAULT_TABLE_NAME } from './table';

const TABLE_ACTIVE_WAIT_S = 10;
/** How long a process waits for another one that is starting or closing the same data directory. */
const OPEN_WAIT_MS = 10_000;
const OPEN_RETRY_MS = 100;

export interface EmbeddedStore extends OpenedStore {
  /** `http://127.0.0.1:<port>` of the dynalite serving the data directory. */
  endpoint: string;
  /**
   * `owner`: this process started dynalite on the directory. `guest`: another mailprobe process (say `watch`)
   * already serves it, and this one talks to that process's dynalite.
   */
  role: 'owner' | 'guest';
  /** Closes the SDK client and, for the owner, the dynalite server (flushing it to disk), so the process can exit. */
  close(): Promise<void>;
}

export interface EmbeddedStoreOptions {
  /** Root of local state; the table lives in `<dataDir>/dynamodb`. */
  dataDir?: string;
  /** Required to write results and states; leave it out to open the store only to read. */
  retentionDays?: number;
  clock?: Clock;
  tableName?: string;
}

/** The owner's claim on a data directory: its pid, and its endpoint once it listens. */
interface LockClaim {
  pid: number;
  endpoint?: string;
}

/**
 * Opens the embedded store on `dataDir`: the same DynamoResultStore the Lambdas use, pointed at dynalite on
 * 127.0.0.1 with its data on disk. The first process to claim the directory (`<dataDir>/dynamodb.lock`) starts
 * dynalite on port 0 and creates the table if missing; later processes, while it runs, become its guests,
 * because LevelDB allows one process per directory.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const { dataDir = '.mailprobe', tableName = DEFAULT_TABLE_NAME } = options;
  await mkdir(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'dynamodb.lock');
  const deadline = Date.now() + OPEN_WAIT_MS;
  let lastClaim: LockClaim | undefined;
  while (Date.now() < deadline) {
    if (await claim(lockPath)) return openAsOwner(join(dataDir, 'dynamodb'), lockPath, tableName, options);
    const held = await readClaim(lockPath);
    if (held === 'missing') continue;
    lastClaim = held.claim;
    if (lastClaim?.endpoint) {
      const guest = await openAsGuest(lastClaim.endpoint, tableName, options);
      if (guest) return guest;
    }
    // A lock is only ever created whole (see claim), so an unreadable one is debris, say of a full disk under an
    // older version; a lock whose process is gone was left by a crash. Either way: take the directory over.
    if (!lastClaim || !isRunning(lastClaim.pid)) {
      await removeStaleLock(lockPath, held.inode);
      continue;
    }
    // Otherwise the owner is still starting or closing: ask again shortly.
    await delay(OPEN_RETRY_MS);
  }
  throw new EmbeddedStoreError(
    `${dataDir} is held by process ${lastClaim?.pid ?? 'unknown'}, which does not serve it; ` +
      `stop that process or remove ${lockPath} if it no longer runs`,
  );
}

async function openAsOwner(
  path: string,
  lockPath: string,
  tableName: string,
  options: EmbeddedStoreOptions,
): Promise<EmbeddedStore> {
  await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 50 });
  let client: DynamoDBDocumentClient | undefined;
  const close = async () => {
    client?.destroy();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    await rm(lockPath, { force: true });
  };
  try {
    const endpoint = await listen(server);
    await replaceLock(lockPath, { pid: process.pid, endpoint });
    client = localClient(endpoint);
    await ensureTable(client, tableName);
    return { ...storeOn(client, tableName, options), endpoint, role: 'owner', close };
  } catch (err) {
    await close().catch(() => undefined);
    throw new EmbeddedStoreError(
      `could not open the embedded DynamoDB table ${tableName} in ${path}: ${fsReason(err)}`,
      { cause: err },
    );
  }
}

/** A store on another process's dynalite, or undefined when that endpoint does not answer. */
async function openAsGuest(
  endpoint: string,
  tableName: string,
  options: EmbeddedStoreOptions,
): Promise<EmbeddedStore | undefined> {
  const client = localClient(endpoint);
  try {
    await ensureTable(client, tableName);
  } catch {
    client.destroy();
    return undefined;
  }
  const close = async () => client.destroy();
  return { ...storeOn(client, tableName, options), endpoint, role: 'guest', close };
}

/**
 * Creates the lock file atomically, content included: the claim is written to a private temporary file, which is
 * then hard-linked as the lock (link fails when the lock exists). A full disk therefore leaves no empty lock
 * behind, only an error that says so. False when another process holds the lock.
 */
async function claim(lockPath: string): Promise<boolean> {
  const temp = await writeTemp(lockPath, { pid: process.pid });
  try {
    await link(temp, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new EmbeddedStoreError(`could not create ${lockPath}: ${fsReason(err)}`, { cause: err });
  } finally {
    await rm(temp, { force: true });
  }
}

/** Rewrites the owner's lock (now with its endpoint) by an atomic rename, so a reader never sees half of it. */
async function replaceLock(lockPath: string, claimed: LockClaim): Promise<void> {
  const temp = await writeTemp(lockPath, claimed);
  try {
    await rename(temp, lockPath);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function writeTemp(lockPath: string, claimed: LockClaim): Promise<string> {
  const temp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(claimed), { flag: 'wx' });
    return temp;
  } catch (err) {
    await rm(temp, { force: true });
    throw new EmbeddedStoreError(`could not create ${lockPath}: ${fsReason(err)}`, { cause: err });
  }
}

/**
 * Removes a lock judged stale, unless another process replaced it meanwhile: the lock is moved aside first and
 * put back (with link, which never overwrites) if it is not the file that was judged.
 */
async function removeStaleLock(lockPath: string, inode: number): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // Already gone: someone else took it over or the owner left.
  }
  try {
    if ((await stat(aside)).ino !== inode) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

/** The claim in the lock (undefined when unreadable) and the lock's inode, or 'missing'. */
async function readClaim(
  lockPath: string,
): Promise<{ claim: LockClaim | undefined; inode: number } | 'missing'> {
  let inode: number;
  let text: string;
  try {
    inode = (await stat(lockPath)).ino;
    text = await readFile(lockPath, 'utf8');
  } catch {
    return 'missing'; // The owner just left: the caller claims the directory.
  }
  return { claim: parseClaim(text), inode };
}

function parseClaim(text: string): LockClaim | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, endpoint } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    // Only ever connect to a loopback endpoint, whatever the file says.
    const local = typeof endpoint === 'string' && /^http:\/\/127\.0\.0\.1:\d{1,5}$/.test(endpoint);
    return { pid, endpoint: local ? endpoint : undefined };
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process: a zombie (exited, not yet reaped) is not. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true; // No /proc (macOS): signal 0 is all there is.
  }
}

/** A file-system error in words an operator acts on: a full disk is named as such. */
function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return 'no space left on device (ENOSPC): free some space and run again';
  if (code === 'EDQUOT') return 'disk quota exceeded (EDQUOT)';
  if (code === 'EROFS') return 'read-only file system (EROFS)';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
  return err instanceof Error ? err.message : String(err);
}

function storeOn(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: EmbeddedStoreOptions,
): OpenedStore {
  const { retentionDays, clock } = options;
  return { store: new DynamoResultStore({ client, tableName, retentionDays, clock }), client, tableName };
}

function localClient(endpoint: string): DynamoDBDocumentClient {
  return createDocumentClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function listen(server: Server): Promise<string> {
  // Never close an idle keep-alive socket: the SDK may be sending on it at that moment (ECONNRESET under load).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Creates the table unless it exists, then waits until it is ACTIVE. */
async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitUntilTableExists(
    { client, maxWaitTime: TABLE_ACTIVE_WAIT_S, minDelay: 0.05, maxDelay: 0.5 },
    { TableName: tableName },
  );
}
