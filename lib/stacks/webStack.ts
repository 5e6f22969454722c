/**
 * The web client: a private S3 bucket behind CloudFront (origin access control), a viewer-request
 * function that serves index.html for /<room-name> (the SPA route), and `config.json` next to the
 * client, written at deploy with the HTTP API and WebSocket URLs. The client is web/dist when it has
 * been built, otherwise a placeholder page (so the app synthesizes and deploys without it).
 */
import { existsSync } from 'node:fs';
import { CfnOutput, DefaultStackSynthesizer, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { OAuthScope, type UserPool, UserPoolClient, UserPoolClientIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import type { Construct } from 'constructs';
import { placeholderPage } from '../constructs/placeholderPage.ts';
import { repoPath } from '../paths.ts';
import { removalPolicyOf, type Settings } from '../settings.ts';
import type { ClientConfig, SignInConfig } from '../../protocol/index.ts';
import { SIGN_IN_CALLBACK_PATH, SIGN_IN_SILENT_PATH } from '../../protocol/signInPaths.ts';
import { COGNITO_SCOPE, providerSignInConfig } from '../signIn.ts';

export const WEB_DIST = 'web/dist';

/** What the client reads from /config.json (the local gateway serves the same shape). */
/** The client's /config.json (its shape is the protocol's, served the same way by the local gateway). */
export type WebClientConfig = ClientConfig;

/**
 * CloudFront viewer-request function: a path whose last segment has no dot (`/`, `/my-room`) is the
 * client app; files (`/config.json`, `/assets/index-abc.js`) keep their paths.
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export interface WebStackProps extends StackProps {
  readonly settings: Settings;
  readonly httpApiUrl: string;
  readonly webSocketUrl: string;
  /** Defaults to web/dist when web/dist/index.html exists. */
  readonly clientDirectory?: string;
  /** signIn=cognito: the pool the web client's app client is made in (with this site as its callback). */
  readonly userPool?: UserPool;
}

export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly siteUrl: string;
  /** True when the deployed client is the placeholder page (web/dist was not built). */
  readonly placeholder: boolean;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const removalPolicy = removalPolicyOf(settings);
    const candidate = props.clientDirectory ?? repoPath(WEB_DIST);
    const builtClient = existsSync(`${candidate}/index.html`) ? candidate : undefined;
    this.placeholder = builtClient === undefined;

    const bucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: settings.removalPolicy === 'destroy',
    });
    acknowledge(bucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'Holds only the public static client, written by the deployment; reads come through CloudFront. Server access logs would record nothing worth their cost.',
      },
    ]);

    const spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Serves index.html for /<room-name>',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_REWRITE_CODE),
    });

    this.distribution = new Distribution(this, 'Site', {
      comment: `${settings.stackPrefix} web client`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    });
    acknowledge(this.distribution, [
      { id: 'AwsSolutions-CFR1', reason: 'Video rooms are for anyone with the link; no country is excluded.' },
      { id: 'AwsSolutions-CFR2', reason: 'Static files only; the APIs behind the client are throttled at API Gateway. Add a WAF web ACL if the site draws abuse.' },
      { id: 'AwsSolutions-CFR3', reason: 'Static public files; access logs are not needed to run the product (enable standard logging to a bucket if wanted).' },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'Served on the default *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a custom domain with its own certificate can require TLSv1.2_2021.',
      },
    ]);
    this.siteUrl = `https://${this.distribution.distributionDomainName}`;

    const signIn = props.userPool ? this.cognitoClient(props.userPool, settings) : providerSignInConfig(settings);
    const clientConfig: WebClientConfig = {
      apiUrl: props.httpApiUrl,
      webSocketUrl: props.webSocketUrl,
      iceServers: settings.turnServers,
      ...(signIn && { signIn }),
    };
    const entrySources: ISource[] = [Source.jsonData('config.json', clientConfig)];
    let files: BucketDeployment | undefined;
    if (builtClient) {
      // Everything but the entry files, cached for a day (Vite's assets are content-hashed anyway).
      files = new BucketDeployment(this, 'DeployClientFiles', {
        sources: [Source.asset(builtClient)],
        destinationBucket: bucket,
        exclude: ['index.html', 'config.json'],
        cacheControl: [CacheControl.fromString('public, max-age=86400')],
      });
      entrySources.unshift(Source.asset(builtClient));
    } else {
      entrySources.unshift(Source.data('index.html', placeholderPage(settings.stackPrefix)));
    }
    // index.html and config.json are never cached by browsers, and CloudFront is invalidated, so a
    // deploy is live at once.
    const entry = new BucketDeployment(this, 'DeployClientEntry', {
      sources: entrySources,
      destinationBucket: bucket,
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    if (files) entry.node.addDependency(files);
    acknowledgeBucketDeployment(entry, bucket);

    new CfnOutput(this, 'SiteUrl', {
      value: this.siteUrl,
      description: 'Open <SiteUrl>/<room-name> to join that room',
    });
  }

  /**
   * The web client's app client in the Cognito pool: public (no secret), authorization code with PKCE,
   * the site (and siteUrl, if set) as callback; config.json's sign-in settings for it.
   */
  private cognitoClient(userPool: UserPool, settings: Settings): SignInConfig {
    const sites = [this.siteUrl, ...(settings.siteUrl !== '' ? [settings.siteUrl] : [])];
    const client = new UserPoolClient(this, 'WebSignInClient', {
      userPool,
      userPoolClientName: `${settings.stackPrefix}-web`,
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: sites.flatMap((site) => [`${site}${SIGN_IN_CALLBACK_PATH}`, `${site}${SIGN_IN_SILENT_PATH}`]),
        logoutUrls: sites.map((site) => `${site}/`),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    new CfnOutput(this, 'SignInClientId', { value: client.userPoolClientId, description: 'The web client\'s app client in the Cognito user pool' });
    return { issuer: userPool.userPoolProviderUrl, clientId: client.userPoolClientId, scope: COGNITO_SCOPE };
  }
}

/** cdk-nag findings on the CDK-provided BucketDeployment handler (runs at deploy time only). */
function acknowledgeBucketDeployment(deployment: BucketDeployment, bucket: Bucket): void {
  const stack = Stack.of(deployment);
  const qualifier = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const assetBucket = `arn:${stack.partition}:s3:::cdk-${qualifier}-assets-${stack.account}-${stack.region}/*`;
  const why = 'CDK BucketDeployment handler (runs at deploy only): it copies the staged client from the CDK asset bucket into the site bucket, prunes old files and invalidates CloudFront';
  acknowledge(deployment.handlerRole, [
    { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${why}; the AWS-managed basic execution role only lets it write its logs.` },
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${why}; CDK grants read/write action groups, scoped to those two buckets.`,
    })),
    { id: wildcardResourceFinding(deployment, assetBucket), reason: `${why}; it reads the staged asset objects of this account's CDK asset bucket.` },
    { id: wildcardResourceFinding(deployment, `${bucket.bucketArn}/*`), reason: `${why}; it writes and prunes the objects of the site bucket.` },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: `${why}; cloudfront:CreateInvalidation / GetInvalidation do not take a resource narrower than the account.` },
  ]);
  const handler = deployment.handlerRole.node.scope;
  if (handler) {
    acknowledge(handler, [{ id: 'AwsSolutions-L1', reason: `${why}; its runtime is chosen by aws-cdk-lib and moves with it.` }]);
  }
}
