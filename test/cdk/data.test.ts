/**
 * The data stack builds every table of lib/tables.ts: keys and GSIs as declared, on-demand,
 * point-in-time recovery on, TTL on the declared attribute, removal policy from CDK context.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../lib/settings.ts';
import { DataStack } from '../../lib/stacks/dataStack.ts';
import { tableList } from '../../lib/tables.ts';
import { cdkJsonContext } from './synthApp.ts';

function tablesOf(removalPolicy: 'retain' | 'destroy') {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new DataStack(app, 'Data', { settings: parseSettings({ ...cdkJsonContext(), removalPolicy }) });
  return { stack, template: Template.fromStack(stack) };
}

const retained = tablesOf('retain');

describe('tables', () => {
  it('one per definition in lib/tables.ts, with its keys and GSIs', () => {
    const resources = retained.template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(resources)).toHaveLength(tableList.length);
    for (const def of tableList) {
      const logicalId = retained.stack.getLogicalId(retained.stack.tables[def.id].node.defaultChild as never);
      const props = resources[logicalId]?.Properties;
      expect(props, def.id).toBeDefined();
      expect(props.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect(props.GlobalSecondaryIndexes ?? []).toEqual(
        def.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      if (def.ttlAttribute) expect(props.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
      else expect(props.TimeToLiveSpecification).toBeUndefined();
      expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('are retained and deletion-protected by default, deleted with removalPolicy=destroy', () => {
    for (const table of Object.values(retained.template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    }
    for (const table of Object.values(tablesOf('destroy').template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });
});
