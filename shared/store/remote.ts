import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, DynamoResultStore } from './dynamo-store';

/** Bounds on every DynamoDB call, local or remote: a stuck endpoint fails a run instead of hanging it. */
const REQUEST_HANDLER = {
  connectionTimeout: 3_000,
  requestTimeout: 15_000,
  throwOnRequestTimeout: true,
} as const;

export interface OpenedStore {
  store: DynamoResultStore;
  client: DynamoDBDocumentClient;
  tableName: string;
}

export interface RemoteStoreOptions {
  tableName: string;
  /** Defaults to the SDK's region resolution (AWS_REGION in Lambda). */
  region?: string;
  /** Needed only for writes (it sets the TTL of new results). */
  retentionDays?: number;
  clock?: Clock;
}

/** The deployed table through the default credential chain: the same store class, no endpoint override. */
export function openRemoteStore(options: RemoteStoreOptions): OpenedStore {
  const { tableName, region, retentionDays, clock } = options;
  const client = createDocumentClient(region ? { region } : {});
  return { store: new DynamoResultStore({ client, tableName, retentionDays, clock }), client, tableName };
}

export function createDocumentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, requestHandler: REQUEST_HANDLER }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
