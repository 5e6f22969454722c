/** Rooms with a real SFU task on a test stack: createRoom, then claim until the SFU has identified. */
import { readdirSync, readFileSync } from 'node:fs';
import type { RoomAccessResponse } from '../../protocol/index.ts';
import { call, type TestStack } from './localStack.ts';
import { joinRoom } from '../../web/src/api/joinRoom.ts';
import { RoomsApi } from '../../web/src/api/roomsApi.ts';
import { WeriftParticipant } from './weriftParticipant.ts';

/** createRoom, then claimRoom with backoff until the room's SFU is AVAILABLE and the claim binds it. */
export async function startAndClaim(stack: TestStack, urlPath: string, timeoutMs = 60_000): Promise<RoomAccessResponse> {
  const created = await call(stack.url, 'PUT', '/createRoom');
  if (created.status !== 200) throw new Error(`createRoom ${created.status} ${JSON.stringify(created.body)}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const claimed = await call(stack.url, 'PATCH', '/claimRoom', { urlPath });
    if (claimed.status === 200) return claimed.body as unknown as RoomAccessResponse;
    if (Date.now() > deadline) throw new Error(`no room became AVAILABLE within ${timeoutMs} ms:\n${stack.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A werift participant joining `urlPath` with a token of its own (getRoomId). `rejoin`: it recovers
 * by itself when its server goes away, joining the URL again through the web client's own join flow
 * (web/src/api/joinRoom.ts: getRoomId, else claimRoom, else createRoom and claim until ready).
 */
export async function joinWerift(
  stack: TestStack,
  urlPath: string,
  options: { publish?: boolean; rejoin?: boolean; displayName?: string; videoBitrate?: number; fps?: number } = {},
): Promise<WeriftParticipant> {
  const res = await call(stack.url, 'GET', `/getRoomId?urlPath=${urlPath}`);
  if (res.status !== 200) throw new Error(`getRoomId ${res.status}`);
  const access = res.body as unknown as RoomAccessResponse;
  const { rejoin, ...rest } = options;
  return WeriftParticipant.join({
    url: stack.wsUrl,
    token: access.token,
    roomId: access.roomId,
    peerId: access.peerId,
    ...rest,
    ...(rejoin && { rejoin: () => joinRoom(new RoomsApi(stack.url), urlPath, { timeoutMs: 60_000 }) }),
  });
}

/** Pid of the SFU task process of a room (found by its ROOM_ID in /proc). */
export function sfuPid(roomId: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (env.includes(`ROOM_ID=${roomId}`) && /sfu-task\/src\/main\.ts|local-sfu-task\/main\.mjs/.test(cmd)) return Number(entry);
    } catch {
      // gone or not ours
    }
  }
  return undefined;
}
