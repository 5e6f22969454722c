/**
 * Every route of lib/routes.ts exists in its API, and nothing else does: HTTP routes (method + path)
 * and WebSocket route keys, each integrated with its own Lambda function (logical id = the route's
 * name), which is built from the route's entry file (Node 22, arm64, source maps). Scheduled jobs run
 * on an EventBridge rule at their interval.
 */
import { existsSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../lib/paths.ts';
import { eventHandlers, httpRoutes, scheduledJobs, wsRoutes } from '../../lib/routes.ts';
import { referencesOf, resourcesOf, type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
let api: Template;
let warmPool: Template;

beforeAll(() => {
  synth = synthApp();
  api = synth.template(synth.stacks.api);
  warmPool = synth.template(synth.stacks.warmPool);
});
afterAll(() => synth?.cleanup());

const apiIdOf = (template: Template, protocol: 'HTTP' | 'WEBSOCKET') => {
  const apis = Object.entries(resourcesOf(template, 'AWS::ApiGatewayV2::Api')).filter(([, r]) => r.Properties?.ProtocolType === protocol);
  expect(apis).toHaveLength(1);
  return apis[0]![0];
};

/** Route key -> the logical id of the function its integration invokes. */
function routesOf(template: Template, apiId: string): Map<string, string[]> {
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  const out = new Map<string, string[]>();
  for (const route of Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'))) {
    const props = route.Properties ?? {};
    if (!referencesOf(props.ApiId).includes(apiId)) continue;
    const integrationId = referencesOf(props.Target)[0];
    expect(integrationId, `route ${String(props.RouteKey)} has a target`).toBeDefined();
    const integration = integrations[integrationId!]?.Properties ?? {};
    expect(integration.IntegrationType).toBe('AWS_PROXY');
    const functions = referencesOf(integration.IntegrationUri).filter((id) => template.toJSON().Resources[id]?.Type === 'AWS::Lambda::Function');
    out.set(String(props.RouteKey), functions);
  }
  return out;
}

function expectHandler(template: Template, name: string, entry: string) {
  expect(existsSync(repoPath(entry)), `${entry} exists`).toBe(true);
  const fn = template.toJSON().Resources[name];
  expect(fn?.Type, `function ${name}`).toBe('AWS::Lambda::Function');
  expect(fn.Properties).toMatchObject({
    Runtime: 'nodejs22.x',
    Architectures: ['arm64'],
    Handler: 'index.handler',
    Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
  });
  expect(fn.Properties.Description).toContain(entry);
}

describe('HTTP API', () => {
  it('has exactly the routes of lib/routes.ts, each with its own handler function', () => {
    const routes = routesOf(api, apiIdOf(api, 'HTTP'));
    expect([...routes.keys()].sort()).toEqual(httpRoutes.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of httpRoutes) {
      expect(routes.get(`${route.method} ${route.path}`), route.path).toEqual([route.name]);
      expectHandler(api, route.name, route.entry);
    }
  });

  it('uses payload format 2.0 (what the local gateway emits) and may invoke each handler', () => {
    for (const integration of Object.values(resourcesOf(api, 'AWS::ApiGatewayV2::Integration'))) {
      if (integration.Properties?.PayloadFormatVersion !== undefined) expect(['2.0', '1.0']).toContain(integration.Properties.PayloadFormatVersion);
    }
    const permissions = Object.values(resourcesOf(api, 'AWS::Lambda::Permission')).map((p) => referencesOf(p.Properties?.FunctionName)[0]);
    for (const route of [...httpRoutes, ...wsRoutes]) expect(permissions, route.name).toContain(route.name);
  });

  it('serves one auto-deployed $default stage, throttled, with a tighter limit on PUT /createRoom', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: synth.settings.apiRatePerSecond, ThrottlingBurstLimit: synth.settings.apiBurst },
      RouteSettings: {
        'PUT /createRoom': { ThrottlingRateLimit: synth.settings.createRoomRatePerSecond, ThrottlingBurstLimit: synth.settings.createRoomBurst },
      },
    });
  });
});

describe('WebSocket API', () => {
  it('selects routes on $request.body.action', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
  });

  it('has exactly the route keys of lib/routes.ts, each with its own handler function', () => {
    const routes = routesOf(api, apiIdOf(api, 'WEBSOCKET'));
    expect([...routes.keys()].sort()).toEqual(wsRoutes.map((r) => r.routeKey).sort());
    for (const route of wsRoutes) {
      expect(routes.get(route.routeKey), route.routeKey).toEqual([route.name]);
      expectHandler(api, route.name, route.entry);
    }
  });

  it('has one auto-deployed stage', () => {
    const stages = Object.values(resourcesOf(api, 'AWS::ApiGatewayV2::Stage')).filter((s) => s.Properties?.StageName !== '$default');
    expect(stages).toHaveLength(1);
    expect(stages[0]?.Properties).toMatchObject({ StageName: 'live', AutoDeploy: true });
  });
});

describe('scheduled jobs', () => {
  it('each runs its handler on an EventBridge rule at its interval, without retries', () => {
    for (const job of scheduledJobs) {
      expectHandler(warmPool, job.name, job.entry);
      const minutes = job.everySeconds / 60;
      const rules = Object.values(resourcesOf(warmPool, 'AWS::Events::Rule')).filter((r) =>
        referencesOf((r.Properties?.Targets as unknown[])?.map((t) => (t as { Arn: unknown }).Arn)).includes(job.name),
      );
      expect(rules, job.name).toHaveLength(1);
      expect(rules[0]?.Properties).toMatchObject({
        ScheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
        State: 'ENABLED',
        Targets: [{ RetryPolicy: { MaximumRetryAttempts: 0 } }],
      });
    }
  });
});

describe('event handlers', () => {
  it('CloseRoomOfStoppedTask runs on the SFU cluster\'s stopped tasks (ECS Task State Change), with retries', () => {
    for (const eventHandler of eventHandlers) {
      expectHandler(warmPool, eventHandler.name, eventHandler.entry);
      const rules = Object.values(resourcesOf(warmPool, 'AWS::Events::Rule')).filter((r) =>
        referencesOf((r.Properties?.Targets as unknown[])?.map((t) => (t as { Arn: unknown }).Arn)).includes(eventHandler.name),
      );
      expect(rules, eventHandler.name).toHaveLength(1);
      const properties = rules[0]!.Properties as { EventPattern: { detail: { clusterArn: unknown[] } } };
      expect(properties).toMatchObject({
        EventPattern: { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { lastStatus: ['STOPPED'] } },
        State: 'ENABLED',
        Targets: [{ RetryPolicy: { MaximumRetryAttempts: 2 } }],
      });
      // the SFU stack's cluster, nothing else
      expect(properties.EventPattern.detail.clusterArn).toHaveLength(1);
      expect(JSON.stringify(properties.EventPattern.detail.clusterArn)).toMatch(/Cluster/);
    }
  });
});

it('every handler function is a route or a job of lib/routes.ts (none unaccounted for)', () => {
  const names = [...httpRoutes, ...wsRoutes].map((r) => r.name).sort();
  const apiFunctions = Object.entries(resourcesOf(api, 'AWS::Lambda::Function')).filter(([, f]) => f.Properties?.Runtime === 'nodejs22.x');
  expect(apiFunctions.map(([id]) => id).sort()).toEqual(names);
  const jobFunctions = Object.keys(resourcesOf(warmPool, 'AWS::Lambda::Function')).sort();
  expect(jobFunctions).toEqual([...scheduledJobs, ...eventHandlers].map((j) => j.name).sort());
});
