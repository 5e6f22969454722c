/**
 * Each handler's environment is what lambdas/core/config.ts reads, wired to the deployed resources:
 * loadConfig() accepts it, table names point at the right tables, tokens are signed with KMS, the
 * SFU task settings come from the SFU stack, and no local endpoint override is set.
 */
import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/core/config.ts';
import { repoPath } from '../../lib/paths.ts';
import { eventHandlers, httpRoutes, scheduledJobs, wsRoutes } from '../../lib/routes.ts';
import { tableList } from '../../lib/tables.ts';
import { referencesOf, resolveCfn, type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthApp();
});
afterAll(() => synth?.cleanup());

/** The variables config.ts's schema declares (its `NAME: z...` lines). */
const configVariables = () => [...readFileSync(repoPath('lambdas/core/config.ts'), 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);

function environments() {
  const out: { name: string; env: Record<string, unknown> }[] = [];
  for (const [names, stack] of [
    [[...httpRoutes, ...wsRoutes].map((r) => r.name), synth.stacks.api],
    [[...scheduledJobs, ...eventHandlers].map((j) => j.name), synth.stacks.warmPool],
  ] as const) {
    const resources = synth.template(stack).toJSON().Resources;
    for (const name of names) out.push({ name, env: resources[name].Properties.Environment.Variables });
  }
  return out;
}

const idOf = (construct: { node: { defaultChild?: unknown } }, stack = synth.stacks.sfu as never as { getLogicalId(e: CfnElement): string }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

it('sets only variables config.ts reads (plus NODE_OPTIONS), and never the local endpoint overrides', () => {
  const known = new Set([...configVariables(), 'NODE_OPTIONS']);
  expect(known.has('ROOMS_TABLE')).toBe(true);
  for (const { name, env } of environments()) {
    for (const key of Object.keys(env)) expect(known.has(key), `${name}: ${key}`).toBe(true);
    expect(env).not.toHaveProperty('DYNAMODB_ENDPOINT');
    expect(env).not.toHaveProperty('ECS_ENDPOINT');
    expect(env).not.toHaveProperty('TOKEN_PRIVATE_KEY');
    expect(env).not.toHaveProperty('AWS_REGION'); // set by Lambda itself
  }
});

it('loads with config.ts and points at the deployed resources', () => {
  const { settings, stacks } = synth;
  const sfu = stacks.sfu;
  for (const { name, env } of environments()) {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, resolveCfn(v)]));
    const cfg = loadConfig({ ...resolved, AWS_REGION: 'us-east-1' });
    for (const def of tableList) {
      const tableId = stacks.data.getLogicalId(stacks.data.tables[def.id].node.defaultChild as CfnElement);
      expect(referencesOf(env[def.envVar]).join(), `${name} ${def.envVar}`).toContain(tableId);
    }
    expect(cfg.tokens.signer, name).toBe('kms');
    expect(referencesOf(env.TOKEN_KMS_KEY_ID).join()).toContain(stacks.tokenKey.getLogicalId(stacks.tokenKey.key.node.defaultChild as CfnElement));
    expect(cfg.tokens.issuer).toMatch(/^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com$/);
    expect(referencesOf(env.TOKEN_ISSUER).join()).toContain(stacks.api.getLogicalId(stacks.api.http.api.node.defaultChild as CfnElement));
    expect(cfg.wsManagementEndpoint).toMatch(/^https:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com\/live$/);
    expect(cfg.sfu.signalingUrl).toMatch(/^wss:\/\/.+\.execute-api\.us-east-1\.amazonaws\.com\/live$/);
    expect(env.SFU_ENGINE, `${name}: the engine is the task definition's`).toBeUndefined();
    expect(cfg.sfu.idleSeconds).toBe(settings.roomIdleSeconds);
    expect(cfg.rooms.warmRooms).toBe(settings.warmRooms);
    expect(cfg.rooms.maxRooms).toBe(settings.maxRooms);
    expect(cfg.ecs.endpoint).toBeUndefined();
    expect(cfg.dynamoDbEndpoint).toBeUndefined();
    expect(cfg.ecs.containerName).toBe('sfu');
    expect(cfg.ecs.cluster).toContain(idOf(sfu.cluster));
    expect(cfg.ecs.taskDefinition).toContain(idOf(sfu.taskDefinition));
    expect(cfg.ecs.subnets).toHaveLength(sfu.subnets.length);
    sfu.subnets.forEach((subnet, i) => expect(cfg.ecs.subnets[i]).toContain(idOf(subnet as never)));
    expect(cfg.ecs.securityGroups).toHaveLength(1);
    expect(cfg.ecs.securityGroups[0]).toContain(idOf(sfu.securityGroup as never));
  }
});

it('gives the SFU container the engine, idle timeout and the engine\'s ports from context (the task definition owns the engine)', () => {
  expect(synth.settings.sfuEngine).toBe('mediasoup');
  synth.template(synth.stacks.sfu).hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [
      {
        Name: 'sfu',
        Environment: [
          { Name: 'SFU_ENGINE', Value: 'mediasoup' },
          { Name: 'ROOM_IDLE_SECONDS', Value: String(synth.settings.roomIdleSeconds) },
          { Name: 'MEDIASOUP_RTC_PORT', Value: '44444' },
          { Name: 'MEDIASOUP_WORKERS', Value: '1' },
        ],
      },
    ],
  });
});
