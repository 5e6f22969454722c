/**
 * End to end without a browser: the local stack starts a real SFU task for createRoom; werift
 * participants join over the real WebSocket protocol and exchange synthetic Opus and VP8 RTP. The
 * cases run once per SFU engine that can start here (werift always, mediasoup with a worker binary:
 * test/sfu/availableEngines.ts), each on its own stack; the run prints which engines it covered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/localStack.ts';
import { joinWerift, sfuPid, startAndClaim } from '../helpers/roomOnStack.ts';
import type { WeriftParticipant } from '../helpers/weriftParticipant.ts';
import { availableEngines } from '../sfu/availableEngines.ts';

const { engines, coverage } = availableEngines();
console.warn(`sfuMedia: ${coverage}`);

/** Every participant receives each other's audio and video, byte-exact and without sequence gaps. */
async function expectMediaBetween(participants: WeriftParticipant[], minPackets = 30): Promise<void> {
  for (const receiver of participants) {
    for (const sender of participants) {
      if (sender === receiver) continue;
      const baseline = { audio: receiver.stream(sender.peerId, 'audio').packets, video: receiver.stream(sender.peerId, 'video').packets };
      await receiver.waitFor(
        () =>
          receiver.stream(sender.peerId, 'audio').packets >= baseline.audio + minPackets &&
          receiver.stream(sender.peerId, 'video').packets >= baseline.video + minPackets,
        45_000,
        `media from ${sender.peerId}`,
      );
      for (const kind of ['audio', 'video'] as const) {
        const s = receiver.stream(sender.peerId, kind);
        expect(s.corrupt, `${kind} ${sender.peerId} -> ${receiver.peerId} corrupt`).toBe(0);
        expect([...s.publishers]).toEqual([sender.peerId]);
      }
    }
  }
}

/** Pids of a process's direct children (a mediasoup SFU task's workers). */
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

const isRoomClosed = (f: Record<string, unknown>) => f.type === 'event' && (f.event as { type: string }).type === 'RoomClosedEvent';

