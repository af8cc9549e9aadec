import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { SUMMARY_ATTRIBUTES } from './result-item';

/**
 * The single-table design, as data. The store, the embedded bootstrap and the CDK stack all read it from here.
 *
 * | item   | PK               | SK                  | byTarget (GSI1)                      | states (GSI3)        |
 * | ------ | ---------------- | ------------------- | ------------------------------------ | -------------------- |
 * | result | `PROBE#<probeId>`| `R#<scheduledAt>`   | `TARGET#<target>` / `<at>#<probeId>` | -                    |
 * | state  | `PROBE#<probeId>`| `STATE`             | -                                    | `STATES` / `<probeId>` |
 * | suppressed alert | `PROBE#<probeId>` | `S#<scheduledAt>#<type>` | -                             | -                    |
 * | silence  | `SILENCES`     | `SILENCE#<id>`      | -                                    | -                    |
 * | incident | `INCIDENT#<id>`| `INCIDENT`          | -                                    | `INCIDENTS` / `<openedAt>#<id>` while active |
 * | claim    | `RESOURCE#<kind:value>` | `INCIDENT` | -                                   | -                    |
 *
 * (GSI2, a by-day index, was dropped: nothing read all probes' results by time, and it cost a write per result.)
 *
 * `<at>` is the scheduled time as a normalised ISO-8601 UTC string (`Date.toISOString()`), so string order is time
 * order. `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  byTarget: { indexName: 'byTarget', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
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
/** Sort key of the target and day indexes: time first, probe id to keep keys unique per slot. */
export const timeSortKey = (scheduledAtIso: string, probeId: string): string =>
  `${scheduledAtIso}#${probeId}`;

/**
 * What each index holds besides the keys (and the TTL, which reads filter on). The target index carries result
 * summaries (an entry costs one write unit, whatever the size of the checks); whole results are read from the table
 * by key. The states index is sparse (state items and active incidents only) and carries nothing more: a state
 * save, every run, then writes one small entry, and the rare listings read the items by key.
 */
export const INDEX_PROJECTIONS = {
  [TABLE.byTarget.indexName]: [...SUMMARY_ATTRIBUTES, TABLE.ttlAttribute],
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
  const indexes = [TABLE.byTarget, TABLE.states];
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
