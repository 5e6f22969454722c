/**
 * Share tickets and the room access policy through the local stack: who may make a ticket, expiry (with a
 * controlled clock), maxUses under concurrent redeems, unknown and malformed ids, a ticket never opening
 * another room, and a ticket-only room end to end (anonymous join refused, ticket join works).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../lambdas/core/deps.ts';
import { GoneError } from '../../lambdas/core/errors.ts';
import { RoomRepository } from '../../lambdas/core/rooms/roomRepository.ts';
import { TicketRepository } from '../../lambdas/core/tickets/ticketRepository.ts';
import { TicketService } from '../../lambdas/core/tickets/ticketService.ts';
import type { CreateTicketResponse, RedeemTicketResponse, RoomAccessResponse } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom, type TestRoom } from '../helpers/signalingRoom.ts';
import { WsClient } from '../helpers/wsClient.ts';

let stack: TestStack;
let roomA: TestRoom;
let roomB: TestRoom;
const sockets: WsClient[] = [];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function ticket(room: TestRoom, body: Record<string, unknown>, token = room.creator.token): Promise<CreateTicketResponse> {
  const res = await call(stack.url, 'POST', '/tickets', { roomId: room.roomId, ...body }, { ...bearer(token), origin: 'https://rooms.example.com' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as CreateTicketResponse;
}

/** Connects with a participant token and identifies; the identified frame, or the error frame. */
async function identifyWith(access: { token: string; peerId: string; roomId: string }, roomId = access.roomId) {
  const ws = await WsClient.connect(stack.wsUrl, access.token);
  sockets.push(ws);
  ws.send({ action: 'identify', data: { id: access.peerId, roomId, type: 'client' } });
  const frame = await ws.next((f) => f.type === 'identified' || f.type === 'error', 10_000, 'identify answer');
  return { ws, frame };
}

beforeAll(async () => {
  stack = await startStack();
  roomA = await openRoom(stack, 'room-a');
  roomB = await openRoom(stack, 'room-b');
}, 120_000);

afterAll(async () => {
  for (const ws of [...sockets, roomA?.sfu, roomB?.sfu]) ws?.socket.close();
  await stack?.stop();
});

