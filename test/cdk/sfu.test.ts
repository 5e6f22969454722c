/**
 * The SFU stack: public subnets without NAT, the security group open only for the SFU's media ports (werift: its UDP port
 * range; mediasoup: its WebRtcServer ports), the Fargate task definition built from sfu-task/Dockerfile, a task role without permissions
 * and a log group with retention.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../lib/settings.ts';
import { SFU_DOCKERFILE, SfuStack } from '../../lib/stacks/sfuStack.ts';
import { cdkJsonContext, resourcesOf, type SynthesizedApp, synthApp } from './synthApp.ts';

let synth: SynthesizedApp;
let sfu: Template;
beforeAll(() => {
  synth = synthApp();
  sfu = synth.template(synth.stacks.sfu);
});
afterAll(() => synth?.cleanup());

function sfuStackWith(context: Record<string, unknown>) {
  const app = new App({ builtinCloudFormationValidation: false });
  return Template.fromStack(new SfuStack(app, 'Sfu', { settings: parseSettings({ ...cdkJsonContext(), sfuImage: 'example/sfu:1', ...context }) }));
}

function expectOnlyUdp(template: Template, min: number, max: number) {
  const groups = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'));
  expect(groups).toHaveLength(1);
  expect(groups[0]?.Properties?.SecurityGroupIngress).toEqual([
    { IpProtocol: 'udp', FromPort: min, ToPort: max, CidrIp: '0.0.0.0/0', Description: expect.any(String) },
  ]);
  expect(Object.keys(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress'))).toEqual([]);
}

describe('security group', () => {
  it('cdk.json deploys mediasoup: only its WebRtcServer ports are open, UDP and TCP', () => {
    expect(synth.settings.sfuEngine).toBe('mediasoup');
    const ingress = Object.values(resourcesOf(sfu, 'AWS::EC2::SecurityGroup'))[0]?.Properties?.SecurityGroupIngress as { IpProtocol: string; FromPort: number }[];
    expect(ingress.map((r) => [r.IpProtocol, r.FromPort])).toEqual([
      ['udp', 44444],
      ['tcp', 44444],
    ]);
    expect(Object.keys(resourcesOf(sfu, 'AWS::EC2::SecurityGroupIngress'))).toEqual([]);
  });

  it('werift: opens only its UDP port range (sfuUdpPortRange), nothing else inbound', () => {
    const { min, max } = synth.settings.sfuUdpPortRange;
    expectOnlyUdp(sfuStackWith({ sfuEngine: 'werift' }), min, max);
    expectOnlyUdp(sfuStackWith({ sfuEngine: 'werift', sfuUdpPortRange: '50000-50100' }), 50000, 50100);
  });

  it('mediasoup: opens only the WebRtcServer ports (one per worker = per vCPU), UDP and TCP, and tells the task', () => {
    const template = sfuStackWith({ sfuEngine: 'mediasoup', sfuCpu: 2048, sfuMemoryMiB: 4096 });
    const groups = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]?.Properties?.SecurityGroupIngress).toEqual([
      { IpProtocol: 'udp', FromPort: 44444, ToPort: 44445, CidrIp: '0.0.0.0/0', Description: expect.any(String) },
      { IpProtocol: 'tcp', FromPort: 44444, ToPort: 44445, CidrIp: '0.0.0.0/0', Description: expect.any(String) },
    ]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        {
          Name: 'sfu',
          Environment: [
            { Name: 'SFU_ENGINE', Value: 'mediasoup' },
            { Name: 'ROOM_IDLE_SECONDS', Value: Match.anyValue() },
            { Name: 'MEDIASOUP_RTC_PORT', Value: '44444' },
            { Name: 'MEDIASOUP_WORKERS', Value: '2' },
          ],
        },
      ],
    });
  });

  it('mediasoup on a quarter vCPU still has one worker and one port', () => {
    const template = sfuStackWith({ sfuEngine: 'mediasoup', sfuCpu: 256, sfuMemoryMiB: 512 });
    const ingress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroup'))[0]?.Properties?.SecurityGroupIngress as { FromPort: number; ToPort: number }[];
    expect(ingress.map((r) => [r.FromPort, r.ToPort])).toEqual([
      [44444, 44444],
      [44444, 44444],
    ]);
  });
});

describe('network', () => {
  it('has public subnets in two AZs, no NAT gateway and no private subnets', () => {
    expect(Object.keys(resourcesOf(sfu, 'AWS::EC2::NatGateway'))).toEqual([]);
    const subnets = Object.values(resourcesOf(sfu, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(2);
    for (const subnet of subnets) expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(true);
    sfu.resourceCountIs('AWS::EC2::InternetGateway', 1);
    sfu.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });
});

describe('task', () => {
  it('is a Fargate task definition with the context CPU, memory and architecture', () => {
    sfu.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: String(synth.settings.sfuCpu),
      Memory: String(synth.settings.sfuMemoryMiB),
      RuntimePlatform: { CpuArchitecture: synth.settings.sfuArchitecture === 'arm64' ? 'ARM64' : 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
    sfuStackWith({ sfuArchitecture: 'arm64', sfuCpu: 2048, sfuMemoryMiB: 4096 }).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '2048',
      Memory: '4096',
      RuntimePlatform: { CpuArchitecture: 'ARM64' },
    });
  });

  it('logs to a log group with the context retention', () => {
    const logGroupId = synth.stacks.sfu.getLogicalId(synth.stacks.sfu.logGroup.node.defaultChild as never);
    expect(sfu.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(synth.settings.logRetentionDays);
    sfu.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [{ Name: 'sfu', Essential: true, LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': { Ref: logGroupId } } } }],
    });
  });

  it('runs in a named cluster with Container Insights (the running-task metric)', () => {
    sfu.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: synth.stacks.sfu.clusterName,
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('builds its image from sfu-task/Dockerfile with the repository root as context', () => {
    const manifest = readdirSync(synth.outdir).find((f) => f.startsWith(`${synth.stacks.sfu.artifactId}.assets`))!;
    const assets = JSON.parse(readFileSync(join(synth.outdir, manifest), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const images = Object.values(assets.dockerImages);
    expect(images).toHaveLength(1);
    expect(images[0]?.source.dockerFile).toBe(SFU_DOCKERFILE);
    const staged = join(synth.outdir, images[0]!.source.directory);
    const files = readdirSync(staged);
    expect(files).toContain('sfu-task');
    expect(files).toContain('protocol');
    expect(files).not.toContain('node_modules');
    expect(files).not.toContain('lambdas');
  });

  it('uses a prebuilt image when sfuImage is set', () => {
    sfuStackWith({ sfuImage: 'example.com/sfu:7' }).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [{ Image: 'example.com/sfu:7' }],
    });
  });
});
