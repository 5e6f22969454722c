/**
 * The media plane: a VPC with public subnets only (SFU tasks get public IPs, so no NAT gateway), an ECS
 * cluster, the Fargate task definition of the SFU (image built from sfu-task/Dockerfile at deploy), a
 * security group open only for the SFU's media ports (werift: its UDP range; mediasoup: its WebRtcServer
 * ports, UDP and TCP), a task role with no permissions, and the tasks' log group. Tasks are started
 * per room by createRoom / the warm pool (RunTask), not by a service.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { FlowLogDestination, FlowLogTrafficType, type ISecurityGroup, type ISubnet, Peer, Port, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.ts';
import type { Construct } from 'constructs';
import type { SfuTaskTarget } from '../constructs/handlerAccess.ts';
import { REPO_ROOT } from '../paths.ts';
import { removalPolicyOf, type Settings } from '../settings.ts';

export const SFU_CONTAINER_NAME = 'sfu';
export const SFU_DOCKERFILE = 'sfu-task/Dockerfile';

/**
 * The image's build context is the repository root (the SFU imports protocol/); these never go into
 * it, so unrelated changes do not rebuild the image and node_modules is not uploaded to Docker.
 */
export const SFU_IMAGE_EXCLUDE = [
  '**/node_modules',
  '.git',
  'cdk.out',
  'web',
  'test',
  'test-artifacts',
  'local',
  'lambdas',
  'lib',
  'bin',
  '**/dist',
  '**/*.log',
  '*.md',
  'cdk.json',
  'eslint.config.js',
  'vitest.config.ts',
  '.gitignore',
  '.ci',
  '.github',
];

/** mediasoup: the first WebRtcServer port (worker i listens on it + i, UDP and TCP); the SFU image's MEDIASOUP_RTC_PORT. */
export const MEDIASOUP_RTC_PORT = 44_444;

/** mediasoup workers of an SFU task: one per whole vCPU of its Fargate CPU units, at least one. */
export function mediasoupWorkers(cpuUnits: number): number {
  return Math.max(1, Math.floor(cpuUnits / 1024));
}

export interface SfuStackProps extends StackProps {
  readonly settings: Settings;
}

export class SfuStack extends Stack {
  readonly vpc: Vpc;
  readonly cluster: Cluster;
  /** The cluster's physical name, a plain string (IAM grants on its tasks need no import). */
  readonly clusterName: string;
  readonly taskDefinition: FargateTaskDefinition;
  readonly securityGroup: ISecurityGroup;
  readonly subnets: readonly ISubnet[];
  readonly taskRole: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: SfuStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const removalPolicy = removalPolicyOf(settings);

    this.vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    // Rejected traffic only: enough to see a blocked port, without paying to log every media flow.
    this.vpc.addFlowLog('RejectedTraffic', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: settings.logRetentionDays, removalPolicy }),
      ),
    });
    this.subnets = this.vpc.publicSubnets;

    this.clusterName = `${settings.stackPrefix}-sfu`;
    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      clusterName: this.clusterName,
      // Also the source of the dashboard's running-task count (ECS/ContainerInsights RunningTaskCount).
      containerInsightsV2: ContainerInsights.ENABLED,
    });

    const { min, max } = settings.sfuUdpPortRange;
    const mediasoup = settings.sfuEngine === 'mediasoup';
    // mediasoup: one worker per vCPU, each with one WebRtcServer port (UDP, TCP fallback on the same number)
    const workers = mediasoupWorkers(settings.sfuCpu);
    const rtcMax = MEDIASOUP_RTC_PORT + workers - 1;
    const securityGroup = new SecurityGroup(this, 'SfuSecurityGroup', {
      vpc: this.vpc,
      description: mediasoup
        ? `SFU tasks: WebRTC media on UDP and TCP ${MEDIASOUP_RTC_PORT}-${rtcMax} (mediasoup WebRtcServers) from anywhere; nothing else inbound`
        : `SFU tasks: WebRTC media on UDP ${min}-${max} from anywhere; nothing else inbound`,
      // Outbound: the WebSocket API (443) and media to participants' addresses.
      allowAllOutbound: true,
    });
    if (mediasoup) {
      securityGroup.addIngressRule(Peer.anyIpv4(), Port.udpRange(MEDIASOUP_RTC_PORT, rtcMax), 'WebRTC media (UDP) from participants');
      securityGroup.addIngressRule(Peer.anyIpv4(), Port.tcpRange(MEDIASOUP_RTC_PORT, rtcMax), 'WebRTC media over TCP (fallback) from participants');
    } else {
      securityGroup.addIngressRule(Peer.anyIpv4(), Port.udpRange(min, max), 'WebRTC media (UDP) from participants');
    }
    acknowledge(securityGroup, [
      {
        id: 'AwsSolutions-EC23',
        reason: 'Participants connect from anywhere on the internet; only the SFU media ports are open, and ICE/DTLS-SRTP authenticate every media flow.',
      },
    ]);
    this.securityGroup = securityGroup;

    this.taskRole = new Role(this, 'SfuTaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'SFU task: no AWS permissions (it talks to the WebSocket API with its room token only)',
    });

    this.logGroup = new LogGroup(this, 'SfuLogs', { retention: settings.logRetentionDays, removalPolicy });

    const arm = settings.sfuArchitecture === 'arm64';
    this.taskDefinition = new FargateTaskDefinition(this, 'SfuTask', {
      cpu: settings.sfuCpu,
      memoryLimitMiB: settings.sfuMemoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: arm ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer(SFU_CONTAINER_NAME, {
      containerName: SFU_CONTAINER_NAME,
      image: settings.sfuImage
        ? ContainerImage.fromRegistry(settings.sfuImage)
        : ContainerImage.fromAsset(REPO_ROOT, {
            file: SFU_DOCKERFILE,
            exclude: SFU_IMAGE_EXCLUDE,
            platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
          }),
      essential: true,
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'room' }),
      // Per-room values (room id, SFU id and token, signaling URL) come as RunTask container overrides.
      environment: {
        SFU_ENGINE: settings.sfuEngine,
        ROOM_IDLE_SECONDS: String(settings.roomIdleSeconds),
        ...(mediasoup
          ? { MEDIASOUP_RTC_PORT: String(MEDIASOUP_RTC_PORT), MEDIASOUP_WORKERS: String(workers) }
          : { RTC_MIN_PORT: String(min), RTC_MAX_PORT: String(max) }),
      },
    });
    acknowledge(this.taskDefinition, [
      {
        id: 'AwsSolutions-ECS2',
        reason: 'The container environment holds only non-secret settings (engine, idle timeout, port range); the per-room token arrives as a RunTask override and no secret is stored in the task definition.',
      },
    ]);
    const executionRole = this.taskDefinition.obtainExecutionRole();
    acknowledge(
      executionRole,
      [
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'CDK-generated execution role: ecr:GetAuthorizationToken does not support resource-level permissions; image pulls and log writes are scoped to the asset repository and the SFU log group.',
        },
      ],
    );

    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName, description: 'ECS cluster of the SFU tasks (one task per live room)' });
  }

  /** What the task-starting handlers need: resources to grant on. */
  get taskTarget(): SfuTaskTarget {
    return {
      clusterArn: this.cluster.clusterArn,
      clusterName: this.clusterName,
      taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
      passRoleArns: [this.taskRole.roleArn, this.taskDefinition.obtainExecutionRole().roleArn],
    };
  }
}
