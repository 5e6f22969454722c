/**
 * Least-privilege IAM from a route's `access` in lib/routes.ts: exactly the tables it names (item
 * actions on the table, Query on its named indexes; never Scan), ECS on the SFU task definition and
 * the cluster's tasks, ManageConnections on the WebSocket API stage, Sign/GetPublicKey on the token
 * key, GenerateMac on the event seal key. Nothing a route does not ask for.
 */
import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import type { RouteAccess } from '../routes.ts';
import { type TableId, tables as tableDefinitions } from '../tables.ts';

/** Item-level DynamoDB actions the repositories use (transactions need the per-item ones). No Scan. */
export const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

export const TOKEN_KEY_ACTIONS = ['kms:Sign', 'kms:GetPublicKey'] as const;
export const EVENT_SEAL_KEY_ACTIONS = ['kms:GenerateMac'] as const;

/** What the createRoom path needs to start, stop and inspect SFU tasks. */
export interface SfuTaskTarget {
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly taskDefinitionArn: string;
  /**
   * The cluster's name as a plain string (not a token): the task ARNs StopTask may touch are
   * task/<name>/*. The SFU stack names its cluster, so this needs no cross-stack import.
   */
  readonly passRoleArns: readonly string[];
}

export interface AccessTargets {
  readonly tables: Readonly<Record<TableId, ITable>>;
  readonly tokenKey: IKey;
  /** The HMAC key whose MAC seals stored originals of masked user events. */
  readonly eventSealKey: IKey;
  readonly sfu: SfuTaskTarget;
  /** The WebSocket API stage whose connections handlers post to; absent before it exists. */
  readonly connections?: ConnectionsTarget;
}

/** A WebSocket API stage (or, from another stack, its imported id and stage name). */
export interface ConnectionsTarget {
  readonly api: { readonly apiId: string };
  readonly stageName: string;
}

export function grantRouteAccess(role: IRole, name: string, access: RouteAccess, targets: AccessTargets): void {
  for (const id of new Set(access.tables)) {
    const table = targets.tables[id];
    role.addToPrincipalPolicy(new PolicyStatement({ sid: `Table${pascal(id)}`, actions: [...TABLE_ITEM_ACTIONS], resources: [table.tableArn] }));
    const indexes = tableDefinitions[id].globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    if (indexes.length > 0) {
      role.addToPrincipalPolicy(new PolicyStatement({ sid: `Table${pascal(id)}Indexes`, actions: ['dynamodb:Query'], resources: indexes }));
    }
  }

  if (access.signsTokens) {
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'TokenKey', actions: [...TOKEN_KEY_ACTIONS], resources: [targets.tokenKey.keyArn] }));
  }

  if (access.sealsEvents) {
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'EventSealKey', actions: [...EVENT_SEAL_KEY_ACTIONS], resources: [targets.eventSealKey.keyArn] }));
  }

  if (access.runsTasks) grantRunTasks(role, name, targets.sfu);

  if (access.managesConnections) {
    if (!targets.connections) throw new Error(`${name} manages WebSocket connections, but there is no WebSocket stage to grant`);
    const { partition, region, account } = Stack.of(role);
    const connections = `arn:${partition}:execute-api:${region}:${account}:${targets.connections.api.apiId}/${targets.connections.stageName}/*/@connections/*`;
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'ManageConnections', actions: ['execute-api:ManageConnections'], resources: [connections] }));
    acknowledge(role, [
      {
        id: wildcardResourceFinding(role, connections),
        reason: 'execute-api:ManageConnections on <api>/<stage>/*/@connections/*: connection ids are created at run time; the grant is limited to this API stage.',
      },
    ]);
  }
}

function grantRunTasks(role: IRole, name: string, sfu: SfuTaskTarget): void {
  const { partition, region, account } = Stack.of(role);
  const tasksOfCluster = `arn:${partition}:ecs:${region}:${account}:task/${sfu.clusterName}/*`;
  const inCluster = { ArnEquals: { 'ecs:cluster': sfu.clusterArn } };
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'RunSfuTask', actions: ['ecs:RunTask'], resources: [sfu.taskDefinitionArn], conditions: inCluster }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({ sid: 'ManageSfuTasks', actions: ['ecs:StopTask', 'ecs:DescribeTasks'], resources: [tasksOfCluster], conditions: inCluster }),
  );
  // RunTask with `tags` (the room id) needs TagResource on the new task, for that call only.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'TagSfuTaskAtLaunch',
      actions: ['ecs:TagResource'],
      resources: [tasksOfCluster],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'PassSfuTaskRoles',
      actions: ['iam:PassRole'],
      resources: [...sfu.passRoleArns],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  );
  acknowledge(role, [
    {
      id: wildcardResourceFinding(role, tasksOfCluster),
      reason: `${name} stops, describes and tags the SFU tasks it starts; task ids are created at run time, so the resource is the tasks of the SFU cluster only (task/<cluster>/*), further limited by the ecs:cluster / ecs:CreateAction conditions.`,
    },
  ]);
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
