import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';

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
