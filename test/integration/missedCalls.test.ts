/**
 * A call nobody answers, on real time: the local stack's missed-call sweep (the scheduled job of
 * lib/routes.ts) finds it past its deadline, marks it missed, closes its room (the caller is told) and
 * tells the owner's tabs; it is listed as missed and can no longer be accepted. Short ringing
 * (CALL_RING_SECONDS=5) and a fast sweep; the test waits for what happens, it does not time it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallListResponse, CreateCallUrlResponse, PlaceCallResponse, UserEventFrame } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { type ReadyRoom, readyRoom } from '../helpers/signalingRoom.ts';
import { bearer, connectEndpoint, type Idp, registerEndpoint, startIdp } from '../helpers/userEndpoints.ts';
import { WsClient } from '../helpers/wsClient.ts';

let stack: TestStack;
let idp: Idp;
let room: ReadyRoom;
const sockets: WsClient[] = [];

beforeAll(async () => {
  idp = await startIdp();
  stack = await startStack({ ...idp.env, CALL_RING_SECONDS: '5', CALL_SWEEP_INTERVAL_SECONDS: '0.5' });
  room = await readyRoom(stack);
}, 120_000);

afterAll(async () => {
  for (const ws of [...sockets, room?.sfu]) ws?.socket.close();
  await stack?.stop();
  await idp?.close();
});

it('an unanswered call is missed by the sweep: the caller is told, the owner stops ringing, it is listed as missed', async () => {
  const bob = await idp.userToken('bob', 'acme', { name: 'Bob' });
  const endpoint = await connectEndpoint(stack, bob, await registerEndpoint(stack, bob));
  sockets.push(endpoint);
  const made = (await call(stack.url, 'POST', '/call-url', { remote_id: 'alice', valid_duration: 600 }, bearer(bob))).body as unknown as CreateCallUrlResponse;
  const placed = (await call(stack.url, 'POST', `/calls/${made.callToken}`, { displayName: 'Alice' })).body as unknown as PlaceCallResponse;
  expect(placed.status).toBe('ringing');
  const caller = await WsClient.connect(stack.wsUrl, placed.token);
  sockets.push(caller);
  caller.send({ action: 'identify', data: { id: placed.peerId, roomId: placed.roomId, type: 'client' } });
  await caller.nextOfType('identified');

  const closed = await caller.nextEvent('RoomClosedEvent', 60_000);
  expect(closed.event).toMatchObject({ roomId: placed.roomId, reason: 'The call was not answered' });
  const told = (await endpoint.next(
    (f) => f.type === 'event' && (f.event.type as string) === 'CallStatusEvent',
    10_000,
    'CallStatusEvent',
  )) as unknown as UserEventFrame;
  expect(told.event).toMatchObject({ callId: placed.callId, status: 'missed' });
  // it rang no earlier than it should have: the deadline had passed when the room closed
  expect(Date.parse(closed.event.timestamp)).toBeGreaterThanOrEqual(Date.parse(placed.ringingUntil));

  expect((await call(stack.url, 'GET', `/calls/id/${placed.callId}`, undefined, bearer(placed.token))).body).toMatchObject({ status: 'missed' });
  const missed = (await call(stack.url, 'GET', '/calls?status=missed', undefined, bearer(bob))).body as unknown as CallListResponse;
  expect(missed.calls).toEqual([expect.objectContaining({ callId: placed.callId, callerName: 'Alice', status: 'missed' })]);
  expect(await call(stack.url, 'POST', `/calls/id/${placed.callId}/accept`, undefined, bearer(bob))).toMatchObject({
    status: 410,
    body: { message: 'This call was not answered in time' },
  });
  // the link's ringing slot is free again: the next call from it is refused only for want of a ready room (503), not as ringing already (409)
  const again = await call(stack.url, 'POST', `/calls/${made.callToken}`, {});
  expect(again.status).toBe(503);
});
