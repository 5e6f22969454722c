/**
 * The SFU task: one process per room. Reads its configuration, resolves the address to announce,
 * connects to the WebSocket API as the room's SFU and forwards every participant's media to every
 * other participant. Exits 0 after ROOM_IDLE_SECONDS without clients (once it has had one) and on
 * SIGTERM/SIGINT; exits 1 with one line on a bad configuration or when signaling stays unreachable.
 */
import { writeFile } from 'node:fs/promises';
import { handshakeDataSchema, SFU_GOING_AWAY_CLOSE_CODE } from '../../protocol/index.ts';
import { awsAnnouncedIpDeps, resolveAnnouncedIp } from './announcedIp.ts';
import { loadConfig, type SfuConfig } from './config.ts';
import { createEngine } from './engines/createEngine.ts';
import { ConfigError } from './errors.ts';
import { createLogger } from './logger.ts';
import { IdleWatcher } from './room/IdleWatcher.ts';
import { Room } from './room/Room.ts';
import { SignalingClient } from './signaling/SignalingClient.ts';

const HEALTH_INTERVAL_MS = 10_000;

async function main(): Promise<void> {
  let config: SfuConfig;
  try {
    config = loadConfig();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const logger = createLogger(config.roomId, config.sfuId);

  let announcedIp: string;
  try {
    announcedIp = await resolveAnnouncedIp(config, awsAnnouncedIpDeps((message, extra) => logger.warn(message, extra ?? {})));
  } catch (error) {
    console.error(`cannot determine the address to announce: ${(error as Error).message}`);
    process.exit(1);
  }

  // until the room runs there is nothing to close: a dead worker is just an exit
  let onEngineFailed: (reason: string) => void = () => process.exit(1);
  let engine;
  try {
    engine = await createEngine(config.engine, { announcedIp, portRange: config.portRange }, config.mediasoup, {
      // a dead mediasoup worker: close the room at once (a deliberate close), so that its clients
      // are told now and can rejoin, rather than sit in a frozen call through the reconnect grace
      onFatal: (error) => {
        logger.critical('media engine failed', { error: error.message });
        onEngineFailed(`media engine failed: ${error.message}`);
      },
      warn: (message, extra) => logger.warn(message, extra),
    });
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `cannot start the media engine: ${(error as Error).message}`);
    process.exit(1);
  }

  const room = new Room({ roomId: config.roomId, sfuId: config.sfuId, engine, logger });
  const signaling = new SignalingClient({
    url: config.signalingUrl,
    token: config.sfuToken,
    roomId: config.roomId,
    sfuId: config.sfuId,
    logger,
    keepaliveMs: config.keepaliveMs,
    rotateMs: config.rotateMs,
    maxOfflineMs: Math.max(config.idleMs, 60_000),
  });

  let stopping = false;
  /** `goingAway`: this server stops while its room may still be in use: its clients are to rejoin. */
  const stop = async (reason: string, code: number, goingAway = false) => {
    if (stopping) return;
    stopping = true;
    logger.info('sfu stopping', { reason, exitCode: code, goingAway });
    idle.close();
    clearInterval(health);
    await Promise.all([signaling.close(goingAway ? SFU_GOING_AWAY_CLOSE_CODE : 1000), room.close().catch(() => undefined)]);
    process.exit(code);
  };

  onEngineFailed = (reason) => void stop(reason, 1, true);

  const idle = new IdleWatcher(config.idleMs, () => void stop(`no clients for ${config.idleMs / 1000} s`, 0));
  room.on('participants', (count) => idle.update(count));
  room.on('handshake', (data) => signaling.send({ action: 'handshake', data }));

  signaling.on('frame', (frame) => {
    switch (frame.type) {
      case 'handshake': {
        const parsed = handshakeDataSchema.safeParse(frame.data);
        if (!parsed.success) {
          logger.warn('ignored a malformed handshake frame', { reason: parsed.error.issues[0]?.message });
          return;
        }
        void room.handleHandshake(parsed.data);
        return;
      }
      case 'leave':
        if (typeof frame.sender === 'string') room.leave(frame.sender);
        return;
      case 'event': {
        const event = frame.event as { type?: string; participant?: { id?: string; type?: string }; participantId?: string } | undefined;
        if (event?.type === 'ParticipantJoinedEvent' && event.participant?.type === 'client' && event.participant.id) {
          room.join(event.participant.id);
        } else if (event?.type === 'ParticipantLeftEvent' && event.participantId) {
          room.leave(event.participantId);
        } else if (event?.type === 'RoomClaimedEvent') {
          idle.claimed();
        } else if (event?.type === 'RoomClosedEvent') {
          void stop('room closed', 0);
        }
        return;
      }
      case 'error':
        logger.warn('signaling reported an error', { action: frame.action, status: frame.status, message: frame.message });
        return;
      default:
        logger.debug('ignored frame', { type: frame.type });
    }
  });
  signaling.on('unreachable', () => void stop('signaling unreachable', 1));

  const touchHealth = () => {
    if (config.healthFile && signaling.isIdentified) writeFile(config.healthFile, String(Date.now())).catch(() => undefined);
  };
  signaling.on('identified', touchHealth);
  const health = setInterval(touchHealth, HEALTH_INTERVAL_MS);

  // ECS stops a task with SIGTERM (a scale-in, a deploy, an interruption): its clients move to a new room
  process.on('SIGTERM', () => void stop('SIGTERM', 0, true));
  process.on('SIGINT', () => void stop('SIGINT', 0, true));

  logger.info('sfu starting', {
    engine: engine.name,
    engineReason: config.engineReason,
    announcedIp,
    ...(config.engine === 'mediasoup' ? { rtcPort: config.mediasoup.rtcPort, workers: config.mediasoup.workers, ioUring: config.mediasoup.ioUring } : { portRange: config.portRange }),
    idleSeconds: config.idleMs / 1000,
  });
  signaling.start();
}

void main();
