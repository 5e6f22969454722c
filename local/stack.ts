/**
 * The local stack: DynamoDB Local with the tables, the ECS stand-in, and the gateway (HTTP API,
 * later the WebSocket API and the web client) on one port, running the same handlers as AWS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../lambdas/core/config.ts';
import { generateKeyPairSync } from 'node:crypto';
import { eventHandlers, httpRoutes, scheduledJobs, wsRoutes } from '../lib/routes.ts';
import { tableList } from '../lib/tables.ts';
import type { EngineChoice } from '../sfu-task/src/engines/engineChoice.ts';
import type { LocalConfig } from './config.ts';
import { createTables, type DynamoLocal, localCredentials, startDynamoLocal } from './dynamoLocal.ts';
import { EcsStandIn, type TaskStateChange } from './ecsStandIn.ts';
import { HttpApiGateway, sendJson } from './httpApiGateway.ts';
import { LambdaRuntime } from './lambdaRuntime.ts';
import { removeLocalState, writeLocalState } from './localState.ts';
import { bundleSfuTask } from './sfuTaskBundle.ts';
import { StaticSite } from './staticSite.ts';
import { CONNECTIONS_PREFIX, WS_PATH, WsApiGateway } from './wsApiGateway.ts';

/** The one task definition the ECS stand-in knows (the Lambda config's default SFU_TASK_DEFINITION). */
export const LOCAL_TASK_DEFINITION = 'sfu-task';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalStack {
  url: string;
  dynamoDbEndpoint: string;
  /** Pids of every child process the stack started and that still runs. */
  childPids(): number[];
  stop(): Promise<void>;
}

/**
 * The engine settings of the local task definition (in AWS: the task definition's environment, see
 * lib/stacks/sfuStack.ts). Rooms share this machine: one mediasoup worker each, on any free port.
 */
export function engineEnvironment(choice: EngineChoice): Record<string, string> {
  if (choice.engine === 'werift' || !choice.workerBin) return { SFU_ENGINE: 'werift' };
  return { SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: choice.workerBin.path, MEDIASOUP_WORKERS: '1', MEDIASOUP_RTC_PORT: '0' };
}

