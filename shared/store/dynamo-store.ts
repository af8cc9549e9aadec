import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ProbeState } from '../alert/types';
import type { ProbeResult } from '../model/result';
import { type AlertStore, DynamoAlertStore } from './alert-store';
import { StoreError, StoreInputError } from './errors';
import { type Condition, DAY_MS, epochSeconds, type Item, itemsByKey, LIVE_FILTER } from './items';
import {
  decodeResult,
  decodeSummary,
  encodeResult,
  type ResultSummary,
  SUMMARY_ATTRIBUTES,
} from './result-item';
import type { ProbeEvent, Resolution, Rollup } from './rollup-model';
import { RollupTable } from './rollups';
import { decodeState, encodeState } from './state-item';
import {
  claimSortKey,
  KEY_ATTRIBUTES,
  probePartition,
  resultSortKey,
  STATE_SORT_KEY,
  STATES_PARTITION,
  TABLE,
} from './table';
import type { HistoryScope, ResultStore, TimeWindow } from './types';

export type Clock = () => Date;

export interface DynamoResultStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Results expire this many days after their scheduled time, states this many days after their last save.
   * Required to write; a store opened only to read (history, status) may leave it out.
   */
  retentionDays?: number;
  clock?: Clock;
}

/** The longest retention the config accepts: the horizon of reads when the store does not know its own. */
const MAX_RETENTION_MS = 3650 * DAY_MS;

