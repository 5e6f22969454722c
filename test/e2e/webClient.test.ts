/**
 * The web client in headless Chromium (fake camera and microphone) against the full local stack with
 * real SFU tasks, once per SFU engine that can run here (werift; mediasoup with a worker). Screenshots
 * go to test-artifacts/ (named after the engine).
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockUdpToSfu, expectPlaying, expectText, launchChromium, newContext, openRoomPage, passPreJoin, recordPeerConnections, selectedProtocols, selfId } from '../helpers/browser.ts';
import { call, startStack, type TestStack } from '../helpers/localStack.ts';
import { sfuPid } from '../helpers/roomOnStack.ts';
import { bearer, type Idp, startIdp } from '../helpers/userEndpoints.ts';
import { availableEngines } from '../sfu/availableEngines.ts';

const { engines, coverage } = availableEngines();
console.warn(`webClient: ${coverage}`);

const ARTIFACTS = 'test-artifacts';
let stack: TestStack;
let browser: Browser;
let idp: Idp;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // an organisation's identity provider, whose users sign in to the web client
  idp = await startIdp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await idp?.close();
});

async function join(room: string, name: string, allowMedia = true): Promise<Page> {
  const context = await newContext(browser, stack.url, allowMedia);
  const page = await openRoomPage(context, `${stack.url}/${room}`, name);
  await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
  return page;
}

describe.each(engines)('web client on $name', ({ name: engine, stackEnv }) => {
  const shot = (page: Page, what: string) => page.screenshot({ path: `${ARTIFACTS}/${engine}-${what}.png` });

  beforeAll(async () => {
    stack = await startStack({ ...idp.env, ...stackEnv, WARM_ROOMS: '1', MAX_ROOMS: '10', RECONCILE_INTERVAL_SECONDS: '1' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('two people in a room', () => {
    it('see and hear each other, see mute / camera-off / screen share, chat, and leave (warm room), and a third joins late', async () => {
      const alice = await join('standup', 'Alice');
      const bob = await join('standup', 'Bob');
      const [aliceId, bobId] = await Promise.all([selfId(alice), selfId(bob)]);
      await expectPlaying(alice, bobId);
      await expectPlaying(bob, aliceId);
      await expectText(alice.getByTestId(`tile-camera-${bobId}`).locator('.name'), 'Bob');
      await shot(alice, 'call-alice');

      // mute (keyboard m) and camera off (button) show on the other side
      await alice.keyboard.press('m');
      await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-muted').waitFor({ timeout: 10_000 });
      await alice.getByRole('button', { name: /Turn camera off/ }).click();
      await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-camera-off').waitFor({ timeout: 10_000 });
      await shot(bob, 'call-bob-sees-alice-muted');
      await alice.keyboard.press('m');
      await alice.keyboard.press('v');
      await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-muted').waitFor({ state: 'detached', timeout: 10_000 });
      await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-camera-off').waitFor({ state: 'detached', timeout: 10_000 });

      // chat
      await bob.getByLabel('Chat message').fill('hello from Bob');
      await bob.getByRole('button', { name: 'Send' }).click();
      await expectText(alice.getByTestId('chat-lines'), 'hello from Bob');

      // screen share appears on the other side; stopping it from the browser's own bar removes it
      await alice.getByRole('button', { name: 'Share your screen' }).click();
      await bob.getByTestId(`tile-screen-${aliceId}`).waitFor({ timeout: 20_000 });
      await bob.waitForFunction(
        (id) => (document.querySelector<HTMLVideoElement>(`[data-testid="tile-screen-${id}"] video`)?.videoWidth ?? 0) > 0,
        aliceId,
        { timeout: 20_000 },
      );
      await shot(bob, 'call-bob-sees-screen');
      // the browser's "Stop sharing" ends the track with an `ended` event
      await alice.evaluate(() => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="tile-screen-self"] video');
        const track = (v?.srcObject as MediaStream | null)?.getVideoTracks()[0];
        track?.stop();
        track?.dispatchEvent(new Event('ended'));
      });
      await bob.getByTestId(`tile-screen-${aliceId}`).waitFor({ state: 'detached', timeout: 10_000 });

      // a third joins late and sees both
      const carol = await join('standup', 'Carol');
      await expectPlaying(carol, aliceId);
      await expectPlaying(carol, bobId);
      await shot(carol, 'call-carol-three');

      // leave removes the tile on the others within 5 s
      await bob.getByRole('button', { name: 'Leave the call' }).click();
      await alice.getByTestId(`tile-camera-${bobId}`).waitFor({ state: 'detached', timeout: 5_000 });
      await carol.getByTestId(`tile-camera-${bobId}`).waitFor({ state: 'detached', timeout: 5_000 });
      expect(await bob.getByRole('heading', { name: 'You left the call' }).isVisible()).toBe(true);
      await Promise.all([alice.context().close(), bob.context().close(), carol.context().close()]);
    });

    it('the pre-join screen gets the join ready (room found, socket open) unseen by the others; a room that closed meanwhile is found afresh at the click', async () => {
      const host = await join('lobby', 'Hana');
      const hostId = await selfId(host);
      const context = await newContext(browser, stack.url);
      const ivan = await context.newPage();
      await ivan.addInitScript(() => localStorage.setItem('video-rooms.displayName', 'Ivan'));
      await recordPeerConnections(ivan);
      await ivan.goto(`${stack.url}/lobby`);
      await ivan.getByTestId('prejoin').waitFor();
      await ivan.waitForFunction(() => performance.getEntriesByName('join:socket-open', 'mark').length > 0, undefined, { timeout: 30_000 });
      // the socket is open, not identified: the host sees nobody
      await new Promise((r) => setTimeout(r, 1500));
      const others = () => host.evaluate(() => (window as unknown as { __callSession: { snapshot(): { participants: unknown[] } } }).__callSession.snapshot().participants.length);
      expect(await others()).toBe(0);
      await passPreJoin(ivan);
      await expectPlaying(host, await selfId(ivan));
      await expectPlaying(ivan, hostId);

      // a room found on the pre-join screen that closes before the click (it idled out): the click finds one afresh
      const late = await context.newPage();
      await late.goto(`${stack.url}/empty-lobby`);
      await late.getByTestId('prejoin').waitFor();
      await late.waitForFunction(() => performance.getEntriesByName('join:socket-open', 'mark').length > 0, undefined, { timeout: 90_000 });
      const first = (await stack.deps().roomRepository.listByStatus('CLAIMED', 50)).find((r) => r.urlPath === 'empty-lobby')!;
      await stack.deps().rooms.closeRoom(first.roomId, 'test: idled out before the click');
      await passPreJoin(late);
      await late.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
      const second = (await stack.deps().roomRepository.listByStatus('CLAIMED', 50)).find((r) => r.urlPath === 'empty-lobby')!;
      expect(second.roomId).not.toBe(first.roomId);
      const kim = await join('empty-lobby', 'Kim');
      await expectPlaying(kim, await selfId(late));
      await Promise.all([host.context().close(), context.close(), kim.context().close()]);
    });

    it('cold path: no ready room, the first one in starts one (with progress shown) and both get media', async () => {
      // take the warm room so that none is ready
      const warm = await stack.deps().roomRepository.listByStatus('AVAILABLE', 10);
      for (const r of warm) await stack.deps().rooms.closeRoom(r.roomId, 'test: force the cold path');
      const context = await newContext(browser, stack.url);
      const page = await openRoomPage(context, `${stack.url}/cold-start`, 'Dana');
      await expectText(page.getByTestId('join-status'), /Starting a new room server|Waiting for the room server|Taking a ready room|Connecting/, 20_000);
      await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
      const erin = await join('cold-start', 'Erin');
      await expectPlaying(page, await selfId(erin));
      await expectPlaying(erin, await selfId(page));
      await Promise.all([context.close(), erin.context().close()]);
    });
  });

  describe('when things go wrong', () => {
    it('the gateway drops the signaling socket mid-call: the page shows reconnecting, then media still flows', async () => {
      const alice = await join('flaky', 'Alice');
      const bob = await join('flaky', 'Bob');
      const [aliceId, bobId] = await Promise.all([selfId(alice), selfId(bob)]);
      await expectPlaying(alice, bobId);
      const room = (await stack.deps().roomRepository.listByStatus('CLAIMED', 50)).find((r) => r.urlPath === 'flaky')!;
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint, region: 'us-east-1' }));
      const peer = await db.send(new GetCommand({ TableName: 'local-peers', Key: { roomId: room.roomId, peerId: aliceId } }));
      db.destroy();
      const dropped = await fetch(`${stack.url}/@connections/${encodeURIComponent(peer.Item!.connectionId as string)}`, { method: 'DELETE' });
      expect(dropped.status).toBe(204);
      await alice.getByTestId('reconnecting').waitFor({ timeout: 5_000 });
      await shot(alice, 'reconnecting');
      await alice.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 20_000 });
      await expectPlaying(alice, bobId);
      await expectPlaying(bob, aliceId);
      // Bob never saw Alice leave
      expect(await bob.getByTestId(`tile-camera-${aliceId}`).isVisible()).toBe(true);
      await Promise.all([alice.context().close(), bob.context().close()]);
    });

    it('the room\'s SFU task killed: both pages say Reconnecting…, rejoin the URL by themselves into one new room, keep chat and mute, and see each other again (times printed)', async () => {
      const alice = await join('phoenix', 'Alice');
      const bob = await join('phoenix', 'Bob');
      const [aliceId, bobId] = await Promise.all([selfId(alice), selfId(bob)]);
      await expectPlaying(alice, bobId);
      await expectPlaying(bob, aliceId);
      await bob.getByLabel('Chat message').fill('before the crash');
      await bob.getByRole('button', { name: 'Send' }).click();
      await expectText(alice.getByTestId('chat-lines'), 'before the crash');
      await alice.keyboard.press('m');
      await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-muted').waitFor({ timeout: 10_000 });

      const room = (await stack.deps().roomRepository.listByStatus('CLAIMED', 50)).find((r) => r.urlPath === 'phoenix')!;
      const pid = sfuPid(room.roomId);
      expect(pid).toBeGreaterThan(0);
      const killedAt = Date.now();
      process.kill(pid!, 'SIGKILL');
      await Promise.all([alice, bob].map((page) => page.getByTestId('reconnecting').waitFor({ timeout: 10_000 })));
      await shot(alice, 'server-gone-reconnecting');

      // new peer ids in one new room, media both ways, nobody clicked anything
      const newId = async (page: Page, old: string) => {
        await page.waitForFunction((id) => document.querySelector('[data-testid="tile-camera-self"]')?.getAttribute('data-peer-id') !== id, old, { timeout: 60_000 });
        return selfId(page);
      };
      const [alice2, bob2] = await Promise.all([newId(alice, aliceId), newId(bob, bobId)]);
      await Promise.all([expectPlaying(alice, bob2), expectPlaying(bob, alice2)]);
      // each page's first decoded frame of the other's new camera
      const firstFrame = (page: Page, of: string) =>
        page.evaluate((id) => performance.timeOrigin + performance.getEntriesByName(`frame:${id}`, 'mark')[0]!.startTime, of);
      const flowing = Math.round(Math.max(await firstFrame(alice, bob2), await firstFrame(bob, alice2)) - killedAt);
      const fresh = (await stack.deps().roomRepository.listByStatus('CLAIMED', 50)).find((r) => r.urlPath === 'phoenix')!;
      expect(fresh.roomId).not.toBe(room.roomId);
      expect((await stack.deps().roomRepository.getRoom(room.roomId))?.status).toBe('CLOSED');
      await alice.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 10_000 });

      // what each page logged: told (server-gone), back in a room (rejoined); kept: chat, mute
      const log = (page: Page) =>
        page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('recovery:')).map((m) => ({ step: m.name.slice(9), at: performance.timeOrigin + m.startTime })));
      const logs = await Promise.all([log(alice), log(bob)]);
      const at = (step: string) => Math.max(...logs.map((l) => l.find((e) => e.step === step)!.at - killedAt));
      expect(logs.every((l) => l.some((e) => e.step === 'server-gone') && l.some((e) => e.step === 'rejoined'))).toBe(true);
      console.warn(`webClient (${engine}): SFU task killed -> both pages told after ${Math.round(at('server-gone'))} ms, in the new room after ${Math.round(at('rejoined'))} ms, each showing the other's video again after ${flowing} ms`);
      await expectText(alice.getByTestId('chat-lines'), 'before the crash');
      await bob.getByTestId(`tile-camera-${alice2}`).getByTestId('badge-muted').waitFor({ timeout: 10_000 });
      expect(await alice.getByRole('button', { name: 'Unmute microphone (m)' }).isVisible()).toBe(true);
      await shot(bob, 'server-gone-back');
      await Promise.all([alice.context().close(), bob.context().close()]);
    });

    it('invite only: the creator closes the room to the URL, a guest is refused, then joins from the invitation link', async () => {
      const host = await join('private-talk', 'Hana');
      // the creator (the one whose claim bound the path) has the switch
      await host.getByRole('button', { name: 'Admit only people with an invitation link' }).click();
      await host.getByTestId('ticket-only').waitFor({ timeout: 10_000 });

      const context = await newContext(browser, stack.url);
      const guest = await openRoomPage(context, `${stack.url}/private-talk`, 'Ivan');
      await expectText(guest.getByRole('alert'), /only people with an invitation link/, 30_000);
      await shot(guest, 'ticket-refused');

      await host.getByRole('button', { name: 'Copy link: an invitation link' }).click();
      const link = await host.getByTestId('share-link').inputValue({ timeout: 10_000 });
      expect(link).toMatch(new RegExp(`^${stack.url}/t/[A-Za-z0-9_-]{16}$`));
      await guest.goto(link);
      await passPreJoin(guest);
      await guest.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
      await expectText(guest.locator('header h1'), 'private-talk');
      const [hostId, guestId] = await Promise.all([selfId(host), selfId(guest)]);
      await expectPlaying(host, guestId);
      await expectPlaying(guest, hostId);
      // a used-up or bogus link says so
      await guest.goto(`${stack.url}/t/AAAAAAAAAAAAAAAA`);
      await passPreJoin(guest);
      await expectText(guest.getByRole('alert'), /invitation link is not valid/, 30_000);
      await Promise.all([host.context().close(), context.close()]);
    });

    it('a signed-in user is told someone is calling, with the room, and joins it from the notification', async () => {
      const context = await newContext(browser, stack.url);
      const userToken = await idp.userToken('carol', 'acme');
      const page = await openRoomPage(context, `${stack.url}/#userToken=${userToken}`, 'Carol');
      await expectText(page.getByTestId('incoming-events'), 'Signed in as carol · reachable', 30_000);
      // the token left the address bar
      expect(page.url()).toBe(`${stack.url}/`);

      const client = await stack.deps().clientAdmin.create('call center', ['events:send']);
      const token = await call(stack.url, 'POST', '/security/oauth/token', `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      const sent = await call(
        stack.url,
        'POST',
        '/rtc-api/users/endpoints/sendEvent',
        { userId: 'carol', organizationId: 'acme', qos: 1, event: { type: 'IncomingCallEvent', timestamp: new Date().toISOString(), from: 'Dave', urlPath: 'call-carol' } },
        bearer(token.body.access_token as string),
      );
      expect(sent.status).toBe(200);
      expect(sent.body).toBe(1);
      await expectText(page.getByTestId('incoming-event'), 'Dave is calling you', 20_000);
      await shot(page, 'incoming-call');
      await page.getByTestId('incoming-event').getByRole('button', { name: 'Join' }).click();
      await passPreJoin(page);
      await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
      expect(new URL(page.url()).pathname).toBe('/call-carol');
      await context.close();
    });

    // werift has no ICE-TCP: only mediasoup's WebRtcServer listens on TCP
    if (engine === 'mediasoup') it('a network that blocks UDP: media flows over ICE-TCP to the WebRtcServer\'s TCP port', async () => {
      const context = await newContext(browser, stack.url);
      await blockUdpToSfu(context);
      const page = await openRoomPage(context, `${stack.url}/no-udp`, 'Tess');
      await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
      const other = await join('no-udp', 'Uma');
      const [tessId, umaId] = await Promise.all([selfId(page), selfId(other)]);
      await expectPlaying(page, umaId);
      await expectPlaying(other, tessId);
      const protocols = await selectedProtocols(page);
      expect(protocols.length).toBeGreaterThanOrEqual(2); // publish and receive
      expect(new Set(protocols)).toEqual(new Set(['tcp']));
      expect(new Set(await selectedProtocols(other))).toEqual(new Set(['udp']));
      await Promise.all([context.close(), other.context().close()]);
    });

    it('camera and microphone denied: the page joins without them and says so', async () => {
      const strict = await launchChromium(['--deny-permission-prompts']);
      try {
        // a browser that answers no to every permission prompt
        const context = await strict.newContext();
        const page = await openRoomPage(context, `${stack.url}/no-camera`, 'Frank');
        await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
        await expectText(page.getByTestId('notice'), /camera/i);
        await expectText(page.getByTestId('notice'), /joined without/i);
        await shot(page, 'no-camera');
        const other = await join('no-camera', 'Gina');
        await expectPlaying(page, await selfId(other));
        // the others see Frank as muted with his camera off
        const frank = await selfId(page);
        await other.getByTestId(`tile-camera-${frank}`).getByTestId('badge-camera-off').waitFor({ timeout: 10_000 });
        await other.getByTestId(`tile-camera-${frank}`).getByTestId('badge-muted').waitFor({ timeout: 10_000 });
        await Promise.all([context.close(), other.context().close()]);
      } finally {
        await strict.close();
      }
    });
  });
});
