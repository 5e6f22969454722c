import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, MEETINGS } from '../../lib/cost/assumptions.ts';
import { gridLayout, type Layout, layerForTile, receivedLayers, speakerLayout } from '../../lib/cost/layouts.ts';
import { type Assumptions, breakEvenKbps, type Deployment, downstreamKbps, estimate, gbPerHour, type Meeting, taskHourPrice } from '../../lib/cost/model.ts';
import { PRICES, transferPricePerGb } from '../../lib/cost/prices.ts';
import { defaultRates, layerKbps, parseRates, RatesError } from '../../lib/cost/rates.ts';
import { meetingUsage } from '../../lib/cost/signalingFlow.ts';
import { REPO_ROOT } from '../../lib/paths.ts';

const run = promisify(execFile);

const deployment: Deployment = {
  sfuCpu: 1024,
  sfuMemoryMiB: 2048,
  sfuArchitecture: 'x86_64',
  warmRooms: 1,
  roomIdleSeconds: 300,
  lambdaMemoryMiB: 512,
  lambdaArchitecture: 'arm64',
};
const assumptions: Assumptions = { ...DEFAULT_ASSUMPTIONS, clientKeepaliveSeconds: 300, sfuKeepaliveSeconds: 240, pageRequests: 4, pageBytes: 100_000 };

/** Every remote video in a 640x360 tile, whatever the meeting size: only N changes. */
const fixedTiles: Layout = { ...gridLayout, remoteTiles: (n) => Array.from({ length: n - 1 }, () => ({ width: 640, height: 360 })) };
const meeting = (participants: number, layout: Layout = fixedTiles): Meeting => ({ label: `${participants}`, participants, layout });

describe('cost model: media', () => {
  it('gives each tile the lowest layer at least as tall as it is', () => {
    expect(layerForTile({ width: 160, height: 90 })).toBe('180p');
    expect(layerForTile({ width: 320, height: 180 })).toBe('180p');
    expect(layerForTile({ width: 400, height: 225 })).toBe('360p');
    expect(layerForTile({ width: 1920, height: 1080 })).toBe('720p');
    // a bigger grid never asks for a higher layer
    const tallest = (n: number) => Math.max(...receivedLayers(gridLayout, n).map((l) => Number.parseInt(l, 10)));
    for (let n = 3; n <= 12; n++) expect(tallest(n)).toBeLessThanOrEqual(tallest(n - 1));
    expect(receivedLayers(speakerLayout, 5).filter((l) => l === '720p')).toHaveLength(1);
  });

  it('scales a receiver\'s downstream with the N-1 others it receives', () => {
    const rtcpOnly = downstreamKbps([], layerKbps, assumptions);
    const perRemote = (n: number) => (downstreamKbps(receivedLayers(fixedTiles, n), layerKbps, assumptions) - rtcpOnly) / (n - 1);
    expect(perRemote(3)).toBeCloseTo(perRemote(2), 9);
    expect(perRemote(10)).toBeCloseTo(perRemote(2), 9);
    // each remote costs at least its video and audio payload
    expect(perRemote(2)).toBeGreaterThan(layerKbps['360p'] + layerKbps.audio);
    const egress = (n: number) => estimate(meeting(n), deployment, assumptions, layerKbps).egressGbPerAttendeeHour - gbPerHour(rtcpOnly);
    expect(egress(7) / egress(4)).toBeCloseTo(6 / 3, 9);
  });

  it('adds no headers to rates measured on the wire', () => {
    const layers = receivedLayers(fixedTiles, 4);
    expect(downstreamKbps(layers, layerKbps, assumptions, true)).toBeLessThan(downstreamKbps(layers, layerKbps, assumptions));
  });

  it('prices data transfer out by its monthly tiers', () => {
    const tiers = PRICES.dataTransferOut.tiers;
    expect(transferPricePerGb(tiers)).toBe(tiers[0]!.perGb);
    expect(transferPricePerGb(tiers, 5)).toBe(tiers[0]!.perGb);
    const twenty = transferPricePerGb(tiers, 20);
    expect(twenty).toBeLessThan(tiers[0]!.perGb);
    expect(twenty).toBeGreaterThan(tiers[1]!.perGb);
    expect(transferPricePerGb(tiers, 1000)).toBeLessThan(transferPricePerGb(tiers, 100));
  });
});

