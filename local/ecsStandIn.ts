/**
 * Local stand-in for ECS: speaks the JSON 1.1 protocol of RunTask / StopTask / DescribeTasks, so the
 * unchanged `@aws-sdk/client-ecs` reaches it through an endpoint override. Each task is a child
 * process (the SFU task command) in its own process group, with the container overrides' environment.
 * When a task process exits, the stand-in delivers EventBridge's "ECS Task State Change" event
 * (lastStatus STOPPED) to `onTaskStopped`, as the rule on the SFU cluster does in AWS.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const MAX_REQUEST_BYTES = 256 * 1024;

type TaskStatus = 'PENDING' | 'RUNNING' | 'STOPPED';

interface LocalTask {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerName: string;
  startedBy?: string;
  tags: { key?: string; value?: string }[];
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  exitCode?: number | null;
  child?: ChildProcess;
  exited: Promise<void>;
}

export interface EcsStandInOptions {
  /** Command line of the SFU task (argv). */
  command: string[];
  /** Registered task definition families; RunTask of any other fails as ECS's does. */
  taskDefinitions: string[];
  cwd: string;
  /** Environment of the task definition, under the container overrides. */
  taskEnvironment: Record<string, string>;
  stopGraceMs: number;
  logger: Logger;
  /** Gets the ECS Task State Change event of each task that stopped (the EventBridge rule's target in AWS). */
  onTaskStopped?: (event: TaskStateChange) => Promise<void>;
}

/** EventBridge's ECS Task State Change event, as AWS sends it for a stopped task (the fields that matter). */
export interface TaskStateChange {
  version: '0';
  id: string;
  'detail-type': 'ECS Task State Change';
  source: 'aws.ecs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  /** DescribeTasks' task, with ISO timestamps (EventBridge's form, not the JSON API's epoch seconds). */
  detail: Omit<ReturnType<typeof describe>, 'createdAt' | 'startedAt' | 'stoppedAt'> & { createdAt: string; startedAt?: string; stoppedAt?: string };
}

class EcsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class EcsStandIn {
  private readonly tasks = new Map<string, LocalTask>();
  private server: Server | undefined;

  constructor(private readonly options: EcsStandInOptions) {}

  /** Listens on 127.0.0.1 and returns the endpoint URL. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Pids of task processes still running (each leads its own process group). */
  runningPids(): number[] {
    return [...this.tasks.values()].flatMap((t) => (t.lastStatus !== 'STOPPED' && t.child?.pid ? [t.child.pid] : []));
  }

