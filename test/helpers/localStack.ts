/**
 * Starts the real local stack (`node --import tsx bin/local.ts`, what `npm start` runs) as a child
 * process for a test file, on free ports, and gives tests its URL and DynamoDB endpoint.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../lambdas/core/config.ts';
import { buildDeps, type Deps } from '../../lambdas/core/deps.ts';
import { tableList, type TableId } from '../../lib/tables.ts';
import { freePort } from '../../local/freePort.ts';
import { readLocalState } from '../../local/localState.ts';
import { REPO_ROOT } from '../../local/stack.ts';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';

export const FIXTURE_TASK = `${process.execPath} test/fixtures/idleTask.mjs`;

export interface TestStack {
  url: string;
  wsUrl: string;
  /** Signs with the stack's own token key (tests mint SFU tokens and forged variants with it). */
  signer: LocalTokenSigner;
  privateKeyPem: string;
  dynamoDbEndpoint: string;
  env: Record<string, string>;
  process: ChildProcess;
  /** Everything the stack printed so far. */
  output(): string;
  /** Domain services wired to this stack's DynamoDB Local and ECS stand-in (what handlers use). */
  deps(): Deps;
  /** Every item of every table (a Scan: tests only), to check that bad input changed nothing. */
  snapshot(): Promise<Record<TableId, unknown[]>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startStack(extraEnv: Record<string, string> = {}): Promise<TestStack> {
  const dynamoPort = await freePort();
  const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const env: Record<string, string> = {
    TOKEN_PRIVATE_KEY: Buffer.from(privateKeyPem).toString('base64'),
    PORT: '0',
    DYNAMODB_PORT: String(dynamoPort),
    // the ECS stand-in takes a free port itself (one picked here beforehand could be taken meanwhile); the stack's address book says which
    ECS_PORT: '0',
    WARM_ROOMS: '0',
    SFU_TASK_COMMAND: FIXTURE_TASK,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    TASK_STOP_GRACE_SECONDS: '2',
    // the sweeps at AWS's cadence (every minute), not the local stack's every second: 16 Queries a second
    // of DynamoDB Local's CPU that no test needs; the tests of the sweeps set their own intervals
    ENDPOINT_SWEEP_INTERVAL_SECONDS: '60',
    CALL_SWEEP_INTERVAL_SECONDS: '60',
    // each test stack its own address book, away from a developer's running `npm start`
    LOCAL_STATE_FILE: join(tmpdir(), `video-rooms-stack-${dynamoPort}.json`),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack not ready in 120 s:\n${output}`)), 120_000);
    const onData = () => {
      const match = /^ready (http:\/\/\S+)$/m.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code} before ready:\n${output}`));
    });
  });

  const dynamoDbEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const ecsEndpoint = readLocalState(env.LOCAL_STATE_FILE!)?.ecsEndpoint;
  if (!ecsEndpoint) throw new Error(`the local stack is ready but wrote no address book at ${env.LOCAL_STATE_FILE}`);
  const handlerEnv: Record<string, string> = {
    ...env,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: dynamoDbEndpoint,
    ECS_ENDPOINT: ecsEndpoint,
    WS_MANAGEMENT_ENDPOINT: url,
    TOKEN_ISSUER: url,
    TOKEN_SIGNER: 'local',
  };
  for (const def of tableList) handlerEnv[def.envVar] = `local-${def.id}`;
  let deps: Deps | undefined;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    signer: new LocalTokenSigner(privateKeyPem, url),
    privateKeyPem,
    dynamoDbEndpoint,
    env: handlerEnv,
    process: child,
    output: () => output,
    deps: () => (deps ??= buildDeps(loadConfig(handlerEnv))),
    snapshot: async () => {
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamoDbEndpoint, region: 'us-east-1', credentials }));
      const result = {} as Record<TableId, unknown[]>;
      for (const def of tableList) {
        const out = await db.send(new ScanCommand({ TableName: `local-${def.id}`, ConsistentRead: true }));
        result[def.id] = (out.Items ?? []).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      db.destroy();
      return result;
    },
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** JSON request helper: status and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
