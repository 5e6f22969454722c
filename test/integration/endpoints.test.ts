/**
 * User endpoints through the local stack (issue 8): registrations, keepalive, unregister and sendEvent
 * with their success and error shapes, organisation rules, masks, at-least-once delivery over the
 * WebSocket API, and expiry with keepalive reminders (short windows, a fast local sweep).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorFrame, UserEventFrame } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { bearer, connectEndpoint, endpointWsUrl, type Idp, registerEndpoint, startIdp } from '../helpers/userEndpoints.ts';
import { WsClient, WsRefused } from '../helpers/wsClient.ts';

let stack: TestStack;
let idp: Idp;
let db: DynamoDBDocumentClient;
let alice: string; // org acme
let bob: string; // org acme
let mallory: string; // org evil, same subject as alice
let noOrg: string;

const post = (path: string, body: unknown, token?: string) =>
  call(stack.url, 'POST', `/rtc-api/users/endpoints${path}`, body, token === undefined ? {} : bearer(token));

const event = (type = 'CallingEvent', extra: Record<string, unknown> = {}) => ({ type, timestamp: new Date().toISOString(), ...extra });

/** A service client's token (signed directly with the stack's key; the client exists, so it is active). */
async function serviceToken(scopes: string[]): Promise<string> {
  const client = await stack.deps().clientAdmin.create(`endpoints test ${scopes.join(' ')}`, scopes);
  return stack.signer.sign({ sub: client.clientId, role: 'service', scope: scopes.join(' ') }, 600);
}

/** The next pushed event (already received or still to come) that matches. */
const nextUserEvent = (ws: WsClient, match: (e: UserEventFrame['event']) => boolean, what = 'event') =>
  ws.next((f) => f.type === 'event' && match((f as unknown as UserEventFrame).event), 10_000, what) as unknown as Promise<UserEventFrame>;
const ofType = (type: string) => (e: UserEventFrame['event']) => e.type === type;
/** A participant token (no room needed: it is refused before any room is read). */
const participantToken = () => stack.signer.sign({ sub: 'p1', room: 'some-room', role: 'participant' }, 600);
const userEvents = (ws: WsClient) => (ws.frames as unknown as (UserEventFrame | { type: string })[]).filter((f): f is UserEventFrame => f.type === 'event');
const errorOf = (ws: WsClient, action: string) =>
  ws.next<ErrorFrame>((f) => f.type === 'error' && f.action === action, 10_000, `error frame for ${action}`);

/** A best-effort marker event, received: everything the server sent this connection before it has arrived. */
async function marker(ws: WsClient, token: string, userId: string, userEndpointId: string, name: string): Promise<void> {
  const res = await post('/sendEvent', { userId, userEndpointId, event: event('MarkerEvent', { name }) }, token);
  expect(res.body).toBe(1);
  await nextUserEvent(ws, (e) => e.name === name, `marker ${name}`);
}

