import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CanaryArrivalRecord, CanaryLedger, CanarySendRecord } from '../probes/canary/ledger';
import { isToken } from '../probes/canary/token';
import { DAY_MS, type Item } from './items';
import { TABLE } from './table';

/**
 * Canary items in the results table, beside results and states and outside every index:
 *
 * | item    | PK               | SK        |
 * | ------- | ---------------- | --------- |
 * | send    | `CANARY#<token>` | `SEND`    |
 * | arrival | `CANARY#<token>` | `ARRIVAL` |
 *
 * Both expire (`expiresAt`) after `retentionDays`; reads ignore items past it, as the result store does.
 */
const SEND_KEY = 'SEND';
const ARRIVAL_KEY = 'ARRIVAL';

class CanaryLedgerError extends Error {
  override readonly name = 'CanaryLedgerError';
}

export interface DynamoCanaryLedgerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long send and arrival records are kept (a few days is plenty; they only pair a send with its arrival). */
  retentionDays?: number;
  clock?: () => Date;
}

export class DynamoCanaryLedger implements CanaryLedger {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionMs: number;
  private readonly clock: () => Date;

  constructor(options: DynamoCanaryLedgerOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionMs = (options.retentionDays ?? 7) * DAY_MS;
    this.clock = options.clock ?? (() => new Date());
  }

  async recordSend(send: CanarySendRecord): Promise<void> {
    await this.call('PutItem (canary send)', () =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: this.item(send, SEND_KEY) })),
    );
  }

  async findSend(token: string): Promise<CanarySendRecord | undefined> {
    return (await this.get(token, SEND_KEY)) as CanarySendRecord | undefined;
  }

  async recordArrival(arrival: CanaryArrivalRecord): Promise<boolean> {
    if (!(await this.findSend(arrival.token))) return false;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(arrival, ARRIVAL_KEY),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw new CanaryLedgerError(`DynamoDB PutItem (canary arrival) on ${this.tableName} failed`, {
        cause: err,
      });
    }
  }

  async findArrival(token: string): Promise<CanaryArrivalRecord | undefined> {
    return (await this.get(token, ARRIVAL_KEY)) as CanaryArrivalRecord | undefined;
  }

  private item(record: CanarySendRecord | CanaryArrivalRecord, sortKey: string): Item {
    if (!isToken(record.token)) throw new CanaryLedgerError('not a canary token');
    return {
      ...(JSON.parse(JSON.stringify(record)) as Item),
      [TABLE.partitionKey]: partition(record.token),
      [TABLE.sortKey]: sortKey,
      [TABLE.ttlAttribute]: Math.floor((this.clock().getTime() + this.retentionMs) / 1000),
    };
  }

  private async get(token: string, sortKey: string): Promise<Item | undefined> {
    if (!isToken(token)) return undefined;
    const out = await this.call('GetItem (canary)', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: partition(token), [TABLE.sortKey]: sortKey },
          ConsistentRead: true,
        }),
      ),
    );
    const item = out.Item;
    if (!item) return undefined;
    const expiresAt = item[TABLE.ttlAttribute];
    if (typeof expiresAt === 'number' && expiresAt <= Math.floor(this.clock().getTime() / 1000))
      return undefined;
    const { [TABLE.partitionKey]: _pk, [TABLE.sortKey]: _sk, [TABLE.ttlAttribute]: _ttl, ...rest } = item;
    return rest;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw new CanaryLedgerError(`DynamoDB ${operation} on ${this.tableName} failed`, { cause: err });
    }
  }
}

const partition = (token: string): string => `CANARY#${token}`;
