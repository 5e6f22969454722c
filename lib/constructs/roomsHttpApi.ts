/**
 * The HTTP API (control plane): an API Gateway HTTP API whose routes are lib/routes.ts `httpRoutes`,
 * each to its own Lambda function (payload format 2.0, as the local gateway emits), a `$default`
 * stage with access logs and throttling, and a tighter throttle on PUT /createRoom (each call may
 * start a Fargate task).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.ts';
import { Construct } from 'constructs';
import type { HttpRoute } from '../routes.ts';

export interface RoomsHttpApiProps {
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Per-route throttles, by route key (`PUT /createRoom`). */
  readonly routeThrottles?: Readonly<Record<string, { readonly rateLimit: number; readonly burstLimit: number }>>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export const routeKeyOf = (route: Pick<HttpRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

export class RoomsHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** https://{api}.execute-api.{region}.amazonaws.com (no trailing slash): also the token issuer. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RoomsHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Video rooms control plane (routes: lib/routes.ts httpRoutes)',
      createDefaultStage: false,
      // Bearer tokens, not cookies: any origin may call it (the site is on CloudFront's domain).
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['content-type', 'authorization'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    if (props.routeThrottles) {
      // RouteSettings is untyped JSON in the L1: CloudFormation's own (Pascal case) keys.
      (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
        Object.entries(props.routeThrottles).map(([key, t]) => [key, { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit }]),
      );
    }
    this.url = this.api.apiEndpoint;
  }

  /** Adds `route` with `handler` behind it. */
  addRoute(route: HttpRoute, handler: IFunction): void {
    const [httpRoute] = this.api.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${route.name}Integration`, handler),
    });
    if (httpRoute) {
      acknowledge(httpRoute, [
        {
          id: 'AwsSolutions-APIG4',
          reason: 'Public control-plane route by design (the site calls it before anyone has a token); handlers validate input and issue or check tokens themselves, and the stage is throttled.',
        },
      ]);
    }
  }
}
