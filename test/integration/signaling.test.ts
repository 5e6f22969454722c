/** The WebSocket API through the local gateway with real `ws` clients and DynamoDB Local (DESIGN.md section 5). */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenSigner } from '../../lambdas/core/tokens/localTokenSigner.ts';
import type { ErrorFrame, RoomStateResponse } from '../../protocol/index.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { join, openRoom } from '../helpers/signalingRoom.ts';
import { WsClient, WsRefused } from '../helpers/wsClient.ts';

let stack: TestStack;

beforeAll(async () => {
  // a short client grace, so that a connection found gone leaves within the test
  stack = await startStack({ MAX_ROOMS: '40', CLIENT_RECONNECT_GRACE_SECONDS: '1', RECONCILE_INTERVAL_SECONDS: '0.5' });
});
afterAll(async () => {
  await stack?.stop();
});

async function roomState(roomId: string, token: string): Promise<RoomStateResponse> {
  const res = await call(stack.url, 'GET', `/rooms/${roomId}`, undefined, { authorization: `Bearer ${token}` });
  expect(res.status).toBe(200);
  return res.body as unknown as RoomStateResponse;
}

const errorOf = (ws: WsClient, action: string) =>
  ws.next<ErrorFrame>((f) => f.type === 'error' && f.action === action, 10_000, `error frame for ${action}`);