export async function startLocalStack(cfg: LocalConfig): Promise<LocalStack> {
  const logger = new Logger({ serviceName: 'local-stack' });
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => logger.error('shutdown step failed', { error: error as Error }));
    }
  };
  const tableName = (id: string) => `${cfg.tablePrefix}${id}`;
  const tableEnv = Object.fromEntries(tableList.map((def) => [def.envVar, tableName(def.id)]));
  // The token key: TOKEN_PRIVATE_KEY if given (tests mint tokens with it), else a new one per start.
  const privateKey =
    process.env.TOKEN_PRIVATE_KEY ||
    Buffer.from(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ).toString('base64');
  const tokenEnv = { TOKEN_SIGNER: 'local', TOKEN_PRIVATE_KEY: privateKey };
  // a bad WARM_ROOMS, MAX_ROOMS, ... fails here, before anything starts
  const handlerConfig = loadConfig({ ...process.env, ...tableEnv, ...tokenEnv });
  if (cfg.signIn && !handlerConfig.tokens.externalIssuers.some((e) => e.issuer === cfg.signIn?.issuer)) {
    throw new Error(
      `invalid configuration: SIGN_IN_ISSUER ${cfg.signIn.issuer} must also be in EXTERNAL_ISSUERS (audience: SIGN_IN_CLIENT_ID, and its jwksUri), or the API refuses its tokens`,
    );
  }
  try {
    const dynamo: DynamoLocal = await startDynamoLocal(cfg.dynamoDbPort);
    cleanups.push(() => dynamo.stop());
    await createTables(dynamo.endpoint, tableList, (def) => tableName(def.id));

    const server: Server = createServer();
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(cfg.port, cfg.host, ok);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${cfg.host}:${port}`;
    cleanups.push(
      () =>
        new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        }),
    );

    // stopped tasks' events go to the event handlers (an EventBridge rule in AWS), once the runtime is up
    let deliverTaskStopped: ((event: TaskStateChange) => Promise<void>) | undefined;
    const ecs = new EcsStandIn({
      onTaskStopped: (event) => deliverTaskStopped?.(event) ?? Promise.resolve(),
      command: cfg.sfuTaskCommand ?? (await bundleSfuTask(REPO_ROOT)),
      taskDefinitions: [LOCAL_TASK_DEFINITION],
      cwd: REPO_ROOT,
      taskEnvironment: {
        ANNOUNCED_IP: '127.0.0.1',
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
        ...engineEnvironment(cfg.engine),
        ...(cfg.mediasoupIoUring && { MEDIASOUP_IO_URING: cfg.mediasoupIoUring }),
      },
      stopGraceMs: cfg.taskStopGraceMs,
      logger,
    });
    const ecsEndpoint = await ecs.listen(cfg.ecsPort);
    cleanups.push(() => ecs.close());

    // The handlers' environment, as the CDK stack sets it on each Lambda function in AWS.
    const handlerEnv: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ECS_ENDPOINT: ecsEndpoint,
      SIGNALING_URL: `ws://${cfg.host}:${port}${WS_PATH}`,
      WS_MANAGEMENT_ENDPOINT: url,
      TOKEN_ISSUER: url,
      ...tokenEnv,
      ...tableEnv,
    };
    Object.assign(process.env, handlerEnv);

    const runtime = new LambdaRuntime(REPO_ROOT);
    await runtime.preload([...httpRoutes, ...wsRoutes, ...scheduledJobs, ...eventHandlers].map((r) => r.entry));
    deliverTaskStopped = async (event) => {
      for (const handler of eventHandlers.filter((h) => h.events === 'sfuTaskStopped')) await runtime.invoke(handler.entry, handler.name, event, 30_000);
    };
    // shutting down stops every task: those are not rooms losing their servers
    cleanups.push(async () => {
      deliverTaskStopped = undefined;
    });
    const httpApi = new HttpApiGateway(httpRoutes, runtime, logger);
    const wsApi = new WsApiGateway(wsRoutes, runtime, `${cfg.host}:${port}`, { idleTimeoutMs: cfg.wsIdleMs, maxConnectionMs: cfg.wsMaxMs }, logger);
    cleanups.push(() => wsApi.closeAll());
    const site = new StaticSite(resolve(REPO_ROOT, 'web', 'dist'), {
      apiUrl: url,
      webSocketUrl: handlerEnv.SIGNALING_URL!,
      iceServers: [],
      ...(cfg.signIn && { signIn: cfg.signIn }),
    });
    server.on('request', (req, res) => {
      const requestUrl = new URL(req.url ?? '/', url);
      const method = req.method ?? 'GET';
      // API routes first, except for a browser navigating (a room may be named like a route)
      const navigating = (req.headers.accept ?? '').includes('text/html');
      const handled = requestUrl.pathname.startsWith(CONNECTIONS_PREFIX)
        ? wsApi.manage(req, res, requestUrl)
        : (method === 'GET' || method === 'HEAD') && (navigating || !httpApi.match(method, requestUrl.pathname))
          ? site.handle(req, res, requestUrl)
          : httpApi.handle(req, res, requestUrl, `${cfg.host}:${port}`);
      handled.catch((error: unknown) => {
        logger.error('gateway error', { error: error as Error });
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      });
    });
    server.on('upgrade', (req, socket, head) => {
      const requestUrl = new URL(req.url ?? '/', url);
      if (requestUrl.pathname !== WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wsApi.upgrade(req, socket, head, requestUrl).catch((error: unknown) => {
        logger.error('websocket upgrade failed', { error: error as Error });
        socket.destroy();
      });
    });

    // Scheduled jobs: EventBridge rules in AWS, timers here (first run right away).
    const localIntervals: Record<string, number> = {
      ReconcileWarmPool: cfg.reconcileIntervalMs,
      ExpireUserEndpoints: cfg.endpointSweepIntervalMs,
      MissUnansweredCalls: cfg.callSweepIntervalMs,
    };
    for (const job of scheduledJobs) {
      const intervalMs = localIntervals[job.name] ?? job.everySeconds * 1000;
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          await runtime.invoke(job.entry, job.name, { source: 'local.scheduler', 'detail-type': 'Scheduled Event' }, 60_000);
        } catch (error) {
          logger.error('scheduled job failed', { job: job.name, error: error as Error });
        } finally {
          running = false;
        }
      };
      void run();
      const timer = setInterval(() => void run(), intervalMs);
      cleanups.push(async () => clearInterval(timer));
    }

    // Where `npm run clients` finds this stack's tables; removed again on stop.
    writeLocalState(cfg.stateFile, { url, dynamoDbEndpoint: dynamo.endpoint, ecsEndpoint, tablePrefix: cfg.tablePrefix, pid: process.pid });
    cleanups.push(async () => removeLocalState(cfg.stateFile));

    return {
      url,
      dynamoDbEndpoint: dynamo.endpoint,
      childPids: () => [...(dynamo.process.exitCode === null && dynamo.process.pid ? [dynamo.process.pid] : []), ...ecs.runningPids()],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
