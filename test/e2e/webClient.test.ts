/**
 * The web client in headless Chromium (fake camera and microphone) against the full local stack with
 * real werift SFU tasks. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundStats, launchChromium, newContext, openRoomPage } from '../helpers/browser.ts';
import { startStack, type TestStack } from '../helpers/localStack.ts';

const ARTIFACTS = 'test-artifacts';
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({
    SFU_TASK_COMMAND: 'node --import tsx sfu-task/src/main.ts',
    WARM_ROOMS: '1',
    MAX_ROOMS: '10',
    RECONCILE_INTERVAL_SECONDS: '1',
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function join(room: string, name: string, allowMedia = true): Promise<Page> {
  const context = await newContext(browser, stack.url, allowMedia);
  const page = await openRoomPage(context, `${stack.url}/${room}`, name);
  await page.getByTestId('tile-camera-self').waitFor({ timeout: 90_000 });
  return page;
}

/** Waits until the locator's text matches (vitest has no Playwright matchers). */
async function expectText(locator: Locator, pattern: RegExp | string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await locator.textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return;
    if (Date.now() > deadline) throw new Error(`text ${JSON.stringify(last)} never matched ${String(pattern)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const selfId = (page: Page) => page.getByTestId('tile-camera-self').getAttribute('data-peer-id') as Promise<string>;

/** The remote tile of `peerId` is playing: its video has a size and its time advances; frames decode. */
async function expectPlaying(page: Page, peerId: string): Promise<void> {
  const video = page.locator(`[data-testid="tile-camera-${peerId}"] video`);
  await video.waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForFunction(
    (id) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="tile-camera-${id}"] video`);
      return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
    },
    peerId,
    { timeout: 20_000 },
  );
  const first = await inboundStats(page);
  await page.waitForTimeout(1500);
  const second = await inboundStats(page);
  expect(second.framesDecoded).toBeGreaterThan(first.framesDecoded);
  expect(second.audioBytes).toBeGreaterThan(first.audioBytes);
}

describe('two people in a room', () => {
  it('see and hear each other, see mute / camera-off / screen share, chat, and leave (warm room), and a third joins late', async () => {
    const alice = await join('standup', 'Alice');
    const bob = await join('standup', 'Bob');
    const [aliceId, bobId] = await Promise.all([selfId(alice), selfId(bob)]);
    await expectPlaying(alice, bobId);
    await expectPlaying(bob, aliceId);
    await expectText(alice.getByTestId(`tile-camera-${bobId}`).locator('.name'), 'Bob');
    await alice.screenshot({ path: `${ARTIFACTS}/call-alice.png` });

    // mute (keyboard m) and camera off (button) show on the other side
    await alice.keyboard.press('m');
    await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-muted').waitFor({ timeout: 10_000 });
    await alice.getByRole('button', { name: /Turn camera off/ }).click();
    await bob.getByTestId(`tile-camera-${aliceId}`).getByTestId('badge-camera-off').waitFor({ timeout: 10_000 });
    await bob.screenshot({ path: `${ARTIFACTS}/call-bob-sees-alice-muted.png` });
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
    await bob.screenshot({ path: `${ARTIFACTS}/call-bob-sees-screen.png` });
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
    await carol.screenshot({ path: `${ARTIFACTS}/call-carol-three.png` });

    // leave removes the tile on the others within 5 s
    await bob.getByRole('button', { name: 'Leave the call' }).click();
    await alice.getByTestId(`tile-camera-${bobId}`).waitFor({ state: 'detached', timeout: 5_000 });
    await carol.getByTestId(`tile-camera-${bobId}`).waitFor({ state: 'detached', timeout: 5_000 });
    expect(await bob.getByRole('heading', { name: 'You left the call' }).isVisible()).toBe(true);
    await Promise.all([alice.context().close(), bob.context().close(), carol.context().close()]);
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
    await alice.screenshot({ path: `${ARTIFACTS}/reconnecting.png` });
    await alice.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 20_000 });
    await expectPlaying(alice, bobId);
    await expectPlaying(bob, aliceId);
    // Bob never saw Alice leave
    expect(await bob.getByTestId(`tile-camera-${aliceId}`).isVisible()).toBe(true);
    await Promise.all([alice.context().close(), bob.context().close()]);
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
      await page.screenshot({ path: `${ARTIFACTS}/no-camera.png` });
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
