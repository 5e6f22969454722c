import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lambdas/core/config.ts';
import { tableList } from '../../lib/tables.ts';
import { loadLocalConfig } from '../../local/config.ts';

// every table's variable, named after the table
const tables = Object.fromEntries(tableList.map((t) => [t.envVar, `t-${t.id}`]));

describe('lambda config', () => {
  it('has defaults for everything but the table names', () => {
    const cfg = loadConfig({ ...tables });
    expect(cfg.rooms).toEqual({ warmRooms: 1, maxRooms: 20, anonymousMaxRooms: 20, startTimeoutSeconds: 600, closedRetentionSeconds: 86_400, sfuReconnectGraceSeconds: 60, clientReconnectGraceSeconds: 10 });
    expect(cfg.tokens.jwksUri).toBe('http://127.0.0.1:8080/.well-known/jwks.json');
    expect(cfg.dynamoDbEndpoint).toBeUndefined();
    expect(cfg.ecs.subnets).toEqual([]);
  });

  it('names the missing table variable', () => {
    expect(() => loadConfig({ ...tables, PEERS_TABLE: undefined })).toThrow(/PEERS_TABLE is required/);
  });

  it('rejects bad values with a message naming the variable and the value', () => {
    expect(() => loadConfig({ ...tables, WARM_ROOMS: '-1' })).toThrow(/WARM_ROOMS must be an integer from 0 to 100, got "-1"/);
    expect(() => loadConfig({ ...tables, MAX_ROOMS: '2.5' })).toThrow(/MAX_ROOMS/);
    expect(() => loadConfig({ ...tables, DYNAMODB_ENDPOINT: 'not a url' })).toThrow(/DYNAMODB_ENDPOINT must be a URL/);
    expect(() => loadConfig({ ...tables, TOKEN_SIGNER: 'kms' })).toThrow(/TOKEN_KMS_KEY_ID is required/);
    expect(() => loadConfig({ ...tables, MAX_ROOMS: '5', ANONYMOUS_MAX_ROOMS: '6' })).toThrow(/ANONYMOUS_MAX_ROOMS must be an integer from 0 to MAX_ROOMS \(5\), got "6"/);
    expect(() => loadConfig({ ...tables, EXTERNAL_ISSUERS: '{' })).toThrow(/EXTERNAL_ISSUERS must be a JSON list/);
    expect(() => loadConfig({ ...tables, EXTERNAL_ISSUERS: '[{"issuer":"x","audience":"a","jwksUri":"https://idp/jwks"}]' })).toThrow(/EXTERNAL_ISSUERS: 0.issuer: issuer must be a URL/);
    expect(() => loadConfig({ ...tables, EXTERNAL_ISSUERS: '[{"issuer":"https://idp","audience":"a","jwksUri":"https://idp/jwks","scopes":["root"]}]' })).toThrow(/EXTERNAL_ISSUERS: 0.scopes.0/);
    expect(() => loadConfig({ ...tables, TOKEN_PRIVATE_KEY: 'bm90IGEga2V5' })).toThrow(ConfigError);
  });

  it('parses lists and accepts a base64 PEM', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n';
    const cfg = loadConfig({ ...tables, SFU_SUBNETS: 'subnet-1, subnet-2,', TOKEN_PRIVATE_KEY: Buffer.from(pem).toString('base64') });
    expect(cfg.ecs.subnets).toEqual(['subnet-1', 'subnet-2']);
    expect(cfg.tokens.privateKeyPem).toBe(pem);
  });
});

describe('local stack config', () => {
  it('defaults to port 8080 on loopback and the werift SFU task', () => {
    const cfg = loadLocalConfig({});
    expect(cfg.port).toBe(8080);
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.sfuTaskCommand).toBeUndefined(); // the stack bundles the SFU task and runs that
    expect(cfg.wsIdleMs).toBe(600_000);
    expect(cfg.wsMaxMs).toBe(7_200_000);
  });

  it('rejects a bad port; a blank task command is the bundled task, another one is split on spaces', () => {
    expect(() => loadLocalConfig({ PORT: 'eighty' })).toThrow(/PORT must be a port number/);
    expect(loadLocalConfig({ SFU_TASK_COMMAND: '   ' }).sfuTaskCommand).toBeUndefined();
    expect(loadLocalConfig({ SFU_TASK_COMMAND: 'node  --import tsx sfu-task/src/main.ts' }).sfuTaskCommand).toEqual(['node', '--import', 'tsx', 'sfu-task/src/main.ts']);
    expect(() => loadLocalConfig({ WS_IDLE_SECONDS: '0' })).toThrow(/WS_IDLE_SECONDS must be a positive number/);
  });

  it('MEDIASOUP_IO_URING for the SFU tasks: unset leaves theirs, on or off passed on, anything else refused', () => {
    expect(loadLocalConfig({}).mediasoupIoUring).toBeUndefined();
    expect(loadLocalConfig({ MEDIASOUP_IO_URING: 'Off' }).mediasoupIoUring).toBe('off');
    expect(loadLocalConfig({ MEDIASOUP_IO_URING: 'on' }).mediasoupIoUring).toBe('on');
    expect(() => loadLocalConfig({ MEDIASOUP_IO_URING: 'false' })).toThrow(/MEDIASOUP_IO_URING must be "on" or "off"/);
  });

  it('takes sign-in settings for config.json: issuer and client id together, a default scope', () => {
    expect(loadLocalConfig({}).signIn).toBeUndefined();
    expect(loadLocalConfig({ SIGN_IN_ISSUER: 'https://login.example.com/realms/staff', SIGN_IN_CLIENT_ID: 'web' }).signIn).toEqual({
      issuer: 'https://login.example.com/realms/staff',
      clientId: 'web',
      scope: 'openid profile email',
    });
    expect(loadLocalConfig({ SIGN_IN_ISSUER: 'https://idp', SIGN_IN_CLIENT_ID: 'web', SIGN_IN_SCOPE: 'openid org' }).signIn?.scope).toBe('openid org');
    expect(() => loadLocalConfig({ SIGN_IN_ISSUER: 'https://idp' })).toThrow(/SIGN_IN_ISSUER and SIGN_IN_CLIENT_ID go together/);
    expect(() => loadLocalConfig({ SIGN_IN_CLIENT_ID: 'web' })).toThrow(/go together/);
    expect(() => loadLocalConfig({ SIGN_IN_ISSUER: 'login.example.com', SIGN_IN_CLIENT_ID: 'web' })).toThrow(/SIGN_IN_ISSUER must be a URL/);
    expect(() => loadLocalConfig({ CALL_SWEEP_INTERVAL_SECONDS: '-1' })).toThrow(/CALL_SWEEP_INTERVAL_SECONDS must be a positive number/);
  });
});
