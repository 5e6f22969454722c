/**
 * The settings a deployer changes, read from CDK context (`cdk.json`, or `-c key=value` on the
 * command line) and validated in one place. A bad value stops the synth with a message naming it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { z } from 'zod';
import { SCOPES } from '../protocol/index.ts';

/** Context values from `-c key=value` arrive as strings; from cdk.json as JSON values. */
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const iceServer = z
  .object({
    urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .strict();

/** `[...]` from cdk.json, or its JSON text from the command line. */
const jsonArray = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), z.array(item));

const portRange = z
  .preprocess((value) => (typeof value === 'string' ? value.split('-').map(Number) : value), z.tuple([int(1024, 65535), int(1024, 65535)]))
  .refine(([min, max]) => min <= max, { message: 'the first port must not exceed the second' })
  .transform(([min, max]) => ({ min, max }));

/** The values CloudWatch Logs accepts as a retention. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const schema = z.object({
  /** Stack names start with it: `<prefix>-Data`, `<prefix>-Api`, ... */
  stackPrefix: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,40}$/).default('VideoRooms'),
  /** AVAILABLE rooms kept running for instant claims (each is a running Fargate task). */
  warmRooms: int(0, 100).default(1),
  /** Cap on live rooms (running SFU tasks); createRoom answers 429 above it. */
  maxRooms: int(1, 10_000).default(20),
  /** Live rooms an anonymous createRoom may start; past it only rooms:create tokens may (up to maxRooms). Empty: maxRooms. */
  anonymousMaxRooms: z.union([z.literal(''), int(0, 10_000)]).default(''),
  /**
   * Other token issuers the HTTP API accepts (an organisation's OpenID Connect provider, Cognito):
   * `[{issuer, audience, jwksUri, scopes?, organizationClaim?}]`, as lambdas/core/config.ts reads them.
   */
  externalIssuers: jsonArray(
    z
      .object({
        issuer: z.url(),
        audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
        jwksUri: z.url(),
        scopes: z.array(z.enum(SCOPES)).optional(),
        organizationClaim: z.string().min(1).optional(),
      })
      .strict(),
  ).default([]),
  /**
   * How people sign in to the web client (authorization code flow with PKCE): '' nobody does (a user
   * token comes only from an embedding application, `#userToken=`); 'cognito' an Amazon Cognito user
   * pool and app client this app creates (the site as callback); or an existing OpenID Connect provider,
   * whose tokens the API then trusts (added to externalIssuers).
   */
  signIn: z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim().startsWith('{') ? JSON.parse(value) : value),
      z.union([
        z.literal(''),
        z.literal('cognito'),
        z
          .object({
            issuer: z.url(),
            /** The web client's client id there (public client, code flow with PKCE): its ID tokens' audience. */
            clientId: z.string().min(1),
            jwksUri: z.url(),
            scope: z.string().regex(/(^| )openid( |$)/, { message: 'scope must include openid' }).optional(),
            organizationClaim: z.string().min(1).optional(),
            /** Organisation of its users whose tokens carry no organisation claim. */
            organization: z.string().min(1).optional(),
          })
          .strict(),
      ]),
    )
    .default(''),
  /** signIn=cognito: the prefix of the pool's hosted sign-in domain (<prefix>.auth.<region>.amazoncognito.com). Empty: <stackPrefix>-<account>. */
  cognitoDomainPrefix: z.union([z.literal(''), z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/)]).default(''),
  /** The site's URL for share-ticket links made by service clients (the Web stack's SiteUrl output, or a custom domain). */
  siteUrl: z.union([z.literal(''), z.url()]).default(''),
  /** A claimed room's SFU exits this long after its last participant left. */
  roomIdleSeconds: int(5, 86_400).default(300),
  sfuEngine: z.enum(['werift', 'mediasoup']).default('mediasoup'),
  /** werift: UDP ports the SFU's media uses, "min-max"; the only inbound ports of its security group (mediasoup: see sfuStack.ts). */
  sfuUdpPortRange: portRange.default({ min: 40000, max: 40999 }),
  /** Fargate CPU units of an SFU task (256 = a quarter vCPU) and its memory; Fargate allows only some pairs. */
  sfuCpu: int(256, 16_384)
    .refine((cpu) => [256, 512, 1024, 2048, 4096, 8192, 16_384].includes(cpu), { message: 'must be a Fargate CPU value (256, 512, 1024, ...)' })
    .default(1024),
  sfuMemoryMiB: int(512, 30_720).default(2048),
  sfuArchitecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
  /**
   * A prebuilt SFU image (`<registry>/<repo>:<tag>`) to run instead of building sfu-task/Dockerfile
   * at deploy; lets a machine without Docker deploy. Empty: build the image from the repository.
   */
  sfuImage: z.string().trim().default(''),
  /** TURN (or STUN) servers handed to the web client in config.json, RTCIceServer shapes. */
  turnServers: jsonArray(iceServer).default([]),
  /** What `cdk destroy` does with tables, the token key, the site bucket and log groups. */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** Retention of every log group (Lambda, API access logs, SFU tasks, VPC flow log). */
  logRetentionDays: int(1, 3653)
    .refine((days) => LOG_RETENTION_DAYS.includes(days), { message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}` })
    .default(30),
  /** Stage throttle of PUT /createRoom (each call may start a Fargate task). */
  createRoomRatePerSecond: z.coerce.number().positive().max(1000).default(1),
  createRoomBurst: int(1, 5000).default(5),
  /** Whole-API throttles of the HTTP and WebSocket stages. */
  apiRatePerSecond: z.coerce.number().positive().max(10_000).default(50),
  apiBurst: int(1, 5000).default(100),
  /** Alarm notifications go to this address (an SNS subscription to confirm); none when empty. */
  alarmEmail: z.union([z.literal(''), z.email()]).default(''),
}).refine((s) => s.anonymousMaxRooms === '' || s.anonymousMaxRooms <= s.maxRooms, {
  message: 'anonymousMaxRooms must not exceed maxRooms',
  path: ['anonymousMaxRooms'],
});

export type Settings = z.infer<typeof schema>;

export const SETTING_KEYS = Object.keys(schema.shape) as (keyof Settings)[];

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Settings from an object of context values (missing ones take their defaults). */
export function parseSettings(context: Record<string, unknown>): Settings {
  let parsed;
  try {
    parsed = schema.safeParse(context);
  } catch (error) {
    throw new SettingsError(`invalid CDK context: ${(error as Error).message}`);
  }
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SettingsError(`invalid CDK context (cdk.json or -c): ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Settings from the app's context. */
export function readSettings(node: Node): Settings {
  return parseSettings(Object.fromEntries(SETTING_KEYS.map((key) => [key, node.tryGetContext(key)]).filter(([, v]) => v !== undefined)));
}

export function removalPolicyOf(settings: Settings): RemovalPolicy {
  return settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
