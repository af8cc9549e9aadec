import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StoreError } from './errors';
import { TABLE } from './table';

/** Pieces every module of the store shares: one table, one TTL rule. */
export type Item = Record<string, unknown>;
export type Condition = Pick<
  PutCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export const DAY_MS = 86_400_000;
/** Keeps items whose TTL has not passed: dynalite never expires items and AWS deletes them up to days late. */
export const LIVE_FILTER = 'attribute_not_exists(#exp) OR #exp > :now';

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_MAX = 100;
/** Rounds of asking again for keys DynamoDB left unprocessed (throttling), with a doubling pause from 50 ms. */
const UNPROCESSED_ROUNDS = 6;

/**
 * The table items that index entries (or any items carrying the table's keys) point at, read by key in batches,
 * in the order of `entries`. An entry whose item is gone (deleted since the index was read) is left out.
 */
export async function itemsByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  operation: string,
  entries: Item[],
): Promise<Item[]> {
  const keyOf = (item: Item) => `${item[TABLE.partitionKey]}\n${item[TABLE.sortKey]}`;
  const found = new Map<string, Item>();
  for (let i = 0; i < entries.length; i += BATCH_GET_MAX) {
    let keys: Item[] = entries
      .slice(i, i + BATCH_GET_MAX)
      .map((e) => ({ [TABLE.partitionKey]: e[TABLE.partitionKey], [TABLE.sortKey]: e[TABLE.sortKey] }));
    for (let round = 0; keys.length > 0; round++) {
      if (round > UNPROCESSED_ROUNDS)
        throw new StoreError(operation, tableName, new Error(`${keys.length} keys still unprocessed`));
      if (round > 0) await sleep(50 * 2 ** (round - 1));
      const batch = keys;
      let out: BatchGetCommandOutput;
      try {
        out = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch } } }));
      } catch (err) {
        throw new StoreError(operation, tableName, err);
      }
      for (const item of out.Responses?.[tableName] ?? []) found.set(keyOf(item), item);
      keys = (out.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined) ?? [];
    }
  }
  return entries.flatMap((e) => {
    const item = found.get(keyOf(e));
    return item ? [item] : [];
  });
}
