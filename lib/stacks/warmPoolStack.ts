/**
 * The background handlers: lib/routes.ts `scheduledJobs` (the warm-pool reconciler, the sweeps), one
 * function each, invoked by an EventBridge rule at the job's interval (a missed run is not retried:
 * the next one comes within the interval and does the same work); and `eventHandlers`, invoked by an
 * EventBridge rule on the events they name (the SFU cluster's stopped tasks), retried twice.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { type AccessTargets, grantRouteAccess } from '../constructs/handlerAccess.ts';
import { HandlerFunction } from '../constructs/handlerFunction.ts';
import { eventHandlers, type ScheduledJob, scheduledJobs } from '../routes.ts';
import { removalPolicyOf, type Settings } from '../settings.ts';

export interface WarmPoolStackProps extends StackProps {
  readonly settings: Settings;
  readonly targets: AccessTargets;
  /** The same environment as the API handlers (ApiStack.handlerEnvironment). */
  readonly environment: Readonly<Record<string, string>>;
}

/** EventBridge rates are whole minutes. */
export function scheduleOf(job: ScheduledJob): Schedule {
  if (job.everySeconds < 60 || job.everySeconds % 60 !== 0) {
    throw new Error(`${job.name}: EventBridge schedules whole minutes, everySeconds=${job.everySeconds} is not one`);
  }
  return Schedule.rate(Duration.minutes(job.everySeconds / 60));
}

export class WarmPoolStack extends Stack {
  readonly functions: Readonly<Record<string, NodejsFunction>>;

  constructor(scope: Construct, id: string, props: WarmPoolStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const functions: Record<string, NodejsFunction> = {};
    for (const job of scheduledJobs) {
      const handler = new HandlerFunction(this, job.name, {
        name: job.name,
        entry: job.entry,
        trigger: `every ${job.everySeconds} s`,
        environment: { ...props.environment },
        // A run may start several rooms; it must end before the next one starts.
        timeout: Duration.seconds(Math.min(job.everySeconds - 5, 120)),
        logRetention: settings.logRetentionDays,
        removalPolicy: removalPolicyOf(settings),
      });
      handler.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(job.everySeconds) });
      grantRouteAccess(handler.role, job.name, job.access, props.targets);
      new Rule(this, `${job.name}Schedule`, {
        description: `Runs ${job.name} (${job.entry}) every ${job.everySeconds} s`,
        schedule: scheduleOf(job),
        targets: [new LambdaFunction(handler.function, { retryAttempts: 0, maxEventAge: Duration.seconds(job.everySeconds) })],
      });
      functions[job.name] = handler.function;
    }
    for (const eventHandler of eventHandlers) {
      const handler = new HandlerFunction(this, eventHandler.name, {
        name: eventHandler.name,
        entry: eventHandler.entry,
        trigger: 'SFU task stopped (ECS Task State Change)',
        environment: { ...props.environment },
        timeout: Duration.seconds(30),
        logRetention: settings.logRetentionDays,
        removalPolicy: removalPolicyOf(settings),
      });
      grantRouteAccess(handler.role, eventHandler.name, eventHandler.access, props.targets);
      new Rule(this, `${eventHandler.name}Rule`, {
        description: `Runs ${eventHandler.name} (${eventHandler.entry}) when an SFU task stops`,
        eventPattern: {
          source: ['aws.ecs'],
          detailType: ['ECS Task State Change'],
          detail: { clusterArn: [props.targets.sfu.clusterArn], lastStatus: ['STOPPED'] },
        },
        targets: [new LambdaFunction(handler.function, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
      });
      functions[eventHandler.name] = handler.function;
    }
    this.functions = functions;
  }
}