describe.each(engines)('media through the local stack ($name)', ({ name, stackEnv }) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({
      ...stackEnv,
      MAX_ROOMS: '10',
      // a ready room, as a deployment keeps: where people go when their room's server dies
      WARM_ROOMS: '1',
      ROOM_IDLE_SECONDS: '5',
      SFU_RECONNECT_GRACE_SECONDS: '2',
      RECONCILE_INTERVAL_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('two, then three participants receive each other; a leaver’s consumers close; the killed SFU closes the room', async () => {
    const access = await startAndClaim(stack, 'media-room');
    const a = await joinWerift(stack, 'media-room');
    const b = await joinWerift(stack, 'media-room');
    await expectMediaBetween([a, b]);
    const c = await joinWerift(stack, 'media-room');
    await expectMediaBetween([a, b, c]);
    for (const p of [a, b, c]) {
      for (const kind of ['audio', 'video'] as const) {
        for (const other of [a, b, c].filter((o) => o !== p)) expect(p.stream(other.peerId, kind).sequenceGaps).toBeLessThanOrEqual(2);
      }
    }

    await c.close();
    await a.waitFor(() => !a.consumerPeers().includes(c.peerId), 15_000, 'c off a\'s consumer connection');
    await b.waitFor(() => !b.consumerPeers().includes(c.peerId), 15_000, 'consumer of c closed at b');
    await expectMediaBetween([a, b]);

    const pid = sfuPid(access.roomId);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    const closed = await a.waitForFrame((f) => f.type === 'event' && (f.event as { type: string }).type === 'RoomClosedEvent', 20_000);
    expect((closed.event as { roomId: string }).roomId).toBe(access.roomId);
    expect((await stack.deps().roomRepository.getRoom(access.roomId))?.status).toBe('CLOSED');
    await Promise.all([a.close(), b.close()]);
  });

  it('the gateway drops the SFU’s socket: it reconnects and calls in progress keep their media', async () => {
    const access = await startAndClaim(stack, 'drop-room');
    const a = await joinWerift(stack, 'drop-room');
    const b = await joinWerift(stack, 'drop-room');
    await expectMediaBetween([a, b]);
    const before = (await stack.deps().roomRepository.getRoom(access.roomId))!.sfuConnectionId!;
    const res = await fetch(`${stack.url}/@connections/${encodeURIComponent(before)}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const gapsBefore = a.stream(b.peerId, 'video').counterGaps;
    await expectMediaBetween([a, b], 60);
    // the room stayed open, and the SFU is back on a new connection
    const after = await stack.deps().roomRepository.getRoom(access.roomId);
    expect(after?.status).toBe('CLAIMED');
    await new Promise((r) => setTimeout(r, 3000));
    const again = await stack.deps().roomRepository.getRoom(access.roomId);
    expect(again?.sfuConnectionId).toBeDefined();
    expect(again?.sfuConnectionId).not.toBe(before);
    expect(a.stream(b.peerId, 'video').counterGaps).toBe(gapsBefore);
    // and new joiners still get everyone
    const c = await joinWerift(stack, 'drop-room');
    await expectMediaBetween([a, b, c]);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('a participant that leaves and comes back (a new peer) receives everyone again, and everyone receives it', async () => {
    await startAndClaim(stack, 'back-room');
    const a = await joinWerift(stack, 'back-room');
    const b = await joinWerift(stack, 'back-room');
    await expectMediaBetween([a, b]);
    await b.close();
    await a.waitFor(() => !a.consumerPeers().includes(b.peerId), 15_000, 'consumer of b closed');
    const again = await joinWerift(stack, 'back-room');
    await expectMediaBetween([a, again]);
    for (const [receiver, sender] of [
      [a, again],
      [again, a],
    ] as const) {
      expect(receiver.stream(sender.peerId, 'video').keyframes, `${receiver.peerId} <- ${sender.peerId} keyframes`).toBeGreaterThan(0);
    }
    await Promise.all([a.close(), again.close()]);
  });

  if (name === 'mediasoup') {
    it('a mediasoup worker that dies closes the room at once: every participant is told (the time is printed)', async () => {
      const access = await startAndClaim(stack, 'worker-room');
      const a = await joinWerift(stack, 'worker-room');
      const b = await joinWerift(stack, 'worker-room');
      await expectMediaBetween([a, b]);
      const pid = sfuPid(access.roomId)!;
      const workers = childPids(pid);
      expect(workers).toHaveLength(1);
      const killedAt = Date.now();
      process.kill(workers[0]!, 'SIGKILL');
      const told = await Promise.all([a, b].map((p) => p.waitForFrame(isRoomClosed, 20_000).then(() => Date.now() - killedAt)));
      console.warn(`sfuMedia: worker killed -> RoomClosedEvent at every participant after ${Math.max(...told)} ms`);
      expect((await stack.deps().roomRepository.getRoom(access.roomId))?.status).toBe('CLOSED');
      await Promise.all([a.close(), b.close()]);
    });
  }

  it('the room\'s SFU task killed: everyone is told at once, rejoins the same URL by itself, lands in one new room, and media flows again (times printed)', async () => {
    const access = await startAndClaim(stack, 'phoenix-room');
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(() => joinWerift(stack, 'phoenix-room', { rejoin: true })));
    await expectMediaBetween([a!, b!, c!]);
    const pid = sfuPid(access.roomId)!;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await Promise.all([a, b, c].map((p) => p!.waitFor(() => p!.rejoins === 1, 60_000, 'a rejoin')));
    const told = Math.max(...[a, b, c].map((p) => p!.serverGoneAt[0]! - killedAt));
    // claims are atomic: the three of them are in one new room
    expect(new Set([a, b, c].map((p) => p!.roomId)).size).toBe(1);
    expect(a!.roomId).not.toBe(access.roomId);
    await expectMediaBetween([a!, b!, c!], 10);
    const flowing = Date.now() - killedAt;
    console.warn(`sfuMedia (${name}): SFU task killed -> every participant told after ${told} ms, media flowing again in a new room after ${flowing} ms`);
    expect((await stack.deps().roomRepository.getRoom(access.roomId))?.status).toBe('CLOSED');
    await Promise.all([a, b, c].map((p) => p!.close()));
  });

  it('bad input gets an error in a handshake frame to that peer only; the room keeps working', async () => {
    const access = await startAndClaim(stack, 'bad-input-room');
    const a = await joinWerift(stack, 'bad-input-room');
    const b = await joinWerift(stack, 'bad-input-room', { publish: false });
    for (const [what, data] of [
      ['garbage SDP', { type: 'producer', description: { type: 'offer', sdp: 'this is not SDP' } }],
      ['an offer with no media', { type: 'producer', description: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' } }],
      ['a consumer offer from a client', { type: 'consumer', description: { type: 'offer', sdp: 'v=0\r\n' } }],
      ['a candidate that is not one', { type: 'consumer', candidate: { candidate: 'no candidate', sdpMid: '0' } }],
    ] as const) {
      b.sendRaw({ action: 'handshake', data: { ...data, sender: b.peerId, roomId: access.roomId } });
      const reply = await b.waitForFrame((f) => f.type === 'handshake' && Boolean((f.data as { error?: unknown }).error) && !b.frames.slice(0, -1).includes(f), 15_000);
      expect((reply.data as { error: { status: number } }).error.status, what).toBeGreaterThanOrEqual(400);
      b.frames.splice(b.frames.indexOf(reply), 1);
    }
    expect(a.frames.filter((f) => (f as { data?: { error?: unknown } }).data?.error)).toEqual([]);
    await b.publish();
    await expectMediaBetween([a, b]);
    await Promise.all([a.close(), b.close()]);
  });

  it('exits after ROOM_IDLE_SECONDS without clients once claimed, and the room closes', async () => {
    const access = await startAndClaim(stack, 'idle-room');
    const pid = sfuPid(access.roomId);
    expect(pid).toBeGreaterThan(0);
    const a = await joinWerift(stack, 'idle-room');
    await a.close();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await stack.deps().roomRepository.getRoom(access.roomId))?.status !== 'CLOSED') {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await stack.deps().roomRepository.getRoom(access.roomId))?.status).toBe('CLOSED');
    // the task marks the room closed (through its socket's close) before it has finished closing its media and exits
    const exited = Date.now() + 10_000;
    while (Date.now() < exited && sfuPid(access.roomId) !== undefined) await new Promise((r) => setTimeout(r, 100));
    expect(sfuPid(access.roomId)).toBeUndefined();
  });

  it('a claimed room nobody joins idles out too', async () => {
    const access = await startAndClaim(stack, 'nobody-room');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await stack.deps().roomRepository.getRoom(access.roomId))?.status !== 'CLOSED') {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await stack.deps().roomRepository.getRoom(access.roomId))?.status).toBe('CLOSED');
  });
});
