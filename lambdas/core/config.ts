/**
 * Configuration of the Lambda handlers, read from the environment in one place, with defaults and
 * validation. A bad value fails at cold start (or local stack start) with a message naming it.
 */
import { hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { tables, type TableId } from '../../lib/tables.ts';
import { SCOPES } from '../../protocol/index.ts';

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

/** An accepted token issuer besides this deployment (an organisation's OpenID Connect provider, Cognito). */
const externalIssuersSchema = z.array(
  z
    .object({
      issuer: z.url({ error: 'issuer must be a URL' }),
      /**
       * The `aud` its tokens must carry (for a sign-in provider: the web client's client id). `null`
       * checks none: only for an issuer this deployment owns outright (the Cognito user pool it creates).
       */
      audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), z.null()]),
      jwksUri: z.url({ error: 'jwksUri must be a URL' }),
      /** Scopes every token of this issuer gets, besides the known ones in its `scope`/`scp` claim. */
      scopes: z.array(z.enum(SCOPES)).default([]),
      /** The claim holding the caller's organisation id. */
      organizationClaim: z.string().min(1).default('org'),
      /** The organisation of this issuer's tokens that carry no organisation claim (a Cognito pool's users, say). */
      organization: z.string().min(1).max(256).optional(),
    })
    .strict(),
);
export type ExternalIssuer = z.infer<typeof externalIssuersSchema>[number];

