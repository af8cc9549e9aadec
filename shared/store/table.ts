import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single-table design, as data. The store, the embedded bootstrap and the CDK stack all read it from here.
 *
 * | item   | PK               | SK                  | states (GSI3)        |
 * | ------ | ---------------- | ------------------- | -------------------- |
 * | result | `PROBE#<probeId>`| `R#<scheduledAt>`   | -                    |
 * | state  | `PROBE#<probeId>`| `STATE`             | `STATES` / `<probeId>` |
 * | suppressed alert | `PROBE#<probeId>` | `S#<scheduledAt>#<type>` | -      |
 * | silence  | `SILENCES`     | `SILENCE#<id>`      | -                    |
 * | incident | `INCIDENT#<id>`| `INCIDENT`          | `INCIDENTS` / `<openedAt>#<id>` while active |
 * | claim    | `RESOURCE#<kind:value>` | `INCIDENT` | -                   |
 *
 * (GSI1 by target and GSI2 by day were dropped: each cost a write per result for a rare listing. A target's history
 * is read from the partitions of the probes whose state names it.)
 *
 * `<at>` is the scheduled time as a normalised ISO-8601 UTC string (`Date.toISOString()`), so string order is time
 * order. `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  states: { indexName: 'states', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ttlAttribute: 'expiresAt',
  versionAttribute: 'version',
} as const;

export const DEFAULT_TABLE_NAME = 'mailprobe-results';

/** Every attribute the table adds to a stored result or state; stripped again on the way out. */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.states.partitionKey,
  TABLE.states.sortKey,
  TABLE.ttlAttribute,
] as const;

const RESULT_PREFIX = 'R#';
export const STATE_SORT_KEY = 'STATE';
export const STATES_PARTITION = 'STATES';

export const SUPPRESSED_PREFIX = 'S#';
export const SILENCES_PARTITION = 'SILENCES';
export const silenceSortKey = (id: string): string => `SILENCE#${id}`;
export const INCIDENT_SORT_KEY = 'INCIDENT';
export const INCIDENTS_PARTITION = 'INCIDENTS';
export const incidentPartition = (id: string): string => `INCIDENT#${id}`;
export const resourcePartition = (resource: string): string => `RESOURCE#${resource}`;

export const probePartition = (probeId: string): string => `PROBE#${probeId}`;
/** The claim a side-effect probe (a canary send) takes on its slot before it acts: outside every index. */
export const claimSortKey = (scheduledAtIso: string): string => `CLAIM#${scheduledAtIso}`;
export const resultSortKey = (scheduledAtIso: string): string => `${RESULT_PREFIX}${scheduledAtIso}`;

/**
 * What each index holds besides the keys (and the TTL, which reads filter on). The states index is sparse (state
 * items and active incidents only) and carries nothing more: a state save, every run, then writes one small entry,
 * and the rare listings read the items by key.
 */
export const INDEX_PROJECTIONS = {
  [TABLE.states.indexName]: [TABLE.ttlAttribute],
} as const satisfies Record<string, readonly string[]>;

/** CreateTable input for the table (on-demand billing, indexes projected as INDEX_PROJECTIONS says). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const gsi = (index: {
    indexName: keyof typeof INDEX_PROJECTIONS;
    partitionKey: string;
    sortKey: string;
  }) => {
    return {
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: {
        ProjectionType: 'INCLUDE' as const,
        NonKeyAttributes: [...INDEX_PROJECTIONS[index.indexName]],
      },
    };
  };
  const indexes = [TABLE.states];
  const keyNames = [
    TABLE.partitionKey,
    TABLE.sortKey,
    ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(gsi),
  };
}
