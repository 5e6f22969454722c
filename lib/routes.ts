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
  /** Seals or opens stored originals of masked user events (KMS GenerateMac with the event seal key in AWS). */
  readonly sealsEvents?: boolean;
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

/** A call that stops ringing unanswered: its link's ringing slot, its room closed (task stopped, clients told), the owner's endpoints told. */
const CLOSES_CALL_ROOM: readonly TableId[] = ['calls', 'callUrls', 'rooms', 'paths', 'counters', 'peers', 'connections', 'endpoints'];
const endsRinging = (extra: readonly TableId[] = []): RouteAccess => ({ tables: [...CLOSES_CALL_ROOM, ...extra], runsTasks: true, managesConnections: true });

export const httpRoutes: readonly HttpRoute[] = [
  {
    method: 'GET',
    path: '/getRoomId',
    name: 'GetRoomId',
    entry: 'lambdas/http/getRoomId.ts',
    access: { tables: ['rooms', 'paths', 'clients'], signsTokens: true },
  },
  {
    method: 'PATCH',
    path: '/claimRoom',
    name: 'ClaimRoom',
    entry: 'lambdas/http/claimRoom.ts',
    // A claim tells the room's SFU (RoomClaimedEvent) and tops the warm pool up, which may start rooms.
    access: { tables: ['rooms', 'paths', 'counters', 'clients'], runsTasks: true, signsTokens: true, managesConnections: true },
  },
  {
    method: 'PUT',
    path: '/createRoom',
    name: 'CreateRoom',
    entry: 'lambdas/http/createRoom.ts',
    access: { tables: ['rooms', 'counters', 'clients'], runsTasks: true, signsTokens: true },
  },
  {
    method: 'GET',
    path: '/rooms/{roomId}',
    name: 'GetRoomState',
    entry: 'lambdas/http/getRoomState.ts',
    access: { tables: ['rooms', 'peers', 'clients'] },
  },
  {
    method: 'PATCH',
    path: '/rooms/{roomId}',
    name: 'UpdateRoom',
    entry: 'lambdas/http/updateRoom.ts',
    access: { tables: ['rooms', 'paths', 'clients'] },
  },
  {
    method: 'DELETE',
    path: '/rooms/{roomId}',
    name: 'CloseRoom',
    entry: 'lambdas/http/closeRoom.ts',
    // tells the room's clients (RoomClosedEvent) and stops its task
    access: { tables: ['rooms', 'paths', 'counters', 'peers', 'connections', 'clients'], runsTasks: true, managesConnections: true },
  },
  {
    method: 'POST',
    path: '/security/oauth/token',
    name: 'OAuthToken',
    entry: 'lambdas/http/oauthToken.ts',
    // counters: failed authentications per client id
    access: { tables: ['clients', 'counters'], signsTokens: true },
  },
  {
    method: 'POST',
    path: '/tickets',
    name: 'CreateTicket',
    entry: 'lambdas/http/createTicket.ts',
    access: { tables: ['tickets', 'rooms', 'paths', 'clients'] },
  },
  {
    method: 'GET',
    path: '/tickets/{ticketId}',
    name: 'GetTicket',
    entry: 'lambdas/http/getTicket.ts',
    access: { tables: ['tickets', 'rooms'] },
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/redeem',
    name: 'RedeemTicket',
    entry: 'lambdas/http/redeemTicket.ts',
    access: { tables: ['tickets', 'rooms'], signsTokens: true },
  },
  // User endpoints (Auvious RTC API paths). 'clients': a service token works only while its client is active.
  {
    method: 'POST',
    path: '/rtc-api/users/endpoints',
    name: 'CreateUserEndpoint',
    entry: 'lambdas/http/endpointsCreate.ts',
    // registering over an expired endpoint drops its pending events and closes its connection
    access: { tables: ['endpoints', 'endpointEvents', 'clients'], managesConnections: true },
  },
  {
    method: 'POST',
    path: '/rtc-api/users/endpoints/register',
    name: 'RegisterUserEndpoint',
    entry: 'lambdas/http/endpointsRegister.ts',
    access: { tables: ['endpoints', 'endpointEvents', 'clients'], managesConnections: true },
  },
  {
    method: 'POST',
    path: '/rtc-api/users/endpoints/unregister',
    name: 'UnregisterUserEndpoint',
    entry: 'lambdas/http/endpointsUnregister.ts',
    access: { tables: ['endpoints', 'endpointEvents', 'clients'], managesConnections: true },
  },
  {
    method: 'POST',
    path: '/rtc-api/users/endpoints/keepalive',
    name: 'KeepAliveUserEndpoint',
    entry: 'lambdas/http/endpointsKeepalive.ts',
    access: { tables: ['endpoints', 'clients'] },
  },
  {
    method: 'POST',
    path: '/rtc-api/users/endpoints/sendEvent',
    name: 'SendUserEvent',
    entry: 'lambdas/http/endpointsSendEvent.ts',
    access: { tables: ['endpoints', 'endpointEvents', 'clients'], managesConnections: true, sealsEvents: true },
  },
  // Call URLs (Mozilla Loop paths). 'clients': a service token works only while its client is active.
  {
    method: 'POST',
    path: '/call-url',
    name: 'CreateCallUrl',
    entry: 'lambdas/http/createCallUrl.ts',
    access: { tables: ['callUrls', 'clients'] },
  },
  {
    method: 'GET',
    path: '/call-url',
    name: 'ListCallUrls',
    entry: 'lambdas/http/listCallUrls.ts',
    access: { tables: ['callUrls', 'clients'] },
  },
  {
    method: 'DELETE',
    path: '/call-url/{token}',
    name: 'RevokeCallUrl',
    entry: 'lambdas/http/revokeCallUrl.ts',
    access: { tables: ['callUrls', 'clients'] },
  },
  {
    method: 'GET',
    path: '/calls/{token}',
    name: 'GetCallUrl',
    entry: 'lambdas/http/getCallUrl.ts',
    access: { tables: ['callUrls'] },
  },
  {
    method: 'POST',
    path: '/calls/{token}',
    name: 'PlaceCall',
    entry: 'lambdas/http/placeCall.ts',
    // claims a room for the call (telling its SFU, topping the warm pool up, or starting one), mints the
    // caller's token, and rings the owner's endpoints (qos 1: stored until acknowledged)
    access: {
      tables: ['callUrls', 'calls', 'rooms', 'paths', 'counters', 'endpoints', 'endpointEvents'],
      runsTasks: true,
      signsTokens: true,
      managesConnections: true,
    },
  },
  {
    method: 'GET',
    path: '/calls',
    name: 'ListCalls',
    entry: 'lambdas/http/listCalls.ts',
    access: { tables: ['calls', 'clients'] },
  },
  {
    method: 'GET',
    path: '/calls/id/{callId}',
    name: 'GetCall',
    entry: 'lambdas/http/getCall.ts',
    access: { tables: ['calls', 'clients'] },
  },
  {
    method: 'POST',
    path: '/calls/id/{callId}/accept',
    name: 'AcceptCall',
    entry: 'lambdas/http/acceptCall.ts',
    // frees the link's ringing slot, mints the owner's token, tells the owner's other tabs
    access: { tables: ['calls', 'callUrls', 'rooms', 'endpoints', 'clients'], signsTokens: true, managesConnections: true },
  },
  {
    method: 'POST',
    path: '/calls/id/{callId}/decline',
    name: 'DeclineCall',
    entry: 'lambdas/http/declineCall.ts',
    // closes the call's room (its caller gets RoomClosedEvent, its task stops) and tells the owner's other tabs
    access: endsRinging(['clients']),
  },
  {
    method: 'DELETE',
    path: '/calls/id/{callId}',
    name: 'CancelCall',
    entry: 'lambdas/http/cancelCall.ts',
    access: endsRinging(['clients']),
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
  // 'endpoints': a user token connects only for a live endpoint of its own
  { routeKey: '$connect', name: 'WsConnect', entry: 'lambdas/ws/connect.ts', access: { tables: ['connections', 'counters', 'endpoints'] } },
  {
    routeKey: '$disconnect',
    name: 'WsDisconnect',
    entry: 'lambdas/ws/disconnect.ts',
    // An SFU leaving closes its room: frees the path and stops the task.
    // 'endpoints': a user endpoint's connection is unbound from its endpoint
    access: { tables: ['connections', 'peers', 'rooms', 'paths', 'counters', 'endpoints'], managesConnections: true, runsTasks: true },
  },
  // a user endpoint identifies too: its endpoint is bound and its pending events delivered
  // an endpoint identifying gets its pending events (originals of masked ones unsealed)
  {
    routeKey: 'identify',
    name: 'WsIdentify',
    entry: 'lambdas/ws/identify.ts',
    access: { ...signaling, tables: [...signaling.tables, 'endpoints', 'endpointEvents'], sealsEvents: true },
  },
  { routeKey: 'handshake', name: 'WsHandshake', entry: 'lambdas/ws/handshake.ts', access: signaling },
  { routeKey: 'message', name: 'WsMessage', entry: 'lambdas/ws/message.ts', access: signaling },
  { routeKey: 'keepalive', name: 'WsKeepalive', entry: 'lambdas/ws/keepalive.ts', access: signaling },
  // a user endpoint acknowledges a qos-1 event
  { routeKey: 'ack', name: 'WsAck', entry: 'lambdas/ws/ack.ts', access: { ...signaling, tables: [...signaling.tables, 'endpointEvents'] } },
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
  {
    name: 'ExpireUserEndpoints',
    entry: 'lambdas/scheduled/expireUserEndpoints.ts',
    // EventBridge's finest rate; locally ENDPOINT_SWEEP_INTERVAL_SECONDS (reminders are only as timely as this)
    everySeconds: 60,
    // sends keepalive reminders, closes expired endpoints' connections, drops their pending events
    access: { tables: ['endpoints', 'endpointEvents'], managesConnections: true },
  },
  {
    name: 'MissUnansweredCalls',
    entry: 'lambdas/scheduled/missUnansweredCalls.ts',
    // EventBridge's finest rate; locally CALL_SWEEP_INTERVAL_SECONDS (readers treat an overdue call as missed at once)
    everySeconds: 60,
    access: endsRinging(),
  },
];

/**
 * A handler of AWS events (an EventBridge rule in AWS; locally, the ECS stand-in delivers the same
 * event shape). `events: 'sfuTaskStopped'`: ECS Task State Change events of the SFU cluster's tasks
 * with lastStatus STOPPED.
 */
export interface EventHandler {
  readonly name: string;
  readonly entry: string;
  readonly events: 'sfuTaskStopped';
  readonly access: RouteAccess;
}

export const eventHandlers: readonly EventHandler[] = [
  {
    name: 'CloseRoomOfStoppedTask',
    entry: 'lambdas/events/taskStopped.ts',
    events: 'sfuTaskStopped',
    // closes the task's room (its path, the room count) and tells the room's clients
    access: { tables: ['rooms', 'paths', 'counters', 'peers', 'connections'], managesConnections: true },
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
