/**
 * Call URLs and calls through the local stack (the Mozilla Loop flow): making, describing, listing and
 * revoking links; a call ringing every live endpoint of the owner and getting a room of its own;
 * accepted once under concurrent accepts, declined, cancelled by the caller, missed (a controlled clock
 * for the deadline; test/integration/missedCalls.test.ts runs the real sweep), no room ready yet, and
 * bad input changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallService } from '../../lambdas/core/calls/callService.ts';
import { CallUrlService } from '../../lambdas/core/calls/callUrlService.ts';
import type { Clock } from '../../lambdas/core/clock.ts';
import { GoneError } from '../../lambdas/core/errors.ts';
import type {
  AcceptCallResponse,
  CallListResponse,
  CallUrlListResponse,
  CreateCallUrlResponse,
  PlaceCallResponse,
  UserEventFrame,
} from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { type ReadyRoom, readyRoom } from '../helpers/signalingRoom.ts';
import { bearer, connectEndpoint, type Idp, registerEndpoint, startIdp } from '../helpers/userEndpoints.ts';
import { WsClient } from '../helpers/wsClient.ts';

let stack: TestStack;
let idp: Idp;
let bob: string; // acme, "Bob Example": owns the links
let carol: string; // acme, another user
let mallory: string; // "bob" of another organisation
let noOrg: string;
const sockets: WsClient[] = [];
const rooms: ReadyRoom[] = [];
const SITE = 'https://rooms.example.com';

async function link(remoteId = 'alice@example.com', validDuration = 3600, token = bob): Promise<CreateCallUrlResponse> {
  const res = await call(stack.url, 'POST', '/call-url', { remote_id: remoteId, valid_duration: validDuration }, { ...bearer(token), origin: SITE });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as CreateCallUrlResponse;
}

/** A ready (AVAILABLE) room for the next call to take. */
async function roomForNextCall(): Promise<ReadyRoom> {
  const room = await readyRoom(stack);
  rooms.push(room);
  return room;
}

