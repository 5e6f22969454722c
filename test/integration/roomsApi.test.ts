/** Every row of DESIGN.md section 5's HTTP table, through the local gateway over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ MAX_ROOMS: '6' });
});
afterAll(async () => {
  await stack?.stop();
});

/** Starts a room through the API and lets it reach AVAILABLE as its SFU identifying would. */
async function availableRoom(): Promise<string> {
  const created = await call(stack.url, 'PUT', '/createRoom');
  expect(created.status).toBe(200);
  const roomId = created.body.roomId as string;
  expect(await stack.deps().rooms.markAvailable(roomId)).toBe(true);
  return roomId;
}

describe('GET /getRoomId', () => {
  it('400 missing urlPath without the parameter, or with it empty', async () => {
    for (const path of ['/getRoomId', '/getRoomId?urlPath=', '/getRoomId?other=1']) {
      const res = await call(stack.url, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body).toEqual({ message: 'missing urlPath' });
    }
  });

  it('400 with a clear message for an invalid or oversize path', async () => {
    for (const bad of ['a b', 'room/x', 'x'.repeat(65), 'ümlaut', '..']) {
      const res = await call(stack.url, 'GET', `/getRoomId?urlPath=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.message).toMatch(/urlPath must be 1-64 characters/);
    }
  });

  it('404 Room not found for a path never claimed', async () => {
    const res = await call(stack.url, 'GET', '/getRoomId?urlPath=never-claimed');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Room not found' });
  });
});

describe('PUT /createRoom', () => {
  it('200 with the message verbatim, a STARTING room and a running task with its settings', async () => {
    const res = await call(stack.url, 'PUT', '/createRoom');
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Task started successfully!');
    const roomId = res.body.roomId as string;
    expect(roomId).toMatch(/^[0-9a-f-]{36}$/);
    const room = await stack.deps().roomRepository.getRoom(roomId);
    expect(room?.status).toBe('STARTING');
    expect(room?.taskArn).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:task\/video-rooms\/[0-9a-f]{32}$/);
    expect(room?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('PATCH /claimRoom', () => {
  it('400 missing urlPath for an empty body, an empty object or a null path', async () => {
    for (const body of [undefined, {}, { urlPath: null }, { urlPath: '' }]) {
      const res = await call(stack.url, 'PATCH', '/claimRoom', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toEqual({ message: 'missing urlPath' });
    }
  });

  it('binds an available room, is idempotent, and getRoomId resolves it', async () => {
    const roomId = await availableRoom();
    const first = await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'daily-standup' });
    expect(first.status).toBe(200);
    expect(first.body.roomId).toBe(roomId);
    const again = await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'daily-standup' });
    expect(again.body.roomId).toBe(roomId);
    const resolved = await call(stack.url, 'GET', '/getRoomId?urlPath=daily-standup');
    expect(resolved.status).toBe(200);
    expect(resolved.body.roomId).toBe(roomId);
    // each answer carries a participant token for that room, bound to a fresh peer id
    for (const res of [first, again, resolved]) {
      expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(res.body.peerId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.expiresAt).toBeGreaterThan(Date.now() / 1000);
    }
    expect(new Set([first, again, resolved].map((r) => r.body.peerId)).size).toBe(3);
    expect((await stack.deps().roomRepository.getRoom(roomId))?.status).toBe('CLAIMED');
  });

  it('404 Room not found when no room is available (a STARTING room is not claimable)', async () => {
    await call(stack.url, 'PUT', '/createRoom'); // STARTING only
    const res = await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'nothing-ready' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Room not found' });
  });

  it('a path of a CLOSED room is 404 for getRoomId, and a later claim binds a fresh room', async () => {
    const first = await availableRoom();
    expect((await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'reused-name' })).body.roomId).toBe(first);
    const closed = await stack.deps().rooms.closeRoom(first, 'test: SFU gone');
    expect(closed?.status).toBe('CLOSED');
    const gone = await call(stack.url, 'GET', '/getRoomId?urlPath=reused-name');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: 'Room not found' });

    const second = await availableRoom();
    const reclaimed = await call(stack.url, 'PATCH', '/claimRoom', { urlPath: 'reused-name' });
    expect(reclaimed.body.roomId).toBe(second);
    expect(second).not.toBe(first);
  });
});

describe('bad input changes nothing', () => {
  it('wrong content type, malformed JSON, oversize body, wrong types, unknown routes: 4xx with a message', async () => {
    const before = await stack.snapshot();
    const cases: [string, string, unknown, Record<string, string>, number, RegExp][] = [
      ['PATCH', '/claimRoom', 'urlPath=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /application\/json/],
      ['PATCH', '/claimRoom', '{"urlPath": ', {}, 400, /not valid JSON/],
      ['PATCH', '/claimRoom', '[1,2]', {}, 400, /expected object|missing urlPath|invalid/i],
      ['PATCH', '/claimRoom', { urlPath: 42 }, {}, 400, /urlPath must be a string/],
      ['PATCH', '/claimRoom', { urlPath: 'has space' }, {}, 400, /urlPath must be 1-64/],
      ['PATCH', '/claimRoom', { urlPath: 'y'.repeat(65) }, {}, 400, /urlPath must be 1-64/],
      ['PATCH', '/claimRoom', JSON.stringify({ urlPath: 'big', pad: 'z'.repeat(20_000) }), {}, 413, /larger than/],
      ['POST', '/no-such-route', { urlPath: 'x' }, {}, 404, /Not Found/],
      ['GET', '/no-such-file.js', undefined, { accept: 'application/json' }, 404, /Not Found/],
      ['POST', '/getRoomId', { urlPath: 'x' }, {}, 404, /Not Found/],
      ['DELETE', '/createRoom', undefined, {}, 404, /Not Found/],
    ];
    for (const [method, path, body, headers, status, message] of cases) {
      const res = await call(stack.url, method, path, body, headers);
      expect(res.status, `${method} ${path} ${String(body).slice(0, 40)}`).toBe(status);
      expect(String(res.body.message ?? res.body.raw)).toMatch(message);
    }
    expect(await stack.snapshot()).toEqual(before);
  });
});

describe('the web client on the gateway', () => {
  it('serves config.json, and index.html for a room path (SPA fallback), even one named like a route', async () => {
    const config = await call(stack.url, 'GET', '/config.json');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({ apiUrl: stack.url, webSocketUrl: stack.wsUrl, iceServers: [] });
    for (const path of ['/', '/team-standup', '/getRoomId']) {
      const res = await fetch(`${stack.url}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(await res.text()).toMatch(/<div id="root">/);
    }
    const traversal = await fetch(`${stack.url}/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
  });
});
