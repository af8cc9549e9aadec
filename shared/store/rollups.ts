import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProbeState } from '../alert/types';
import type { ProbeResult } from '../model/result';
import type { Log } from '../util/log';
import { StoreError } from './errors';
import { emptyHistogram } from './histogram';
import { epochSeconds, type Item, LIVE_FILTER } from './items';
import {
  bucketStart,
  eventFor,
  type ProbeEvent,
  RESOLUTION_MS,
  type Resolution,
  type Rollup,
  type RollupIncrement,
  rollupIncrement,
} from './rollup-model';
import { probePartition, TABLE } from './table';
import type { ResultStore } from './types';

/**
 * Rollups and events in the results table, beside the results of the same probe:
 *
 * | item   | PK                | SK                             | attributes                                          |
 * | ------ | ----------------- | ------------------------------ | --------------------------------------------------- |
 * | rollup | `PROBE#<probeId>` | `H#<yyyy-mm-ddThh>` / `D#<yyyy-mm-dd>` | `c|<counter>`, `h|<histogram>|n|sum|<bucket>` (ADD) |
 * | event  | `PROBE#<probeId>` | `E#<scheduledAt>`              | the ProbeEvent                                      |
 *
 * A rollup is updated with one atomic ADD per resolution, only for a result whose conditional put wrote it, so a
 * retried invocation (which finds its slot taken) never counts twice. Reports read these instead of every raw
 * result: 30 days of a 5-minute probe are 30 day items or 720 hour items instead of 8,640 results.
 */

/**
 * The hook of the result path: adds a written result to the rollups. Rollups are derived data, so one that
 * fails to update is logged and the run still evaluates and alerts.
 */
export async function recordRollups(
  store: ResultStore,
  result: ProbeResult,
  previous: ProbeState | undefined,
  log: Log,
): Promise<void> {
  try {
    await store.addToRollups(result, previous);
  } catch (err) {
    log.error('rollup not updated', { probeId: result.probeId, error: String(err) });
  }
}

const SORT_PREFIX: Record<Resolution, string> = { hour: 'H#', day: 'D#' };
/** Characters of the ISO start that name a bucket: `2026-03-01T05` or `2026-03-01`. */
const KEY_LENGTH: Record<Resolution, number> = { hour: 13, day: 10 };
const EVENT_PREFIX = 'E#';

const rollupSortKey = (iso: string, resolution: Resolution): string =>
  `${SORT_PREFIX[resolution]}${iso.slice(0, KEY_LENGTH[resolution])}`;
const eventSortKey = (iso: string): string => `${EVENT_PREFIX}${iso}`;

export interface RollupTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => number;
}

export class RollupTable {
  constructor(private readonly options: RollupTableOptions) {}

  /** Adds a written result to its hour and day rollups and records its event, if it makes one. */
  async record(result: ProbeResult, previous: ProbeState | undefined, retentionMs: number): Promise<void> {
    const increment = rollupIncrement(result);
    const at = new Date(Date.parse(result.scheduledAt)).toISOString();
    await Promise.all(
      (['hour', 'day'] as const).map((resolution) =>
        this.add(result.probeId, bucketStart(at, resolution), resolution, increment, retentionMs),
      ),
    );
    const event = eventFor(result, previous);
    if (event) await this.putEvent(event, retentionMs);
  }