describe('POST /tickets', () => {
  it('a participant of the room or a service client makes one: short, URL-safe id, link on the site, expiry', async () => {
    const before = Date.now();
    const made = await ticket(roomA, { validSeconds: 600, maxUses: 3 });
    expect(made.ticketId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(made.url).toBe(`https://rooms.example.com/t/${made.ticketId}`);
    const expiresAt = Date.parse(made.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    const described = await call(stack.url, 'GET', `/tickets/${made.ticketId}`);
    expect(described.status).toBe(200);
    expect(described.body).toEqual({ ticketId: made.ticketId, roomId: roomA.roomId, urlPath: 'room-a', expiresAt: made.expiresAt, usesLeft: 3 });

    // by URL path, from a participant who joined through the URL (not the creator)
    const member = await join(stack, 'room-a');
    sockets.push(member.ws);
    const byPath = await call(stack.url, 'POST', '/tickets', { urlPath: 'room-a', validSeconds: 60 }, bearer(member.token));
    expect(byPath.status).toBe(201);

    const client = await stack.deps().clientAdmin.create('tickets', []);
    const service = await call(stack.url, 'POST', '/security/oauth/token', `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    const byService = await call(stack.url, 'POST', '/tickets', { roomId: roomB.roomId, validSeconds: 60 }, bearer(service.body.access_token as string));
    expect(byService.status).toBe(201);
    // without an Origin, the link points at the configured site (here: the stack's URL)
    expect((byService.body as unknown as CreateTicketResponse).url).toMatch(new RegExp(`^${stack.url}/t/`));
  });

  it('refuses anonymous callers, participants of another room, and bad bodies; changes nothing', async () => {
    const before = await stack.snapshot();
    const body = { roomId: roomA.roomId, validSeconds: 600 };
    expect((await call(stack.url, 'POST', '/tickets', body)).status).toBe(401);
    const other = await call(stack.url, 'POST', '/tickets', body, bearer(roomB.creator.token));
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/participant of this room/);
    for (const [bad, message] of [
      [{ roomId: roomA.roomId }, /validSeconds/],
      [{ roomId: roomA.roomId, validSeconds: 10 }, /validSeconds must be at least 60/],
      [{ roomId: roomA.roomId, validSeconds: 600, maxUses: 0 }, /maxUses must be at least 1/],
      [{ roomId: roomA.roomId, urlPath: 'room-a', validSeconds: 600 }, /exactly one of urlPath and roomId/],
      [{ validSeconds: 600 }, /exactly one of urlPath and roomId/],
      [{ roomId: roomA.roomId, validSeconds: 600, admin: true }, /admin/],
    ] as const) {
      const res = await call(stack.url, 'POST', '/tickets', bad, bearer(roomA.creator.token));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.message, JSON.stringify(bad)).toMatch(message);
    }
    const unknownPath = await call(stack.url, 'POST', '/tickets', { urlPath: 'nobody-here', validSeconds: 600 }, bearer(roomA.creator.token));
    expect(unknownPath.status).toBe(404);
    expect(await stack.snapshot()).toEqual(before);
  });
});

describe('redeeming', () => {
  it('exactly maxUses of 20 concurrent redeems succeed; the rest are 410 and the ticket reads as used up', async () => {
    const made = await ticket(roomA, { validSeconds: 600, maxUses: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => call(stack.url, 'POST', `/tickets/${made.ticketId}/redeem`)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(5);
    expect(results.filter((r) => r.status === 410)).toHaveLength(15);
    expect(new Set(ok.map((r) => r.body.peerId)).size).toBe(5);
    for (const r of ok) expect(r.body).toMatchObject({ roomId: roomA.roomId, urlPath: 'room-a', token: expect.any(String) });
    const after = await call(stack.url, 'GET', `/tickets/${made.ticketId}`);
    expect(after.status).toBe(410);
    expect(after.body.message).toBe('This ticket has been used up');
  });

  it('unknown ids are 404, malformed ones 400', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const path = (id: string) => (method === 'GET' ? `/tickets/${id}` : `/tickets/${id}/redeem`);
      const unknown = await call(stack.url, method, path('AAAAAAAAAAAAAAAA'));
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe('Ticket not found');
      for (const malformed of ['short', 'AAAAAAAAAAAAAAAAA', 'AAAAAAAA%2FAAAAAAA', 'AAAAAAAA.AAAAAAA']) {
        const res = await call(stack.url, method, path(malformed));
        expect(res.status, `${method} ${malformed}`).toBe(400);
      }
    }
  });

  it('a ticket for room A never opens room B', async () => {
    const made = await ticket(roomA, { validSeconds: 600 });
    const redeemed = (await call(stack.url, 'POST', `/tickets/${made.ticketId}/redeem`)).body as unknown as RedeemTicketResponse;
    expect(redeemed.roomId).toBe(roomA.roomId);
    const intoB = await identifyWith(redeemed, roomB.roomId);
    expect(intoB.frame).toMatchObject({ type: 'error', status: 403, message: 'this token does not grant that room' });
    const intoA = await identifyWith(redeemed);
    expect(intoA.frame).toMatchObject({ type: 'identified', roomId: roomA.roomId });
  });

  it('expires: usable until validSeconds have passed, then 410 (controlled clock)', async () => {
    let now = Date.now();
    const clock = { nowMs: () => now };
    const db = createDynamoClient('us-east-1', stack.dynamoDbEndpoint);
    const cfg = stack.deps().config;
    const service = new TicketService(
      new TicketRepository(db, cfg.tables.tickets),
      new RoomRepository(db, cfg.tables),
      stack.deps().tokens,
      clock,
      new Logger({ logLevel: 'SILENT' }),
    );
    const principal = { kind: 'participant', subject: roomA.creator.peerId, roomId: roomA.roomId, via: 'url' } as const;
    const made = await service.create(principal, { roomId: roomA.roomId, validSeconds: 120 }, 'http://site');
    now += 119_000;
    expect((await service.describe(made.ticketId)).roomId).toBe(roomA.roomId);
    expect((await service.redeem(made.ticketId)).roomId).toBe(roomA.roomId);
    now += 1000;
    await expect(service.describe(made.ticketId)).rejects.toEqual(new GoneError('This ticket has expired'));
    await expect(service.redeem(made.ticketId)).rejects.toEqual(new GoneError('This ticket has expired'));
    // the stack runs on real time: there the same ticket still opens the room
    expect((await call(stack.url, 'GET', `/tickets/${made.ticketId}`)).status).toBe(200);
  });
});

describe('a ticket-only room', () => {
  let room: TestRoom;
  let earlyAccess: RoomAccessResponse;

  beforeAll(async () => {
    room = await openRoom(stack, 'invite-only');
    // a URL token taken while the room was still open
    earlyAccess = (await call(stack.url, 'GET', '/getRoomId?urlPath=invite-only')).body as unknown as RoomAccessResponse;
  });

  it('only its creator (or rooms:admin) sets the policy', async () => {
    const member = await join(stack, 'invite-only');
    sockets.push(member.ws);
    expect((await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'ticket' })).status).toBe(401);
    const notCreator = await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'ticket' }, bearer(member.token));
    expect(notCreator.status).toBe(403);
    expect(notCreator.body.message).toMatch(/creator/);
    const otherRoomCreator = await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'ticket' }, bearer(roomB.creator.token));
    expect(otherRoomCreator.status).toBe(403);
    const bad = await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'secret' }, bearer(room.creator.token));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('access must be "open" or "ticket"');
    const set = await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'ticket' }, bearer(room.creator.token));
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ roomId: room.roomId, access: 'ticket' });
    const state = await call(stack.url, 'GET', `/rooms/${room.roomId}`, undefined, bearer(member.token));
    expect(state.body.access).toBe('ticket');
  });

  it('refuses anonymous joins with a clear 403 and admits ticket holders', async () => {
    for (const res of [
      await call(stack.url, 'GET', '/getRoomId?urlPath=invite-only'),
      await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'invite-only' }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: expect.stringMatching(/only people with an invitation link \(a ticket\)/) });
      expect(res.body.token).toBeUndefined();
    }
    // a URL token minted before the switch no longer gets in
    const early = await identifyWith(earlyAccess);
    expect(early.frame).toMatchObject({ type: 'error', status: 403, message: expect.stringMatching(/invitation link/) });

    const made = await ticket(room, { validSeconds: 600 });
    const redeemed = await call(stack.url, 'POST', `/tickets/${made.ticketId}/redeem`);
    expect(redeemed.status).toBe(200);
    const guest = await identifyWith(redeemed.body as unknown as RedeemTicketResponse);
    expect(guest.frame).toMatchObject({ type: 'identified', roomId: room.roomId, resumed: false });
    // the room's SFU hears of the guest like any other participant
    await room.sfu.next((f) => f.type === 'event' && f.event.type === 'ParticipantJoinedEvent' && f.event.participant.id === (redeemed.body.peerId as string), 10_000, 'join event');

    // the creator still gets in with its own token
    const creator = await identifyWith(room.creator);
    expect(creator.frame).toMatchObject({ type: 'identified' });
  });

  it('back to open: anyone with the URL joins again', async () => {
    expect((await call(stack.url, 'PATCH', `/rooms/${room.roomId}`, { access: 'open' }, bearer(room.creator.token))).status).toBe(200);
    const anyone = await join(stack, 'invite-only');
    sockets.push(anyone.ws);
    expect(anyone.identified.roomId).toBe(room.roomId);
  });
});
