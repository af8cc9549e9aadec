import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { INDEX_PROJECTIONS, TABLE } from '../../shared/store/table';

export interface ResultsTableProps {
  /** Continuous backups (`deploy.pointInTimeRecovery`, on by default). */
  pointInTimeRecovery: boolean;
}

/**
 * What a function does with the table, and nothing more (no Scan, no BatchWriteItem, no streams):
 * - `runner`, the probe runners: GetItem (state, stored result, claims), conditional PutItem (results, state, slot
 *   claims, incidents, suppressed alerts), UpdateItem (ADD on the hour and day rollups), conditional DeleteItem
 *   (an incident merged into another), Query (silences and incidents of the table, active incidents on the
 *   `states` index), BatchGetItem (the active incidents that index points at);
 * - `flusher`, the incident flush function: GetItem (an incident), conditional PutItem (delivery claims), Query
 *   (silences, active incidents on the `states` index), BatchGetItem (the incidents that index points at);
 * - `ledger`, the SES inbound function: GetItem and conditional PutItem of canary ledger entries;
 * - `R`, a reader: GetItem, Query and BatchGetItem (history and status: a probe's partition, the `states` index and the items it points at).
 */
const TABLE_ACTIONS = {
  runner: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem'],
  flusher: ['GetItem', 'PutItem', 'Query', 'BatchGetItem'],
  ledger: ['GetItem', 'PutItem'],
  R: ['GetItem', 'Query', 'BatchGetItem'],
} as const;
export type TableAccess = keyof typeof TABLE_ACTIONS;

/** The single results table (keys and indexes from `shared/store/table.ts`), retained and protected by default. */
export class ResultsTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ResultsTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [TABLE.states].map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...INDEX_PROJECTIONS[index.indexName]],
      })),
    });
  }

  /**
   * Gives `fn` the table name and exactly the DynamoDB actions its code performs, on the table and only the
   * indexes it queries. The functions parse untrusted input, so none may Scan, batch-write or read streams.
   */
  bind(fn: lambda.Function, access: TableAccess): void {
    fn.addEnvironment('MAILPROBE_TABLE', this.table.tableName);
    const actions = TABLE_ACTIONS[access].map((a) => `dynamodb:${a}`);
    const states = `${this.table.tableArn}/index/${TABLE.states.indexName}`;
    const indexes = { runner: [states], flusher: [states], ledger: [], R: [states] };
    const resources = [this.table.tableArn, ...indexes[access]];
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }
}
