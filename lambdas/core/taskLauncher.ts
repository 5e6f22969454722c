/**
 * Starts and stops SFU tasks. In AWS this is ECS RunTask on Fargate; locally the same client
 * talks to the local ECS stand-in through the endpoint override, so the code path is the same.
 */
import { ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import type { LambdaConfig } from './config.ts';

/** RunTask's `startedBy` of a room's task is this + the room id: a stopped task's event finds its room by it. */
export const TASK_STARTED_BY_PREFIX = 'room-';

export interface TaskSpec {
  roomId: string;
  sfuId: string;
  /** Environment of the SFU container (the container override). */
  environment: Record<string, string>;
}

export interface TaskLauncher {
  /** Resolves with the task ARN; rejects when the task could not be started. */
  start(spec: TaskSpec): Promise<string>;
  stop(taskArn: string, reason: string): Promise<void>;
}

export class EcsTaskLauncher implements TaskLauncher {
  constructor(
    private readonly ecs: ECSClient,
    private readonly settings: LambdaConfig['ecs'],
  ) {}

  async start(spec: TaskSpec): Promise<string> {
    const { cluster, taskDefinition, containerName, subnets, securityGroups } = this.settings;
    const out = await this.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: `${TASK_STARTED_BY_PREFIX}${spec.roomId}`.slice(0, 128),
        ...(subnets.length > 0 && {
          networkConfiguration: {
            awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: 'ENABLED' },
          },
        }),
        overrides: {
          containerOverrides: [
            {
              name: containerName,
              environment: Object.entries(spec.environment).map(([name, value]) => ({ name, value })),
            },
          ],
        },
        tags: [
          { key: 'roomId', value: spec.roomId },
          { key: 'sfuId', value: spec.sfuId },
        ],
      }),
    );
    const taskArn = out.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const failure = out.failures?.[0];
      throw new Error(`RunTask started no task: ${failure?.reason ?? 'no reason given'} ${failure?.detail ?? ''}`.trim());
    }
    return taskArn;
  }

  async stop(taskArn: string, reason: string): Promise<void> {
    await this.ecs.send(new StopTaskCommand({ cluster: this.settings.cluster, task: taskArn, reason }));
  }
}
