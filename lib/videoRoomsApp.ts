/**
 * The whole system as CDK stacks, in deploy order:
 *
 *   Data (tables) · TokenKey (KMS) · Sfu (VPC, cluster, task definition) · SignIn (Cognito, if signIn=cognito)
 *     -> Api (HTTP API + WebSocket API + handlers)
 *       -> WarmPool (scheduled reconciler) · Web (S3 + CloudFront + config.json) · Monitoring
 *
 * Stacks are environment-agnostic (no account or region is baked in): `cdk deploy` targets the
 * credentials' account and region, and `cdk synth` needs neither.
 */
import { type App, CfnOutput, Fn, type StackProps } from 'aws-cdk-lib';
import { ApiStack } from './stacks/apiStack.ts';
import { DataStack } from './stacks/dataStack.ts';
import { MonitoringStack } from './stacks/monitoringStack.ts';
import { SFU_CONTAINER_NAME, SfuStack } from './stacks/sfuStack.ts';
import { SignInStack } from './stacks/signInStack.ts';
import { TokenKeyStack } from './stacks/tokenKeyStack.ts';
import { WarmPoolStack } from './stacks/warmPoolStack.ts';
import { WebStack } from './stacks/webStack.ts';
import type { Settings } from './settings.ts';

export interface VideoRoomsStacks {
  data: DataStack;
  tokenKey: TokenKeyStack;
  sfu: SfuStack;
  api: ApiStack;
  warmPool: WarmPoolStack;
  web: WebStack;
  monitoring: MonitoringStack;
  /** signIn=cognito only: the user pool people sign in with. */
  signIn?: SignInStack;
}

export interface VideoRoomsAppOptions {
  /** The web client's directory (default: web/dist when built, else a placeholder page). */
  readonly webClientDirectory?: string;
}

export function createVideoRoomsApp(app: App, settings: Settings, options: VideoRoomsAppOptions = {}): VideoRoomsStacks {
  const prefix = settings.stackPrefix;
  const common = (description: string): StackProps => ({ description: `${prefix}: ${description}`, tags: { project: prefix } });

  const data = new DataStack(app, `${prefix}-Data`, { ...common('DynamoDB tables'), settings });
  const tokenKey = new TokenKeyStack(app, `${prefix}-TokenKey`, { ...common('KMS key that signs tokens'), settings });
  const sfu = new SfuStack(app, `${prefix}-Sfu`, { ...common('SFU media servers: VPC, ECS cluster, Fargate task'), settings });
  const signIn = settings.signIn === 'cognito' ? new SignInStack(app, `${prefix}-SignIn`, { ...common('Cognito user pool people sign in with'), settings }) : undefined;

  const api = new ApiStack(app, `${prefix}-Api`, {
    ...common('HTTP API, WebSocket API and their Lambda handlers'),
    settings,
    targets: { tables: data.tables, tokenKey: tokenKey.key, eventSealKey: tokenKey.eventSealKey, sfu: sfu.taskTarget },
    sfu: {
      clusterArn: sfu.cluster.clusterArn,
      taskDefinitionArn: sfu.taskDefinition.taskDefinitionArn,
      containerName: SFU_CONTAINER_NAME,
      subnetIds: sfu.subnets.map((s) => s.subnetId),
      securityGroupIds: [sfu.securityGroup.securityGroupId],
    },
    ...(signIn && { cognito: signIn.cognito }),
  });

  // The reconciler posts events to connections from another stack: it imports the WebSocket API id
  // through a named export, so that its grant (and that grant's cdk-nag acknowledgement) reads the same
  // before and after CDK resolves cross-stack references.
  const webSocketApiIdExport = `${prefix}-WebSocketApiId`;
  new CfnOutput(api, 'WebSocketApiIdExport', { value: api.signaling.api.apiId, exportName: webSocketApiIdExport });
  const warmPool = new WarmPoolStack(app, `${prefix}-WarmPool`, {
    ...common('warm-pool reconciler on a schedule'),
    settings,
    targets: {
      tables: data.tables,
      tokenKey: tokenKey.key,
      eventSealKey: tokenKey.eventSealKey,
      sfu: sfu.taskTarget,
      connections: { api: { apiId: Fn.importValue(webSocketApiIdExport) }, stageName: api.signaling.stage.stageName },
    },
    environment: api.handlerEnvironment,
  });
  warmPool.addStackDependency(api);

  const web = new WebStack(app, `${prefix}-Web`, {
    ...common('web client: S3, CloudFront, config.json'),
    settings,
    httpApiUrl: api.http.url,
    webSocketUrl: api.signaling.url,
    ...(signIn && { userPool: signIn.userPool }),
    ...(options.webClientDirectory && { clientDirectory: options.webClientDirectory }),
  });

  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    ...common('alarms and dashboard'),
    settings,
    functions: { ...api.functions, ...warmPool.functions },
    httpApi: api.http.api,
    webSocketApi: api.signaling.api,
    webSocketStage: api.signaling.stage.stageName,
    clusterName: sfu.clusterName,
  });

  return { data, tokenKey, sfu, api, warmPool, web, monitoring, ...(signIn && { signIn }) };
}
