/**
 * THE route table: every HTTP API and WebSocket API route and the handler entry file behind it.
 * The local gateway serves it; the CDK stacks build their APIs from it. Paths are relative to
 * the repository root; each entry module exports `handler`.
 */
import type { TableId } from './tables.ts';

/** What a route's handler may touch: the CDK stack grants exactly this. */
export interface RouteAccess {
  readonly tables: readonly TableId[];
  /** Calls ECS RunTask/StopTask/DescribeTasks for the SFU task definition. */
  readonly runsTasks?: boolean;
  /** Posts to / closes WebSocket connections (execute-api:ManageConnections on the WebSocket API). */
  readonly managesConnections?: boolean;
  /** Mints tokens (KMS Sign with the token key in AWS). */
  readonly signsTokens?: boolean;
}

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway HTTP API path, `{name}` for a path parameter. */
  readonly path: string;
  /** Handler name: the Lambda function's logical id in CDK, the log name locally. */
  readonly name: string;
  readonly entry: string;
  readonly access: RouteAccess;
}

export const httpRoutes: readonly HttpRoute[] = [
  {
    method: 'GET',
    path: '/getRoomId',
    name: 'GetRoomId',
    entry: 'lambdas/http/getRoomId.ts',
    access: { tables: ['rooms', 'paths'], signsTokens: true },
  },
  {
    method: 'PATCH',
    path: '/claimRoom',
    name: 'ClaimRoom',
    entry: 'lambdas/http/claimRoom.ts',
    // A claim tells the room's SFU (RoomClaimedEvent) and tops the warm pool up, which may start rooms.
    access: { tables: ['rooms', 'paths', 'counters'], runsTasks: true, signsTokens: true, managesConnections: true },
  },
  {
    method: 'PUT',
    path: '/createRoom',
    name: 'CreateRoom',
    entry: 'lambdas/http/createRoom.ts',
    access: { tables: ['rooms', 'counters'], runsTasks: true, signsTokens: true },
  },
  {
    method: 'GET',
    path: '/rooms/{roomId}',
    name: 'GetRoomState',
    entry: 'lambdas/http/getRoomState.ts',
    access: { tables: ['rooms', 'peers'] },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    name: 'Jwks',
    entry: 'lambdas/http/jwks.ts',
    access: { tables: [], signsTokens: true },
  },
];

/** WebSocket API routes; route selection expression `$request.body.action`. */
export interface WsRoute {
  /** `$connect`, `$disconnect`, `$default` or an action name. */
  readonly routeKey: string;
  readonly name: string;
  readonly entry: string;
  readonly access: RouteAccess;
}

// 'counters': the open-connections gauge (a send that finds a connection gone cleans it up)
const signaling: RouteAccess = { tables: ['connections', 'peers', 'rooms', 'counters'], managesConnections: true };

export const wsRoutes: readonly WsRoute[] = [
  { routeKey: '$connect', name: 'WsConnect', entry: 'lambdas/ws/connect.ts', access: { tables: ['connections', 'counters'] } },
  {
    routeKey: '$disconnect',
    name: 'WsDisconnect',
    entry: 'lambdas/ws/disconnect.ts',
    // An SFU leaving closes its room: frees the path and stops the task.
    access: { tables: ['connections', 'peers', 'rooms', 'paths', 'counters'], managesConnections: true, runsTasks: true },
  },
  { routeKey: 'identify', name: 'WsIdentify', entry: 'lambdas/ws/identify.ts', access: signaling },
  { routeKey: 'handshake', name: 'WsHandshake', entry: 'lambdas/ws/handshake.ts', access: signaling },
  { routeKey: 'message', name: 'WsMessage', entry: 'lambdas/ws/message.ts', access: signaling },
  { routeKey: 'keepalive', name: 'WsKeepalive', entry: 'lambdas/ws/keepalive.ts', access: signaling },
  { routeKey: '$default', name: 'WsDefault', entry: 'lambdas/ws/default.ts', access: signaling },
];

/** Handlers run on a schedule (EventBridge in AWS, a timer in the local stack). */
export interface ScheduledJob {
  readonly name: string;
  readonly entry: string;
  readonly everySeconds: number;
  readonly access: RouteAccess;
}

export const scheduledJobs: readonly ScheduledJob[] = [
  {
    name: 'ReconcileWarmPool',
    entry: 'lambdas/scheduled/reconcileWarmPool.ts',
    everySeconds: 60,
    // also closes abandoned rooms and lets lost peers leave: it posts events to connections
    access: { tables: ['rooms', 'paths', 'counters', 'peers', 'connections'], runsTasks: true, signsTokens: true, managesConnections: true },
  },
];

/** `GET /rooms/{roomId}` -> `/^\/rooms\/([^/]+)$/` with the parameter names. */
export function compilePath(path: string): { regex: RegExp; params: string[] } {
  const params: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)\+?\}$/.exec(segment);
      if (match?.[1]) {
        params.push(match[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), params };
}
