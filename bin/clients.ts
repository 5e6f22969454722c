/**
 * `npm run clients -- <command>`: manage service clients (OAuth 2.0 client credentials).
 *
 *   create --name <name> --scopes <scope,scope>   prints the client id and secret (the secret only now)
 *   list                                          every client, its scopes, revoked or not
 *   revoke <clientId>                             refuses the client's token requests and tokens at once
 *
 * Target: the running local stack (found through its `.local-stack.json`), or, with CLIENTS_TABLE set
 * (and AWS credentials), the deployed clients table (the stack output ClientsTableName).
 */
import { parseArgs } from 'node:util';
import { ClientAdmin } from '../lambdas/core/auth/clientAdmin.ts';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type ClientRecord, ClientRepository } from '../lambdas/core/auth/clientRepository.ts';
import { systemClock } from '../lambdas/core/clock.ts';
import { createDynamoClient } from '../lambdas/core/deps.ts';
import { localCredentials } from '../local/dynamoLocal.ts';
import { readLocalState } from '../local/localState.ts';
import { SCOPES } from '../protocol/index.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run clients -- create --name <name> --scopes <${SCOPES.join(',')}>
       npm run clients -- list
       npm run clients -- revoke <clientId>`;

class UsageError extends Error {}

interface Target {
  admin: ClientAdmin;
  db: DynamoDBDocumentClient;
  table: string;
  where: string;
}

/** Every client: a Scan, which this administrator's command may do (request paths never do). */
async function listClients(db: DynamoDBDocumentClient, table: string): Promise<ClientRecord[]> {
  const items: ClientRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as ClientRecord[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function target(): Target {
  const deployed = process.env.CLIENTS_TABLE;
  if (deployed) {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const db = createDynamoClient(region, process.env.DYNAMODB_ENDPOINT);
    // administration never touches the failure counters: no counters table needed
    const repo = new ClientRepository(db, { clients: deployed, counters: '' });
    return { admin: new ClientAdmin(repo, systemClock), db, table: deployed, where: `table ${deployed} (${region})` };
  }
  const stateFile = process.env.LOCAL_STATE_FILE ?? '.local-stack.json';
  const local = readLocalState(stateFile);
  if (!local) {
    throw new UsageError(
      'no local stack is running (start it with `npm start`), and CLIENTS_TABLE is not set (for a deployment: the stack output ClientsTableName, with AWS credentials)',
    );
  }
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: localCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey });
  const db = createDynamoClient('us-east-1', local.dynamoDbEndpoint);
  const table = `${local.tablePrefix}clients`;
  const repo = new ClientRepository(db, { clients: table, counters: `${local.tablePrefix}counters` });
  return { admin: new ClientAdmin(repo, systemClock), db, table, where: `the local stack at ${local.url}` };
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'create': {
      if (!values.name) throw new UsageError('create needs --name');
      const scopes = (values.scopes ?? '').split(/[\s,]+/).filter(Boolean);
      const { admin, where } = target();
      const client = await admin.create(values.name, scopes);
      if (values.json) console.log(JSON.stringify(client));
      else {
        console.log(`created client "${client.name}" in ${where}`);
        console.log(`client_id:     ${client.clientId}`);
        console.log(`client_secret: ${client.clientSecret}`);
        console.log(`scopes:        ${client.scopes.join(' ') || '(none)'}`);
        console.log('The secret is shown this once; only its hash is stored.');
      }
      return;
    }
    case 'list': {
      const { db, table } = target();
      const clients = await listClients(db, table);
      if (values.json) {
        console.log(JSON.stringify(clients.map(({ secretHash: _hidden, ...rest }) => rest)));
        return;
      }
      if (clients.length === 0) console.log('no clients');
      for (const c of clients) {
        console.log(`${c.clientId}  ${c.name}  [${c.scopes.join(' ')}]  created ${c.createdAt}${c.revokedAt ? `  REVOKED ${c.revokedAt}` : ''}`);
      }
      return;
    }
    case 'revoke': {
      const clientId = rest[0];
      if (!clientId) throw new UsageError('revoke needs a client id');
      const { admin } = target();
      if (!(await admin.revoke(clientId))) throw new Error(`no client ${clientId}, or it is revoked already`);
      console.log(`revoked ${clientId}: its token requests and its tokens are refused from now on`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'missing command');
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(1);
}
