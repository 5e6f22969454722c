/**
 * The announced address in Fargate: the recorded ECS task metadata v4 `/task` response (served by a
 * local HTTP server, as the metadata endpoint serves it), the task's ENI from a recorded DescribeTasks
 * response, its public IP from EC2 (faked here: no AWS call).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnnouncedIpDeps,
  awsAnnouncedIpDeps,
  eniIdOfTask,
  parseTaskMetadata,
  resolveAnnouncedIp,
} from '../../sfu-task/src/announcedIp.ts';

const metadataFixture = JSON.parse(readFileSync(new URL('./fixtures/ecsTaskMetadataV4.json', import.meta.url), 'utf8')) as unknown;
const describeTasksFixture = JSON.parse(readFileSync(new URL('./fixtures/ecsDescribeTasks.json', import.meta.url), 'utf8')) as {
  tasks: Parameters<typeof eniIdOfTask>[0][];
};

let server: Server;
let metadataUri: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/v4/9781c248d1e5477c9f4c3ae8a13bb1b0-2495160603/task') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(metadataFixture));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  metadataUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/9781c248d1e5477c9f4c3ae8a13bb1b0-2495160603`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Real HTTP fetch of the metadata; DescribeTasks from the fixture; EC2 from a table. */
function fakeAws(publicIps: Record<string, string | undefined>, warnings: string[] = []): AnnouncedIpDeps {
  const real = awsAnnouncedIpDeps(() => undefined);
  return {
    fetchJson: real.fetchJson,
    async publicIpOf(metadata) {
      const task = describeTasksFixture.tasks.find((t) => (t as { taskArn?: string }).taskArn === metadata.taskArn);
      const eni = task ? eniIdOfTask(task) : undefined;
      return eni ? publicIps[eni] : undefined;
    },
    warn: (m) => warnings.push(m),
  };
}

describe('announced IP', () => {
  it('parses the recorded task metadata', () => {
    expect(parseTaskMetadata(metadataFixture)).toEqual({
      cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/video-rooms-sfu',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/video-rooms-sfu/9781c248d1e5477c9f4c3ae8a13bb1b0',
      privateIp: '10.0.1.87',
      availabilityZone: 'us-east-1b',
    });
    expect(eniIdOfTask(describeTasksFixture.tasks[0]!)).toBe('eni-0123456789abcdef0');
  });

  it('ANNOUNCED_IP wins and nothing is fetched', async () => {
    const before = requests.length;
    expect(await resolveAnnouncedIp({ announcedIp: '127.0.0.1', ecsMetadataUri: metadataUri }, fakeAws({}))).toBe('127.0.0.1');
    expect(requests.length).toBe(before);
  });

  it('in Fargate: the public IP of the task\'s ENI, found through the metadata endpoint', async () => {
    const ip = await resolveAnnouncedIp({ announcedIp: undefined, ecsMetadataUri: metadataUri }, fakeAws({ 'eni-0123456789abcdef0': '203.0.113.25' }));
    expect(ip).toBe('203.0.113.25');
    expect(requests.at(-1)).toBe('/v4/9781c248d1e5477c9f4c3ae8a13bb1b0-2495160603/task');
  });

  it('a task without a public IP announces its private address, with a warning', async () => {
    const warnings: string[] = [];
    const ip = await resolveAnnouncedIp({ announcedIp: undefined, ecsMetadataUri: metadataUri }, fakeAws({}, warnings));
    expect(ip).toBe('10.0.1.87');
    expect(warnings).toEqual(['the task has no public IP: announcing its private address']);
  });

  it('a metadata endpoint that fails or answers nonsense is an error', async () => {
    await expect(resolveAnnouncedIp({ announcedIp: undefined, ecsMetadataUri: `${metadataUri}-missing` }, fakeAws({}))).rejects.toThrow(/answered 404/);
    expect(() => parseTaskMetadata({ Containers: [] })).toThrow(/unexpected ECS task metadata/);
  });
});
