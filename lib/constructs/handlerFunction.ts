/**
 * One Lambda function per handler of lib/routes.ts: Node 22 on arm64, bundled by the locally
 * installed esbuild (never Docker) into an ES module with source maps, with its own log group and a
 * role that starts with nothing but writing to that log group. What else the role may do is granted
 * from the route's `access` (see handlerAccess.ts).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { REPO_ROOT, repoPath } from '../paths.ts';

export const HANDLER_RUNTIME = Runtime.NODEJS_22_X;
export const HANDLER_ARCHITECTURE = Architecture.ARM_64;
/** Memory of every handler function unless its props say otherwise (none does today; the cost model reads it). */
export const HANDLER_MEMORY_MIB = 512;

/**
 * esbuild's ESM output has no `require`; bundled CommonJS dependencies (parts of the AWS SDK) call
 * it for Node built-ins, so the bundle defines one.
 */
const ESM_REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface HandlerFunctionProps {
  /** Handler name from lib/routes.ts: the function's logical id. */
  readonly name: string;
  /** Entry file from lib/routes.ts, relative to the repository root. */
  readonly entry: string;
  /** What invokes it (`GET /getRoomId`, `WebSocket identify`, `every 60 s`), for the console. */
  readonly trigger: string;
  readonly environment: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.name} (${props.entry}): logs, plus what lib/routes.ts grants it`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: repoPath(props.entry),
      handler: 'handler',
      description: `${props.trigger}: ${props.entry}`,
      runtime: HANDLER_RUNTIME,
      architecture: HANDLER_ARCHITECTURE,
      memorySize: props.memorySize ?? HANDLER_MEMORY_MIB,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        // The SDK clients are pinned in package.json; ship those versions, not the runtime's.
        bundleAwsSDK: true,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        tsconfig: repoPath('tsconfig.json'),
        logLevel: LogLevel.ERROR,
      },
    });
    // The logical id is the handler's name in lib/routes.ts, so a route and its function read alike.
    (this.function.node.defaultChild as CfnFunction).overrideLogicalId(props.name);
    acknowledge(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason: 'Node.js 22 is the runtime this project targets (issue #6, the local stack and CI run the same major); moving to a newer runtime is a deliberate upgrade, not a deploy-time surprise.',
      },
    ]);
  }
}
