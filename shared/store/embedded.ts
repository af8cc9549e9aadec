import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { type Clock, DynamoResultStore } from './dynamo-store';
import { EmbeddedStoreError } from './errors';
import { createTableInput, DEFAULT_TABLE_NAME } from './table';

/** Bounds on every DynamoDB call, local or remote: a stuck endpoint fails a run instead of hanging it. */
const REQUEST_HANDLER = { connectionTimeout: 3_000, requestTimeout: 15_000 } as const;
const TABLE_ACTIVE_WAIT_S = 10;

export interface OpenedStore {
  store: DynamoResultStore;
  client: DynamoDBDocumentClient;
  tableName: string;
}

export interface EmbeddedStore extends OpenedStore {
  /** `http://127.0.0.1:<port>` of the in-process dynalite. */
  endpoint: string;
  /** Closes the SDK client and the dynalite server (flushing it to disk), so the process can exit. */
  close(): Promise<void>;
}

export interface EmbeddedStoreOptions {
  /** Root of local state; the table lives in `<dataDir>/dynamodb`. */
  dataDir?: string;
  retentionDays: number;
  clock?: Clock;
  tableName?: string;
}

/**
 * Starts dynalite in-process on 127.0.0.1 (port 0) with its data on disk, creates the table if missing, and returns
 * the same DynamoResultStore the Lambdas use, pointed at it.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const { dataDir = '.mailprobe', retentionDays, clock, tableName = DEFAULT_TABLE_NAME } = options;
  const path = join(dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 50 });
  const endpoint = await listen(server);
  const client = createDocumentClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  };
  try {
    await ensureTable(client, tableName);
  } catch (err) {
    await close().catch(() => undefined);
    throw new EmbeddedStoreError(`could not open the embedded DynamoDB table ${tableName} in ${path}`, {
      cause: err,
    });
  }
  const store = new DynamoResultStore({ client, tableName, retentionDays, clock });
  return { store, client, tableName, endpoint, close };
}

export interface RemoteStoreOptions {
  tableName: string;
  /** Defaults to the SDK's region resolution (AWS_REGION in Lambda). */
  region?: string;
  retentionDays: number;
  clock?: Clock;
}

/** The deployed table through the default credential chain: the same store class, no endpoint override. */
export function openRemoteStore(options: RemoteStoreOptions): OpenedStore {
  const { tableName, region, retentionDays, clock } = options;
  const client = createDocumentClient(region ? { region } : {});
  return { store: new DynamoResultStore({ client, tableName, retentionDays, clock }), client, tableName };
}

function createDocumentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, requestHandler: REQUEST_HANDLER }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

async function listen(server: Server): Promise<string> {
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