  /** One atomic ADD of `increment` to the bucket starting at `start`. */
  async add(
    probeId: string,
    start: string,
    resolution: Resolution,
    increment: RollupIncrement,
    retentionMs: number,
  ): Promise<void> {
    const names: Record<string, string> = { '#exp': TABLE.ttlAttribute, '#start': 'start', '#runs': 'runs' };
    const values: Record<string, unknown> = {
      ':exp': epochSeconds(Date.parse(start) + RESOLUTION_MS[resolution] + retentionMs),
      ':start': start,
    };
    const adds: string[] = [];
    const add = (attribute: string, value: number) => {
      const i = adds.length;
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = value;
      adds.push(`#a${i} :a${i}`);
    };
    let runs = 0;
    for (const [name, value] of Object.entries(increment.counters)) {
      add(`c|${name}`, value);
      if (name.startsWith('status:')) runs += value;
    }
    values[':runs'] = runs;
    adds.push('#runs :runs');
    for (const [name, h] of Object.entries(increment.histograms)) {
      add(`h|${name}|n`, h.n);
      add(`h|${name}|sum`, h.sum);
      for (const [k, count] of Object.entries(h.buckets)) add(`h|${name}|${k}`, count);
    }
    await this.call('UpdateItem (rollup)', () =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: {
            [TABLE.partitionKey]: probePartition(probeId),
            [TABLE.sortKey]: rollupSortKey(start, resolution),
          },
          UpdateExpression: `SET #start = :start, #exp = :exp ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** Puts an event once per (probe, scheduled time). */
  async putEvent(event: ProbeEvent, retentionMs: number): Promise<void> {
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...JSON.parse(JSON.stringify(event)),
            [TABLE.partitionKey]: probePartition(event.probeId),
            [TABLE.sortKey]: eventSortKey(event.at),
            [TABLE.ttlAttribute]: epochSeconds(Date.parse(event.at) + retentionMs),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return;
      throw new StoreError('PutItem (event)', this.options.tableName, err);
    }
  }

  /** The rollups of one probe whose buckets overlap [fromIso, lastIso], oldest first. */
  async rollups(
    probeId: string,
    fromIso: string,
    lastIso: string,
    resolution: Resolution,
  ): Promise<Rollup[]> {
    const items = await this.query('Query (rollups)', probeId, [
      rollupSortKey(fromIso, resolution),
      rollupSortKey(lastIso, resolution),
    ]);
    return items.map((item) => toRollup(probeId, resolution, item));
  }

  /** The events of one probe in [fromIso, lastIso], oldest first. */
  async events(probeId: string, fromIso: string, lastIso: string): Promise<ProbeEvent[]> {
    const items = await this.query('Query (events)', probeId, [eventSortKey(fromIso), eventSortKey(lastIso)]);
    return items.map(toEvent);
  }

  /** The newest event before `iso`: where the probe stood when a window opens. */
  async eventBefore(probeId: string, iso: string): Promise<ProbeEvent | undefined> {
    const input: QueryCommandInput = {
      TableName: this.options.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      FilterExpression: LIVE_FILTER,
      ExpressionAttributeNames: {
        '#pk': TABLE.partitionKey,
        '#sk': TABLE.sortKey,
        '#exp': TABLE.ttlAttribute,
      },
      ExpressionAttributeValues: {
        ':pk': probePartition(probeId),
        ':low': EVENT_PREFIX,
        // The last key strictly before `iso`: keys are millisecond timestamps.
        ':high': eventSortKey(new Date(Date.parse(iso) - 1).toISOString()),
        ':now': epochSeconds(this.options.now()),
      },
      ScanIndexForward: false,
    };
    // A filter applies after Limit, so page until one live item turns up (expired ones are rare and old).
    let startKey: Item | undefined;
    do {
      const page = await this.call('Query (event before)', () =>
        this.options.client.send(
          new QueryCommand({ ...input, Limit: 5, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
        ),
      );
      const first = page.Items?.[0];
      if (first) return toEvent(first);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  private async query(operation: string, probeId: string, [low, high]: [string, string]): Promise<Item[]> {
    const input: QueryCommandInput = {
      TableName: this.options.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      FilterExpression: LIVE_FILTER,
      ExpressionAttributeNames: {
        '#pk': TABLE.partitionKey,
        '#sk': TABLE.sortKey,
        '#exp': TABLE.ttlAttribute,
      },
      ExpressionAttributeValues: {
        ':pk': probePartition(probeId),
        ':low': low,
        ':high': high,
        ':now': epochSeconds(this.options.now()),
      },
    };
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.call(operation, () =>
        this.options.client.send(
          new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw new StoreError(operation, this.options.tableName, err);
    }
  }
}

function toRollup(probeId: string, resolution: Resolution, item: Item): Rollup {
  const rollup: Rollup = {
    probeId,
    resolution,
    start: String(item.start),
    runs: Number(item.runs ?? 0),
    counters: {},
    histograms: {},
  };
  for (const [attribute, raw] of Object.entries(item)) {
    const value = Number(raw);
    if (attribute.startsWith('c|')) {
      rollup.counters[attribute.slice(2)] = value;
    } else if (attribute.startsWith('h|')) {
      const cut = attribute.lastIndexOf('|');
      const name = attribute.slice(2, cut);
      const field = attribute.slice(cut + 1);
      rollup.histograms[name] ??= emptyHistogram();
      const h = rollup.histograms[name];
      if (field === 'n') h.n = value;
      else if (field === 'sum') h.sum = value;
      else h.buckets[Number(field)] = value;
    }
  }
  return rollup;
}

function toEvent(item: Item): ProbeEvent {
  const { [TABLE.partitionKey]: _pk, [TABLE.sortKey]: _sk, [TABLE.ttlAttribute]: _ttl, ...event } = item;
  return event as unknown as ProbeEvent;
}