const schema = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  ROOMS_TABLE: tableName('rooms'),
  PATHS_TABLE: tableName('paths'),
  COUNTERS_TABLE: tableName('counters'),
  CONNECTIONS_TABLE: tableName('connections'),
  PEERS_TABLE: tableName('peers'),
  CLIENTS_TABLE: tableName('clients'),
  TICKETS_TABLE: tableName('tickets'),
  ENDPOINTS_TABLE: tableName('endpoints'),
  ENDPOINT_EVENTS_TABLE: tableName('endpointEvents'),
  CALL_URLS_TABLE: tableName('callUrls'),
  CALLS_TABLE: tableName('calls'),
  /** An unanswered call is missed after this long. */
  CALL_RING_SECONDS: intInRange('CALL_RING_SECONDS', 5, 600, 60),
  /** The WebSocket API's management endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}). */
  WS_MANAGEMENT_ENDPOINT: optionalUrl('WS_MANAGEMENT_ENDPOINT'),
  /** `iss` of the tokens this deployment mints (the HTTP API's URL); JWKS at {issuer}/.well-known/jwks.json. */
  TOKEN_ISSUER: optionalUrl('TOKEN_ISSUER'),
  TOKEN_SIGNER: z.enum(['local', 'kms'], { error: 'TOKEN_SIGNER must be "local" or "kms"' }).default('local'),
  /** PKCS#8 PEM of the RSA signing key (local signer only), possibly base64-encoded. */
  TOKEN_PRIVATE_KEY: z.string().optional(),
  /** KMS key id or ARN of the asymmetric RSA signing key (kms signer). */
  TOKEN_KMS_KEY_ID: z.string().optional(),
  PARTICIPANT_TOKEN_SECONDS: intInRange('PARTICIPANT_TOKEN_SECONDS', 60, 86_400, 3600),
  SFU_TOKEN_SECONDS: intInRange('SFU_TOKEN_SECONDS', 600, 30 * 86_400, 7 * 86_400),
  SERVICE_TOKEN_SECONDS: intInRange('SERVICE_TOKEN_SECONDS', 60, 86_400, 3600),
  /** Failed client authentications per client id allowed in OAUTH_FAILURE_WINDOW_SECONDS before 429. */
  OAUTH_MAX_FAILURES: intInRange('OAUTH_MAX_FAILURES', 1, 1000, 5),
  OAUTH_FAILURE_WINDOW_SECONDS: intInRange('OAUTH_FAILURE_WINDOW_SECONDS', 1, 86_400, 60),
  /** JSON list of other token issuers accepted on the HTTP API: [{issuer, audience, jwksUri, scopes?, organizationClaim?}]. */
  EXTERNAL_ISSUERS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return [];
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'EXTERNAL_ISSUERS must be a JSON list' });
        return z.NEVER;
      }
      const parsed = externalIssuersSchema.safeParse(json);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `EXTERNAL_ISSUERS: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
        return z.NEVER;
      }
      return parsed.data;
    }),
  /** The site's URL (share-ticket links point at it); defaults to the caller's Origin, then TOKEN_ISSUER. */
  SITE_URL: optionalUrl('SITE_URL'),
  DYNAMODB_ENDPOINT: optionalUrl('DYNAMODB_ENDPOINT'),
  ECS_ENDPOINT: optionalUrl('ECS_ENDPOINT'),
  ECS_CLUSTER: z.string().default('video-rooms'),
  SFU_TASK_DEFINITION: z.string().default('sfu-task'),
  SFU_CONTAINER_NAME: z.string().default('sfu'),
  SFU_SUBNETS: list,
  SFU_SECURITY_GROUPS: list,
  SIGNALING_URL: z.string().default(''),
  WARM_ROOMS: intInRange('WARM_ROOMS', 0, 100, 1),
  MAX_ROOMS: intInRange('MAX_ROOMS', 1, 10_000, 20),
  /** Live rooms an anonymous createRoom may start up to; past it, rooms:create is needed (up to MAX_ROOMS). */
  ANONYMOUS_MAX_ROOMS: z.string().optional(),
  ROOM_START_TIMEOUT_SECONDS: intInRange('ROOM_START_TIMEOUT_SECONDS', 10, 3600, 600),
  ROOM_IDLE_SECONDS: intInRange('ROOM_IDLE_SECONDS', 5, 86_400, 300),
  SFU_RECONNECT_GRACE_SECONDS: intInRange('SFU_RECONNECT_GRACE_SECONDS', 1, 3600, 60),
  CLIENT_RECONNECT_GRACE_SECONDS: intInRange('CLIENT_RECONNECT_GRACE_SECONDS', 1, 3600, 10),
  CLOSED_ROOM_RETENTION_SECONDS: intInRange('CLOSED_ROOM_RETENTION_SECONDS', 60, 30 * 86_400, 86_400),
  /**
   * Base64 of 32 bytes: the AES-256-GCM key that seals the unmasked original of a stored qos-1 event
   * with masks (only the masked copy is readable at rest). Derived from TOKEN_PRIVATE_KEY when unset.
   */
  EVENT_SEAL_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.trim() === '' || Buffer.from(v, 'base64').length === 32, { error: 'EVENT_SEAL_KEY must be base64 of 32 bytes' }),
  /** In AWS: a KMS HMAC_256 key; the seal key is its MAC of a fixed label (kms:GenerateMac once per cold start). */
  EVENT_SEAL_KMS_KEY_ID: z.string().optional(),
});

export interface LambdaConfig {
  region: string;
  tables: Record<TableId, string>;
  dynamoDbEndpoint: string | undefined;
  wsManagementEndpoint: string | undefined;
  tokens: {
    issuer: string;
    jwksUri: string;
    signer: 'local' | 'kms';
    privateKeyPem: string | undefined;
    kmsKeyId: string | undefined;
    participantSeconds: number;
    sfuSeconds: number;
    serviceSeconds: number;
    externalIssuers: ExternalIssuer[];
  };
  oauth: { maxFailures: number; failureWindowSeconds: number };
  siteUrl: string | undefined;
  ecs: {
    endpoint: string | undefined;
    cluster: string;
    taskDefinition: string;
    containerName: string;
    subnets: string[];
    securityGroups: string[];
  };
  sfu: { signalingUrl: string; idleSeconds: number };
  rooms: {
    warmRooms: number;
    maxRooms: number;
    /** Live rooms an anonymous createRoom may start up to (never above maxRooms). */
    anonymousMaxRooms: number;
    startTimeoutSeconds: number;
    closedRetentionSeconds: number;
    /** A room whose SFU connection dropped is closed if the SFU has not reconnected after this. */
    sfuReconnectGraceSeconds: number;
    /** A client whose connection dropped stays in its room this long, to reconnect with the same id. */
    clientReconnectGraceSeconds: number;
  };
  /** User endpoints' pushed events: the key sealing masked events' originals (undefined: none configured). */
  events: { sealKey: Buffer | undefined; sealKmsKeyId: string | undefined };
  /** Call URLs: how long a call rings before it is missed. */
  calls: { ringSeconds: number };
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
  const issuer = e.TOKEN_ISSUER ?? 'http://127.0.0.1:8080';
  if (e.TOKEN_SIGNER === 'kms' && !e.TOKEN_KMS_KEY_ID) throw new ConfigError('invalid configuration: TOKEN_KMS_KEY_ID is required with TOKEN_SIGNER=kms');
  return {
    region: e.AWS_REGION,
    tables: {
      rooms: e.ROOMS_TABLE,
      paths: e.PATHS_TABLE,
      counters: e.COUNTERS_TABLE,
      connections: e.CONNECTIONS_TABLE,
      peers: e.PEERS_TABLE,
      clients: e.CLIENTS_TABLE,
      tickets: e.TICKETS_TABLE,
      endpoints: e.ENDPOINTS_TABLE,
      endpointEvents: e.ENDPOINT_EVENTS_TABLE,
      callUrls: e.CALL_URLS_TABLE,
      calls: e.CALLS_TABLE,
    },
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    wsManagementEndpoint: e.WS_MANAGEMENT_ENDPOINT,
    tokens: {
      issuer,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      signer: e.TOKEN_SIGNER,
      privateKeyPem: decodePem(e.TOKEN_PRIVATE_KEY),
      kmsKeyId: e.TOKEN_KMS_KEY_ID,
      participantSeconds: e.PARTICIPANT_TOKEN_SECONDS,
      sfuSeconds: e.SFU_TOKEN_SECONDS,
      serviceSeconds: e.SERVICE_TOKEN_SECONDS,
      externalIssuers: e.EXTERNAL_ISSUERS,
    },
    oauth: { maxFailures: e.OAUTH_MAX_FAILURES, failureWindowSeconds: e.OAUTH_FAILURE_WINDOW_SECONDS },
    siteUrl: e.SITE_URL,
    ecs: {
      endpoint: e.ECS_ENDPOINT,
      cluster: e.ECS_CLUSTER,
      taskDefinition: e.SFU_TASK_DEFINITION,
      containerName: e.SFU_CONTAINER_NAME,
      subnets: e.SFU_SUBNETS,
      securityGroups: e.SFU_SECURITY_GROUPS,
    },
    sfu: { signalingUrl: e.SIGNALING_URL, idleSeconds: e.ROOM_IDLE_SECONDS },
    rooms: {
      warmRooms: e.WARM_ROOMS,
      maxRooms: e.MAX_ROOMS,
      anonymousMaxRooms: anonymousMaxRooms(env.ANONYMOUS_MAX_ROOMS, e.MAX_ROOMS),
      startTimeoutSeconds: e.ROOM_START_TIMEOUT_SECONDS,
      closedRetentionSeconds: e.CLOSED_ROOM_RETENTION_SECONDS,
      sfuReconnectGraceSeconds: e.SFU_RECONNECT_GRACE_SECONDS,
      clientReconnectGraceSeconds: e.CLIENT_RECONNECT_GRACE_SECONDS,
    },
    events: {
      sealKey: eventSealKey(e.EVENT_SEAL_KEY, decodePem(e.TOKEN_PRIVATE_KEY)),
      sealKmsKeyId: e.EVENT_SEAL_KMS_KEY_ID?.trim() || undefined,
    },
    calls: { ringSeconds: e.CALL_RING_SECONDS },
  };
}

/** EVENT_SEAL_KEY, else a key derived (HKDF-SHA256) from the local token key, else none. */
function eventSealKey(value: string | undefined, privateKeyPem: string | undefined): Buffer | undefined {
  if (value !== undefined && value.trim() !== '') return Buffer.from(value, 'base64');
  if (!privateKeyPem) return undefined;
  return Buffer.from(hkdfSync('sha256', privateKeyPem, 'video-rooms', 'event-seal-key', 32));
}

/** ANONYMOUS_MAX_ROOMS: an integer from 0 to MAX_ROOMS; MAX_ROOMS when unset (no rooms kept back for service clients). */
function anonymousMaxRooms(value: string | undefined, maxRooms: number): number {
  if (value === undefined || value.trim() === '') return maxRooms;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > maxRooms) {
    throw new ConfigError(`invalid configuration: ANONYMOUS_MAX_ROOMS must be an integer from 0 to MAX_ROOMS (${maxRooms}), got "${value}"`);
  }
  return parsed;
}

/** Accepts a PEM as is, or base64 of it (environment variables do not like newlines). */
function decodePem(value: string | undefined): string | undefined {
  if (!value || value.trim() === '') return undefined;
  if (value.includes('-----BEGIN')) return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (!decoded.includes('-----BEGIN')) throw new ConfigError('invalid configuration: TOKEN_PRIVATE_KEY is neither a PEM nor base64 of one');
  return decoded;
}

let cached: LambdaConfig | undefined;

/** The process's configuration, read once. */
export function config(): LambdaConfig {
  cached ??= loadConfig();
  return cached;
}