async function pendingOf(userEndpointId: string): Promise<Record<string, unknown>[]> {
  const record = await stack.deps().endpoints['d'].endpoints.get(userEndpointId);
  if (!record) return [];
  const out = await db.send(
    new QueryCommand({
      TableName: 'local-endpointEvents',
      KeyConditionExpression: 'endpointKey = :k',
      ExpressionAttributeValues: { ':k': `${record.userEndpointId}#${record.generation}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

beforeAll(async () => {
  idp = await startIdp();
  // INFO logs: the test reads the stack's log lines for the masked copy
  stack = await startStack({ ...idp.env, ENDPOINT_SWEEP_INTERVAL_SECONDS: '0.25', POWERTOOLS_LOG_LEVEL: 'INFO' });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  [alice, bob, mallory, noOrg] = await Promise.all([
    idp.userToken('alice', 'acme'),
    idp.userToken('bob', 'acme'),
    idp.userToken('alice', 'evil'),
    idp.userToken('nobody', undefined),
  ]);
}, 120_000);

afterAll(async () => {
  db?.destroy();
  await stack?.stop();
  await idp?.close();
});

describe('POST /rtc-api/users/endpoints and /register', () => {
  it('registers with a server-made id (a JSON string) or the caller\'s, answering {id} on /register', async () => {
    const made = await post('', { keepAliveSeconds: 60 }, alice);
    expect(made.status).toBe(200);
    expect(typeof made.body).toBe('string');
    const other = await post('', { keepAliveSeconds: 60 }, alice);
    expect(other.body).not.toBe(made.body);

    const mine = await post('', { userEndpointId: 'alice-phone', keepAliveSeconds: 60, serverKeepAliveReminderOn: true }, alice);
    expect(mine).toMatchObject({ status: 200, body: 'alice-phone' });
    const registered = await post('/register', { userEndpointId: 'alice-laptop', keepAliveSeconds: 5 }, alice);
    expect(registered).toMatchObject({ status: 200, body: { id: 'alice-laptop' } });
    const generated = await post('/register', { keepAliveSeconds: 3600 }, alice);
    expect(generated.body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) });
    // its owner registers it again: same id, new window
    expect(await post('/register', { userEndpointId: 'alice-laptop', keepAliveSeconds: 3600 }, alice)).toMatchObject({ status: 200, body: { id: 'alice-laptop' } });
  });

  it('refuses an id in use by another user (another subject, or the same subject of another organisation) with 409', async () => {
    await registerEndpoint(stack, alice, { userEndpointId: 'taken-id', keepAliveSeconds: 600 });
    const before = await stack.snapshot();
    for (const token of [bob, mallory]) {
      const res = await post('/register', { userEndpointId: 'taken-id', keepAliveSeconds: 600 }, token);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/another user/);
    }
    expect((await stack.snapshot()).endpoints).toEqual(before.endpoints);
  });

  it('gives a contested id to exactly one of several users registering it at once', async () => {
    const tokens = await Promise.all(['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => idp.userToken(u, 'acme')));
    const answers = await Promise.all(tokens.map((t) => post('/register', { userEndpointId: 'contested', keepAliveSeconds: 600 }, t)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = tokens[answers.findIndex((a) => a.status === 200)]!;
    expect((await post('/keepalive', { userEndpointId: 'contested' }, winner)).status).toBe(204);
  });

  it('answers every bad body with 400 {field: message}, changing nothing', async () => {
    const before = await stack.snapshot();
    const cases: [unknown, Record<string, unknown>][] = [
      [{}, { keepAliveSeconds: 'keepAliveSeconds is required' }],
      [{ keepAliveSeconds: 4 }, { keepAliveSeconds: 'keepAliveSeconds must be at least 5' }],
      [{ keepAliveSeconds: 3601 }, { keepAliveSeconds: 'keepAliveSeconds must be at most 3600' }],
      [{ keepAliveSeconds: 10.5 }, { keepAliveSeconds: expect.stringMatching(/whole number/) }],
      [{ keepAliveSeconds: '60' }, { keepAliveSeconds: 'keepAliveSeconds must be a number of seconds' }],
      [
        { userEndpointId: 'has space', keepAliveSeconds: 60, serverKeepAliveReminderOn: 'yes' },
        { userEndpointId: expect.stringMatching(/1-64 characters/), serverKeepAliveReminderOn: 'serverKeepAliveReminderOn must be true or false' },
      ],
      [{ keepAliveSeconds: 60, colour: 'blue' }, { colour: 'unknown field' }],
      [[1, 2], { body: expect.any(String) }],
      ['{not json', { body: 'request body is not valid JSON' }],
    ];
    for (const [body, expected] of cases) {
      for (const path of ['', '/register']) {
        const res = await post(path, body, alice);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body, JSON.stringify(body)).toEqual(expected);
      }
    }
    expect(await stack.snapshot()).toEqual(before);
  });

  it('needs a user token with an organisation claim', async () => {
    const participant = await participantToken();
    const service = await serviceToken(['events:send']);
    expect((await post('/register', { keepAliveSeconds: 60 })).status).toBe(401);
    expect((await post('/register', { keepAliveSeconds: 60 }, 'not-a-jwt')).status).toBe(401);
    for (const token of [participant, service, noOrg]) {
      const res = await post('/register', { keepAliveSeconds: 60 }, token);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: expect.any(String) });
    }
  });
});

describe('POST /rtc-api/users/endpoints/keepalive and /unregister', () => {
  it('keeps an endpoint alive (204), refuses unknown (404) and other users\' (403) endpoints', async () => {
    const id = await registerEndpoint(stack, alice, { keepAliveSeconds: 60 });
    const ok = await post('/keepalive', { userEndpointId: id }, alice);
    expect(ok.status).toBe(204);
    expect((await post('/keepalive', { userEndpointId: 'never-registered' }, alice)).status).toBe(404);
    expect((await post('/keepalive', { userEndpointId: id }, bob)).status).toBe(403);
    expect((await post('/keepalive', { userEndpointId: id }, mallory)).status).toBe(403);
    expect((await post('/keepalive', { userEndpointId: id })).status).toBe(401);
    expect(await post('/keepalive', {}, alice)).toMatchObject({ status: 400, body: { userEndpointId: 'userEndpointId is required' } });
    expect(await post('/keepalive', { userEndpointId: 7 }, alice)).toMatchObject({ status: 400, body: { userEndpointId: 'userEndpointId must be a string' } });
  });

  it('unregisters (204): keepalive and sendEvent then find nothing, a second unregister is 404', async () => {
    const service = await serviceToken(['events:send']);
    const id = await registerEndpoint(stack, bob, { keepAliveSeconds: 60 });
    expect((await post('/unregister', { userEndpointId: id }, alice)).status).toBe(403);
    const ws = await connectEndpoint(stack, bob, id);
    const res = await post('/unregister', { userEndpointId: id, reason: 'signed out' }, bob);
    expect(res.status).toBe(204);
    await ws.closed; // its connection is closed
    expect((await post('/keepalive', { userEndpointId: id }, bob)).status).toBe(404);
    expect((await post('/unregister', { userEndpointId: id }, bob)).status).toBe(404);
    const sent = await post('/sendEvent', { userId: 'bob', organizationId: 'acme', userEndpointId: id, event: event() }, service);
    expect(sent).toMatchObject({ status: 200, body: 0 });
    expect(await post('/unregister', { reason: 5 }, bob)).toMatchObject({
      status: 400,
      body: { userEndpointId: 'userEndpointId is required', reason: 'reason must be a string' },
    });
  });
});

describe('POST /rtc-api/users/endpoints/sendEvent', () => {
  it('sends to every live endpoint of the user, or to the one named, and answers how many', async () => {
    const carol = await idp.userToken('carol', 'acme');
    const [a, b] = [await registerEndpoint(stack, carol), await registerEndpoint(stack, carol)];
    const [wsA, wsB] = [await connectEndpoint(stack, carol, a), await connectEndpoint(stack, carol, b)];
    const toAll = await post('/sendEvent', { userId: 'carol', event: event('RoomInvitationEvent', { roomUrl: 'https://x/r' }) }, bob);
    expect(toAll).toMatchObject({ status: 200, body: 2 });
    for (const ws of [wsA, wsB]) {
      const frame = await nextUserEvent(ws, ofType('RoomInvitationEvent'));
      expect(frame.event).toMatchObject({ type: 'RoomInvitationEvent', roomUrl: 'https://x/r', eventId: expect.any(String) });
    }
    expect(await post('/sendEvent', { userId: 'carol', userEndpointId: b, event: event('OnlyBEvent') }, bob)).toMatchObject({ body: 1 });
    await nextUserEvent(wsB, ofType('OnlyBEvent'));
    // another user's endpoint id, and a user without endpoints: nobody
    expect(await post('/sendEvent', { userId: 'alice', userEndpointId: b, event: event() }, bob)).toMatchObject({ status: 200, body: 0 });
    expect(await post('/sendEvent', { userId: 'nobody-here', event: event() }, bob)).toMatchObject({ status: 200, body: 0 });
    await marker(wsA, carol, 'carol', a, 'a-done'); // every frame sent to a so far has arrived
    expect(userEvents(wsA).map((f) => f.event.type)).toEqual([]); // nothing beyond the frames taken above (OnlyBEvent went to b only)
    await Promise.all([wsA.close(), wsB.close()]);
  });

  it('applies the organisation rules: users within their own, service clients with events:send naming one', async () => {
    const id = await registerEndpoint(stack, alice);
    const ws = await connectEndpoint(stack, alice, id);
    const withScope = await serviceToken(['events:send']);
    const withoutScope = await serviceToken(['rooms:create']);
    expect(await post('/sendEvent', { userId: 'alice', organizationId: 'acme', userEndpointId: id, event: event() }, bob)).toMatchObject({ body: 1 });
    expect(await post('/sendEvent', { userId: 'alice', organizationId: 'evil', event: event() }, bob)).toMatchObject({ status: 403 });
    // mallory is "alice" of another organisation: her sends reach evil's alice, never acme's
    expect(await post('/sendEvent', { userId: 'alice', event: event() }, mallory)).toMatchObject({ status: 200, body: 0 });
    expect(await post('/sendEvent', { userId: 'alice', event: event() }, noOrg)).toMatchObject({ status: 403 });
    expect(await post('/sendEvent', { userId: 'alice', event: event() }, await participantToken())).toMatchObject({ status: 403 });
    expect(await post('/sendEvent', { userId: 'alice', event: event() })).toMatchObject({ status: 401 });
    expect(await post('/sendEvent', { userId: 'alice', organizationId: 'acme', event: event() }, withoutScope)).toMatchObject({ status: 403 });
    expect(await post('/sendEvent', { userId: 'alice', event: event() }, withScope)).toMatchObject({
      status: 400,
      body: { organizationId: 'organizationId is required with a service token' },
    });
    expect(await post('/sendEvent', { userId: 'alice', organizationId: 'acme', userEndpointId: id, event: event('ServiceEvent') }, withScope)).toMatchObject({
      status: 200,
      body: 1,
    });
    await nextUserEvent(ws, ofType('ServiceEvent'));
    await ws.close();
  });

  it('answers bad events, masks and qos with 400 {field: message}, sending and storing nothing', async () => {
    const id = await registerEndpoint(stack, alice);
    const ws = await connectEndpoint(stack, alice, id);
    const before = await stack.snapshot();
    const ts = new Date().toISOString();
    const cases: [unknown, Record<string, unknown>][] = [
      [{}, { userId: 'userId is required', event: 'event is required' }],
      [{ userId: 'alice', event: 'hi' }, { event: 'event must be an object' }],
      [{ userId: 'alice', event: { timestamp: ts } }, { 'event.type': 'type is required' }],
      [{ userId: 'alice', event: { type: 'callingEvent', timestamp: ts } }, { 'event.type': expect.stringMatching(/capital first letter/) }],
      [{ userId: 'alice', event: { type: 'Calling', timestamp: ts } }, { 'event.type': expect.stringMatching(/end in "Event"/) }],
      [{ userId: 'alice', event: { type: 'Calling_Event', timestamp: ts } }, { 'event.type': expect.stringMatching(/camel case/) }],
      [{ userId: 'alice', event: { type: 'CallingEvent' } }, { 'event.timestamp': 'timestamp is required' }],
      [{ userId: 'alice', event: { type: 'CallingEvent', timestamp: 'yesterday' } }, { 'event.timestamp': 'timestamp must be an ISO-8601 instant' }],
      [{ userId: 'alice', event: { type: 'CallingEvent', timestamp: '2026-01-01' } }, { 'event.timestamp': 'timestamp must be an ISO-8601 instant' }],
      [{ userId: 'alice', event: event(), qos: 'high' }, { qos: 'qos must be a number' }],
      [{ userId: 'alice', event: event(), masks: '$.a' }, { masks: 'masks must be a list of JSONPath expressions' }],
      [{ userId: 'alice', event: event(), masks: ['$.a', 'no-dollar'] }, { 'masks.1': expect.stringMatching(/JSONPath/) }],
      [{ userId: 'alice', event: event(), masks: ['$..[?(@.x)]'] }, { 'masks.0': expect.stringMatching(/JSONPath/) }],
      [{ userId: 'alice', userEndpointId: '', event: event() }, { userEndpointId: expect.any(String) }],
      [{ userId: 'alice', event: event(), to: 'x' }, { to: 'unknown field' }],
    ];
    for (const [body, expected] of cases) {
      const res = await post('/sendEvent', body, alice);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toEqual(expected);
    }
    expect(await stack.snapshot()).toEqual(before);
    await marker(ws, alice, 'alice', id, 'after-bad-ones');
    expect(userEvents(ws).map((f) => f.event.type)).toEqual([]); // nothing but the marker (taken) came
    await ws.close();
  });

  it('masks the stored and logged copies, never the delivered one', async () => {
    const id = await registerEndpoint(stack, alice);
    const ws = await connectEndpoint(stack, alice, id);
    const secret = 'SeCrEt-4711-phone';
    const body = {
      userId: 'alice',
      userEndpointId: id,
      qos: 1,
      masks: ['$.caller.phone', '$.guests[*].email'],
      event: event('CallingEvent', { caller: { name: 'Dora', phone: secret }, guests: [{ email: 'g1-hidden@x.io' }, { email: 'g2-hidden@y.io' }] }),
    };
    expect(await post('/sendEvent', body, alice)).toMatchObject({ status: 200, body: 1 });
    const delivered = await nextUserEvent(ws, ofType('CallingEvent'));
    expect(delivered.event).toMatchObject({ caller: { name: 'Dora', phone: secret }, guests: [{ email: 'g1-hidden@x.io' }, { email: 'g2-hidden@y.io' }] });
    const [stored] = await pendingOf(id);
    expect(stored?.event).toMatchObject({ caller: { name: 'Dora', phone: '*'.repeat(secret.length) }, guests: [{ email: '**************' }, { email: '**************' }] });
    expect(stored?.eventId).toBe(delivered.event.eventId);
    const everything = JSON.stringify(await stack.snapshot());
    const logged = stack.output().split('\n').find((line) => line.includes('"event sent"') && line.includes(String(delivered.event.eventId)));
    expect(logged).toContain(`"phone":"${'*'.repeat(secret.length)}"`);
    for (const hidden of [secret, 'g1-hidden', 'g2-hidden']) {
      expect(everything).not.toContain(hidden);
      expect(stack.output()).not.toContain(hidden);
    }
    // the unmasked original comes back on a reconnect
    await ws.close();
    const again = await connectEndpoint(stack, alice, id);
    const redelivered = await nextUserEvent(again, ofType('CallingEvent'));
    expect(redelivered.event).toEqual(delivered.event);
    await again.close();
  });
});

describe('delivery over the WebSocket API', () => {
  it('a user token connects only for a live endpoint of its own (401, 403, 404 at $connect)', async () => {
    const id = await registerEndpoint(stack, alice);
    const refused = (url: string) =>
      WsClient.connect(url).then(
        (c) => c.close().then(() => 0),
        (e: unknown) => (e instanceof WsRefused ? e.status : -1),
      );
    expect(await refused(`${stack.wsUrl}?token=${encodeURIComponent(alice)}`)).toBe(401); // no endpoint named
    expect(await refused(endpointWsUrl(stack, bob, id))).toBe(403);
    expect(await refused(endpointWsUrl(stack, mallory, id))).toBe(403);
    expect(await refused(endpointWsUrl(stack, alice, 'never-registered'))).toBe(404);
    expect(await refused(endpointWsUrl(stack, noOrg, id))).toBe(403);
    const ok = await WsClient.connect(endpointWsUrl(stack, alice, id));
    await ok.close();
  });

  it('identify as an endpoint: 403 for another endpoint than the one connected for, or a room token', async () => {
    const id = await registerEndpoint(stack, alice);
    const roomWs = await WsClient.connect(stack.wsUrl, await participantToken());
    roomWs.send({ action: 'identify', data: { type: 'endpoint', id } });
    expect(await errorOf(roomWs, 'identify')).toMatchObject({ status: 403 });
    await roomWs.close();
    const bobs = await registerEndpoint(stack, bob);
    const bobWs = await WsClient.connect(endpointWsUrl(stack, bob, bobs));
    bobWs.send({ action: 'identify', data: { type: 'endpoint', id } });
    expect(await errorOf(bobWs, 'identify')).toMatchObject({ status: 403 });
    bobWs.send({ action: 'identify', data: { type: 'client', id: 'bob', roomId: 'some-room' } });
    expect(await errorOf(bobWs, 'identify')).toMatchObject({ status: 403 });
    bobWs.send({ action: 'identify', data: { type: 'endpoint' } });
    expect(await errorOf(bobWs, 'identify')).toMatchObject({ status: 400, message: 'userEndpointId is required' });
    bobWs.send({ action: 'ack', data: { eventId: 'x' } });
    expect(await errorOf(bobWs, 'ack')).toMatchObject({ status: 400 });
    await bobWs.close();
  });

  it('at least once: 100 qos-1 events sent while disconnected all arrive on reconnect; acknowledged ones never again', async () => {
    const id = await registerEndpoint(stack, alice, { keepAliveSeconds: 3600 });
    const first = await connectEndpoint(stack, alice, id);
    await first.close();
    const counts = [];
    for (let i = 0; i < 100; i += 10) {
      counts.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) => post('/sendEvent', { userId: 'alice', userEndpointId: id, qos: 1, event: event('SeqEvent', { seq: i + j }) }, alice)),
        )),
      );
    }
    expect(counts.map((c) => c.body)).toEqual(Array(100).fill(1));
    // best effort while disconnected: not sent, not stored
    expect(await post('/sendEvent', { userId: 'alice', userEndpointId: id, event: event('LostEvent') }, alice)).toMatchObject({ body: 0 });
    expect(await pendingOf(id)).toHaveLength(100);

    const second = await connectEndpoint(stack, alice, id);
    const seqFrames = async (ws: WsClient, n: number) => {
      const got: UserEventFrame[] = [];
      for (let k = 0; k < n; k++) got.push(await nextUserEvent(ws, ofType('SeqEvent')));
      return got;
    };
    const all = await seqFrames(second, 100);
    expect(all.map((f) => f.event.seq).sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 100 }, (_, k) => k));
    expect(new Set(all.map((f) => f.event.eventId)).size).toBe(100);
    const acked = all.filter((f) => Number(f.event.seq) % 2 === 0);
    second.send({ action: 'keepalive' }); // an endpoint's connection keeps itself open like a room peer's
    for (const f of acked) second.send({ action: 'ack', data: { eventId: f.event.eventId } });
    second.send({ action: 'ack', data: {} }); // answered after the frames before it (one connection's frames run in order)
    expect(await errorOf(second, 'ack')).toMatchObject({ status: 400, message: 'missing eventId' });
    expect(second.frames.filter((f) => f.type === 'error')).toEqual([]); // the keepalive and the acks were fine
    await second.close();
    expect(await pendingOf(id)).toHaveLength(50);

    const third = await connectEndpoint(stack, alice, id);
    const again = await seqFrames(third, 50);
    await marker(third, alice, 'alice', id, 'after-redelivery');
    expect(userEvents(third).filter((f) => f.event.type === 'SeqEvent')).toEqual([]);
    expect(again.map((f) => Number(f.event.seq) % 2)).toEqual(Array(50).fill(1));
    // duplicates carry the same eventId
    const firstIds = new Map(all.map((f) => [f.event.seq, f.event.eventId]));
    for (const f of again) expect(f.event.eventId).toBe(firstIds.get(f.event.seq));
    expect(userEvents(third).map((f) => f.event.type)).not.toContain('LostEvent');
    expect(userEvents(second).map((f) => f.event.type)).not.toContain('LostEvent');
    await third.close();
  });
});

describe('expiry and keepalive reminders', () => {
  it('reminds before the window closes; a keepalive then keeps the endpoint alive past its first deadline', async () => {
    const dave = await idp.userToken('dave', 'acme');
    const id = await registerEndpoint(stack, dave, { keepAliveSeconds: 6, serverKeepAliveReminderOn: true }); // reminded 3 s before
    const ws = await connectEndpoint(stack, dave, id);
    const isReminder = ofType('UserEndpointKeepAliveReminderEvent');
    const first = await nextUserEvent(ws, isReminder, 'first reminder');
    expect(first.event).toMatchObject({ userEndpointId: id, expiresAt: expect.any(String), eventId: expect.any(String) });
    const firstDeadline = Date.parse(String(first.event.expiresAt));
    expect(Date.now()).toBeLessThan(firstDeadline); // it came before the window closed
    expect((await post('/keepalive', { userEndpointId: id }, dave)).status).toBe(204);
    // the next reminder belongs to the new window, which ends after the first deadline
    const second = await nextUserEvent(ws, isReminder, 'second reminder');
    expect(Date.parse(String(second.event.expiresAt))).toBeGreaterThan(firstDeadline);
    expect(await post('/sendEvent', { userId: 'dave', event: event() }, dave)).toMatchObject({ body: 1 });
    // no more keepalives: the endpoint expires, its connection is closed
    await ws.closed;
    expect((await post('/keepalive', { userEndpointId: id }, dave)).status).toBe(404);
    expect(await post('/sendEvent', { userId: 'dave', event: event(), qos: 1 }, dave)).toMatchObject({ body: 0 });
  });

  it('drops an expired endpoint\'s pending events: registering the id again starts empty', async () => {
    const erin = await idp.userToken('erin', 'acme');
    const id = await registerEndpoint(stack, erin, { userEndpointId: 'erin-tab', keepAliveSeconds: 5 });
    expect(await post('/sendEvent', { userId: 'erin', qos: 1, event: event('PendingEvent') }, erin)).toMatchObject({ body: 1 });
    const record = await stack.deps().endpoints['d'].endpoints.get(id);
    const oldKey = `${id}#${record!.generation}`;
    // the sweep deletes it once its window closed, then its pending events (the record goes first, so wait for both)
    const pendingOfOld = async () => (await db.send(new QueryCommand({ TableName: 'local-endpointEvents', KeyConditionExpression: 'endpointKey = :k', ExpressionAttributeValues: { ':k': oldKey }, ConsistentRead: true }))).Items ?? [];
    while ((await stack.deps().endpoints['d'].endpoints.get(id)) || (await pendingOfOld()).length > 0) await new Promise((r) => setTimeout(r, 250));
    expect((await post('/keepalive', { userEndpointId: id }, erin)).status).toBe(404);
    // the id is free again (for anyone); nothing of the old registration is delivered
    await registerEndpoint(stack, erin, { userEndpointId: 'erin-tab', keepAliveSeconds: 600 });
    const ws = await connectEndpoint(stack, erin, id);
    const res = await post('/sendEvent', { userId: 'erin', userEndpointId: id, event: event('MarkerEvent', { name: 'erin' }) }, erin);
    expect(res.body).toBe(1);
    await nextUserEvent(ws, ofType('MarkerEvent'));
    expect(userEvents(ws).map((f) => f.event.type)).not.toContain('PendingEvent');
    await ws.close();
  });
});
