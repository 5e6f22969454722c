/**
 * The SFU task's configuration: read from the environment once, at start, validated with zod.
 * A bad value stops the process with one line naming it (exit 1).
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { PEER_ID_PATTERN } from '../../protocol/index.ts';
import { chooseEngine } from './engines/engineChoice.ts';
import { ConfigError } from './errors.ts';

export const ENGINES = ['werift', 'mediasoup'] as const;

/** MEDIASOUP_IO_URING's values, any case and blanks around them; blank is unset (the local stack passes it on). */
export const ioUringSetting = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
  z.enum(['on', 'off'], { error: 'MEDIASOUP_IO_URING must be "on" or "off"' }).optional(),
);
export type EngineName = (typeof ENGINES)[number];
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** KEEPALIVE_SECONDS unset (the task definition leaves it so): a keepalive after this long without sending. */
export const DEFAULT_KEEPALIVE_SECONDS = 240;

/** API Gateway closes WebSocket connections after 2 hours: re-identify on a new one before that. */
const MAX_CONNECTION_SECONDS = 2 * 60 * 60;

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const positiveSeconds = (name: string, fallback: number, max = 7 * 86_400) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0 || n > max) {
          ctx.addIssue({ code: 'custom', message: `${name} must be a number of seconds above 0 and at most ${max}, got "${value}"` });
          return z.NEVER;
        }
        return n;
      }),
  );

/** An optional whole number from `min` to `max`; `what` names it in the error ("a port number"). */
const wholeNumber = (name: string, min: number, max: number, what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `${name} must be ${what} from ${min} to ${max}, got "${value}"` });
          return z.NEVER;
        }
        return n;
      }),
  );

const port = (name: string) => wholeNumber(name, 1024, 65_535, 'a port number');

