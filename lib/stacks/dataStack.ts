/**
 * The DynamoDB tables, built from lib/tables.ts (the same definitions the local stack creates in
 * DynamoDB Local): on-demand, point-in-time recovery, TTL on the expiry attribute, the GSIs.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { removalPolicyOf, type Settings } from '../settings.ts';
import { type KeyAttribute, type TableId, tableList } from '../tables.ts';

export interface DataStackProps extends StackProps {
  readonly settings: Settings;
}

const attribute = (key: KeyAttribute) => ({ name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

export class DataStack extends Stack {
  readonly tables: Readonly<Record<TableId, ITable>>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const removalPolicy = removalPolicyOf(props.settings);
    const built = {} as Record<TableId, ITable>;
    for (const def of tableList) {
      const table = new Table(this, `${def.id.charAt(0).toUpperCase()}${def.id.slice(1)}Table`, {
        partitionKey: attribute(def.partitionKey),
        ...(def.sortKey && { sortKey: attribute(def.sortKey) }),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...(def.ttlAttribute && { timeToLiveAttribute: def.ttlAttribute }),
        encryption: TableEncryption.AWS_MANAGED,
        removalPolicy,
        deletionProtection: props.settings.removalPolicy === 'retain',
      });
      for (const index of def.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey && { sortKey: attribute(index.sortKey) }),
        });
      }
      built[def.id] = table;
    }
    this.tables = built;
    // `CLIENTS_TABLE=<this> npm run clients -- ...` manages this deployment's service clients
    new CfnOutput(this, 'ClientsTableName', { value: built.clients.tableName, description: 'Service clients table: CLIENTS_TABLE for npm run clients' });
  }
}
