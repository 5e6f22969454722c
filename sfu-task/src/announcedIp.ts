/**
 * The address the SFU puts in its ICE candidates. ANNOUNCED_IP when set (127.0.0.1 locally);
 * in Fargate (unset) the task's public IP: the ECS task metadata v4 (`$ECS_CONTAINER_METADATA_URI_V4/task`)
 * names the cluster, the task and its private address; the task's ENI attachment (ECS DescribeTasks)
 * names the network interface, whose association holds the public IP (EC2 DescribeNetworkInterfaces).
 * The task metadata has no public IP of its own. Without one (a private subnet), the private address
 * is announced, with a warning.
 */
import { z } from 'zod';

const taskMetadataSchema = z.object({
  Cluster: z.string(),
  TaskARN: z.string(),
  AvailabilityZone: z.string().optional(),
  Containers: z
    .array(
      z.object({
        Networks: z
          .array(z.object({ NetworkMode: z.string().optional(), IPv4Addresses: z.array(z.string()).optional() }))
          .optional(),
      }),
    )
    .default([]),
});

export interface TaskMetadata {
  cluster: string;
  taskArn: string;
  /** The task's private IPv4 address (awsvpc). */
  privateIp: string | undefined;
  /** e.g. us-east-1a: its region is the task's region. */
  availabilityZone: string | undefined;
}

export function parseTaskMetadata(json: unknown): TaskMetadata {
  const parsed = taskMetadataSchema.safeParse(json);
  if (!parsed.success) throw new Error(`unexpected ECS task metadata: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = parsed.data;
  const privateIp = m.Containers.flatMap((c) => c.Networks ?? []).flatMap((n) => n.IPv4Addresses ?? [])[0];
  return { cluster: m.Cluster, taskArn: m.TaskARN, privateIp, availabilityZone: m.AvailabilityZone };
}

/** The ENI id of a task from its DescribeTasks attachments. */
export function eniIdOfTask(task: { attachments?: { type?: string; details?: { name?: string; value?: string }[] }[] }): string | undefined {
  const eni = task.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  return eni?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
}

export interface AnnouncedIpDeps {
  fetchJson: (url: string) => Promise<unknown>;
  /** The public IP of the task's ENI, undefined if it has none. */
  publicIpOf: (metadata: TaskMetadata) => Promise<string | undefined>;
  warn: (message: string, extra?: Record<string, unknown>) => void;
}

export async function resolveAnnouncedIp(
  config: { announcedIp: string | undefined; ecsMetadataUri: string | undefined },
  deps: AnnouncedIpDeps,
): Promise<string> {
  if (config.announcedIp) return config.announcedIp;
  if (!config.ecsMetadataUri) throw new Error('ANNOUNCED_IP is unset and there is no ECS task metadata endpoint');
  const metadata = parseTaskMetadata(await deps.fetchJson(`${config.ecsMetadataUri.replace(/\/$/, '')}/task`));
  const publicIp = await deps.publicIpOf(metadata);
  if (publicIp) return publicIp;
  if (!metadata.privateIp) throw new Error('the task has neither a public nor a private IPv4 address');
  deps.warn('the task has no public IP: announcing its private address', { privateIp: metadata.privateIp });
  return metadata.privateIp;
}

/** The real lookups: HTTP GET of the metadata endpoint, ECS DescribeTasks, EC2 DescribeNetworkInterfaces. */
export function awsAnnouncedIpDeps(warn: AnnouncedIpDeps['warn']): AnnouncedIpDeps {
  return {
    async fetchJson(url) {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
      return response.json();
    },
    async publicIpOf(metadata) {
      // Loaded only in ECS: a local SFU starts without the AWS SDK.
      const { DescribeTasksCommand, ECSClient } = await import('@aws-sdk/client-ecs');
      const { DescribeNetworkInterfacesCommand, EC2Client } = await import('@aws-sdk/client-ec2');
      const region = process.env.AWS_REGION ?? metadata.availabilityZone?.replace(/[a-z]$/, '');
      const ecs = new ECSClient({ region });
      const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: metadata.cluster, tasks: [metadata.taskArn] }));
      const eniId = tasks?.[0] ? eniIdOfTask(tasks[0]) : undefined;
      if (!eniId) return undefined;
      const ec2 = new EC2Client({ region });
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
      return NetworkInterfaces?.[0]?.Association?.PublicIp;
    },
    warn,
  };
}
