import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Incident, Silence, SuppressedAlert } from '../alert/types';
import { StoreError, StoreInputError } from './errors';
import { type Condition, DAY_MS, epochSeconds, type Item, itemsByKey, LIVE_FILTER } from './items';
import {
  INCIDENT_SORT_KEY,
  INCIDENTS_PARTITION,
  incidentPartition,
  KEY_ATTRIBUTES,
  probePartition,
  resourcePartition,
  SILENCES_PARTITION,
  SUPPRESSED_PREFIX,
  silenceSortKey,
  TABLE,
} from './table';

/** Which incident a resource's alerts join, and since when: the correlator's conditional meeting point. */
export interface ResourceClaim {
  resource: string;
  incidentId: string;
  at: string;
}

/**
 * The alerting items of the results table: silences, suppressed alerts, incidents and resource claims. Every read
 * is a GetItem or a Query; everything two runs might write at once is conditional.
 */
export interface AlertStore {
  putSilence(silence: Silence): Promise<void>;
  /** Silences not yet ended at `now` (all of them with `includeEnded`), oldest first. */
  listSilences(now: Date, includeEnded?: boolean): Promise<Silence[]>;
  /** False when there was no such silence. */
  deleteSilence(id: string): Promise<boolean>;
  /** Once per (probe, scheduled time, alert type): a replay records nothing twice. */
  putSuppressed(record: SuppressedAlert): Promise<void>;
  suppressedByProbe(probeId: string, since: Date, until?: Date): Promise<SuppressedAlert[]>;
  getClaim(resource: string): Promise<ResourceClaim | undefined>;
  /** Claims a resource for an incident if unclaimed, or if still claimed by `replacing` (an incident id). */
  claim(claim: ResourceClaim, replacing?: string): Promise<boolean>;
  getIncident(id: string): Promise<Incident | undefined>;
  /**
   * Saves an incident if its stored version is still `version - 1` (absent for version 1). `active` keeps it in the
   * index of incidents the flush looks at.
   */
  saveIncident(incident: Incident, active: boolean): Promise<boolean>;
  deleteIncident(id: string, version: number): Promise<boolean>;
  /** Incidents still open or with a message left to send. */
  activeIncidents(): Promise<Incident[]>;
}

/** An ended silence stays listable (`silence list --all`) this long, then its TTL removes it. */
const ENDED_SILENCE_KEPT_MS = 30 * DAY_MS;

export interface DynamoAlertStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long suppressed alerts, ended silences and closed incidents are kept; required to write. */
  retentionDays?: number;
  clock: () => Date;
}

export class DynamoAlertStore implements AlertStore {
  constructor(private readonly options: DynamoAlertStoreOptions) {}

  async putSilence(silence: Silence): Promise<void> {
    const ends = Date.parse(silence.endsAt);
    await this.conditionalPut(
      'PutItem (silence)',
      {
        ...plain(silence),
        [TABLE.partitionKey]: SILENCES_PARTITION,
        [TABLE.sortKey]: silenceSortKey(silence.id),
        [TABLE.ttlAttribute]: epochSeconds(ends + ENDED_SILENCE_KEPT_MS),
      },
      {},
    );
  }

