/**
 * Configuration of the local stack process, from the environment with defaults, validated at start.
 * The handlers' own settings (WARM_ROOMS, MAX_ROOMS, ...) are validated by lambdas/core/config.ts,
 * which the stack loads at start too so that a bad value fails there and not on the first request.
 */
import { z } from 'zod';
import { DEFAULT_SIGN_IN_SCOPE, type SignInConfig } from '../protocol/index.ts';
import { ENGINES, ioUringSetting } from '../sfu-task/src/config.ts';
import { chooseEngine, type EngineChoice } from '../sfu-task/src/engines/engineChoice.ts';

const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a port number from 0 to 65535, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const seconds = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed <= 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a positive number of seconds, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const schema = z.object({
  PORT: port('PORT', 8080),
  HOST: z.string().default('127.0.0.1'),
  /** 0 = any free port. */
  DYNAMODB_PORT: port('DYNAMODB_PORT', 0),
  /** Port of the local ECS stand-in; 0 = any free port. */
  ECS_PORT: port('ECS_PORT', 0),
  /** Command line the ECS stand-in runs for each SFU task (split on spaces); unset or blank: the bundled SFU task. */
  SFU_TASK_COMMAND: z.string().default(''),
  RECONCILE_INTERVAL_SECONDS: seconds('RECONCILE_INTERVAL_SECONDS', 15),
  /** How often the user endpoint sweep (keepalive reminders, expiry) runs locally (every 60 s in AWS). */
  ENDPOINT_SWEEP_INTERVAL_SECONDS: seconds('ENDPOINT_SWEEP_INTERVAL_SECONDS', 1),
  /** How often the missed-call sweep runs locally (every 60 s in AWS). */
  CALL_SWEEP_INTERVAL_SECONDS: seconds('CALL_SWEEP_INTERVAL_SECONDS', 1),
  /** Sign-in for the web client (config.json): an OpenID Connect provider's issuer and the client's id there. */
  SIGN_IN_ISSUER: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      if (!URL.canParse(value)) {
        ctx.addIssue({ code: 'custom', message: `SIGN_IN_ISSUER must be a URL, got "${value}"` });
        return z.NEVER;
      }
      return value.trim();
    }),
  SIGN_IN_CLIENT_ID: z.string().trim().optional(),
  SIGN_IN_SCOPE: z.string().trim().default(DEFAULT_SIGN_IN_SCOPE),
  TASK_STOP_GRACE_SECONDS: seconds('TASK_STOP_GRACE_SECONDS', 5),
  /** API Gateway closes WebSocket connections idle 10 minutes, and every one after 2 hours. */
  WS_IDLE_SECONDS: seconds('WS_IDLE_SECONDS', 600),
  WS_MAX_SECONDS: seconds('WS_MAX_SECONDS', 7200),
  /** Where the running stack records its DynamoDB endpoint for `npm run clients` (relative to the repository). */
  LOCAL_STATE_FILE: z.string().min(1).default('.local-stack.json'),
  /** The SFU tasks' engine; unset: mediasoup where a worker binary is found, werift otherwise. */
  SFU_ENGINE: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.enum(ENGINES, { error: 'SFU_ENGINE must be "werift" or "mediasoup"' }).optional(),
  ),
  MEDIASOUP_WORKER_BIN: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional()),
  /** Passed to the SFU tasks (sfu-task/src/config.ts): "off", the mediasoup workers send without io_uring. */
  MEDIASOUP_IO_URING: ioUringSetting,
  TABLE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]*$/, { error: 'TABLE_PREFIX may hold only A-Z a-z 0-9 _ . -' }).default('local-'),
});

export interface LocalConfig {
  port: number;
  host: string;
  dynamoDbPort: number;
  ecsPort: number;
  /** Undefined: the stack bundles sfu-task/src/main.ts and runs that (local/sfuTaskBundle.ts). */
  sfuTaskCommand: string[] | undefined;
  reconcileIntervalMs: number;
  endpointSweepIntervalMs: number;
  callSweepIntervalMs: number;
  /** config.json's sign-in settings; undefined: the web client only takes `#userToken=`. */
  signIn: SignInConfig | undefined;
  taskStopGraceMs: number;
  tablePrefix: string;
  stateFile: string;
  wsIdleMs: number;
  wsMaxMs: number;
  /** The engine the SFU tasks run, and why (printed at start). */
  engine: EngineChoice;
  /** MEDIASOUP_IO_URING for the SFU tasks; undefined: theirs (off). */
  mediasoupIoUring: 'on' | 'off' | undefined;
}

export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const e = parsed.data;
  const command = e.SFU_TASK_COMMAND.split(' ').filter(Boolean);
  const clientId = e.SIGN_IN_CLIENT_ID || undefined;
  if ((e.SIGN_IN_ISSUER === undefined) !== (clientId === undefined)) {
    throw new Error('invalid configuration: SIGN_IN_ISSUER and SIGN_IN_CLIENT_ID go together (set both, or neither)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dynamoDbPort: e.DYNAMODB_PORT,
    ecsPort: e.ECS_PORT,
    sfuTaskCommand: command.length > 0 ? command : undefined,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
    endpointSweepIntervalMs: e.ENDPOINT_SWEEP_INTERVAL_SECONDS * 1000,
    callSweepIntervalMs: e.CALL_SWEEP_INTERVAL_SECONDS * 1000,
    signIn: e.SIGN_IN_ISSUER && clientId ? { issuer: e.SIGN_IN_ISSUER, clientId, scope: e.SIGN_IN_SCOPE } : undefined,
    taskStopGraceMs: e.TASK_STOP_GRACE_SECONDS * 1000,
    tablePrefix: e.TABLE_PREFIX,
    stateFile: e.LOCAL_STATE_FILE,
    wsIdleMs: e.WS_IDLE_SECONDS * 1000,
    wsMaxMs: e.WS_MAX_SECONDS * 1000,
    engine: chooseEngine(e.SFU_ENGINE, e.MEDIASOUP_WORKER_BIN),
    mediasoupIoUring: e.MEDIASOUP_IO_URING,
  };
}
