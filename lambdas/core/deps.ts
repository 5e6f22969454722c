/**
 * The process's long-lived objects, built once per cold start from config(): AWS clients (with
 * endpoints from configuration, so the same code reaches DynamoDB Local, the local gateway's
 * @connections endpoint and the ECS stand-in), repositories and domain services.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Authenticator } from './auth/authenticator.ts';
import { ClientAdmin } from './auth/clientAdmin.ts';
import { ClientRepository } from './auth/clientRepository.ts';
import { ClientService } from './auth/clientService.ts';
import { CallRepository } from './calls/callRepository.ts';
import { CallService } from './calls/callService.ts';
import { CallUrlRepository } from './calls/callUrlRepository.ts';
import { CallUrlService } from './calls/callUrlService.ts';
import { systemClock } from './clock.ts';
import { sealKeyProvider } from './endpoints/sealKeyProvider.ts';
import { config, type LambdaConfig } from './config.ts';
import { EndpointRepository } from './endpoints/endpointRepository.ts';
import { EndpointService } from './endpoints/endpointService.ts';
import { PendingEventRepository } from './endpoints/pendingEventRepository.ts';
import { logger } from './logger.ts';
import { RoomRepository, SfuBindingRepository } from './rooms/roomRepository.ts';
import { RoomService } from './rooms/roomService.ts';
import { WarmPool } from './rooms/warmPool.ts';
import { ApiGatewayNotifier } from './signaling/connectionNotifier.ts';
import { ConnectionRepository } from './signaling/connectionRepository.ts';
import { MembershipRepository } from './signaling/membershipRepository.ts';
import { SignalingService } from './signaling/signalingService.ts';
import { EcsTaskLauncher } from './taskLauncher.ts';
import { TicketRepository } from './tickets/ticketRepository.ts';
import { TicketService } from './tickets/ticketService.ts';
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
  clients: ClientService;
  clientAdmin: ClientAdmin;
  auth: Authenticator;
  tickets: TicketService;
  /** User endpoints: registrations, keepalives and pushed events. */
  endpoints: EndpointService;
  /** Call URLs (links that ring their owner) and the calls made from them. */
  callUrls: CallUrlService;
  calls: CallService;
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
      anonymousMaxRooms: cfg.rooms.anonymousMaxRooms,
      startTimeoutSeconds: cfg.rooms.startTimeoutSeconds,
      closedRetentionSeconds: cfg.rooms.closedRetentionSeconds,
      taskEnvironment: {
        SIGNALING_URL: cfg.sfu.signalingUrl,
        ROOM_IDLE_SECONDS: String(cfg.sfu.idleSeconds),
      },
    },
    systemClock,
    logger,
  );
  const verifier = new TokenVerifier(cfg.tokens.issuer, cfg.tokens.jwksUri, cfg.tokens.externalIssuers);
  const clientRepository = new ClientRepository(db, cfg.tables);
  const clients = new ClientService(
    clientRepository,
    tokens,
    { maxFailures: cfg.oauth.maxFailures, windowSeconds: cfg.oauth.failureWindowSeconds },
    systemClock,
    logger,
  );
  const auth = new Authenticator(verifier, clients);
  const tickets = new TicketService(new TicketRepository(db, cfg.tables.tickets), roomRepository, tokens, systemClock, logger);
  const warmPool = new WarmPool(roomRepository, rooms, cfg.rooms.warmRooms, systemClock, logger);
  const connections = new ConnectionRepository(db, cfg.tables.connections);
  const notifier = new ApiGatewayNotifier(
    new ApiGatewayManagementApiClient({
      region: cfg.region,
      ...(cfg.wsManagementEndpoint && { endpoint: cfg.wsManagementEndpoint }),
    }),
  );
  const endpoints = new EndpointService({
    endpoints: new EndpointRepository(db, cfg.tables),
    events: new PendingEventRepository(db, cfg.tables.endpointEvents),
    connections,
    notifier,
    sealKey: sealKeyProvider(cfg.events.sealKey, cfg.events.sealKmsKeyId, () => new KMSClient({ region: cfg.region })),
    clock: systemClock,
    logger,
  });
  const signaling = new SignalingService({
    endpoints,
    connections,
    membership: new MembershipRepository(db, cfg.tables),
    roomRepository,
    sfuBindings: new SfuBindingRepository(db, cfg.tables.rooms),
    rooms,
    verifier,
    notifier,
    clock: systemClock,
    logger,
  });
  const callUrlRecords = new CallUrlRepository(db, cfg.tables.callUrls);
  const callUrls = new CallUrlService(callUrlRecords, systemClock, logger);
  const calls = new CallService({
    callUrls,
    callUrlRecords,
    calls: new CallRepository(db, cfg.tables.calls),
    rooms,
    roomRepository,
    warmPool,
    signaling,
    tokens,
    endpoints,
    ringSeconds: cfg.calls.ringSeconds,
    clock: systemClock,
    logger,
  });
  return {
    config: cfg,
    rooms,
    warmPool,
    roomRepository,
    tokens,
    signaling,
    clients,
    clientAdmin: new ClientAdmin(clientRepository, systemClock),
    auth,
    tickets,
    endpoints,
    callUrls,
    calls,
  };
}

let cached: Deps | undefined;

export function deps(): Deps {
  cached ??= buildDeps(config());
  return cached;
}