  /** Stops every task (SIGTERM, then SIGKILL after the grace period) and closes the endpoint. */
  async close(): Promise<void> {
    await Promise.all([...this.tasks.values()].map((task) => this.stopTask(task, 'local stack shutting down')));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
        throw new EcsError('InvalidAction', `unsupported request ${req.method} ${target || '(no x-amz-target)'}`);
      }
      const input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      const action = target.slice(TARGET_PREFIX.length);
      let output: unknown;
      if (action === 'RunTask') output = this.runTask(input);
      else if (action === 'StopTask') output = await this.stopTaskAction(input);
      else if (action === 'DescribeTasks') output = this.describeTasks(input);
      else throw new EcsError('InvalidAction', `the local ECS stand-in does not implement ${action}`);
      send(res, 200, output);
    } catch (error) {
      const e = error instanceof EcsError ? error : new EcsError('ClientException', (error as Error).message);
      send(res, 400, { __type: e.type, message: e.message }, { 'x-amzn-errortype': e.type });
    }
  }

  private runTask(input: Record<string, unknown>) {
    const cluster = stringField(input, 'cluster') ?? 'default';
    const taskDefinition = stringField(input, 'taskDefinition');
    if (!taskDefinition) throw new EcsError('InvalidParameterException', 'taskDefinition is required');
    const family = taskDefinition.split('/').pop()!.split(':')[0]!;
    if (!this.options.taskDefinitions.includes(family)) {
      throw new EcsError('ClientException', 'Unable to describe task definition.');
    }
    const overrides = (input.overrides ?? {}) as {
      containerOverrides?: { name?: string; environment?: { name?: string; value?: string }[] }[];
    };
    const container = overrides.containerOverrides?.[0];
    const environment: Record<string, string> = {};
    for (const { name, value } of container?.environment ?? []) if (name) environment[name] = value ?? '';

    const id = randomUUID().replaceAll('-', '');
    const clusterName = cluster.split('/').pop() ?? cluster;
    const task: LocalTask = {
      taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${clusterName}/${id}`,
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${clusterName}`,
      taskDefinitionArn: taskDefinition.startsWith('arn:')
        ? taskDefinition
        : `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${taskDefinition}`,
      containerName: container?.name ?? 'sfu',
      startedBy: stringField(input, 'startedBy'),
      tags: (input.tags as LocalTask['tags']) ?? [],
      lastStatus: 'PENDING',
      desiredStatus: 'RUNNING',
      createdAt: Date.now() / 1000,
      exited: Promise.resolve(),
    };
    this.tasks.set(task.taskArn, task);
    this.launch(task, environment);
    return { tasks: [describe(task)], failures: [] };
  }

  private launch(task: LocalTask, overrides: Record<string, string>): void {
    const [command, ...args] = this.options.command;
    const base: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'NODE_OPTIONS']) {
      const value = process.env[key];
      if (value !== undefined) base[key] = value;
    }
    const log = { taskArn: task.taskArn, roomId: overrides.ROOM_ID };
    const child = spawn(command!, args, {
      cwd: this.options.cwd,
      env: { ...base, ...this.options.taskEnvironment, ...overrides, ECS_TASK_ARN: task.taskArn },
      detached: true, // own process group, so that stopping the task stops its children too
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    task.child = child;
    task.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        // the essential container exited: as in ECS, the rest of the task (its process group) goes too
        if (child.pid) signalGroup(child.pid, 'SIGKILL');
        task.lastStatus = 'STOPPED';
        task.desiredStatus = 'STOPPED';
        task.stoppedAt = Date.now() / 1000;
        task.exitCode = code;
        task.stopCode ??= 'EssentialContainerExited';
        task.stoppedReason ??= `Essential container in task exited (${code ?? signal})`;
        this.options.logger.info('task stopped', { ...log, exitCode: code, signal });
        resolve();
        this.announceStopped(task);
      });
    });
    child.once('spawn', () => {
      if (task.lastStatus === 'PENDING') {
        task.lastStatus = 'RUNNING';
        task.startedAt = Date.now() / 1000;
        this.options.logger.info('task running', { ...log, pid: child.pid });
      }
    });
    child.once('error', (error) => {
      // Spawn failed (command not found): the task stops, as a task whose image cannot start does.
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      task.stoppedAt = Date.now() / 1000;
      task.stopCode = 'TaskFailedToStart';
      task.stoppedReason = `CannotStartContainerError: ${error.message}`;
      this.options.logger.error('task failed to start', { ...log, error });
      this.announceStopped(task);
    });
  }

  private async stopTaskAction(input: Record<string, unknown>) {
    const arn = stringField(input, 'task');
    const task = arn ? this.findTask(arn) : undefined;
    if (!task) throw new EcsError('InvalidParameterException', `The referenced task was not found: ${arn ?? '(none)'}`);
    await this.stopTask(task, stringField(input, 'reason') ?? 'Task stopped by user', false);
    return { task: describe(task) };
  }

  private describeTasks(input: Record<string, unknown>) {
    const arns = Array.isArray(input.tasks) ? (input.tasks as unknown[]).map(String) : [];
    const found: LocalTask[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const arn of arns) {
      const task = this.findTask(arn);
      if (task) found.push(task);
      else failures.push({ arn, reason: 'MISSING' });
    }
    return { tasks: found.map(describe), failures };
  }

  /** The task's STOPPED state change, to `onTaskStopped` (as EventBridge delivers it: after the fact, errors only logged). */
  private announceStopped(task: LocalTask): void {
    const onTaskStopped = this.options.onTaskStopped;
    if (!onTaskStopped) return;
    const event: TaskStateChange = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: [task.taskArn],
      detail: { ...describe(task), createdAt: iso(task.createdAt)!, startedAt: iso(task.startedAt), stoppedAt: iso(task.stoppedAt) },
    };
    onTaskStopped(event).catch((error: unknown) =>
      this.options.logger.error('task state change handler failed', { taskArn: task.taskArn, error: error as Error }),
    );
  }

  /** Accepts a full ARN or a bare task id, as ECS does. */
  private findTask(ref: string): LocalTask | undefined {
    return this.tasks.get(ref) ?? [...this.tasks.values()].find((t) => t.taskArn.endsWith(`/${ref}`));
  }

  private async stopTask(task: LocalTask, reason: string, wait = true): Promise<void> {
    if (task.lastStatus === 'STOPPED' || !task.child?.pid) return;
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'UserInitiated';
    task.stoppedReason = reason;
    const pid = task.child.pid;
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), this.options.stopGraceMs);
    const done = task.exited.then(() => {
      clearTimeout(timer);
      signalGroup(pid, 'SIGKILL'); // anything the task left behind in its group
    });
    if (wait) await done;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

function describe(task: LocalTask) {
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: 'FARGATE',
    startedBy: task.startedBy,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    stoppedAt: task.stoppedAt,
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    tags: task.tags,
    containers: [
      {
        name: task.containerName,
        taskArn: task.taskArn,
        lastStatus: task.lastStatus,
        ...(task.exitCode !== undefined && task.exitCode !== null && { exitCode: task.exitCode }),
      },
    ],
  };
}

const iso = (epochSeconds: number | undefined) => (epochSeconds === undefined ? undefined : new Date(epochSeconds * 1000).toISOString());

function stringField(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) reject(new EcsError('ClientException', 'request too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
