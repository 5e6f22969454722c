/**
 * The process's long-lived objects, built once per cold start from config(): AWS clients (with
 * endpoints from configuration, so the same code reaches DynamoDB Local, the local gateway's
 * @connections endpoint and the ECS stand-in), repositories and domain services.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from './clock.ts';
import { config, type LambdaConfig } from './config.ts';
import { logger } from './logger.ts';
import { RoomRepository, SfuBindingRepository } from './rooms/roomRepository.ts';
import { RoomService } from './rooms/roomService.ts';
import { WarmPool } from './rooms/warmPool.ts';
import { ApiGatewayNotifier } from './signaling/connectionNotifier.ts';
import { ConnectionRepository } from './signaling/connectionRepository.ts';
import { MembershipRepository } from './signaling/membershipRepository.ts';
import { SignalingService } from './signaling/signalingService.ts';
import { EcsTaskLauncher } from './taskLauncher.ts';
import { createTokenSigner } from './tokens/createTokenSigner.ts';
import { RoomTokens } from './tokens/roomTokens.ts';
import { TokenVerifier } from './tokens/tokenVerifier.ts';

export interface Deps {
  config: LambdaConfig;
  rooms: RoomService;
  warmPool: WarmPool;
  roomRepository: RoomRepository;
  tokens: RoomTokens;
  signaling: SignalingService;
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
  const tokens = new RoomTokens(createTokenSigner(cfg), cfg.tokens);
  const rooms = new RoomService(
    roomRepository,
    new EcsTaskLauncher(ecs, cfg.ecs),
    tokens,
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
  const signaling = new SignalingService({
    connections: new ConnectionRepository(db, cfg.tables.connections),
    membership: new MembershipRepository(db, cfg.tables),
    roomRepository,
    sfuBindings: new SfuBindingRepository(db, cfg.tables.rooms),
    rooms,
    verifier: new TokenVerifier(cfg.tokens.issuer, cfg.tokens.jwksUri),
    notifier: new ApiGatewayNotifier(
      new ApiGatewayManagementApiClient({
        region: cfg.region,
        ...(cfg.wsManagementEndpoint && { endpoint: cfg.wsManagementEndpoint }),
      }),
    ),
    clock: systemClock,
    logger,
  });
  return { config: cfg, rooms, warmPool, roomRepository, tokens, signaling };
}

let cached: Deps | undefined;

export function deps(): Deps {
  cached ??= buildDeps(config());
  return cached;
}
