/** Builds a signaling scene on a test stack: a room whose (test) SFU has identified, claimed at a path. */
import { expect } from 'vitest';
import type { IdentifiedFrame, RoomAccessResponse } from '../../protocol/index.ts';
import { call, type TestStack } from './localStack.ts';
import { WsClient } from './wsClient.ts';

export interface TestRoom {
  roomId: string;
  sfuId: string;
  sfu: WsClient;
  urlPath: string;
  /** The claimRoom answer: the creator's participant token (it may change the room's access). */
  creator: RoomAccessResponse;
}

export type ReadyRoom = Pick<TestRoom, 'roomId' | 'sfuId' | 'sfu'>;

/** createRoom, then a test SFU connects with an SFU token minted by the stack's key and identifies: an AVAILABLE room. */
export async function readyRoom(stack: TestStack): Promise<ReadyRoom> {
  const created = await call(stack.url, 'PUT', '/createRoom');
  expect(created.status).toBe(200);
  const roomId = created.body.roomId as string;
  const room = await stack.deps().roomRepository.getRoom(roomId);
  const sfuId = room!.sfuId;
  const sfu = await WsClient.connect(stack.wsUrl, await stack.signer.sign({ sub: sfuId, room: roomId, role: 'sfu' }, 3600));
  sfu.send({ action: 'identify', data: { id: sfuId, roomId, type: 'sfu' } });
  await sfu.nextOfType('identified');
  return { roomId, sfuId, sfu };
}

/** readyRoom, then the path is claimed. */
export async function openRoom(stack: TestStack, urlPath: string): Promise<TestRoom> {
  const { roomId, sfuId, sfu } = await readyRoom(stack);
  const claimed = await call(stack.url, 'PATCH', '/claimRoom', { urlPath });
  expect(claimed.body.roomId).toBe(roomId);
  expect(claimed.body.creator).toBe(true);
  return { roomId, sfuId, sfu, urlPath, creator: claimed.body as unknown as RoomAccessResponse };
}

export interface TestParticipant {
  id: string;
  token: string;
  ws: WsClient;
  identified: IdentifiedFrame;
}

/** getRoomId for the path (a participant token), connect, identify as a client. */
export async function join(stack: TestStack, urlPath: string, displayName?: string): Promise<TestParticipant> {
  const res = await call(stack.url, 'GET', `/getRoomId?urlPath=${urlPath}`);
  expect(res.status).toBe(200);
  const access = res.body as unknown as RoomAccessResponse;
  const ws = await WsClient.connect(stack.wsUrl, access.token);
  ws.send({ action: 'identify', data: { id: access.peerId, roomId: access.roomId, type: 'client', ...(displayName && { displayName }) } });
  const identified = await ws.nextOfType('identified');
  return { id: access.peerId, token: access.token, ws, identified };
}
