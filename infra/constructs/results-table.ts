import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/store/table';

/**
 * What a function does with the table (shared/store/dynamo-store.ts and the canary ledger):
 * - `RW`, the runners and the SES inbound function: GetItem (state, ledger entries) and conditional PutItem
 *   (results, state, ledger);
 * - `R`, a reader: GetItem and Query (history and status, by probe, target and day).
 */
const TABLE_ACTIONS = { RW: ['GetItem', 'PutItem'], R: ['GetItem', 'Query'] } as const;
export type TableAccess = keyof typeof TABLE_ACTIONS;

/** The single results table (keys and indexes from `shared/store/table.ts`), retained and protected by default. */
export class ResultsTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [TABLE.byTarget, TABLE.byDay, TABLE.states].map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      })),
    });
  }

  /**
   * Gives `fn` the table name and exactly the DynamoDB actions its code performs, on the table (and its indexes
   * only for readers that query them). The functions parse untrusted input, so none may Scan, delete, batch-write,
   * update or read streams.
   */
  bind(fn: lambda.Function, access: TableAccess): void {
    fn.addEnvironment('MAILPROBE_TABLE', this.table.tableName);
    const actions = TABLE_ACTIONS[access].map((a) => `dynamodb:${a}`);
    const resources =
      access === 'R' ? [this.table.tableArn, `${this.table.tableArn}/index/*`] : [this.table.tableArn];
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }
}
