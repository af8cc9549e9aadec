import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { SUMMARY_ATTRIBUTES } from './result-item';

/**
 * The single-table design, as data. The store, the embedded bootstrap and the CDK stack all read it from here.
 *
 * | item   | PK               | SK                  | byTarget (GSI1)                      | byDay (GSI2)                          | states (GSI3)        |
 * | ------ | ---------------- | ------------------- | ------------------------------------ | ------------------------------------- | -------------------- |
 * | result | `PROBE#<probeId>`| `R#<scheduledAt>`   | `TARGET#<target>` / `<at>#<probeId>` | `DAY#yyyy-mm-dd` / `<at>#<probeId>`   | -                    |
 * | state  | `PROBE#<probeId>`| `STATE`             | -                                    | -                                     | `STATES` / `<probeId>` |
 * | suppressed alert | `PROBE#<probeId>` | `S#<scheduledAt>#<type>` | -                             | -                                     | -                    |
 * | silence  | `SILENCES`     | `SILENCE#<id>`      | -                                    | -                                     | -                    |
 * | incident | `INCIDENT#<id>`| `INCIDENT`          | -                                    | -                                     | `INCIDENTS` / `<openedAt>#<id>` while active |
 * | claim    | `RESOURCE#<kind:value>` | `INCIDENT` | -                                   | -                                     | -                    |
 *
 * `<at>` is the scheduled time as a normalised ISO-8601 UTC string (`Date.toISOString()`), so string order is time
 * order. `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  byTarget: { indexName: 'byTarget', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
  byDay: { indexName: 'byDay', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  states: { indexName: 'states', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  ttlAttribute: 'expiresAt',
  versionAttribute: 'version',
} as const;

export const DEFAULT_TABLE_NAME = 'mailprobe-results';

/** Every attribute the table adds to a stored result or state; stripped again on the way out. */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.byTarget.partitionKey,
  TABLE.byTarget.sortKey,
  TABLE.byDay.partitionKey,
  TABLE.byDay.sortKey,
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
export const targetPartition = (target: string): string => `TARGET#${target}`;
/** The UTC day bucket of a normalised ISO timestamp. */
export const dayPartition = (scheduledAtIso: string): string => `DAY#${scheduledAtIso.slice(0, 10)}`;
/** Sort key of the target and day indexes: time first, probe id to keep keys unique per slot. */
export const timeSortKey = (scheduledAtIso: string, probeId: string): string =>
  `${scheduledAtIso}#${probeId}`;

/**
 * What each index holds besides the keys. The result indexes carry the summary only (a result's index entries then
 * cost one write unit each, whatever the size of its checks); full results are read from the table by key.
 * The states index is sparse (state items only) and carries whole states, which `status` reads.
 */
export const INDEX_PROJECTIONS = {
  [TABLE.byTarget.indexName]: [...SUMMARY_ATTRIBUTES, TABLE.ttlAttribute],
  [TABLE.byDay.indexName]: [...SUMMARY_ATTRIBUTES, TABLE.ttlAttribute],
  [TABLE.states.indexName]: 'ALL',
} as const satisfies Record<string, readonly string[] | 'ALL'>;

/** CreateTable input for the table (on-demand billing, indexes projected as INDEX_PROJECTIONS says). */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const gsi = (index: {
    indexName: keyof typeof INDEX_PROJECTIONS;
    partitionKey: string;
    sortKey: string;
  }) => {
    const projection: readonly string[] | 'ALL' = INDEX_PROJECTIONS[index.indexName];
    return {
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection:
        projection === 'ALL'
          ? { ProjectionType: 'ALL' as const }
          : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...projection] },
    };
  };
  const indexes = [TABLE.byTarget, TABLE.byDay, TABLE.states];
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