describe('$connect', () => {
  it('refuses a missing, forged, expired or wrong-audience token with 401', async () => {
    const { roomId } = await openRoom(stack, 'connect-room');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const forged = await new LocalTokenSigner(otherKey, stack.url).sign({ sub: 'x', room: roomId, role: 'participant' }, 600);
    const expired = await stack.signer.sign({ sub: 'x', room: roomId, role: 'participant' }, 60, Date.now() - 3600_000);
    const wrongIssuer = await new LocalTokenSigner(stack.privateKeyPem, 'http://elsewhere.example').sign({ sub: 'x', room: roomId, role: 'participant' }, 600);
    const valid = await stack.signer.sign({ sub: 'x', room: roomId, role: 'participant' }, 600);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const wrongAudience = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: 'someone-else' })).toString('base64url')}.${signature}`;
    const noRole = await stack.signer.sign({ sub: 'x', room: roomId, role: 'admin' as 'sfu' }, 600);
    for (const [name, token] of [
      ['missing', undefined],
      ['garbage', 'not-a-jwt'],
      ['forged', forged],
      ['expired', expired],
      ['wrong issuer', wrongIssuer],
      ['tampered audience', wrongAudience],
      ['unknown role', noRole],
    ] as const) {
      const refused = await WsClient.connect(stack.wsUrl, token).then(
        (c) => c.close().then(() => 0),
        (e: unknown) => (e instanceof WsRefused ? e.status : -1),
      );
      expect(refused, name).toBe(401);
    }
    expect(createHash('sha1').update(valid).digest('hex')).toHaveLength(40); // the valid one is well formed
    const ok = await WsClient.connect(stack.wsUrl, valid);
    await ok.close();
  });
});

describe('identify', () => {
  it('400 Missing valid type property; 403 for a role, room or id the token does not grant', async () => {
    const a = await openRoom(stack, 'identify-a');
    const b = await openRoom(stack, 'identify-b');
    const res = await call(stack.url, 'GET', '/getRoomId?urlPath=identify-a');
    const { token, peerId } = res.body as { token: string; peerId: string };
    const ws = await WsClient.connect(stack.wsUrl, token);

    ws.send({ action: 'identify', data: { id: peerId, roomId: a.roomId } });
    expect(await errorOf(ws, 'identify')).toEqual({ type: 'error', action: 'identify', status: 400, message: 'Missing valid type property' });
    ws.send({ action: 'identify', data: { id: peerId, roomId: a.roomId, type: 'janus' } });
    expect((await errorOf(ws, 'identify')).message).toBe('Missing valid type property');

    ws.send({ action: 'identify', data: { id: peerId, roomId: a.roomId, type: 'sfu' } });
    expect(await errorOf(ws, 'identify')).toMatchObject({ status: 403, message: expect.stringMatching(/cannot identify as type "sfu"/) });
    ws.send({ action: 'identify', data: { id: peerId, roomId: b.roomId, type: 'client' } });
    expect(await errorOf(ws, 'identify')).toMatchObject({ status: 403, message: expect.stringMatching(/room/) });
    ws.send({ action: 'identify', data: { id: 'someone-else', roomId: a.roomId, type: 'client' } });
    expect(await errorOf(ws, 'identify')).toMatchObject({ status: 403, message: expect.stringMatching(/peer id/) });
    // an SFU token cannot identify as a client or as another room's SFU
    const sfuWs = await WsClient.connect(stack.wsUrl, await stack.signer.sign({ sub: a.sfuId, room: a.roomId, role: 'sfu' }, 600));
    sfuWs.send({ action: 'identify', data: { id: a.sfuId, roomId: a.roomId, type: 'client' } });
    expect((await errorOf(sfuWs, 'identify')).status).toBe(403);
    sfuWs.send({ action: 'identify', data: { id: a.sfuId, roomId: b.roomId, type: 'sfu' } });
    expect((await errorOf(sfuWs, 'identify')).status).toBe(403);
    // nothing of that joined anyone
    expect((await roomState(a.roomId, token)).participants).toEqual([]);
    await Promise.all([ws.close(), sfuWs.close()]);
  });

  it('joins clients with versioned events, and a reconnect with the same id replaces the connection', async () => {
    const room = await openRoom(stack, 'join-room');
    const alice = await join(stack, 'join-room', 'Alice');
    const joinedAtSfu = await room.sfu.nextEvent('ParticipantJoinedEvent');
    expect(joinedAtSfu.event).toMatchObject({ roomId: room.roomId, version: alice.identified.version, participant: { id: alice.id, displayName: 'Alice' } });
    expect(joinedAtSfu.event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    let state = await roomState(room.roomId, alice.token);
    expect(state.version).toBe(alice.identified.version);
    expect(state.participants.map((p) => p.id)).toEqual([alice.id]);

    const bob = await join(stack, 'join-room', 'Bob');
    const seenByAlice = await alice.ws.nextEvent('ParticipantJoinedEvent');
    expect(seenByAlice.event.version).toBe(bob.identified.version);
    expect(bob.identified.version).toBeGreaterThan(alice.identified.version);
    state = await roomState(room.roomId, bob.token);
    expect(state.version).toBe(bob.identified.version);
    expect(state.participants.map((p) => p.id).sort()).toEqual([alice.id, bob.id].sort());

    // Alice reconnects with the same token and id: the old socket is closed, no second Alice
    const again = await WsClient.connect(stack.wsUrl, alice.token);
    again.send({ action: 'identify', data: { id: alice.id, roomId: room.roomId, type: 'client' } });
    const reidentified = await again.nextOfType('identified');
    expect(reidentified.version).toBe(state.version);
    expect(reidentified.resumed).toBe(true);
    expect(alice.identified.resumed).toBe(false);
    await alice.ws.closed;
    state = await roomState(room.roomId, bob.token);
    expect(state.participants.map((p) => p.id).sort()).toEqual([alice.id, bob.id].sort());
    expect(state.version).toBe(bob.identified.version);
    // nobody was told Alice left
    await new Promise((r) => setTimeout(r, 300));
    expect(bob.ws.frames.filter((f) => f.type === 'event' && f.event.type === 'ParticipantLeftEvent')).toEqual([]);
    await Promise.all([again.close(), bob.ws.close()]);
  });
});

describe('handshake', () => {
  it('relays client -> its SFU and SFU -> the named client with descriptions and candidates intact', async () => {
    const room = await openRoom(stack, 'relay-room');
    const alice = await join(stack, 'relay-room');
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' };
    const data = { type: 'producer', sender: alice.id, roomId: room.roomId, description: offer };
    alice.ws.send({ action: 'handshake', data });
    const atSfu = await room.sfu.nextOfType('handshake');
    expect(atSfu).toEqual({ type: 'handshake', data });

    const candidate = { candidate: 'candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    const back = { type: 'consumer', sender: room.sfuId, receiver: alice.id, remotePeerId: 'bob', roomId: room.roomId, candidate };
    room.sfu.send({ action: 'handshake', data: back });
    expect(await alice.ws.nextOfType('handshake')).toEqual({ type: 'handshake', data: back });
    await alice.ws.close();
  });

  it('400 WebSocket Connection Not Found before identify; isolation between rooms', async () => {
    const a = await openRoom(stack, 'iso-a');
    const b = await openRoom(stack, 'iso-b');
    const alice = await join(stack, 'iso-a');
    const bob = await join(stack, 'iso-b');

    const res = await call(stack.url, 'GET', '/getRoomId?urlPath=iso-a');
    const fresh = await WsClient.connect(stack.wsUrl, (res.body as { token: string }).token);
    fresh.send({ action: 'handshake', data: { type: 'producer', sender: 'x', roomId: a.roomId } });
    expect(await errorOf(fresh, 'handshake')).toEqual({ type: 'error', action: 'handshake', status: 400, message: 'WebSocket Connection Not Found' });

    // a client cannot make its handshake reach another room's SFU, nor speak as someone else
    alice.ws.send({ action: 'handshake', data: { type: 'producer', sender: alice.id, roomId: b.roomId } });
    expect((await errorOf(alice.ws, 'handshake')).status).toBe(403);
    alice.ws.send({ action: 'handshake', data: { type: 'producer', sender: bob.id, roomId: a.roomId } });
    expect((await errorOf(alice.ws, 'handshake')).status).toBe(403);
    // an SFU cannot address a client of another room
    a.sfu.send({ action: 'handshake', data: { type: 'consumer', sender: a.sfuId, receiver: bob.id, roomId: a.roomId } });
    expect(await errorOf(a.sfu, 'handshake')).toMatchObject({ status: 404, message: 'receiver is not in this room' });
    a.sfu.send({ action: 'handshake', data: { type: 'consumer', sender: a.sfuId, receiver: bob.id, roomId: b.roomId } });
    expect((await errorOf(a.sfu, 'handshake')).status).toBe(403);
    a.sfu.send({ action: 'handshake', data: { type: 'consumer', sender: a.sfuId, roomId: a.roomId } });
    expect(await errorOf(a.sfu, 'handshake')).toMatchObject({ status: 400, message: 'missing receiver' });

    await new Promise((r) => setTimeout(r, 300));
    expect(b.sfu.frames.filter((f) => f.type === 'handshake')).toEqual([]);
    expect(bob.ws.frames.filter((f) => f.type === 'handshake')).toEqual([]);
    await Promise.all([alice.ws.close(), bob.ws.close(), fresh.close()]);
  });
});

describe('messages, keepalive, $default', () => {
  it('broadcasts chat and features to the other clients; features bump the version', async () => {
    const room = await openRoom(stack, 'chat-room');
    const alice = await join(stack, 'chat-room', 'Alice');
    const bob = await join(stack, 'chat-room', 'Bob');
    alice.ws.send({ action: 'message', data: { kind: 'chat', text: 'hello 👋' } });
    expect(await bob.ws.nextOfType('message')).toEqual({ type: 'message', sender: alice.id, roomId: room.roomId, data: { kind: 'chat', text: 'hello 👋' } });

    alice.ws.send({ action: 'message', data: { kind: 'features', features: { audioMuted: true, videoMuted: true } } });
    const features = await bob.ws.nextOfType('message');
    expect(features.version).toBe(bob.identified.version + 1);
    const state = await roomState(room.roomId, bob.token);
    expect(state.version).toBe(features.version);
    expect(state.participants.find((p) => p.id === alice.id)?.features).toEqual({ audioMuted: true, videoMuted: true });

    // a raised hand is one more feature: in the room's state, with its version, until lowered
    alice.ws.send({ action: 'message', data: { kind: 'features', features: { handRaised: true } } });
    const raised = await bob.ws.nextOfType('message');
    expect(raised).toMatchObject({ sender: alice.id, data: { kind: 'features', features: { handRaised: true } }, version: features.version! + 1 });
    expect((await roomState(room.roomId, bob.token)).participants.find((p) => p.id === alice.id)?.features).toEqual({ audioMuted: true, videoMuted: true, handRaised: true });
    alice.ws.send({ action: 'message', data: { kind: 'features', features: { handRaised: false } } });
    expect((await bob.ws.nextOfType('message')).version).toBe(features.version! + 2);
    expect((await roomState(room.roomId, bob.token)).participants.find((p) => p.id === alice.id)?.features.handRaised).toBe(false);

    alice.ws.send({ action: 'message', data: { kind: 'chat', text: '' } });
    expect((await errorOf(alice.ws, 'message')).status).toBe(400);
    alice.ws.send({ action: 'message', data: { kind: 'shout', text: 'x' } });
    expect((await errorOf(alice.ws, 'message')).message).toMatch(/kind/);
    alice.ws.send({ action: 'message', data: { kind: 'chat', text: 'x'.repeat(2001) } });
    expect((await errorOf(alice.ws, 'message')).message).toMatch(/longer than 2000/);
    room.sfu.send({ action: 'message', data: { kind: 'chat', text: 'from sfu' } });
    expect((await errorOf(room.sfu, 'message')).status).toBe(403);

    alice.ws.send({ action: 'keepalive' });
    alice.ws.send({ action: 'dance', data: {} });
    expect(await errorOf(alice.ws, 'dance')).toMatchObject({ status: 400, message: expect.stringMatching(/unknown action "dance"/) });
    alice.ws.send('not json at all');
    expect((await errorOf(alice.ws, '$default')).message).toMatch(/JSON objects/);
    // keepalive produced no error
    expect(alice.ws.frames.filter((f) => f.type === 'error' && f.action === 'keepalive')).toEqual([]);
    await Promise.all([alice.ws.close(), bob.ws.close()]);
  });

  it('a frame over 128 KB closes the connection as API Gateway does (1009)', async () => {
    await openRoom(stack, 'big-room');
    const alice = await join(stack, 'big-room');
    alice.ws.send({ action: 'message', data: { kind: 'chat', text: 'x'.repeat(130 * 1024) } });
    expect((await alice.ws.closed).code).toBe(1009);
  });
});

describe('$disconnect', () => {
  it('a client leaving: the SFU gets leave, the others ParticipantLeftEvent; versions follow the state endpoint', async () => {
    const room = await openRoom(stack, 'leave-room');
    const alice = await join(stack, 'leave-room');
    const bob = await join(stack, 'leave-room');
    await bob.ws.close();
    expect(await room.sfu.nextOfType('leave')).toEqual({ type: 'leave', sender: bob.id });
    const left = await alice.ws.nextEvent('ParticipantLeftEvent');
    expect(left.event).toMatchObject({ participantId: bob.id, version: bob.identified.version + 1 });
    const state = await roomState(room.roomId, alice.token);
    expect(state.version).toBe(left.event.version);
    expect(state.participants.map((p) => p.id)).toEqual([alice.id]);
    await alice.ws.close();
  });

  it('a connection found gone on send is cleaned up like a dropped one (it leaves after the grace)', async () => {
    const room = await openRoom(stack, 'gone-room');
    const alice = await join(stack, 'gone-room');
    // a peer whose connection vanished without a $disconnect (as after a gateway failure)
    await stack.deps().signaling; // deps ready
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint, region: 'us-east-1' }));
    await db.send(new PutCommand({ TableName: 'local-connections', Item: { connectionId: 'ghost-conn=', grant: { sub: 'ghost', room: room.roomId, role: 'participant' }, connectedAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600, peerId: 'ghost', roomId: room.roomId, type: 'client' } }));
    await db.send(new PutCommand({ TableName: 'local-peers', Item: { roomId: room.roomId, peerId: 'ghost', connectionId: 'ghost-conn=', features: {}, joinedAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600 } }));
    alice.ws.send({ action: 'message', data: { kind: 'chat', text: 'anyone?' } });
    const left = await alice.ws.nextEvent('ParticipantLeftEvent');
    expect(left.event).toMatchObject({ participantId: 'ghost' });
    expect(await room.sfu.nextOfType('leave')).toEqual({ type: 'leave', sender: 'ghost' });
    expect((await roomState(room.roomId, alice.token)).participants.map((p) => p.id)).toEqual([alice.id]);
    db.destroy();
    await alice.ws.close();
  });

  it('the SFU closing: the room is CLOSED, its path freed, and its clients get RoomClosedEvent', async () => {
    const room = await openRoom(stack, 'closing-room');
    const alice = await join(stack, 'closing-room');
    await room.sfu.close(1000);
    const closed = await alice.ws.nextEvent('RoomClosedEvent');
    expect(closed.event).toMatchObject({ roomId: room.roomId, version: alice.identified.version + 1 });
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLOSED');
    const gone = await call(stack.url, 'GET', '/getRoomId?urlPath=closing-room');
    expect(gone.status).toBe(404);
    await alice.ws.close();
  });

  it('the SFU dropped by the gateway keeps its room and may reconnect; relay resumes', async () => {
    const room = await openRoom(stack, 'sfu-drop-room');
    const alice = await join(stack, 'sfu-drop-room');
    const before = await stack.deps().roomRepository.getRoom(room.roomId);
    const del = await fetch(`${stack.url}/@connections/${encodeURIComponent(before!.sfuConnectionId!)}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await room.sfu.closed).code).toBe(1001);
    await new Promise((r) => setTimeout(r, 300));
    expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLAIMED');
    alice.ws.send({ action: 'handshake', data: { type: 'producer', sender: alice.id, roomId: room.roomId } });
    expect((await errorOf(alice.ws, 'handshake')).status).toBe(409);

    const sfu2 = await WsClient.connect(stack.wsUrl, await stack.signer.sign({ sub: room.sfuId, room: room.roomId, role: 'sfu' }, 600));
    sfu2.send({ action: 'identify', data: { id: room.sfuId, roomId: room.roomId, type: 'sfu' } });
    await sfu2.nextOfType('identified');
    alice.ws.send({ action: 'handshake', data: { type: 'producer', sender: alice.id, roomId: room.roomId } });
    expect((await sfu2.nextOfType('handshake')).data.sender).toBe(alice.id);
    expect(alice.ws.frames.filter((f) => f.type === 'event' && f.event.type === 'RoomClosedEvent')).toEqual([]);
    await Promise.all([alice.ws.close(), sfu2.close()]);
  });
});

describe('@connections endpoint', () => {
  it('GET describes a live connection; unknown ids are 410 GoneException', async () => {
    await openRoom(stack, 'mgmt-room');
    const { ApiGatewayManagementApiClient, GetConnectionCommand, PostToConnectionCommand } = await import('@aws-sdk/client-apigatewaymanagementapi');
    const client = new ApiGatewayManagementApiClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await expect(client.send(new PostToConnectionCommand({ ConnectionId: 'nope=', Data: Buffer.from('x') }))).rejects.toMatchObject({ name: 'GoneException' });
    const room = await stack.deps().roomRepository.listByStatus('CLAIMED', 50);
    const withSfu = room.find((r) => r.urlPath === 'mgmt-room')!;
    const info = await client.send(new GetConnectionCommand({ ConnectionId: withSfu.sfuConnectionId! }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
  });
});
