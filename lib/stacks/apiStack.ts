/**
 * The two APIs and their handlers: the HTTP API (control plane) and the WebSocket API (signaling).
 * They share one stack because each side's handlers need the other's URL: tokens are issued by the
 * HTTP API (its URL is the issuer that $connect verifies against), and rooms started over HTTP are
 * told the WebSocket URL. Two stacks importing from each other cannot be deployed.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { type AccessTargets, grantRouteAccess } from '../constructs/handlerAccess.ts';
import { handlerEnvironment, type HandlerEnvironmentProps } from '../constructs/handlerEnvironment.ts';
import { HandlerFunction } from '../constructs/handlerFunction.ts';
import { RoomsHttpApi, routeKeyOf } from '../constructs/roomsHttpApi.ts';
import { SignalingApi } from '../constructs/signalingApi.ts';
import { httpRoutes, type RouteAccess, wsRoutes } from '../routes.ts';
import { removalPolicyOf, type Settings } from '../settings.ts';
import { type CognitoSignIn, trustedIssuers } from '../signIn.ts';

export interface ApiStackProps extends StackProps {
  readonly settings: Settings;
  /** Tables, token key and SFU task: what handlers are granted on. */
  readonly targets: Omit<AccessTargets, 'connections'>;
  readonly sfu: HandlerEnvironmentProps['sfu'];
  /** signIn=cognito: the user pool whose tokens the API trusts. */
  readonly cognito?: CognitoSignIn;
}

/** RunTask can take a few seconds; everything else is a handful of DynamoDB calls. */
export const handlerTimeout = (access: RouteAccess) => Duration.seconds(access.runsTasks ? 20 : 10);

export class ApiStack extends Stack {
  readonly http: RoomsHttpApi;
  readonly signaling: SignalingApi;
  /** Every handler of this stack by its lib/routes.ts name. */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** The environment every handler gets (the warm-pool reconciler gets the same). */
  readonly handlerEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const removalPolicy = removalPolicyOf(settings);
    const throttle = { rateLimit: settings.apiRatePerSecond, burstLimit: settings.apiBurst };

    this.http = new RoomsHttpApi(this, 'Http', {
      throttle,
      routeThrottles: {
        [routeKeyOf({ method: 'PUT', path: '/createRoom' })]: { rateLimit: settings.createRoomRatePerSecond, burstLimit: settings.createRoomBurst },
      },
      logRetention: settings.logRetentionDays,
      removalPolicy,
    });
    this.signaling = new SignalingApi(this, 'WebSocket', { throttle, logRetention: settings.logRetentionDays, removalPolicy });

    this.handlerEnvironment = handlerEnvironment({
      tables: props.targets.tables,
      wsManagementEndpoint: this.signaling.managementEndpoint,
      signalingUrl: this.signaling.url,
      tokenIssuer: this.http.url,
      tokenKeyArn: props.targets.tokenKey.keyArn,
      eventSealKeyArn: props.targets.eventSealKey.keyArn,
      sfu: props.sfu,
      settings,
      trustedIssuers: trustedIssuers(settings, props.cognito),
    });
    const targets: AccessTargets = { ...props.targets, connections: this.signaling.stage };
    const functions: Record<string, NodejsFunction> = {};
    const handler = (name: string, entry: string, trigger: string, access: RouteAccess) => {
      const fn = new HandlerFunction(this, name, {
        name,
        entry,
        trigger,
        environment: this.handlerEnvironment,
        timeout: handlerTimeout(access),
        logRetention: settings.logRetentionDays,
        removalPolicy,
      });
      grantRouteAccess(fn.role, name, access, targets);
      functions[name] = fn.function;
      return fn.function;
    };

    for (const route of httpRoutes) this.http.addRoute(route, handler(route.name, route.entry, routeKeyOf(route), route.access));
    for (const route of wsRoutes) this.signaling.addRoute(route, handler(route.name, route.entry, `WebSocket ${route.routeKey}`, route.access));
    this.functions = functions;

    new CfnOutput(this, 'HttpApiUrl', { value: this.http.url, description: 'Control-plane HTTP API (also the token issuer)' });
    new CfnOutput(this, 'WebSocketUrl', { value: this.signaling.url, description: 'Signaling WebSocket API' });
  }
}