async function place(callToken: string, body: Record<string, unknown> = { displayName: 'Alice' }): Promise<PlaceCallResponse> {
  const res = await call(stack.url, 'POST', `/calls/${callToken}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as unknown as PlaceCallResponse;
}

/** The caller (or the owner) in the call's room: connected and identified. */
async function enter(access: { token: string; peerId: string; roomId: string }): Promise<WsClient> {
  const ws = await WsClient.connect(stack.wsUrl, access.token);
  sockets.push(ws);
  ws.send({ action: 'identify', data: { id: access.peerId, roomId: access.roomId, type: 'client' } });
  const frame = await ws.next((f) => f.type === 'identified' || f.type === 'error', 10_000, 'identify answer');
  expect(frame).toMatchObject({ type: 'identified', roomId: access.roomId });
  return ws;
}

/** One of bob's endpoints, connected. */
async function bobsEndpoint(): Promise<WsClient> {
  const ws = await connectEndpoint(stack, bob, await registerEndpoint(stack, bob));
  sockets.push(ws);
  return ws;
}

const pushed = (ws: WsClient, type: string, callId: string) =>
  ws.next((f) => f.type === 'event' && f.event.type === type && (f as unknown as UserEventFrame).event.callId === callId, 10_000, `${type} ${callId}`) as unknown as Promise<UserEventFrame>;

const accept = (callId: string, token = bob) => call(stack.url, 'POST', `/calls/id/${callId}/accept`, undefined, bearer(token));
const decline = (callId: string, token = bob) => call(stack.url, 'POST', `/calls/id/${callId}/decline`, undefined, bearer(token));
/** The caller hangs up (so that no call of one test still rings in the next). */
async function hangUp(placed: PlaceCallResponse): Promise<void> {
  expect(placed.status).toBe('ringing');
  expect((await call(stack.url, 'DELETE', `/calls/id/${placed.callId}`, undefined, bearer(placed.token))).status).toBe(204);
}
const callOf = (callId: string, token: string) => call(stack.url, 'GET', `/calls/id/${callId}`, undefined, bearer(token));

/** CallService / CallUrlService of the stack, reading time from `clock` (to step past deadlines). */
function servicesAt(clock: Clock) {
  const deps = stack.deps();
  const d = (deps.calls as unknown as { d: ConstructorParameters<typeof CallService>[0] }).d;
  const callUrls = new CallUrlService(d.callUrlRecords, clock, d.logger);
  return { calls: new CallService({ ...d, callUrls, clock }), callUrls };
}

beforeAll(async () => {
  idp = await startIdp();
  stack = await startStack(idp.env);
  [bob, carol, mallory, noOrg] = await Promise.all([
    idp.userToken('bob', 'acme', { name: 'Bob Example' }),
    idp.userToken('carol', 'acme'),
    idp.userToken('bob', 'evil'),
    idp.userToken('nobody', undefined),
  ]);
}, 120_000);

afterAll(async () => {
  for (const ws of [...sockets, ...rooms.map((r) => r.sfu)]) ws.socket.close();
  await stack?.stop();
  await idp?.close();
});

describe('call URLs', () => {
  it('a signed-in user makes one: a link on the site, whom it calls, listed for its owner only', async () => {
    const before = Date.now();
    const made = await link('alice@example.com', 600);
    expect(made.callToken).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(made.callUrl).toBe(`${SITE}/c/${made.callToken}`);
    expect(Date.parse(made.expiresAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000);
    expect(Date.parse(made.expiresAt)).toBeLessThanOrEqual(Date.now() + 600_000);

    const described = await call(stack.url, 'GET', `/calls/${made.callToken}`);
    expect(described).toMatchObject({
      status: 200,
      body: { callToken: made.callToken, callee: 'Bob Example', remoteId: 'alice@example.com', expiresAt: made.expiresAt, valid: true },
    });
    expect(described.body.reason).toBeUndefined();

    const mine = (await call(stack.url, 'GET', '/call-url', undefined, { ...bearer(bob), origin: SITE })).body as unknown as CallUrlListResponse;
    expect(mine.callUrls[0]).toEqual({ ...made, remoteId: 'alice@example.com', createdAt: expect.any(String) });
    for (const other of [carol, mallory]) {
      const theirs = (await call(stack.url, 'GET', '/call-url', undefined, bearer(other))).body as unknown as CallUrlListResponse;
      expect(theirs.callUrls.map((u) => u.callToken)).not.toContain(made.callToken);
    }
    // without an Origin, links point at the configured site (here: the stack itself)
    const plain = await call(stack.url, 'POST', '/call-url', { remote_id: 'x', valid_duration: 60 }, bearer(bob));
    expect(plain.body.callUrl).toBe(`${stack.url}/c/${plain.body.callToken as string}`);
  });

  it('needs a signed-in user with an organisation, and a good body; refusals change nothing', async () => {
    const before = await stack.snapshot();
    const body = { remote_id: 'alice', valid_duration: 600 };
    expect((await call(stack.url, 'POST', '/call-url', body)).status).toBe(401);
    expect((await call(stack.url, 'POST', '/call-url', body, bearer('not-a-jwt'))).status).toBe(401);
    const participant = await stack.signer.sign({ sub: 'p1', room: 'some-room', role: 'participant' }, 600);
    for (const token of [participant, noOrg]) {
      const res = await call(stack.url, 'POST', '/call-url', body, bearer(token));
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: expect.any(String) });
    }
    for (const [bad, message] of [
      [{ valid_duration: 600 }, 'missing remote_id'],
      [{ remote_id: '  ', valid_duration: 600 }, 'remote_id is empty'],
      [{ remote_id: 'x'.repeat(129), valid_duration: 600 }, 'remote_id is longer than 128 characters'],
      [{ remote_id: 'alice' }, 'missing valid_duration'],
      [{ remote_id: 'alice', valid_duration: '600' }, 'valid_duration must be a number of seconds'],
      [{ remote_id: 'alice', valid_duration: 59 }, 'valid_duration must be at least 60'],
      [{ remote_id: 'alice', valid_duration: 30 * 86_400 + 1 }, 'valid_duration must be at most 2592000'],
      [{ remote_id: 'alice', valid_duration: 60.5 }, 'valid_duration must be a whole number of seconds'],
      [{ remote_id: 'alice', valid_duration: 600, owner: 'carol' }, /owner/],
      ['{not json', 'request body is not valid JSON'],
    ] as const) {
      const res = await call(stack.url, 'POST', '/call-url', bad, bearer(bob));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.message, JSON.stringify(bad)).toMatch(message);
    }
    expect((await call(stack.url, 'GET', '/call-url')).status).toBe(401);
    expect(await stack.snapshot()).toEqual(before);
  });

  it('unknown tokens are 404, malformed ones 400', async () => {
    for (const [method, path] of [
      ['GET', '/calls/AAAAAAAAAAAAAAAA'],
      ['POST', '/calls/AAAAAAAAAAAAAAAA'],
      ['DELETE', '/call-url/AAAAAAAAAAAAAAAA'],
    ] as const) {
      const res = await call(stack.url, method, path, undefined, bearer(bob));
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ message: 'Call link not found' });
    }
    for (const malformed of ['short', 'AAAAAAAAAAAAAAAAA', 'AAAAAAAA.AAAAAAA']) {
      for (const [method, path] of [
        ['GET', `/calls/${malformed}`],
        ['POST', `/calls/${malformed}`],
        ['DELETE', `/call-url/${malformed}`],
        ['GET', `/calls/id/${malformed}`],
        ['POST', `/calls/id/${malformed}/accept`],
      ] as const) {
        const res = await call(stack.url, method, path, undefined, bearer(bob));
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body.message).toMatch(/must be 16 characters/);
      }
    }
  });

  it('its owner revokes it: it reads as revoked and calls no more; others cannot revoke it', async () => {
    const made = await link();
    expect((await call(stack.url, 'DELETE', `/call-url/${made.callToken}`, undefined, bearer(carol))).status).toBe(403);
    expect((await call(stack.url, 'DELETE', `/call-url/${made.callToken}`, undefined, bearer(mallory))).status).toBe(403);
    expect((await call(stack.url, 'DELETE', `/call-url/${made.callToken}`)).status).toBe(401);
    expect((await call(stack.url, 'DELETE', `/call-url/${made.callToken}`, undefined, bearer(bob))).status).toBe(204);
    expect((await call(stack.url, 'DELETE', `/call-url/${made.callToken}`, undefined, bearer(bob))).status).toBe(204); // again: nothing to do
    const described = await call(stack.url, 'GET', `/calls/${made.callToken}`);
    expect(described.body).toMatchObject({ valid: false, reason: 'revoked', callee: 'Bob Example' });
    const before = await stack.snapshot();
    const placed = await call(stack.url, 'POST', `/calls/${made.callToken}`, {});
    expect(placed).toMatchObject({ status: 410, body: { message: 'This call link was revoked by its owner' } });
    expect(await stack.snapshot()).toEqual(before);
    const mine = (await call(stack.url, 'GET', '/call-url', undefined, bearer(bob))).body as unknown as CallUrlListResponse;
    expect(mine.callUrls.map((u) => u.callToken)).not.toContain(made.callToken);
  });

  it('expires: calls until valid_duration has passed, then reads as expired and refuses calls (controlled clock)', async () => {
    const made = await link('alice', 120);
    let now = Date.now();
    const { callUrls } = servicesAt({ nowMs: () => now });
    now += 115_000;
    expect((await callUrls.describe(made.callToken)).valid).toBe(true);
    now += 5_000;
    expect(await callUrls.describe(made.callToken)).toMatchObject({ valid: false, reason: 'expired' });
    await expect(callUrls.callable(made.callToken)).rejects.toEqual(new GoneError('This call link has expired'));
    // the stack runs on real time: there the link still calls
    expect((await call(stack.url, 'GET', `/calls/${made.callToken}`)).body.valid).toBe(true);
  });
});

describe('a call', () => {
  it('with no room ready: 503 with Retry-After while one room starts, changing nothing else; then it rings', async () => {
    const made = await link();
    const starting = async () => (await stack.deps().roomRepository.listByStatus('STARTING', 50)).length;
    const startingBefore = await starting();
    const first = await call(stack.url, 'POST', `/calls/${made.callToken}`, {});
    expect(first.status).toBe(503);
    expect(first.body.message).toMatch(/one is starting/);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await starting()).toBe(startingBefore + 1);
    // a retry while that room starts starts no other one, and records no call
    const before = await stack.snapshot();
    expect((await call(stack.url, 'POST', `/calls/${made.callToken}`, {})).status).toBe(503);
    expect(await stack.snapshot()).toEqual(before);
    // the link's ringing slot was given back: once a room is ready the call goes through
    await roomForNextCall();
    await hangUp(await place(made.callToken));
  });

  it('rings every live endpoint of the owner and gives the caller a token for its own invitation-only room', async () => {
    const [phone, laptop] = [await bobsEndpoint(), await bobsEndpoint()];
    const room = await roomForNextCall();
    const made = await link('alice@example.com');
    const before = Date.now();
    const placed = await place(made.callToken, { displayName: 'Alice' });
    expect(placed).toMatchObject({
      callId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      status: 'ringing',
      roomId: room.roomId,
      urlPath: `call-${placed.callId}`,
      token: expect.any(String),
      peerId: expect.any(String),
      callee: 'Bob Example',
      remoteId: 'alice@example.com',
      callerName: 'Alice',
      endpoints: 2,
    });
    expect(Date.parse(placed.ringingUntil)).toBeGreaterThanOrEqual(before + 60_000);
    for (const ws of [phone, laptop]) {
      const ring = await pushed(ws, 'IncomingCallEvent', placed.callId);
      expect(ring.event).toMatchObject({ callId: placed.callId, from: 'Alice', callerName: 'Alice', remoteId: 'alice@example.com', ringingUntil: placed.ringingUntil });
    }
    await room.sfu.nextEvent('RoomClaimedEvent');
    // the caller waits in the room; nobody gets in by its path
    await enter(placed);
    const byPath = await call(stack.url, 'GET', `/getRoomId?urlPath=${placed.urlPath}`);
    expect(byPath.status).toBe(403);
    expect(byPath.body.token).toBeUndefined();

    // the owner lists it (newest first) and reads it; so does the caller with its token; nobody else
    const listed = (await call(stack.url, 'GET', '/calls', undefined, bearer(bob))).body as unknown as CallListResponse;
    expect(listed.calls[0]).toMatchObject({ callId: placed.callId, status: 'ringing', callerName: 'Alice', remoteId: 'alice@example.com' });
    expect((await callOf(placed.callId, placed.token)).body).toMatchObject({ callId: placed.callId, status: 'ringing' });
    expect((await callOf(placed.callId, bob)).body).toEqual(listed.calls[0]);
    const otherParticipant = await stack.signer.sign({ sub: 'someone', room: placed.roomId, role: 'participant', via: 'call' }, 600);
    for (const token of [carol, mallory, otherParticipant]) {
      expect((await callOf(placed.callId, token)).status).toBe(403);
    }
    expect((await call(stack.url, 'GET', `/calls/id/${placed.callId}`)).status).toBe(401);
    expect((await call(stack.url, 'GET', '/calls', undefined, bearer(carol))).body).toEqual({ calls: [] });

    // one call rings from a link at a time
    const again = await call(stack.url, 'POST', `/calls/${made.callToken}`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/ringing Bob Example already/);
    await hangUp(placed);
  });

  it('is accepted once when the owner accepts it from many tabs at once; the owner then joins the caller', async () => {
    const [phone, laptop] = [await bobsEndpoint(), await bobsEndpoint()];
    await roomForNextCall();
    const made = await link();
    const placed = await place(made.callToken);
    const caller = await enter(placed);
    expect((await accept(placed.callId, carol)).status).toBe(403);

    const answers = await Promise.all(Array.from({ length: 8 }, () => accept(placed.callId)));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    const lost = answers.filter((a) => a.status !== 200);
    expect(lost.map((a) => a.status)).toEqual(Array(7).fill(409));
    for (const a of lost) expect(a.body).toEqual({ message: 'This call has already been answered' });
    const accepted = won[0]!.body as unknown as AcceptCallResponse;
    expect(accepted).toMatchObject({ callId: placed.callId, status: 'accepted', roomId: placed.roomId, urlPath: placed.urlPath, token: expect.any(String) });
    expect(accepted.peerId).not.toBe(placed.peerId);

    // the owner joins the caller's room; the caller sees them come in
    await enter(accepted);
    const joined = await caller.nextEvent('ParticipantJoinedEvent');
    expect(joined.event).toMatchObject({ participant: { id: accepted.peerId } });
    // every tab of the owner stops ringing
    for (const ws of [phone, laptop]) expect((await pushed(ws, 'CallStatusEvent', placed.callId)).event.status).toBe('accepted');
    expect((await callOf(placed.callId, placed.token)).body.status).toBe('accepted');
    expect(await decline(placed.callId)).toMatchObject({ status: 409, body: { message: 'This call has already been answered' } });
    expect(await call(stack.url, 'DELETE', `/calls/id/${placed.callId}`, undefined, bearer(placed.token))).toMatchObject({ status: 409 });
    // the link may ring again
    await roomForNextCall();
    await hangUp(await place(made.callToken));
  });

  it('declined: its room closes (the caller is told), it reads as declined, and cannot be accepted', async () => {
    const phone = await bobsEndpoint();
    await roomForNextCall();
    const made = await link();
    const placed = await place(made.callToken);
    const caller = await enter(placed);
    expect((await decline(placed.callId, carol)).status).toBe(403);
    const declined = await decline(placed.callId);
    expect(declined).toMatchObject({ status: 200, body: { callId: placed.callId, status: 'declined', endedRingingAt: expect.any(String) } });
    const closed = await caller.nextEvent('RoomClosedEvent');
    expect(closed.event).toMatchObject({ roomId: placed.roomId, reason: 'The call was declined' });
    expect((await callOf(placed.callId, placed.token)).body.status).toBe('declined');
    expect((await pushed(phone, 'CallStatusEvent', placed.callId)).event.status).toBe('declined');
    expect(await accept(placed.callId)).toMatchObject({ status: 409, body: { message: 'This call was declined' } });
    expect((await stack.deps().roomRepository.getRoom(placed.roomId))?.status).toBe('CLOSED');
  });

  it('cancelled by its caller: the owner stops ringing, its room closes, and it cannot be accepted', async () => {
    const phone = await bobsEndpoint();
    await roomForNextCall();
    const made = await link();
    const placed = await place(made.callToken);
    await pushed(phone, 'IncomingCallEvent', placed.callId);
    expect((await call(stack.url, 'DELETE', `/calls/id/${placed.callId}`, undefined, bearer(bob))).status).toBe(403);
    expect((await call(stack.url, 'DELETE', `/calls/id/${placed.callId}`, undefined, bearer(placed.token))).status).toBe(204);
    expect((await pushed(phone, 'CallStatusEvent', placed.callId)).event.status).toBe('cancelled');
    expect(await accept(placed.callId)).toMatchObject({ status: 410, body: { message: 'The caller hung up' } });
    expect((await callOf(placed.callId, bob)).body.status).toBe('cancelled');
    expect((await stack.deps().roomRepository.getRoom(placed.roomId))?.status).toBe('CLOSED');
    // hanging up again changes nothing
    expect((await call(stack.url, 'DELETE', `/calls/id/${placed.callId}`, undefined, bearer(placed.token))).status).toBe(204);
  });

  it('missed when nobody answers before the deadline: listed as missed, its room closed by the sweep (controlled clock)', async () => {
    const phone = await bobsEndpoint();
    await roomForNextCall();
    const made = await link('dave');
    const placed = await place(made.callToken, {});
    expect(placed.callerName).toBeUndefined();
    expect((await pushed(phone, 'IncomingCallEvent', placed.callId)).event.from).toBe('dave'); // no name given: whom the link is for
    const caller = await enter(placed);
    let now = Date.now();
    const { calls } = servicesAt({ nowMs: () => now });
    const principal = { kind: 'user', subject: 'bob', issuer: idp.issuer, scopes: [], organizationId: 'acme' } as const;
    now = Date.parse(placed.ringingUntil) - 1000;
    expect((await calls.get(principal, placed.callId)).status).toBe('ringing');
    expect((await calls.missUnanswered()).missed).toBe(0);
    now += 1000;
    // at the deadline it reads as missed before the sweep writes it
    expect((await calls.get(principal, placed.callId)).status).toBe('missed');
    expect((await calls.list(principal, { status: ['missed'] })).calls.map((c) => c.callId)).toContain(placed.callId);
    await expect(calls.accept(principal, placed.callId)).rejects.toEqual(new GoneError('This call was not answered in time'));
    expect((await calls.missUnanswered()).missed).toBe(1);
    expect((await calls.missUnanswered()).missed).toBe(0);
    expect((await caller.nextEvent('RoomClosedEvent')).event).toMatchObject({ reason: 'The call was not answered' });
    expect((await pushed(phone, 'CallStatusEvent', placed.callId)).event.status).toBe('missed');
    // written down: on real time too it is missed now
    expect((await callOf(placed.callId, placed.token)).body).toMatchObject({ status: 'missed', endedRingingAt: expect.any(String) });
    const missed = (await call(stack.url, 'GET', '/calls?status=missed', undefined, bearer(bob))).body as unknown as CallListResponse;
    expect(missed.calls.map((c) => c.callId)).toEqual([placed.callId]);
  });

  it('GET /calls lists the owner\'s calls newest first, by status and up to a limit; bad queries are 400', async () => {
    const all = ((await call(stack.url, 'GET', '/calls', undefined, bearer(bob))).body as unknown as CallListResponse).calls;
    expect(all.length).toBeGreaterThanOrEqual(6);
    const created = all.map((c) => c.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const some = ((await call(stack.url, 'GET', '/calls?status=declined,missed', undefined, bearer(bob))).body as unknown as CallListResponse).calls;
    expect(some.map((c) => c.status).sort()).toEqual(['declined', 'missed']);
    const two = ((await call(stack.url, 'GET', '/calls?limit=2', undefined, bearer(bob))).body as unknown as CallListResponse).calls;
    expect(two).toEqual(all.slice(0, 2));
    for (const [query, message] of [
      ['status=later', /status must be a comma-separated list/],
      ['limit=0', 'limit must be at least 1'],
      ['limit=101', 'limit must be at most 100'],
      ['limit=many', 'limit must be a number'],
      ['colour=blue', /colour/],
    ] as const) {
      const res = await call(stack.url, 'GET', `/calls?${query}`, undefined, bearer(bob));
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).toMatch(message);
    }
    expect((await call(stack.url, 'GET', '/calls')).status).toBe(401);
    expect((await call(stack.url, 'GET', '/calls', undefined, bearer(noOrg))).status).toBe(403);
  });

  it('refuses bad call bodies and unknown calls, changing nothing', async () => {
    const made = await link();
    const before = await stack.snapshot();
    for (const [bad, message] of [
      [{ displayName: 5 }, 'displayName must be a string'],
      [{ displayName: '' }, 'displayName is empty'],
      [{ displayName: 'x'.repeat(65) }, 'displayName is longer than 64 characters'],
      [{ displayName: 'Alice', room: 'mine' }, /room/],
      ['{not json', 'request body is not valid JSON'],
    ] as const) {
      const res = await call(stack.url, 'POST', `/calls/${made.callToken}`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.message, JSON.stringify(bad)).toMatch(message);
    }
    for (const [method, path] of [
      ['GET', '/calls/id/AAAAAAAAAAAAAAAA'],
      ['POST', '/calls/id/AAAAAAAAAAAAAAAA/accept'],
      ['POST', '/calls/id/AAAAAAAAAAAAAAAA/decline'],
    ] as const) {
      expect(await call(stack.url, method, path, undefined, bearer(bob)), path).toMatchObject({ status: 404, body: { message: 'Call not found' } });
    }
    expect(await stack.snapshot()).toEqual(before);
  });
});
