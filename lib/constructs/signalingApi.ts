/**
 * The WebSocket API (signaling plane): routes are lib/routes.ts `wsRoutes` (route selection on
 * `$request.body.action`), each to its own Lambda function, and one auto-deployed stage with access
 * logs and throttling. Its management endpoint is what handlers post frames to.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.ts';
import { Construct } from 'constructs';
import type { WsRoute } from '../routes.ts';

export const SIGNALING_STAGE = 'live';

export interface SignalingApiProps {
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class SignalingApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  /** wss://{api}.execute-api.{region}.amazonaws.com/live */
  readonly url: string;
  /** https://{api}.execute-api.{region}.amazonaws.com/live: the @connections management endpoint. */
  readonly managementEndpoint: string;

  constructor(scope: Construct, id: string, props: SignalingApiProps) {
    super(scope, id);
    this.api = new WebSocketApi(this, 'Api', {
      description: 'Video rooms signaling (routes: lib/routes.ts wsRoutes)',
      routeSelectionExpression: '$request.body.action',
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: SIGNALING_STAGE,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    this.url = this.stage.url;
    this.managementEndpoint = this.stage.callbackUrl;
  }

  addRoute(route: WsRoute, handler: IFunction): void {
    const wsRoute = this.api.addRoute(route.routeKey, { integration: new WebSocketLambdaIntegration(`${route.name}Integration`, handler) });
    acknowledge(wsRoute, [
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Browsers cannot send headers on a WebSocket: $connect checks the token from the query string in its handler, and every other route acts only for a connection that passed it.',
      },
    ]);
  }
}
