/**
 * Least privilege: each handler's role reaches exactly what its route's `access` in lib/routes.ts
 * names (its own log group, those tables, the token key, the SFU task, the WebSocket API's
 * connections), with no `*` action and no `*` resource where the action takes a narrower one.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SEAL_KEY_ACTIONS, TABLE_ITEM_ACTIONS, TOKEN_KEY_ACTIONS } from '../../lib/constructs/handlerAccess.ts';
import { eventHandlers, httpRoutes, type RouteAccess, scheduledJobs, wsRoutes } from '../../lib/routes.ts';
import { type TableId, tableList } from '../../lib/tables.ts';
import { referencesOf, resourcesOf, type SynthesizedApp, synthApp } from './synthApp.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

let synth: SynthesizedApp;
let allStacks: Stack[];
beforeAll(() => {
  synth = synthApp();
  allStacks = Object.values(synth.stacks);
});
afterAll(() => synth?.cleanup());

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** Every Allow statement of the policies attached to `roleId` in `template`. */
function statementsOf(template: Template, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    if (!referencesOf(policy.Properties?.Roles).includes(roleId)) continue;
    out.push(...((policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement ?? []));
  }
  const role = template.toJSON().Resources[roleId];
  for (const inline of (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) out.push(...inline.PolicyDocument.Statement);
  return out;
}

function roleOf(template: Template, functionId: string): string {
  const fn = template.toJSON().Resources[functionId];
  return referencesOf(fn.Properties.Role)[0]!;
}

interface Reach {
  actions: Set<string>;
  tables: Set<TableId>;
  tokenKey: boolean;
  eventSealKey: boolean;
  runTask: boolean;
  connections: boolean;
}

function reachOf(template: Template, functionId: string): Reach {
  const tableIds = new Map(
    tableList.map((def) => [logicalId(synth.stacks.data, synth.stacks.data.tables[def.id] as unknown as { node: { defaultChild?: unknown } }), def.id]),
  );
  const keyId = logicalId(synth.stacks.tokenKey, synth.stacks.tokenKey.key as unknown as { node: { defaultChild?: unknown } });
  const sealKeyId = logicalId(synth.stacks.tokenKey, synth.stacks.tokenKey.eventSealKey as unknown as { node: { defaultChild?: unknown } });
  const wsApiId = logicalId(synth.stacks.api, synth.stacks.api.signaling.api as unknown as { node: { defaultChild?: unknown } });
  // from another stack the API id comes through the API stack's named export of it
  const apiOutputs = Template.fromStack(synth.stacks.api).toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  const wsApiExports = Object.values(apiOutputs)
    .filter((o) => o.Export && referencesOf(o.Value as never).includes(wsApiId))
    .map((o) => o.Export!.Name);
  const reach: Reach = { actions: new Set(), tables: new Set(), tokenKey: false, eventSealKey: false, runTask: false, connections: false };
  for (const s of statementsOf(template, roleOf(template, functionId))) {
    expect(s.Effect).toBe('Allow');
    const actions = list(s.Action);
    actions.forEach((a) => reach.actions.add(a));
    const refs = referencesOf(s.Resource);
    if (actions.some((a) => a.startsWith('dynamodb:'))) {
      for (const ref of refs) {
        const table = [...tableIds].find(([id]) => ref.includes(id))?.[1];
        expect(table, `${functionId}: dynamodb statement on ${ref} names a table`).toBeDefined();
        reach.tables.add(table!);
      }
    }
    if (actions.some((a) => a.startsWith('kms:'))) {
      // Sign/GetPublicKey only on the token key; GenerateMac only on the event seal key
      const seal = actions.every((a) => (EVENT_SEAL_KEY_ACTIONS as readonly string[]).includes(a));
      expect(refs.every((r) => r.includes(seal ? sealKeyId : keyId)), `${functionId}: kms only on its key`).toBe(true);
      if (seal) reach.eventSealKey = true;
      else reach.tokenKey = true;
    }
    if (actions.includes('ecs:RunTask')) reach.runTask = true;
    if (actions.includes('execute-api:ManageConnections')) {
      expect(refs.some((r) => r.includes(wsApiId) || wsApiExports.includes(r)), `${functionId}: ManageConnections on the WebSocket API`).toBe(true);
      expect(JSON.stringify(s.Resource)).toContain('/live/*/@connections/*');
      reach.connections = true;
    }
    if (actions.some((a) => a.startsWith('logs:'))) {
      const fn = template.toJSON().Resources[functionId];
      expect(refs).toEqual(referencesOf(fn.Properties.LoggingConfig.LogGroup));
    }
  }
  return reach;
}

function expectedActions(access: RouteAccess): string[] {
  return [
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    ...(access.tables.length > 0 ? TABLE_ITEM_ACTIONS : []),
    ...(access.signsTokens ? TOKEN_KEY_ACTIONS : []),
    ...(access.sealsEvents ? EVENT_SEAL_KEY_ACTIONS : []),
    ...(access.runsTasks ? ['ecs:RunTask', 'ecs:StopTask', 'ecs:DescribeTasks', 'ecs:TagResource', 'iam:PassRole'] : []),
    ...(access.managesConnections ? ['execute-api:ManageConnections'] : []),
  ].sort();
}

const handlers = () => [
  ...[...httpRoutes, ...wsRoutes].map((r) => ({ name: r.name, access: r.access, stack: synth.stacks.api as Stack })),
  ...[...scheduledJobs, ...eventHandlers].map((j) => ({ name: j.name, access: j.access, stack: synth.stacks.warmPool as Stack })),
];

describe('handler roles', () => {
  it('reach exactly the tables, key, tasks and connections their route names', () => {
    for (const { name, access, stack } of handlers()) {
      const reach = reachOf(synth.template(stack), name);
      expect([...reach.tables].sort(), `${name} tables`).toEqual([...new Set(access.tables)].sort());
      expect(reach.tokenKey, `${name} token key`).toBe(!!access.signsTokens);
      expect(reach.eventSealKey, `${name} event seal key`).toBe(!!access.sealsEvents);
      expect(reach.runTask, `${name} RunTask`).toBe(!!access.runsTasks);
      expect(reach.connections, `${name} ManageConnections`).toBe(!!access.managesConnections);
      expect([...reach.actions].sort(), `${name} actions`).toEqual(expectedActions(access));
    }
  });

  it('query only the indexes tables.ts declares, and never Scan', () => {
    for (const { name, stack } of handlers()) {
      const template = synth.template(stack);
      for (const s of statementsOf(template, roleOf(template, name))) {
        expect(list(s.Action)).not.toContain('dynamodb:Scan');
        const text = JSON.stringify(s.Resource);
        if (text.includes('/index/')) {
          expect(list(s.Action)).toEqual(['dynamodb:Query']);
          expect(text).not.toContain('/index/*');
        }
      }
    }
  });

  it('run tasks only from the SFU task definition, in the SFU cluster, passing only its roles to ECS', () => {
    const sfu = synth.stacks.sfu;
    const taskDefId = logicalId(sfu, sfu.taskDefinition as unknown as { node: { defaultChild?: unknown } });
    for (const { name, stack } of handlers().filter((h) => h.access.runsTasks)) {
      const template = synth.template(stack);
      const statements = statementsOf(template, roleOf(template, name));
      const run = statements.find((s) => list(s.Action).includes('ecs:RunTask'))!;
      expect(referencesOf(run.Resource).every((r) => r.includes(taskDefId)), name).toBe(true);
      expect(Object.keys(run.Condition?.ArnEquals ?? {})).toEqual(['ecs:cluster']);
      const manage = statements.find((s) => list(s.Action).includes('ecs:StopTask'))!;
      expect(JSON.stringify(manage.Resource)).toContain(`:task/${sfu.clusterName}/*`);
      expect(Object.keys(manage.Condition?.ArnEquals ?? {})).toEqual(['ecs:cluster']);
      const tag = statements.find((s) => list(s.Action).includes('ecs:TagResource'))!;
      expect(tag.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RunTask' } });
      const pass = statements.find((s) => list(s.Action).includes('iam:PassRole'))!;
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
      expect(list(pass.Resource)).toHaveLength(2);
    }
  });

  it('have no managed policies', () => {
    for (const { name, stack } of handlers()) {
      const template = synth.template(stack);
      expect(template.toJSON().Resources[roleOf(template, name)].Properties.ManagedPolicyArns, name).toBeUndefined();
    }
  });
});

describe('every policy of the app', () => {
  /** Actions that take no resource narrower than "*" (IAM service authorization reference). */
  const RESOURCE_STAR_ONLY = new Set(['ecr:GetAuthorizationToken', 'cloudfront:GetInvalidation', 'cloudfront:CreateInvalidation']);

  it('has no "*" action, and "*" resources only for actions that support nothing narrower', () => {
    for (const stack of allStacks) {
      const template = synth.template(stack);
      const documents = [
        ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')).map((p) => p.Properties?.PolicyDocument),
        ...Object.values(resourcesOf(template, 'AWS::IAM::Role')).flatMap((r) => ((r.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument)),
      ] as { Statement: Statement[] }[];
      for (const doc of documents) {
        for (const s of doc.Statement) {
          for (const action of list(s.Action)) {
            expect(action === '*' || /^[a-z0-9-]+:\*$/.test(action), `${stack.stackName}: ${action}`).toBe(false);
          }
          if (list(s.Resource).includes('*')) {
            for (const action of list(s.Action)) expect(RESOURCE_STAR_ONLY.has(action), `${stack.stackName}: ${action} on *`).toBe(true);
          }
        }
      }
    }
  });

  it('gives the SFU task role no permissions at all', () => {
    const sfu = synth.stacks.sfu;
    const template = synth.template(sfu);
    const roleId = logicalId(sfu, sfu.taskRole as unknown as { node: { defaultChild?: unknown } });
    expect(statementsOf(template, roleId)).toEqual([]);
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });
});
