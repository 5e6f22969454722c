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
    access: { tables: ['rooms', 'paths'] },
  },
  {
    method: 'PATCH',
    path: '/claimRoom',
    name: 'ClaimRoom',
    entry: 'lambdas/http/claimRoom.ts',
    // A claim tops the warm pool up, which may start rooms.
    access: { tables: ['rooms', 'paths', 'counters'], runsTasks: true },
  },
  {
    method: 'PUT',
    path: '/createRoom',
    name: 'CreateRoom',
    entry: 'lambdas/http/createRoom.ts',
    access: { tables: ['rooms', 'counters'], runsTasks: true },
  },
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
    access: { tables: ['rooms', 'paths', 'counters'], runsTasks: true },
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