/** The one ResultStore: DynamoDB through the document client, whether the endpoint is AWS or embedded dynalite. */
export class DynamoResultStore implements ResultStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionMs: number | undefined;
  private readonly clock: Clock;
  private readonly rollupTable: RollupTable;
  readonly alerting: AlertStore;

  constructor(options: DynamoResultStoreOptions) {
    const { retentionDays } = options;
    if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
      throw new StoreInputError(`retentionDays must be a whole number of days >= 1, got ${retentionDays}`);
    }
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionMs = retentionDays === undefined ? undefined : retentionDays * DAY_MS;
    this.clock = options.clock ?? (() => new Date());
    this.rollupTable = new RollupTable({
      client: this.client,
      tableName: this.tableName,
      now: () => this.clock().getTime(),
    });
    this.alerting = new DynamoAlertStore({
      client: this.client,
      tableName: this.tableName,
      ...(retentionDays !== undefined ? { retentionDays } : {}),
      clock: this.clock,
    });
  }

  async putResult(result: ProbeResult): Promise<'written' | 'duplicate'> {
    const at = isoOf(result.scheduledAt, 'scheduledAt');
    const item: Item = {
      ...encodeResult(result),
      [TABLE.partitionKey]: probePartition(result.probeId),
      [TABLE.sortKey]: resultSortKey(at),
      [TABLE.ttlAttribute]: epochSeconds(Date.parse(at) + this.retention('putResult')),
    };
    const written = await this.conditionalPut('PutItem (result)', item, {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    });
    return written ? 'written' : 'duplicate';
  }

  async getResult(probeId: string, scheduledAt: string): Promise<ProbeResult | undefined> {
    const at = isoOf(scheduledAt, 'scheduledAt');
    const out = await this.call('GetItem (result)', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: probePartition(probeId), [TABLE.sortKey]: resultSortKey(at) },
          ConsistentRead: true,
        }),
      ),
    );
    if (!out.Item || !this.isLive(out.Item)) return undefined;
    return decodeResult(out.Item);
  }

  async claimSlot(probeId: string, scheduledAt: string): Promise<boolean> {
    const at = isoOf(scheduledAt, 'scheduledAt');
    return this.conditionalPut(
      'PutItem (slot claim)',
      {
        [TABLE.partitionKey]: probePartition(probeId),
        [TABLE.sortKey]: claimSortKey(at),
        claimedAt: this.clock().toISOString(),
        // A claim only has to outlive the slot's retries.
        [TABLE.ttlAttribute]: epochSeconds(Date.parse(at) + 2 * DAY_MS),
      },
      {
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      },
    );
  }

  async getState(probeId: string): Promise<ProbeState | undefined> {
    const out = await this.call('GetItem (state)', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE.partitionKey]: probePartition(probeId), [TABLE.sortKey]: STATE_SORT_KEY },
          ConsistentRead: true,
        }),
      ),
    );
    if (!out.Item || !this.isLive(out.Item)) return undefined;
    return decodeState(strip(out.Item));
  }

  async saveState(state: ProbeState): Promise<boolean> {
    if (!Number.isInteger(state.version) || state.version < 1) {
      throw new StoreInputError(`state version must be a whole number >= 1, got ${state.version}`);
    }
    const now = this.clock().getTime();
    const item: Item = {
      ...encodeState(state),
      [TABLE.partitionKey]: probePartition(state.probeId),
      [TABLE.sortKey]: STATE_SORT_KEY,
      [TABLE.states.partitionKey]: STATES_PARTITION,
      [TABLE.states.sortKey]: state.probeId,
      [TABLE.ttlAttribute]: epochSeconds(now + this.retention('saveState')),
    };
    // A first version may replace an item that is past its TTL but not yet deleted: getState no longer sees it.
    const condition: Condition =
      state.version === 1
        ? {
            ConditionExpression: 'attribute_not_exists(#v) OR #exp <= :now',
            ExpressionAttributeNames: { '#v': TABLE.versionAttribute, '#exp': TABLE.ttlAttribute },
            ExpressionAttributeValues: { ':now': epochSeconds(now) },
          }
        : {
            ConditionExpression: '#v = :previous',
            ExpressionAttributeNames: { '#v': TABLE.versionAttribute },
            ExpressionAttributeValues: { ':previous': state.version - 1 },
          };
    return this.conditionalPut('PutItem (state)', item, condition);
  }

  async historyByProbe(probeId: string, window: TimeWindow): Promise<ProbeResult[]> {
    const query = this.probeQuery(probeId, window);
    if (!query) return [];
    return (await this.collect('Query (history by probe)', query, window.limit)).map(decodeResult);
  }

  async historyByTarget(target: string, window: TimeWindow): Promise<ProbeResult[]> {
    const probes = await this.probesOn(target);
    return inWindowOrder(await Promise.all(probes.map((p) => this.historyByProbe(p, window))), window);
  }

  async summaries(scope: HistoryScope, window: TimeWindow): Promise<ResultSummary[]> {
    if ('target' in scope) {
      const probes = await this.probesOn(scope.target);
      return inWindowOrder(
        await Promise.all(probes.map((p) => this.summaries({ probeId: p }, window))),
        window,
      );
    }
    const query = this.probeQuery(scope.probeId, window);
    if (!query) return [];
    // The item holds the whole result: read only the summary attributes.
    const names = Object.fromEntries(SUMMARY_ATTRIBUTES.map((a, i) => [`#s${i}`, a]));
    query.ProjectionExpression = Object.keys(names).join(', ');
    query.ExpressionAttributeNames = { ...query.ExpressionAttributeNames, ...names };
    return (await this.collect('Query (history summaries)', query, window.limit)).map(decodeSummary);
  }

  /** The query of one probe's results over a window, or none when the window is empty. */
  private probeQuery(probeId: string, window: TimeWindow): QueryCommandInput | undefined {
    const range = this.range(window);
    if (!range) return undefined;
    return this.windowQuery(TABLE.partitionKey, probePartition(probeId), TABLE.sortKey, window, [
      resultSortKey(range.from),
      resultSortKey(range.lastIncluded),
    ]);
  }

  /**
   * The probes whose results a target's history holds: those whose state names it. No index keeps results by
   * target (it would cost a write per result for a rare listing); a state outlives every result it evaluated.
   */
  private async probesOn(target: string): Promise<string[]> {
    return (await this.listStates()).filter((s) => s.target === target).map((s) => s.probeId);
  }

  async listStates(): Promise<ProbeState[]> {
    const query: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: TABLE.states.indexName,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: LIVE_FILTER,
      ExpressionAttributeNames: { '#pk': TABLE.states.partitionKey, '#exp': TABLE.ttlAttribute },
      ExpressionAttributeValues: { ':pk': STATES_PARTITION, ':now': epochSeconds(this.clock().getTime()) },
    };
    // The index holds keys only (a state save then writes one small index entry); the states are read by key.
    const entries = await this.collect('Query (states)', query, undefined);
    const items = await itemsByKey(this.client, this.tableName, 'BatchGetItem (states)', entries);
    return items.map((item) => decodeState(strip(item)));
  }

  async addToRollups(result: ProbeResult, previous: ProbeState | undefined): Promise<void> {
    await this.rollupTable.record(result, previous, this.retention('addToRollups'));
  }

  async rollups(probeId: string, window: TimeWindow, resolution: Resolution): Promise<Rollup[]> {
    const range = this.range(window);
    if (!range) return [];
    return this.rollupTable.rollups(probeId, range.from, range.lastIncluded, resolution);
  }

  async events(probeId: string, window: TimeWindow): Promise<{ before?: ProbeEvent; events: ProbeEvent[] }> {
    const range = this.range(window);
    if (!range) return { events: [] };
    const [before, events] = await Promise.all([
      this.rollupTable.eventBefore(probeId, range.from),
      this.rollupTable.events(probeId, range.from, range.lastIncluded),
    ]);
    return before ? { before, events } : { events };
  }

  /**
   * The window as normalised ISO bounds, or undefined when it is empty. `since` is raised to the retention
   * horizon (the longest allowed when unknown): anything older has expired, so neither the day buckets nor the
   * keys before it are worth reading.
   */
  private range(window: TimeWindow): { from: string; until: string; lastIncluded: string } | undefined {
    if (window.limit !== undefined && window.limit <= 0) return undefined;
    const now = this.clock().getTime();
    const since = Math.max(msOf(window.since, 'since'), now - (this.retentionMs ?? MAX_RETENTION_MS));
    const until = window.until ? msOf(window.until, 'until') : now;
    if (since >= until) return undefined;
    return {
      from: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      // Keys hold millisecond timestamps, so the last millisecond before `until` is the inclusive upper bound.
      lastIncluded: new Date(until - 1).toISOString(),
    };
  }

  private windowQuery(
    partitionKey: string,
    partition: string,
    sortKey: string,
    window: TimeWindow,
    [low, high]: [string, string],
  ): QueryCommandInput {
    return {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      FilterExpression: LIVE_FILTER,
      ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey, '#exp': TABLE.ttlAttribute },
      ExpressionAttributeValues: {
        ':pk': partition,
        ':low': low,
        ':high': high,
        ':now': epochSeconds(this.clock().getTime()),
      },
      ScanIndexForward: !window.newestFirst,
    };
  }

  /** Runs the query, following every page, until `limit` items are collected. */
  private async collect(operation: string, query: QueryCommandInput, limit: number | undefined) {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const input: QueryCommandInput = { ...query };
      if (startKey) input.ExclusiveStartKey = startKey;
      if (limit !== undefined) input.Limit = limit - items.length;
      const page = await this.call(operation, () => this.client.send(new QueryCommand(input)));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (limit !== undefined && items.length >= limit) return items.slice(0, limit);
    } while (startKey);
    return items;
  }

  /** Puts `item` under a condition; false when the condition failed, a StoreError for anything else. */
  private async conditionalPut(operation: string, item: Item, condition: Condition): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw new StoreError(operation, this.tableName, err);
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw new StoreError(operation, this.tableName, err);
    }
  }

  private retention(operation: string): number {
    if (this.retentionMs === undefined) {
      throw new StoreInputError(`${operation} needs retentionDays: this store was opened read-only`);
    }
    return this.retentionMs;
  }

  private isLive(item: Item): boolean {
    const expiresAt = item[TABLE.ttlAttribute];
    return typeof expiresAt !== 'number' || expiresAt > epochSeconds(this.clock().getTime());
  }
}

/** Several probes' lists merged in the window's order (scheduled time, then probe id), cut to its limit. */
function inWindowOrder<T extends { scheduledAt: string; probeId: string }>(
  lists: T[][],
  window: TimeWindow,
): T[] {
  const sign = window.newestFirst ? -1 : 1;
  const merged = lists
    .flat()
    .sort(
      (a, b) =>
        sign * (Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt) || a.probeId.localeCompare(b.probeId)),
    );
  return window.limit === undefined ? merged : merged.slice(0, window.limit);
}

function strip(item: Item): Item {
  const out = { ...item };
  for (const key of KEY_ATTRIBUTES) delete out[key];
  return out;
}

function msOf(value: string | Date, field: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms))
    throw new StoreInputError(`${field} is not a valid date: ${String(value).slice(0, 64)}`);
  return ms;
}

function isoOf(value: string, field: string): string {
  return new Date(msOf(value, field)).toISOString();
}
