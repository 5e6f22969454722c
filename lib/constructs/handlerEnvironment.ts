/**
 * The environment of every handler in AWS: the variables lambdas/core/config.ts reads, with the
 * deployed resources' names and URLs. Every function gets the same environment (one code path); what
 * a function may actually reach is decided by its IAM role, not by which variables it sees.
 * DYNAMODB_ENDPOINT and ECS_ENDPOINT stay unset: the SDK's regional endpoints are the real ones.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Settings } from '../settings.ts';
import type { TrustedIssuer } from '../signIn.ts';
import { type TableId, tableList } from '../tables.ts';

export interface HandlerEnvironmentProps {
  readonly tables: Readonly<Record<TableId, ITable>>;
  /** https://{api}.execute-api.{region}.amazonaws.com/{stage}: the WebSocket API's @connections endpoint. */
  readonly wsManagementEndpoint: string;
  /** wss://{api}.execute-api.{region}.amazonaws.com/{stage}: what SFU tasks connect to. */
  readonly signalingUrl: string;
  /** The HTTP API's URL: `iss` of the tokens, JWKS at {issuer}/.well-known/jwks.json. */
  readonly tokenIssuer: string;
  readonly tokenKeyArn: string;
  /** The KMS HMAC key behind the seal of stored masked events. */
  readonly eventSealKeyArn: string;
  readonly sfu: {
    readonly clusterArn: string;
    readonly taskDefinitionArn: string;
    readonly containerName: string;
    readonly subnetIds: readonly string[];
    readonly securityGroupIds: readonly string[];
  };
  readonly settings: Settings;
  /** Token issuers besides this deployment: externalIssuers and the sign-in provider (lib/signIn.ts). */
  readonly trustedIssuers: readonly TrustedIssuer[];
}

export function handlerEnvironment(props: HandlerEnvironmentProps): Record<string, string> {
  const { settings, sfu } = props;
  return {
    ...Object.fromEntries(tableList.map((def) => [def.envVar, props.tables[def.id].tableName])),
    WS_MANAGEMENT_ENDPOINT: props.wsManagementEndpoint,
    SIGNALING_URL: props.signalingUrl,
    TOKEN_ISSUER: props.tokenIssuer,
    TOKEN_SIGNER: 'kms',
    TOKEN_KMS_KEY_ID: props.tokenKeyArn,
    EVENT_SEAL_KMS_KEY_ID: props.eventSealKeyArn,
    ECS_CLUSTER: sfu.clusterArn,
    SFU_TASK_DEFINITION: sfu.taskDefinitionArn,
    SFU_CONTAINER_NAME: sfu.containerName,
    SFU_SUBNETS: sfu.subnetIds.join(','),
    SFU_SECURITY_GROUPS: sfu.securityGroupIds.join(','),
    WARM_ROOMS: String(settings.warmRooms),
    MAX_ROOMS: String(settings.maxRooms),
    ROOM_IDLE_SECONDS: String(settings.roomIdleSeconds),
    ...(settings.anonymousMaxRooms !== '' && { ANONYMOUS_MAX_ROOMS: String(settings.anonymousMaxRooms) }),
    ...(props.trustedIssuers.length > 0 && { EXTERNAL_ISSUERS: JSON.stringify(props.trustedIssuers) }),
    ...(settings.siteUrl !== '' && { SITE_URL: settings.siteUrl }),
  };
}
