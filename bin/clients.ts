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
import { ClientRepository } from '../lambdas/core/auth/clientRepository.ts';
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

function target(): { admin: ClientAdmin; where: string } {
  const table = process.env.CLIENTS_TABLE;
  if (table) {
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const db = createDynamoClient(region, process.env.DYNAMODB_ENDPOINT);
    // administration never touches the failure counters: no counters table needed
    return { admin: new ClientAdmin(new ClientRepository(db, { clients: table, counters: '' }), systemClock), where: `table ${table} (${region})` };
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
  const repo = new ClientRepository(db, { clients: `${local.tablePrefix}clients`, counters: `${local.tablePrefix}counters` });
  return { admin: new ClientAdmin(repo, systemClock), where: `the local stack at ${local.url}` };
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
      const { admin } = target();
      const clients = await admin.list();
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
