/**
 * sfu-task/src/main.ts as a process (as the ECS stand-in runs it) against a tiny WebSocket server:
 * identify with the token in the query string, keepalive while idle, reconnect with backoff after
 * the server drops the socket and identify again (media of a call in progress keeps flowing),
 * rotation to a fresh connection before the 2-hour limit, idle exit 0, SIGTERM exit 0, and one clear
 * line + exit 1 for a bad configuration or the mediasoup engine without a worker binary.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SFU_GOING_AWAY_CLOSE_CODE } from '../../protocol/index.ts';
import { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from './availableEngines.ts';
import { MiniSignaling } from './miniSignaling.ts';
import { type SfuProcess, startSfu } from './sfuProcess.ts';

const { engines, coverage } = availableEngines();
console.warn(`sfu-task process: ${coverage}`);

/** Pids of a process's direct children (the mediasoup workers of an SFU process). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const ROOM = 'room-main-test';
const SFU = 'sfu-main-test';

let server: MiniSignaling | undefined;
let sfu: SfuProcess | undefined;
const participants: WeriftParticipant[] = [];

afterEach(async () => {
  for (const p of participants.splice(0)) await p.close();
  await sfu?.stop('SIGKILL');
  sfu = undefined;
  await server?.close();
  server = undefined;
});

async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nSFU output:\n${sfu?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startWith(env: Record<string, string> = {}): Promise<string> {
  server = new MiniSignaling();
  const url = await server.listen();
  sfu = startSfu({ SIGNALING_URL: url, ROOM_ID: ROOM, SFU_ID: SFU, SFU_TOKEN: 'sfu-token-1', ANNOUNCED_IP: '127.0.0.1', ...env });
  return url;
}

describe('sfu-task process: signaling connection', () => {
  it('identifies as the room SFU with its token, and sends keepalives while idle', async () => {
    await startWith({ KEEPALIVE_SECONDS: '0.3' });
    await until(() => (server!.currentSfu()?.frames.filter((f) => f.action === 'keepalive').length ?? 0) >= 2, 'two keepalives');
    const connection = server!.currentSfu()!;
    expect(connection.token).toBe('sfu-token-1');
    expect(connection.frames[0]).toEqual({ action: 'identify', data: { id: SFU, roomId: ROOM, type: 'sfu' } });
    expect(sfu!.child.exitCode).toBeNull(); // a room that never had a client does not idle out
  });

  it.each(engines)('$name: reconnects with backoff after the server drops it, identifies again, and the call keeps its media', async ({ sfuEnv }) => {
    const url = await startWith({ ROOM_IDLE_SECONDS: '30', ...sfuEnv });
    await until(() => server!.currentSfu() !== undefined, 'SFU identify');
    const a = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'alice', token: 'alice-token' });
    const b = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'bob', token: 'bob-token' });
    participants.push(a, b);
    await a.waitFor(() => a.stream('bob', 'video').packets > 30 && b.stream('alice', 'video').packets > 30, 45_000, 'media both ways');

    server!.dropSfu();
    const before = a.stream('bob', 'video').packets;
    await until(() => server!.sfuConnections().length === 2 && !server!.sfuConnections()[1]!.closed, 'reconnect');
    const second = server!.sfuConnections()[1]!;
    expect(second.frames[0]).toEqual({ action: 'identify', data: { id: SFU, roomId: ROOM, type: 'sfu' } });
    expect(second.token).toBe('sfu-token-1');
    // Media never went through signaling: it kept flowing across the drop.
    await a.waitFor(() => a.stream('bob', 'video').packets > before + 30, 30_000, 'media after the reconnect');
    for (const [receiver, from] of [
      [a, 'bob'],
      [b, 'alice'],
    ] as const) {
      const s = receiver.stream(from, 'video');
      expect(s.corrupt).toBe(0);
      expect(s.sequenceGaps).toBe(0);
    }
    // And signaling works on the new connection: a third participant gets everybody.
    const c = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'carol' });
    participants.push(c);
    await c.waitFor(() => c.stream('alice', 'audio').packets > 20 && c.stream('bob', 'video').packets > 20, 45_000, 'carol receives');
  });

  it.each(engines.filter((e) => e.name === 'mediasoup'))('$name: a worker that dies closes the room at once (closed as going away), and the process exits 1', async ({ sfuEnv }) => {
    const url = await startWith({ ROOM_IDLE_SECONDS: '30', ...sfuEnv });
    await until(() => server!.currentSfu() !== undefined, 'SFU identify');
    const a = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'alice' });
    const b = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'bob' });
    participants.push(a, b);
    await a.waitFor(() => a.stream('bob', 'video').packets > 30, 45_000, 'media');
    const workers = childPids(sfu!.child.pid!);
    expect(workers).toHaveLength(1);
    const connection = server!.currentSfu()!;
    process.kill(workers[0]!, 'SIGKILL');
    expect(await sfu!.exited).toBe(1);
    // closed on purpose as "going away", so the signaling plane closes the room now (cause server-gone)
    // instead of waiting out the SFU's reconnect grace
    expect(connection.closed).toBe(true);
    expect(connection.closeCode).toBe(SFU_GOING_AWAY_CLOSE_CODE);
    expect(sfu!.output()).toMatch(/media engine failed/);
  });

  it('moves to a fresh connection before the 2-hour limit: identified on the new one before the old one closes', async () => {
    await startWith({ SIGNALING_ROTATE_SECONDS: '1' });
    await until(() => server!.sfuConnections().length >= 2 && server!.sfuConnections()[0]!.closed, 'rotation');
    const [first, second] = server!.sfuConnections();
    expect(second!.frames[0]).toMatchObject({ action: 'identify', data: { id: SFU, type: 'sfu' } });
    expect(second!.closed).toBe(false);
    expect(first!.closed).toBe(true);
  });

  it('exits 0 after ROOM_IDLE_SECONDS without clients once a client has been seen (closing with 1000: the room is done)', async () => {
    const url = await startWith({ ROOM_IDLE_SECONDS: '1' });
    await until(() => server!.currentSfu() !== undefined, 'SFU identify');
    const a = await WeriftParticipant.join({ url, roomId: ROOM, peerId: 'alice' });
    await until(() => server!.currentSfu()!.frames.some((f) => f.action === 'handshake'), 'SFU answers');
    await a.close(); // disconnect: the server tells the SFU `leave`
    const connection = server!.currentSfu()!;
    expect(await sfu!.exited).toBe(0);
    expect(sfu!.output()).toMatch(/no clients for 1 s/);
    await until(() => connection.closed, 'the close');
    expect(connection.closeCode).toBe(1000);
  });

  it('exits 0 on SIGTERM, closing its connection as going away (its clients are to rejoin)', async () => {
    await startWith();
    await until(() => server!.currentSfu() !== undefined, 'SFU identify');
    const connection = server!.currentSfu()!;
    expect(await sfu!.stop('SIGTERM')).toBe(0);
    await until(() => connection.closed, 'the close');
    expect(connection.closeCode).toBe(SFU_GOING_AWAY_CLOSE_CODE);
  });

  it('stops with one clear line and exit 1 on a bad configuration', async () => {
    await startWith({ ROOM_IDLE_SECONDS: 'soon' });
    expect(await sfu!.exited).toBe(1);
    expect(sfu!.output().trim()).toBe('invalid configuration: ROOM_IDLE_SECONDS must be a number of seconds above 0 and at most 604800, got "soon"');
  });

  it('stops with one clear line and exit 1 for the mediasoup engine without a worker binary', async () => {
    await startWith({ SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
    expect(await sfu!.exited).toBe(1);
    expect(sfu!.output().trim()).toMatch(
      /^SFU_ENGINE=mediasoup: no mediasoup worker binary at \/nonexistent\/mediasoup-worker \(this install has none; run "npm rebuild mediasoup --ignore-scripts=false", or set MEDIASOUP_WORKER_BIN to a mediasoup 3\.\d+\.\d+ worker, or use SFU_ENGINE=werift\)$/,
    );
  });

  it('stops with one clear line and exit 1 when the mediasoup worker binary does not start', async () => {
    await startWith({ SFU_ENGINE: 'mediasoup', MEDIASOUP_WORKER_BIN: '/bin/true', MEDIASOUP_WORKERS: '1' });
    expect(await sfu!.exited).toBe(1);
    expect(sfu!.output().trim()).toMatch(/^SFU_ENGINE=mediasoup: the mediasoup worker \/bin\/true did not start \(.*\); it must be a mediasoup 3\.\d+\.\d+ worker for this machine$/);
  });
});
