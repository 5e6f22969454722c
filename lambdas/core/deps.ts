/**
 * The process's long-lived objects, built once per cold start from config(): AWS clients (with
 * endpoints from configuration, so the same code reaches DynamoDB Local and the ECS stand-in),
 * repositories and domain services.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from './clock.ts';
import { config, type LambdaConfig } from './config.ts';
import { logger } from './logger.ts';
import { RoomRepository } from './rooms/roomRepository.ts';
import { RoomService } from './rooms/roomService.ts';
import { WarmPool } from './rooms/warmPool.ts';
import { EcsTaskLauncher } from './taskLauncher.ts';

export interface Deps {
  config: LambdaConfig;
  rooms: RoomService;
  warmPool: WarmPool;
  roomRepository: RoomRepository;
}

export function createDynamoClient(region: string, endpoint: string | undefined): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region, ...(endpoint && { endpoint }) }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function buildDeps(cfg: LambdaConfig): Deps {
  const db = createDynamoClient(cfg.region, cfg.dynamoDbEndpoint);
  const ecs = new ECSClient({ region: cfg.region, ...(cfg.ecs.endpoint && { endpoint: cfg.ecs.endpoint }) });
  const roomRepository = new RoomRepository(db, cfg.tables);
  const rooms = new RoomService(
    roomRepository,
    new EcsTaskLauncher(ecs, cfg.ecs),
    {
      maxRooms: cfg.rooms.maxRooms,
      startTimeoutSeconds: cfg.rooms.startTimeoutSeconds,
      closedRetentionSeconds: cfg.rooms.closedRetentionSeconds,
      taskEnvironment: {
        SIGNALING_URL: cfg.sfu.signalingUrl,
        SFU_ENGINE: cfg.sfu.engine,
        ROOM_IDLE_SECONDS: String(cfg.sfu.idleSeconds),
      },
    },
    systemClock,
    logger,
  );
  const warmPool = new WarmPool(roomRepository, rooms, cfg.rooms.warmRooms, systemClock, logger);
  return { config: cfg, rooms, warmPool, roomRepository };
}

let cached: Deps | undefined;

export function deps(): Deps {
  cached ??= buildDeps(config());
  return cached;
}