  async listSilences(now: Date, includeEnded = false): Promise<Silence[]> {
    const items = await this.query('Query (silences)', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': SILENCES_PARTITION },
    });
    const silences = items.map((i) => strip(i) as unknown as Silence);
    return silences
      .filter((s) => includeEnded || Date.parse(s.endsAt) > now.getTime())
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  async deleteSilence(id: string): Promise<boolean> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { [TABLE.partitionKey]: SILENCES_PARTITION, [TABLE.sortKey]: silenceSortKey(id) },
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw new StoreError('DeleteItem (silence)', this.options.tableName, err);
    }
  }

  async putSuppressed(record: SuppressedAlert): Promise<void> {
    const { alert } = record;
    await this.conditionalPut(
      'PutItem (suppressed alert)',
      {
        ...plain(record),
        [TABLE.partitionKey]: probePartition(alert.probeId),
        [TABLE.sortKey]: `${SUPPRESSED_PREFIX}${alert.scheduledAt}#${alert.type}`,
        [TABLE.ttlAttribute]: epochSeconds(Date.parse(alert.scheduledAt) + this.retention('putSuppressed')),
      },
      {
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      },
    );
  }

  async suppressedByProbe(probeId: string, since: Date, until?: Date): Promise<SuppressedAlert[]> {
    const high = (until ?? this.options.clock()).toISOString();
    const items = await this.query('Query (suppressed alerts)', {
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: {
        ':pk': probePartition(probeId),
        ':low': `${SUPPRESSED_PREFIX}${since.toISOString()}`,
        // `#` sorts before every character of an alert type, `~` after: the whole last millisecond is included.
        ':high': `${SUPPRESSED_PREFIX}${high}~`,
      },
      ScanIndexForward: false,
    });
    return items.map((i) => strip(i) as unknown as SuppressedAlert);
  }

  async getClaim(resource: string): Promise<ResourceClaim | undefined> {
    const item = await this.get('GetItem (claim)', resourcePartition(resource));
    return item ? (strip(item) as unknown as ResourceClaim) : undefined;
  }

  claim(claim: ResourceClaim, replacing?: string): Promise<boolean> {
    const condition: Condition = replacing
      ? {
          ConditionExpression: 'attribute_not_exists(#pk) OR #inc = :prev',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#inc': 'incidentId' },
          ExpressionAttributeValues: { ':prev': replacing },
        }
      : {
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        };
    return this.conditionalPut(
      'PutItem (claim)',
      {
        ...plain(claim),
        [TABLE.partitionKey]: resourcePartition(claim.resource),
        [TABLE.sortKey]: INCIDENT_SORT_KEY,
        [TABLE.ttlAttribute]: epochSeconds(Date.parse(claim.at) + this.retention('claim')),
      },
      condition,
    );
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const item = await this.get('GetItem (incident)', incidentPartition(id));
    return item ? (strip(item) as unknown as Incident) : undefined;
  }

  saveIncident(incident: Incident, active: boolean): Promise<boolean> {
    if (!Number.isInteger(incident.version) || incident.version < 1) {
      throw new StoreInputError(`incident version must be a whole number >= 1, got ${incident.version}`);
    }
    const item: Item = {
      ...plain(incident),
      [TABLE.partitionKey]: incidentPartition(incident.id),
      [TABLE.sortKey]: INCIDENT_SORT_KEY,
      [TABLE.ttlAttribute]: epochSeconds(Date.parse(incident.lastChangeAt) + this.retention('saveIncident')),
      // The index is sparse: a closed, fully delivered incident drops out of what every flush queries.
      ...(active
        ? {
            [TABLE.states.partitionKey]: INCIDENTS_PARTITION,
            [TABLE.states.sortKey]: `${incident.openedAt}#${incident.id}`,
          }
        : {}),
    };
    return this.conditionalPut('PutItem (incident)', item, versionCondition(incident.version));
  }

  async deleteIncident(id: string, version: number): Promise<boolean> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { [TABLE.partitionKey]: incidentPartition(id), [TABLE.sortKey]: INCIDENT_SORT_KEY },
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': TABLE.versionAttribute },
          ExpressionAttributeValues: { ':v': version },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw new StoreError('DeleteItem (incident)', this.options.tableName, err);
    }
  }

  async activeIncidents(): Promise<Incident[]> {
    const items = await this.query('Query (active incidents)', {
      IndexName: TABLE.states.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.states.partitionKey },
      ExpressionAttributeValues: { ':pk': INCIDENTS_PARTITION },
    });
    const { client, tableName } = this.options;
    const incidents = await itemsByKey(client, tableName, 'BatchGetItem (active incidents)', items);
    return incidents.map((i) => strip(i) as unknown as Incident);
  }

  private async get(operation: string, partition: string): Promise<Item | undefined> {
    const { client, tableName } = this.options;
    let out: { Item?: Item };
    try {
      out = await client.send(
        new GetCommand({
          TableName: tableName,
          // Claims and incidents both sit under the `INCIDENT` sort key of their own partition.
          Key: { [TABLE.partitionKey]: partition, [TABLE.sortKey]: INCIDENT_SORT_KEY },
          ConsistentRead: true,
        }),
      );
    } catch (err) {
      throw new StoreError(operation, tableName, err);
    }
    const expiresAt = out.Item?.[TABLE.ttlAttribute];
    if (typeof expiresAt === 'number' && expiresAt <= epochSeconds(this.options.clock().getTime())) {
      return undefined;
    }
    return out.Item;
  }

  /** Follows every page; skips items past their TTL (DynamoDB deletes late, dynalite never). */
  private async query(
    operation: string,
    input: Omit<QueryCommandInput, 'TableName' | 'FilterExpression'>,
  ): Promise<Item[]> {
    const { client, tableName } = this.options;
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await (async () => {
        try {
          return await client.send(
            new QueryCommand({
              ...input,
              TableName: tableName,
              FilterExpression: LIVE_FILTER,
              ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#exp': TABLE.ttlAttribute },
              ExpressionAttributeValues: {
                ...input.ExpressionAttributeValues,
                ':now': epochSeconds(this.options.clock().getTime()),
              },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          );
        } catch (err) {
          throw new StoreError(operation, tableName, err);
        }
      })();
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async conditionalPut(operation: string, item: Item, condition: Condition): Promise<boolean> {
    const { client, tableName } = this.options;
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
      return true;
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
      throw new StoreError(operation, tableName, err);
    }
  }

  private retention(operation: string): number {
    const days = this.options.retentionDays;
    if (days === undefined) {
      throw new StoreInputError(`${operation} needs retentionDays: this store was opened read-only`);
    }
    return days * DAY_MS;
  }
}

function versionCondition(version: number): Condition {
  return version === 1
    ? {
        ConditionExpression: 'attribute_not_exists(#v)',
        ExpressionAttributeNames: { '#v': TABLE.versionAttribute },
      }
    : {
        ConditionExpression: '#v = :previous',
        ExpressionAttributeNames: { '#v': TABLE.versionAttribute },
        ExpressionAttributeValues: { ':previous': version - 1 },
      };
}

function strip(item: Item): Item {
  const out = { ...item };
  for (const key of KEY_ATTRIBUTES) delete out[key];
  return out;
}

function plain(value: unknown): Item {
  return JSON.parse(JSON.stringify(value)) as Item;
}