describe('cost model: rates file', () => {
  it('overrides the defaults it names and says where each rate came from', () => {
    const r = parseRates('{"360p": 321, "audio": 40, "source": "bench:quality 2026-12-01"}', 'measured.json');
    expect(r.kbps['360p']).toBe(321);
    expect(r.kbps.audio).toBe(40);
    expect(r.kbps['720p']).toBe(layerKbps['720p']);
    expect(r.from['360p']).toBe('measured.json');
    expect(r.from['180p']).toBe('default');
    expect(r.source).toBe('bench:quality 2026-12-01');
    expect(defaultRates().from['360p']).toBe('default');
  });

  it('changes only the meetings that receive the overridden layer', () => {
    const four = MEETINGS.find((m) => m.participants === 4)!;
    const tenGrid = MEETINGS.find((m) => m.participants === 10 && m.layout === gridLayout)!;
    const lower = parseRates(`{"360p": ${layerKbps['360p'] / 2}}`, 'r.json').kbps;
    const cost = (m: Meeting, rates = layerKbps) => estimate(m, deployment, assumptions, rates).cost;
    expect(cost(four, lower).dataTransferOut).toBeLessThan(cost(four).dataTransferOut);
    expect(cost(four, lower).fargate).toBe(cost(four).fargate);
    expect(cost(tenGrid, lower).dataTransferOut).toBe(cost(tenGrid).dataTransferOut);
  });

  it('rejects a bad file with a message naming it and the problem', () => {
    expect(() => parseRates('{"360p": 500', 'r.json')).toThrow(/r\.json: not JSON/);
    expect(() => parseRates('{"360p": -5}', 'r.json')).toThrow(/360p must be above 0/);
    expect(() => parseRates('{"360p": "500"}', 'r.json')).toThrow(/360p must be a number/);
    expect(() => parseRates('{"1080p": 4000}', 'r.json')).toThrow(RatesError);
    expect(() => parseRates('{}', 'r.json')).toThrow(/names no rate/);
    expect(() => parseRates('[1, 2]', 'r.json')).toThrow(RatesError);
  });
});

describe('cost model: SFU task and signaling', () => {
  it('prices the task by its size and architecture, and shares the warm pool', () => {
    expect(taskHourPrice({ ...deployment, sfuCpu: 2048, sfuMemoryMiB: 4096 }) - PRICES.publicIpv4.perHour).toBeCloseTo(2 * (taskHourPrice(deployment) - PRICES.publicIpv4.perHour), 12);
    expect(taskHourPrice({ ...deployment, sfuArchitecture: 'arm64' })).toBeLessThan(taskHourPrice(deployment));
    const fargate = (d: Deployment, a: Assumptions, n = 4) => estimate(meeting(n), d, a, layerKbps).cost.fargate;
    expect(fargate(deployment, { ...assumptions, concurrentMeetings: 10 })).toBeLessThan(fargate(deployment, assumptions));
    expect(fargate({ ...deployment, warmRooms: 2 }, assumptions)).toBeGreaterThan(fargate(deployment, assumptions));
    // one task per room: its share falls as the room fills
    expect(fargate(deployment, assumptions, 8)).toBeCloseTo(fargate(deployment, assumptions, 4) / 2, 12);
  });

  it('counts one token per attendee and one for the replacement warm room, and more signaling for bigger rooms', () => {
    const shape = (participants: number) => ({ participants, meetingMinutes: 60, roomIdleSeconds: 300 });
    for (const n of [2, 4, 10]) expect(meetingUsage(shape(n), assumptions).kms).toBe(n + 1);
    const four = meetingUsage(shape(4), assumptions);
    const ten = meetingUsage(shape(10), assumptions);
    expect(ten.wsOut).toBeGreaterThan(four.wsOut);
    expect(ten.wsMinutes - four.wsMinutes).toBe(6 * 60);
    expect(() => meetingUsage(shape(1), assumptions)).toThrow(RangeError);
  });

  it('finds the layer rate at which a meeting costs what Chime does', () => {
    const four = MEETINGS.find((m) => m.participants === 4)!;
    const layer = receivedLayers(four.layout, 4)[0]!;
    const kbps = breakEvenKbps(four, layer, deployment, assumptions, layerKbps);
    expect(kbps).toBeDefined();
    const at = estimate(four, deployment, assumptions, { ...layerKbps, [layer]: kbps! });
    expect(at.cost.total).toBeCloseTo(at.chimePerAttendeeHour, 6);
  });
});

// each run starts tsx and loads aws-cdk-lib (the settings module): seconds, minutes on a loaded machine
describe('npm run cost', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cost-'));
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'bin/cost.ts', ...args], { cwd: REPO_ROOT });

  it('prints the table with the rates of a file and the task size of -c', async () => {
    const file = join(dir, 'measured.json');
    writeFileSync(file, JSON.stringify({ '360p': 420 }));
    const { stdout } = await cli('--rates', file, '-c', 'sfuCpu=2048', '-c', 'sfuMemoryMiB=4096');
    expect(stdout).toMatch(/\| \*\*total\*\*/);
    expect(stdout).toContain(`360p 420 (${file})`);
    expect(stdout).toContain('180p 150 (default)');
    expect(stdout).toContain('SFU task 2 vCPU, 4 GB');
    expect(stdout).toContain(`as of ${PRICES.asOf}`);
  });

  it('exits 1 with a clear message for a bad rates file', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"360p": "fast"}');
    type Failure = { code: number; stdout: string; stderr: string };
    const bad = await cli('--rates', file).then(() => undefined, (error: Failure) => error);
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain(`${file}: 360p must be a number`);
    expect(bad?.stdout).toBe('');
  });
});
