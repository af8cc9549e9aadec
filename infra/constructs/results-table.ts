import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/store/table';

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

  /** Gives `fn` the table name and exactly the data access it needs. */
  bind(fn: lambda.Function, access: 'R' | 'RW'): void {
    fn.addEnvironment('MAILPROBE_TABLE', this.table.tableName);
    if (access === 'RW') this.table.grantReadWriteData(fn);
    else this.table.grantReadData(fn);
  }
}