const schema = z
  .object({
    SIGNALING_URL: z.preprocess(
      blankToUndefined,
      z
        .string({ error: 'SIGNALING_URL is required (the WebSocket API URL, e.g. ws://127.0.0.1:8080/ws)' })
        .refine((v) => /^wss?:\/\/[^\s/]+/.test(v) && URL.canParse(v), {
          error: 'SIGNALING_URL must be a ws:// or wss:// URL',
        }),
    ),
    ROOM_ID: z.preprocess(
      blankToUndefined,
      z.string({ error: 'ROOM_ID is required' }).max(128, { error: 'ROOM_ID is longer than 128 characters' }),
    ),
    SFU_ID: z.preprocess(
      blankToUndefined,
      z.string({ error: 'SFU_ID is required' }).regex(PEER_ID_PATTERN, { error: 'SFU_ID must be 1-64 characters of A-Z, a-z, 0-9, "-" or "_"' }),
    ),
    SFU_TOKEN: z.preprocess(blankToUndefined, z.string().optional()),
    ANNOUNCED_IP: z.preprocess(
      blankToUndefined,
      z
        .string()
        .refine((v) => isIP(v) !== 0, { error: 'ANNOUNCED_IP must be an IPv4 or IPv6 address' })
        .optional(),
    ),
    ECS_CONTAINER_METADATA_URI_V4: z.preprocess(
      blankToUndefined,
      z.string().refine((v) => URL.canParse(v), { error: 'ECS_CONTAINER_METADATA_URI_V4 must be a URL' }).optional(),
    ),
    RTC_MIN_PORT: port('RTC_MIN_PORT'),
    RTC_MAX_PORT: port('RTC_MAX_PORT'),
    SFU_ENGINE: z.preprocess(
      blankToUndefined,
      z.enum(ENGINES, { error: 'SFU_ENGINE must be "werift" or "mediasoup"' }).optional(),
    ),
    MEDIASOUP_WORKER_BIN: z.preprocess(blankToUndefined, z.string().optional()),
    // 0: any free port per worker (several SFU processes on one machine, as the local stack's rooms)
    MEDIASOUP_RTC_PORT: z.preprocess((v) => (typeof v === 'string' && v.trim() === '0' ? undefined : v), port('MEDIASOUP_RTC_PORT')),
    MEDIASOUP_WORKERS: wholeNumber('MEDIASOUP_WORKERS', 1, 64, 'a whole number'),
    // off by default: measured on this project's machines (README, SFU engines), plain sends cost less and do not stall
    MEDIASOUP_IO_URING: ioUringSetting,
    ROOM_IDLE_SECONDS: positiveSeconds('ROOM_IDLE_SECONDS', 300),
    KEEPALIVE_SECONDS: positiveSeconds('KEEPALIVE_SECONDS', DEFAULT_KEEPALIVE_SECONDS, 540),
    SIGNALING_ROTATE_SECONDS: positiveSeconds('SIGNALING_ROTATE_SECONDS', 110 * 60, MAX_CONNECTION_SECONDS - 60),
    HEALTH_FILE: z.preprocess(blankToUndefined, z.string().optional()),
    POWERTOOLS_LOG_LEVEL: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() || undefined : v),
      z.enum(LOG_LEVELS, { error: `POWERTOOLS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('INFO'),
    ),
  })
  .superRefine((e, ctx) => {
    if ((e.RTC_MIN_PORT === undefined) !== (e.RTC_MAX_PORT === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'RTC_MIN_PORT and RTC_MAX_PORT must be set together' });
    } else if (e.RTC_MIN_PORT !== undefined && e.RTC_MAX_PORT !== undefined && e.RTC_MIN_PORT >= e.RTC_MAX_PORT) {
      ctx.addIssue({ code: 'custom', message: `RTC_MIN_PORT (${e.RTC_MIN_PORT}) must be below RTC_MAX_PORT (${e.RTC_MAX_PORT})` });
    }
    if (e.MEDIASOUP_RTC_PORT !== undefined && e.MEDIASOUP_RTC_PORT + (e.MEDIASOUP_WORKERS ?? 1) - 1 > 65_535) {
      ctx.addIssue({ code: 'custom', message: `MEDIASOUP_RTC_PORT + MEDIASOUP_WORKERS - 1 must be at most 65535` });
    }
    if (!e.ANNOUNCED_IP && !e.ECS_CONTAINER_METADATA_URI_V4) {
      ctx.addIssue({
        code: 'custom',
        message: 'ANNOUNCED_IP is unset and ECS_CONTAINER_METADATA_URI_V4 too: set ANNOUNCED_IP (e.g. 127.0.0.1) outside ECS',
      });
    }
  });

/** Default first port of the mediasoup WebRtcServers (worker i listens on it + i, UDP and TCP). */
export const DEFAULT_MEDIASOUP_RTC_PORT = 44_444;

export interface MediasoupConfig {
  /** The worker binary (engines/mediasoup/workerBin.ts: MEDIASOUP_WORKER_BIN, this machine's cache, mediasoup's own); undefined for werift. */
  workerBin: string | undefined;
  /** First WebRtcServer port (UDP + TCP); worker i uses rtcPort + i. 0: any free port per worker. */
  rtcPort: number;
  /** Workers (one per CPU by default). */
  workers: number;
  /** The workers send through io_uring where the kernel has it (mediasoup's own default, MEDIASOUP_IO_URING=on); false (ours): plain sends. */
  ioUring: boolean;
}

export interface SfuConfig {
  signalingUrl: string;
  roomId: string;
  sfuId: string;
  sfuToken: string | undefined;
  /** Set: announce this address. Unset: read the task's public IP through the ECS task metadata. */
  announcedIp: string | undefined;
  ecsMetadataUri: string | undefined;
  /** UDP port range of the media sockets, or undefined for any free port. */
  portRange: [number, number] | undefined;
  engine: EngineName;
  /** Why this engine, in one line (SFU_ENGINE, or whether a mediasoup worker was found). */
  engineReason: string;
  mediasoup: MediasoupConfig;
  idleMs: number;
  keepaliveMs: number;
  rotateMs: number;
  /** Touched while the signaling connection is up; the container HEALTHCHECK reads its age. */
  healthFile: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
}

/** `home`: where ~/.cache is looked for a mediasoup worker (tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, home?: string): SfuConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const e = parsed.data;
  const choice = chooseEngine(e.SFU_ENGINE, e.MEDIASOUP_WORKER_BIN, home);
  return {
    signalingUrl: e.SIGNALING_URL,
    roomId: e.ROOM_ID,
    sfuId: e.SFU_ID,
    sfuToken: e.SFU_TOKEN,
    announcedIp: e.ANNOUNCED_IP,
    ecsMetadataUri: e.ECS_CONTAINER_METADATA_URI_V4,
    portRange: e.RTC_MIN_PORT !== undefined && e.RTC_MAX_PORT !== undefined ? [e.RTC_MIN_PORT, e.RTC_MAX_PORT] : undefined,
    engine: choice.engine,
    engineReason: choice.reason,
    mediasoup: {
      workerBin: choice.workerBin?.path,
      rtcPort: env.MEDIASOUP_RTC_PORT?.trim() === '0' ? 0 : (e.MEDIASOUP_RTC_PORT ?? DEFAULT_MEDIASOUP_RTC_PORT),
      workers: e.MEDIASOUP_WORKERS ?? availableParallelism(),
      ioUring: e.MEDIASOUP_IO_URING === 'on',
    },
    idleMs: e.ROOM_IDLE_SECONDS * 1000,
    keepaliveMs: e.KEEPALIVE_SECONDS * 1000,
    rotateMs: e.SIGNALING_ROTATE_SECONDS * 1000,
    healthFile: e.HEALTH_FILE,
    logLevel: e.POWERTOOLS_LOG_LEVEL,
  };
}
