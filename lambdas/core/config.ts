/**
 * Configuration of the Lambda handlers, read from the environment in one place, with defaults and
 * validation. A bad value fails at cold start (or local stack start) with a message naming it.
 */
import { z } from 'zod';
import { tables, type TableId } from '../../lib/tables.ts';

const intInRange = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const optionalUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      try {
        return new URL(value).toString().replace(/\/$/, '');
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be a URL, got "${value}"` });
        return z.NEVER;
      }
    });

const list = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const tableName = (id: TableId) =>
  z.string({ error: `${tables[id].envVar} is required (the ${id} table's name)` }).min(1);

const schema = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  ROOMS_TABLE: tableName('rooms'),
  PATHS_TABLE: tableName('paths'),
  COUNTERS_TABLE: tableName('counters'),
  DYNAMODB_ENDPOINT: optionalUrl('DYNAMODB_ENDPOINT'),
  ECS_ENDPOINT: optionalUrl('ECS_ENDPOINT'),
  ECS_CLUSTER: z.string().default('video-rooms'),
  SFU_TASK_DEFINITION: z.string().default('sfu-task'),
  SFU_CONTAINER_NAME: z.string().default('sfu'),
  SFU_SUBNETS: list,
  SFU_SECURITY_GROUPS: list,
  SFU_ENGINE: z.enum(['werift', 'mediasoup'], { error: 'SFU_ENGINE must be "werift" or "mediasoup"' }).default('werift'),
  SIGNALING_URL: z.string().default(''),
  WARM_ROOMS: intInRange('WARM_ROOMS', 0, 100, 1),
  MAX_ROOMS: intInRange('MAX_ROOMS', 1, 10_000, 20),
  ROOM_START_TIMEOUT_SECONDS: intInRange('ROOM_START_TIMEOUT_SECONDS', 10, 3600, 600),
  ROOM_IDLE_SECONDS: intInRange('ROOM_IDLE_SECONDS', 5, 86_400, 300),
  CLOSED_ROOM_RETENTION_SECONDS: intInRange('CLOSED_ROOM_RETENTION_SECONDS', 60, 30 * 86_400, 86_400),
});

export interface LambdaConfig {
  region: string;
  tables: Record<TableId, string>;
  dynamoDbEndpoint: string | undefined;
  ecs: {
    endpoint: string | undefined;
    cluster: string;
    taskDefinition: string;
    containerName: string;
    subnets: string[];
    securityGroups: string[];
  };
  sfu: { engine: 'werift' | 'mediasoup'; signalingUrl: string; idleSeconds: number };
  rooms: { warmRooms: number; maxRooms: number; startTimeoutSeconds: number; closedRetentionSeconds: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const e = parsed.data;
  return {
    region: e.AWS_REGION,
    tables: { rooms: e.ROOMS_TABLE, paths: e.PATHS_TABLE, counters: e.COUNTERS_TABLE },
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    ecs: {
      endpoint: e.ECS_ENDPOINT,
      cluster: e.ECS_CLUSTER,
      taskDefinition: e.SFU_TASK_DEFINITION,
      containerName: e.SFU_CONTAINER_NAME,
      subnets: e.SFU_SUBNETS,
      securityGroups: e.SFU_SECURITY_GROUPS,
    },
    sfu: { engine: e.SFU_ENGINE, signalingUrl: e.SIGNALING_URL, idleSeconds: e.ROOM_IDLE_SECONDS },
    rooms: {
      warmRooms: e.WARM_ROOMS,
      maxRooms: e.MAX_ROOMS,
      startTimeoutSeconds: e.ROOM_START_TIMEOUT_SECONDS,
      closedRetentionSeconds: e.CLOSED_ROOM_RETENTION_SECONDS,
    },
  };
}

let cached: LambdaConfig | undefined;

/** The process's configuration, read once. */
export function config(): LambdaConfig {
  cached ??= loadConfig();
  return cached;
}
